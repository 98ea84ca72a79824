"""The reader over hostile feeds: escapes and markup from strangers appear as harmless, literal text
in the headlines, the article, the topics, the status line and the feed health screen."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hostile_server import MARKUP, Hostile, serve_hostile
from rich.console import Console

from newstui.core.models import Config, Feed, Settings
from newstui.core.refresh import refresh_all
from newstui.core.store import Store
from newstui.ui.app import make_app
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.status import StatusLine

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ufeff]")
MARKUP_FEED = "[bold red]Markup[/] feed"
BROKEN_FEED = "[link=http://evil.test/]Broken[/link] $accent"


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Hostile]:
    with serve_hostile(secret_path=tmp_path / "secret.txt") as server:
        yield server


def screen_text(app) -> str:
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def reader_config(hostile: Hostile) -> Config:
    return Config("feeds.toml", Settings(group_stories=False, refresh_minutes=0), (
        Feed(MARKUP_FEED, hostile.url("/markup.xml"), ("[on red]topic[/]",)),
        Feed("Escapes", hostile.url("/escapes.xml")),
        Feed("JSON", hostile.url("/escapes.json")),
        Feed(BROKEN_FEED, hostile.url("/bad-reason")),
    ))


async def test_hostile_text_is_shown_literally_and_harmlessly(hostile, tmp_path):
    config = reader_config(hostile)
    store = Store(tmp_path / "db.json")
    opened: list[str] = []
    app = make_app(config, store, refresh_on_start=False, clock=lambda: NOW, open_url=opened.append)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("r")  # the refresh runs in the reader: the status line reports it
        await app.workers.wait_for_complete()
        for _ in range(60):
            await pilot.pause(0.05)
            if app.screen.query_one(HeadlineList).articles and "failed" in app.screen.query_one(StatusLine).plain:
                break
        status = app.screen.query_one(StatusLine).plain
        assert f"1 failed: {BROKEN_FEED}" in status, status
        shown = screen_text(app)
        assert MARKUP["style"] in shown and MARKUP["click"][:20] in shown, shown
        assert "[on red]topic[/]" in shown and MARKUP_FEED[:14] in shown
        assert not FORBIDDEN.search(shown)

        headlines = app.screen.query_one(HeadlineList)
        index = next(i for i, a in enumerate(headlines.articles) if a.title.startswith(MARKUP["link"]))
        await pilot.press(*["j"] * (index - headlines.cursor), "enter")
        await pilot.pause(0.2)
        text = app.screen.query_one(ArticlePane).text
        assert MARKUP["click"] in text and "[/b]" in text and MARKUP_FEED in text
        assert app.is_running  # the [@click=app.quit] in the title and body quit nothing
        assert not FORBIDDEN.search(screen_text(app))

        await pilot.press("F")  # feed health: names and errors from strangers, literally
        await pilot.pause(0.3)
        health = screen_text(app)
        assert BROKEN_FEED[:20] in health and "HTTP 500" in health and "Evil" in health
        assert not FORBIDDEN.search(health)
    store.close()
