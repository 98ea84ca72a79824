"""The feed's own canonical link for an item: <link rel="canonical">, feedburner:origLink.

Every feed here is read twice, by feedparser and by the lxml fast path, and both must give the same
articles; the everyday shapes must also really take the fast path (a canonical link or an origLink
is no reason to fall back to feedparser).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from newstui.core import fastfeed, parse
from newstui.core.models import Article, Feed
from newstui.core.render import html_to_text

NOW = datetime(2030, 1, 1, tzinfo=UTC)
FEED = Feed("Canon", "https://feeds.example.com/feed.xml")
FEEDBURNER = "http://rssnamespace.org/feedburner/ext/1.0"
ATOM = "http://www.w3.org/2005/Atom"


def rss(items: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:feedburner="{FEEDBURNER}"'
        f' xmlns:atom="{ATOM}"><channel><title>T</title><link>https://example.com/</link>'
        f"{items}</channel></rss>"
    ).encode()


def atom(entries: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="{ATOM}" xmlns:feedburner="{FEEDBURNER}">'
        f'<title>T</title><id>urn:feed</id><link href="https://example.com/"/>{entries}</feed>'
    ).encode()


def read(body: bytes, monkeypatch: pytest.MonkeyPatch, *, fast: bool = True) -> tuple[Article, ...]:
    """The articles of ``body``, checked to be the same on both paths (and fast when ``fast``)."""
    monkeypatch.setattr(parse, "FAST_PATH", False)
    slow = parse.parse_feed(body, FEED, url=FEED.url, now=NOW)
    monkeypatch.setattr(parse, "FAST_PATH", True)
    taken = []

    def spy(data: bytes | str) -> object:
        result = fastfeed.fast_parse(data)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(parse, "fast_parse", spy)
    quick = parse.parse_feed(body, FEED, url=FEED.url, now=NOW)
    assert not slow.error and slow.articles
    assert comparable(quick) == comparable(slow)
    assert taken == [fast]
    return quick.articles


def comparable(parsed: parse.ParsedFeed) -> tuple[Article, ...]:
    return tuple(
        replace(a, summary=html_to_text(a.summary), content=html_to_text(a.content))
        for a in parsed.articles
    )


def test_rss_feedburner_origlink(monkeypatch):
    body = rss(
        "<item><title>A</title><link>https://feeds.feedburner.com/~r/ex/~3/abc/</link>"
        "<guid isPermaLink='false'>a1</guid>"
        "<feedburner:origLink>https://example.com/2024/a?utm_source=fb</feedburner:origLink>"
        "</item>"
    )
    [article] = read(body, monkeypatch)
    assert article.link == "https://feeds.feedburner.com/~r/ex/~3/abc/"
    assert article.canonical == "https://example.com/2024/a?utm_source=fb"


def test_atom_link_rel_canonical(monkeypatch):
    body = atom(
        "<entry><title>A</title><id>urn:a</id><link href='https://m.example.com/a'/>"
        "<link rel='canonical' href='https://example.com/a'/></entry>"
    )
    [article] = read(body, monkeypatch)
    assert (article.link, article.canonical) == ("https://m.example.com/a", "https://example.com/a")


def test_atom_entry_feedburner_origlink(monkeypatch):
    body = atom(
        "<entry><title>A</title><id>urn:a</id><link href='https://feeds.feedburner.com/~r/x/1'/>"
        "<feedburner:origLink>https://example.com/a</feedburner:origLink></entry>"
    )
    [article] = read(body, monkeypatch)
    assert article.canonical == "https://example.com/a"


def test_rss_item_atom_link_rel_canonical(monkeypatch):
    body = rss(
        "<item><title>A</title><link>https://example.com/a?rss=1</link>"
        "<atom:link rel='canonical' href='https://example.com/a'/></item>"
    )
    [article] = read(body, monkeypatch)
    assert article.link == "https://example.com/a?rss=1"
    assert article.canonical == "https://example.com/a"


def test_a_relative_canonical_resolves_against_the_feed_url(monkeypatch):
    body = rss(
        "<item><title>A</title><link>https://example.com/a</link>"
        "<atom:link rel='canonical' href='/news/a'/></item>"
        "<item><title>B</title><link>https://example.com/b</link>"
        "<feedburner:origLink>//example.org/b</feedburner:origLink></item>"
    )
    a, b = read(body, monkeypatch)
    assert a.canonical == "https://feeds.example.com/news/a"
    assert b.canonical == "https://example.org/b"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi"])
def test_a_canonical_a_browser_must_not_open_is_dropped(monkeypatch, bad):
    body = rss(
        "<item><title>A</title><link>https://example.com/a</link>"
        f"<atom:link rel='canonical' href='{bad}'/></item>"
        "<item><title>B</title><link>https://example.com/b</link>"
        f"<feedburner:origLink>{bad}</feedburner:origLink></item>"
    )
    a, b = read(body, monkeypatch)
    assert a.canonical == b.canonical == ""
    assert (a.link, b.link) == ("https://example.com/a", "https://example.com/b")


def test_no_canonical_leaves_it_empty_and_the_same_one_as_the_link_is_kept(monkeypatch):
    body = rss(
        "<item><title>A</title><link>https://example.com/a</link></item>"
        "<item><title>B</title><link>https://example.com/b</link>"
        "<feedburner:origLink>https://example.com/b</feedburner:origLink></item>"
    )
    a, b = read(body, monkeypatch)
    assert a.canonical == ""
    assert b.canonical == b.link == "https://example.com/b"


def test_rel_canonical_wins_over_origlink(monkeypatch):
    body = rss(
        "<item><title>A</title><link>https://example.com/a</link>"
        "<feedburner:origLink>https://example.com/orig</feedburner:origLink>"
        "<atom:link rel='canonical' href='https://example.com/canon'/></item>"
    )
    [article] = read(body, monkeypatch)
    assert article.canonical == "https://example.com/canon"


def test_a_canonical_link_does_not_turn_a_guid_into_a_link(monkeypatch):
    # feedparser copies a permalink guid into the link, and kept it when the item had <link>s
    canonical = "<atom:link rel='canonical' href='https://example.com/a'/>"
    body = rss(f"<item><title>A</title><guid>g1</guid>{canonical}</item>")
    [article] = read(body, monkeypatch)
    assert (article.link, article.guid, article.canonical) == ("", "g1", "https://example.com/a")
    canonical = "<link rel='canonical' href='https://example.com/a'/>"
    body = atom(f"<entry><title>A</title><id>a-1</id>{canonical}</entry>")
    [article] = read(body, monkeypatch)
    assert (article.link, article.canonical) == ("", "https://example.com/a")


def test_odd_canonical_links_go_to_feedparser_and_still_agree(monkeypatch):
    # An atom:link without href: feedparser reads the element's text (its rules, its path).
    item = "<title>A</title><link>https://example.com/a</link><atom:link rel='canonical'/>"
    body = rss(f"<item>{item}</item>")
    read(body, monkeypatch, fast=False)


def test_rss_1_0_item_canonical(monkeypatch):
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/"'
        f' xmlns:atom="{ATOM}" xmlns:feedburner="{FEEDBURNER}">'
        '<channel rdf:about="https://example.com/"><title>T</title>'
        "<link>https://example.com/</link></channel>"
        '<item rdf:about="https://example.com/a"><title>A</title><link>https://example.com/a</link>'
        "<feedburner:origLink>https://example.com/orig-a</feedburner:origLink></item>"
        '<item rdf:about="https://example.com/b"><title>B</title><link>https://example.com/b</link>'
        "<atom:link rel='canonical' href='https://example.com/canon-b'/></item>"
        "</rdf:RDF>"
    ).encode()
    a, b = read(body, monkeypatch)
    assert a.canonical == "https://example.com/orig-a"
    assert b.canonical == "https://example.com/canon-b"
