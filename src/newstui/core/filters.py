"""What the headline list shows (:class:`Filter`), worked out over a snapshot's columns, and the
topic counts that follow it (used by :mod:`newstui.core.library`).

Every part of a filter combines with every other: a topic (the topic list's choice), any of a
view's topics, a feed or any of a view's feeds, unread, starred, a date range, the muted
articles (hidden unless asked for), and a search query (:mod:`newstui.core.search`: words,
"phrases", -exclusions, ``feed:``, ``topic:``, ``before:``/``after:``). Each part is one C-level
pass (``compress`` over ``map``) over a column in display order, and a test that depends on a
value (a feed name, a topic mask) is computed once per distinct value: at 100,000 articles a
filter takes a few ms. A query's words are answered by the search index (ranked: the result is
in relevance order, then newest first) or, while the index is not ready, by the titles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import reduce
from itertools import compress, repeat
from operator import and_, contains, not_, or_

from newstui.core import bitset
from newstui.core.models import View
from newstui.core.search import Query, QueryError, parse_query
from newstui.core.snapshot import FLIP, Snapshot
from newstui.core.topics import normalise_topic

RECENT_FILTERS = 12  # results remembered (until flags change or the snapshot does)
Ranker = Callable[[Query], "tuple[int, int, int] | None"]  # sets: matching a query's text, every word in the title, some; None: not ready


@dataclass(frozen=True, slots=True)
class Filter:
    """What the headline list shows. ``topic`` None means every topic."""

    topic: str | None = None
    starred: bool = False
    unread_only: bool = False
    query: str = ""  # the search syntax of newstui.core.search
    feed: str | None = None
    stories: bool = False  # a story's articles folded into one row (its newest)
    opened: frozenset[int] = frozenset()  # stories whose folded row is opened
    topics: tuple[str, ...] = ()  # any of these (a saved view's)
    feeds: tuple[str, ...] = ()  # any of these (a saved view's)
    after: float | None = None  # published at or after (seconds since the epoch)
    before: float | None = None  # published before
    muted: bool = False  # only the articles [mute] hides (otherwise they are hidden)
    view: str = ""  # the saved view it was made from, for describe()
    typing: bool = False  # the query is typed in a search box: its last plain word is a prefix

    def describe(self) -> str:
        parts = ["★ starred" if self.starred else (self.topic or (f"view {self.view}" if self.view else "all"))]
        if self.view and (self.topic or self.starred):
            parts.append(f"view {self.view}")
        if self.feed:
            parts.append(f"feed {self.feed}")
        if self.muted:
            parts.append("muted only")
        if self.unread_only:
            parts.append("unread only")
        if self.stories:
            parts.append("stories grouped")
        if self.after is not None or self.before is not None:
            parts.append(_range_label(self.after, self.before))
        if self.query:
            parts.append(f"search “{self.query}”" + (" (from 2 letters)" if self.parsed.held else ""))
        return " · ".join(parts)

    @property
    def parsed(self) -> Query:
        """The query, parsed (an unparsable one searches its words as typed)."""
        return parse_lenient(self.query, typing=self.typing)


def parse_lenient(text: str, *, typing: bool = False) -> Query:
    try:
        return parse_query(text, typing=typing)
    except QueryError:  # a bad date, an empty feed: (being typed): its words, plainly
        return parse_query(" ".join(t for t in (w.strip('"-:') for w in text.split()) if t), typing=typing)


def _range_label(after: float | None, before: float | None) -> str:
    def day(t: float) -> str:
        return datetime.fromtimestamp(t).strftime("%Y-%m-%d")

    if after is not None and before is not None:
        return f"{day(after)} to {day(before)}"
    return f"since {day(after)}" if after is not None else f"before {day(before)}"  # type: ignore[arg-type]


def view_filter(view: View, now: datetime, base: Filter = Filter()) -> Filter:
    """The filter a saved view stands for (keeping ``base``'s grouping)."""
    return Filter(
        topics=view.topics, feeds=view.feeds, unread_only=view.unread, starred=view.starred, query=view.search,
        after=(now - timedelta(days=view.days)).timestamp() if view.days else None,
        stories=base.stories, view=view.name,
    )


@dataclass(frozen=True, slots=True)
class TopicCount:
    name: str
    unread: int
    total: int


class Places:
    """The display positions a filter selects, over one snapshot.

    Each part of a filter is a set of positions (:mod:`newstui.core.bitset`): a topic's, the
    articles [mute] lets through, the unread ones, a feed's, a date range's (a slice: positions
    are newest first). The filter is their ``&``, listed once at the end: at 100,000 articles
    any combination costs a few ms, about one pass over the positions, however many parts it
    has. A query's words then keep, in relevance order, the index's matches that are in the set.
    Results are remembered (until flags change, or the snapshot or the index does)."""

    def __init__(self, snap: Snapshot, ranker: Ranker | None = None) -> None:
        self.snap = snap
        self.ranker = ranker
        self.ranked = False  # whether the last result is in relevance order
        self.titles_only = False  # ... and whether its words were looked for in titles only
        # the view, its counts' base, the saved views: (positions, ranked, their set or None: all)
        self._recent: dict[Filter, tuple[Sequence[int], bool, int | None]] = {}
        self._shown: bytes | None = None
        self._shown_places: list[int] | None = None
        self._shown_bits: int | None = None
        self._counted: dict[Filter, tuple] = {}  # counts() by the filter they were counted over
        self._secondaries: int | None = None  # the copies' positions (a bitset)
        self._feed_bits: dict[tuple, int] = {}  # the positions of the feeds a filter keeps
        self._matches: dict[Query, tuple[int, int, int]] = {}  # the ranker's sets, by query

    def forget(self) -> None:
        self._recent.clear()
        self._counted.clear()
        self._matches.clear()

    def flags_changed(self) -> None:
        self._counted.clear()
        for view in [v for v in self._recent if v.unread_only or v.starred]:
            del self._recent[view]

    # -- the columns a filter needs, in display order ----------------------------------------

    @property
    def shown(self) -> bytes:
        """1 for an article no [mute] rule hides, by display position."""
        if self._shown is None:
            self._shown = bytes(self.snap.in_order("muted")).translate(FLIP)
        return self._shown

    @property
    def shown_places(self) -> list[int]:
        """The positions of the articles no [mute] rule hides (made once; never changed)."""
        if self._shown_places is None:
            self._shown_places = list(compress(range(len(self.snap)), self.shown))
        return self._shown_places

    @property
    def shown_bits(self) -> int:
        if self._shown_bits is None:
            self._shown_bits = bitset.pack_column(self.shown)
        return self._shown_bits

    # -- filtering ------------------------------------------------------------------------------

    def of(self, view: Filter) -> Sequence[int]:
        """The positions ``view`` shows: ascending (newest first), or in relevance order when
        it searches words (:attr:`ranked`)."""
        known = self._recent.get(view)
        if known is None:
            query = view.parsed
            chosen = self._select(view, query)
            self.titles_only = False
            if query.has_text:
                places, ranked, chosen = self._text(chosen, query)
            else:
                places, ranked = self._listed(chosen), False
            known = self._recent[view] = (places, ranked, chosen)
            if len(self._recent) > RECENT_FILTERS:
                del self._recent[next(iter(self._recent))]
        self.ranked = known[1]
        return known[0]

    def chosen(self, view: Filter) -> int:
        """The set of the positions ``view`` shows (:meth:`of`)."""
        places = self.of(view)
        known = self._recent.get(view)
        bits = known[2] if known is not None else None
        return bitset.pack(places, len(self.snap)) if bits is None else bits

    def _select(self, view: Filter, query: Query) -> int | None:
        """The positions every part of ``view`` but its words keeps (None: all of them)."""
        snap = self.snap
        n = len(snap)
        parts = []
        topics = self._topics(view, query)
        if topics is not None:
            parts.append(topics)
        if view.starred:
            parts.append(bitset.pack_column(snap.in_order_flags("starred")) if snap.starred_rows else 0)
        if snap.muted_rows:
            parts.append(self.shown_bits ^ bitset.span(0, n) if view.muted else self.shown_bits)
        elif view.muted:
            parts.append(0)
        if view.feed or view.feeds or query.feeds or query.not_feeds:
            parts.append(self._feeds(view, query))
        if view.unread_only:
            parts.append(bitset.pack_column(snap.in_order_flags("read")) ^ bitset.span(0, n))
        after = max((t for t in (view.after, query.after) if t is not None), default=None)
        before = min((t for t in (view.before, query.before) if t is not None), default=None)
        if after is not None or before is not None:  # one slice: the positions are newest first
            lo, hi, undated = snap.date_window(after, before)
            parts.append(bitset.span(lo, hi) ^ bitset.pack(undated, n) if undated else bitset.span(lo, hi))
        return reduce(and_, parts) if parts else None

    def _listed(self, chosen: int | None) -> Sequence[int]:
        """The positions in ``chosen``, ascending (a topic's alone, or the unmuted ones alone,
        are lists made once)."""
        if chosen is None:
            return range(len(self.snap))
        if chosen is self._shown_bits:
            return self.shown_places
        topic = self.snap.topic_of_set(chosen)
        return self.snap.topic_places(topic) if topic is not None else bitset.unpack(chosen)

    def _feeds(self, view: Filter, query: Query) -> int:
        """The positions of the feeds ``view.feed``, ``view.feeds`` and ``feed:``/``-feed:``
        let through (a test per feed name, then one pass; remembered)."""
        key = (view.feed, view.feeds, query.feeds, query.not_feeds)
        found = self._feed_bits.get(key)
        if found is None:
            wanted = {view.feed} if view.feed else None
            anyof = {f.casefold() for f in view.feeds}
            snap = self.snap
            keep = {name for name in set(snap.feeds) if (wanted is None or name in wanted)
                    and (not anyof or name.casefold() in anyof) and query.feed_ok(name)}
            found = bitset.pack_column(bytes(map(keep.__contains__, snap.in_order("feeds"))))
            if len(self._feed_bits) > RECENT_FILTERS:
                self._feed_bits.clear()
            self._feed_bits[key] = found
        return found

    def _topics(self, view: Filter, query: Query) -> int | None:
        """The positions whose topics pass: ``view.topic`` and every ``topic:``, any of
        ``view.topics``, none of ``-topic:`` (None: no topic part)."""
        snap = self.snap
        required = {normalise_topic(t) for t in ((view.topic,) if view.topic else ())} | set(query.topics)
        anyof = {normalise_topic(t) for t in view.topics} & set(snap.bits)
        never = set(query.not_topics) & set(snap.bits)
        if not (required or view.topics or never):
            return None
        if any(t not in snap.bits for t in required) or (view.topics and not anyof):
            return 0
        parts = [snap.topic_set(t) for t in required]
        if anyof:
            parts.append(reduce(or_, map(snap.topic_set, anyof)))
        if never:
            parts.append(reduce(or_, map(snap.topic_set, never)) ^ bitset.span(0, len(snap)))
        return reduce(and_, parts)

    def _text(self, chosen: int | None, query: Query) -> tuple[Sequence[int], bool, int | None]:
        """Of ``chosen``, the positions whose text matches the query's words, and whether they
        are ranked, and their set (None: unknown): by the index, in relevance order (every word
        in the title, then some, then none: newest first within each), or, until it is ready,
        by titles (newest first)."""
        snap = self.snap
        sets = self._matches.get(query)
        if sets is None and self.ranker is not None:
            sets = self.ranker(query)
            if sets is not None:  # the counts' filter (the same words, without the topic) asks again
                if len(self._matches) >= RECENT_FILTERS:
                    del self._matches[next(iter(self._matches))]
                self._matches[query] = sets
        if sets is None:
            self.titles_only = True
            places = self._listed(chosen)
            titles = snap.folded_titles
            for term in query.terms:
                places = list(compress(places, map(contains, map(titles.__getitem__, places), repeat(f" {term} "))))
            if query.prefix:
                places = list(compress(places, map(contains, map(titles.__getitem__, places),
                                                   repeat(f" {query.prefix}"))))
            for term in query.excluded:
                places = list(compress(places, map(not_, map(contains, map(titles.__getitem__, places),
                                                                 repeat(f" {term} ")))))
            return places, False, None
        found, in_all, in_some = sets
        if chosen is not None:
            found &= chosen
        places = bitset.unpack(found & in_all)
        if in_some is not in_all:
            places += bitset.unpack(found & in_some & ~in_all)
        places += bitset.unpack(found & ~in_some)
        return places, True, found

    # -- counts -------------------------------------------------------------------------------

    def counts(self, view: Filter) -> tuple[dict[str, int], dict[str, int], int, int, int, int]:
        """(unread per topic, total per topic, unread, total, starred unread, starred total)
        over the articles ``view`` shows whatever its topic and starred: what the topic list
        shows as the other filters change. Copies of one article count once; muted ones not at
        all (unless shown). Remembered until flags change."""
        base = replace(view, topic=None, starred=False, stories=False, opened=frozenset())
        known = self._counted.get(base)
        if known is not None:
            return known
        snap = self.snap
        n = len(snap)
        places = self.of(base)
        chosen = self._recent[base][2] if base in self._recent else None  # None: see places
        shown = bitset.pack(places, n) if chosen is None else chosen
        if snap.secondary:
            shown &= ~self._secondary_bits()
        read = bitset.pack_column(snap.in_order_flags("read"))
        unread = shown & ~read
        starred = shown & bitset.pack_column(snap.in_order_flags("starred")) if snap.starred_rows else 0
        per_topic: dict[str, int] = {}
        per_topic_unread: dict[str, int] = {}
        for name, bits in snap.topic_bits.items():
            if count := (shown & bits).bit_count():
                per_topic[name] = count
                if count := (unread & bits).bit_count():
                    per_topic_unread[name] = count
        found = (per_topic_unread, per_topic, unread.bit_count(), shown.bit_count(),
                 (starred & ~read).bit_count(), starred.bit_count())
        self._counted[base] = found
        return found

    def _secondary_bits(self) -> int:
        """The positions of the copies counted as another (their newest copy)."""
        if self._secondaries is None:
            pos = self.snap.pos
            self._secondaries = bitset.pack([pos[r] for r in self.snap.secondary], len(self.snap))
        return self._secondaries
