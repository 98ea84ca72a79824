"""Is this URL a feed, and if it is a web page, which feeds does it have? For ``newstui add``.

:func:`inspect_url` fetches the address the way a refresh does (:mod:`newstui.core.fetch`: the
same client, timeouts and size cap) and parses the body with :func:`newstui.core.parse.parse_feed`.
A feed comes back as a :class:`FeedCheck` (title, item count). A web page comes back with its
:class:`Candidate` feeds: the ones it advertises (``<link rel="alternate">``, see
:mod:`newstui.core.discover`), or, when it advertises none, those of :data:`COMMON_PATHS` on the same
site that turn out to be feeds. :func:`check_url` then confirms the one chosen. Everything returned
is a plain dataclass, so the command line and a dialog in the reader can both use it; nothing here
prints or asks.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from newstui.core.fetch import Client, FetchResult, fetch, is_http, make_client
from newstui.core.config_values import url_key
from newstui.core.models import Config, Feed, Settings

__all__ = [
    "COMMON_PATHS",
    "Candidate",
    "FeedCheck",
    "Inspection",
    "address_of",
    "check_url",
    "existing_feed",
    "inspect_url",
    "name_from_url",
    "new_feed",
]

COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")
MAX_CANDIDATES = 20  # a page may advertise a feed per comment thread: the first ones are enough
PROBES_AT_ONCE = 2  # common paths are asked of one site: politely, two at a time
_ROOT = re.compile(r"<\s*(rss|feed|rdf:RDF)\b", re.IGNORECASE)
_HOST_LIKE = re.compile(r"^(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?(?:[/?#].*)?$")


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """A URL that was fetched and parsed as a feed.

    ``url`` is the one to put in feeds.toml: where permanent redirects (301/308) lead, else the URL
    asked for. ``kind`` is "RSS", "Atom" or "JSON Feed" ("" when unsure).
    """

    url: str
    title: str
    items: int
    kind: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feed found for a web page. ``source`` is "advertised" (a ``<link>`` in the page: not yet
    fetched, ``check`` is None) or "common path" (fetched and parsed: ``check`` is set)."""

    url: str
    kind: str
    title: str
    source: str
    check: FeedCheck | None = None


@dataclass(frozen=True, slots=True)
class Inspection:
    """What a URL turned out to be: a feed (``feed``), a page with feeds (``candidates``), or
    neither (``error``; ``network`` is True when it could not be fetched at all)."""

    url: str
    final_url: str = ""
    feed: FeedCheck | None = None
    candidates: tuple[Candidate, ...] = ()
    error: str = ""
    network: bool = False

    @property
    def is_page(self) -> bool:
        return self.feed is None and bool(self.candidates)


def inspect_url(url: str, settings: Settings | None = None) -> Inspection:
    """Fetch ``url`` and say whether it is a feed, a page with feeds, or neither."""
    return _run(lambda client: _inspect(client, url, settings or Settings()), settings)


def check_url(url: str, settings: Settings | None = None) -> tuple[FeedCheck | None, str, bool]:
    """Fetch and parse ``url`` as a feed: ``(check, "", False)``, or ``(None, error, network)``."""
    return _run(lambda client: _check(client, url, settings or Settings()), settings)


def existing_feed(config: Config, url: str) -> Feed | None:
    """The feed of ``config`` that reads ``url`` (compared as config.py compares), if any."""
    key = url_key(url)
    return next((f for f in config.feeds if url_key(f.url) == key), None)


def new_feed(config: Config, check: FeedCheck, *, name: str = "", topics: Iterable[str] = ()) -> Feed:
    """The ``[[feed]]`` to add for ``check``: named ``name``, else after the feed's title (or its
    host), made unique in ``config``; ``topics`` normalised, blanks and repeats dropped."""
    from newstui.core.config import normalise_topic
    from newstui.core.feeds_file import unique_name

    if not name:
        name = unique_name(check.title or name_from_url(check.url), (f.name for f in config.feeds))
    wanted = tuple(dict.fromkeys(t for t in map(normalise_topic, topics) if t))
    return Feed(name=name, url=check.url, topics=wanted)


def address_of(raw: str) -> tuple[str, str]:
    """What the user typed as a URL to fetch: ``(url, note)``, or ``("", error)``.

    http(s) and file URLs are kept; an existing file becomes its absolute path (feeds.toml reads
    relative paths from its own folder, not from where newstui was started); a bare host name such
    as ``example.com/blog`` gets ``https://`` (and a note saying so).
    """
    text = raw.strip()
    if not text:
        return "", "the URL is empty; give a feed's or a web site's address."
    if text.lower().startswith(("http://", "https://", "file://")):
        return text, ""
    local = Path(text).expanduser()
    if local.exists():
        if local.is_dir():
            return "", f"{text}: is a directory; give a feed's URL or a feed file."
        return str(local.resolve()), ""
    if "://" not in text and _HOST_LIKE.match(text):
        return f"https://{text}", f"no scheme given: using https://{text}"
    return "", (f"{text}: not a web address nor an existing file. Give the full URL, e.g. "
                "https://example.com/feed.xml.")


