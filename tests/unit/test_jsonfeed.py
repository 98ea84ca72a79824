"""JSON Feed 1.0/1.1 → Articles, through parse_feed (feedparser cannot read JSON Feed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newstui.core.models import Feed
from newstui.core.parse import article_id, parse_feed

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
FEED = Feed("Notes", "https://fetch.example/feed.json")
FIXTURES = Path(__file__).parent.parent / "fixtures" / "feeds"


def parse(name: str, content_type: str = "application/feed+json", url: str = FEED.url):
    return parse_feed(
        (FIXTURES / name).read_bytes(), FEED, url=url, content_type=content_type, now=NOW
    )


def test_json_feed_1_1_maps_every_field():
    parsed = parse("jsonfeed_1_1.json")
    assert parsed.error == ""
    assert parsed.title == "Café Notes"
    assert parsed.site_link == "https://notes.example/"
    first, _, _ = parsed.articles
    assert first.id == article_id("Notes", "https://notes.example/blog/1")
    assert first.guid == "https://notes.example/blog/1"
    assert first.title == "Crème brûlée & more"
    assert first.link == "https://notes.example/blog/posts/1"  # relative to feed_url
    assert first.published == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert first.author == "Ana Souza, Bo Li"
    assert first.categories == ("food", "desserts", "3")
    assert first.content == "<p>Rich <b>text</b></p> "  # the script is gone
    assert first.summary == "A short summary &lt;not a tag&gt;"  # plain text, kept literal


def test_json_feed_fallbacks_external_url_modified_date_derived_title_feed_author():
    _, untitled, undated = parse("jsonfeed_1_1.json").articles
    assert untitled.guid == "42"  # a number id
    assert untitled.link == "https://elsewhere.example/story"
    assert (
        untitled.title == "No title here, so the first words of this plain text become one. Second…"
    )
    assert untitled.published == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert untitled.author == "Feed Author"
    assert untitled.content.startswith("No title here")
    assert undated.published == NOW


def test_json_feed_warnings_for_untitled_duplicate_and_non_object_items():
    assert parse("jsonfeed_1_1.json").warnings == (
        "1 item had no title",
        "1 item repeated an earlier guid or link; dropped",
        "1 item was not a JSON object; skipped",
    )


def test_json_feed_1_0_author_object_and_home_page_base():
    parsed = parse(
        "jsonfeed_1_0.json", content_type="application/json", url="https://old.example/feed.json"
    )
    a, b = parsed.articles
    assert (a.author, b.author) == ("Item Writer", "Feed Writer")
    assert a.content == "Body &lt;b&gt;not bold&lt;/b&gt;"  # content_text is text, not HTML
    assert b.link == "https://old.example/2"
    assert b.published == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)
    assert parsed.warnings == ()


def test_json_is_recognised_by_its_body_whatever_the_content_type():
    body = (FIXTURES / "jsonfeed_1_0.json").read_bytes()
    for content_type in ("", "text/plain", "application/octet-stream"):
        assert (
            len(
                parse_feed(
                    b"\xef\xbb\xbf \n" + body, FEED, content_type=content_type, now=NOW
                ).articles
            )
            == 2
        )


def test_broken_json_is_an_error_in_words():
    assert (
        parse("jsonfeed_broken.json").error
        == "malformed JSON Feed: expecting ',' delimiter at line 6, column 1"
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ([1, 2], "not a feed: the URL returned a JSON list, not a JSON Feed"),
        (
            {"title": "x"},
            'not a feed: the URL returned JSON without the "items" list of a JSON Feed',
        ),
    ],
)
def test_json_that_is_not_a_json_feed(data, error):
    assert parse_feed(json.dumps(data).encode(), FEED, now=NOW).error == error


def test_missing_version_is_read_anyway_with_a_warning():
    body = json.dumps(
        {"title": "T", "items": [{"id": "1", "title": "Hi", "url": "https://x.test/1"}]}
    ).encode()
    parsed = parse_feed(body, FEED, now=NOW)
    assert [a.title for a in parsed.articles] == ["Hi"]
    assert parsed.warnings == ("no JSON Feed version given; read as JSON Feed 1.1",)


def test_untrusted_json_strings_are_cleaned_and_wrong_types_ignored():
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Evil\x1b[2J feed",
            "items": [
                {
                    "id": "1",
                    "title": "Hi\x1b]52;c;SGVsbG8=\x07 there",
                    "url": "javascript:alert(1)",
                    "authors": "not a list",
                    "tags": "not a list",
                    "date_published": 12,
                },
            ],
        }
    ).encode()
    parsed = parse_feed(body, FEED, now=NOW)
    [a] = parsed.articles
    assert parsed.title == "Evil feed"
    assert (a.title, a.link, a.author, a.categories, a.published) == ("Hi there", "", "", (), NOW)


def test_a_server_calling_broken_json_xml_gets_the_xml_error():
    error = parse_feed(b'{"this": is not', FEED, content_type="application/xml", now=NOW).error
    assert error.startswith("malformed feed: XML not well-formed at line 1")
