"""Feed entries, whatever format they came in, → :class:`Article` objects.

The RSS/Atom path (:mod:`newstui.core.parse`) and the JSON Feed path (:mod:`newstui.core.jsonfeed`)
both describe each item as an :class:`Entry` of raw, untrusted strings; :class:`ArticleCollector`
cleans every string once, resolves links, clamps dates, derives missing titles, drops duplicates,
caps the count, and says in words what it had to fix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from newstui.core.models import Article, Feed
from newstui.core.text import clean_text, html_to_line, strip_controls

# Caps keep one hostile or broken feed from flooding the store.
MAX_ENTRIES = 2_000
MAX_TITLE = 1_000
MAX_HTML = 500_000


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed body held. ``error`` is set when it was not a usable feed at all.

    ``warnings`` say in words what was wrong with a feed that could still be read; ``ttl_minutes``
    is the feed's own ``<ttl>`` (``None`` when absent or junk); ``site_link`` is the web site the
    feed belongs to (its channel ``<link>``, Atom alternate link or JSON Feed ``home_page_url``).
    """

    title: str
    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()
    error: str = ""
    ttl_minutes: int | None = None
    site_link: str = ""


def article_id(feed_name: str, key: str) -> str:
    """A short, stable id: the same item of the same feed always gets the same id."""
    return hashlib.sha1(f"{feed_name}\n{key}".encode()).hexdigest()[:16]


@dataclass(slots=True)
class Entry:
    """One item as a format parser found it: raw strings from a stranger, nothing cleaned yet.

    ``summary`` and ``content`` are HTML; ``title`` is HTML unless ``title_is_html`` is false (an
    Atom ``type="text"`` title, whose ``<`` is a literal character). ``canonical`` is the feed's
    own canonical link for the item (``<link rel="canonical">``, ``feedburner:origLink``), if any.
    """

    guid: str = ""
    link: str = ""
    title: str = ""
    title_is_html: bool = True
    published: datetime | None = None
    author: str = ""
    summary: str = ""
    content: str = ""
    categories: Iterable[str] = ()
    canonical: str = ""


class ArticleCollector:
    """Turns entries into articles of one feed; the first of two entries with one id wins."""

    def __init__(self, feed: Feed, *, base: str, now: datetime) -> None:
        self.feed = feed
        self.base = base
        self.now = now
        self.articles: dict[str, Article] = {}
        self.untitled = 0
        self.duplicates = 0
        self.cut_titles = 0  # titles longer than MAX_TITLE characters, cut there
        self.cut_bodies = 0  # summaries or contents longer than MAX_HTML characters, cut there

    def add(self, entry: Entry) -> None:
        link = absolute_url(entry.link, self.base)
        if entry.title_is_html:
            title = html_to_line(readable_html(entry.title))
        else:
            title = clean_text(entry.title)
        if len(title) > MAX_TITLE:
            self.cut_titles += 1
            title = title[:MAX_TITLE]
        published = entry.published
        if published is None or published > self.now:
            published = self.now  # missing, or in the future: a feed can't publish from tomorrow
        guid = clean_text(entry.guid)
        summary = readable_html(strip_controls(entry.summary))
        content = readable_html(strip_controls(entry.content))
        if len(summary) > MAX_HTML or len(content) > MAX_HTML:
            self.cut_bodies += 1
            summary, content = summary[:MAX_HTML], content[:MAX_HTML]
        if content and _same_text(content, summary):
            content = ""
        derived = "" if title else _title_from(summary or content)
        # The id: guid, else link, else title and date. An untitled item is keyed by its derived
        # title (else description-only items, as RSS 0.92 allows, would all collapse into one), and
        # by the date the feed gave, not "now" (else it would be new on every refresh).
        when = entry.published.isoformat() if entry.published else ""
        key = guid or link or f"{title or derived}\n{when}"
        if not title:
            self.untitled += 1
            title = derived or "(untitled)"
        article = Article(
            id=article_id(self.feed.name, key),
            feed=self.feed.name,
            title=title,
            link=web_link(link),
            guid=guid,
            author=clean_text(entry.author),
            published=published,
            summary=summary,
            content=content,
            categories=tuple(dict.fromkeys(c for c in map(clean_text, entry.categories) if c)),
            topics=(),
            fetched=self.now,
            # Resolved like the link, and kept even when equal to it: the feed vouched for it.
            canonical=web_link(absolute_url(entry.canonical, self.base)) if entry.canonical else "",
        )
        if article.id in self.articles:
            self.duplicates += 1
        else:
            self.articles[article.id] = article

    def warnings(self, total: int) -> list[str]:
        """What had to be fixed, in words; ``total`` is how many entries the feed held."""
        notes = []
        if total > MAX_ENTRIES:
            notes.append(f"items capped at {MAX_ENTRIES} (the feed has {total})")
        if self.untitled:
            notes.append(f"{_items(self.untitled)} had no title")
        if self.duplicates:
            notes.append(f"{_items(self.duplicates)} repeated an earlier guid or link; dropped")
        if self.cut_titles:
            notes.append(f"{_items(self.cut_titles)}: title cut at {MAX_TITLE:,} characters")
        if self.cut_bodies:
            notes.append(f"{_items(self.cut_bodies)}: text cut at {MAX_HTML:,} characters")
        return notes


def absolute_url(raw: str, base: str) -> str:
    """A cleaned URL, resolved against ``base`` when relative (``//host/x`` becomes https)."""
    url = clean_text(raw)
    if not url or "://" in url[:12]:
        return url
    if base:
        try:
            return urljoin(base, url)
        except ValueError:  # a malformed IPv6 host
            return url
    return "https:" + url if url.startswith("//") else url


def web_link(url: str) -> str:
    """``url`` if a browser may open it: http(s) or relative; never ``javascript:``, ``file:``..."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # a malformed IPv6 host
        return ""
    return url if scheme in ("", "http", "https") else ""


def _items(count: int) -> str:
    return "1 item" if count == 1 else f"{count} items"


# Elements whose content is not for reading; render.py skips them, and dropping them here keeps
# their text out of derived titles, topic keywords and related-article terms too.
_UNREADABLE = re.compile(
    r"<(script|style|noscript|template|iframe|object|svg|math)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)


def readable_html(html: str) -> str:
    """``html`` without scripts, styles and the like (feed HTML is never rendered as HTML)."""
    if "<" not in html:
        return html
    return _UNREADABLE.sub(" ", html)


_WS = re.compile(r"\s+")


def _same_text(a: str, b: str) -> bool:
    return _WS.sub(" ", a).strip() == _WS.sub(" ", b).strip()


def _title_from(html_text: str) -> str:
    text = html_to_line(html_text)
    if len(text) <= 80:
        return text
    return text[:79].rsplit(" ", 1)[0] + "…"
