"""The offline demo: bundled fictional feeds, re-dated around "now", with a loadable feeds.toml."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import feedparser
import pytest

from newstui.core.config import load_config
from newstui.demo import DEMO_FEEDS, prepare_demo

NOW = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)

# Events each told by two or three outlets in their own words, with words they all share.
SHARED_STORIES = {
    "earthquake": ({"sanriku", "earthquake"}, 3),
    "rate rise": ({"bank", "japan", "interest", "rate"}, 2),
    "chip factory": ({"kumamoto", "kestrel", "chip"}, 3),
    "comet": ({"comet", "okabe", "wayfarer"}, 2),
    "climate summit": ({"lisbon", "methane", "climate", "summit"}, 3),
    "port strike": ({"rotterdam", "strike", "dockworkers"}, 2),
}


def entry_time(entry: feedparser.FeedParserDict) -> datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def words(entry: feedparser.FeedParserDict) -> set[str]:
    text = " ".join([entry.get("title", ""), entry.get("summary", "")])
    return set(re.findall(r"[a-z]+", text.lower()))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_demo(tmp_path_factory.mktemp("demo"), now=NOW)


@pytest.fixture(scope="module")
def parsed(demo: Path) -> dict[str, feedparser.FeedParserDict]:
    config = load_config(demo)
    result = {}
    for feed in config.feeds:
        path = url2pathname(urlsplit(feed.url).path)
        result[feed.name] = feedparser.parse(path)
    return result


def test_bundled_files_parse_cleanly() -> None:
    versions = set()
    for feed in DEMO_FEEDS:
        data = feedparser.parse(files("newstui.demo").joinpath(feed.filename).read_bytes())
        assert data.bozo == 0, (feed.filename, data.get("bozo_exception"))
        assert 8 <= len(data.entries) <= 10
        versions.add(data.version)
    assert {"rss20", "atom10", "rss10"} <= versions


def test_config_loads_with_four_file_feeds(demo: Path) -> None:
    assert demo.name == "feeds.toml"
    config = load_config(demo)
    assert config.settings.refresh_minutes == 0
    assert [f.name for f in config.feeds] == [
        "Harbour Gazette",
        "Pacific Wire",
        "The Ledger",
        "Circuit & Cosmos",
    ]
    for feed in config.feeds:
        assert feed.url.startswith("file://")
        assert Path(url2pathname(urlsplit(feed.url).path)).parent == demo.parent
        assert feed.topics
    assert {"japan", "climate", "chips"} <= {rule.name for rule in config.topics}


def test_copied_feeds_parse_with_enough_entries(parsed: dict) -> None:
    total = 0
    for name, data in parsed.items():
        assert data.bozo == 0, (name, data.get("bozo_exception"))
        for entry in data.entries:
            assert entry.get("id") and entry.get("link") and entry.get("title")
            assert entry.get("author")
            assert entry.get("tags")
            assert entry.get("summary") or entry.get("content")
            assert entry.get("published_parsed") or entry.get("updated_parsed")
        total += len(data.entries)
    assert 32 <= total <= 40


def test_ids_are_unique(parsed: dict) -> None:
    ids = Counter(e.id for data in parsed.values() for e in data.entries)
    assert max(ids.values()) == 1


def test_newest_entry_is_twenty_minutes_old(parsed: dict) -> None:
    times = [entry_time(e) for data in parsed.values() for e in data.entries]
    assert max(times) == NOW - timedelta(minutes=20)
    assert all(t <= NOW for t in times)
    spread = max(times) - min(times)
    assert timedelta(days=3) <= spread <= timedelta(days=5)


def test_feed_level_dates_not_after_newest_entry(parsed: dict) -> None:
    newest = NOW - timedelta(minutes=20)
    for data in parsed.values():
        parsed_time = data.feed.get("updated_parsed")
        if parsed_time:
            assert datetime.fromtimestamp(calendar.timegm(parsed_time), UTC) <= newest


def test_all_dates_shifted_by_one_offset(tmp_path: Path, parsed: dict) -> None:
    later = prepare_demo(tmp_path / "later", now=NOW + timedelta(days=40, minutes=7))
    config = load_config(later)
    for feed in config.feeds:
        shifted = feedparser.parse(url2pathname(urlsplit(feed.url).path))
        original = {e.id: entry_time(e) for e in parsed[feed.name].entries}
        deltas = {entry_time(e) - original[e.id] for e in shifted.entries}
        assert deltas == {timedelta(days=40, minutes=7)}


def test_date_formats_stay_valid(demo: Path) -> None:
    rfc822 = re.compile(
        r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (GMT|[+-]\d{4})$"
    )
    rfc3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
    seen = Counter()
    for xml in demo.parent.glob("*.xml"):
        text = xml.read_text("utf-8")
        for value in re.findall(r"<(?:pubDate|lastBuildDate)>([^<]*)<", text):
            assert rfc822.match(value), (xml.name, value)
            seen["822"] += 1
        for value in re.findall(r"<(?:published|updated|dc:date)>([^<]*)<", text):
            assert rfc3339.match(value), (xml.name, value)
            seen["3339"] += 1
    assert seen["822"] >= 18 and seen["3339"] >= 18


def test_rss_weekday_matches_shifted_date(demo: Path) -> None:
    text = (demo.parent / "harbour_gazette.xml").read_text("utf-8")
    for value in re.findall(r"<pubDate>([^<]*)<", text):
        day = datetime.strptime(value[5:16], "%d %b %Y")
        assert value[:3] == day.strftime("%a")


def test_deterministic_for_a_given_now(tmp_path: Path, demo: Path) -> None:
    again = prepare_demo(tmp_path, now=NOW)
    for feed in DEMO_FEEDS:
        a = (demo.parent / feed.filename).read_text("utf-8")
        b = (again.parent / feed.filename).read_text("utf-8")
        assert a == b
    # feeds.toml differs only in the directory it points at
    assert again.read_text("utf-8").replace(str(tmp_path), "D") == demo.read_text("utf-8").replace(
        str(demo.parent), "D"
    )


def test_naive_now_is_utc(tmp_path: Path, demo: Path) -> None:
    naive = prepare_demo(tmp_path, now=NOW.replace(tzinfo=None))
    assert (naive.parent / "the_ledger.xml").read_text("utf-8") == (
        demo.parent / "the_ledger.xml"
    ).read_text("utf-8")


def test_default_now_is_current_time(tmp_path: Path) -> None:
    config = load_config(prepare_demo(tmp_path))
    path = url2pathname(urlsplit(config.feed("The Ledger").url).path)
    newest = max(entry_time(e) for e in feedparser.parse(path).entries)
    age = datetime.now(UTC) - newest
    assert timedelta(minutes=19) <= age <= timedelta(minutes=22)


@pytest.mark.parametrize("story", sorted(SHARED_STORIES))
def test_stories_shared_across_feeds(parsed: dict, story: str) -> None:
    shared, outlets = SHARED_STORIES[story]
    feeds_covering = {
        name for name, data in parsed.items() for e in data.entries if shared <= words(e)
    }
    assert len(feeds_covering) == outlets, feeds_covering
    titles = {e.title for data in parsed.values() for e in data.entries if shared <= words(e)}
    assert len(titles) == outlets  # told in different words


def test_demo_topics_match_articles(demo: Path, parsed: dict) -> None:
    config = load_config(demo)
    for rule in config.topics:
        hits = [
            e
            for data in parsed.values()
            for e in data.entries
            if any(
                k.lower() in (e.title + " " + e.get("summary", "")).lower() for k in rule.keywords
            )
        ]
        assert len(hits) >= 2, rule.name


def test_some_categories_match_topics_some_are_feed_specific(parsed: dict) -> None:
    terms = {t.term.lower() for data in parsed.values() for e in data.entries for t in e.tags}
    assert {"japan", "climate"} <= terms
    assert {"kyushu", "commodities", "exoplanets"} <= terms


def test_rich_bodies(parsed: dict) -> None:
    bodies = [
        (e.get("content") or [{}])[0].get("value") or e.get("summary", "")
        for data in parsed.values()
        for e in data.entries
    ]
    assert sum("<ul>" in b or "<ol>" in b for b in bodies) >= 5
    assert sum("<blockquote>" in b for b in bodies) >= 2
    assert sum("<table>" in b for b in bodies) >= 1
    assert sum("<a href=" in b for b in bodies) >= 2
    assert all(b.count("<p>") >= 3 for b in bodies)