def name_from_url(url: str) -> str:
    """A feed name when the feed has no title: its host (``www.`` dropped), or the file's name."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if host:
        return host
    return url.rstrip("/").rsplit("/", 1)[-1] or url


def _run(job, settings: Settings | None):  # type: ignore[no-untyped-def]
    settings = settings or Settings()

    async def main():  # type: ignore[no-untyped-def]
        client = make_client(settings.timeout_seconds, PROBES_AT_ONCE)
        try:
            return await job(client)
        finally:
            await client.close()

    return asyncio.run(main())


async def _get(client: Client, url: str, settings: Settings) -> FetchResult:
    return await fetch(client, url, max_bytes=settings.max_feed_bytes, timeout=settings.timeout_seconds)


async def _inspect(client: Client, url: str, settings: Settings) -> Inspection:
    got = await _get(client, url, settings)
    if not got.ok or got.body is None:
        return Inspection(url, got.final_url, error=f"cannot fetch {url}: {got.error or 'no body'}",
                          network=True)
    check, error = _parse(url, got)
    if check is not None:
        return Inspection(url, got.final_url, feed=check)
    if not _is_page(got):
        return Inspection(url, got.final_url, error=f"{url}: {error}")
    from newstui.core.discover import advertised_feeds

    page_url = got.final_url or url
    advertised = [Candidate(u, kind, title, "advertised") for u, kind, title in
                  advertised_feeds(got.body, page_url)][:MAX_CANDIDATES]
    if advertised:
        return Inspection(url, page_url, candidates=tuple(advertised))
    found = await _probe(client, page_url, settings) if is_http(page_url) else []
    if found:
        return Inspection(url, page_url, candidates=tuple(found))
    tried = ", ".join(COMMON_PATHS)
    return Inspection(url, page_url, error=(
        f"no feed found: {url} is a web page that advertises no feed, and none of {tried} on its "
        "site is one. Look on the site for an RSS or Atom link and run `newstui add` with that "
        "address."))


async def _check(client: Client, url: str, settings: Settings) -> tuple[FeedCheck | None, str, bool]:
    got = await _get(client, url, settings)
    if not got.ok or got.body is None:
        return None, f"cannot fetch {url}: {got.error or 'no body'}", True
    check, error = _parse(url, got)
    if check is None:
        return None, f"{url}: {error}", False
    return check, "", False


async def _probe(client: Client, page_url: str, settings: Settings) -> list[Candidate]:
    """The common feed paths of the page's site that are feeds, in :data:`COMMON_PATHS` order."""
    parts = urlsplit(page_url)
    urls = [urlunsplit((parts.scheme, parts.netloc, path, "", "")) for path in COMMON_PATHS]
    gate = asyncio.Semaphore(PROBES_AT_ONCE)

    async def one(url: str) -> tuple[FeedCheck | None, str]:
        async with gate:
            got = await _get(client, url, settings)
        if not got.ok or got.body is None:
            return None, ""
        return _parse(url, got)[0], got.final_url

    results = await asyncio.gather(*(one(u) for u in urls))
    found: list[Candidate] = []
    seen: set[str] = set()
    for check, final_url in results:
        if check is None or check.url in seen or final_url in seen:
            continue  # /rss and /feed are often one feed, one redirecting to the other
        seen.update((check.url, final_url))
        found.append(Candidate(check.url, check.kind, check.title, "common path", check))
    return found


def _parse(url: str, got: FetchResult) -> tuple[FeedCheck | None, str]:
    from newstui.core.parse import parse_feed

    assert got.body is not None
    parsed = parse_feed(got.body, Feed(name="new feed", url=url), url=got.final_url or url,
                        content_type=got.content_type)
    if parsed.error:
        return None, parsed.error
    return FeedCheck(got.moved_to or url, parsed.title, len(parsed.articles), _kind(got.body),
                     parsed.warnings), ""


def _kind(body: bytes) -> str:
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return "JSON Feed"
    found = _ROOT.search(head.decode("latin-1"))
    if not found:
        return ""
    return "Atom" if found.group(1).lower() == "feed" else "RSS"


def _is_page(got: FetchResult) -> bool:
    media = got.content_type.split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml"):
        return True
    head = (got.body or b"")[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head
