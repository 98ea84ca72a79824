"""Feed bytes → :class:`Article` objects, with every untrusted string cleaned on the way in.

:func:`parse_feed` decodes the body itself (:mod:`newstui.core.charset`: feeds lie about their
charset), then routes it: JSON → :mod:`newstui.core.jsonfeed`; an HTML page → an error naming the
feeds the page advertises (:mod:`newstui.core.discover`); anything else → feedparser (RSS 0.9x-2.0,
RSS 1.0, Atom 0.3/1.0). feedparser runs without its HTML sanitizer, and rewrites relative URLs
inside HTML only for feeds that use xml:base: we never show feed HTML as HTML
(:mod:`newstui.core.render` turns it into terminal text, skipping scripts and styles, and resolves
its links against the article's link), and the two passes were three quarters of the parse time of
a big feed.
"""

from __future__ import annotations

import calendar
import io
import re
import xml.sax
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from newstui.core.charset import decode_body
from newstui.core.entries import (
    MAX_ENTRIES,
    ArticleCollector,
    Entry,
    ParsedFeed,
    absolute_url,
    article_id,
    readable_html,
)
from newstui.core.fastfeed import fast_parse
from newstui.core.models import Feed
from newstui.core.pubdate import parse_date
from newstui.core.text import clean_text, html_to_line, strip_controls

__all__ = ["MAX_ENTRIES", "ParsedFeed", "article_id", "parse_feed"]

# The first tag of a document, after the XML declaration, comments and a doctype keyword.
_FIRST_TAG = re.compile(
    r"(?:\s+|<\?.*?\?>|<!--.*?-->)*<(?:!doctype\s+)?([A-Za-z][\w:.-]*)", re.IGNORECASE | re.DOTALL
)
_XML_DECLARATION = re.compile(r"<\?xml[^>]*?\?>")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # forbidden in XML 1.0
_LINK_URI = re.compile(r"(<link\b[^>]*?\s)uri=")
_UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
# The prolog (declarations, comments, processing instructions) and a DOCTYPE with its internal
# subset, read item by item: quoted strings may hold ">" and "]".
_PROLOG = re.compile(r"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_DOCTYPE = re.compile(
    r"""<!DOCTYPE\s+[^\s\[>]+(?:\s+(?:"[^"]*"|'[^']*'|[^\s\[>"']+))*\s*"""
    r"""(?P<subset>\[(?:\s+|<!--.*?-->|<\?.*?\?>|<!(?:[^>"']|"[^"]*"|'[^']*')*>|%[\w.:-]+;)*\]\s*)?>""",
    re.IGNORECASE | re.DOTALL,
)
_SUBSET_ITEM = re.compile(r"""<!(?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)
# An internal entity that is safe to keep: a character reference, or a short literal without
# references. Anything else (external SYSTEM/PUBLIC entities: XXE; parameter entities; entities
# made of other entities: "billion laughs") is dropped before any parser sees the document.
_SAFE_ENTITY = re.compile(
    r"""<!ENTITY\s+[A-Za-z_][\w.:-]*\s+(?:"(?:&\#\w+;|[^"&%<]{0,32})"|'(?:&\#\w+;|[^'&%<]{0,32})')\s*>"""
)
_MAX_TTL = 60 * 24 * 366
_MAX_GUNZIPPED = 50_000_000
# The lxml fast path for well-formed feeds (tests turn it off to compare with feedparser).
FAST_PATH = True


