"""fetch → parse → store, for many feeds at once, reporting each feed as it finishes.

* **Fast.** Downloads run concurrently under a global limit (``settings.concurrency``) and a
  per-host limit (``settings.host_concurrency``). A 304, or a 200 whose body hashes the same as last
  time, is not parsed at all. Well-formed feeds parse on lxml in a few ms; when many need the slow
  feedparser, parsing moves to a process pool on the other cores. Store writes are batched: at
  most one every :data:`MIN_WRITE_INTERVAL`, with whatever finished meanwhile.
* **Polite.** ETag/Last-Modified are sent back exactly as received; a 429/503 Retry-After is
  honoured (the feed is not asked again before then, except by an explicit retry); a feed that keeps
  failing is asked less and less often (exponential backoff); a permanent redirect (301/308) makes
  the new URL the one fetched from then on; ``<ttl>``, ``Cache-Control: max-age`` and
  ``refresh_minutes`` decide when a feed is due.

One failing feed never stops the others: every outcome becomes a :class:`FeedStatus`, saved in the
store and handed to ``on_result`` once it is stored (so a reader can show the new headlines at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit


from newstui.core.fetch import Client, FetchResult, fetch, is_http, make_client
from newstui.core.models import Article, Config, Feed, FeedStatus, Settings
from newstui.core.parse import ParsedFeed, parse_feed
from newstui.core.store import FeedUpdate, Store, StoreCorrupt, StoreError
from newstui.core.store_records import article_digest
from newstui.core.text import clean_text

if TYPE_CHECKING:
    from newstui.core.topics import TopicClassifier

Mode = Literal["manual", "due", "force"]

# Part of the body hash: a newer parser re-parses bodies an older one already saw.
PARSER_VERSION = "3"
# A server's <ttl> or max-age can stretch a feed's interval, but not beyond a day.
MAX_SERVER_HINT = timedelta(hours=24)
# Backoff: the interval doubles with each failure in a row, up to a day.
MAX_BACKOFF = timedelta(hours=24)
# Parsing moves from a thread to a process pool after this many bodies, or this much CPU, in one
# refresh (see _Parser).
POOL_AFTER_BODIES = 16
POOL_AFTER_SECONDS = 1.0
# Store writes during a refresh are at most this often: results that arrive meanwhile are batched
# (a cold refresh of 100 feeds is a handful of writes, not 100 rewrites of a growing file).
MIN_WRITE_INTERVAL = 0.5


@dataclass(frozen=True, slots=True)
class FeedResult:
    feed: Feed
    status: FeedStatus
    new_ids: tuple[str, ...] = ()
    elapsed: float = 0.0
    skipped: str = ""  # why the feed was not fetched this time (the status is the previous one)
    # The new articles themselves, for feeds whose pages are prefetched (full_text = "always"):
    # see newstui.core.fulltext.prefetch_full_text.
    fresh: tuple[Article, ...] = ()


# -- when is a feed due -----------------------------------------------------------------------


def interval(feed: Feed, settings: Settings) -> timedelta | None:
    """How often the user wants ``feed`` refreshed automatically; None = only on request."""
    minutes = feed.refresh_minutes if feed.refresh_minutes is not None else settings.refresh_minutes
    return timedelta(minutes=minutes) if minutes > 0 else None


def next_due(feed: Feed, settings: Settings, status: FeedStatus) -> datetime | None:
    """When the automatic refresh should fetch ``feed`` again, after ``status``.

    The user's interval, stretched by the server's hints (``<ttl>``, ``max-age``, at most a day),
    doubled for each failure in a row after the first (at most a day), and never before a
    Retry-After.
    """
    every = interval(feed, settings)
    if every is None:
        return None
    hints = [timedelta(minutes=status.ttl_minutes or 0), timedelta(seconds=status.max_age_seconds or 0)]
    every = max(every, min(max(hints), MAX_SERVER_HINT))
    if status.failures > 1:
        every = max(every, min(every * 2 ** (status.failures - 1), MAX_BACKOFF))
    due = status.checked_at + every
    if status.retry_at is not None:
        due = max(due, status.retry_at)
    return due


def _current(feed: Feed, status: FeedStatus | None) -> FeedStatus | None:
    """The stored status if it belongs to the feed's current URL (a changed URL starts afresh)."""
    return status if status is not None and status.url == feed.url else None


def is_due(feed: Feed, status: FeedStatus | None, now: datetime) -> bool:
    status = _current(feed, status)
    if status is None:
        return True
    return status.next_due is not None and status.next_due <= now


