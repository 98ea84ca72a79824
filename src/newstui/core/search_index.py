"""The full-text search index: SQLite FTS5 over every article's title and text, in one file
beside the store (``newstui.search.sqlite``).

It is derived data: everything in it comes from the store and can be made again
(:meth:`SearchIndex.rebuild`), so a missing, damaged or outdated file is rebuilt, never mended,
and nothing is lost with it.

Layout
  ``docs_<gen>``    article id, feed and publication time, by an integer key never reused
  ``fts_<gen>``     FTS5 over (title, text), contentless (only the inverted index: ~1.4 KB per
                    article at 100,000, where keeping the text too took 3.8 KB), tokenizer
                    unicode61 with ``remove_diacritics 2``, no stemming (an exact phrase stays
                    exact, and what is highlighted is what was found:
                    :func:`newstui.core.search.highlight_spans`)
  ``titles_<gen>``  FTS5 over the titles alone, for the ranking (its lists are ~25 times shorter
                    than the titles' share of ``fts_<gen>``'s, which must be read whole)
  ``meta``          the live generation ``<gen>``, the store stamp it matches, dead rows, writes

A contentless FTS5 table can't delete a row without its old text, so a changed or dropped
article only loses its ``docs`` row; its index entries stay, dead (never answered: every key
FTS5 returns is looked up among the live ones), until the next rebuild, which :meth:`stale` asks
for when they pass a quarter of the live rows. A rebuild fills a new generation beside the live
one and switches over in one transaction: searches go on meanwhile.

Searching: FTS5 answers the words, phrases and exclusions with integer keys, at C speed
(``group_concat``: one string for orjson, not a Python object per match); the live documents,
newest first, are copied into memory (read again after any write, here or in another process:
:meth:`SearchIndex.warm`), where sets of documents are bit sets (Python ints), the qualifiers
are slices and masks, and the ranking is three passes of ``itertools.compress``. Joining the
keys with ``docs`` in SQL instead cost ~2 µs a match: 100-300 ms for a common word at 100,000.

Ranking: first the articles with every word and phrase of the query in the title, then those
with some of them there, then the rest; newest first within each. (FTS5's bm25 costs ~1.7 µs a
match: a word in half of 100,000 articles took 140 ms to rank, over the 50 ms budget, and it
lets year-old articles that repeat a word outrank today's.)

Threads: one :class:`SearchIndex` is shared; each thread gets its own connection, writes are
serialised by a lock, and WAL lets a search run while another thread or process writes. Another
process (``newstui refresh`` from cron) updates the same file; SQLite's locking keeps them apart.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from array import array
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar


from newstui.core import bitset
from newstui.core.search import Query
from newstui.core.search_docs import SPARSE, SearchResults, _Docs, _limited, _ranked_few, scatter
from newstui.core.text import html_to_line

if TYPE_CHECKING:
    from newstui.core.models import Article

__all__ = ["IndexUnavailable", "SearchIndex", "SearchRow", "article_row", "text_of"]

SCHEMA = 2  # PRAGMA user_version: bump when the tables, tokenizer or text change (forces a rebuild)
# Prefix indexes of a word's first 2 and 3 letters: a word being typed (``el*``) is looked up, not
# merged from every word it starts (at 100,000 articles "ze*" took 112 ms, 23 ms with them; the
# index grows from 142 to 291 MB there). 2: second schema, with them.
PREFIX_INDEX = "2 3"
TOKENIZER = "unicode61 remove_diacritics 2"
TEXT_CHARS = 60_000  # of an article's text indexed (a long page's first ~10,000 words)
DEAD_SHARE = 0.25  # dead rows past this share of the live ones (and DEAD_MIN): time to rebuild
DEAD_MIN = 2_000
BATCH = 2_000  # rows per transaction in a rebuild (the write lock is let go between them)
BUSY_MS = 5_000
WAL_LIMIT_BYTES = 8 * 1024 * 1024
_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)
_GENERATION = re.compile(r"(?:docs|fts|titles)_([0-9a-f]{8})")  # ours (FTS5 adds fts_<gen>_data...)
T = TypeVar("T")


class SearchRow(NamedTuple):
    """What the index keeps of an article (``text``: plain text, see :func:`text_of`)."""

    article_id: str
    feed: str
    title: str
    text: str
    published: float | None


class IndexUnavailable(Exception):
    """The index can't answer now (never built, or thrown away when found damaged): search the
    titles in memory meanwhile, and rebuild it (:meth:`SearchIndex.rebuild`) in the background."""


def text_of(summary: str = "", content: str = "", page: str = "") -> str:
    """An article's searchable text from its HTML: the fetched page's, the feed's full content
    and the summary, each left out when a longer one already holds it."""
    parts: list[str] = []
    for html in (page, content, summary):
        line = html_to_line(html) if html else ""
        if line and not any(line in kept for kept in parts):
            parts.append(line)
    return "\n".join(parts)[:TEXT_CHARS]


def article_row(article: Article) -> SearchRow:
    """The index row of an article (with its fetched page's text when it has one)."""
    full = article.full_text
    page = full.html if full is not None and full.ok and full.html else ""
    published = article.published.timestamp() if article.published else None
    return SearchRow(article.id, article.feed, article.title,
                     text_of(article.summary, article.content, page), published)


def _nfc(value: str) -> str:
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def _phrase(term: str) -> str:
    """One FTS5 string: whatever was typed is tokenized, never read as syntax."""
    return '"' + term.replace('"', '""') + '"'


def _parts(query: Query) -> list[str]:
    """The query's words and phrases as FTS5 strings, and its prefix (a word being typed) as
    ``"word"*``."""
    return [*map(_phrase, query.terms), *((_phrase(query.prefix) + "*",) if query.prefix else ())]


def _match(terms: Sequence[str], joiner: str) -> str:
    return f" {joiner} ".join(map(_phrase, terms))


class _Meta(NamedTuple):
    gen: str  # "" when never built
    stamp: str | None
    dead: int
    rows: int
    writes: int


class _Local(threading.local):
    conn: sqlite3.Connection | None = None
    epoch: int = -1
    inode: int = -1


class SearchIndex:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._local = _Local()
        self._write_lock = threading.Lock()
        self._rebuild_lock = threading.Lock()
        self._conns_lock = threading.Lock()
        self._conns: list[sqlite3.Connection] = []
        self._epoch = 0  # bumped when the file is thrown away: every thread reconnects
        self._docs: _Docs | None = None  # the live documents, as of its version
        self._docs_lock = threading.Lock()
        self.damage = ""  # why the file was last thrown away ("" if never)

    # -- connections ---------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (a new one after a reset here, or when another process
        replaced the file)."""
        local = self._local
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            inode = -2
        if local.conn is not None and local.epoch == self._epoch and local.inode == inode:
            return local.conn
        if local.conn is not None:
            self._forget(local.conn)
        conn = self._open()
        local.conn, local.epoch = conn, self._epoch
        local.inode = os.stat(self.path).st_ino
        return conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._check_length()
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=BUSY_MS / 1000)
            try:
                self._prepare(conn)
            except BaseException:
                conn.close()
                raise
        except sqlite3.DatabaseError as exc:
            if not _corrupt(exc):
                raise
            self._discard(str(exc))
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                   timeout=BUSY_MS / 1000)
            self._prepare(conn)
        with self._conns_lock:
            self._conns.append(conn)
        return conn

    def _check_length(self) -> None:
        """A file cut short (a copy, a full disk) is damaged, though SQLite would only notice
        when it reads a missing page: its header says how long it is."""
        try:
            size = os.path.getsize(self.path)
            if size == 0 or os.path.exists(f"{self.path}-wal") and os.path.getsize(f"{self.path}-wal"):
                return  # new, or pages still in the WAL: the header can't be compared yet
            with open(self.path, "rb") as handle:
                header = handle.read(100)
        except OSError:
            return
        if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
            raise _damaged("file is not a database")
        page = int.from_bytes(header[16:18], "big")
        page = 65536 if page == 1 else page
        pages = int.from_bytes(header[28:32], "big")
        if header[24:28] == header[92:96] and pages and pages * page > size:
            raise _damaged(f"the file is cut short ({size} of {pages * page} bytes)")

    def _prepare(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # a power cut may lose the last writes: stale, rebuilt
        # No mmap: mapped pages count in the reader's resident memory (73 MB after a day's searches
        # at 100,000 articles, the whole index while it is built) and reads were no faster.
        conn.execute("PRAGMA cache_size=-16000")
        # A checkpointed WAL is cut back to this; else it keeps the size of the largest write
        # (a rebuild: hundreds of MB beside the index for good).
        conn.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
        if version == SCHEMA:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            emptied = conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA  # new, or older
            if emptied:
                _drop_tables(conn, lambda name: True)
                conn.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value)")
                conn.execute(f"PRAGMA user_version={SCHEMA}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if emptied and conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
            # Free pages go back to the file system after a rebuild (see _shrink); the mode is
            # set by a VACUUM, cheap now that the tables are gone (an older index's pages freed).
            try:
                conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
                conn.execute("VACUUM")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the vacuumed file is in the WAL till then
            except sqlite3.OperationalError:  # another process is reading: next time
                pass

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._conns_lock:
            if conn in self._conns:
                self._conns.remove(conn)
        try:
            conn.close()
        except sqlite3.Error:
            pass

    def _discard(self, why: str) -> None:
        """Throw the damaged file away (the next connection starts an empty one)."""
        self.damage = why
        self._epoch += 1
        local = self._local
        if local.conn is not None:
            self._forget(local.conn)
            local.conn = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass

    def close(self) -> None:
        """Close every thread's connection (call when no other thread uses the index)."""
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._local = _Local()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state ---------------------------------------------------------------------------------

    @staticmethod
    def _meta(conn: sqlite3.Connection) -> _Meta:
        values = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return _Meta(values.get("gen") or "", values.get("stamp"), int(values.get("dead") or 0),
                     int(values.get("rows") or 0), int(values.get("writes") or 0))

    def stale(self, stamp: object = None) -> str:
        """Why the index should be rebuilt ("" when it needn't): ``"not built"`` (new, or thrown
        away when damaged: :meth:`search` can't answer until the rebuild), ``"the store
        changed"`` (``stamp``, the store's, is not the one the index was last brought up to:
        another process wrote without updating it, or a write failed half-way; searches still
        answer from the index as it is), ``"dead rows"`` (time to compact)."""
        try:
            meta = self._meta(self._conn())
        except sqlite3.DatabaseError as exc:
            if not _corrupt(exc):
                raise
            self._discard(str(exc))
            return "not built"
        if not meta.gen:
            return "not built"
        if stamp is not None and meta.stamp != str(stamp):
            return "the store changed"
        if meta.dead > max(DEAD_MIN, meta.rows * DEAD_SHARE):
            return "dead rows"
        return ""

    def __len__(self) -> int:
        """How many articles are indexed."""
        try:
            return self._meta(self._conn()).rows
        except sqlite3.DatabaseError:
            return 0

    # -- writing -------------------------------------------------------------------------------

    def update(self, rows: Iterable[SearchRow | tuple], remove: Iterable[str] = (), *,
               stamp: object = None, expect: object = None) -> bool:
        """Add or replace ``rows`` and drop the articles ``remove``, in one transaction.

        ``stamp`` (the store's after its write) is recorded with them; ``expect`` (the store's
        before it) must be the recorded one, else nothing is written (the index missed an earlier
        write: it is stale, and a rebuild will bring it up to date). Never raises for a problem
        of the index itself: returns whether it was updated. (The next search reads the live
        documents into memory again, ~0.3 s at 100,000: call :meth:`warm` after a refresh, from
        the worker, outside the store's lock.)"""
        rows = list({row[0]: row for row in rows}.values())  # an article listed twice: the last
        remove = list(remove)
        with self._write_lock:
            try:
                conn = self._conn()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    meta = self._meta(conn)
                    if not meta.gen or (expect is not None and meta.stamp != str(expect)):
                        conn.execute("ROLLBACK")
                        return False
                    gone = self._delete(conn, meta.gen, [*remove, *(r[0] for r in rows)])
                    added = self._insert(conn, meta.gen, rows, self._next_key(conn, meta.gen))
                    self._set(conn, dead=meta.dead + gone, rows=meta.rows - gone + added,
                              writes=meta.writes + 1, **({"stamp": str(stamp)} if stamp is not None else {}))
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                if isinstance(exc, sqlite3.DatabaseError) and _corrupt(exc):
                    self._discard(str(exc))
                return False
        return True

    def remove(self, ids: Iterable[str], *, stamp: object = None, expect: object = None) -> bool:
        """Drop these articles (retention); see :meth:`update`."""
        return self.update((), ids, stamp=stamp, expect=expect)

    def rebuild(self, rows: Iterable[SearchRow | tuple], *, stamp: object = None) -> int:
        """Index every article anew from ``rows`` (the whole store) and switch to it; returns how
        many were indexed. ``stamp`` is the store's, taken *before* ``rows`` is read (if the store
        changes meanwhile, :meth:`stale` says so and the next rebuild catches up).

        Written in batches beside the live index, which keeps answering searches until the
        switch. One rebuild at a time per process; of two processes rebuilding at once, the
        one that finishes last wins (the other one's tables are dropped)."""
        with self._rebuild_lock:
            gen = secrets.token_hex(4)
            with self._write_lock:
                conn = self._conn()
                conn.execute(f"CREATE TABLE docs_{gen}(key INTEGER PRIMARY KEY AUTOINCREMENT, "
                             "id TEXT NOT NULL UNIQUE, feed TEXT NOT NULL, published REAL)")
                for table, columns in ((f"fts_{gen}", "title, text"), (f"titles_{gen}", "title")):
                    conn.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({columns}, content='', "
                                 f"columnsize=0, prefix='{PREFIX_INDEX}', tokenize='{TOKENIZER}')")
            try:
                count = self._fill(gen, rows)
                with self._write_lock:
                    conn = self._conn()
                    for table in (f"fts_{gen}", f"titles_{gen}"):
                        conn.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")  # one segment each
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        _drop_tables(conn, lambda name: (m := _GENERATION.fullmatch(name)) is not None
                                     and m.group(1) != gen)
                        self._set(conn, gen=gen, dead=0, rows=count, writes=0,
                                  stamp=None if stamp is None else str(stamp))
                        conn.execute("COMMIT")
                    except BaseException:
                        conn.execute("ROLLBACK")
                        raise
                    self._shrink(conn)
            except BaseException:
                self._drop_quietly(gen)
                raise
            return count

    @staticmethod
    def _shrink(conn: sqlite3.Connection) -> None:
        """After a rebuild: the old generation's pages (as many as the index has) given back to
        the file system, and the WAL that wrote the new one checkpointed and cut back."""
        try:
            conn.executescript("PRAGMA incremental_vacuum;")  # execute() frees one page only
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:  # busy: the space is reused by the next writes
            pass

    def _fill(self, gen: str, rows: Iterable[SearchRow | tuple]) -> int:
        """Insert ``rows`` into the tables of generation ``gen``, a batch per transaction (an
        article listed twice is indexed once)."""
        count = 0
        seen: set[str] = set()
        it = iter(rows)
        while chunk := list(islice(it, BATCH)):
            batch = []
            for row in chunk:
                if row[0] not in seen:
                    seen.add(row[0])
                    batch.append(row)
            with self._write_lock:
                conn = self._conn()
                conn.execute("BEGIN IMMEDIATE")
                try:
                    count += self._insert(conn, gen, batch, count + 1)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        return count

    def _drop_quietly(self, gen: str) -> None:
        try:
            with self._write_lock:
                conn = self._conn()
                if self._meta(conn).gen != gen:
                    conn.execute(f"DROP TABLE IF EXISTS fts_{gen}")
                    conn.execute(f"DROP TABLE IF EXISTS titles_{gen}")
                    conn.execute(f"DROP TABLE IF EXISTS docs_{gen}")
        except sqlite3.Error:
            pass

    @staticmethod
    def _next_key(conn: sqlite3.Connection, gen: str) -> int:
        """The first key never used in ``docs_<gen>`` (a dead row's key keeps its index entries)."""
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name=?", (f"docs_{gen}",)).fetchone()
        return (row[0] if row and row[0] else 0) + 1

    @staticmethod
    def _insert(conn: sqlite3.Connection, gen: str, rows: Sequence[SearchRow | tuple], first: int) -> int:
        conn.executemany(f"INSERT INTO docs_{gen}(key, id, feed, published) VALUES(?, ?, ?, ?)",
                         [(first + i, r[0], r[1], r[4]) for i, r in enumerate(rows)])
        titles = [_nfc(r[2] or "") for r in rows]
        conn.executemany(f"INSERT INTO fts_{gen}(rowid, title, text) VALUES(?, ?, ?)",
                         [(first + i, titles[i], _nfc((r[3] or "")[:TEXT_CHARS])) for i, r in enumerate(rows)])
        conn.executemany(f"INSERT INTO titles_{gen}(rowid, title) VALUES(?, ?)",
                         [(first + i, title) for i, title in enumerate(titles)])
        return len(rows)

    @staticmethod
    def _delete(conn: sqlite3.Connection, gen: str, ids: Sequence[str]) -> int:
        if not ids:
            return 0
        cur = conn.execute(f"DELETE FROM docs_{gen} WHERE id IN (SELECT value FROM json_each(?))",
                           (json.dumps(list(ids)),))
        return cur.rowcount

    @staticmethod
    def _set(conn: sqlite3.Connection, **values: object) -> None:
        conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", list(values.items()))

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: Query, limit: int | None = None) -> SearchResults:
        """``(article id, relevance)`` of the articles matching the query's words, phrases and
        exclusions and its ``feed:``, ``before:`` and ``after:`` qualifiers, best first: relevance
        2.0 (every word and phrase in the title), 1.0 (some), 0.0 (none: only in the text, or a
        query without words), newest first within each, undated last. ``topic:`` is left to the
        caller (topics live in memory). Raises :class:`IndexUnavailable` when the index isn't
        built."""
        return self._read(lambda conn, gen, docs: self._search(conn, gen, docs, query, limit))

    def _search(self, conn: sqlite3.Connection, gen: str, docs: _Docs, query: Query,
                limit: int | None) -> SearchResults:
        n = docs.n
        lo, hi = docs.window(query)
        feed_passes = docs.feed_passes(query)
        terms = query.terms
        if terms or query.prefix:
            hits = docs.keys(self._keys(conn, f"fts_{gen}", self._expression(query)))
            parts = _parts(query)
            every = docs.keys(self._keys(conn, f"titles_{gen}", " AND ".join(parts)))
            some = docs.keys(self._keys(conn, f"titles_{gen}", " OR ".join(parts))) if len(parts) > 1 else every
            if len(hits) * SPARSE < n:
                return _ranked_few(docs, hits, some, every, lo, hi, feed_passes, limit)
            found = docs.bits(hits)
            in_all = docs.bits(every)
            in_some = docs.bits(some) if some is not every else in_all
        else:
            found = docs.everything
            if query.excluded:
                found ^= found & docs.bits(docs.keys(self._keys(conn, f"fts_{gen}", _match(query.excluded, "OR"))))
            in_all = in_some = 0
        if lo or hi < n:
            found &= docs.span(lo, hi)
        if feed_passes is not None:
            found &= docs.of_feeds(query) or 0
        bands = (found & in_all, found & in_some & ~in_all, found & ~in_some & ~in_all)
        places: list[int] = []
        counts = [0, 0, 0]
        for i, band in enumerate(bands):
            if limit is None or len(places) < limit:
                listed = docs.listed(band)
                places += listed
                counts[i] = len(listed)
        return _limited(SearchResults(docs, places, (counts[0], counts[1], counts[2])), limit)

    def match_sets(self, query: Query, placed: Callable[[_Docs], array], n: int) -> tuple[int, int, int]:
        """The articles matching the query's words, phrases and exclusions (not its qualifiers:
        the caller has them as sets already), those with every word and phrase in the title, and
        those with some: as sets of the caller's positions (:mod:`newstui.core.bitset`, ``n`` of
        them), ``placed(docs)`` giving each document key's position (-1: none). Two FTS5 queries
        and a pass over their keys: no list of matches is made, the caller lists the ones it
        shows. Raises :class:`IndexUnavailable` when the index isn't built."""

        def work(conn: sqlite3.Connection, gen: str, docs: _Docs) -> tuple[int, int, int]:
            at = placed(docs)
            if not (query.terms or query.prefix):  # exclusions only
                excluded = docs.keys(self._keys(conn, f"fts_{gen}", _match(query.excluded, "OR"))) if query.excluded else []
                return bitset.span(0, n) & ~scatter(excluded, at, n), 0, 0
            found = scatter(docs.keys(self._keys(conn, f"fts_{gen}", self._expression(query))), at, n)
            parts = _parts(query)
            in_all = scatter(docs.keys(self._keys(conn, f"titles_{gen}", " AND ".join(parts))), at, n)
            in_some = scatter(docs.keys(self._keys(conn, f"titles_{gen}", " OR ".join(parts))), at, n) if len(parts) > 1 else in_all
            return found, in_all, in_some

        return self._read(work)

    @staticmethod
    def _keys(conn: sqlite3.Connection, table: str, expression: str) -> str | None:
        """The FTS5 rowids matching ``expression``, as one comma-separated string."""
        return conn.execute(f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH ?",
                            (expression,)).fetchone()[0]

    def excluded(self, query: Query) -> set[str]:
        """The ids of every article with one of the query's excluded words or phrases (for a
        query of exclusions only, the caller drops these from its rows: cheaper than listing
        every other article)."""
        if not query.excluded:
            return set()

        def work(conn: sqlite3.Connection, gen: str, docs: _Docs) -> set[str]:
            places = docs.places(docs.keys(self._keys(conn, f"fts_{gen}", _match(query.excluded, "OR"))))
            return {docs.ids[p] for p in places if p < docs.n}

        return self._read(work)

    def ids(self) -> set[str]:
        """The ids of every article the index holds (raises :class:`IndexUnavailable` when it
        isn't built)."""
        return self._read(lambda conn, gen, docs: set(docs.ids))

    def documents(self) -> _Docs:
        """The live documents searches place their matches among (raises
        :class:`IndexUnavailable` when the index isn't built)."""
        return self._read(lambda conn, gen, docs: docs)

    def feeds(self) -> list[str]:
        """Every feed with an article in the index."""
        return self._read(lambda conn, gen, docs: list(docs.feeds))

    def warm(self) -> None:
        """Load what a search needs (the live documents, in memory) now, from a worker thread,
        so that the next search doesn't wait for it: after opening, and after another process
        wrote (the reader's reload)."""
        try:
            self._read(lambda conn, gen, docs: None)
        except (IndexUnavailable, sqlite3.Error):
            pass

    @staticmethod
    def _expression(query: Query) -> str:
        """The FTS5 MATCH expression of the query's text (it has a word or phrase): every
        term quoted, so nothing typed is read as FTS5 syntax (``AND``, ``NEAR(``, ``*``, ``^``)."""
        positive = "(" + " AND ".join(_parts(query)) + ")"
        if query.excluded:
            return f"{positive} NOT ({_match(query.excluded, 'OR')})"
        return positive

    def _read(self, work: Callable[[sqlite3.Connection, str, _Docs], T]) -> T:
        """Run ``work(conn, generation, live documents)`` in one read transaction: a snapshot, so
        a write or a rebuild's switch meanwhile changes nothing it sees."""
        try:
            conn = self._conn()
            conn.execute("BEGIN")
            try:
                meta = self._meta(conn)
                if not meta.gen:
                    raise IndexUnavailable("the search index is not built yet")
                docs = self._docs
                version = (meta.gen, meta.writes)
                if docs is None or docs.version != version:
                    with self._docs_lock:
                        docs = self._docs
                        if docs is None or docs.version != version:
                            rows = conn.execute(f"SELECT key, id, feed, published FROM docs_{meta.gen}").fetchall()
                            docs = self._docs = _Docs(version, rows, self._next_key(conn, meta.gen) - 1)
                return work(conn, meta.gen, docs)
            finally:
                conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if not _corrupt(exc):
                raise
            self._discard(str(exc))
            raise IndexUnavailable(f"the search index was damaged ({exc}) and must be rebuilt") from exc


def _drop_tables(conn: sqlite3.Connection, drop: Callable[[str], bool]) -> None:
    """Drop the tables whose name ``drop`` accepts (an FTS5 table with its own tables)."""
    found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    names = sorted(((name, (sql or "").upper().startswith("CREATE VIRTUAL")) for name, sql in found.fetchall()),
                   key=lambda pair: not pair[1])  # FTS5 tables first: they drop their own tables
    for name, _ in names:
        if drop(name):
            conn.execute(f'DROP TABLE IF EXISTS "{name.replace(chr(34), chr(34) * 2)}"')


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _damaged(why: str) -> sqlite3.DatabaseError:
    exc = sqlite3.DatabaseError(why)
    exc.sqlite_errorcode = 11  # type: ignore[attr-defined]
    return exc
