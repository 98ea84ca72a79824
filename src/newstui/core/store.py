"""The local store, TinyDB files laid out for 100,000 articles.

Files, all beside ``path`` (``newstui.json`` by default) and sharing its stem:

=========================  =======================================================================
``newstui.json``           headlines: per feed one document of columns (id, title, date,
                           categories, matched topic rules, shard); what the headline list
                           needs, read at start (~17 MB at 100k articles)
``newstui.bodies/*.json``  summaries, full text, guid, author: shards of 64 articles per feed,
                           read one at a time (:mod:`newstui.core.body_shards`)
``newstui.details.json``   per article: its link, the words it is related by, a digest of its
                           body; read after the first paint
``newstui.flags.json``     read and starred ids, plus ``newstui.flags.log``, the journal a flag
                           change is appended to (:mod:`newstui.core.flag_journal`)
``newstui.feeds.json``     per feed refresh status (conditional GET validators, errors, backoff)
``newstui.lock``           ``flock`` that serialises writers across processes
=========================  =======================================================================

Every file is replaced atomically (temporary file, fsync, rename): a crash leaves the old or the
new version of each. A write goes in an order where any prefix of it leaves a loadable store that
lost nothing stored before: new bodies first, then the headlines that point at them, then terms,
then bodies that retention dropped (and a journal line forgetting their flags), and the feed
statuses last. A flag change appends to the journal and rewrites nothing.

Two processes (the open reader and a ``newstui refresh`` from cron): writers take the lock and
re-read any file another process replaced (each cached copy is keyed by inode, size and mtime), so
neither loses the other's articles; flags go through the journal, which both append to.

A damaged file (cut short or garbled by something else: a copy that stopped half way, a disk
error) is reported as :class:`StoreCorrupt`; a store opened with ``recover=True`` (the reader,
``newstui refresh``) moves it aside instead (``<file>.damaged-<time>``, kept for the user), starts
that file afresh and says so in :attr:`Store.recovered`, in words that tell what came back and how.

Nothing outside this module (and its helpers) sees TinyDB or these layouts.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.table import Document

from newstui.core.body_shards import BodyShards
from newstui.core.flag_journal import Flags
from newstui.core.headline_table import HeadlineTable
from newstui.core.models import Article, FeedStatus, FullText
from newstui.core.storage import AtomicOrjsonStorage, StoreCorrupt, move_aside
from newstui.core.related import TermStats, digest_terms
from newstui.core.text import html_to_line
from newstui.core.story_book import STATE, StoryBook, canonical_key
from newstui.core.store_records import (
    article_digest,
    body_hash,
    body_record,
    doc_to_status,
    from_epoch,
    full_to_record,
    headline_row,
    legacy_article,
    status_to_doc,
    to_article,
)

if TYPE_CHECKING:
    from newstui.core.topics import TopicClassifier

__all__ = ["FeedUpdate", "Store", "StoreCorrupt", "StoreError", "status_to_doc"]

HEADLINES = "headlines"
META = "meta"
DETAILS_TABLE = "details"
DETAILS = ("terms", "link", "hash", "canon")  # what the details file keeps per article, by id
FEEDS = "feeds"
LEGACY_ARTICLES = "articles"  # stores before 0.3: one document per article, flags inside
FORMAT = 5


@dataclass(slots=True)
class FeedUpdate:
    """One feed's share of a batched store write (see :meth:`Store.apply_refresh`).

    ``keep`` and ``max_age_days`` are the feed's retention: the newest ``keep`` articles, none
    published more than ``max_age_days`` ago; starred articles always stay.
    """

    status: FeedStatus | None
    articles: Sequence[Article] = ()
    keep: int | None = None
    new_ids: tuple[str, ...] = ()
    max_age_days: float | None = None
    feed: str = ""
    # Article id → (matched topic rules, related words), made by the parser on another core
    # (see store_records.article_digest); made at write time for articles missing here.
    digests: dict[str, tuple[str, str]] | None = None

    def __post_init__(self) -> None:
        if not self.feed and self.status is not None:
            self.feed = self.status.feed

    def oldest_kept(self, now: datetime) -> float | None:
        """The ``max_age_days`` cutoff as seconds since the epoch (None: no age limit)."""
        return (now - timedelta(days=self.max_age_days)).timestamp() if self.max_age_days else None


class StoreError(Exception):
    """The store can't be opened or written; the message says which file and why."""


