"""Story clusters: articles about the same event, from any feed, grouped as they arrive.

Each stored article carries a story number. When a refresh stores new articles, each is compared
with the articles published within :data:`WINDOW_HOURS` of it (those already stored and those of
the same refresh before it, oldest first) and joins the story its nearest neighbours vote for, or
starts a new one. Nothing is ever recomputed over the whole store: the cost of a refresh grows
with what it brings and with the articles in the window, not with the size of the store.

* **Similarity**: the cosine of TF-IDF vectors over each article's weighted words (see
  :mod:`newstui.core.related`), scored through an inverted index of the window's articles, so a
  new article is compared only with those sharing a word with it. Of the window's articles that
  have a word, only the newest :data:`RECENT_POSTINGS` are scored through it: a story's words
  are shared by its latest articles (a story comes in bursts), and a word in hundreds of the
  window's articles costs hundreds of steps per newcomer for neighbours its rarer words find anyway.
* **Assignment, by the neighbours' vote**: the :data:`NEIGHBOURS` most similar articles within the
  window (cosine ≥ :data:`NEIGHBOUR_MIN`) vote for their stories with their similarity; the story
  with the most votes takes the article when its votes reach :data:`JOIN_VOTE`, the article is
  close enough to the story as a whole (cosine with its centroid ≥ :data:`CENTROID_MIN`) and the
  story began less than :data:`STORY_HOURS` before it. A vote of several neighbours is steadier than
  the single nearest one (one article on a side issue does not pull a newcomer away from the story
  its other neighbours are in); the centroid and the time bound stop a story from snowballing
  along a chain of articles each a little like the last (on real news of five subjects packed
  into 96 hours, without them one "story" took 1,700 of 2,127 articles).
* **Merges**: an article can show that two stories are one (it is close to both). After the
  refresh's articles are placed, stories that received votes from the same article are compared
  by their centroids (the normalised sum of their members' vectors in the window) and merged when
  the cosine reaches :data:`MERGE_MIN`, the two together are still tight (the mean cosine between
  their articles, known from the centroid's length, ≥ :data:`TIGHT_MIN`: on WikiRef220 a real
  story's is 0.07-0.4, a whole BBC subject's 0.02-0.04) and within :data:`STORY_HOURS`; the larger
  story keeps its number.

Each story keeps, in the clusterer, the sum of its window members' vectors and that sum's squared
length, updated as members join: the centroid cosine and the tightness cost one pass over the
newcomer's words. Measured with ``bench/related_eval.py``: see the README.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from heapq import nlargest

from newstui.core.related import TermStats, cosine, parse_digest

WINDOW_HOURS = 96  # articles further apart than this are never each other's neighbours
STORY_HOURS = 168  # nor in one story: none joins a story this long (or more) after its first article
NEIGHBOURS = 5
NEIGHBOUR_MIN = 0.05
JOIN_VOTE = 0.1
CENTROID_MIN = 0.1  # and joins a story only when this close to the story as a whole (its centroid)
MERGE_MIN = 0.15
TIGHT_MIN = 0.05
HINT_VOTE = 0.1  # an article whose neighbours vote this much for another story hints at a merge
COMMON_SHARE = 0.05  # words in more of the stored articles than this (and than COMMON_MIN)
COMMON_MIN = 100  # do not find neighbours: they say nothing about which story an article is in
RECENT_POSTINGS = 12  # of the window's articles with a word, only the newest this many are scored


@dataclass(slots=True)
class _Slot:
    published: float
    story: int
    vector: dict[str, float]


@dataclass(slots=True)
class _Story:
    """A story as the clusterer sees it: its members in the window, the sum of their vectors (the
    centroid's direction) with its squared length, and when its first article was published."""

    start: float
    end: float = 0.0  # when its newest article in the window was published
    members: list[int] = field(default_factory=list)
    total: dict[str, float] = field(default_factory=dict)
    square: float = 0.0

    def add(self, slot: int, vector: dict[str, float], published: float) -> None:
        self.end = max(self.end, published)
        total = self.total
        get = total.get
        dot = 0.0
        for word, x in vector.items():
            y = get(word, 0.0)
            dot += x * y
            total[word] = x + y
        self.square += 2.0 * dot + sum(x * x for x in vector.values())
        self.members.append(slot)

    def closeness(self, vector: dict[str, float]) -> float:
        """The cosine of ``vector`` (a unit vector) with the story's centroid."""
        if self.square <= 0.0:
            return 0.0
        get = self.total.get
        return sum(x * get(w, 0.0) for w, x in vector.items()) / self.square ** 0.5


@dataclass(slots=True)
class StoryClusterer:
    """One refresh's clustering: fed the window's stored articles (:meth:`add_known`, with
    :meth:`story_began` for stories older than the window), then asked for the story of each new
    one (:meth:`assign`, oldest first), then for the merges."""

    stats: TermStats
    next_story: int = 1
    window: float = WINDOW_HOURS * 3600.0
    span: float = STORY_HOURS * 3600.0
    _slots: list[_Slot] = field(default_factory=list)
    _postings: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    _hints: set[tuple[int, int]] = field(default_factory=set)
    _stories: dict[int, _Story] = field(default_factory=dict)

    def _story(self, story: int, published: float) -> _Story:
        found = self._stories.get(story)
        if found is None:
            found = self._stories[story] = _Story(published)
        elif published < found.start:
            found.start = published
        return found

    def _add(self, published: float, story: int, vector: dict[str, float]) -> None:
        slot = len(self._slots)
        self._slots.append(_Slot(published, story, vector))
        postings = self._postings
        for word, weight in vector.items():
            postings[word].append((slot, weight))
        self._story(story, published).add(slot, vector, published)

    def story_began(self, story: int, published: float) -> None:
        """A stored story's first article was published then (it may be older than the window)."""
        self._story(story, published)

    def add_known(self, published: float, story: int, digest: str) -> None:
        """An article already stored in the window, with its story."""
        self._add(published, story, self.stats.vector(parse_digest(digest)))
        self.next_story = max(self.next_story, story + 1)

    def neighbours(self, published: float, vector: dict[str, float]) -> list[tuple[float, int]]:
        """(similarity, slot) of the most similar articles within the window, best first: the
        cosine over the words the store does not find too common (:data:`COMMON_SHARE`), each
        through its :data:`RECENT_POSTINGS` newest articles."""
        common = max(COMMON_MIN, int(self.stats.n * COMMON_SHARE))
        recent = -RECENT_POSTINGS
        df = self.stats.df
        scores: dict[int, float] = defaultdict(float)
        postings = self._postings
        for word, weight in vector.items():
            plist = postings.get(word)
            if plist and df.get(word, 0) <= common:
                for slot, theirs in plist[recent:]:
                    scores[slot] += weight * theirs
        if not scores:
            return []
        slots, window = self._slots, self.window
        near = []
        for slot in nlargest(4 * NEIGHBOURS, scores, key=scores.__getitem__):
            score = scores[slot]
            if score < NEIGHBOUR_MIN:
                break
            if abs(slots[slot].published - published) <= window:
                near.append((score, slot))
                if len(near) == NEIGHBOURS:
                    break
        return near

    def assign(self, published: float, digest: str, story: int | None = None) -> int:
        """The story of a new article (``story`` when it is known already: a copy of a stored
        article, which joins its story)."""
        vector = self.stats.vector(parse_digest(digest))
        votes: Counter[int] = Counter()
        for score, slot in self.neighbours(published, vector):
            votes[self._slots[slot].story] += score
        ranked = votes.most_common()
        if story is None:
            stories, span = self._stories, self.span
            for other, vote in ranked:
                if vote < JOIN_VOTE:
                    break
                candidate = stories[other]
                if published - candidate.start < span and candidate.closeness(vector) >= CENTROID_MIN:
                    story = other
                    break
            else:
                story = None
            if story is None:
                story = self.next_story
                self.next_story += 1
        for other, vote in ranked:
            if other != story and vote >= HINT_VOTE:
                self._hints.add((min(story, other), max(story, other)))
        self._add(published, story, vector)
        return story

    def merges(self) -> dict[int, int]:
        """Story number → the number it merges into (only the stories that merge)."""
        parent: dict[int, int] = {}

        def root(s: int) -> int:
            while s in parent:
                s = parent[s]
            return s

        stories = self._stories
        for a, b in sorted(self._hints):
            ra, rb = root(a), root(b)
            if ra == rb:
                continue
            sa, sb = stories[ra], stories[rb]
            first = min(sa.start, sb.start)
            if max(sa.end, sb.end) - first >= self.span or not sa.square or not sb.square:
                continue
            dot = cosine(sa.total, sb.total)  # (of the sums: over the smaller's words)
            if dot / (sa.square * sb.square) ** 0.5 < MERGE_MIN:
                continue
            m = len(sa.members) + len(sb.members)
            if (sa.square + sb.square + 2.0 * dot - m) / (m * (m - 1)) < TIGHT_MIN:
                continue  # the two together would be loose: a subject, not a story
            keep, drop = (ra, rb) if (len(sa.members), -ra) >= (len(sb.members), -rb) else (rb, ra)
            parent[drop] = keep
            kept, dropped = stories[keep], stories.pop(drop)
            for slot in dropped.members:
                self._slots[slot].story = keep
                kept.add(slot, self._slots[slot].vector, self._slots[slot].published)
            kept.start = first
        return {s: root(s) for s in parent}


def cluster(rows: Iterable[tuple[float, str]], stats: TermStats | None = None) -> list[int]:
    """Stories for ``(published, digest)`` rows clustered from nothing, in the order given
    (oldest first), merges applied: for tests and benchmarks."""
    rows = list(rows)
    clusterer = StoryClusterer(stats or TermStats.of(d for _, d in rows))
    stories = [clusterer.assign(published, digest) for published, digest in rows]
    merged = clusterer.merges()
    return [merged.get(s, s) for s in stories]
