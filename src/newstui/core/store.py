"""The local store: articles in one TinyDB file, per-feed status in a second, small one.

Nothing outside this module sees TinyDB. Articles are converted to and from plain dicts here;
writes are batched (one file write per refreshed feed, one per flag change) and atomic; a file lock
serialises writers across processes and the storage re-reads the file when another process changed
it, so a cron ``newstui refresh`` and an open reader don't lose each other's changes.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from newstui.core.models import Article, FeedStatus
from newstui.core.storage import AtomicOrjsonStorage, StoreCorrupt

__all__ = ["FeedUpdate", "Store", "StoreCorrupt", "StoreError"]

ARTICLES = "articles"
FEEDS = "feeds"
# Fields that a refresh may update on an article already stored; read/starred are the user's.
_CONTENT_FIELDS = ("title", "link", "guid", "author", "published", "summary", "content", "categories")


@dataclass(slots=True)
class FeedUpdate:
    """One feed's share of a batched store write (see :meth:`Store.apply_refresh`)."""

    status: FeedStatus
    articles: Sequence[Article] = ()
    keep: int | None = None
    new_ids: tuple[str, ...] = ()


class _ArticleTable:
    """The articles table of the store file (key → document), changed in place."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs
        self.by_id = {doc["id"]: key for key, doc in docs.items()}
        # Explicit keys from this fresh read: TinyDB's own next-id counter is cached per process
        # and would overwrite documents another process inserted meanwhile.
        self.next_key = max((int(k) for k in docs), default=0) + 1

    def merge(self, incoming: Iterable[Article]) -> tuple[list[str], bool]:
        """Insert new articles, update the content of known ones (read/starred are the user's).
        Returns the new ids, and whether anything changed."""
        new_ids: list[str] = []
        changed = False
        for article in incoming:
            doc = article_to_doc(article)
            key = self.by_id.get(article.id)
            if key is None:
                key = str(self.next_key)
                self.next_key += 1
                self.docs[key] = doc
                self.by_id[article.id] = key
                new_ids.append(article.id)
                continue
            old = self.docs[key]
            for name in _CONTENT_FIELDS:
                if old.get(name) != doc[name]:
                    old[name] = doc[name]
                    changed = True
        return new_ids, changed or bool(new_ids)

    def keys_of(self, feed: str) -> list[str]:
        return [key for key, doc in self.docs.items() if doc.get("feed") == feed]

    def prune(self, keys: list[str], keep: int) -> list[str]:
        """Drop, of one feed's ``keys``, those past the newest ``keep`` (starred ones never)."""
        if len(keys) <= keep:
            return []
        newest = sorted(((self.docs[key].get("published") or "", key) for key in keys), reverse=True)
        dropped = [key for _, key in newest[keep:] if not self.docs[key].get("starred")]
        for key in dropped:
            self.by_id.pop(self.docs.pop(key)["id"], None)
        return dropped


class StoreError(Exception):
    """The store can't be opened or written; the message says which file and why."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def article_to_doc(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "feed": article.feed,
        "title": article.title,
        "link": article.link,
        "guid": article.guid,
        "author": article.author,
        "published": _iso(article.published),
        "summary": article.summary,
        "content": article.content,
        "categories": list(article.categories),
        "read": article.read,
        "starred": article.starred,
        "fetched": _iso(article.fetched),
    }


def doc_to_article(doc: dict[str, Any]) -> Article:
    return Article(
        id=doc["id"],
        feed=doc.get("feed", ""),
        title=doc.get("title", ""),
        link=doc.get("link", ""),
        guid=doc.get("guid", ""),
        author=doc.get("author", ""),
        published=_dt(doc.get("published")),
        summary=doc.get("summary", ""),
        content=doc.get("content", ""),
        categories=tuple(doc.get("categories") or ()),
        read=bool(doc.get("read")),
        starred=bool(doc.get("starred")),
        fetched=_dt(doc.get("fetched")),
    )


_STATUS_FIELDS = {f.name: f for f in fields(FeedStatus)}
_STATUS_DATES = ("checked_at", "last_success", "retry_at", "next_due")


def status_to_doc(status: FeedStatus) -> dict[str, Any]:
    doc = {name: getattr(status, name) for name in _STATUS_FIELDS}
    for name in _STATUS_DATES:
        doc[name] = _iso(doc[name])
    doc["warnings"] = list(status.warnings)
    return doc


def doc_to_status(doc: dict[str, Any]) -> FeedStatus:
    """A stored status; fields missing from older stores take their defaults."""
    values = {k: v for k, v in doc.items() if k in _STATUS_FIELDS}
    for name in _STATUS_DATES:
        if name in values:
            values[name] = _dt(values[name])
    values["checked_at"] = values.get("checked_at") or datetime.min.replace(tzinfo=UTC)
    values["warnings"] = tuple(values.get("warnings") or ())
    values.setdefault("url", "")
    values.setdefault("ok", False)
    return FeedStatus(**values)


class Store:
    """Articles in one JSON file at ``path``, feed statuses in a small one beside it."""

    def __init__(self, path: str | os.PathLike[str], *, check: bool = True) -> None:
        """Open (or create) the store. ``check`` reads the article file at once, so a damaged one is
        reported now; ``newstui refresh`` skips that, because a refresh where nothing changed
        never needs the articles (a damaged file is then reported at the first write)."""
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_file = open(self.path.with_name(self.path.name + ".lock"), "a+b")  # noqa: SIM115
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc.strerror or exc}") from exc
        self._thread_lock = threading.RLock()
        self._db = TinyDB(self.path, storage=AtomicOrjsonStorage)
        self._storage: AtomicOrjsonStorage = self._db.storage  # type: ignore[assignment]
        self._articles = self._db.table(ARTICLES, cache_size=0)
        # Feed statuses live in a small file of their own: a refresh where nothing changed
        # (all 304s) rewrites a few kilobytes, not every article.
        self.status_path = self.path.with_name(f"{self.path.stem}.feeds{self.path.suffix or '.json'}")
        self._status_db = TinyDB(self.status_path, storage=AtomicOrjsonStorage)
        self._status_storage: AtomicOrjsonStorage = self._status_db.storage  # type: ignore[assignment]
        self._feeds = self._status_db.table(FEEDS, cache_size=0)
        with self._locked():
            if not check and (self.status_path.exists() or not self.path.exists()):
                return
            data = self._storage.read()  # read once now, so a corrupt file is reported at open
            old = (data or {}).get(FEEDS)
            if old and not self.status_path.exists():
                # Stores before 0.2 kept statuses in the main file: move them over once.
                self._status_storage.write({FEEDS: old})

    # -- locking -------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time, across threads and processes."""
        with self._thread_lock:
            fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            except StoreCorrupt:
                raise
            except OSError as exc:
                raise StoreError(f"cannot write the store at {self.path}: {exc.strerror or exc}") from exc
            finally:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)

    def close(self) -> None:
        with self._thread_lock:
            self._db.close()
            self._status_db.close()
            self._lock_file.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ------------------------------------------------------------------------------

    def _docs(self) -> dict[str, tuple[int, dict[str, Any]]]:
        return {doc["id"]: (doc.doc_id, doc) for doc in self._articles.all()}

    def articles(self) -> list[Article]:
        with self._locked():
            return [doc_to_article(doc) for doc in self._articles.all()]

    def article(self, article_id: str) -> Article | None:
        with self._locked():
            for doc in self._articles.all():
                if doc["id"] == article_id:
                    return doc_to_article(doc)
        return None

    def upsert_articles(self, articles: Iterable[Article]) -> list[str]:
        """Insert new articles and update the content of known ones, keeping read/starred.

        Returns the ids of the articles that were new; one file write, none if nothing changed.
        """
        incoming = list(articles)
        with self._locked(), self._editing():
            data = self._storage.read() or {}
            table = _ArticleTable(data.setdefault(ARTICLES, {}))
            new_ids, changed = table.merge(incoming)
            if changed:
                self._storage.write(data)
        return new_ids

    def set_flags(self, ids: Iterable[str], *, read: bool | None = None, starred: bool | None = None) -> None:
        """Set read and/or starred on every article in ``ids`` with one write."""
        fields: dict[str, Any] = {}
        if read is not None:
            fields["read"] = read
        if starred is not None:
            fields["starred"] = starred
        wanted = set(ids)
        if not fields or not wanted:
            return
        with self._locked():
            doc_ids = [doc_id for aid, (doc_id, _) in self._docs().items() if aid in wanted]
            if doc_ids:
                self._articles.update(fields, doc_ids=doc_ids)

    def prune(self, feed: str, keep: int) -> int:
        """Keep the newest ``keep`` articles of ``feed`` (starred ones always stay)."""
        with self._locked(), self._editing():
            data = self._storage.read() or {}
            table = _ArticleTable(data.setdefault(ARTICLES, {}))
            dropped = table.prune(table.keys_of(feed), keep)
            if dropped:
                self._storage.write(data)
        return len(dropped)

    def apply_refresh(self, updates: Sequence[FeedUpdate]) -> list[FeedStatus]:
        """Store what a refresh brought for several feeds with one read and one atomic write.

        For each update: its articles are upserted (new ones inserted, content of known ones
        updated, read/starred kept), the feed is pruned to ``keep`` newest (starred stay), and its
        status saved with ``new_articles`` set. Returns the saved statuses, in order, and fills
        each update's ``new_ids``.
        """
        with self._locked(), self._editing():
            return self._apply(updates)

    @contextmanager
    def _editing(self) -> Iterator[None]:
        """Around in-place changes to the cached file contents: if anything fails before they are
        written, forget the half-changed copies, so the next read comes from the intact files."""
        try:
            yield
        except BaseException:
            self._storage.forget()
            self._status_storage.forget()
            raise

    def _apply(self, updates: Sequence[FeedUpdate]) -> list[FeedStatus]:
        saved: list[FeedStatus] = []
        touched = any(update.articles for update in updates)
        data = (self._storage.read() or {}) if touched else {}
        articles = data.setdefault(ARTICLES, {})
        status_data = self._status_storage.read() or {}
        feeds = status_data.setdefault(FEEDS, {})
        table = _ArticleTable(articles)
        status_key = {doc["feed"]: key for key, doc in feeds.items()}
        next_status = max((int(k) for k in feeds), default=0) + 1
        # Each feed's article keys, for pruning: built once per write, not once per feed.
        by_feed: dict[str, list[str]] = {}
        if any(u.articles and u.keep is not None for u in updates):
            for key, doc in articles.items():
                by_feed.setdefault(doc.get("feed", ""), []).append(key)
        for update in updates:
            new_ids, _ = table.merge(update.articles)
            if update.articles and update.keep is not None:
                mine = by_feed.setdefault(update.status.feed, [])
                mine.extend(table.by_id[i] for i in new_ids)
                dropped = set(table.prune(mine, update.keep))
                by_feed[update.status.feed] = [k for k in mine if k not in dropped]
            update.new_ids = tuple(i for i in new_ids if i in table.by_id)  # some pruned at once
            status = replace(update.status, new_articles=len(update.new_ids))
            key = status_key.get(status.feed)
            if key is None:
                key = status_key[status.feed] = str(next_status)
                next_status += 1
            feeds[key] = status_to_doc(status)
            saved.append(status)
        if touched:
            data.pop(FEEDS, None)  # left over from a store before 0.2 (moved at open)
            self._storage.write(data)
        # Articles first, statuses second: killed in between, the next refresh just asks again
        # with the old validators and finds the articles already stored.
        self._status_storage.write(status_data)
        return saved

    def feed_stats(self) -> dict[str, tuple[int, datetime | None]]:
        """Per feed: how many articles are stored and the newest one's publication time."""
        stats: dict[str, tuple[int, str]] = {}
        with self._locked():
            for doc in self._articles.all():
                count, newest = stats.get(doc.get("feed", ""), (0, ""))
                stats[doc.get("feed", "")] = (count + 1, max(newest, doc.get("published") or ""))
        return {feed: (count, _dt(newest) if newest else None) for feed, (count, newest) in stats.items()}

    # -- feed status ---------------------------------------------------------------------------

    def feed_statuses(self) -> dict[str, FeedStatus]:
        with self._locked():
            return {doc["feed"]: doc_to_status(doc) for doc in self._feeds.all()}

    def feed_status(self, feed: str) -> FeedStatus | None:
        return self.feed_statuses().get(feed)

    def save_status(self, status: FeedStatus) -> None:
        doc = status_to_doc(status)
        with self._locked():
            existing = [d.doc_id for d in self._feeds.all() if d["feed"] == status.feed]
            if existing:
                self._feeds.update(doc, doc_ids=existing)
            else:
                next_id = max((d.doc_id for d in self._feeds.all()), default=0) + 1
                self._feeds.insert(Document(doc, doc_id=next_id))

