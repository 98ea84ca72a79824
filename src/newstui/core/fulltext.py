"""The whole article: when to fetch an article's page, fetching it, and explaining failures.

Per feed, ``full_text`` in feeds.toml (or ``[settings]``) says when:

- ``"never"``: the feed's own text only;
- ``"always"``: the page is fetched for every article (prefetched after a refresh, see
  :func:`prefetch_full_text`);
- ``"auto"`` (default): the page is fetched when the feed's text is a teaser, by this rule
  (:func:`teaser_reason`): the feed gives no text, or fewer than :data:`TEASER_WORDS` words, or its
  text ends the way teasers end ("…", "[...]", "Read more", "Continue reading", and the same in a
  few other languages).

The page is fetched with the feed's politeness settings (timeout, size cap, per-host limit),
its main text extracted (:mod:`newstui.core.extract`, trafilatura plus our cleaning) off the event
loop, and the result, or why there is none, returned as a :class:`~newstui.core.models.FullText`.
"""

from __future__ import annotations

import asyncio
import re
from html import unescape
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from typing import TYPE_CHECKING

from newstui.core.models import Article, Config, Feed, FullText, Settings
from newstui.core.render import html_to_text

if TYPE_CHECKING:  # fetch (urllib3) is imported when a page is fetched, not before first paint
    from newstui.core.fetch import Client, FetchResult

TEASER_WORDS = 150
MAX_PAGE_BYTES = 5_000_000
PREFETCH_PER_FEED = 25  # pages fetched per feed after one refresh (the newest articles first)

_TEASER_END = re.compile(
    r"(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|read more|continue reading|"
    r"read the (?:full|whole|rest of the) (?:story|article)|more\s*[»›>]|weiterlesen|mehr lesen|"
    r"lire la suite|leer más|seguir leyendo|continua a leggere|leia mais)[\s.:»›>\]\)]*$",
    re.IGNORECASE,
)
_PAGE_TYPES = ("text/html", "application/xhtml", "text/plain", "text/xml", "application/xml")


def mode_for(feed: Feed | None, settings: Settings) -> str:
    """The feed's ``full_text`` mode, else the settings' one."""
    return (feed.full_text if feed is not None and feed.full_text else None) or settings.full_text


def teaser_reason(article: Article) -> str:
    """Why the feed's text is only a teaser, in words ("" when it looks whole)."""
    text = html_to_text(article.body_html)
    words = len(text.split())
    if not words:
        return "the feed gives no text"
    if words < TEASER_WORDS:
        return f"the feed gives {words} word{'s' if words != 1 else ''}"
    if _TEASER_END.search(text):
        return f"the feed's text ends in “{_TEASER_END.search(text).group(0).strip()}”"  # type: ignore[union-attr]
    return ""


def can_fetch(article: Article) -> bool:
    return article.link.lower().startswith(("http://", "https://"))


def wants_full_text(article: Article, mode: str) -> bool:
    """Fetch the page now, by itself? Not when it was fetched before (or failed for good)."""
    if mode == "never" or not can_fetch(article) or article.full_text is not None:
        return False
    return mode == "always" or bool(teaser_reason(article))


async def fetch_full_text(
    client: Client | None,
    url: str,
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None = None,
) -> FullText:
    """Fetch ``url`` and extract its main text. Never raises for what a server can do."""
    from newstui.core.fetch import PAGE_ACCEPT, fetch

    now = (clock or (lambda: datetime.now(UTC)))()
    got = await fetch(client, url, max_bytes=min(settings.max_feed_bytes, MAX_PAGE_BYTES),
                      timeout=settings.timeout_seconds, accept=PAGE_ACCEPT)
    if got.error or got.body is None:
        error, lasting = explain_fetch(got, settings)
        return FullText(url, now, error=error, lasting=lasting)
    kind = got.content_type.split(";", 1)[0].strip().lower()
    if kind and not kind.startswith(_PAGE_TYPES):
        return FullText(url, now, error=f"the link leads to a {kind} file, not a web page")
    return await asyncio.to_thread(full_text_of_page, got.body, got.final_url or url, now)


