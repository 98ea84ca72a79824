"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) → articles; feedparser cannot read it.

Mapping: ``id`` → guid; ``url``, else ``external_url`` → link; ``title``, else one derived from the
body; ``content_html``, else ``content_text`` → content; ``summary`` → summary; ``date_published``,
else ``date_modified``; ``authors`` (1.1) or ``author`` (1.0), of the item, else of the feed;
``tags`` → categories. Relative URLs resolve against ``feed_url``, else ``home_page_url``, else the
URL the feed was fetched from. Values of the wrong JSON type are ignored, not fatal.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any

from newstui.core.entries import MAX_ENTRIES, ArticleCollector, Entry, ParsedFeed, absolute_url
from newstui.core.models import Feed
from newstui.core.pubdate import parse_date
from newstui.core.text import clean_text


def parse_json_feed(text: str, feed: Feed, *, url: str, now: datetime) -> ParsedFeed:
    """Parse the text of a JSON Feed; an error in words when it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = exc.msg[:1].lower() + exc.msg[1:]
        return ParsedFeed(
            "", (), error=f"malformed JSON Feed: {reason} at line {exc.lineno}, column {exc.colno}"
        )
    except RecursionError:
        return ParsedFeed("", (), error="malformed JSON Feed: nested too deeply")
    if not isinstance(data, dict):
        return ParsedFeed(
            "", (), error=f"not a feed: the URL returned a JSON {_json_type(data)}, not a JSON Feed"
        )
    items = data.get("items")
    if not isinstance(items, list):
        return ParsedFeed(
            "",
            (),
            error='not a feed: the URL returned JSON without the "items" list of a JSON Feed',
        )
    warnings = []
    version = _text(data.get("version"))
    if not version.startswith(
        ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/", "1")
    ):
        warnings.append("no JSON Feed version given; read as JSON Feed 1.1")
    web_url = url if _is_web(url) else ""
    feed_url = absolute_url(_text(data.get("feed_url")), web_url)
    site_link = absolute_url(_text(data.get("home_page_url")), feed_url or web_url)
    base = next((u for u in (feed_url, site_link, web_url) if _is_web(u)), "")
    feed_author = _author(data)
    collector = ArticleCollector(feed, base=base, now=now)
    not_objects = 0
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            not_objects += 1
            continue
        collector.add(_entry(item, feed_author))
    warnings += collector.warnings(total=len(items))
    if not_objects == 1:
        warnings.append("1 item was not a JSON object; skipped")
    elif not_objects:
        warnings.append(f"{not_objects} items were not JSON objects; skipped")
    return ParsedFeed(
        clean_text(_text(data.get("title"))),
        tuple(collector.articles.values()),
        warnings=tuple(warnings),
        site_link=site_link,
    )


def _entry(item: dict[str, Any], feed_author: str) -> Entry:
    content = _text(item.get("content_html")) or _as_html(_text(item.get("content_text")))
    tags = item.get("tags")
    return Entry(
        guid=_text(item.get("id")),
        link=_text(item.get("url")) or _text(item.get("external_url")),
        # Plain text by the spec; entities are decoded all the same (some generators write them).
        title=html.unescape(_text(item.get("title"))),
        title_is_html=False,
        published=parse_date(_text(item.get("date_published")))
        or parse_date(_text(item.get("date_modified"))),
        author=_author(item) or feed_author,
        summary=_as_html(_text(item.get("summary"))),
        content=content,
        categories=[_text(t) for t in tags] if isinstance(tags, list) else (),
    )


def _author(obj: dict[str, Any]) -> str:
    """Names of ``authors`` (1.1), else ``author`` (1.0), joined."""
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = (_text(a.get("name")) for a in authors if isinstance(a, dict))
    return ", ".join(dict.fromkeys(clean_text(n) for n in names if clean_text(n)))


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _text(value: Any) -> str:
    """A string value; numbers become text (ids are often numbers), anything else is ignored."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _as_html(text: str) -> str:
    """Plain text as HTML that renders as the same text (render splits paragraphs on blank lines)."""
    return html.escape(text, quote=False)


def _json_type(value: Any) -> str:
    names = {list: "list", str: "string", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), "null")
