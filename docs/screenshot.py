"""Regenerate docs/screenshot.svg: the demo reader at 120x36 with a multi-source story open.

    python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from newstui.core.config import load_config
from newstui.core.refresh import refresh_feeds
from newstui.core.store import Store
from newstui.demo import prepare_demo
from newstui.ui.app import make_app
from newstui.ui.widgets.headlines import HeadlineList

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(prepare_demo(Path(tmp), now=NOW))
        store = Store(Path(tmp) / "db.json")
        await refresh_feeds(config, store)
        app = make_app(config, store, refresh_on_start=False, clock=lambda: NOW, open_url=lambda url: None)
        async with app.run_test(size=(120, 36)) as pilot:
            headlines = app.screen.query_one(HeadlineList)
            target = next(i for i, a in enumerate(headlines.articles) if "comet" in a.title.lower())
            headlines.cursor = target
            await pilot.press("enter")
            await pilot.pause()
            out = Path(__file__).with_name("screenshot.svg")
            app.save_screenshot(filename=out.name, path=str(out.parent))
            print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main())
