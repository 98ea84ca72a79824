"""The headlines of the store in memory, built for 100,000 articles (used by :mod:`library`).

Columns (one list per field, one row per article, in the store's order) and :attr:`Snapshot.order`,
the rows newest first; a row becomes a :class:`Headline` only when someone looks at it (the
headline list asks for the rows on screen, through :class:`HeadlineRows`). Topics are bit masks,
counted per source at load and kept up to date as flags change.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import reduce
from typing import Any
from itertools import compress, repeat
from operator import and_, or_

from newstui.core import bitset
from newstui.core.search import folded_words
from newstui.core.store import Store
from newstui.core.store_records import from_epoch
from newstui.core.topics import MUTED, TopicClassifier

FLIP = bytes.maketrans(b"\x00\x01", b"\x01\x00")  # read <-> unread, over a bytes column
MANY_FLAGS = 256  # rows whose flags change at once, above which the counts follow by sets


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
    story: int = 0  # its story cluster (0: a story of its own)
    copies: int = 1  # the same article (one canonical link) through this many feeds
    grouped: int = 0  # in a view that groups stories: the articles this row stands for (0: not a group)
    sources: int = 1  # ...and the feeds they come from
    since: datetime | None = None  # ...and when the first of them was published
    member: bool = False  # a row of an opened group, shown under its first row


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
        self.stories: list[int] = []
        self.dups: list[int] = []
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
            self.stories += doc["story"] if "story" in doc else [0] * len(doc["id"])  # stores before 0.5
            self.dups += doc["dup"] if "dup" in doc else [0] * len(doc["id"])
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
        kw_mask = _Cache(lambda kw: mask(classifier.matched_topics(kw)))
        # C-level maps over the columns; the caches compute a mask once per distinct value.
        feeds = self.feeds
        cat_masks = map(cat_mask.__getitem__, self.categories)
        if any(not classifier.uses_categories(f) for f in set(feeds)):  # feeds whose categories don't count
            cat_masks = map(and_, cat_masks, map(_Cache(lambda f: -1 if classifier.uses_categories(f) else 0)
                                                 .__getitem__, feeds))
        listed = list(map(or_, map(feed_mask.__getitem__, feeds), cat_masks))
        matched = list(map(kw_mask.__getitem__, kws))
        if any(classifier.excluded_topics(f) for f in set(feeds)):  # topics a feed's articles never get
            keep = _Cache(lambda f: ~mask(classifier.excluded_topics(f)))
            listed = list(map(and_, listed, map(keep.__getitem__, feeds)))
            matched = list(map(and_, matched, map(keep.__getitem__, feeds)))
        self.masks = list(map(or_, listed, matched))
        # Muted: by a [mute] feed, or a keyword or regex the store matched (an entry of kws).
        muted_feed = _Cache(classifier.muted_feed)
        muted_kw = _Cache(lambda kw: MUTED in kw)
        self.muted = bytearray(map(or_, map(muted_feed.__getitem__, feeds), map(muted_kw.__getitem__, kws)))
        self.muted_rows = set(compress(range(n), self.muted))
        self.names = sorted(self.bits, key=self.bits.__getitem__)
        self._row: dict[str, int] | None = None
        self.read = bytearray(map(read_ids.__contains__, self.ids)) if read_ids else bytearray(n)
        self.starred = bytearray(map(starred_ids.__contains__, self.ids)) if starred_ids else bytearray(n)
        self.starred_rows = {r for r, s in enumerate(self.starred) if s} if starred_ids else set()
        self._copies: dict[int, list[int]] | None = None
        self._story_rows: dict[int, list[int]] | None = None
        self._lows: list[str] | None = None
        self._folded: list[str] | None = None
        self._pos: list[int] | None = None
        self._in_order: dict[str, list] = {}
        self._topic_places: dict[str, list[int]] = {}
        self._topic_bits: dict[str, int] | None = None
        self._topic_sets: dict[str, int] = {}  # a topic's positions as a set, before topic_bits is made
        self._date_keys: list[float] | None = None
        self._story_bits: int | None = None
        self._undated: list[int] | None = None
        self.guessed: dict[int, tuple[tuple[str, str], ...]] = {}  # row → suggested (topic, reason)
        self._flag_columns: dict[str, bytearray] = {}
        # An article stored through several feeds (copies) is counted once, as its newest copy;
        # a muted one is not counted.
        self.secondary: set[int] = set()
        read = self.read
        if any(self.dups):
            for rows in self.copies.values():
                first = min(rows, key=lambda r: (-dates[r], r))  # the first of them newest first
                self.secondary.update(r for r in rows if r != first)
        if self.secondary or self.muted_rows:
            counted = bytearray(b"\x01") * n
            for r in self.secondary | self.muted_rows:
                counted[r] = 0
            listed, matched = list(compress(listed, counted)), list(compress(matched, counted))
            read = bytearray(compress(read, counted))
        self.total = self._count(listed, matched)
        read_count = read.count(1)
        if not read_count:
            self.unread = Counter(self.total)
        elif read_count > len(read) // 2:  # count the few unread ones
            unread = read.translate(FLIP)
            self.unread = self._count(list(compress(listed, unread)), list(compress(matched, unread)))
        else:  # all minus the few read ones
            self.unread = self.total - self._count(list(compress(listed, read)), list(compress(matched, read)))
        self.unread_all = read.count(0)

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

    @property
    def copies(self) -> dict[int, list[int]]:
        """Copy group number → its rows (groups of one article stored through several feeds)."""
        if self._copies is None:
            groups: dict[int, list[int]] = {}
            dups = self.dups
            for r in compress(range(len(dups)), dups):
                groups.setdefault(dups[r], []).append(r)
            self._copies = groups
        return self._copies

    def copies_of(self, r: int) -> list[int]:
        """Row ``r`` and the rows of its copies."""
        d = self.dups[r]
        return self.copies.get(d, [r]) if d else [r]

    @property
    def story_rows(self) -> dict[int, list[int]]:
        """Story number → its rows, newest first, for the stories of more than one article."""
        if self._story_rows is None:
            sizes = Counter(self.stories)
            sizes.pop(0, None)
            shared = {s for s, n in sizes.items() if n > 1}
            rows: dict[int, list[int]] = {}
            stories = self.in_order("stories")
            for p in compress(range(len(stories)), map(shared.__contains__, stories)):
                rows.setdefault(stories[p], []).append(self.order[p])
            self._story_rows = rows
        return self._story_rows

    def story_of(self, r: int) -> list[int]:
        """The rows of row ``r``'s story, newest first (just ``[r]`` for a story of its own)."""
        s = self.stories[r]
        return self.story_rows.get(s, [r]) if s else [r]

    def topics(self, r: int) -> tuple[str, ...]:
        """Row ``r``'s topics: the feed's, then its categories', then its keyword rules' (or
        the ones suggested for it, :meth:`add_topics`)."""
        guessed = self.guessed.get(r)
        if guessed:
            return tuple(t for t, _ in guessed)
        return self._merge(self.feeds[r], self.categories[r], self.kws[r])

    def add_topics(self, guessed: dict[int, tuple[tuple[str, str], ...]]) -> None:
        """Give rows without topics the ``(topic, reason)`` pairs suggested for them
        (:mod:`newstui.core.topic_guess`): their masks, the counts and the cached columns."""
        for r, pairs in guessed.items():
            if self.masks[r] or r in self.guessed:
                continue
            self.guessed[r] = pairs
            for topic, _ in pairs:
                self.masks[r] |= 1 << self.bits.setdefault(topic, len(self.bits))
                if r not in self.secondary and r not in self.muted_rows:
                    self.total[topic] += 1
                    if not self.read[r]:
                        self.unread[topic] += 1
        self.names = sorted(self.bits, key=self.bits.__getitem__)
        self._in_order.pop("masks", None)
        self._topic_places.clear()
        self._topic_bits = None
        self._topic_sets.clear()

    @property
    def lows(self) -> list[str]:
        """Lower-cased titles by display position (``lows[pos[r]]`` is row r's), for search.

        In display order on purpose: filters walk rows newest first, and the rows' own columns
        are in the store's (per feed) order, so walking them newest first jumps around memory,
        and 100,000 cache misses cost ~80 ms where a walk in memory order takes ~6 ms. Made on
        the first search, or in the background after the first paint (Library.index_related).
        """
        if self._lows is None:
            self._lows = [self.titles[r].lower() for r in self.order]
        return self._lows

    @property
    def folded_titles(self) -> list[str]:
        """Each title's folded words as " a b " by display position: what a search looks in
        while the search index is being built (made then, in its thread, before the index)."""
        if self._folded is None:
            titles = self.titles
            self._folded = [f" {folded_words(titles[r])} " for r in self.order]
        return self._folded

    @property
    def pos(self) -> list[int]:
        """Row → its position newest first (the inverse of :attr:`order`)."""
        if self._pos is None:
            pos = [0] * len(self.order)
            for p, r in enumerate(self.order):
                pos[r] = p
            self._pos = pos
        return self._pos

    def in_order(self, name: str) -> list:
        """A column that does not change (``"masks"``, ``"feeds"``), by display position: made
        once, so filters walk it in memory order (see :attr:`lows`)."""
        column = self._in_order.get(name)
        if column is None:
            column = self._in_order[name] = list(map(getattr(self, name).__getitem__, self.order))
        return column

    def in_order_flags(self, name: str) -> bytearray:
        """The ``"read"`` or ``"starred"`` flags by display position: made once, then kept up to
        date by :meth:`set_flag`."""
        column = self._flag_columns.get(name)
        if column is None:
            column = self._flag_columns[name] = bytearray(map(getattr(self, name).__getitem__, self.order))
        return column

    def flags_in_order(self, column: bytearray) -> bytes:
        """A flag column (read or starred, by row), by display position (made each time: flags
        change)."""
        return bytes(map(column.__getitem__, self.order))

    def topic_places(self, topic: str) -> list[int]:
        """The display positions of ``topic``'s articles (found once, then remembered): from
        its set once :attr:`topic_bits` is made (~2 ms at 100,000 articles), else by a pass over
        the masks (~8 ms)."""
        places = self._topic_places.get(topic)
        if places is None:
            bit = self.bits.get(topic)
            if bit is None:
                return []
            if self._topic_bits is not None:
                places = self._topic_places[topic] = bitset.unpack(self._topic_bits.get(topic, 0))
                return places
            masks = self.in_order("masks")
            places = self._topic_places[topic] = list(compress(range(len(self)), map(and_, masks, repeat(1 << bit))))
        return places

    @property
    def date_keys(self) -> list[float]:
        """Minus the publication time by display position (undated: 0), ascending as the
        positions are newest first: a date range is one slice of positions, found by bisection."""
        if self._date_keys is None:
            self._date_keys = [-(p or 0.0) for p in self.in_order("published")]
        return self._date_keys

    def date_window(self, after: float | None, before: float | None) -> tuple[int, int, list[int]]:
        """The positions published at or after ``after`` and before ``before``: ``lo`` to
        ``hi - 1``, less the undated positions it also holds (returned too, ascending)."""
        keys = self.date_keys
        lo = 0 if before is None else bisect_right(keys, -before)
        hi = len(keys) if after is None else bisect_right(keys, -after)
        if self._undated is None:
            self._undated = [p for p, t in enumerate(self.in_order("published")) if t is None]
        undated = self._undated
        return lo, max(lo, hi), undated[bisect_left(undated, lo):bisect_left(undated, hi)]

    @property
    def story_bits(self) -> int:
        """The positions of the articles in stories of several (a set, :mod:`bitset`)."""
        if self._story_bits is None:
            shared = self.story_rows
            self._story_bits = bitset.pack_column(bytes(map(shared.__contains__, self.in_order("stories"))))
        return self._story_bits

    @property
    def topic_bits(self) -> dict[str, int]:
        """Each topic's articles as a set of display positions (:mod:`newstui.core.bitset`):
        made once (~0.1 s at 100,000 articles: in the background after the first paint), so that
        counting a topic's articles among any filter's is one ``&`` and a ``bit_count``."""
        if self._topic_bits is None:
            self._topic_bits = dict(zip(self.names, bitset.columns(self.in_order("masks"), len(self.names))))
        return self._topic_bits

    def topic_set(self, topic: str) -> int:
        """``topic``'s positions as a set (from :attr:`topic_bits` once made: a topic clicked
        before then costs its positions alone)."""
        if self._topic_bits is not None:
            return self._topic_bits.get(topic, 0)
        found = self._topic_sets.get(topic)
        if found is None:
            found = self._topic_sets[topic] = bitset.pack(self.topic_places(topic), len(self))
        return found

    def topic_of_set(self, bits: int) -> str | None:
        """The topic whose set :meth:`topic_set` gave is ``bits`` (the object), if any."""
        for sets in (self._topic_bits or {}, self._topic_sets):
            for name, found in sets.items():
                if found is bits:
                    return name
        return None

    def headline(self, r: int) -> Headline:
        cats = self.categories[r]
        return Headline(
            id=self.ids[r], feed=self.feeds[r], title=self.titles[r],
            published=from_epoch(self.published[r]), categories=tuple(cats.split("\x1f")) if cats else (),
            topics=self.topics(r), read=bool(self.read[r]), starred=bool(self.starred[r]),
            story=self.stories[r], copies=len(self.copies_of(r)) if self.dups[r] else 1,
        )

    def set_flag(self, r: int, name: str, value: bool) -> None:
        self.set_flags((r,), name, value)

    def set_flags(self, rows: Iterable[int], name: str, value: bool) -> None:
        """Set flag ``name`` ("read" or "starred") of ``rows``; the unread counts follow, per
        topic by the rows' topic bits (as they were counted); for more than MANY_FLAGS rows, by
        each topic's set of positions once made (mark all read over 100,000 rows: ~0.1 s)."""
        column = self.read if name == "read" else self.starred
        flag = int(value)
        changed = [r for r in dict.fromkeys(rows) if column[r] != flag]
        if not changed:
            return
        in_order, pos = self._flag_columns.get(name), self.pos
        for r in changed:
            column[r] = flag
            if in_order is not None:
                in_order[pos[r]] = flag
        if name == "starred":
            (self.starred_rows.update if value else self.starred_rows.difference_update)(changed)
            return
        secondary, muted = self.secondary, self.muted_rows  # a copy counts once, a muted article not at all
        counted = [r for r in changed if r not in secondary and r not in muted] if secondary or muted else changed
        step = -1 if value else 1
        self.unread_all += step * len(counted)
        unread = self.unread
        if len(counted) > MANY_FLAGS and self._topic_bits is not None:  # many: a set, & each topic's
            changed_set = bitset.pack(map(pos.__getitem__, counted), len(self))
            for topic, bits in self._topic_bits.items():
                if count := (changed_set & bits).bit_count():
                    unread[topic] += step * count
            return
        names, masks = self.names, self.masks
        for r in counted:
            m = masks[r]
            while m:  # each topic bit of the row's mask
                low = m & -m
                unread[names[low.bit_length() - 1]] += step
                m ^= low


