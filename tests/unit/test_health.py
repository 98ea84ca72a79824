"""Feed health rows: state and problem from stored statuses, the sort keys, the shared columns."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newstui.core.health import (
    SORT_KEYS,
    FeedHealth,
    cells,
    feed_health,
    health_json,
    health_table,
    next_sort_key,
    sort_health,
)
from newstui.core.models import Config, Feed, FeedStatus

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def status(feed: Feed, **kw: object) -> FeedStatus:
    values: dict[str, object] = {
        "feed": feed.name, "url": feed.url, "ok": True, "checked_at": ago(minutes=5), "http_status": 200,
        "last_success": ago(minutes=5), "fetch_url": feed.url, "fetch_seconds": 0.25, "parse_seconds": 0.05,
    }
    values.update(kw)
    return FeedStatus(**values)  # type: ignore[arg-type]


FINE = Feed("Fine", "http://a.test/fine.xml", ("world",))
BROKEN = Feed("broken", "http://a.test/broken.xml")
SLOW_DOWN = Feed("Slow Down", "http://b.test/rss")
NEW = Feed("New", "http://c.test/new.xml")
OFF = Feed("Off", "http://c.test/off.xml", enabled=False)
MOVED = Feed("Moved", "http://d.test/old.xml")
CHANGED = Feed("Changed", "http://e.test/new-url.xml")
FEEDS = (FINE, BROKEN, SLOW_DOWN, NEW, OFF, MOVED, CHANGED)

STATUSES = {
    "Fine": status(FINE, new_articles=2, warnings=("bad date in item 3", "no <link> in item 5"), title="Fine News",
                   entries=20),
    "broken": status(BROKEN, ok=False, http_status=500, error="HTTP 500 Internal Server Error", failures=3,
                     last_success=ago(days=3), fetch_seconds=1.5, parse_seconds=0.0),
    "Slow Down": status(SLOW_DOWN, ok=False, http_status=429, error="HTTP 429 Too Many Requests", failures=1,
                        retry_at=NOW + timedelta(minutes=30), last_success=ago(hours=2)),
    "Off": status(OFF, ok=False, http_status=404, error="HTTP 404 Not Found", failures=7, last_success=None),
    "Moved": status(MOVED, moved_to="http://d.test/new.xml", fetch_url="http://d.test/new.xml", http_status=200),
    "Changed": status(Feed("Changed", "http://e.test/old-url.xml"), ok=False, error="HTTP 410 Gone", failures=4,
                      last_success=ago(days=9)),
}
STATS = {
    "Fine": (20, ago(hours=1)),
    "broken": (5, ago(days=4)),
    "Slow Down": (12, ago(hours=3)),
    "Moved": (30, ago(minutes=30)),
    "Changed": (3, ago(days=10)),
}


@pytest.fixture
def rows() -> dict[str, FeedHealth]:
    result = feed_health(Config(path="feeds.toml", feeds=FEEDS), STATUSES, STATS, NOW)
    assert [r.name for r in result] == [f.name for f in FEEDS]  # config order
    return {r.name: r for r in result}


def test_states_and_problems(rows):
    assert {name: row.state for name, row in rows.items()} == {
        "Fine": "ok", "broken": "failing", "Slow Down": "waiting", "New": "never", "Off": "off",
        "Moved": "ok", "Changed": "never",
    }
    assert {name for name, row in rows.items() if row.failing} == {"broken", "Slow Down"}
    assert rows["Fine"].problem == "warning: bad date in item 3 (+1 more)"
    assert rows["broken"].problem == "HTTP 500 Internal Server Error"  # the count is a column of its own
    assert rows["broken"].summary == "HTTP 500 Internal Server Error (3 failures in a row)"
    assert rows["Slow Down"].problem == (
        "HTTP 429 Too Many Requests; the server asked us to wait until 12:30 UTC"
    )
    assert rows["New"].problem == "never refreshed" and rows["New"].summary == "never refreshed"
    assert rows["Off"].problem == "disabled in feeds.toml"
    assert rows["Moved"].problem == "moved permanently to http://d.test/new.xml: put the new URL in feeds.toml"
    assert rows["Changed"].problem == "not refreshed since its URL changed in feeds.toml"


def test_figures_are_carried_over(rows):
    fine = rows["Fine"]
    assert fine.feed is FINE and fine.topics == ("world",) and fine.refreshed and fine.ok is True
    assert (fine.articles, fine.newest) == (20, ago(hours=1))
    assert (fine.title, fine.entries, fine.new_articles) == ("Fine News", 20, 2)
    assert fine.seconds == pytest.approx(0.30)
    assert fine.error_words == "" and fine.redirect == ""
    broken = rows["broken"]
    assert (broken.http_status, broken.failures, broken.last_success) == (500, 3, ago(days=3))
    assert broken.error_words == "HTTP 500 Internal Server Error"
    assert rows["Slow Down"].retry_at == NOW + timedelta(minutes=30)
    assert rows["Moved"].redirect == "moved" and rows["Moved"].fetch_url == "http://d.test/new.xml"
    new = rows["New"]
    assert (new.refreshed, new.ok, new.checked_at, new.articles, new.newest) == (False, None, None, 0, None)
    # A status for an old URL: the refresh starts that feed afresh, so the figures go too, except
    # the last success (kept across URL changes) and what is stored.
    changed = rows["Changed"]
    assert (changed.ok, changed.failures, changed.error, changed.articles) == (None, 0, "", 3)
    assert changed.last_success == ago(days=9)


def test_a_retry_after_in_the_past_is_plain_failing():
    feed = SLOW_DOWN
    gone = status(feed, ok=False, error="HTTP 503 Service Unavailable", retry_at=ago(minutes=1), failures=2)
    (row,) = feed_health(Config(path="f", feeds=(feed,)), {feed.name: gone}, {}, NOW)
    assert row.state == "failing"
    assert row.problem == "HTTP 503 Service Unavailable"


def test_an_error_without_words_says_its_http_status():
    s = status(BROKEN, ok=False, error="", http_status=502, failures=1)
    (row,) = feed_health(Config(path="f", feeds=(BROKEN,)), {BROKEN.name: s}, {}, NOW)
    assert row.error_words == "HTTP 502" and cells(row, NOW)["error"] == "HTTP 502"


def test_untrusted_text_is_cleaned_of_control_sequences():
    feed = Feed("Evil\x1b[31m [bold]x[/]", "http://x.test/\x07feed")
    s = status(feed, ok=False, error="HTTP 500 \x1b]0;pwned\x07[/] broke\u202e", failures=1, warnings=("\x00w",))
    (row,) = feed_health(Config(path="f", feeds=(feed,)), {feed.name: s}, {}, NOW)
    assert row.name == "Evil [bold]x[/]"
    assert row.url == "http://x.test/feed"
    assert row.error == "HTTP 500 [/] broke" and row.warnings == ("w",)
    assert row.feed is feed  # the key of the row stays as feeds.toml has it


# -- sorting -------------------------------------------------------------------------------------


def order(rows: dict[str, FeedHealth], key: str) -> list[str]:
    return [r.name for r in sort_health(rows.values(), key)]


def test_every_sort_key_puts_the_worst_first_then_names(rows):
    assert order(rows, "name") == ["broken", "Changed", "Fine", "Moved", "New", "Off", "Slow Down"]
    assert order(rows, "state") == ["broken", "Slow Down", "Changed", "New", "Fine", "Moved", "Off"]
    # never succeeded first, then the oldest success
    assert order(rows, "last_success") == ["New", "Off", "Changed", "broken", "Slow Down", "Fine", "Moved"]
    assert order(rows, "failures")[:3] == ["Off", "broken", "Slow Down"]
    assert order(rows, "articles") == ["New", "Off", "Changed", "broken", "Slow Down", "Fine", "Moved"]
    assert order(rows, "newest") == ["New", "Off", "Changed", "broken", "Slow Down", "Fine", "Moved"]
    # slowest first: 1.5 s, then 0.3 s by name, then the feeds without a refresh at their URL
    assert order(rows, "time") == ["broken", "Fine", "Moved", "Off", "Slow Down", "Changed", "New"]


def test_sorting_is_stable_and_does_not_depend_on_the_input_order(rows):
    for key in SORT_KEYS:
        forwards = order(rows, key)
        backwards = [r.name for r in sort_health(reversed(list(rows.values())), key)]
        assert forwards == backwards, key
        assert order({r: rows[r] for r in forwards}, key) == forwards  # sorting a sorted list keeps it


def test_sort_keys_cycle_and_unknown_keys_are_refused():
    key = SORT_KEYS[0]
    seen = []
    for _ in SORT_KEYS:
        seen.append(key)
        key = next_sort_key(key)
    assert seen == list(SORT_KEYS) and key == SORT_KEYS[0]
    with pytest.raises(ValueError, match="unknown sort key 'size'"):
        sort_health([], "size")


# -- the shared columns, JSON and the text table ------------------------------------------------


def test_cells(rows):
    assert cells(rows["broken"], NOW) == {
        "state": "failing", "name": "broken", "last_success": "3d", "http": "500", "failures": "3",
        "error": "HTTP 500 Internal Server Error", "redirect": "", "warnings": "", "articles": "5",
        "newest": "4d", "time": "1.50s",
    }
    assert cells(rows["New"], NOW) == {
        "state": "never", "name": "New", "last_success": "never", "http": "", "failures": "", "error": "",
        "redirect": "", "warnings": "", "articles": "0", "newest": "", "time": "",
    }
    assert cells(rows["Fine"], NOW)["warnings"] == "2"
    assert cells(rows["Moved"], NOW)["redirect"] == "moved"


def test_json_has_every_field_and_utc_iso_dates(rows):
    data = health_json(rows["Slow Down"])
    old_keys = ["feed", "url", "enabled", "ok", "status", "http_status", "error", "checked_at", "last_success",
                "new_articles"]
    assert list(data)[: len(old_keys)] == old_keys
    for name in (f.name for f in fields(FeedHealth)):
        assert name in data or name in ("feed", "name", "summary", "refreshed"), name
    assert data["feed"] == "Slow Down" and data["status"] == rows["Slow Down"].summary
    assert data["state"] == "waiting" and data["failing"] is True
    assert data["retry_at"] == "2026-11-27T12:30:00+00:00"
    assert data["checked_at"] == "2026-11-27T11:55:00+00:00"
    tokyo = timezone(timedelta(hours=9))
    row = sort_health([rows["Fine"]], "name")[0]
    shifted = health_json(FeedHealth(**{**{f.name: getattr(row, f.name) for f in fields(FeedHealth)},
                                        "checked_at": datetime(2026, 11, 27, 21, 0, tzinfo=tokyo)}))
    assert shifted["checked_at"] == "2026-11-27T12:00:00+00:00"
    never = health_json(rows["New"])
    assert (never["ok"], never["status"], never["checked_at"], never["error"], never["new_articles"]) == (
        None, "never refreshed", None, "", 0,
    )


def test_table_is_aligned_and_fits_the_width(rows):
    lines = health_table(sort_health(rows.values(), "state"), NOW, 100)
    assert lines[0].split() == ["STATE", "FEED", "LAST", "OK", "HTTP", "FAILS", "REDIRECT", "WARN", "ARTICLES",
                                "NEWEST", "TIME", "PROBLEM"]
    assert all(len(line) <= 100 for line in lines)
    assert lines[1].startswith("failing  broken ")
    feed_column = lines[0].index("FEED")
    assert all(line[feed_column - 2 : feed_column] == "  " for line in lines)
    articles_end = lines[0].index("ARTICLES") + len("ARTICLES")
    assert lines[1][articles_end - 1] == "5" and lines[1][articles_end] == " "  # numbers right-aligned
    # a problem too long for the rest of its row goes on the next line, under the name
    moved = next(n for n, line in enumerate(lines) if line.startswith("ok       Moved "))
    assert lines[moved + 1] == " " * feed_column + rows["Moved"].problem
    assert lines[2] == " " * feed_column + "HTTP 500 Internal Server Error"
    never = next(line for line in lines if line.startswith("never    New "))
    assert never.endswith("  never refreshed")  # a short one stays on its row
    narrow = health_table(sort_health(rows.values(), "state"), NOW, 60)
    assert all(len(line) <= 60 for line in narrow)
    assert any(line.endswith("…") for line in narrow)  # cut when it is longer still


def test_table_leaves_out_empty_columns_and_prints_names_as_given():
    feed = Feed("[bold]x[/] and a very long feed name indeed", "http://x.test/")
    s = status(feed)
    lines = health_table(feed_health(Config(path="f", feeds=(feed,)), {feed.name: s}, {}, NOW), NOW)
    assert lines[0].split() == ["STATE", "FEED", "LAST", "OK", "HTTP", "ARTICLES", "TIME"]
    assert lines[1].startswith("ok     [bold]x[/] and a very l…  ")  # cut to 24 characters
