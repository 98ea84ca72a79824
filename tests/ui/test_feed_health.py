"""``F``: the feed health screen, driven key by key over the demo plus feeds with made-up histories."""

from __future__ import annotations

import io
from datetime import timedelta

from pilot_helpers import FIXED_NOW, SIZE, main_screen, notifications, screen_text, wait_until
from rich.console import Console
from textual.widgets import Static

from newstui.core.health import SORT_KEYS, SORT_LABELS, sort_health
from newstui.core.models import Feed, FeedStatus
from newstui.ui.screens.feeds import FeedHealthScreen, FeedTable
from newstui.ui.screens.main import MainScreen

DEMO = ["Circuit & Cosmos", "Harbour Gazette", "Pacific Wire", "The Ledger"]


def add_feed(reader, feed: Feed, **status: object) -> None:
    """``feed`` in the config, and (given any figures) a stored status for it at its URL."""
    reader.with_feeds(feed)
    if status:
        values: dict[str, object] = {
            "feed": feed.name, "url": feed.url, "ok": False, "fetch_url": feed.url,
            "checked_at": FIXED_NOW - timedelta(hours=1),
        }
        values.update(status)
        reader.store.save_status(FeedStatus(**values))  # type: ignore[arg-type]


def health(app) -> FeedHealthScreen:
    screen = app.screen
    assert isinstance(screen, FeedHealthScreen), screen
    return screen


def names(app) -> list[str]:
    """The feed column of the table, top to bottom, as drawn."""
    table = app.screen.query_one(FeedTable)
    return [table.get_row_at(i)[1].plain for i in range(table.row_count)]


def row_text(app, name: str) -> dict[str, str]:
    """One row of the table as {column key: text}."""
    table = app.screen.query_one(FeedTable)
    values = table.get_row(name)
    return {str(column.key.value): value.plain for column, value in zip(table.ordered_columns, values, strict=True)}


def details(app) -> str:
    """The details under the table, as plain text."""
    console = Console(width=110, file=io.StringIO(), record=True, color_system=None)
    console.print(app.screen.query_one("#feed-detail", Static).content)
    return console.export_text()


async def open_health(pilot) -> FeedHealthScreen:
    await pilot.press("F")
    await pilot.pause()
    return health(pilot.app)


# -- opening and closing -------------------------------------------------------------------------


async def test_F_opens_every_feed_and_escape_or_q_closes(reader):
    add_feed(reader, Feed("Broken", "http://127.0.0.1:9/broken.xml"), http_status=500,
             error="HTTP 500 Internal Server Error", failures=3, last_success=FIXED_NOW - timedelta(days=2))
    add_feed(reader, Feed("Brand New", "http://127.0.0.1:9/new.xml"))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(pilot)
        assert app.focused is screen.query_one(FeedTable)
        # sorted by state at first: failing, never, then ok by name
        assert names(app) == ["Broken", "Brand New", *DEMO]
        broken = row_text(app, "Broken")
        assert broken["state"] == "failing" and broken["http"] == "500" and broken["failures"] == "3"
        assert broken["error"] == "HTTP 500 Internal Server Error" and broken["last_success"] == "2d"
        assert row_text(app, "Brand New")["state"] == "never"
        assert row_text(app, "Brand New")["last_success"] == "never"
        ledger = row_text(app, "The Ledger")
        assert ledger["state"] == "ok" and ledger["articles"] == "9" and ledger["newest"] == "20m"

        text = screen_text(app)
        assert "Feeds · 6 · 1 failing" in text
        assert "sorted by state (failing first) · all feeds" in text
        assert "r Retry" in text and "s Sort" in text and "f Failing only" in text
        # the details follow the cursor
        shown = details(app)
        assert "Broken · failing · HTTP 500 Internal Server Error" in shown
        assert "http://127.0.0.1:9/broken.xml" in shown and "3 failures in a row" in shown
        await pilot.press("j")
        assert "Brand New · never · never refreshed" in details(app)
        assert "next check    at the next refresh" in details(app)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await open_health(pilot)
        await pilot.press("q")  # closes the screen, does not quit
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.is_running
    assert app.return_code != 1


