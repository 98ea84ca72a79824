"""The articles as the reader and the CLI see them: loaded from the store, classified into topics,
filtered, counted and related. This is the seam between the core and its two front ends.

Built for 100,000 articles: the headlines are held in columns (one list per field, one row per
article, newest first) and a row becomes a :class:`Headline` object only when someone looks at it
(the headline list asks for the rows on screen). Filters return row numbers; unread counts per
topic are kept up to date as flags change instead of being counted again; a topic's rows are
found once and remembered; typing a search narrows the previous result. The full text of an
article is read from its body shard when it is opened (:meth:`Library.get`).
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from functools import reduce
from bisect import bisect_left
from itertools import compress, repeat
from operator import and_, contains, eq, or_
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from newstui.core.models import Article, Config
from newstui.core.related import RelatedIndex, RelatedStory
from newstui.core.store import Store
from newstui.core.store_records import from_epoch, to_article
from newstui.core.topics import TopicClassifier, normalise_topic

SMALL_STORE = 20_000
_FLIP = bytes.maketrans(b"\x00\x01", b"\x01\x00")  # up to this many articles, stale topic matches are redone at load


@dataclass(frozen=True, slots=True)
class Filter:
    """What the headline list shows. ``topic`` None means every topic."""

    topic: str | None = None
    starred: bool = False
    unread_only: bool = False
    query: str = ""
    feed: str | None = None

    def describe(self) -> str:
        parts = ["★ starred" if self.starred else (self.topic or "all")]
        if self.feed:
            parts.append(f"feed {self.feed}")
        if self.unread_only:
            parts.append("unread only")
        if self.query:
            parts.append(f"search “{self.query}”")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class TopicCount:
    name: str
    unread: int
    total: int


@dataclass(frozen=True, slots=True)
class Headline:
    """One row of the headline list: what it shows and what filters look at (no body; the link
    is :meth:`Library.link`)."""

    id: str
    feed: str
    title: str
    published: datetime | None
    categories: tuple[str, ...]
    topics: tuple[str, ...]
    read: bool
    starred: bool


def _names_of(names: list[str], m: int) -> tuple[str, ...]:
    out = []
    while m:
        low = m & -m
        out.append(names[low.bit_length() - 1])
        m ^= low
    return tuple(out)


def _settle_heap() -> None:
    """Tell the garbage collector the objects made so far are here to stay (``gc.freeze``).

    Every full collection walks every list and dict it tracks, item by item: with the columns of
    100,000 articles and the related index that took ~0.2 s, a pause that landed on a key press
    now and then. Frozen objects are skipped; they are still freed by reference counting when
    dropped (a snapshot and the related index hold no reference cycles, so nothing leaks).
    """
    gc.freeze()


class _Cache(dict):
    """A dict that fills itself: ``cache[key]`` computes ``make(key)`` once (at C speed after)."""

    def __init__(self, make) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key):
        value = self[key] = self._make(key)
        return value


class Snapshot:
    """Every headline of the store as columns, in the order of the store's documents, and
    :attr:`order`, the rows newest first. Built off the UI thread if need be; only flags and
    counts change after it is built.

    An article's topics are a bit mask (one bit per topic name): the feed's, its categories' and
    its keyword rules' masks or-ed together, each looked up in a cache. At 100,000 articles that
    is ~30 ms, where merging tuples of names took over a second.
    """

    def __init__(self, store: Store, classifier: TopicClassifier) -> None:
        gc_was = gc.isenabled()
        gc.disable()  # ~10^6 new objects: no point scanning them again and again while they come
        try:
            with store.reading():  # a refresh in another thread changes the cached documents
                self._build(store, classifier)
        finally:
            if gc_was:
                gc.enable()

    def _build(self, store: Store, classifier: TopicClassifier) -> None:
        self.stamp = store.headlines_stamp()
        docs = store.headline_docs()
        read_ids, starred_ids = store.flag_sets()
        self.ids: list[str] = []
        self.feeds: list[str] = []
        self.titles: list[str] = []
        self.published: list[float | None] = []
        self.categories: list[str] = []
        self.chunks: list[int] = []
        self.kws: list[str] = []
        kws = self.kws
        self._merge = classifier.merge
        for doc in docs:
            self.ids += doc["id"]
            self.feeds += [doc["feed"]] * len(doc["id"])
            self.titles += doc["title"]
            self.published += doc["published"]
            self.categories += doc["categories"]
            kws += doc["kw"]
            self.chunks += doc["chunk"]
        n = len(self.ids)
        # Newest first; equal dates keep the store's order (stable sort), which only appends.
        dates = [p or 0 for p in self.published]
        order = sorted(range(n), key=dates.__getitem__, reverse=True)
        self.order = order
        # Topic bits: the declared topics first, then as they come.
        self.bits: dict[str, int] = {}
        for name in classifier.declared:
            self.bits.setdefault(name, len(self.bits))

        def mask(names: Iterable[str]) -> int:
            m = 0
            for name in names:
                m |= 1 << self.bits.setdefault(name, len(self.bits))
            return m

        feed_mask = _Cache(lambda feed: mask(classifier.feed_topics(feed)))
        one_cat = _Cache(lambda cat: mask(classifier.category_topics(cat)))
        cat_mask = _Cache(lambda cats: reduce(or_, map(one_cat.__getitem__, cats.split("\x1f"))) if cats else 0)
        kw_mask = _Cache(lambda kw: mask(kw.split("\x1f") if kw else ()))
        # C-level maps over the columns; the caches compute a mask once per distinct value.
        listed = list(map(or_, map(feed_mask.__getitem__, self.feeds), map(cat_mask.__getitem__, self.categories)))
        matched = list(map(kw_mask.__getitem__, kws))
        self.masks = list(map(or_, listed, matched))
        self.names = sorted(self.bits, key=self.bits.__getitem__)
        names = self.names
        self._topics = _Cache(lambda m: _names_of(names, m))  # no reference back to self: no cycle
        self._row: dict[str, int] | None = None
        self.read = bytearray(map(read_ids.__contains__, self.ids)) if read_ids else bytearray(n)
        self.starred = bytearray(map(starred_ids.__contains__, self.ids)) if starred_ids else bytearray(n)
        self.starred_rows = {r for r, s in enumerate(self.starred) if s} if starred_ids else set()
        self._lows: list[str] | None = None
        self._pos: list[int] | None = None
        self._ordered_masks: list[int] | None = None
        self._ordered_feeds: list[str] | None = None
        self._topic_places: dict[str, list[int]] = {}
        self.total = self._count(listed, matched)
        read_count = self.read.count(1)
        if not read_count:
            self.unread = Counter(self.total)
        elif read_count > n // 2:  # count the few unread ones
            unread = self.read.translate(_FLIP)
            self.unread = self._count(list(compress(listed, unread)), list(compress(matched, unread)))
        else:  # all minus the few read ones
            self.unread = self.total - self._count(list(compress(listed, self.read)), list(compress(matched, self.read)))
        self.unread_all = self.read.count(0)

    def _count(self, listed: list[int], matched: list[int]) -> Counter[str]:
        """Articles per topic. An article's topics are the union of those its feed and
        categories give it (``listed``) and its keyword rules' (``matched``); the union is nearly
        unique per article, but each part takes few values, and so does their overlap: count
        each and subtract the overlap, |L ∪ M| = |L| + |M| - |L ∩ M|."""
        per_bit: Counter[int] = Counter()
        for masks, sign in ((listed, 1), (matched, 1), (list(map(and_, listed, matched)), -1)):
            for m, count in Counter(masks).items():
                while m:  # each topic bit of m, lowest first
                    low = m & -m
                    per_bit[low] += sign * count
                    m ^= low
        return +Counter({self.names[low.bit_length() - 1]: count for low, count in per_bit.items()})

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def row(self) -> dict[str, int]:
        """Article id → row (made when first asked: not needed for the first paint)."""
        if self._row is None:
            self._row = {aid: r for r, aid in enumerate(self.ids)}
        return self._row

    def topics(self, r: int) -> tuple[str, ...]:
        """Row ``r``'s topics: the feed's, then its categories', then its keyword rules'."""
        return self._merge(self.feeds[r], self.categories[r], self.kws[r])

    @property
    def lows(self) -> list[str]:
        """Lower-cased titles by display position (``lows[pos[r]]`` is row r's), for search.

        In display order on purpose: filters walk rows newest first, and the rows' own columns
        are in the store's (per feed) order, so walking them newest first jumps around memory,
        and 100,000 cache misses cost ~80 ms where a walk in memory order takes ~6 ms. Made on
        the first search, or in the background after the first paint (see Library.warm_up).
        """
        if self._lows is None:
            self._lows = [self.titles[r].lower() for r in self.order]
        return self._lows

    @property
    def pos(self) -> list[int]:
        """Row → its position newest first (the inverse of :attr:`order`)."""
        if self._pos is None:
            pos = [0] * len(self.order)
            for p, r in enumerate(self.order):
                pos[r] = p
            self._pos = pos
        return self._pos

    def _masks_in_order(self) -> list[int]:
        if self._ordered_masks is None:
            self._ordered_masks = self.in_order(self.masks)
        return self._ordered_masks

    def feeds_in_order(self) -> list[str]:
        if self._ordered_feeds is None:
            self._ordered_feeds = self.in_order(self.feeds)
        return self._ordered_feeds

    def topic_places(self, topic: str) -> list[int]:
        """The display positions of ``topic``'s articles (found once, then remembered)."""
        places = self._topic_places.get(topic)
        if places is None:
            bit = self.bits.get(topic)
            if bit is None:
                return []
            masks = self._masks_in_order()  # in display order: a walk in memory order, see lows
            places = self._topic_places[topic] = list(compress(range(len(self)), map(and_, masks, repeat(1 << bit))))
        return places

    def in_order(self, column: Sequence) -> list:
        """A per-row column, by display position."""
        return list(map(column.__getitem__, self.order))

    def headline(self, r: int) -> Headline:
        cats = self.categories[r]
        return Headline(
            id=self.ids[r], feed=self.feeds[r], title=self.titles[r],
            published=from_epoch(self.published[r]), categories=tuple(cats.split("\x1f")) if cats else (),
            topics=self.topics(r), read=bool(self.read[r]), starred=bool(self.starred[r]),
        )

    def set_flag(self, r: int, name: str, value: bool) -> None:
        column = self.read if name == "read" else self.starred
        if bool(column[r]) == value:
            return
        column[r] = value
        if name == "starred":
            (self.starred_rows.add if value else self.starred_rows.discard)(r)
        if name == "read":
            step = -1 if value else 1
            self.unread_all += step
            for t in self.topics(r):
                self.unread[t] += step


class HeadlineRows(Sequence[Headline]):
    """The headlines of one filter, made into objects only when read (the visible rows).

    Held as display positions (``snapshot.order[p]`` is the row at position p), ascending: a
    filter's result is a subsequence of the newest-first order."""

    def __init__(self, snapshot: Snapshot, places: Sequence[int]) -> None:
        self._snapshot = snapshot
        self.places = places

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, index):  # type: ignore[override]
        order, headline = self._snapshot.order, self._snapshot.headline
        if isinstance(index, slice):
            return [headline(order[p]) for p in self.places[index]]
        return headline(order[self.places[index]])

    def __iter__(self) -> Iterator[Headline]:
        order, headline = self._snapshot.order, self._snapshot.headline
        return (headline(order[p]) for p in self.places)

    def position(self, article_id: str) -> int | None:
        """Where ``article_id`` is in this list, if it is (a binary search)."""
        r = self._snapshot.row.get(article_id)
        if r is None:
            return None
        place = self._snapshot.pos[r]
        i = bisect_left(self.places, place)
        return i if i < len(self.places) and self.places[i] == place else None


