"""Feed bytes → :class:`Article` objects, with every untrusted string cleaned on the way in."""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from newstui.core.models import Article, Feed
from newstui.core.text import clean_text, html_to_line, strip_controls

# Caps keep one hostile or broken feed from flooding the store.
MAX_ENTRIES = 2_000
MAX_TITLE = 1_000
MAX_HTML = 500_000


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed body held. ``error`` is set when it was not a usable feed at all."""

    title: str
    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()
    error: str = ""
    ttl_minutes: int | None = None
    site_link: str = ""


def article_id(feed_name: str, key: str) -> str:
    """A short, stable id: the same item of the same feed always gets the same id."""
    return hashlib.sha1(f"{feed_name}\n{key}".encode()).hexdigest()[:16]


def parse_feed(
    body: bytes,
    feed: Feed,
    *,
    url: str = "",
    content_type: str = "",
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse RSS/Atom bytes with feedparser into articles of ``feed``.

    Relative links resolve against the final URL; dates become UTC and are clamped to ``now`` when
    they lie in the future; HTML titles become plain text.
    """
    import feedparser  # imported lazily: it costs ~100 ms at startup

    now = now or datetime.now(UTC)
    # No content-location: feedparser would resolve guids against it, and a feed that moves
    # (a 301) would then give every article a new id. Links are resolved below instead; bodies'
    # relative links are resolved at render time against the article's link.
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True)
    entries = parsed.get("entries") or []
    problem = parsed.get("bozo_exception")
    problem_text = clean_text(problem) if parsed.get("bozo") and problem else ""
    if not entries and not parsed.get("version"):
        if _looks_like_html(body):
            return ParsedFeed("", (), error="not a feed: the URL returned an HTML page")
        if not body.strip():
            return ParsedFeed("", (), error="empty response: no feed data")
        return ParsedFeed("", (), error=f"malformed feed: {problem_text or 'unrecognised format'}")
    # Relative links resolve against the URL the feed came from; a local file has no useful base,
    # so the feed's own <link> stands in for it.
    base = url if url.lower().startswith(("http://", "https://")) else ""
    base = base or clean_text(parsed.get("feed", {}).get("link", ""))
    articles: dict[str, Article] = {}
    for entry in entries[:MAX_ENTRIES]:
        article = _article(entry, feed, base, now)
        articles.setdefault(article.id, article)  # duplicate guids: the first one wins
    title = html_to_line(parsed.get("feed", {}).get("title", ""))
    return ParsedFeed(title, tuple(articles.values()), warnings=(problem_text,) if problem_text else ())


def _article(entry: Any, feed: Feed, base: str, now: datetime) -> Article:
    link = _absolute(clean_text(entry.get("link", "")), base)
    title = html_to_line(entry.get("title", ""))[:MAX_TITLE]
    published = _date(entry.get("published_parsed") or entry.get("updated_parsed"))
    if published is None or published > now:
        published = now  # missing, or in the future: a feed can't publish from tomorrow
    guid = clean_text(entry.get("id", ""))
    key = guid or link or f"{title}\n{published.isoformat()}"
    summary = strip_controls(entry.get("summary", ""))[:MAX_HTML]
    content = ""
    for part in entry.get("content") or []:
        value = part.get("value", "")
        if len(value) > len(content):
            content = value
    content = strip_controls(content)[:MAX_HTML]
    if content and _same_text(content, summary):
        content = ""
    if not title:
        title = _title_from(summary or content) or "(untitled)"
    return Article(
        id=article_id(feed.name, key),
        feed=feed.name,
        title=title,
        link=link,
        author=_author(entry),
        published=published,
        summary=summary,
        content=content,
        categories=_categories(entry),
        topics=(),
        fetched=now,
    )


def _categories(entry: Any) -> tuple[str, ...]:
    """Category names, de-duplicated; Atom's human ``label`` is preferred to its ``term``."""
    names = (clean_text(t.get("label") or t.get("term") or "") for t in entry.get("tags") or [])
    return tuple(dict.fromkeys(n for n in names if n))


def _author(entry: Any) -> str:
    """The author's name: RSS 2.0 writes ``mail@example.com (Name)``, feedparser splits it."""
    detail = entry.get("author_detail") or {}
    return clean_text(detail.get("name") or entry.get("author", ""))


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _absolute(link: str, base: str) -> str:
    if not link or not base or "://" in link[:12]:
        return link
    return urljoin(base, link)


_WS = re.compile(r"\s+")


def _same_text(a: str, b: str) -> bool:
    return _WS.sub(" ", a).strip() == _WS.sub(" ", b).strip()


def _title_from(html_text: str) -> str:
    text = html_to_line(html_text)
    if len(text) <= 80:
        return text
    return text[:79].rsplit(" ", 1)[0] + "…"


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
