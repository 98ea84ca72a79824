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

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import compress, filterfalse, repeat
from operator import contains, ge, lt, not_

from newstui.core.models import View
from newstui.core.search import Query, QueryError, parse_query, tokens
from newstui.core.snapshot import FLIP, Snapshot
from newstui.core.topics import normalise_topic

RECENT_FILTERS = 12  # results remembered (until flags change or the snapshot does)
Ranker = Callable[[Query], "list[str] | None"]  # ids matching a query's text, best first; None: not ready


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
            parts.append(f"search “{self.query}”")
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
    """The display positions a filter selects, over one snapshot; remembers the last result so
    that typing a search narrows it."""

    def __init__(self, snap: Snapshot, ranker: Ranker | None = None) -> None:
        self.snap = snap
        self.ranker = ranker
        self.ranked = False  # whether the last result is in relevance order
        self.titles_only = False  # ... and whether its words were looked for in titles only
        self._memo: tuple[Filter, Sequence[int], bool] | None = None  # the last one: typing narrows it
        self._recent: dict[Filter, tuple[Sequence[int], bool]] = {}  # the view, its counts' base, the views
        self._shown: bytes | None = None
        self._dates: list[float] | None = None
        self._titles: list[str] | None = None  # folded title tokens by display position, " a b "
        self._counted: dict[Filter, tuple] = {}  # counts() by the filter they were counted over
        self._expanded: dict[int, list[str]] = {}  # a topic mask → its topic names
        self._secondaries: set[int] | None = None
        self._pos_of: dict[str, int] | None = None  # article id → its display position
        self._feed_names: set[str] | None = None  # the feeds with articles in the snapshot

    def forget(self) -> None:
        self._memo = None
        self._recent.clear()
        self._counted.clear()
        self._expanded.clear()

    def flags_changed(self) -> None:
        self._counted.clear()
        if self._memo is not None and (self._memo[0].unread_only or self._memo[0].starred):
            self._memo = None  # those rows depend on flags
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
    def dates(self) -> list[float]:
        """Publication times by display position (NaN when unknown: no date range holds it)."""
        if self._dates is None:
            self._dates = [math.nan if p is None else p for p in self.snap.in_order("published")]
        return self._dates

    # -- filtering ------------------------------------------------------------------------------

    def of(self, view: Filter) -> Sequence[int]:
        """The positions ``view`` shows: ascending (newest first), or in relevance order when
        it searches words (:attr:`ranked`)."""
        known = self._recent.get(view)
        if known is not None:
            self.ranked = known[1]
            return known[0]
        memo = self._memo
        query = view.parsed
        narrowing = (
            memo is not None and not memo[2] and not self.titles_only and view.query and memo[0].query
            and view.query.startswith(memo[0].query) and replace(memo[0], query="") == replace(view, query="")
            and not query.has_text and query.has_qualifiers
        )
        if narrowing:
            places = memo[1]  # type: ignore[index]
        else:  # the topic first: a topic's positions are found once and remembered
            places = self._columns(self._topics(range(len(self.snap)), view, query), view, query)
        ranked = False
        self.titles_only = False
        if query.has_text:
            places, ranked = self._text(places, query)
        self.ranked = ranked
        self._memo = (view, places, ranked)
        self._recent[view] = (places, ranked)
        if len(self._recent) > RECENT_FILTERS:
            del self._recent[next(iter(self._recent))]
        return places

    def _columns(self, places: Sequence[int], view: Filter, query: Query) -> Sequence[int]:
        snap = self.snap
        if view.starred:
            if not snap.starred_rows:
                return []
            starred = snap.in_order_flags("starred")
            places = list(compress(places, map(starred.__getitem__, places)))
        if snap.muted_rows:
            shown = self.shown
            places = list(compress(places, map(not_, map(shown.__getitem__, places)) if view.muted
                                   else map(shown.__getitem__, places)))
        elif view.muted:
            return []
        if view.feed or view.feeds or query.feeds or query.not_feeds:
            wanted = {view.feed} if view.feed else None
            anyof = {f.casefold() for f in view.feeds}
            cache: dict[str, bool] = {}

            def feed_ok(name: str) -> bool:
                ok = cache.get(name)
                if ok is None:
                    ok = cache[name] = ((wanted is None or name in wanted)
                                        and (not anyof or name.casefold() in anyof) and query.feed_ok(name))
                return ok

            feeds = snap.in_order("feeds")
            if self._feed_names is None:
                self._feed_names = set(snap.feeds)
            keep = {n for n in self._feed_names if feed_ok(n)}
            if len(keep) != len(self._feed_names):
                places = list(compress(places, map(keep.__contains__, map(feeds.__getitem__, places))))
        if view.unread_only:
            read = snap.in_order_flags("read")
            places = list(compress(places, map(not_, map(read.__getitem__, places))))
        after = max((t for t in (view.after, query.after) if t is not None), default=None)
        before = min((t for t in (view.before, query.before) if t is not None), default=None)
        if after is not None or before is not None:
            dates = self.dates
            if after is not None:
                places = list(compress(places, map(ge, map(dates.__getitem__, places), repeat(after))))
            if before is not None:
                places = list(compress(places, map(lt, map(dates.__getitem__, places), repeat(before))))
        return places

    def _topics(self, places: Sequence[int], view: Filter, query: Query) -> Sequence[int]:
        """Keep the positions whose topics pass: ``view.topic`` and every ``topic:``, any of
        ``view.topics``, none of ``-topic:``."""
        bits = self.snap.bits
        required = [normalise_topic(t) for t in ((view.topic,) if view.topic else ())] + list(query.topics)
        anyof = [normalise_topic(t) for t in view.topics]
        if not (required or anyof or query.not_topics):
            return places
        if any(t not in bits for t in required) or (anyof and not any(t in bits for t in anyof)):
            return []
        need = sum(1 << bits[t] for t in set(required))
        some = sum(1 << bits[t] for t in set(anyof) if t in bits)
        never = sum(1 << bits[t] for t in set(query.not_topics) if t in bits)
        if need and not some and not never and len(required) == 1 and isinstance(places, range):
            return self.snap.topic_places(required[0])  # the common case, found once and remembered
        ok: dict[int, bool] = {}

        def passes(mask: int) -> bool:
            found = ok.get(mask)
            if found is None:
                found = ok[mask] = (mask & need) == need and (not some or bool(mask & some)) and not mask & never
            return found

        masks = self.snap.in_order("masks")
        return list(compress(places, map(passes, map(masks.__getitem__, places))))

    def _text(self, places: Sequence[int], query: Query) -> tuple[Sequence[int], bool]:
        """Keep the positions whose text matches the query's words: by the index (relevance
        order, ranked) or, until it is ready, by titles (newest first)."""
        snap = self.snap
        ranked = self.ranker(query) if self.ranker is not None else None
        if ranked is None:
            self.titles_only = True
            if self._titles is None:
                self._titles = [f" {' '.join(tokens(snap.titles[r]))} " for r in snap.order]
            titles = self._titles
            for term in query.terms:
                places = list(compress(places, map(contains, map(titles.__getitem__, places), repeat(f" {term} "))))
            if query.prefix:
                places = list(compress(places, map(contains, map(titles.__getitem__, places),
                                                   repeat(f" {query.prefix}"))))
            for term in query.excluded:
                places = list(compress(places, map(not_, map(contains, map(titles.__getitem__, places),
                                                                 repeat(f" {term} ")))))
            return places, False
        if self._pos_of is None:
            ids = snap.ids
            self._pos_of = {ids[r]: p for p, r in enumerate(snap.order)}
        at = [p for p in map(self._pos_of.get, ranked) if p is not None]
        if isinstance(places, range) and len(places) == len(snap):
            return at, True
        keep = set(places)
        return [p for p in at if p in keep], True

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
        places = self.of(base)
        if snap.secondary:
            dups = snap.in_order("dups")
            if any(map(dups.__getitem__, places)):
                first = self._secondary_places()
                places = list(filterfalse(first.__contains__, places))
        masks = snap.in_order("masks")
        read = snap.in_order_flags("read")
        unread_places = list(compress(places, map(not_, map(read.__getitem__, places))))
        starred = snap.in_order_flags("starred")
        starred_places = list(compress(places, map(starred.__getitem__, places))) if snap.starred_rows else []
        starred_unread = sum(1 for p in starred_places if not read[p])
        found = (self._per_topic(Counter(map(masks.__getitem__, unread_places))),
                 self._per_topic(Counter(map(masks.__getitem__, places))), len(unread_places), len(places),
                 starred_unread, len(starred_places))
        self._counted[base] = found
        return found

    def _secondary_places(self) -> set[int]:
        if self._secondaries is None:
            pos = self.snap.pos
            self._secondaries = {pos[r] for r in self.snap.secondary}
        return self._secondaries

    def _per_topic(self, by_mask: Counter[int]) -> dict[str, int]:
        names = self.snap.names
        expand = self._expanded
        out: Counter[str] = Counter()
        for m, count in by_mask.items():
            topics = expand.get(m)
            if topics is None:
                topics, bits = [], m
                while bits:
                    low = bits & -bits
                    topics.append(names[low.bit_length() - 1])
                    bits ^= low
                expand[m] = topics
            for name in topics:
                out[name] += count
        return dict(out)
