"""What the snapshot tests share: the fixed clock and sizes, the demo reader, waiting for it to settle.

Nothing on screen may differ between machines or runs (see conftest.py for how the demo is made).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot

from newstui.core.models import Config
from newstui.core.store import Store
from newstui.ui.app import NewsApp, make_app
from newstui.ui.screens.main import MainScreen

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
FETCH_SECONDS = 0.04  # what a refresh measures varies from run to run; the snapshots show these
PARSE_SECONDS = 0.01


def demo_url(filename: str) -> str:
    """Where the snapshots' config says a demo feed lives (``harbour_gazette.xml`` →
    ``http://harbour-gazette.example/harbour_gazette.xml``)."""
    return f"http://{Path(filename).stem.replace('_', '-')}.example/{filename}"


@dataclass
class DemoReader:
    """The demo refreshed into a real store; ``app()`` builds the reader over it."""

    config: Config
    store: Store
    opened: list[str] = field(default_factory=list)

    def app(self) -> NewsApp:
        return make_app(
            self.config,
            self.store,
            refresh_on_start=False,
            clock=lambda: NOW,
            open_url=self.opened.append,
        )


async def settled(pilot: Pilot) -> None:
    """Until the reader's background work after its first paint (related index, search index,
    suggested topics) is done and shown: the picture then no longer depends on timing."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    library = screen.library
    # The index threads are started together, on the event loop, a moment after the first paint:
    # look for the related one from the event loop (never half started there), then wait for
    # the search one in a thread (it reports back with call_from_thread: the loop must run).
    for _ in range(1000):
        if library.wait_for_related(0):
            break
        await pilot.pause(0.01)
    assert library.wait_for_related(0), "the related index was never built"
    await asyncio.to_thread(library.wait_for_search)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
