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
from array import array
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import compress, filterfalse, repeat

from newstui.core import bitset
from newstui.core.filters import Filter, Places, TopicCount, view_filter
from newstui.core.search import Query
from newstui.core.search_docs import _Docs
from newstui.core.search_index import IndexUnavailable, SearchIndex
from newstui.core.search_sync import index_article, index_path, sync
from newstui.core.models import Article, Config, Feed
from newstui.core.related import RelatedIndex, RelatedStory
from newstui.core.snapshot import Headline, HeadlineRows, Snapshot
from newstui.core.store import Store
from newstui.core.store_records import from_epoch, to_article
from newstui.core.topic_guess import guess_topics
from newstui.core.topics import TopicClassifier, TopicReason

__all__ = ["Filter", "Headline", "HeadlineRows", "Library", "Snapshot", "TopicCount", "view_filter"]

SMALL_STORE = 20_000
SAME_STORY_ROWS = 50  # a story's newest articles listed as related (a story can hold hundreds)  # up to this many articles, stale topic matches are redone at load


def _settle_heap() -> None:
    """Tell the garbage collector the objects made so far are here to stay (``gc.freeze``).

    Every full collection walks every list and dict it tracks, item by item: with the columns of
    100,000 articles and the related index that took ~0.2 s, a pause that landed on a key press
    now and then. Frozen objects are skipped; they are still freed by reference counting when
    dropped (a snapshot and the related index hold no reference cycles, so nothing leaks).
    """
    gc.freeze()


