"""Property-based tests (hypothesis): for any input, the text cleaner, the HTML-to-terminal renderer
and the feed normaliser raise nothing and let no control character out; cleaning is idempotent.

Inputs mix arbitrary text with the pieces escape sequences, markup and XML are made of, so the
interesting cases come up in a few hundred examples (kept modest: the whole file runs in seconds).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.sax.saxutils import escape, quoteattr

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from newstui.core import parse
from newstui.core.models import Feed
from newstui.core.parse import parse_feed
from newstui.core.render import html_to_text, render_html
from newstui.core.text import clean_text, html_to_line, strip_controls

# What may never come out: C0 (but newline and tab) and C1 controls, DEL, bidi controls, zero-width
# and invisible format characters, lone surrogates, tag characters.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2028\u2029"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
PIECES = [
    "\x1b", "[", "]", "\x07", "\x9b", "\x9c", "\x9d", "\x90", "\\", ";", "0", "1", "2", "3", "m", "J", "H",
    "\x1b[", "\x1b]", "\x1b]8;;", "\x1b]52;c;", "\x1bP", "\x1b\\", "\r", "\n", "\t", "\r\n", " ", "\x00",
    "\x08", "\x7f", "\u202e", "\u2066", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028", "\ud800", "\udfff",
    "\U000e0041", "a", "é", "日本", "👨", "[bold]", "[/]", "[link=x]", "[@click=app.quit]", "$x",
    "<", ">", "&", "&#27;", "&#x9b;", "&amp;", "&lt;", "\"", "'",
]
ANY = st.characters(codec=None, categories=None, exclude_categories=())  # surrogates included
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(ANY, max_size=4)), max_size=40).map("".join)
# No example database, and hypothesis's own cache in the temp dir: nothing lands in the working tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "newstui-hypothesis")
SETTINGS = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(TEXT)
def test_strip_controls_lets_nothing_out_and_is_idempotent(value):
    once = strip_controls(value)
    assert not FORBIDDEN.search(once)
    assert strip_controls(once) == once
    assert len(once) <= len(value)
    once.encode("utf-8")  # no lone surrogate: storable and printable


@SETTINGS
@given(TEXT)
def test_clean_text_is_one_clean_line_and_idempotent(value):
    line = clean_text(value)
    assert not FORBIDDEN.search(line)
    assert "\n" not in line and "\t" not in line and "  " not in line and line == line.strip()
    assert clean_text(line) == line
    assert not FORBIDDEN.search(html_to_line(value))


# -- HTML to terminal text ---------------------------------------------------------------------------

TAGS = ["p", "div", "b", "i", "em", "a", "ul", "ol", "li", "blockquote", "pre", "code", "h1", "h3",
        "table", "tr", "td", "th", "br", "hr", "img", "script", "style", "span", "sup", "dl", "dt", "dd"]
ATTRS = st.sampled_from(["href", "src", "alt", "title", "start", "colspan", "type", "reversed"])


@st.composite
def html(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attrs = "".join(f" {draw(ATTRS)}={quoteattr(draw(TEXT))}" for _ in range(draw(st.integers(0, 2))))
            parts.append(f"<{tag}{attrs}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(draw(TEXT))
        else:
            parts.append(escape(draw(TEXT)))
    return "".join(parts)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(html(), st.integers(1, 120))
def test_rendered_html_is_clean_terminal_text(markup, width):
    rendered = render_html(markup, "http://example.test/a/")
    lines = rendered.plain(width)
    assert not FORBIDDEN.search(lines)
    for link in rendered.links:
        assert not FORBIDDEN.search(link.url + link.text)
    assert not FORBIDDEN.search(html_to_text(markup))


# -- the feed normaliser ---------------------------------------------------------------------------

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def fields(article) -> list[str]:
    return [article.title, article.author, article.link, article.guid, article.summary, article.content,
            article.canonical, *article.categories]


@st.composite
def rss(draw) -> bytes:
    items = []
    for n in range(draw(st.integers(0, 4))):
        value = {key: draw(TEXT) for key in ("title", "link", "description", "category", "author")}
        wrap = draw(st.sampled_from(["escape", "cdata", "raw"]))
        encode = {"escape": escape, "cdata": lambda v: f"<![CDATA[{v.replace(']]>', '')}]]>", "raw": str}[wrap]
        items.append("<item>" + "".join(f"<{k}>{encode(v)}</{k}>" for k, v in value.items())
                     + f"<guid>{escape(draw(TEXT))}{n}</guid></item>")
    doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(draw(TEXT))}</title>{"".join(items)}</channel></rss>'
    return doc.encode("utf-8", "surrogatepass")


@st.composite
def atom(draw) -> bytes:
    entries = "".join(
        f'<entry><id>{escape(draw(TEXT))}{n}</id><title type="{draw(st.sampled_from(["text", "html"]))}">'
        f'{escape(draw(TEXT))}</title><link href={quoteattr(draw(TEXT))}/>'
        f'<content type="html">{escape(draw(TEXT))}</content><author><name>{escape(draw(TEXT))}</name></author></entry>'
        for n in range(draw(st.integers(0, 3)))
    )
    doc = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(draw(TEXT))}</title>{entries}</feed>'
    return doc.encode("utf-8", "surrogatepass")


@st.composite
def json_feed(draw) -> bytes:
    import json

    items = [{"id": draw(TEXT) + str(n), "title": draw(TEXT), "url": draw(TEXT), "content_html": draw(TEXT),
              "tags": [draw(TEXT)], "authors": [{"name": draw(TEXT)}]} for n in range(draw(st.integers(0, 3)))]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": draw(TEXT), "items": items}).encode()


BODIES = st.one_of(rss(), atom(), json_feed(), st.binary(max_size=300),
                   st.lists(st.sampled_from([b"<rss>", b"<item>", b"<title>", b"</title>", b"&#27;", b"\x1b[2J",
                                             b"<!DOCTYPE rss [<!ENTITY a SYSTEM 'file:///etc/passwd'>]>", b"&a;",
                                             b"\x1f\x8b", b"{", b'"items":[', b"\xff\xfe", b"<![CDATA["]),
                            max_size=20).map(b"".join))


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(BODIES, st.booleans())
def test_any_body_parses_to_clean_articles_or_an_error_in_words(body, fast):
    saved = parse.FAST_PATH
    parse.FAST_PATH = fast
    try:
        parsed = parse_feed(body, Feed("F", "http://example.test/feed"), url="http://example.test/feed", now=NOW)
        again = parse_feed(body, Feed("F", "http://example.test/feed"), url="http://example.test/feed", now=NOW)
    finally:
        parse.FAST_PATH = saved
    assert not FORBIDDEN.search(parsed.title + parsed.error + " ".join(parsed.warnings) + parsed.site_link)
    assert [a.id for a in parsed.articles] == [a.id for a in again.articles]  # stable ids
    for article in parsed.articles:
        for text in fields(article):
            assert not FORBIDDEN.search(text.replace("\n", "").replace("\t", "")), repr(text)
        assert "\n" not in article.title and len(article.title) <= 1000
        assert not article.link.lower().startswith(("javascript:", "data:", "file:"))