def _why(exc: OSError) -> str:
    """An OSError in words a reader can act on (the store on disk is unchanged by a failed write)."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full (free some space and try again; the store on disk is unchanged)"
    if exc.errno == errno.EDQUOT:
        return "the disk quota is used up (free some space; the store on disk is unchanged)"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        where = f" ({exc.filename})" if exc.filename else ""
        return (f"{exc.strerror or exc}{where}: the data directory is not writable (check its "
                "permissions, or point --db / NEWSTUI_DATA_DIR elsewhere; the store on disk is unchanged)")
    return str(exc.strerror or exc)


def _short(problem: str, path: Path) -> str:
    """What is wrong with a damaged file, without its path (the message names it already)."""
    return problem.removeprefix(f"{path} ")


class _Shards(BodyShards):
    """Body shards whose damaged files the store can move aside (see :meth:`Store._recover`)."""

    def __init__(self, folder: Path, recover: Callable[[str, int, StoreCorrupt], bool]) -> None:
        super().__init__(folder)
        self._recover_shard = recover

    def read(self, feed: str, chunk: int) -> dict[str, dict[str, Any]]:
        try:
            return super().read(feed, chunk)
        except StoreCorrupt as exc:
            if not self._recover_shard(feed, chunk, exc):
                raise
        return super().read(feed, chunk)

    def records(self, doc: dict[str, Any]) -> Iterator[tuple[int, str, dict[str, Any]]]:
        """``(row, article id, body record)`` of every article of a feed's headline document,
        each shard read once ({} for a record that is missing)."""
        feed = doc["feed"]
        bodies: dict[int, dict[str, dict[str, Any]]] = {}
        for i, (aid, chunk) in enumerate(zip(doc["id"], doc["chunk"])):
            if chunk not in bodies:
                bodies[chunk] = self.read(feed, chunk)
            yield i, aid, bodies[chunk].get(aid) or {}

    def get(self, feed: str, chunk: int, article_id: str) -> dict[str, Any] | None:
        try:
            return super().get(feed, chunk, article_id)
        except StoreCorrupt as exc:
            if not self._recover_shard(feed, chunk, exc):
                raise
        return super().get(feed, chunk, article_id)


class Store:
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        check: bool = True,
        classifier: TopicClassifier | None = None,
        recover: bool = False,
    ) -> None:
        """Open (or create) the store. ``check`` reads the headline file at once, so a damaged
        one is reported now (``newstui refresh`` skips that: a refresh where nothing changed
        never needs it). ``classifier`` matches the ``[topics.NAME]`` rules as articles are
        stored (see :mod:`newstui.core.topics`). ``recover``: a damaged file is moved aside and
        started afresh (see :attr:`recovered`), not reported as :class:`StoreCorrupt`."""
        self.path = Path(path)
        self.classifier = classifier
        self.recover = recover
        # What recovery did, in words for the reader (each also handed to ``on_recovered``).
        self.recovered: list[str] = []
        self.on_recovered: Callable[[str], None] | None = None
        self._depth = 0  # re-entry of _locked: only the outermost holder takes the flock
        stem, suffix = self.path.stem, self.path.suffix or ".json"
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._lock_file = open(self.path.with_name(self.path.name + ".lock"), "a+b")  # noqa: SIM115
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {_why(exc)}") from exc
        self._thread_lock = threading.RLock()
        recover_file = self._recover
        self._db = TinyDB(self.path, storage=AtomicOrjsonStorage, recover=recover_file)
        self._storage: AtomicOrjsonStorage = self._db.storage  # type: ignore[assignment]
        self.status_path = folder / f"{stem}.feeds{suffix}"
        self._status_db = TinyDB(self.status_path, storage=AtomicOrjsonStorage, recover=recover_file)
        self._status_storage: AtomicOrjsonStorage = self._status_db.storage  # type: ignore[assignment]
        self._feeds = self._status_db.table(FEEDS, cache_size=0)
        self._details_file = AtomicOrjsonStorage(folder / f"{stem}.details{suffix}", recover_file)
        self._pages_file = AtomicOrjsonStorage(folder / f"{stem}.pages{suffix}", recover_file)
        self.shards = _Shards(folder / f"{stem}.bodies", self._recover_shard)
        self._flags_path = folder / f"{stem}.flags{suffix}"
        self.flags = Flags(self._flags_path, folder / f"{stem}.flags.log", folder / f"{stem}.flags.lock",
                           recover=recover_file)
        with self._locked():
            if recover and check:
                # The small files too, so what recovery did is known (and said) at start.
                self._status_storage.read()
                self._pages_file.read()
                self.flags.current()
            if not check and (self.status_path.exists() or not self.path.exists()):
                if recover and not self._storage.looks_whole():
                    self._storage.read()  # damaged: moved aside now, and said, not at the write
                return
            data = self._storage.read() or {}  # read once now, so a corrupt file is reported at open
            old = data.get(FEEDS)
            if old and not self.status_path.exists():
                # Stores before 0.2 kept statuses in the main file: move them over once.
                self._status_storage.write({FEEDS: old})
            if LEGACY_ARTICLES in data:
                self._migrate(data)

    # -- locking -------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time, across threads and processes (re-entrant in one thread)."""
        with self._thread_lock:
            if self._depth == 0:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            except StoreCorrupt:
                raise
            except OSError as exc:
                raise StoreError(f"cannot write the store at {self.path}: {_why(exc)}") from exc
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)

    # -- recovery from a damaged file ----------------------------------------------------------

    def _recover(self, storage: AtomicOrjsonStorage, problem: str) -> bool:
        """Move a damaged file aside (``recover=True`` only) and say what that means.
        True when the read can be tried again (the file moved, or was replaced meanwhile)."""
        if not self.recover:
            return False
        name = storage.path.name
        flags = storage.path == self._flags_path
        # The flags file is read under the flag lock, which is taken after the store's lock,
        # never before it: its recovery takes only the flag lock (no lock-order inversion).
        with self.flags.locked() if flags else self._locked():
            try:
                aside = move_aside(storage.path, storage.damaged_stamp)
            except OSError:
                return False  # a read-only directory: report the damage as it is
            if aside is None:
                return True  # gone, or another process wrote a new one: read that
            if storage is self._storage:
                # The details are worked out from the headlines: a new store starts without them.
                details = self._details_file
                details.forget()
                moved = move_aside(details.path, None) if details.path.exists() else None
                also = f" (and {details.path.name} to {moved.name})" if moved else ""
                self._forget_validators(None)
                why = _short(problem, storage.path)
                note = (f"The article store {storage.path} was damaged: it {why}. It was moved "
                        f"aside to {aside.name}{also}, and a new store was started: the next refresh "
                        "brings back the articles your feeds still list; read and starred marks are kept. "
                        f"The damaged copy stays in {aside.parent} until you delete it.")
            elif storage is self._status_storage:
                note = (f"The feed status file {name} was damaged and was moved aside to {aside.name}: "
                        "every feed is fetched in full on the next refresh; no article was lost.")
            elif storage is self._details_file:
                self._rebuild_details()
                note = (f"The related-articles index {name} was damaged and was moved aside to "
                        f"{aside.name}; it was rebuilt from the stored articles; no article was lost.")
            elif storage is self._pages_file:
                note = (f"The page index {name} was damaged and was moved aside to {aside.name}: fetched "
                        "pages relate articles by the feed's words until they are fetched again; no "
                        "article was lost.")
            elif flags:
                note = (f"The read/starred file {name} was damaged and was moved aside to {aside.name}: "
                        "marks made before the last time the reader was closed are lost (the damaged "
                        "copy is kept); later ones were kept.")
            else:
                note = f"{storage.path} was damaged and was moved aside to {aside.name}."
        self._say(note)
        return True

    def _recover_shard(self, feed: str, chunk: int, exc: StoreCorrupt) -> bool:
        """A damaged body shard: moved aside; its articles keep their headlines, and their
        digests are forgotten so the next refresh stores again the text of those still listed."""
        if not self.recover:
            return False
        path = self.shards.path(feed, chunk)
        with self._locked():
            try:
                aside = move_aside(path, None)
            except OSError:
                return False
            self.shards.forget()
            if aside is None:
                return True
            with self._editing():
                data = self._storage.read() or {}
                docs = (data.get(HEADLINES) or {}).values()
                doc = next((d for d in docs if d.get("feed") == feed), None)
                ids = {aid for aid, c in zip(doc["id"], doc["chunk"]) if c == chunk} if doc else set()
                details_data = self._details_file.read() or {}
                for details in (details_data.get(DETAILS_TABLE) or {}).values():
                    if details.get("feed") == feed:
                        for aid in ids:
                            details.get("hash", {}).pop(aid, None)
                self._details_file.write(details_data)
                self._forget_validators({feed})
        self._say(f"The text of {len(ids)} articles of {feed} ({path.name}) was damaged and was moved "
                  f"aside to {aside.name}: their headlines stay, and the next refresh brings back the "
                  "text of those the feed still lists.")
        return True

    def _forget_validators(self, feeds: set[str] | None) -> None:
        """Make the next refresh fetch and parse ``feeds`` (None: every feed) in full, and soon:
        no conditional GET, no "same body as last time", due now (a Retry-After still holds)."""
        data = self._status_storage.read() or {}
        docs = [d for d in (data.get(FEEDS) or {}).values()
                if feeds is None or d.get("feed") in feeds]
        for doc in docs:
            doc.update(etag=None, last_modified=None, body_hash="")
            if doc.get("next_due"):
                doc["next_due"] = doc.get("checked_at")
        if docs:
            self._status_storage.write(data)

    def _say(self, note: str) -> None:
        self.recovered.append(note)
        if self.on_recovered is not None:
            self.on_recovered(note)

    def _rebuild_details(self) -> None:
        """The details file again, from the headlines and the bodies (after it was damaged)."""
        data = self._storage.read() or {}
        docs = {}
        for n, doc in enumerate((data.get(HEADLINES) or {}).values(), 1):
            feed = doc["feed"]
            terms, links, hashes, canon = {}, {}, {}, {}
            for i, aid, record in self.shards.records(doc):
                article = Article(aid, feed, doc["title"][i], summary=record.get("summary", ""),
                                  content=record.get("content", ""))
                terms[aid] = self._digest(article)[1]
                links[aid] = record.get("link", "")
                canon[aid] = canonical_key(links[aid], record.get("canonical", ""))
                if record:
                    hashes[aid] = body_hash(record)
            docs[str(n)] = {"feed": feed, "terms": terms, "link": links, "hash": hashes, "canon": canon}
        self._details_file.write({DETAILS_TABLE: docs})

    @contextmanager
    def _editing(self) -> Iterator[None]:
        """Around in-place changes to cached file contents: if anything fails before they are
        written, forget the half-changed copies, so the next read comes from the intact files."""
        try:
            yield
        except BaseException:
            for storage in (self._storage, self._status_storage, self._details_file, self._pages_file):
                storage.forget()
            self.shards.forget()
            raise

    def close(self) -> None:
        with self._thread_lock:
            try:
                self.flags.fold()
            except OSError:
                pass  # the journal stays; the next open reads it
            self.flags.close()
            self._db.close()
            self._status_db.close()
            self._lock_file.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------

    def _data(self) -> dict[str, Any]:
        data = self._storage.read() or {}
        if LEGACY_ARTICLES in data:  # written by an older newstui after this store was opened
            with self._locked():
                data = self._storage.read() or {}
                if LEGACY_ARTICLES in data:
                    self._migrate(data)
                data = self._storage.read() or {}
        return data

    def headline_docs(self) -> list[dict[str, Any]]:
        """Every feed's headline document, as stored now (see :mod:`~newstui.core.headline_table`).
        Read-only: the documents are the store's cached copy, which a write in another thread
        changes in place; read them inside :meth:`reading`."""
        return list((self._data().get(HEADLINES) or {}).values())

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold off this process's writes (other threads) while the cached documents are read."""
        with self._thread_lock:
            yield

    def headlines_stamp(self) -> tuple[int, int, int] | None:
        """Changes whenever the headlines change (a refresh here or in another process)."""
        return self._storage._file_stamp()

    def rules_fingerprint(self) -> str:
        """The topic rules the stored keyword matches were made with ("" if unknown)."""
        meta = next(iter((self._data().get(META) or {}).values()), {})
        return meta.get("rules", "")

    def terms(self) -> list[tuple[str, str]]:
        """(article id, the words it is related by) for every article that has them: picked
        from its page's text once that was fetched, else from the feed's."""
        terms = self._details("terms")
        pages = self.page_terms()
        if pages:
            terms.update((aid, digest) for aid, digest in pages.items() if aid in terms)
        return list(terms.items())

    def page_terms(self) -> dict[str, str]:
        """Article id → the words its fetched page's text is about (see :meth:`save_full_text`)."""
        with self._thread_lock:
            return dict((self._pages_file.read() or {}).get("terms") or {})

    def term_stats(self) -> TermStats | None:
        """The word statistics the similarity's IDF comes from (None for a store before 0.5)."""
        with self._thread_lock:
            state = (self._details_file.read() or {}).get(STATE)
        return TermStats(int(state.get("n", 0)), state.get("df") or {}) if isinstance(state, dict) else None

    def links(self) -> dict[str, str]:
        """Article id → link, for every article."""
        return self._details("link")

    def _details(self, name: str) -> dict[str, str]:
        with self._thread_lock:
            data = self._details_file.read() or {}
            out: dict[str, str] = {}
            for doc in (data.get(DETAILS_TABLE) or {}).values():
                out.update(doc.get(name) or {})
            return out

    def flag_sets(self) -> tuple[set[str], set[str]]:
        """(read ids, starred ids), as every process left them."""
        return self.flags.current()

    def body(self, feed: str, chunk: int, article_id: str) -> dict[str, Any] | None:
        return self.shards.get(feed, chunk, article_id)

    def articles(self) -> list[Article]:
        """Every article in full (reads every body shard: for export and tests, not the reader)."""
        docs = self.headline_docs()  # first: it migrates an old store, flags included
        read, starred = self.flag_sets()
        out = []
        for doc in docs:
            feed = doc["feed"]
            for i, aid, record in self.shards.records(doc):
                out.append(to_article(feed, HeadlineTable.row(doc, i), record, aid in read, aid in starred))
        return out

    def article(self, article_id: str) -> Article | None:
        for doc in self.headline_docs():
            if article_id in doc["id"]:
                i = doc["id"].index(article_id)
                record = self.shards.get(doc["feed"], doc["chunk"][i], article_id)
                read, starred = self.flag_sets()
                return to_article(doc["feed"], HeadlineTable.row(doc, i), record, article_id in read, article_id in starred)
        return None

    def save_full_text(self, article_id: str, full: FullText) -> bool:
        """Keep the fetched page text of ``article_id`` beside its body (one shard rewritten).
        False when the article is no longer stored."""
        with self._locked(), self._editing():
            for doc in self.headline_docs():
                if article_id in doc["id"]:
                    feed, chunk = doc["feed"], doc["chunk"][doc["id"].index(article_id)]
                    stored = self.shards.read(feed, chunk)
                    if article_id not in stored:
                        return False
                    stored[article_id] = {**stored[article_id], "full": full_to_record(full)}
                    self.shards.write(feed, chunk, stored)
                    if full.ok and full.html:
                        # The page's words relate the article better than a teaser's: kept in a
                        # small file of their own (the details file is big; pages are few).
                        title = doc["title"][doc["id"].index(article_id)]
                        pages = self._pages_file.read() or {}
                        pages.setdefault("terms", {})[article_id] = digest_terms(title, html_to_line(full.html))
                        self._pages_file.write(pages)
                    return True
        return False

    def feed_stats(self) -> dict[str, tuple[int, datetime | None]]:
        """Per feed: how many articles are stored and the newest one's publication time."""
        out = {}
        for doc in self.headline_docs():
            dates = [p for p in doc["published"] if p is not None]
            out[doc["feed"]] = (len(doc["id"]), from_epoch(max(dates)) if dates else None)
        return {feed: stats for feed, stats in out.items() if stats[0]}

    # -- flags ---------------------------------------------------------------------------------

    def set_flags(self, ids: Iterable[str], *, read: bool | None = None, starred: bool | None = None) -> None:
        """Set read and/or starred on every article in ``ids``: one journal line, no rewrite."""
        try:
            self.flags.set(ids, read=read, starred=starred)
        except OSError as exc:
            raise StoreError(f"cannot write the flags of the store at {self.path}: {_why(exc)}") from exc

    # -- writing -------------------------------------------------------------------------------

    def upsert_articles(self, articles: Iterable[Article]) -> list[str]:
        """Insert new articles and update the content of known ones, keeping read/starred.
        Returns the ids of the articles that were new."""
        by_feed: dict[str, list[Article]] = {}
        for article in articles:
            by_feed.setdefault(article.feed, []).append(article)
        updates = [FeedUpdate(None, batch, feed=feed) for feed, batch in by_feed.items()]
        self.apply_refresh(updates)
        return [i for u in updates for i in u.new_ids]

    def prune(self, feed: str, keep: int) -> int:
        """Keep the newest ``keep`` articles of ``feed`` (starred ones always stay)."""
        update = FeedUpdate(None, (), keep=keep, feed=feed)
        with self._locked(), self._editing():
            return self._write([update], prune_only=True)

    def apply_refresh(self, updates: Sequence[FeedUpdate]) -> list[FeedStatus]:
        """Store what a refresh brought for several feeds at once.

        For each update: its articles are upserted (new ones inserted, content of known ones
        updated, flags kept), its retention applied, and its status saved with ``new_articles``
        set. Returns the saved statuses, in order, and fills each update's ``new_ids``.
        """
        with self._locked(), self._editing():
            self._write(updates)
            return self._save_statuses(updates)

    def _write(self, updates: Sequence[FeedUpdate], *, prune_only: bool = False,
               data: dict[str, Any] | None = None) -> int:
        if not prune_only and not any(u.articles for u in updates):
            return 0
        if data is None:
            data = self._storage.read() or {}
        table = HeadlineTable(data.setdefault(HEADLINES, {}))
        meta_docs = data.setdefault(META, {})
        meta = meta_docs.setdefault("1", {"format": FORMAT})
        details_data = self._details_file.read() or {}
        details = {doc["feed"]: doc for doc in details_data.setdefault(DETAILS_TABLE, {}).values()}
        had_rows = len(table) > 0
        added: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
        changed = False
        book = StoryBook(details, details_data)
        for update in updates:
            new_ids, touched = self._merge(table, update, added, details, details_data[DETAILS_TABLE], book)
            update.new_ids = tuple(new_ids)
            changed = changed or touched
        fingerprint = self.classifier.fingerprint if self.classifier else ""
        if changed and meta.get("rules", "") != fingerprint:
            # Rows matched by other rules (or none) are mixed in: Library will ask for a reindex.
            meta["rules"] = "" if had_rows else fingerprint
        with ExitStack() as stack:
            dropped = self._retention(table, updates, stack)
            for (feed, _), ids in dropped.items():
                feed_details = details.get(feed, {})
                book.dropped(feed_details.get("terms", {}).get(aid, "") for aid in ids)
                for name in DETAILS:
                    for aid in ids:
                        feed_details.get(name, {}).pop(aid, None)
            if not changed and not dropped:
                return 0
            book.finish(table.docs.values(), datetime.now(UTC).timestamp())
            # 1. new and changed bodies, 2. the headlines pointing at them, 3. details.
            for (feed, chunk), records in added.items():
                stored = self.shards.read(feed, chunk)
                for aid, record in records.items():
                    before = stored.get(aid)
                    if before and "full" in before and before.get("link") == record["link"]:
                        record["full"] = before["full"]  # the page's text outlives a feed edit
                stored.update(records)
                self.shards.write(feed, chunk, stored)
            gone = {aid for ids in dropped.values() for aid in ids}
            for update in updates:
                update.new_ids = tuple(i for i in update.new_ids if i not in gone)
            self._storage.write(data)
            self._details_file.write(details_data)
            self._copies_read(book.copies)
            # 4. bodies nobody points at any more, 5. their flags.
            for (feed, chunk), ids in dropped.items():
                stored = self.shards.read(feed, chunk)
                self.shards.write(feed, chunk, {k: v for k, v in stored.items() if k not in ids})
            if gone:
                self.flags.set(sorted(gone), forget=True)
                pages = self._pages_file.read() or {}
                if any(aid in gone for aid in pages.get("terms") or ()):
                    pages["terms"] = {k: v for k, v in pages["terms"].items() if k not in gone}
                    self._pages_file.write(pages)
        return len(gone)

    def _merge(self, table: HeadlineTable, update: FeedUpdate,
               added: dict[tuple[str, int], dict[str, dict[str, Any]]],
               details_by_feed: dict[str, dict[str, Any]], details_docs: dict[str, Any],
               book: StoryBook) -> tuple[list[str], bool]:
        if not update.articles:
            return [], False
        new_ids: list[str] = []
        changed = False
        docs: dict[str, tuple[dict[str, Any], dict[str, int]]] = {}
        oldest_kept = self._oldest_kept(table, update)
        now = datetime.now(UTC).timestamp()
        for article in {a.id: a for a in update.articles}.values():
            feed = table.feed_of(article.id) or article.feed
            if feed not in docs:
                doc = table.feed_doc(feed)
                docs[feed] = (doc, table.index(doc))
            doc, index = docs[feed]
            if article.id not in index and self._dropped_at_once(article, oldest_kept):
                # Retention would drop it again at once (a feed that lists more items than it
                # keeps): not stored, so not rewritten and dropped on every refresh.
                continue
            record = body_record(article)
            digest_of_body = body_hash(record)
            details = self._details_doc(details_by_feed, details_docs, feed)
            i = index.get(article.id)
            new = i is None
            chunk = table.open_chunk(doc) if new else doc["chunk"][i]
            row = headline_row(article, "" if new else doc["kw"][i], chunk)
            body_changed = new or digest_of_body != details["hash"].get(article.id)
            if body_changed or row["title"] != doc["title"][i]:
                old_terms = None if new else details["terms"].get(article.id)
                row["kw"], details["terms"][article.id] = self._digest(article, update)
                book.terms_changed(old_terms, details["terms"][article.id])
            if body_changed:
                details["hash"][article.id] = digest_of_body
                details["link"][article.id] = article.link
                details["canon"][article.id] = canonical_key(article.link, article.canonical)
                added.setdefault((feed, chunk), {})[article.id] = record
            if new:
                index[article.id] = len(doc["id"])
                table.append(doc, row)
                new_ids.append(article.id)
                book.added(article.id, doc, row["published"], details["canon"][article.id],
                           details["terms"][article.id], now)
                changed = True
            else:
                changed = table.update(doc, i, row) or body_changed or changed
        return new_ids, changed

    def _copies_read(self, copies: dict[str, str]) -> None:
        """New copies of articles already read are read too (one article, one read flag)."""
        if copies:
            read, _ = self.flags.current()
            ids = sorted(new for new, original in copies.items() if original in read)
            if ids:
                self.flags.set(ids, read=True)

    @staticmethod
    def _oldest_kept(table: HeadlineTable, update: FeedUpdate) -> tuple[float | None, float | None]:
        """(the publication time of the feed's ``keep``-th newest article when the feed is full,
        the ``max_age_days`` cutoff): a new article older than either would not survive."""
        cutoff = update.oldest_kept(datetime.now(UTC))
        doc = table.by_feed.get(update.feed)
        if update.keep is None or doc is None or len(doc["id"]) < update.keep:
            return None, cutoff
        dates = sorted((p for p in doc["published"] if p is not None), reverse=True)
        return (dates[update.keep - 1] if len(dates) >= update.keep else None), cutoff

    @staticmethod
    def _dropped_at_once(article: Article, bounds: tuple[float | None, float | None]) -> bool:
        full_at, cutoff = bounds
        when = article.published.timestamp() if article.published else None
        if full_at is not None and (when is None or when < full_at):
            return True  # undated articles count as the oldest, as retention orders them
        return cutoff is not None and when is not None and when < cutoff

    @staticmethod
    def _details_doc(by_feed: dict[str, dict[str, Any]], docs: dict[str, Any], feed: str) -> dict[str, Any]:
        """The feed's details document: id → related words, link, body digest."""
        doc = by_feed.get(feed)
        if doc is None:
            doc = by_feed[feed] = {"feed": feed}
            docs[str(max((int(k) for k in docs), default=0) + 1)] = doc
        for name in DETAILS:
            doc.setdefault(name, {})
        return doc

    def _digest(self, article: Article, update: FeedUpdate | None = None) -> tuple[str, str]:
        """(matched topic rules, related words): made by the parser if it could, else here."""
        made = update.digests.get(article.id) if update is not None and update.digests else None
        return made if made is not None else article_digest(article, self.classifier)

    def _retention(self, table: HeadlineTable, updates: Sequence[FeedUpdate],
                   stack: ExitStack) -> dict[tuple[str, int], set[str]]:
        """Drop what the updates' retention says, from ``table``; the dropped ids by shard.

        Applied to the feeds in ``updates`` whenever the headlines are written anyway. If
        anything is to go, the flag lock is taken (and held until the caller is done), so an
        article starred meanwhile in another process is never dropped."""
        rules: dict[str, tuple[int | None, float | None]] = {}
        now = datetime.now(UTC)
        for update in updates:
            oldest = update.oldest_kept(now)
            if update.keep is not None or oldest is not None:
                rules[update.feed] = (update.keep, oldest)
        if not rules:
            return {}
        candidates = {feed: table.retention(table.by_feed[feed], keep, oldest, set())
                      for feed, (keep, oldest) in rules.items() if feed in table.by_feed}
        if not any(candidates.values()):
            return {}
        stack.enter_context(self.flags.locked())
        starred = self.flags.starred()
        dropped: dict[tuple[str, int], set[str]] = {}
        for feed, drop in candidates.items():
            if not drop:
                continue
            doc = table.by_feed[feed]
            keep, oldest = rules[feed]
            drop = table.retention(doc, keep, oldest, starred)
            for i in drop:
                dropped.setdefault((feed, doc["chunk"][i]), set()).add(doc["id"][i])
            table.remove(doc, drop)
        return dropped

    def _save_statuses(self, updates: Sequence[FeedUpdate]) -> list[FeedStatus]:
        statuses = [u for u in updates if u.status is not None]
        if not statuses:
            return []
        status_data = self._status_storage.read() or {}
        feeds = status_data.setdefault(FEEDS, {})
        status_key = {doc["feed"]: key for key, doc in feeds.items()}
        next_key = max((int(k) for k in feeds), default=0) + 1
        saved = []
        for update in statuses:
            assert update.status is not None
            status = replace(update.status, new_articles=len(update.new_ids))
            key = status_key.get(status.feed)
            if key is None:
                key = status_key[status.feed] = str(next_key)
                next_key += 1
            feeds[key] = status_to_doc(status)
            saved.append(status)
        # Articles first, statuses second: killed in between, the next refresh just asks again
        # with the old validators and finds the articles already stored.
        self._status_storage.write(status_data)
        return saved

    def reindex(self, classifier: TopicClassifier | None = None) -> None:
        """Match every stored article against the topic rules again, and pick its related words
        again (after the rules changed): one pass over the body shards, one write."""
        if classifier is not None:
            self.classifier = classifier
        with self._locked(), self._editing():
            data = self._storage.read() or {}
            table = HeadlineTable(data.setdefault(HEADLINES, {}))
            details_docs: dict[str, Any] = {}
            old_data = self._details_file.read() or {}
            old_details = {d["feed"]: d for d in (old_data.get(DETAILS_TABLE) or {}).values()}
            for n, doc in enumerate(table.docs.values(), 1):
                feed = doc["feed"]
                digests: dict[str, str] = {}
                links: dict[str, str] = {}
                old = old_details.get(feed, {})
                for i, aid, record in self.shards.records(doc):
                    article = Article(aid, feed, doc["title"][i], summary=record.get("summary", ""),
                                      content=record.get("content", ""))
                    doc["kw"][i], digests[aid] = self._digest(article)
                    links[aid] = record.get("link", old.get("link", {}).get(aid, ""))
                details_docs[str(n)] = {
                    "feed": feed, "terms": digests, "link": links,
                    "hash": {aid: h for aid, h in (old.get("hash") or {}).items() if aid in digests},
                    "canon": {aid: c for aid, c in (old.get("canon") or {}).items() if aid in digests},
                }
            data.setdefault(META, {})["1"] = {
                "format": FORMAT, "rules": self.classifier.fingerprint if self.classifier else ""
            }
            self._storage.write(data)
            new_data: dict[str, Any] = {DETAILS_TABLE: details_docs}
            if isinstance(state := old_data.get(STATE), dict):  # the words changed: so do their counts
                stats = TermStats.of(d for doc in details_docs.values() for d in doc["terms"].values())
                new_data[STATE] = {**state, "n": stats.n, "df": stats.df}
            self._details_file.write(new_data)

    def _migrate(self, data: dict[str, Any]) -> None:
        """A store before 0.3 (one document per article, flags inside) into this layout, in the
        same crash-safe order as any write: the old file is replaced last."""
        legacy = [legacy_article(doc) for doc in (data.get(LEGACY_ARTICLES) or {}).values()]
        data.pop(LEGACY_ARTICLES, None)
        data.pop(FEEDS, None)
        data.setdefault(HEADLINES, {})
        read = [a.id for a in legacy if a.read]
        starred = [a.id for a in legacy if a.starred]
        self.flags.set(read, read=True)
        self.flags.set(starred, starred=True)
        by_feed: dict[str, list[Article]] = {}
        for article in legacy:
            by_feed.setdefault(article.feed, []).append(article)
        self._storage.forget()
        try:
            if by_feed:
                self._write([FeedUpdate(None, batch, feed=feed) for feed, batch in by_feed.items()],
                            data=data)
            else:  # nothing to move: the file just loses its old table
                self._storage.write(data)
        finally:
            self._storage.forget()

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