async def test_F_is_listed_in_the_keys(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ("F", "Feeds") in main_screen(app).shown_bindings(screen_only=True)
        assert ("F", "each feed's health: errors, redirects, retry") in main_screen(app).shown_bindings(
            long=True
        )


# -- sorting and filtering -----------------------------------------------------------------------


async def test_s_cycles_the_sort_key_and_the_cursor_stays_on_its_feed(reader):
    add_feed(reader, Feed("Zeta Broken", "http://127.0.0.1:9/z.xml"), http_status=503, error="HTTP 503", failures=5,
             fetch_seconds=4.0)
    add_feed(reader, Feed("Alpha Stale", "http://127.0.0.1:9/a.xml"), ok=True, http_status=200,
             last_success=FIXED_NOW - timedelta(days=20), fetch_seconds=2.0)
    add_feed(reader, Feed("Mid Flaky", "http://127.0.0.1:9/m.xml"), http_status=500, error="HTTP 500", failures=1,
             last_success=FIXED_NOW - timedelta(days=1))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(pilot)
        assert screen.sort_key == "state"
        assert names(app) == ["Mid Flaky", "Zeta Broken", "Alpha Stale", *DEMO]
        await pilot.press("j")  # on Zeta Broken
        assert screen.current.name == "Zeta Broken"

        seen = []
        for _ in SORT_KEYS:
            await pilot.press("s")
            seen.append(screen.sort_key)
            expected = [row.name for row in sort_health(screen.shown, screen.sort_key)]
            assert names(app) == expected, screen.sort_key
            assert f"sorted by {SORT_LABELS[screen.sort_key]}" in screen.sub_title
            assert f"sorted by {SORT_LABELS[screen.sort_key]}" in screen_text(app)
            assert screen.current.name == "Zeta Broken"  # the cursor follows its feed
            assert "Zeta Broken · failing" in details(app)
        assert seen == [*SORT_KEYS[SORT_KEYS.index("state") + 1 :], *SORT_KEYS[: SORT_KEYS.index("state") + 1]]

        # a few orders spelled out
        screen.sort_key = "name"
        await pilot.press("s")  # → state
        await pilot.press("s")  # → last_success: never first, then the oldest success
        assert names(app)[:3] == ["Zeta Broken", "Alpha Stale", "Mid Flaky"]
        await pilot.press("s")  # → failures: most first
        assert names(app)[:2] == ["Zeta Broken", "Mid Flaky"]
        await pilot.press("s", "s", "s")  # → time: slowest first
        assert screen.sort_key == "time" and names(app)[:2] == ["Zeta Broken", "Alpha Stale"]
        await pilot.press("s")
        assert screen.sort_key == "name"
        assert names(app) == sorted(names(app), key=str.casefold)


async def test_f_shows_only_the_failing_feeds(reader):
    add_feed(reader, Feed("Broken", "http://127.0.0.1:9/b.xml"), http_status=404, error="HTTP 404 Not Found",
             failures=2)
    add_feed(reader, Feed("Busy", "http://127.0.0.1:9/busy.xml"), http_status=429, error="HTTP 429 Too Many Requests",
             failures=1, retry_at=FIXED_NOW + timedelta(hours=1))
    add_feed(reader, Feed("Off", "http://127.0.0.1:9/off.xml", enabled=False), http_status=404, error="HTTP 404")
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(pilot)
        assert len(names(app)) == 7
        await pilot.press("f")
        assert screen.failing_only
        assert names(app) == ["Broken", "Busy"]
        assert row_text(app, "Busy")["state"] == "waiting"
        assert "failing only" in screen_text(app)
        await pilot.press("j")
        shown = details(app)
        assert "the server asked us to wait until 13:00 UTC" in shown and "Retry-After" in shown
        await pilot.press("s")  # sorting keeps the filter
        assert sorted(names(app)) == ["Broken", "Busy"]
        await pilot.press("f")
        assert not screen.failing_only and len(names(app)) == 7
        assert row_text(app, "Off")["state"] == "off"


async def test_failing_only_with_nothing_failing_says_so(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(pilot)
        await pilot.press("f")
        assert names(app) == [] and screen.current is None
        assert "No feed is failing. f shows every feed." in details(app)
        await pilot.press("r", "enter", "j", "s")  # nothing to act on: nothing happens
        assert app.is_running and not main_screen_of(app).refreshing


def main_screen_of(app) -> MainScreen:
    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


# -- retry ---------------------------------------------------------------------------------------


async def test_r_retries_the_highlighted_feed_and_its_row_updates(reader, feed_server):
    # It failed an hour ago and the server asked us to wait; the feed works again now.
    add_feed(reader, Feed("World", feed_server.url("world.xml"), ("world",)), http_status=503,
             error="HTTP 503 Service Unavailable", failures=4, retry_at=FIXED_NOW + timedelta(hours=2))
    add_feed(reader, Feed("Down", feed_server.url("status/500")), http_status=500, error="HTTP 500", failures=1)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        main = main_screen_of(app)
        screen = await open_health(pilot)
        assert names(app)[:2] == ["Down", "World"]
        await pilot.press("j")
        assert screen.current.name == "World" and screen.current.state == "waiting"
        before = screen.current.checked_at

        await pilot.press("r")  # Retry-After or not: an explicit retry asks
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: not main.refreshing)
        assert len(feed_server.hits("world.xml")) == 1
        assert feed_server.hits("status/500") == []  # only the highlighted feed

        world = row_text(app, "World")
        assert world["state"] == "ok" and world["http"] == "200" and world["failures"] == ""
        assert world["error"] == "" and world["articles"] == "3"  # re-read when the refresh finished
        assert screen.current.name == "World" and screen.current.checked_at > before
        assert reader.store.feed_status("World").ok
        assert "World · ok" in details(app) and "Retry-After" not in details(app)
        # the order is applied again when the refresh is over: World is an ok feed now, the last by name
        assert names(app) == ["Down", *DEMO, "World"] and "Feeds · 6 · 1 failing" in screen_text(app)

        # Enter retries too; the failure count goes up
        await pilot.press("g")
        assert screen.current.name == "Down"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: not main.refreshing)
        assert len(feed_server.hits("status/500")) == 1
        down = row_text(app, "Down")
        assert down["state"] == "failing" and down["failures"] == "2" and down["http"] == "500"
        assert "HTTP 500 Internal Server Error" in down["error"]

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "World" in {a.feed for a in main.library.headlines()}  # the reader took the new articles in