class _GroupFields(dict):
    """Display position → the Headline fields of a folded story's row (``grouped``, ``sources``,
    ``since``) or of an opened story's other rows (``member``), made when a row is drawn.

    ``lead`` is each story's first position in the view, ``inside`` the set of the view's
    positions that belong to a story of several articles: a story's members are found when its
    row is drawn (or marked), not for every story of the view."""

    def __init__(self, snap: Snapshot, lead: dict[int, int], inside: int) -> None:
        super().__init__()
        self._snap, self._lead, self._inside = snap, lead, inside
        self._column: bytes | None = None  # inside, as 0/1 bytes by position (when first needed)
        self._following: dict[int, list[int]] = {}
        self._members: set[int] = set()
        self._stories = snap.in_order("stories")

    def follow(self, following: dict[int, list[int]]) -> None:
        """Opened stories: their row (position) → the positions shown under it."""
        self._following = following
        self._members = {p for members in following.values() for p in members}

    def members(self, place: int) -> list[int] | None:
        """The positions of the story whose folded row is ``place`` (None: not such a row)."""
        story = self._stories[place]
        if self._lead.get(story) != place:
            return None
        if self._column is None:
            self._column = bitset.to_column(self._inside, len(self._snap))
        column, pos = self._column, self._snap.pos
        members = sorted(p for p in map(pos.__getitem__, self._snap.story_rows[story]) if column[p])
        return members if len(members) > 1 else None

    def closed(self, place: int) -> list[int] | None:
        """The positions a closed story's row ``place`` stands for (None: not such a row)."""
        return None if place in self._following else self.members(place)

    def __missing__(self, place: int) -> dict | None:
        members = self.members(place)
        if members is None:
            return {"member": True} if place in self._members else None
        snap = self._snap
        rows = [snap.order[p] for p in members]
        dates = [snap.published[r] for r in rows if snap.published[r] is not None]
        fields = self[place] = {
            "grouped": len(members),
            "sources": len({snap.feeds[c] for r in rows for c in snap.copies_of(r)}),
            "since": from_epoch(min(dates)) if dates else None,
        }
        return fields

    def get(self, place: int, default=None):  # type: ignore[override]
        return self[place]


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
        self._search: SearchIndex | None = None
        self._search_thread: threading.Thread | None = None
        self._doc_positions: tuple[_Docs, Snapshot, array] | None = None  # see _positions
        self.snapshot = Snapshot(store, self._classifier)
        self._filter = Places(self.snapshot, self._rank)
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
        self._filter = Places(snapshot, self._rank)
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
        feed = snap.feeds[n]
        record = self.store.body(feed, snap.chunks[n], article_id)
        row = {"id": article_id, "title": snap.titles[n], "published": snap.published[n],
               "categories": snap.categories[n]}
        article = to_article(feed, row, record, bool(snap.read[n]), bool(snap.starred[n]))
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
        """Articles matching ``view``, newest first; copies of one article (one canonical link,
        several feeds) listed once, the newest copy; with ``view.stories`` each story folded
        into its newest article (the other articles follow it when the story is opened)."""
        snap = self.snapshot
        found = self._filter.of(view)
        places = self._unique(found)
        if self._filter.ranked:  # a search's results, best first: not grouped
            return HeadlineRows(snap, places, ascending=False)
        if not view.stories or not snap.story_rows:
            return HeadlineRows(snap, places)
        chosen = self._filter.chosen(view) if places is found else bitset.pack(places, len(snap))
        return self._grouped(places, chosen, view.opened)

    @property
    def search_titles_only(self) -> bool:
        """Whether the last search looked at titles only (the search index was not ready)."""
        return self._filter.titles_only

    # -- search ------------------------------------------------------------------------------

    @property
    def search_index(self) -> SearchIndex:
        if self._search is None:
            self._search = SearchIndex(index_path(self.store))
        return self._search

    def _rank(self, query: Query) -> tuple[int, int, int] | None:
        """The display positions matching a query's words, with every word in the title, with
        some (sets: :meth:`SearchIndex.match_sets`); None while the index can't answer."""
        try:
            return self.search_index.match_sets(query, self._positions, len(self.snapshot))
        except IndexUnavailable:
            return None

    def _positions(self, docs: _Docs) -> array:
        """The display position of each of the search index's document keys (-1: none): made
        once per snapshot and index version (a pass over 100,000 ids, ~40 ms; in the index's
        thread after it syncs), so that a search's matches are placed at C speed."""
        known, snap = self._doc_positions, self.snapshot
        if known is not None and known[0] is docs and known[1] is snap:
            return known[2]
        rows = map(snap.row.get, docs.ids, repeat(len(snap)))
        # Arrays: reading them makes new ints, in order, where a list's would be scattered ones
        at = array("q", map([*snap.pos, -1].__getitem__, rows))  # by document position
        at.append(-1)  # the position of a dead key's document
        placed = array("q", map(at.__getitem__, docs.pos))
        self._doc_positions = (docs, snap, placed)
        return placed

    def index_search(self, done: Callable[[str], None] | None = None) -> None:
        """Bring the search index up to the store in a thread (at the first start, ~30 s for
        100,000 articles; after a refresh, its new articles); then ``done(what was done)``."""
        with self._related_lock:
            if self._search_thread is not None and self._search_thread.is_alive():
                return
            thread = threading.Thread(target=self._sync_search, args=(done,), name="newstui-search",
                                      daemon=True)
            thread.start()  # before it is seen (wait_for_search joins it)
            self._search_thread = thread

    def _sync_search(self, done: Callable[[str], None] | None) -> None:
        try:
            try:
                self.search_index.documents()
            except IndexUnavailable:  # to be built (~30 s at 100,000): searches look at titles till then
                self.snapshot.folded_titles  # noqa: B018  (made now, not at the first search)
            what = sync(self.search_index, self.store)
            self._positions(self.search_index.documents())  # made now, not at the first search
        except Exception as exc:  # noqa: BLE001 - the reader goes on searching titles
            what = f"the search index could not be updated: {exc}"
        if done is not None:
            done(what)

    def search_updated(self) -> None:
        """The index changed (:meth:`index_search` reported it): searches are answered anew. On
        the library's thread: the remembered results are not touched from the index's."""
        self._filter.forget()

    def wait_for_search(self) -> bool:
        """Bring the search index up to the store now (the CLI, before it searches); whether
        it can answer."""
        thread = self._search_thread
        if thread is not None:
            thread.join()
        self._sync_search(None)
        self.search_updated()
        return self._rank(Query(words=("x",))) is not None

    def _unique(self, places: Sequence[int]) -> Sequence[int]:
        """``places`` with only the first copy of each article (C-level unless there are copies)."""
        snap = self.snapshot
        if not snap.copies:
            return places
        dups = snap.in_order("dups")
        seen: set[int] = set()
        drop = set()
        for p in compress(places, map(dups.__getitem__, places)):
            if dups[p] in seen:
                drop.add(p)
            else:
                seen.add(dups[p])
        return list(filterfalse(drop.__contains__, places)) if drop else places

    def _grouped(self, places: Sequence[int], chosen: int, opened: frozenset[int]) -> HeadlineRows:
        """Each story's rows folded into its first (the counts, sources and age a folded row
        shows are worked out when the row is drawn: only the visible ones). ``chosen`` is the
        set of ``places``."""
        snap = self.snapshot
        n = len(snap)
        stories = snap.in_order("stories")
        inside_bits = chosen & snap.story_bits  # the positions in stories of several articles
        inside = bitset.unpack(inside_bits)
        # each story's first (newest) position: the last one written, walking backwards
        lead = dict(zip(map(stories.__getitem__, reversed(inside)), reversed(inside)))
        if len(lead) == len(inside):  # no story has two articles here
            return HeadlineRows(snap, places)
        places = bitset.unpack(chosen & ~(inside_bits ^ bitset.pack(lead.values(), n)))
        fields = _GroupFields(snap, lead, inside_bits)
        following = {lead[s]: members[1:] for s in opened if s in lead
                     and (members := fields.members(lead[s])) is not None}
        if following:
            fields.follow(following)
            places = [q for p in places for q in (p, *following.get(p, ()))]
        return HeadlineRows(snap, places, fields, ascending=not following)

    def topic_counts(self, view: Filter | None = None) -> list[TopicCount]:
        """Every topic with unread and total counts: declared topics first, then by size. With
        ``view``, the counts over what its other filters (all but the topic) show."""
        snap = self.snapshot
        declared = list(self._classifier.declared)
        rest = sorted((t for t in snap.total if t not in declared), key=lambda t: (-snap.total[t], t))
        if view is None or not _narrows(view):
            return [TopicCount(t, snap.unread[t], snap.total[t]) for t in [*declared, *rest]]
        unread, total, *_ = self._filter.counts(view)
        return [TopicCount(t, unread.get(t, 0), total.get(t, 0)) for t in [*declared, *rest]]

    def counts(self, view: Filter | None = None) -> tuple[TopicCount, TopicCount]:
        """(all articles, starred articles) with unread and total counts; with ``view``, those
        its other filters (all but the topic and starred) show."""
        snap = self.snapshot
        if view is not None and _narrows(view):
            _, _, unread, total, s_unread, s_total = self._filter.counts(view)
            return TopicCount("all", unread, total), TopicCount("starred", s_unread, s_total)
        uncounted = snap.secondary | snap.muted_rows  # a copy counts once, a muted article not at all
        starred = snap.starred_rows - uncounted
        return (
            TopicCount("all", snap.unread_all, len(snap) - len(uncounted)),
            TopicCount("starred", sum(1 for r in starred if not snap.read[r]), len(starred)),
        )

    def use_feeds(self, feeds: Sequence[Feed]) -> None:
        """Read ``feeds`` from now on (a feed added in the reader): the config, and a classifier
        that knows their topics (the rules, and so the store's fingerprint, are unchanged)."""
        self.config = replace(self.config, feeds=tuple(feeds))
        self._classifier = TopicClassifier(self.config)
        self.store.classifier = self._classifier

    def muted_count(self) -> int:
        """How many articles [mute] hides."""
        return len(self.snapshot.muted_rows)

    def view_counts(self, now: datetime) -> list[TopicCount]:
        """Each saved view of feeds.toml with the unread and total counts of what it shows."""
        out = []
        for view in self.config.views:
            _, _, unread, total, s_unread, s_total = self._filter.counts(view_filter(view, now))
            if view.starred:
                unread, total = s_unread, s_total
            out.append(TopicCount(view.name, unread, total))
        return out

    def view(self, name: str, now: datetime, base: Filter = Filter()) -> Filter | None:
        """The filter of the saved view called ``name`` (None when there is none)."""
        found = next((v for v in self.config.views if v.name == name), None)
        return None if found is None else view_filter(found, now, base)

    def explain(self, article: Article) -> list[TopicReason]:
        """Why ``article`` has each of its topics, and which rule mutes it (see
        :meth:`TopicClassifier.explain`), or that its topics were suggested, and from what."""
        reasons = self._classifier.explain(article)
        r = self.snapshot.row.get(article.id)
        guessed = self.snapshot.guessed.get(r) if r is not None else None
        if guessed:
            reasons = [*(TopicReason(t, "inferred", why) for t, why in guessed), *reasons]
        return reasons

    def guess_topics(self) -> tuple[Snapshot, dict[int, tuple[tuple[str, str], ...]]]:
        """Topics suggested for the articles nothing gives one (reads only: run it in a thread,
        then hand the result to :meth:`add_guessed` on the library's thread)."""
        snap = self.snapshot
        if self._related_thread is not None:  # the reader's: its words, not a second read of the store's
            self.wait_for_related()
        index = self._related
        digests = index.digests() if index is not None else dict(self.store.terms())
        return snap, guess_topics(snap, self._classifier, digests)

    def add_guessed(self, guess: tuple[Snapshot, dict[int, tuple[tuple[str, str], ...]]]) -> int:
        """Apply :meth:`guess_topics`' result, unless the store was read again since; how many
        articles got topics."""
        snap, guessed = guess
        if not guessed or snap is not self.snapshot:
            return 0
        snap.add_topics(guessed)
        self._filter.forget()
        return len(guessed)

    # -- related -------------------------------------------------------------------------------

    def index_related(self) -> None:
        """Start building the related-stories index in a thread (it is needed at the first
        open; at 100k articles building it takes a few hundred ms), and with it what the first
        search and the first open need (lower-cased titles, the id → row map)."""
        with self._related_lock:
            if self._related is None and self._related_thread is None:
                snapshot = self.snapshot
                thread = threading.Thread(
                    target=self._build_related, args=(snapshot,), name="newstui-related", daemon=True
                )
                thread.start()  # before it is seen: wait_for_related can't join an unstarted thread
                self._related_thread = thread

    def _build_related(self, snapshot: Snapshot) -> None:
        snapshot.row, snapshot.lows, snapshot.pos, snapshot.in_order("masks")  # noqa: B018  (made now, not at a key press)
        snapshot.story_rows, snapshot.copies, snapshot.in_order("stories"), snapshot.in_order("dups")  # noqa: B018
        snapshot.topic_bits, snapshot.date_keys, snapshot.story_bits  # noqa: B018  (what filters use)
        links = self.store.links()
        index = RelatedIndex(((aid, digest) for aid, digest in self.store.terms() if aid in snapshot.row),
                             self.store.term_stats())
        with self._related_lock:
            if self.snapshot is snapshot:
                self._related = index
                self._links = links
        _settle_heap()

    def page_saved(self, article_id: str) -> None:
        """The article's page text was stored: relate it and find it by the page's words from now
        on."""
        if self._search is not None and (article := self.get(article_id)) is not None:
            index_article(self._search, article)
        digest = self.store.page_terms().get(article_id)
        if digest and self._related is not None:
            self._related.update(article_id, digest)

    @property
    def related_ready(self) -> bool:
        """Whether :meth:`related` answers at once (else it waits for the index to be built)."""
        return self._related is not None

    def wait_for_related(self, timeout: float | None = None) -> bool:
        """Wait for the related index being built in the background; whether it is ready."""
        thread = self._related_thread
        if thread is not None:
            thread.join(timeout)
        return self._related is not None

    def related(self, article_id: str, limit: int = 10) -> list[tuple[Headline, RelatedStory]]:
        """Articles related to ``article_id``, in sections (``RelatedStory.section``):

        ``same``     the same story: copies of the article in other feeds first, then the
                     story's other articles, newest first
        ``earlier``  older articles on the same subject, most similar first
        ``later``    newer ones outside the story, most similar first
        """
        if self._related is None:
            self.index_related()
            thread = self._related_thread
            if thread is not None:
                thread.join()
        index = self._related
        snap = self.snapshot
        r = snap.row.get(article_id)
        if index is None or r is None:
            return []
        copy_rows = [x for x in snap.copies_of(r) if x != r]
        copies = {snap.ids[x] for x in copy_rows}
        members = [snap.ids[x] for x in snap.story_of(r) if x != r and snap.ids[x] not in copies][:SAME_STORY_ROWS]
        found = {s.article_id: s for s in index.related_to(article_id, limit, include=members)}
        rows: list[tuple[str, RelatedStory]] = [
            (aid, RelatedStory(aid, 1.0, ("the same link",), "same", copy=True)) for aid in copies
        ]
        for aid in members:
            story = found.pop(aid, None) or RelatedStory(aid, 0.0, ())
            rows.append((aid, replace(story, section="same")))
        mine = snap.published[r] or 0
        for aid, story in found.items():
            if aid in copies:
                continue
            n = snap.row.get(aid)
            if n is not None:
                section = "earlier" if (snap.published[n] or 0) < mine else "later"
                rows.append((aid, replace(story, section=section)))
        out = []
        for aid, story in rows:
            headline = self.headline(aid)
            if headline is not None:
                out.append((headline, story))
        rank = {"same": 0, "earlier": 1, "later": 2}
        out.sort(key=lambda p: (rank[p[1].section], -(p[0].published.timestamp() if p[0].published else 0)
                                if p[1].section == "same" else -p[1].score))
        return out

    # -- flags ---------------------------------------------------------------------------------

    def set_flags(self, ids: Iterable[str], *, read: bool | None = None, starred: bool | None = None) -> None:
        """Persist first, then update memory, so what the reader shows is what is stored."""
        snap = self.snapshot
        ids = [i for i in ids if i in snap.row]
        if read is not None and snap.copies:  # one article through several feeds: one read flag
            ids = list(dict.fromkeys(snap.ids[c] for i in ids for c in snap.copies_of(snap.row[i])))
        self.store.set_flags(ids, read=read, starred=starred)
        row = snap.row
        for name, value in (("read", read), ("starred", starred)):
            if value is None:
                continue
            seq = self._seq
            self._flag_log += [(seq + n, article_id, name, value) for n, article_id in enumerate(ids, 1)]
            self._seq = seq + len(ids)
            snap.set_flags(map(row.__getitem__, ids), name, value)
        self._filter.flags_changed()


def _narrows(view: Filter) -> bool:
    """Whether ``view`` filters on more than what the topic list chooses (a topic, starred), so
    that the topic list's counts depend on it."""
    return replace(view, topic=None, starred=False, stories=False, opened=frozenset(), view="",
                   typing=False) != Filter()
