"""SVG snapshots of the reader's screens, each at 80x24 and 160x48 (pytest-textual-snapshot).

The SVGs live in ``__snapshots__/``. After a change to what a screen shows, look at the report
the failing run writes (``snapshot_report.html``), then accept the new pictures with

    python -m pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from snapshot_demo import SIZES, DemoReader, settled
from textual.command import CommandPalette
from textual.pilot import Pilot

from newstui.ui.screens.feeds import FeedHealthScreen
from newstui.ui.screens.help import HelpScreen
from newstui.ui.widgets.headlines import HeadlineList

STORY = "comet"  # a story two demo outlets covered: the related pane has the other's report

sizes = pytest.mark.parametrize("size", list(SIZES), ids=list(SIZES))


async def open_story(pilot: Pilot) -> None:
    """Open the first article of the :data:`STORY` (from the headlines, with Enter)."""
    await settled(pilot)
    headlines = pilot.app.screen.query_one(HeadlineList)
    titles = [article.title for article in headlines.articles]
    target = next(i for i, title in enumerate(titles) if STORY in title.lower())
    await pilot.press(*["j"] * (target - headlines.cursor))
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@sizes
def test_main_screen_with_a_story_open(snap_compare, demo: DemoReader, size: str) -> None:
    """The reader with an article of a two-outlet story open: topics, headlines, the article,
    the story's other reports under Related, the status line and the key bar."""
    assert snap_compare(demo.app(), terminal_size=SIZES[size], run_before=open_story)


def pressed(key: str, screen: type) -> Callable[[Pilot], Awaitable[None]]:
    """A ``run_before``: once the reader has settled, ``key``, which opens ``screen``."""

    async def run_before(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(pilot.app.screen, screen), pilot.app.screen

    return run_before


@sizes
def test_help_screen(snap_compare, demo: DemoReader, size: str) -> None:
    """? over the reader: every key, the reader's and the panes'."""
    assert snap_compare(demo.app(), terminal_size=SIZES[size], run_before=pressed("question_mark", HelpScreen))


@sizes
def test_feed_health_screen(snap_compare, demo: DemoReader, size: str) -> None:
    """F: the four demo feeds, all fetched fine, and the first one in full below the table."""
    assert snap_compare(demo.app(), terminal_size=SIZES[size], run_before=pressed("F", FeedHealthScreen))


async def palette_ready(pilot: Pilot) -> None:
    """Until the palette has listed every command that matches what is typed."""
    palette = pilot.app.screen
    assert isinstance(palette, CommandPalette), palette
    await palette.workers.wait_for_complete()  # the commands come in from each provider in batches
    await pilot.pause()
    assert palette.has_class("-ready"), "the palette never finished listing its commands"


@sizes
def test_command_palette(snap_compare, demo: DemoReader, size: str) -> None:
    """Ctrl+P over the reader, "feed" typed: the reader's commands that match, best first.

    Typed, not empty: with nothing typed the palette lists each provider's commands in the order
    of a set (App.COMMANDS), which changes from one run to the next.
    """

    async def run_before(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("ctrl+p")
        await palette_ready(pilot)
        await pilot.press(*"feed")
        await palette_ready(pilot)

    assert snap_compare(demo.app(), terminal_size=SIZES[size], run_before=run_before)