def full_text_of_page(page: bytes | str, url: str, now: datetime) -> FullText:
    """Extract the main text of a page already fetched."""
    from newstui.core.extract import extract  # trafilatura costs ~0.4 s to import: on first use

    try:
        found = extract(page, url)
    except Exception as exc:  # noqa: BLE001 - an extractor bug must not lose the feed's text
        return FullText(url, now, error=f"the page could not be read ({type(exc).__name__})")
    if not found.is_article or found.reason:
        return FullText(url, now, error=found.reason or "the page is not an article")
    return FullText(
        url, now, html=without_title(found.html, found.title), title=found.title, byline=found.byline,
        date=found.date,
        site=found.site, words=found.words, see_also=found.see_also,
    )


_LEADING_HEADING = re.compile(r"^\s*<h[1-3][^>]*>(.*?)</h[1-3]>", re.IGNORECASE | re.DOTALL)


def without_title(html: str, *titles: str) -> str:
    """The page's text without its first heading when that heading is the title (the header shows
    it): equal to one of ``titles``, or their start before a separator ("Title | Site")."""
    match = _LEADING_HEADING.match(html)
    if not match:
        return html
    heading = _folded(re.sub(r"<[^>]*>", " ", match.group(1)))
    for title in map(_folded, titles):
        if heading and (title == heading or (title.startswith(heading) and title[len(heading):][:2].strip()[:1] in _SEPARATORS)):
            return html[match.end():]
    return html


_SEPARATORS = set("|-–—:·•»/")


def _folded(text: str) -> str:
    return " ".join(unescape(text).split()).casefold()


def explain_fetch(got: FetchResult, settings: Settings) -> tuple[str, bool]:
    """(why the page is not here, in words; whether that will last), from a failed fetch."""
    status = got.status
    if status in (401, 402, 403):
        return (f"the site refused to send the page (HTTP {status}): a paywall, or it turns "
                "away readers like this one"), True
    if status in (404, 410):
        return f"the page is gone (HTTP {status})", True
    if status == 429:
        return "the site asks us to slow down (HTTP 429): press f later", False
    if status is not None and status >= 500:
        return f"the site had an error (HTTP {status}): press f to try again", False
    if got.error.startswith("timed out") or got.error == "stopped":
        return (f"the page did not arrive within {settings.timeout_seconds:g} s (timeout): "
                "press f to try again"), False
    if "larger than" in got.error:
        cap = min(settings.max_feed_bytes, MAX_PAGE_BYTES)
        return f"the page is larger than {cap:,} bytes: not fetched", True
    return f"the page could not be fetched: {got.error}", False


async def prefetch_full_text(
    config: Config,
    store: object,
    articles: Iterable[Article],
    client: Client | None,
    *,
    on_done: Callable[[str, FullText], None] | None = None,
) -> int:
    """Fetch and store the pages of ``articles`` from ``always`` feeds (at most
    :data:`PREFETCH_PER_FEED` per feed, newest first), within the refresh's limits: the global
    ``concurrency`` and ``host_concurrency`` per host. Returns how many were stored."""
    settings = config.settings
    by_feed: dict[str, list[Article]] = {}
    for article in articles:
        if mode_for(config.feed(article.feed), settings) == "always" and wants_full_text(article, "always"):
            by_feed.setdefault(article.feed, []).append(article)
    chosen = [a for batch in by_feed.values()
              for a in sorted(batch, key=lambda a: a.published or datetime.min.replace(tzinfo=UTC),
                              reverse=True)[:PREFETCH_PER_FEED]]
    if not chosen:
        return 0
    everyone = asyncio.Semaphore(max(settings.concurrency, 1))
    hosts: dict[str, asyncio.Semaphore] = {}
    stored = 0

    async def one(article: Article) -> None:
        nonlocal stored
        host = urlsplit(article.link).hostname or ""
        polite = hosts.setdefault(host, asyncio.Semaphore(max(settings.host_concurrency, 1)))
        async with polite, everyone:
            full = await fetch_full_text(client, article.link, settings)
        if full.ok or full.lasting:
            if await asyncio.to_thread(store.save_full_text, article.id, full):  # type: ignore[attr-defined]
                stored += 1
        if on_done is not None:
            on_done(article.id, full)

    await asyncio.gather(*(one(a) for a in chosen))
    return stored
