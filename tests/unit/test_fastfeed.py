"""The lxml fast path must read every feed exactly as the feedparser path does.

Every fixture feed, and every feed of the shared corpus when it is there (``../shared/corpus/feeds``),
is parsed twice: with ``parse.FAST_PATH`` off (feedparser) and on. The articles must be equal field
by field (HTML bodies compared as the text the reader shows: feedparser writes ``<img />`` where
the feed wrote ``<img>``), so an article keeps its id whichever path read it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newstui.core import fastfeed, parse
from newstui.core.models import Feed
from newstui.core.render import html_to_text

FIXTURES = Path(__file__).parent.parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds"
NOW = datetime(2030, 1, 1, tzinfo=UTC)
FEED = Feed("Parity", "https://example.com/feed.xml")
SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ""}


def feed_files(root: Path) -> list[Path]:
    return sorted(f for f in root.rglob("*") if f.is_file() and f.suffix in SUFFIXES)


def comparable(parsed: parse.ParsedFeed) -> parse.ParsedFeed:
    articles = tuple(
        replace(a, summary=html_to_text(a.summary), content=html_to_text(a.content))
        for a in parsed.articles
    )
    return replace(parsed, articles=articles)


def both_paths(body: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[parse.ParsedFeed, parse.ParsedFeed, bool]:
    """(feedparser's reading, the fast path's reading, whether the fast path took it)."""
    monkeypatch.setattr(parse, "FAST_PATH", False)
    slow = parse.parse_feed(body, FEED, url=FEED.url, now=NOW)
    monkeypatch.setattr(parse, "FAST_PATH", True)
    taken = []
    real = fastfeed.fast_parse

    def spy(data: bytes | str) -> object:
        result = real(data)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(parse, "fast_parse", spy)
    fast = parse.parse_feed(body, FEED, url=FEED.url, now=NOW)
    return slow, fast, any(taken)


def check(files: list[Path], monkeypatch: pytest.MonkeyPatch) -> tuple[int, list[str]]:
    fast_count, problems = 0, []
    for file in files:
        slow, fast, taken = both_paths(file.read_bytes(), monkeypatch)
        fast_count += taken
        if comparable(slow) != comparable(fast):
            problems.append(str(file))
    return fast_count, problems


def test_fixtures_read_the_same_on_both_paths(monkeypatch):
    files = feed_files(FIXTURES)
    fast_count, problems = check(files, monkeypatch)
    assert problems == []
    assert fast_count >= len(files) // 3  # the everyday feeds do take the fast path


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/feeds is not here")
def test_the_corpus_reads_the_same_on_both_paths(monkeypatch):
    files = feed_files(CORPUS)
    fast_count, problems = check(files, monkeypatch)
    assert problems == []
    assert fast_count > len(files) // 2


def test_well_formed_rss_takes_the_fast_path_and_odd_feeds_do_not():
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
        <item><title>A &amp; B</title><link>https://x.example/a</link><guid>a1</guid>
        <pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate><description>&lt;p&gt;Hi&lt;/p&gt;</description>
        </item></channel></rss>"""
    parsed = fastfeed.fast_parse(rss)
    assert parsed is not None
    [entry] = parsed["entries"]
    assert entry["title"] == "A & B" and entry["id"] == "a1" and entry["summary"] == "<p>Hi</p>"
    # Not well-formed, an undeclared entity, a DOCTYPE, xml:base: feedparser's job
    assert fastfeed.fast_parse(rss.replace(b"</channel>", b"")) is None
    assert fastfeed.fast_parse(rss.replace(b"A &amp; B", b"A &nbsp; B")) is None
    assert fastfeed.fast_parse(b'<!DOCTYPE rss [<!ENTITY x "y">]>' + rss[21:]) is None
    assert fastfeed.fast_parse(rss.replace(b"<channel>", b'<channel xml:base="https://b.example/">')) is None


def test_the_fast_path_never_reads_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY s SYSTEM "file://{secret}">]>'
        "<rss version='2.0'><channel><title>&s;</title></channel></rss>"
    ).encode()
    assert fastfeed.fast_parse(xxe) is None
    parsed = parse.parse_feed(xxe, FEED, now=NOW)
    assert "TOP SECRET" not in parsed.title


def test_the_copied_feedparser_tables_match_the_installed_feedparser():
    from feedparser.api import StrictFeedParser
    from feedparser.html import _cp1252
    from feedparser.sanitizer import _HTMLSanitizer

    from newstui.core import feedparser_tables as tables

    handled = {n[len("_start_"):] for n in dir(StrictFeedParser) if n.startswith("_start_")}
    assert tables.HANDLED == handled
    assert tables.PREFIXES == {u.lower(): p for u, p in StrictFeedParser.namespaces.items()}
    assert tables.ACCEPTABLE_ELEMENTS == set(_HTMLSanitizer.acceptable_elements)
    assert tables.CP1252 == _cp1252