def parse_feed(
    body: bytes,
    feed: Feed,
    *,
    url: str = "",
    content_type: str = "",
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed body into articles of ``feed``.

    Relative links resolve against xml:base, else the final URL, else the feed's own link; dates
    become UTC and are clamped to ``now`` when missing or in the future; HTML titles become text.
    """
    now = now or datetime.now(UTC)
    if body[:2] == b"\x1f\x8b":  # still gzipped: a .gz file, or Content-Encoding applied twice
        try:
            body = _gunzip(body)
        except _TooBig:
            return ParsedFeed("", (), error=f"feed is larger than the {_MAX_GUNZIPPED:,}-byte cap "
                                            "once decompressed (a gzip bomb?)")
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            return ParsedFeed(
                "",
                (),
                error=f"malformed feed: a gzip file that does not decompress ({clean_text(exc)})",
            )
    decoded = decode_body(body, content_type)
    text = decoded.text.lstrip("\ufeff \t\r\n")
    if not text:
        return ParsedFeed("", (), error="empty response: no feed data")
    lines_skipped = decoded.text[: len(decoded.text) - len(text)].count("\n")
    kind = _kind(text, content_type)
    parsed = None
    if kind == "json":
        from newstui.core.jsonfeed import parse_json_feed

        parsed = parse_json_feed(text, feed, url=url, now=now)
        if parsed.error.startswith("malformed") and "xml" in content_type.lower():
            parsed = None  # neither JSON nor what the server calls it: report it as broken XML
    elif kind == "html":
        return ParsedFeed("", (), error=_html_error(text, url))
    elif kind == "opml":
        return ParsedFeed("", (), error="not a feed: the URL returned an OPML subscription list")
    if parsed is None:
        parsed = _parse_xml(text, feed, url=url, now=now, where=(lines_skipped, 0))
    if decoded.note and not parsed.error:
        parsed = replace(parsed, warnings=(*parsed.warnings, f"charset: {decoded.note}"))
    return parsed


def _first_tag(text: str) -> str:
    first = _FIRST_TAG.match(text[:4096])
    return first.group(1) if first else ""


class _TooBig(Exception):
    """A gzipped body that decompresses past :data:`_MAX_GUNZIPPED`."""


def _gunzip(body: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    data = inflater.decompress(body, _MAX_GUNZIPPED)
    if inflater.unconsumed_tail:
        raise _TooBig
    return data


def _kind(text: str, content_type: str) -> str:
    """What the body is (json, html, opml or xml): the body decides, the Content-Type breaks ties."""
    if text[:1] in "{[":
        return "json"
    media = content_type.split(";")[0].strip().lower()
    if media.endswith(("/json", "+json")) and not text.startswith("<"):
        return "json"
    tag = _first_tag(text).lower()
    if tag in ("html", "head", "body"):
        return "html"
    return "opml" if tag == "opml" else "xml"


def _parse_xml(
    text: str, feed: Feed, *, url: str, now: datetime, where: tuple[int, int]
) -> ParsedFeed:
    """RSS or Atom text through feedparser. ``where`` = (lines, columns) to add to error positions."""
    # feedparser gets UTF-8 bytes that say so, from a file object: given bytes it would first try
    # them as a file name (a body "/etc/passwd" would be read from disk). No content-location
    # either: feedparser would resolve guids against it, and a feed that moves (a 301) would give
    # every article a new id. Links are resolved below instead.
    declaration = _XML_DECLARATION.match(text)
    # feedparser puts its own 38-character declaration in place of ours: error columns on line 1
    # are shifted by the difference from what the feed had.
    where = (
        where[0],
        where[1] + (declaration.end() if declaration else 0) - len(_UTF8_DECLARATION),
    )
    # Control characters are not allowed in XML: one stray ESC would send the whole feed to
    # feedparser's slow lenient parser. Escape sequences go whole, not just their ESC.
    xml_text = text[declaration.end() if declaration else 0 :]
    if _NOT_XML.search(xml_text):
        xml_text = _NOT_XML.sub("", strip_controls(xml_text))
    xml_text = _UTF8_DECLARATION + _defused(xml_text)
    if " uri=" in xml_text:  # feedparser takes <link uri="at://..."> (Bluesky) over the link text
        xml_text = _LINK_URI.sub(r"\1data-uri=", xml_text)
    xml_bytes = xml_text.encode("utf-8", errors="replace")
    # Well-formed RSS/Atom takes the lxml fast path (~10x faster); it gives entries shaped as
    # feedparser's, and anything it does not model exactly goes to feedparser (see fastfeed).
    parsed = fast_parse(xml_bytes) if FAST_PATH else None
    if parsed is None:
        parsed = _feedparser().parse(
            io.BytesIO(xml_bytes),
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,
            # Only a feed with xml:base needs feedparser to rewrite the URLs inside its HTML: other
            # relative URLs resolve at render time against the article's link, for free.
            resolve_relative_uris="xml:base" in xml_text,
        )
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries and not parsed.get("version"):
        if _looks_like_html(text):
            return ParsedFeed("", (), error=_html_error(text, url))
        root = _first_tag(text)
        if root and problem is None:
            error = f"not a feed: the URL returned an XML document of another kind (<{root}>)"
            return ParsedFeed("", (), error=error)
        detail = _problem(problem, where) or "unrecognised format"
        return ParsedFeed("", (), error=f"malformed feed: {detail}")
    channel = parsed.get("feed") or {}
    web_url = url if url.lower().startswith(("http://", "https://")) else ""
    site_link = absolute_url(channel.get("link", ""), web_url)
    # Relative links resolve against the URL the feed came from; a local file has no useful base,
    # so the feed's own <link> stands in for it. (feedparser already applied any xml:base.)
    collector = ArticleCollector(feed, base=web_url or site_link, now=now)
    atom = str(parsed.get("version", "")).startswith("atom")
    for entry in entries[:MAX_ENTRIES]:
        collector.add(_entry(entry, atom=atom))
    warnings = collector.warnings(total=len(entries))
    if problem is not None:
        warnings.insert(0, _problem(problem, where, kept=len(collector.articles)))
    return ParsedFeed(
        _title(channel),
        tuple(collector.articles.values()),
        warnings=tuple(warnings),
        ttl_minutes=_ttl(channel),
        site_link=site_link,
    )


def _defused(text: str) -> str:
    """``text`` with its DOCTYPE's internal subset reduced to the safe entities (see
    :data:`_SAFE_ENTITY`): no parser can then read a local file or expand entities without bound.
    The external id stays (it names the RSS 0.91 DTD; no DTD is ever loaded). Lines are kept, so
    error positions still match the feed."""
    start = _PROLOG.match(text).end()  # type: ignore[union-attr]
    if text[start : start + 9].upper() != "<!DOCTYPE":
        return text
    doctype = _DOCTYPE.match(text, start)
    if doctype is None:  # not a DOCTYPE we can read: dropped whole, up to the first element
        root = re.compile(r"<[A-Za-z_]").search(text, start)
        end = root.start() if root else len(text)
        return text[:start] + "\n" * text.count("\n", start, end) + text[end:]
    subset = doctype.group("subset")
    if subset is None:
        return text
    kept = [m.group(0) for m in _SUBSET_ITEM.finditer(subset) if _SAFE_ENTITY.fullmatch(m.group(0))]
    head = text[start : doctype.start("subset")].rstrip()
    # One declaration a line: feedparser's own DOCTYPE handling reads them that way.
    safe = f"{head} [\n" + "".join(f"{item}\n" for item in kept) + "]>" if kept else f"{head}>"
    lines = text.count("\n", start, doctype.end()) - safe.count("\n")
    return text[:start] + safe + "\n" * max(lines, 0) + text[doctype.end() :]


def _feedparser() -> Any:
    """feedparser, imported lazily (it costs ~100 ms at startup), told to leave ids as written.

    feedparser resolves every guid and Atom id against xml:base as if it were a URL, and an xml:base
    on a ``<content>`` leaks onto the ``<id>`` after it (old Reddit feeds: ``t3_42tizy`` became
    ``/t3_42tizy``). An id is a name, not a link: the guid is kept exactly as the feed wrote it.
    """
    import feedparser
    from feedparser.api import LooseFeedParser, StrictFeedParser

    for parser in (StrictFeedParser, LooseFeedParser):
        relative = getattr(parser, "can_be_relative_uri", None)
        if isinstance(relative, set) and "id" in relative:
            parser.can_be_relative_uri = relative - {"id"}
    return feedparser


def _entry(entry: Any, *, atom: bool) -> Entry:
    content = ""
    for part in entry.get("content") or []:
        value = part.get("value", "")
        if len(value) > len(content):
            content = value
    detail = entry.get("author_detail") or {}  # RSS 2.0 writes "mail@example.com (Name)"
    tags = entry.get("tags") or []
    link = entry.get("link", "")
    links = entry.get("links") or []
    canonical = _canonical_link(links) or entry.get("feedburner_origlink", "")
    if link and link == entry.get("id") and not any(_rel(x) != "canonical" for x in links):
        # feedparser copied the guid into the link. RSS 2.0 says a permalink guid is the item's
        # URL, so an absolute web one stands in for a missing <link>; an Atom id is only a name.
        # (A canonical link is no <link>: it must not turn an id like "g1" into a link.)
        link = "" if atom or not link.lower().startswith(("http://", "https://")) else link
    return Entry(
        guid=entry.get("id", ""),
        link=link,
        title=entry.get("title", ""),
        title_is_html=_is_html(entry.get("title_detail")),
        published=_published(entry),
        author=detail.get("name") or entry.get("author", ""),
        summary=entry.get("summary", ""),
        content=content,
        # Atom's human-readable label is preferred to its term.
        categories=[t.get("label") or t.get("term") or "" for t in tags],
        canonical=canonical,
    )


def _rel(link: Any) -> str:
    return str(link.get("rel") or "alternate").strip().lower()


def _canonical_link(links: list[Any]) -> str:
    """The href of the first ``<link rel="canonical">`` that has one (Atom, or atom:link in RSS)."""
    for link in links:
        if _rel(link) == "canonical" and link.get("href"):
            return str(link["href"])
    return ""


def _published(entry: Any) -> datetime | None:
    """The first date that reads: published, else updated; our reader first, then feedparser's."""
    # dict.get, not entry.get: feedparser maps a missing "published" to "updated", with a warning
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)
        if not raw:
            continue
        when = parse_date(clean_text(raw))
        if when is None:
            # feedparser's reading as the fallback: already made on its own path; on the fast
            # path (which has none) asked for only now, when ours failed.
            parsed = dict.get(entry, f"{key}_parsed", _MISSING)
            when = _from_struct(_feedparser_date(raw) if parsed is _MISSING else parsed)
        if when is not None:
            return when
    return None