def waiting(feed: Feed, status: FeedStatus | None, now: datetime) -> str:
    """Why a manual refresh must leave ``feed`` alone now ("" if it need not)."""
    status = _current(feed, status)
    if status is None or status.retry_at is None or status.retry_at <= now:
        return ""
    return f"the server asked us to wait until {status.retry_at:%H:%M} UTC (Retry-After)"


# -- the refresh ------------------------------------------------------------------------------


def retention(feed: Feed, settings: Settings) -> dict[str, int | None]:
    """The feed's retention for :class:`FeedUpdate`: its own, else the settings'."""
    keep = feed.max_articles if feed.max_articles is not None else settings.max_articles_per_feed
    days = feed.max_age_days if feed.max_age_days is not None else settings.max_age_days
    return {"keep": keep, "max_age_days": days or None}


async def refresh_feeds(
    config: Config,
    store: Store,
    *,
    feeds: Sequence[Feed] | None = None,
    mode: Mode = "manual",
    on_result: Callable[[FeedResult], None] | None = None,
    client: Client | None = None,
    clock: Callable[[], datetime] | None = None,
    parse_pool: bool | None = None,
) -> list[FeedResult]:
    """Refresh ``feeds`` (default: every enabled feed); results in the order given.

    ``mode``: "manual" fetches every feed except those under a server's Retry-After (reported as
    skipped); "due" fetches only the feeds whose time has come (the others are left out of the
    results); "force" fetches every feed. ``parse_pool`` forces the process pool on or off
    (default: only once parsing in a thread proves heavy, see :class:`_Parser`).
    """
    settings = config.settings
    clock = clock or (lambda: datetime.now(UTC))
    now = clock()
    chosen = [f for f in (feeds if feeds is not None else config.feeds) if f.enabled]
    previous = store.feed_statuses()
    results: dict[str, FeedResult] = {}
    todo: list[Feed] = []
    for feed in chosen:
        before = previous.get(feed.name)
        if mode == "due" and not is_due(feed, before, now):
            continue
        reason = waiting(feed, before, now) if mode == "manual" else ""
        if reason:
            assert before is not None
            results[feed.name] = FeedResult(feed, before, skipped=reason)
            if on_result is not None:
                on_result(results[feed.name])
            continue
        todo.append(feed)
    if not todo:
        return [results[f.name] for f in chosen if f.name in results]

    if parse_pool is None and os.environ.get("NEWSTUI_PARSE_POOL") in ("0", "1"):
        parse_pool = os.environ["NEWSTUI_PARSE_POOL"] == "1"  # for benchmarks: force it off or on
    parser = _Parser(pooled=parse_pool, classifier=store.classifier)
    writer = _Writer(store, expected=len(todo))
    everyone = asyncio.Semaphore(max(settings.concurrency, 1))
    hosts: dict[str, asyncio.Semaphore] = {}
    # Only made when a feed needs it (a refresh of local files opens no connection pools).
    own_client = client is None and any(is_http(f.url) for f in todo)
    if own_client:
        client = make_client(settings.timeout_seconds, settings.concurrency)

    async def one(feed: Feed) -> None:
        before = _current(feed, previous.get(feed.name))
        url = before.moved_to if before is not None and before.moved_to else feed.url
        polite: AbstractAsyncContextManager[object] = contextlib.nullcontext()
        if is_http(url):  # local files need no politeness
            host = urlsplit(url).hostname or ""
            polite = hosts.setdefault(host, asyncio.Semaphore(max(settings.host_concurrency, 1)))
        async with polite, everyone:
            got = await fetch(
                client,
                url,
                etag=before.etag if before else None,
                last_modified=before.last_modified if before else None,
                max_bytes=settings.max_feed_bytes,
                timeout=settings.timeout_seconds,
            )
        last_success = previous[feed.name].last_success if feed.name in previous else None
        result = await _settle(feed, settings, before, last_success, got, clock(), parser, writer)
        results[feed.name] = result
        if on_result is not None:
            on_result(result)

    try:
        await asyncio.gather(*(one(f) for f in todo))
    finally:
        parser.close()
        if own_client and client is not None:
            await client.close()
    return [results[f.name] for f in chosen if f.name in results]