class Library:
    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self._classifier = TopicClassifier(config)
        if store.classifier is None or store.classifier.fingerprint != self._classifier.fingerprint:
            store.classifier = self._classifier
        self._related: RelatedIndex | None = None
        self._links: dict[str, str] | None = None
        self._related_thread: threading.Thread | None = None
        self._related_lock = threading.Lock()
        self._flag_log: list[tuple[int, str, str, bool]] = []  # (seq, id, flag, value)
        self._seq = 0
        self._memo: tuple[Filter, Sequence[int]] | None = None
        self.snapshot = Snapshot(store, self._classifier)
        _settle_heap()
        if self.stale_topics and len(self.snapshot) <= SMALL_STORE:
            self.reindex()

    # -- loading -------------------------------------------------------------------------------

    @property
    def stale_topics(self) -> bool:
        """Whether the stored keyword matches were made with other topic rules than the config's
        (the rules were edited): :meth:`reindex` redoes them."""
        return bool(len(self.snapshot)) and self.store.rules_fingerprint() != self._classifier.fingerprint

    def reindex(self) -> None:
        """Match every article against the current topic rules again (reads every body)."""
        self.store.reindex(self._classifier)
        self.reload()

    def load(self) -> Snapshot:
        """Read the store into a new snapshot; safe to call from a worker thread. Hand the
        result to :meth:`install` on the thread that uses the library."""
        return Snapshot(self.store, self._classifier)

    def install(self, snapshot: Snapshot, since: int = 0) -> None:
        """Use ``snapshot`` from now on, with the flag changes made since ``since`` (a
        :attr:`flag_seq` taken before it was loaded) applied to it."""
        for seq, article_id, name, value in self._flag_log:
            if seq > since and (n := snapshot.row.get(article_id)) is not None:
                snapshot.set_flag(n, name, value)
        self._flag_log = [e for e in self._flag_log if e[0] > since]
        self.snapshot = snapshot
        self._memo = None
        self._links = None
        self._related = None
        self._related_thread = None
        _settle_heap()

    @property
    def flag_seq(self) -> int:
        return self._seq

    def reload(self) -> None:
        """Re-read every headline from the store (after a refresh, or another process's write)."""
        self.install(self.load(), since=self._seq)

    def changed_on_disk(self) -> bool:
        """Whether the headlines in the store changed since they were loaded (another process)."""
        return self.store.headlines_stamp() != self.snapshot.stamp

    def __len__(self) -> int:
        return len(self.snapshot)

    def headline(self, article_id: str) -> Headline | None:
        n = self.snapshot.row.get(article_id)
        return None if n is None else self.snapshot.headline(n)

    def get(self, article_id: str) -> Article | None:
        """The whole article (its body read from the store), with its topics."""
        snap = self.snapshot
        n = snap.row.get(article_id)
        if n is None:
            return None
        feed, chunk = snap.feeds[n], snap.chunks[n]
        record = self.store.body(feed, chunk, article_id)
        doc = {"id": [article_id], "title": [snap.titles[n]],
               "published": [snap.published[n]], "categories": [snap.categories[n]]}
        article = to_article(feed, doc, 0, record, bool(snap.read[n]), bool(snap.starred[n]))
        return replace(article, topics=snap.topics(n))

    def link(self, article_id: str) -> str:
        """The article's link ("" if it has none). The links are read from the store once, with
        the related index (after the first paint), or at the first call."""
        links = self._links
        if links is None:
            links = self._links = self.store.links()
        return links.get(article_id, "")

    def find(self, prefix: str) -> list[Headline]:
        """Articles whose id starts with ``prefix``."""
        snap = self.snapshot
        return [snap.headline(r) for r in snap.order if snap.ids[r].startswith(prefix)]

    # -- views ---------------------------------------------------------------------------------

    def headlines(self, view: Filter = Filter()) -> HeadlineRows:
        """Articles matching ``view``, newest first."""
        return HeadlineRows(self.snapshot, self._places(view))

    def _places(self, view: Filter) -> Sequence[int]:
        """The display positions of the articles ``view`` shows. Every filter is a C-level pass
        (compress over map) over columns in display order, walked in memory order: ~5 ms per
        100,000 articles, where a Python loop over rows took ~40-80 ms."""
        snap = self.snapshot
        query = view.query.lower()
        memo = self._memo
        places: Sequence[int]
        if (
            memo is not None and query and memo[0].query and query.startswith(memo[0].query.lower())
            and replace(memo[0], query="") == replace(view, query="")
        ):
            places = memo[1]  # typing on: the new matches are among the last ones
        else:
            if view.starred:
                places = list(compress(range(len(snap)), self._flags_in_order(snap.starred))) if snap.starred_rows else []
            elif view.topic:
                places = snap.topic_places(normalise_topic(view.topic))
            else:
                places = range(len(snap))
            if view.feed:
                feeds = snap.feeds_in_order()
                places = list(compress(places, map(eq, map(feeds.__getitem__, places), repeat(view.feed))))
            if view.unread_only:
                unread = self._flags_in_order(snap.read).translate(_FLIP)
                places = list(compress(places, map(unread.__getitem__, places)))
        if query:
            lows = snap.lows
            for word in query.split():
                found = map(contains, lows, repeat(word)) if isinstance(places, range) else \
                    map(contains, map(lows.__getitem__, places), repeat(word))
                places = list(compress(places, found))
        self._memo = (view, places)
        return places

    def _flags_in_order(self, column: bytearray) -> bytes:
        """A flag column (read or starred, by row), by display position."""
        return bytes(map(column.__getitem__, self.snapshot.order))

    def topic_counts(self) -> list[TopicCount]:
        """Every topic with unread and total counts: declared topics first, then by size."""
        snap = self.snapshot
        declared = list(self._classifier.declared)
        rest = sorted((t for t in snap.total if t not in declared), key=lambda t: (-snap.total[t], t))
        return [TopicCount(t, snap.unread[t], snap.total[t]) for t in [*declared, *rest]]

    def counts(self) -> tuple[TopicCount, TopicCount]:
        """(all articles, starred articles) with unread and total counts."""
        snap = self.snapshot
        starred = sum(1 for r in snap.starred_rows if not snap.read[r])
        return (
            TopicCount("all", snap.unread_all, len(snap)),
            TopicCount("starred", starred, len(snap.starred_rows)),
        )

    # -- related -------------------------------------------------------------------------------

    def index_related(self) -> None:
        """Start building the related-stories index in a thread (it is needed at the first
        open; at 100k articles building it takes a few hundred ms), and with it what the first
        search and the first open need (lower-cased titles, the id → row map)."""
        with self._related_lock:
            if self._related is None and self._related_thread is None:
                snapshot = self.snapshot
                self._related_thread = threading.Thread(
                    target=self._build_related, args=(snapshot,), name="newstui-related", daemon=True
                )
                self._related_thread.start()

    def _build_related(self, snapshot: Snapshot) -> None:
        snapshot.row, snapshot.lows, snapshot.pos, snapshot._masks_in_order()  # noqa: B018  (made now, not at a key press)
        links = self.store.links()
        index = RelatedIndex((aid, digest) for aid, digest in self.store.terms() if aid in snapshot.row)
        with self._related_lock:
            if self.snapshot is snapshot:
                self._related = index
                self._links = links
        _settle_heap()

    def wait_for_related(self, timeout: float | None = None) -> bool:
        """Wait for the related index being built in the background; whether it is ready."""
        thread = self._related_thread
        if thread is not None:
            thread.join(timeout)
        return self._related is not None

    def related(self, article_id: str, limit: int = 10) -> list[tuple[Headline, RelatedStory]]:
        if self._related is None:
            self.index_related()
            thread = self._related_thread
            if thread is not None:
                thread.join()
        index = self._related
        if index is None:
            return []
        out = []
        for story in index.related_to(article_id, limit):
            headline = self.headline(story.article_id)
            if headline is not None:
                out.append((headline, story))
        return out

    # -- flags ---------------------------------------------------------------------------------

    def set_flags(self, ids: Iterable[str], *, read: bool | None = None, starred: bool | None = None) -> None:
        """Persist first, then update memory, so what the reader shows is what is stored."""
        snap = self.snapshot
        ids = [i for i in ids if i in snap.row]
        self.store.set_flags(ids, read=read, starred=starred)
        for name, value in (("read", read), ("starred", starred)):
            if value is None:
                continue
            for article_id in ids:
                self._seq += 1
                self._flag_log.append((self._seq, article_id, name, value))
                snap.set_flag(snap.row[article_id], name, value)
        if self._memo is not None and (self._memo[0].unread_only or self._memo[0].starred):
            self._memo = None  # those rows depend on flags
