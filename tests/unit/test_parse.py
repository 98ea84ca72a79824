"""Feed bytes → Articles: ids, dates, titles, links, categories, untrusted text."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newstui.core.models import Feed
from newstui.core.parse import MAX_ENTRIES, article_id, parse_feed
from newstui.core.pubdate import parse_date
from newstui.core.render import render_html

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
    body = rss(
        "<item><title>First</title><guid>same</guid></item><item><title>Second</title><guid>same</guid></item>"
    )
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
        b"<entry><title>E</title><id>e1</id><updated>2026-11-20T00:00:00Z</updated>"
        b'<category term="Science"/><category term="Space"/><category term="Science"/>'
        b'<summary>Short</summary><content type="html">&lt;p&gt;Long body&lt;/p&gt;</content></entry></feed>'
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    assert a.categories == ("Science", "Space")
    assert a.summary == "Short" and "Long body" in a.content
    assert a.body_html == a.content


def test_not_a_feed_empty_and_garbage():
    assert parse_feed(b"<!DOCTYPE html><html><body>hi</body></html>", FEED).error.startswith(
        "not a feed"
    )
    assert parse_feed(b"", FEED).error.startswith("empty response")
    assert parse_feed(b"\x00\x01garbage", FEED).error.startswith("malformed feed")


# --- charsets -----------------------------------------------------------------------------------

FIXTURES = Path(__file__).parent.parent / "fixtures" / "feeds"


@pytest.mark.parametrize(
    ("name", "content_type", "feed_title", "item_title"),
    [
        # declared only in the XML prolog, and the header claims UTF-8
        (
            "ru_windows1251.xml",
            "text/xml; charset=utf8",
            "Новости Бузулука",
            "В Бузулуке открыли Ледовый дворец – «Ура!»",
        ),
        ("zh_gb2312.xml", "", "新闻中心", "北京今日天气晴朗"),
        ("zh_gb2312.xml", "application/rss+xml; charset=utf-8", "新闻中心", "北京今日天气晴朗"),
        ("latin1_undeclared.xml", "", "Le Café du Commerce", "Déjà vu à l'été : crème brûlée"),
        (
            "latin1_undeclared.xml",
            "text/xml",
            "Le Café du Commerce",
            "Déjà vu à l'été : crème brûlée",
        ),
        ("utf16_bom.xml", "", "Zürich Nachrichten", "Grüße aus Zürich – 東京にも"),
        # a UTF-8 BOM beats both the prolog's and the header's ISO-8859-1
        (
            "utf8_bom_mislabelled.xml",
            "text/xml; charset=iso-8859-1",
            "Ελληνικά νέα",
            "Καλημέρα κόσμε “quoted” €",
        ),
    ],
)
def test_text_is_right_whatever_the_charset_declarations_say(
    name, content_type, feed_title, item_title
):
    parsed = parse_feed((FIXTURES / name).read_bytes(), FEED, content_type=content_type, now=NOW)
    assert parsed.error == ""
    assert parsed.title == feed_title
    assert [a.title for a in parsed.articles] == [item_title]


def test_windows1251_body_and_summary_are_decoded_too():
    [a] = parse_feed(
        (FIXTURES / "ru_windows1251.xml").read_bytes(),
        FEED,
        content_type="text/xml; charset=utf8",
        now=NOW,
    ).articles
    assert a.summary == "Жители ждали этого три года."
    assert a.published == datetime(2014, 1, 22, 14, 31, 31, tzinfo=UTC)


def test_utf8_bytes_win_over_a_header_and_prolog_that_say_windows_1251():
    body = rss("<item><title>Привет, Café</title><guid>1</guid></item>").replace(
        b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="windows-1251"?>'
    )
    parsed = parse_feed(
        body, FEED, content_type="application/rss+xml; charset=windows-1251", now=NOW
    )
    assert [a.title for a in parsed.articles] == ["Привет, Café"]
    assert parsed.warnings == ()


def test_utf8_with_one_stray_latin1_byte_keeps_its_utf8_and_says_so():
    body = rss("<item><title>Crème brûlée – 東京</title><guid>1</guid></item>").replace(
        b"T</title>", b"T\xe9</title>", 1
    )
    parsed = parse_feed(body, FEED, now=NOW)
    assert parsed.title == "Té"
    assert [a.title for a in parsed.articles] == ["Crème brûlée – 東京"]
    assert parsed.warnings == ("charset: 1 byte not valid UTF-8: read as windows-1252",)


def test_undeclared_latin1_is_read_as_windows_1252_with_a_warning():
    parsed = parse_feed((FIXTURES / "latin1_undeclared.xml").read_bytes(), FEED, now=NOW)
    assert parsed.warnings == ("charset: not UTF-8 and no charset declared: read as windows-1252",)


# --- links, titles, guids -----------------------------------------------------------------------


def test_links_resolve_against_xml_base_then_the_feed_url():
    parsed = parse_feed(
        (FIXTURES / "relative_links.atom").read_bytes(),
        FEED,
        url="https://feeds.example/blog.atom",
        now=NOW,
    )
    assert [a.link for a in parsed.articles] == [
        "https://blog.example/en/posts/first",  # the feed's xml:base
        "https://cdn.example/mirror/second.html",  # the entry's own xml:base
        "https://blog.example/root/third",
    ]
    assert parsed.site_link == "https://blog.example/en/"


def test_relative_links_without_a_url_resolve_against_the_feeds_own_link():
    body = rss("<item><title>A</title><link>/news/a</link></item>")
    [article] = parse_feed(body, FEED, url="", now=NOW).articles
    assert article.link == "http://site.test/news/a"


def test_html_titles_become_text_but_atom_text_titles_stay_literal():
    parsed = parse_feed((FIXTURES / "relative_links.atom").read_bytes(), FEED, now=NOW)
    assert parsed.title == "The Relative Blog"  # type="html": tags dropped
    assert parsed.articles[2].title == "AT&T <html> tags are literal in a text title"  # type="text"


def test_guids_are_kept_as_written_and_only_web_permalinks_become_links():
    body = rss(
        "<item><title>A</title><guid>t3_42tizy</guid></item>"
        "<item><title>B</title><guid>https://site.test/b</guid></item>"
        "<item><title>C</title><guid isPermaLink='false'>https://site.test/c</guid></item>"
    )
    a, b, c = parse_feed(body, FEED, url=FEED.url, now=NOW).articles
    assert (a.guid, a.link) == ("t3_42tizy", "")  # not a URL: not a link, and not resolved
    assert (b.guid, b.link) == ("https://site.test/b", "https://site.test/b")
    assert (c.guid, c.link) == ("https://site.test/c", "")
    assert a.id == article_id("Test", "t3_42tizy")


def test_an_xml_base_on_content_does_not_leak_into_the_next_id():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>R</title><entry><title>E</title>'
        b'<content type="html" xml:base="/.rss?limit=50">x</content><id>t3_42tizy</id>'
        b'<link href="https://www.reddit.test/r/x/1"/></entry></feed>'
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    assert a.guid == "t3_42tizy"


def test_an_atom_id_is_never_taken_for_a_link():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b"<entry><title>E</title><id>http://example.org/1</id></entry></feed>"
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    assert (a.guid, a.link) == ("http://example.org/1", "")


def test_unsafe_link_schemes_are_dropped():
    body = rss(
        "<item><title>A</title><guid>1</guid><link>javascript:alert(1)</link></item>"
        "<item><title>B</title><guid>2</guid><link>file:///etc/passwd</link></item>"
    )
    assert [a.link for a in parse_feed(body, FEED, now=NOW).articles] == ["", ""]


def test_a_link_uri_attribute_does_not_hide_the_link_text():
    body = rss(
        '<item><title>A</title><link uri="at://did:plc:abc/app.bsky.feed.post/1">https://bsky.test/post/1</link></item>'
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    assert a.link == "https://bsky.test/post/1"


def test_description_only_items_stay_distinct_and_keep_their_ids_across_refreshes():
    body = rss(
        "<item><description>First note.</description></item><item><description>Second note.</description></item>"
    )
    first = parse_feed(body, FEED, now=NOW).articles
    later = parse_feed(body, FEED, now=NOW + timedelta(hours=3)).articles
    assert [a.title for a in first] == ["First note.", "Second note."]
    assert [a.id for a in first] == [a.id for a in later]


def test_the_guid_field_is_the_feeds_own_id_cleaned():
    body = rss(
        "<item><title>A</title><guid isPermaLink='false'>  urn:x:\u202e1 </guid></item><item><title>B</title></item>"
    )
    a, b = parse_feed(body, FEED, now=NOW).articles
    assert (a.guid, b.guid) == ("urn:x:1", "")


# --- dates --------------------------------------------------------------------------------------

ODD_DATES = [
    "gmt-plus", "utc-plus", "cest", "wrong-day-name", "two-digit-year", "no-zone", "iso-no-zone", "iso-offset",
    "rfc850", "no-space-after-comma", "pm-est", "french", "german", "spanish", "russian", "comment-zone",
]  # fmt: skip


def test_odd_date_formats_become_the_right_utc_instant():
    parsed = parse_feed((FIXTURES / "odd_dates.rss").read_bytes(), FEED, now=NOW)
    when = {a.title: a.published for a in parsed.articles}
    for name in ODD_DATES:
        assert when[name] == datetime(2003, 6, 10, 2, 0, tzinfo=UTC), name
    assert when["future"] == NOW  # clamped
    assert when["garbage"] == NOW  # unreadable: as undated


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 10 Jun 2003 04:00:00 GMT+2", datetime(2003, 6, 10, 2, 0, tzinfo=UTC)),
        ("Sun, 06 Jul 2014 12:56:00 JST", datetime(2014, 7, 6, 3, 56, tzinfo=UTC)),
        ("Tue, 10 Jun 99 04:00:00 GMT", datetime(1999, 6, 10, 4, 0, tzinfo=UTC)),
        ("Tue, 10 Jun 2003 24:00:00 GMT", datetime(2003, 6, 11, 0, 0, tzinfo=UTC)),
        ("20030610T040000Z", datetime(2003, 6, 10, 4, 0, tzinfo=UTC)),
        ("2003-06-10T04:00:00.123+0530", datetime(2003, 6, 9, 22, 30, tzinfo=UTC)),
        ("10.06.2003 04:00", datetime(2003, 6, 10, 4, 0, tzinfo=UTC)),
        ("06/10/2003", datetime(2003, 6, 10, 0, 0, tzinfo=UTC)),
        ("1054526400", datetime(2003, 6, 2, 4, 0, tzinfo=UTC)),
        ("Tue, 31 Jun 2003 04:00:00 GMT", None),
        ("two hours ago", None),
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


# --- feed-level fields and warnings -------------------------------------------------------------


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [("60", 60), (" 15 ", 15), ("0", None), ("-5", None), ("soon", None), ("99999999", None)],
)
def test_ttl_minutes_from_the_channel_and_junk_ignored(ttl, expected):
    parsed = parse_feed(rss("<item><title>A</title></item>", f"<ttl>{ttl}</ttl>"), FEED, now=NOW)
    assert parsed.ttl_minutes == expected
    assert parsed.site_link == "http://site.test/"


def test_not_well_formed_xml_is_read_leniently_with_a_warning_in_words():
    body = rss(
        "<item><title>A &nbsp; B</title><guid>1</guid></item>\n<item><title>C</title><guid>2</guid></item>"
    )
    parsed = parse_feed(body, FEED, now=NOW)
    assert [a.title for a in parsed.articles] == ["A B", "C"]
    assert parsed.warnings == (
        "XML not well-formed at line 1, column 111 (undefined entity); read leniently, kept 2 items",
    )


def test_a_cut_feed_keeps_the_items_before_the_cut():
    body = rss(
        "<item><title>A</title><guid>1</guid></item>\n<item><title>B</title><guid>2</guid></item>"
    )[:-30]
    parsed = parse_feed(body, FEED, now=NOW)
    assert [a.title for a in parsed.articles] == ["A", "B"]
    assert parsed.warnings == (
        "the feed is cut short (XML ends at line 2); kept 2 items from before the cut",
    )


def test_untitled_and_duplicate_items_are_counted_in_the_warnings():
    body = rss(
        "<item><guid>1</guid><description>One</description></item><item><guid>2</guid><description>Two</description></item>"
        "<item><title>X</title><guid>1</guid></item>"
    )
    parsed = parse_feed(body, FEED, now=NOW)
    assert parsed.warnings == (
        "2 items had no title",
        "1 item repeated an earlier guid or link; dropped",
    )


def test_items_beyond_the_cap_are_dropped_with_a_warning():
    items = "".join(
        f"<item><guid>{n}</guid><title>{n}</title></item>" for n in range(MAX_ENTRIES + 3)
    )
    parsed = parse_feed(rss(items), FEED, now=NOW)
    assert len(parsed.articles) == MAX_ENTRIES
    assert parsed.warnings == (f"items capped at {MAX_ENTRIES} (the feed has {MAX_ENTRIES + 3})",)


# --- not feeds ----------------------------------------------------------------------------------


def test_an_html_page_names_the_feeds_it_advertises():
    parsed = parse_feed(
        (FIXTURES / "page_with_feeds.html").read_bytes(),
        FEED,
        url="https://x.example/blog/",
        now=NOW,
    )
    assert parsed.error == (
        "not a feed: the URL returned an HTML page; it advertises these feeds: "
        'https://x.example/feed.xml (RSS "Site news"), https://x.example/atom.xml (Atom), '
        'https://x.example/blog/feed.json (JSON Feed "JSON & friends"). Put one of them in feeds.toml as the url.'
    )


def test_an_html_page_without_feeds_suggests_the_usual_paths():
    parsed = parse_feed(
        (FIXTURES / "page_without_feeds.html").read_bytes(),
        FEED,
        url="https://y.example/a/b",
        now=NOW,
    )
    assert parsed.error == (
        "not a feed: the URL returned an HTML page, and it advertises no feed. Sites often serve theirs at "
        "https://y.example/feed or https://y.example/rss; put that in feeds.toml as the url."
    )


def test_opml_is_named_for_what_it_is():
    body = b'<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="http://x/f"/></body></opml>'
    assert (
        parse_feed(body, FEED, now=NOW).error
        == "not a feed: the URL returned an OPML subscription list"
    )


def test_a_body_that_looks_like_a_file_name_is_never_read_from_disk(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss("<item><title>Local secret</title></item>"))
    parsed = parse_feed(str(secret).encode(), FEED, now=NOW)
    assert parsed.articles == () and parsed.error.startswith("malformed feed")


def test_a_gzipped_body_is_decompressed():
    body = gzip.compress(rss("<item><title>Zipped</title><guid>1</guid></item>"))
    assert [a.title for a in parse_feed(body, FEED, now=NOW).articles] == ["Zipped"]


# --- feed HTML is never rendered as HTML, so no sanitizer: scripts never reach the text ----------


def test_script_and_style_bodies_never_reach_titles_summaries_or_rendered_text():
    body = rss(
        "<item><guid>1</guid><description><![CDATA[<script>stealCookies()</script><style>p{}</style>"
        "<p>Visible words</p><iframe src='x'>frame text</iframe>]]></description></item>"
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    assert a.title == "Visible words"
    assert "stealCookies" not in a.summary and "frame text" not in a.summary
    assert render_html(a.body_html).plain() == "Visible words"
    assert render_html("<p>a</p><script>stealCookies()</script><p>b</p>").plain() == "a\n\nb"


def test_xml_of_another_kind_is_named():
    body = b"<?xml version='1.0'?><catalog><book><title>Not news</title></book></catalog>"
    assert (
        parse_feed(body, FEED, now=NOW).error
        == "not a feed: the URL returned an XML document of another kind (<catalog>)"
    )


def test_urls_inside_html_follow_xml_base_when_the_feed_uses_it():
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title><entry><title>E</title><id>e</id>'
        b'<content type="html" xml:base="https://numi.st/post/2022/travel-uke/">'
        b"&lt;p&gt;&lt;img src=&quot;IMG_1232.jpeg&quot;&gt;&lt;/p&gt;</content></entry></feed>"
    )
    [a] = parse_feed(body, FEED, now=NOW).articles
    assert 'src="https://numi.st/post/2022/travel-uke/IMG_1232.jpeg"' in a.body_html
