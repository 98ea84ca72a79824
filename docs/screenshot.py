"""Regenerate the README's screenshots: the demo reader with a multi-source story open.

    python docs/screenshot.py

writes docs/screenshot.svg (120x36, the one at the top of the README), docs/screenshot-80x24.svg
and docs/screenshot-160x48.svg. The output depends only on the code: the demo's dates, the
refresh and the reader run on a fixed clock, and the feeds are refreshed one after another (the
reader groups stories as articles arrive). The snapshot tests (tests/snapshots) check the same
screens at 80x24 and 160x48.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from newstui.core.config import load_config
from newstui.core.refresh import refresh_feeds
from newstui.core.store import Store
from newstui.demo import prepare_demo
from newstui.ui.app import NewsApp, make_app
from newstui.ui.screens.main import MainScreen
from newstui.ui.widgets.headlines import HeadlineList

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
STORY = "comet"  # covered by two of the demo's outlets: the related pane shows the other report
SHOTS = {
    "screenshot.svg": (120, 36),
    "screenshot-80x24.svg": (80, 24),
    "screenshot-160x48.svg": (160, 48),
}


async def settled(pilot: Pilot[int]) -> None:
    """Until the work the reader starts after its first paint (related and search indexes,
    suggested topics) is done and on screen."""
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    while not screen.library.wait_for_related(0):
        await pilot.pause(0.01)
    await asyncio.to_thread(screen.library.wait_for_search)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def shoot(app: NewsApp, size: tuple[int, int], out: Path) -> None:
    async with app.run_test(size=size) as pilot:
        await settled(pilot)
        headlines = app.screen.query_one(HeadlineList)
        target = next(i for i, a in enumerate(headlines.articles) if STORY in a.title.lower())
        await pilot.press(*["j"] * (target - headlines.cursor), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(filename=out.name, path=str(out.parent))
    print(f"wrote {out}")


async def main() -> None:
    for name, size in SHOTS.items():
        with tempfile.TemporaryDirectory() as tmp:  # a fresh store each: opening marks read
            config = load_config(prepare_demo(Path(tmp), now=NOW))
            with Store(Path(tmp) / "db.json") as store:
                for feed in config.feeds:
                    await refresh_feeds(config, store, feeds=[feed], clock=lambda: NOW)
                app = make_app(
                    config,
                    store,
                    refresh_on_start=False,
                    clock=lambda: NOW,
                    open_url=lambda url: None,
                )
                await shoot(app, size, Path(__file__).with_name(name))


if __name__ == "__main__":
    asyncio.run(main())
