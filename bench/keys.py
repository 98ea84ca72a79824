"""CPU time per key press in the real reader (demo store, 120x40, headless Pilot).

Wall time through Pilot includes its own waiting for the screen to settle, so CPU time of this
process per key is the figure to watch; both are printed.

    python bench/keys.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from newstui.core.config import load_config
from newstui.core.refresh import refresh_feeds
from newstui.core.store import Store
from newstui.demo import prepare_demo
from newstui.ui.app import make_app

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
PLAN = [("j", 20, "cursor down"), ("enter", 8, "j + open article"), ("tab", 8, "next pane"),
        ("u", 6, "unread only on/off"), ("k", 20, "cursor up"), ("s", 6, "star/unstar")]



async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(prepare_demo(Path(tmp), now=NOW))
        store = Store(Path(tmp) / "db.json")
        await refresh_feeds(config, store)
        count = len(store.articles())
        app = make_app(config, store, refresh_on_start=False, clock=lambda: NOW, open_url=lambda url: None)
        print(f"per key, {count} articles, 120x40 headless\n")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for key, times, what in PLAN:
                wall, cpu = time.perf_counter(), time.process_time()
                for _ in range(times):
                    if key == "enter":
                        await pilot.press("j")  # open a different article each time
                        await pilot.pause()
                    await pilot.press(key)
                    await pilot.pause()
                wall = (time.perf_counter() - wall) / times * 1000
                cpu = (time.process_time() - cpu) / times * 1000
                print(f"{key:>6}  {what:<20} cpu {cpu:6.1f} ms   wall {wall:6.1f} ms   (n={times})")


if __name__ == "__main__":
    asyncio.run(main())