async def _settle(
    feed: Feed,
    settings: Settings,
    before: FeedStatus | None,
    last_success: datetime | None,
    got: FetchResult,
    now: datetime,
    parser: _Parser,
    writer: _Writer,
) -> FeedResult:
    """Turn one fetch into a stored status (and articles).

    ``before`` is the feed's previous status if it was for the same URL (validators, failures and
    redirects belong to a URL); ``last_success`` is kept across URL changes.
    """
    moved_to = got.moved_to or (got.url if got.url != feed.url else "")
    final = got.final_url
    status = FeedStatus(
        feed=feed.name,
        url=feed.url,
        ok=False,
        checked_at=now,
        http_status=got.status,
        last_success=last_success,
        etag=before.etag if before else None,
        last_modified=before.last_modified if before else None,
        fetch_url=got.url,
        moved_to=moved_to,
        redirected_to=final if final not in (got.url, moved_to) else "",
        fetch_seconds=got.elapsed,
        max_age_seconds=got.max_age,
        ttl_minutes=before.ttl_minutes if before else None,
        body_hash=before.body_hash if before else "",
        title=before.title if before else "",
        entries=before.entries if before else 0,
        warnings=before.warnings if before else (),
    )
    articles: tuple = ()
    digests: dict[str, tuple[str, str]] | None = None
    if not got.ok:
        retry_at = now + timedelta(seconds=got.retry_after) if got.retry_after is not None else None
        status = replace(status, error=got.error, retry_at=retry_at)
    elif got.not_modified:
        # A 304 may carry fresh validators; if not, the ones we sent stay valid.
        status = replace(
            status, ok=True, not_modified=True, last_success=now,
            etag=got.etag or status.etag, last_modified=got.last_modified or status.last_modified,
        )
    else:
        assert got.body is not None
        digest = body_hash(got.body)
        validators = {"etag": got.etag, "last_modified": got.last_modified, "body_hash": digest}
        if before is not None and before.ok and digest == before.body_hash:
            # Same bytes as last time (a server without validators): nothing can have changed.
            status = replace(status, ok=True, unchanged=True, last_success=now, **validators)
        else:
            started = time.perf_counter()
            try:
                parsed, digests = await parser.parse(
                    got.body, feed, got.final_url, got.content_type, now
                )
            except Exception as exc:  # noqa: BLE001 - a parser bug on one feed must not stop the rest
                error = ("could not read the feed (a newstui bug; please report it): "
                         f"{type(exc).__name__}: {exc}")
                parsed, digests = ParsedFeed("", (), error=clean_text(error)[:500]), {}
            took = time.perf_counter() - started
            if parsed.error:
                status = replace(status, error=parsed.error, parse_seconds=took, body_hash="")
            else:
                articles = parsed.articles
                status = replace(
                    status, ok=True, last_success=now, parse_seconds=took, title=parsed.title,
                    entries=len(parsed.articles), warnings=parsed.warnings,
                    ttl_minutes=parsed.ttl_minutes, **validators,
                )
    failures = 0 if status.ok else (before.failures if before else 0) + 1
    status = replace(status, failures=failures)
    status = replace(status, next_due=next_due(feed, settings, status))
    update = FeedUpdate(status, articles, digests=digests, **retention(feed, settings))
    try:
        saved = await writer.write(update)
    except StoreError as exc:
        return FeedResult(feed, replace(status, ok=False, error=str(exc)), (), got.elapsed)
    fresh: tuple[Article, ...] = ()
    if update.new_ids and (feed.full_text or settings.full_text) == "always":  # fulltext.mode_for
        new = set(update.new_ids)
        fresh = tuple(a for a in articles if a.id in new)
    return FeedResult(feed, saved, update.new_ids, got.elapsed, fresh=fresh)


def body_hash(body: bytes) -> str:
    return hashlib.blake2b(PARSER_VERSION.encode() + body, digest_size=16).hexdigest()


# -- parsing off the event loop ---------------------------------------------------------------


class _Parser:
    """Parses in one worker thread; moves to a process pool once parsing proves heavy.

    Most feeds take the lxml fast path (~10 ms for 50 items), where a pool only adds start-up cost
    (~150 ms a worker, and memory) for a handful of changed feeds. A big refresh (a cold start, or
    feeds that need feedparser at 50-100 ms each) is different: after :data:`POOL_AFTER_BODIES`
    bodies or :data:`POOL_AFTER_SECONDS` of CPU, the rest go to a pool that uses the other cores
    (and never holds the reader's GIL). One thread, not several: parsing is CPU-bound, so more
    threads only contend for the GIL and delay every result. ``pooled`` forces the pool on or off.
    """

    def __init__(self, *, pooled: bool | None, classifier: TopicClassifier | None = None) -> None:
        self._pooled = pooled
        self._classifier = classifier  # the store's: articles are matched to its topic rules
        self._thread: Executor | None = None
        self._pool: Executor | None = None
        self._spent = 0.0  # CPU seconds spent parsing in the thread
        self._bodies = 0

    def _use_pool(self) -> bool:
        if self._pooled is not None:
            return self._pooled
        heavy = self._bodies >= POOL_AFTER_BODIES or self._spent >= POOL_AFTER_SECONDS
        return heavy and (os.cpu_count() or 1) > 1

    async def parse(
        self, body: bytes, feed: Feed, url: str, content_type: str, now: datetime
    ) -> tuple[ParsedFeed, dict[str, tuple[str, str]]]:
        """The parsed feed, and each article's digest for the store (matched topic rules,
        related words): made here, on the parser's core, not in the store's write."""
        loop = asyncio.get_running_loop()
        self._bodies += 1
        args = (body, feed, url, content_type, now, self._classifier)
        if self._use_pool():
            if self._pool is None:
                self._pool = _make_pool()
            return await loop.run_in_executor(self._pool, _parse, *args)
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newstui-parse")
        parsed, digests, cpu = await loop.run_in_executor(self._thread, _parse_timed, *args)
        self._spent += cpu
        return parsed, digests

    def close(self) -> None:
        for executor in (self._thread, self._pool):
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        self._thread = self._pool = None


