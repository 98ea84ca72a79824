"""Story clusters: articles about the same event, from any feed, grouped as they arrive.

Each stored article carries a story number. When a refresh stores new articles, each is compared
with the articles published within :data:`WINDOW_HOURS` of it (those already stored and those of
the same refresh before it, oldest first) and joins the story its nearest neighbours vote for, or
starts a new one. Nothing is ever recomputed over the whole store: the cost of a refresh grows
with what it brings and with the articles in the window, not with the size of the store.

* **Similarity**: the cosine of TF-IDF vectors over each article's weighted words (see
  :mod:`newstui.core.related`), scored through an inverted index of the window's articles, so a
  new article is compared only with those sharing a word with it.
* **Assignment, by the neighbours' vote**: the :data:`NEIGHBOURS` most similar articles within the
  window (cosine ≥ :data:`NEIGHBOUR_MIN`) vote for their stories with their similarity; the story
  with the most votes takes the article when its votes reach :data:`JOIN_VOTE`. A vote of several
  neighbours is steadier than the single nearest one (one article on a side issue does not pull a
  newcomer away from the story its other neighbours are in) and than a story centroid (which
  drifts as a story grows).
* **Merges**: an article can show that two stories are one (it is close to both). After the
  refresh's articles are placed, stories that received votes from the same article are compared
  by their centroids (the normalised sum of their members' vectors in the window) and merged when
  the cosine reaches :data:`MERGE_MIN`; the larger story keeps its number.

Measured on the WikiRef220 set (``bench/related_eval.py``): B-cubed F1 ≥ 0.9, where greedy
threshold clustering against story centroids or single articles gives 0.84-0.87.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from newstui.core.related import TermStats, cosine, parse_digest

WINDOW_HOURS = 96  # articles further apart than this are never in one story
NEIGHBOURS = 5
NEIGHBOUR_MIN = 0.05
JOIN_VOTE = 0.1
MERGE_MIN = 0.2
MAX_STORY = 300  # a story this big in the window takes no more articles by vote, nor merges:
# on dense, self-similar text the vote would otherwise snowball one story over everything
COMMON_SHARE = 0.05  # words in more of the stored articles than this (and than COMMON_MIN)
COMMON_MIN = 200  # do not find neighbours: they say nothing about which story an article is in


@dataclass(slots=True)
class _Slot:
    published: float
    story: int
    vector: dict[str, float]


@dataclass(slots=True)
class StoryClusterer:
    """One refresh's clustering: fed the window's stored articles (:meth:`add_known`), then asked
    for the story of each new one (:meth:`assign`, oldest first), then for the merges."""

    stats: TermStats
    next_story: int = 1
    window: float = WINDOW_HOURS * 3600.0
    _slots: list[_Slot] = field(default_factory=list)
    _postings: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    _hints: set[tuple[int, int]] = field(default_factory=set)
    _members: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))

    def _add(self, published: float, story: int, vector: dict[str, float]) -> None:
        slot = len(self._slots)
        self._slots.append(_Slot(published, story, vector))
        postings = self._postings
        for word, weight in vector.items():
            postings[word].append((slot, weight))
        self._members[story].append(slot)

    def add_known(self, published: float, story: int, digest: str) -> None:
        """An article already stored in the window, with its story."""
        self._add(published, story, self.stats.vector(parse_digest(digest)))
        self.next_story = max(self.next_story, story + 1)

    def neighbours(self, published: float, vector: dict[str, float]) -> list[tuple[float, int]]:
        """(cosine, slot) of the most similar articles within the window, best first."""
        common = max(COMMON_MIN, int(self.stats.n * COMMON_SHARE))
        df = self.stats.df
        scores: dict[int, float] = defaultdict(float)
        postings = self._postings
        for word, weight in vector.items():
            plist = postings.get(word)
            if plist and df.get(word, 0) <= common:
                for slot, theirs in plist:
                    scores[slot] += weight * theirs
        window, slots = self.window, self._slots
        near = [(s, slot) for slot, s in scores.items()
                if s >= NEIGHBOUR_MIN and abs(slots[slot].published - published) <= window]
        near.sort(reverse=True)
        return near[:NEIGHBOURS]

    def assign(self, published: float, digest: str, story: int | None = None) -> int:
        """The story of a new article (``story`` when it is known already: a copy of a stored
        article, which joins its story)."""
        vector = self.stats.vector(parse_digest(digest))
        votes: Counter[int] = Counter()
        members = self._members
        for score, slot in self.neighbours(published, vector):
            other = self._slots[slot].story
            if len(members[other]) < MAX_STORY:
                votes[other] += score
        ranked = votes.most_common()
        if story is None:
            if ranked and ranked[0][1] >= JOIN_VOTE:
                story = ranked[0][0]
            else:
                story = self.next_story
                self.next_story += 1
        for other, vote in ranked:
            if other != story and vote >= NEIGHBOUR_MIN:
                self._hints.add((min(story, other), max(story, other)))
        self._add(published, story, vector)
        return story

    def _centroid(self, story: int) -> dict[str, float]:
        total: dict[str, float] = defaultdict(float)
        for slot in self._members[story]:
            for word, weight in self._slots[slot].vector.items():
                total[word] += weight
        norm = sum(x * x for x in total.values()) ** 0.5 or 1.0
        return {w: x / norm for w, x in total.items()}

    def merges(self) -> dict[int, int]:
        """Story number → the number it merges into (only the stories that merge)."""
        parent: dict[int, int] = {}

        def root(s: int) -> int:
            while s in parent:
                s = parent[s]
            return s

        centroids: dict[int, dict[str, float]] = {}
        for a, b in sorted(self._hints):
            ra, rb = root(a), root(b)
            if ra == rb:
                continue
            for s in (ra, rb):
                if s not in centroids:
                    centroids[s] = self._centroid(s)
            members = self._members
            if len(members[ra]) + len(members[rb]) > MAX_STORY:
                continue
            if cosine(centroids[ra], centroids[rb]) >= MERGE_MIN:
                keep, drop = (ra, rb) if (len(members[ra]), -ra) >= (len(members[rb]), -rb) else (rb, ra)
                parent[drop] = keep
                for slot in members[drop]:
                    self._slots[slot].story = keep
                members[keep] += members.pop(drop)
                centroids.pop(drop, None)
                centroids[keep] = self._centroid(keep)
        return {s: root(s) for s in parent}


def cluster(rows: Iterable[tuple[float, str]], stats: TermStats | None = None) -> list[int]:
    """Stories for ``(published, digest)`` rows clustered from nothing, in the order given
    (oldest first), merges applied: for tests and benchmarks."""
    rows = list(rows)
    clusterer = StoryClusterer(stats or TermStats.of(d for _, d in rows))
    stories = [clusterer.assign(published, digest) for published, digest in rows]
    merged = clusterer.merges()
    return [merged.get(s, s) for s in stories]
