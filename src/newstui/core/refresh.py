"""fetch → parse → store, for every feed at once, reporting each feed as it finishes.

One failing feed never stops the others: every outcome becomes a :class:`FeedStatus` saved in the
store and handed to ``on_result``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx

from newstui.core.fetch import fetch, is_http, make_client
from newstui.core.models import Config, Feed, FeedStatus
from newstui.core.parse import parse_feed
from newstui.core.store import Store, StoreError


@dataclass(frozen=True, slots=True)
class FeedResult:
    feed: Feed
    status: FeedStatus
    new_ids: tuple[str, ...] = ()
    elapsed: float = 0.0


async def refresh_feeds(
    config: Config,
    store: Store,
    *,
    feeds: Sequence[Feed] | None = None,
    on_result: Callable[[FeedResult], None] | None = None,
    client: httpx.AsyncClient | None = None,
) -> list[FeedResult]:
    """Refresh ``feeds`` (default: every enabled feed) concurrently; results in config order."""
    settings = config.settings
    todo = [f for f in (feeds if feeds is not None else config.feeds) if f.enabled]
    previous = store.feed_statuses()
    limit = asyncio.Semaphore(max(settings.concurrency, 1))
    # An HTTP client costs ~70 ms to set up (TLS context): only made when a feed needs it.
    own_client = client is None and any(is_http(f.url) for f in todo)
    if own_client:
        client = make_client(settings.timeout_seconds, settings.concurrency)

    async def one(feed: Feed) -> FeedResult:
        async with limit:
            result = await _refresh_one(config, store, feed, previous.get(feed.name), client)
        if on_result is not None:
            on_result(result)
        return result

    try:
        return list(await asyncio.gather(*(one(f) for f in todo)))
    finally:
        if own_client and client is not None:
            await client.aclose()


async def _refresh_one(
    config: Config, store: Store, feed: Feed, before: FeedStatus | None, client: httpx.AsyncClient | None
) -> FeedResult:
    settings = config.settings
    # Validators belong to the URL that gave them: after a URL change in feeds.toml, start afresh.
    kept = before if before is not None and before.url == feed.url else None
    got = await fetch(
        client,
        feed.url,
        etag=kept.etag if kept else None,
        last_modified=kept.last_modified if kept else None,
        max_bytes=settings.max_feed_bytes,
        timeout=settings.timeout_seconds,
    )
    now = datetime.now(UTC)
    base = FeedStatus(
        feed=feed.name,
        url=feed.url,
        ok=False,
        checked_at=now,
        http_status=got.status,
        last_success=before.last_success if before else None,
        etag=kept.etag if kept else None,
        last_modified=kept.last_modified if kept else None,
    )
    new_ids: list[str] = []
    if not got.ok:
        status = replace(base, error=got.error)
    elif got.not_modified:
        status = replace(base, ok=True, not_modified=True, last_success=now)
    else:
        assert got.body is not None
        parsed = await asyncio.to_thread(
            parse_feed, got.body, feed, url=got.final_url, content_type=got.content_type, now=now
        )
        if parsed.error:
            status = replace(base, error=parsed.error)
        else:
            try:
                new_ids = await asyncio.to_thread(store.upsert_articles, parsed.articles)
                await asyncio.to_thread(store.prune, feed.name, settings.max_articles_per_feed)
            except StoreError as exc:
                status = replace(base, error=str(exc))
            else:
                status = replace(
                    base,
                    ok=True,
                    last_success=now,
                    new_articles=len(new_ids),
                    etag=got.etag,
                    last_modified=got.last_modified,
                    error=f"warning: {parsed.warning}" if parsed.warning else "",
                )
    try:
        await asyncio.to_thread(store.save_status, status)
    except StoreError:
        pass  # the status is still reported to the caller; the articles were the part that mattered
    return FeedResult(feed, status, tuple(new_ids), got.elapsed)


def refresh_all(config: Config, store: Store, **kwargs: object) -> list[FeedResult]:
    """Blocking wrapper for callers outside an event loop (the CLI, --demo, tests)."""
    return asyncio.run(refresh_feeds(config, store, **kwargs))  # type: ignore[arg-type]