_MISSING = object()


def _feedparser_date(raw: str) -> Any:
    from feedparser.datetimes import _parse_date

    return _parse_date(raw)


def _from_struct(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _is_html(detail: Any) -> bool:
    return not detail or detail.get("type") != "text/plain"


def _title(channel: Any) -> str:
    title = channel.get("title", "")
    if _is_html(channel.get("title_detail")):
        return html_to_line(readable_html(title))
    return clean_text(title)


def _ttl(channel: Any) -> int | None:
    """RSS ``<ttl>`` minutes; junk (words, zero, negative, beyond a year) is ignored."""
    raw = clean_text(channel.get("ttl", ""))
    if not raw.isdigit() or len(raw) > 7:
        return None
    minutes = int(raw)
    return minutes if 0 < minutes <= _MAX_TTL else None


def _problem(exc: Any, where: tuple[int, int], kept: int | None = None) -> str:
    """feedparser's bozo exception in words, with what was kept despite it; positions from 1."""
    if exc is None:
        return ""
    if not isinstance(exc, xml.sax.SAXParseException):
        return clean_text(exc)
    line = exc.getLineNumber() or 1
    column = (exc.getColumnNumber() or 0) + 1 + (where[1] if line == 1 else 0)
    line += where[0]
    message = clean_text(exc.getMessage())
    if kept is None:
        return f"XML not well-formed at line {line} ({message})"
    items = {0: "no items", 1: "1 item"}.get(kept, f"{kept} items")
    if message == "no element found":
        return f"the feed is cut short (XML ends at line {line}); kept {items} from before the cut"
    return f"XML not well-formed at line {line}, column {column} ({message}); read leniently, kept {items}"


def _looks_like_html(text: str) -> bool:
    """An HTML page that does not start with <html>: after a stray <meta>, a <script>, text..."""
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head


def _html_error(text: str, url: str) -> str:
    from newstui.core.discover import not_a_feed_message

    return not_a_feed_message(text, url)
