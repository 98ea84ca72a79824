"""Feed bytes → Articles: ids, dates, titles, links, categories, untrusted text."""

from __future__ import annotations

from datetime import UTC, datetime

from newstui.core.models import Feed
from newstui.core.parse import article_id, parse_feed

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FEED = Feed("Test", "http://feed.test/rss")


def rss(items: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<link>http://site.test/</link>{extra}{items}</channel></rss>"
    ).encode()


def test_id_prefers_guid_then_link_then_title_and_date():
    body = rss(
        "<item><title>A</title><guid>g-1</guid><link>http://x/a</link></item>"
        "<item><title>B</title><link>http://x/b</link></item>"
        "<item><title>C</title><pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>"
    )
    a, b, c = parse_feed(body, FEED, url=FEED.url, now=NOW).articles
    assert a.id == article_id("Test", "g-1")
    assert b.id == article_id("Test", "http://x/b")
    assert c.id == article_id("Test", "C\n2026-11-23T10:00:00+00:00")
    again = parse_feed(body, FEED, url=FEED.url, now=NOW).articles
    assert [x.id for x in again] == [a.id, b.id, c.id]  # stable across parses


def test_dates_are_utc_and_future_dates_clamped_missing_dates_now():
    body = rss(
        "<item><title>Offset</title><guid>1</guid><pubDate>Mon, 23 Nov 2026 19:00:00 +0900</pubDate></item>"
        "<item><title>Future</title><guid>2</guid><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item>"
        "<item><title>Undated</title><guid>3</guid></item>"
    )
    offset, future, undated = parse_feed(body, FEED, now=NOW).articles
    assert offset.published == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert future.published == NOW
    assert undated.published == NOW


def test_html_titles_become_text_and_missing_titles_come_from_the_summary():
    body = rss(
        "<item><title>Markets &lt;b&gt;rally&lt;/b&gt; &amp;amp; close</title><guid>1</guid></item>"
        "<item><guid>2</guid><description>&lt;p&gt;Only a body here, no title.&lt;/p&gt;</description></item>"
        "<item><guid>3</guid></item>"
    )
    a, b, c = parse_feed(body, FEED, now=NOW).articles
    assert a.title == "Markets rally &amp; close" or a.title == "Markets rally & close"
    assert b.title == "Only a body here, no title."
    assert c.title == "(untitled)"


def test_relative_links_resolve_against_the_feed_url():
    body = rss("<item><title>A</title><link>/news/a</link></item>")
    [article] = parse_feed(body, FEED, url="http://feed.test/rss", now=NOW).articles
    assert article.link == "http://feed.test/news/a"


def test_duplicate_guids_keep_the_first():
    body = rss("<item><title>First</title><guid>same</guid></item><item><title>Second</title><guid>same</guid></item>")
    articles = parse_feed(body, FEED, now=NOW).articles
    assert [a.title for a in articles] == ["First"]


def test_control_sequences_are_removed_from_every_text_field():
    evil = "Hi\x1b]52;c;SGVsbG8=\x07 there\x1b[2J\u202e\x07"
    body = rss(
        f"<item><title>{evil}</title><guid>1</guid><author>x@y ({evil})</author>"
        f"<category>{evil}</category><description>{evil}</description><link>http://x/{evil}</link></item>"
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    for value in (a.title, a.author, a.summary, a.link, *a.categories):
        assert "\x1b" not in value and "\x07" not in value and "\u202e" not in value
    assert a.title == "Hi there"


def test_categories_and_content():
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b'<entry><title>E</title><id>e1</id><updated>2026-11-20T00:00:00Z</updated>'
        b'<category term="Science"/><category term="Space"/><category term="Science"/>'
        b'<summary>Short</summary><content type="html">&lt;p&gt;Long body&lt;/p&gt;</content></entry></feed>'
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    assert a.categories == ("Science", "Space")
    assert a.summary == "Short" and "Long body" in a.content
    assert a.body_html == a.content


def test_not_a_feed_empty_and_garbage():
    assert parse_feed(b"<!DOCTYPE html><html><body>hi</body></html>", FEED).error.startswith("not a feed")
    assert parse_feed(b"", FEED).error.startswith("empty response")
    assert parse_feed(b"\x00\x01garbage", FEED).error.startswith("malformed feed")
