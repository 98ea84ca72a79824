"""The live documents of a search index in memory, and how a search's matches become ranked
results (used by :mod:`newstui.core.search_index`): FTS5 answers which documents match, as
integer keys; here the keys become positions newest first, the qualifiers become slices and
masks, and the ranking is three passes of ``itertools.compress``."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from collections import deque
from itertools import compress, repeat

import orjson

from newstui.core import bitset
from newstui.core.search import Query

SPARSE = 8  # matches fewer than 1 in SPARSE articles are sorted, not masked

class SearchResults(Sequence[tuple[str, float]]):
    """The matches of a search, best first, as ``(article id, relevance)`` pairs (made when
    read: a common word matches tens of thousands). ``places`` holds their positions among the
    index's documents (``docs``), ``ids`` their ids (made when first read), in the same order;
    ``counts`` how many have relevance 2.0, 1.0 and 0.0."""

    __slots__ = ("_ids", "counts", "docs", "places")

    def __init__(self, docs: _Docs, places: list[int], counts: tuple[int, int, int]) -> None:
        self.docs = docs
        self.places = places
        self.counts = counts
        self._ids: list[str] | None = None

    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            self._ids = list(map(self.docs.ids.__getitem__, self.places))
        return self._ids

    def rank(self, i: int) -> float:
        """The relevance of the ``i``-th match."""
        i = i + len(self.places) if i < 0 else i
        return 2.0 if i < self.counts[0] else 1.0 if i < self.counts[0] + self.counts[1] else 0.0

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, i):  # type: ignore[override]
        ids = self.docs.ids
        if isinstance(i, slice):
            return [(ids[self.places[j]], self.rank(j)) for j in range(*i.indices(len(self.places)))]
        return (ids[self.places[i]], self.rank(i))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"SearchResults({list(self[:5])}{'...' if len(self) > 5 else ''}, {len(self)} in all)"


class _Docs:
    """The live documents of one version of the index, newest first (undated last): by position,
    their ids, keys, feeds and dates; by key, their position.

    A set of documents is a Python int used as a bit set: byte p is 1 when the document at
    position p is in (``int.from_bytes``: the operations on sets are then C loops over 100 KB,
    microseconds, and ``compress(ids, bits.to_bytes())`` lists the ids in order)."""

    def __init__(self, version: tuple[str, int], rows: list[tuple[int, str, str, float | None]], top: int) -> None:
        self.version = version
        rows.sort(key=lambda r: -math.inf if r[3] is None else r[3], reverse=True)
        self.n = n = len(rows)
        ids = [r[1] for r in rows]
        joined = "\x1f".join(ids)
        if joined.count("\x1f") == n - 1:
            # New strings, made one after the other: walking them is walking memory in order
            # (the ones from SQLite, sorted, are all over the heap: ~10 ms more a pass).
            ids = joined.split("\x1f")
        self.ids = ids
        self.order = array("q", [r[0] for r in rows]).tolist()  # keys by position (new ints, in order)
        self.newest_first = [math.inf if r[3] is None else -r[3] for r in rows]  # ascending
        names: dict[str, int] = {}
        self.feed_of = [names.setdefault(r[2], len(names)) for r in rows]
        self.feeds = list(names)
        pos = [n] * (max(top, max(self.order, default=0)) + 1)
        for p, key in enumerate(self.order):  # key → position; a dead key → n, past the end
            pos[key] = p
        # An array, not a list: reading it for a search's keys (in key order, which is not the
        # positions') then touches no int object scattered over the heap: ~35% faster.
        self.pos = array("q", pos)
        self.everything = self.span(0, n)
        self._feed_bits: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}

    @staticmethod
    def keys(joined: str | None) -> list[int]:
        """The keys in ``joined`` (``group_concat`` of FTS5 rowids: orjson reads them 6 times
        faster than ``map(int, split)``)."""
        return orjson.loads(f"[{joined}]") if joined else []

    def places(self, keys: list[int]) -> list[int]:
        """The positions of ``keys``; n for dead keys and keys written after this copy was
        made (by another process: not live here yet)."""
        top = len(self.pos)
        return [self.pos[k] if k < top else self.n for k in keys]

    def bits(self, keys: list[int]) -> int:
        """The documents with these keys (the dead ones and unknown ones left out)."""
        if not keys:
            return 0
        mask = bytearray(self.n + 1)
        try:  # two C loops, mask[pos[key]] = 1
            deque(map(mask.__setitem__, map(self.pos.__getitem__, keys), repeat(1)), maxlen=0)
        except IndexError:  # a key written after this copy was made (by another process)
            for p in self.places(keys):
                mask[p] = 1
        return int.from_bytes(mask[: self.n], "big")

    def of_feeds(self, query: Query) -> int | None:
        """The documents of the feeds ``feed:`` and ``-feed:`` let through (None: no such
        qualifier); remembered, as a search typed letter by letter asks again and again."""
        if not (query.feeds or query.not_feeds):
            return None
        key = (query.feeds, query.not_feeds)
        found = self._feed_bits.get(key)
        if found is None:
            passes = [int(query.feed_ok(name)) for name in self.feeds]
            found = int.from_bytes(bytes(map(passes.__getitem__, self.feed_of)), "big")
            if len(self._feed_bits) > 16:
                self._feed_bits.clear()
            self._feed_bits[key] = found
        return found

    def span(self, lo: int, hi: int) -> int:
        """The documents at positions lo to hi - 1."""
        return int.from_bytes(bytes(lo) + b"\x01" * (hi - lo) + bytes(self.n - hi), "big")

    def listed(self, bits: int) -> list[int]:
        """The positions of the documents in ``bits``, newest first."""
        return list(compress(range(self.n), bits.to_bytes(self.n, "big"))) if bits else []

    def window(self, query: Query) -> tuple[int, int]:
        """The positions ``after:`` and ``before:`` leave: one slice, as the documents are
        newest first (undated ones, last, never pass)."""
        lo, hi = 0, self.n
        if query.before is not None:
            lo = bisect_right(self.newest_first, -query.before)  # published < before
        if query.after is not None:
            hi = bisect_right(self.newest_first, -query.after)  # published >= after
        if query.before is not None or query.after is not None:
            hi = min(hi, bisect_left(self.newest_first, math.inf))
        return lo, max(lo, hi)

    def feed_passes(self, query: Query) -> list[int] | None:
        """Per feed number, 1 if ``feed:``/``-feed:`` let it through (None: no such qualifier)."""
        if not (query.feeds or query.not_feeds):
            return None
        return [int(query.feed_ok(name)) for name in self.feeds]


def scatter(keys: list[int], at: array, n: int) -> int:
    """The set (:mod:`newstui.core.bitset`) of the positions ``at[key]`` of ``keys``, below
    ``n`` (a position of -1, or a key ``at`` doesn't have, is left out): two C loops."""
    mask = bytearray(n + 1)  # the last byte takes the -1s
    try:
        deque(map(mask.__setitem__, map(at.__getitem__, keys), repeat(1)), maxlen=0)
    except IndexError:  # a key written after ``at`` was made (by another process)
        top = len(at)
        for key in keys:
            if key < top:
                mask[at[key]] = 1
    return bitset.pack_column(mask[:n])


def _ranked_few(docs: _Docs, hits: list[int], some: list[int], every: list[int], lo: int, hi: int,
                feed_passes: list[int] | None, limit: int | None) -> SearchResults:
    """A search's results when it has few matches: their positions sorted (a bit set would
    cost a pass over every document)."""
    places = sorted(p for p in docs.places(hits) if lo <= p < hi)
    if feed_passes is not None:
        places = [p for p in places if feed_passes[docs.feed_of[p]]]
    in_all, in_some = set(docs.places(every)), set(docs.places(some))
    bands = ([p for p in places if p in in_all],
             [p for p in places if p in in_some and p not in in_all],
             [p for p in places if p not in in_all and p not in in_some])
    found = SearchResults(docs, [p for band in bands for p in band], (len(bands[0]), len(bands[1]), len(bands[2])))
    return _limited(found, limit)


def _limited(found: SearchResults, limit: int | None) -> SearchResults:
    return found if limit is None else SearchResults(found.docs, found.places[: max(0, limit)], _cut(found.counts, limit))


def _cut(counts: tuple[int, int, int], limit: int) -> tuple[int, int, int]:
    """The band counts of the first ``limit`` results."""
    left = max(0, limit)
    out = []
    for count in counts:
        out.append(min(count, left))
        left -= out[-1]
    return out[0], out[1], out[2]