async def test_a_retry_while_a_refresh_runs_is_refused(reader, held_feed):
    add_feed(reader, Feed("Held", held_feed.url), http_status=500, error="HTTP 500", failures=1)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        main = main_screen_of(app)
        await open_health(pilot)
        assert names(app)[0] == "Held"
        await pilot.press("r")
        assert main.refreshing
        assert row_text(app, "Held")["state"] == "checking…"
        assert "Held · checking…" in details(app)
        await pilot.press("j", "r")
        assert ("A refresh is already running.", "information") in notifications(app)
        assert row_text(app, DEMO[0])["state"] == "ok"  # not "checking…"
        held_feed.release()
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: row_text(app, "Held")["state"] == "ok")


async def test_a_disabled_feed_is_not_retried(reader, feed_server):
    add_feed(reader, Feed("Off", feed_server.url("world.xml"), enabled=False))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(pilot)
        await pilot.press("G")
        assert screen.current.name == "Off"
        await pilot.press("r")
        await pilot.pause()
        assert ("Off is disabled in feeds.toml.", "warning") in notifications(app)
        assert not main_screen_of(app).refreshing and feed_server.requests == []


# -- untrusted text ------------------------------------------------------------------------------


async def test_markup_in_names_errors_and_urls_is_shown_literally(reader):
    add_feed(reader, Feed("[bold]x[/]", "http://127.0.0.1:9/[red]u[/red]"), http_status=500,
             error="HTTP 500 [/] broke [link=http://evil]here[/link]", failures=2,
             redirected_to="http://127.0.0.1:9/[/]", warnings=("[b]odd[/b] <pubDate>",))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(pilot)
        assert screen.current.name == "[bold]x[/]"
        row = row_text(app, "[bold]x[/]")
        assert row["name"] == "[bold]x[/]"
        assert row["error"].startswith("HTTP 500 [/] broke")
        assert row["redirect"] == "redirected" and row["warnings"] == "1"
        text = screen_text(app)
        assert "[bold]x[/]" in text and "HTTP 500 [/] broke" in text
        shown = details(app)
        assert "[bold]x[/] · failing · HTTP 500 [/] broke [link=http://evil]here[/link]" in shown
        assert "http://127.0.0.1:9/[red]u[/red]" in shown and "http://127.0.0.1:9/[/]" in shown
        assert "[b]odd[/b] <pubDate>" in shown
        await pilot.press("s", "f", "j", "k")  # redraws with the same text: still no crash
        assert "[bold]x[/]" in screen_text(app)
    assert app.return_code != 1


# -- small terminal ------------------------------------------------------------------------------


async def test_the_health_screen_works_at_80x24(reader):
    add_feed(reader, Feed("A feed with a rather long name indeed", "http://127.0.0.1:9/long.xml"), http_status=500,
             error="cannot connect to 127.0.0.1: connection refused (is the server down?)", failures=9)
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_health(pilot)
        table = screen.query_one(FeedTable)
        detail = screen.query_one("#feed-details")
        for widget in (table, detail, screen.query_one("#feed-keys")):
            assert widget.region.height > 0 and screen.region.contains_region(widget.region), widget
        assert table.scrollable_content_region.height >= 5  # header and every row of the demo
        text = screen_text(app)
        assert "A feed with a rather lo…" in text  # cut in the table, whole below
        assert "A feed with a rather long name indeed · failing" in text
        assert "esc/q Close" in text
        await pilot.press("G")
        assert screen.current.name == DEMO[-1]