class HeadlineRows(Sequence[Headline]):
    """The headlines of one filter, made into objects only when read (the visible rows).

    Held as display positions (``snapshot.order[p]`` is the row at position p), ascending: a
    filter's result is a subsequence of the newest-first order."""

    def __init__(self, snapshot: Snapshot, places: Sequence[int],
                 extras: dict[int, dict[str, Any]] | None = None, ascending: bool = True) -> None:
        self._snapshot = snapshot
        self.places = places
        self._extras = extras if extras is not None else {}  # place → fields a grouped view sets
        self._ascending = ascending  # False when an opened group's rows follow its first row
        self._index: dict[int, int] | None = None
        self._lookups = 0

    def __len__(self) -> int:
        return len(self.places)

    def _headline(self, p: int) -> Headline:
        headline = self._snapshot.headline(self._snapshot.order[p])
        extra = self._extras.get(p)
        return replace(headline, **extra) if extra else headline

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._headline(p) for p in self.places[index]]
        return self._headline(self.places[index])

    def __iter__(self) -> Iterator[Headline]:
        return (self._headline(p) for p in self.places)

    def stands_for(self, article_id: str) -> list[str]:
        """The articles the row of ``article_id`` stands for: when it is a closed story's row,
        every article of the story this view folded into it (newest first); else just itself."""
        snap = self._snapshot
        r = snap.row.get(article_id)
        closed = getattr(self._extras, "closed", None)  # a grouped view's
        members = closed(snap.pos[r]) if closed is not None and r is not None else None
        return [snap.ids[snap.order[p]] for p in members] if members else [article_id]

    def unread_ids(self) -> list[str]:
        """The unread articles this list shows, each closed story's row standing for every
        article of the story it folds (what "mark all shown read" marks), in list order, once
        each: from the columns, without a Headline per row (~0.1 s at 100,000, was ~1.5 s)."""
        snap = self._snapshot
        order, ids, read = snap.order, snap.ids, snap.read
        closed = getattr(self._extras, "closed", None)  # a grouped view's
        out: dict[str, None] = {}
        for p in self.places:
            members = closed(p) if closed is not None else None
            for q in members or (p,):
                r = order[q]
                if not read[r]:
                    out[ids[r]] = None
        return list(out)

    def position(self, article_id: str) -> int | None:
        """Where ``article_id`` is in this list, if it is (a binary search)."""
        r = self._snapshot.row.get(article_id)
        if r is None:
            return None
        place = self._snapshot.pos[r]
        if not self._ascending:  # ranked, or opened stories inside: no order to bisect
            self._lookups += 1
            if self._index is None and self._lookups > 3:  # looked up often: a dict pays off
                self._index = {p: i for i, p in enumerate(self.places)}
            if self._index is not None:
                return self._index.get(place)
            try:  # one C-level scan (~0.1 ms over 10,000 places; the dict costs ~3 ms to make)
                return self.places.index(place)
            except ValueError:
                return None
        i = bisect_left(self.places, place)
        return i if i < len(self.places) and self.places[i] == place else None
