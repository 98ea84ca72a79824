"""Helpers for the Pilot tests: the fixed clock, what the screen shows, waiting for a refresh."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import OptionList

from newstui.ui.screens.main import MainScreen
from newstui.ui.widgets.headlines import HeadlineList

FIXED_NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
DEMO_ARTICLES = 36  # nine items in each of the four demo feeds
SIZE = (120, 40)


def write_rss(path: Path, channel: str, items: list[dict[str, Any]]) -> str:
    """Write an RSS 2.0 file and return its file:// URL.

    Each item has a title and optionally link, guid, author, category, description (HTML) and
    date (a datetime; default FIXED_NOW).
    """
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        f"<title>{escape(channel)}</title><link>http://example.test/</link>",
        "<description>test feed</description>",
    ]
    for n, item in enumerate(items):
        parts.append("<item>")
        parts.append(f"<title>{escape(item['title'])}</title>")
        if item.get("link"):
            parts.append(f"<link>{escape(item['link'])}</link>")
        parts.append(f'<guid isPermaLink="false">{escape(item.get("guid", f"item-{n}"))}</guid>')
        when = item.get("date", FIXED_NOW)
        parts.append(f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>")
        if item.get("author"):
            parts.append(f"<dc:creator>{escape(item['author'])}</dc:creator>")
        if item.get("category"):
            parts.append(f"<category>{escape(item['category'])}</category>")
        if item.get("description"):
            parts.append(f"<description>{escape(item['description'])}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path.as_uri()


def screen_text(app: App) -> str:
    """Everything the terminal shows right now, as plain text (lines of the current screen)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, safe_box=False)
    frame = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(frame)
    return console.export_text(styles=False)


def option_text(option_list: OptionList, index: int) -> str:
    """One option of a topic or related list as plain words (whatever renderable its prompt is)."""
    prompt = option_list.get_option_at_index(index).prompt
    if isinstance(prompt, (Text, Content)):
        plain = prompt.plain
    else:
        console = Console(width=60, file=io.StringIO(), record=True, color_system=None)
        console.print(prompt)
        plain = console.export_text(styles=False)
    return " ".join(plain.split())


def option_texts(option_list: OptionList) -> list[str]:
    return [option_text(option_list, i) for i in range(option_list.option_count)]


def main_screen(app: App) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def headline_rows(app: App) -> list[str]:
    """The headline rows as drawn on screen (only the visible ones), without trailing blanks."""
    headlines = app.screen.query_one(HeadlineList)
    lines = []
    for y in range(headlines.scrollable_content_region.height):
        strip = headlines.render_line(y)
        lines.append("".join(segment.text for segment in strip).rstrip())
    return [line for line in lines if line]


async def move_to(pilot: Pilot, title: str) -> None:
    """Put the headline cursor on ``title`` with j or k presses, as a user would."""
    headlines = pilot.app.screen.query_one(HeadlineList)
    delta = [a.title for a in headlines.articles].index(title) - headlines.cursor
    await pilot.press(*(["j"] * delta if delta > 0 else ["k"] * -delta))
    assert headlines.current.title == title


async def wait_for_refresh(pilot: Pilot) -> None:
    """Until the refresh worker is done and the screen has taken in its messages and reloads."""
    app = pilot.app
    await app.workers.wait_for_complete()
    for _ in range(50):
        await pilot.pause()
        if not main_screen(app).refreshing:
            break
        await pilot.pause(0.05)
    assert not main_screen(app).refreshing


async def wait_until(pilot: Pilot, condition: Callable[[], object], timeout: float = 3.0) -> None:
    """Let the app run until ``condition()`` holds (events from worker threads arrive meanwhile)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), f"still false after {timeout}s: {condition}"


def notifications(app: App) -> list[tuple[str, str]]:
    """(message, severity) of the notifications the app has shown (kept even when toasts are off)."""
    return [(n.message, n.severity) for n in app._notifications]


async def search_ready(pilot: Pilot) -> None:
    """The search index brought up to the store (the reader does it in a thread after its first
    paint; until then a search looks at titles only): a search typed now answers from it."""
    main_screen(pilot.app).library.wait_for_search()
    await pilot.pause()