def _make_pool() -> Executor:
    import multiprocessing

    # forkserver, not fork: forking a process that runs threads (the reader, asyncio's helpers)
    # can copy a held lock into the child and deadlock it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["newstui.core.parse", "feedparser"])
    return ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 4), mp_context=context)


def _parse(
    body: bytes, feed: Feed, url: str, content_type: str, now: datetime,
    classifier: TopicClassifier | None,
) -> tuple[ParsedFeed, dict[str, tuple[str, str]]]:
    parsed = parse_feed(body, feed, url=url, content_type=content_type, now=now)
    return parsed, {a.id: article_digest(a, classifier) for a in parsed.articles}


def _parse_timed(
    body: bytes, feed: Feed, url: str, content_type: str, now: datetime,
    classifier: TopicClassifier | None,
) -> tuple[ParsedFeed, dict[str, tuple[str, str]], float]:
    """The parse and the CPU time this thread spent on it (wall time would count GIL waits)."""
    started = time.thread_time()
    parsed, digests = _parse(body, feed, url, content_type, now, classifier)
    return parsed, digests, time.thread_time() - started


# -- batched store writes ---------------------------------------------------------------------


class _Writer:
    """Coalesces store writes: updates that arrive while a write runs go into the next one."""

    def __init__(self, store: Store, expected: int) -> None:
        self._store = store
        self._pending: list[tuple[FeedUpdate, asyncio.Future[FeedStatus]]] = []
        self._task: asyncio.Task[None] | None = None
        self._expected = expected  # updates this refresh will bring: once all are in, no waiting
        self._received = 0
        self._all_in = asyncio.Event()

    async def write(self, update: FeedUpdate) -> FeedStatus:
        future: asyncio.Future[FeedStatus] = asyncio.get_running_loop().create_future()
        self._pending.append((update, future))
        self._received += 1
        if self._received >= self._expected:
            self._all_in.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        last = -MIN_WRITE_INTERVAL
        while self._pending:
            wait = last + MIN_WRITE_INTERVAL - time.monotonic()
            if wait > 0 and not self._all_in.is_set():
                # Let more results gather into this write, unless the last one is already in.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._all_in.wait(), wait)
            batch, self._pending = self._pending, []
            last = time.monotonic()
            try:
                saved = await asyncio.to_thread(self._store.apply_refresh, [u for u, _ in batch])
            except BaseException as exc:  # StoreError, or cancellation: every waiter hears of it
                known = isinstance(exc, StoreError | StoreCorrupt)
                error = exc if known else StoreError(f"store write stopped: {exc!r}")
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                if not isinstance(exc, Exception):
                    raise
                continue
            for (_, future), status in zip(batch, saved, strict=True):
                if not future.done():
                    future.set_result(status)


def refresh_all(config: Config, store: Store, **kwargs: object) -> list[FeedResult]:
    """Blocking wrapper for callers outside an event loop (the CLI, --demo, tests)."""
    return asyncio.run(refresh_feeds(config, store, **kwargs))  # type: ignore[arg-type]


async def prefetch_pages(config: Config, store: Store, results: Sequence[FeedResult],
                         client: Client | None = None) -> int:
    """After a refresh: fetch and store the pages of the new articles of ``full_text = "always"``
    feeds (see :func:`~newstui.core.fulltext.prefetch_full_text`). Returns how many were stored."""
    fresh = [a for r in results for a in r.fresh]
    if not fresh:
        return 0
    from newstui.core.fulltext import prefetch_full_text  # Rich's renderers: not for a plain refresh

    own = client is None
    if own:
        client = make_client(config.settings.timeout_seconds, config.settings.concurrency)
    try:
        return await prefetch_full_text(config, store, fresh, client)
    finally:
        if own and client is not None:
            await client.close()
