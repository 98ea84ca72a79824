"""The headline table: what the headline list needs, one TinyDB document per feed, in columns.

Per feed one document ``{"feed": name, "id": [...], "title": [...], ...}`` whose lists run in
step: row ``i`` of the feed is ``id[i]``, ``title[i]`` and so on. Columns of plain strings and
numbers, no object per article: orjson reads 100,000 rows of them in about 0.1 s, where one dict
per article took over a second (each dict is a container the garbage collector walks). Summaries
and bodies are not here: they live in body shards (:mod:`newstui.core.body_shards`), read one at a
time when an article is opened.

Columns
  id          the article id
  title       plain text
  published   seconds since the epoch (UTC), or None
  categories  the feed's categories for it, joined with U+001F (cleaned text never contains it)
  kw          the ``[topics.NAME]`` rules its title and summary matched, joined the same way
  chunk       which body shard of the feed holds its summary and text (see body_shards)
  story       its story cluster's number (see story_book; 0: its own story)
  dup         0, or the number its copies in other feeds share (one canonical link)

The link and a digest of the body (so a refresh knows unchanged bodies without reading a shard)
are in the details file with the related words, which the first paint does not read: links are a
third of the bytes of a headline.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

COLUMNS = ("id", "title", "published", "categories", "kw", "chunk", "story", "dup")
ADDED = ("story", "dup")  # columns stores before 0.5 lack: 0 for every row
SEP = "\x1f"
KEPT = ("chunk", "story", "dup")  # an update of a stored row leaves these as they are
CHUNK_ROWS = 64  # articles per body shard: opening one reads ~100-300 KB


def fill_columns(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with the columns older stores lack (zeros)."""
    for name in ADDED:
        if name not in doc:
            doc[name] = [0] * len(doc["id"])
    return doc


def empty_doc(feed: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"feed": feed}
    for name in COLUMNS:
        doc[name] = []
    return doc


class HeadlineTable:
    """The ``headlines`` table of the store file (key → feed document), changed in place."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs
        for doc in docs.values():
            fill_columns(doc)
        self.by_feed: dict[str, dict[str, Any]] = {doc["feed"]: doc for doc in docs.values()}
        self._next_key = max((int(k) for k in docs), default=0) + 1
        self._where: dict[str, str] | None = None  # article id → feed, built when first needed
        self._open: dict[int, list[int]] = {}  # id(doc) → [its newest chunk, rows in it]

    def feed_doc(self, feed: str) -> dict[str, Any]:
        doc = self.by_feed.get(feed)
        if doc is None:
            doc = self.by_feed[feed] = empty_doc(feed)
            self.docs[str(self._next_key)] = doc
            self._next_key += 1
        return doc

    def feed_of(self, article_id: str) -> str | None:
        if self._where is None:
            self._where = {aid: doc["feed"] for doc in self.docs.values() for aid in doc["id"]}
        return self._where.get(article_id)

    def __len__(self) -> int:
        return sum(len(doc["id"]) for doc in self.docs.values())

    # -- changes -------------------------------------------------------------------------------

    @staticmethod
    def row(doc: dict[str, Any], i: int) -> dict[str, Any]:
        """Row ``i`` of a feed's document, one value per column."""
        return {name: doc[name][i] for name in COLUMNS}

    @staticmethod
    def index(doc: dict[str, Any]) -> dict[str, int]:
        return {aid: i for i, aid in enumerate(doc["id"])}

    def open_chunk(self, doc: dict[str, Any]) -> int:
        """The feed's shard that takes new articles: the newest, until it holds CHUNK_ROWS.
        (Counted once per write and then kept up to date: a feed gaining thousands of articles
        at once, as when an old store is migrated, costs no pass per article.)"""
        state = self._open.get(id(doc))
        if state is None:
            chunks = doc["chunk"]
            newest = max(chunks, default=0)
            state = self._open[id(doc)] = [newest, chunks.count(newest)]
        return state[0] if state[1] < CHUNK_ROWS else state[0] + 1

    def append(self, doc: dict[str, Any], row: dict[str, Any]) -> None:
        for name in COLUMNS:
            doc[name].append(row[name])
        state = self._open.get(id(doc))
        if state is not None:
            if row["chunk"] == state[0]:
                state[1] += 1
            elif row["chunk"] > state[0]:
                state[0], state[1] = row["chunk"], 1
        if self._where is not None:
            self._where[row["id"]] = doc["feed"]

    @staticmethod
    def update(doc: dict[str, Any], i: int, row: dict[str, Any]) -> bool:
        """Set row ``i`` to ``row`` (its chunk is kept); whether anything changed."""
        changed = False
        for name in COLUMNS:
            if name not in KEPT and doc[name][i] != row[name]:
                doc[name][i] = row[name]
                changed = True
        return changed

    def remove(self, doc: dict[str, Any], drop: Iterable[int]) -> None:
        dropped = set(drop)
        if not dropped:
            return
        keep = [i for i in range(len(doc["id"])) if i not in dropped]
        if self._where is not None:
            for i in dropped:
                self._where.pop(doc["id"][i], None)
        for name in COLUMNS:
            column = doc[name]
            doc[name] = [column[i] for i in keep]
        self._open.pop(id(doc), None)

    @staticmethod
    def retention(
        doc: dict[str, Any], keep: int | None, oldest: float | None, starred: set[str]
    ) -> list[int]:
        """Rows past the newest ``keep`` or published before ``oldest`` (never a starred one)."""
        ids, published = doc["id"], doc["published"]
        if keep is None and oldest is None:
            return []
        order = sorted(range(len(ids)), key=lambda i: (published[i] or 0, ids[i]), reverse=True)
        drop = []
        for rank, i in enumerate(order):
            too_many = keep is not None and rank >= keep
            too_old = oldest is not None and published[i] is not None and published[i] < oldest
            if (too_many or too_old) and ids[i] not in starred:
                drop.append(i)
        return drop
