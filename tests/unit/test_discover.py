"""The feeds a web page advertises, and the error for an HTML page given as a feed URL."""

from __future__ import annotations

from pathlib import Path

from newstui.core.discover import advertised_feeds, not_a_feed_message

PAGE = (Path(__file__).parent.parent / "fixtures" / "feeds" / "page_with_feeds.html").read_bytes()


def test_feeds_in_the_head_in_order_resolved_deduplicated_and_safe():
    assert advertised_feeds(PAGE, "https://x.example/blog/") == [
        ("https://x.example/feed.xml", "RSS", "Site news"),
        ("https://x.example/atom.xml", "Atom", ""),
        ("https://x.example/blog/feed.json", "JSON Feed", "JSON & friends"),
    ]


def test_text_and_bytes_give_the_same_answer():
    assert advertised_feeds(PAGE.decode(), "https://x.example/blog/") == advertised_feeds(
        PAGE, "https://x.example/blog/"
    )


def test_base_href_rel_tokens_and_feeds_linked_from_the_body_when_the_head_has_none():
    html = (
        '<html><head><base href="https://cdn.example/site/"></head><body>'
        '<link rel="Alternate Feed" type="application/atom+xml; charset=utf-8" href="atom.xml" title=" Main\n feed ">'
        '<link rel="stylesheet" type="application/rss+xml" href="/not-a-feed.xml">'
        "</body></html>"
    )
    assert advertised_feeds(html, "https://x.example/") == [
        ("https://cdn.example/site/atom.xml", "Atom", "Main feed")
    ]


def test_a_page_without_feeds_and_broken_html():
    assert (
        advertised_feeds(
            "<html><head><title>x</title></head><body><a href='/feed'>feed</a>", "https://x/"
        )
        == []
    )
    assert (
        advertised_feeds(
            "<link rel=alternate type=application/rss+xml href='http://[::1'>", "https://x/"
        )
        == []
    )
    assert advertised_feeds(b"", "https://x/") == []


def test_windows_1251_page_titles_are_decoded():
    html = '<html><head><meta charset="windows-1251"><link rel="alternate" type="application/rss+xml" title="Новости" href="/rss"></head></html>'
    assert advertised_feeds(html.encode("cp1251"), "http://ru.example/") == [
        ("http://ru.example/rss", "RSS", "Новости")
    ]


def test_the_message_lists_the_feeds_or_suggests_the_usual_paths():
    assert not_a_feed_message(PAGE.decode(), "https://x.example/blog/").startswith(
        'not a feed: the URL returned an HTML page; it advertises these feeds: https://x.example/feed.xml (RSS "Site news"), '
    )
    assert not_a_feed_message("<html></html>", "https://y.example/a/b?c=d") == (
        "not a feed: the URL returned an HTML page, and it advertises no feed. Sites often serve theirs at "
        "https://y.example/feed or https://y.example/rss; put that in feeds.toml as the url."
    )
