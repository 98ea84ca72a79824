"""Story numbers and copies, worked out as the store writes (used by :mod:`newstui.core.store`).

Two headline columns carry them (see :mod:`~newstui.core.headline_table`):

``story``  the story cluster an article belongs to (:mod:`newstui.core.stories`); 0 for an
           article stored before stories existed and older than :data:`UPGRADE_DAYS` (it is
           its own story)
``dup``    0, or a number shared by the copies of one article: the same canonical link
           (:func:`newstui.core.canonical.canonical_url`) reached through several feeds

The details file keeps each article's canonical link (``canon``) and, under ``stories``, the
state between writes: the next story and copy numbers and the word statistics (:class:`TermStats`)
the similarity's IDF comes from, kept up to date as articles come, change and go.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from newstui.core.canonical import canonical_url
from newstui.core.related import TermStats
from newstui.core.stories import StoryClusterer

STATE = "stories"
UPGRADE_DAYS = 14  # a store from before stories: its articles this recent are clustered once


def canonical_key(link: str, canonical: str = "") -> str:
    """What two copies of one article share: the canonical form of the feed's canonical link,
    else of its link ("" when it has neither)."""
    return canonical_url(canonical or link) if (canonical or link) else ""


@dataclass(slots=True)
class _Fresh:
    article_id: str
    doc: dict[str, Any]
    published: float
    canon: str
    digest: str


class StoryBook:
    """One write's stories: told what is added, changed and dropped, then :meth:`finish` places
    the new articles in stories and copy groups, changing the headline columns in place."""

    def __init__(self, details: dict[str, dict[str, Any]], details_data: dict[str, Any]) -> None:
        self.docs: list[dict[str, Any]] = []
        self.details = details  # feed → its details document
        self.details_data = details_data
        state = details_data.get(STATE)
        self.upgrading = True
        if isinstance(state, dict):
            try:
                self.stats = TermStats(int(state.get("n", 0)), dict(state.get("df") or {}))
                self.next_story, self.next_dup = int(state.get("next", 1)), int(state.get("next_dup", 1))
                self.upgrading = False
            except (TypeError, ValueError):  # damaged by hand: worked out again, as for an old store
                pass
        if self.upgrading:
            self.stats = TermStats.of(d for doc in details.values() for d in (doc.get("terms") or {}).values())
            self.next_story, self.next_dup = 1, 1
        self._fresh: list[_Fresh] = []
        self.copies: dict[str, str] = {}  # a new copy's id → the stored article it copies

    # -- what the write does ---------------------------------------------------------------------

    def terms_changed(self, old: str | None, new: str) -> None:
        if old:
            self.stats.add(old, -1)
        self.stats.add(new)

    def added(self, article_id: str, doc: dict[str, Any], published: float | None, canon: str,
              digest: str, now: float) -> None:
        self._fresh.append(_Fresh(article_id, doc, published if published is not None else now, canon, digest))

    def dropped(self, digests: Iterable[str]) -> None:
        for digest in digests:
            if digest:
                self.stats.add(digest, -1)

    # -- placing the new articles ----------------------------------------------------------------

    def finish(self, docs: Iterable[dict[str, Any]], now: float) -> bool:
        """Stories and copy groups for the added articles (oldest first) that are still in
        ``docs`` (the headline documents, changed in place); whether any other row changed (a
        copy group begun, stories merged, or the store upgraded)."""
        self.docs = list(docs)
        changed = self.upgrading
        fresh: list[_Fresh] = []
        if self._fresh or self.upgrading:
            where = self._rows()
            fresh = [f for f in self._fresh if f.article_id in where]  # not dropped at once by retention
            if self.upgrading:
                self.next_story = 1 + max((s for doc in self.docs for s in doc["story"]), default=0)
                self.next_dup = 1 + max((d for doc in self.docs for d in doc["dup"]), default=0)
                fresh = self._upgrade(now) + fresh
        if fresh:
            new_ids = {f.article_id for f in fresh}
            by_canon: dict[str, str] = {}
            for feed_details in self.details.values():
                for aid, canon in (feed_details.get("canon") or {}).items():
                    if canon and aid not in new_ids:
                        by_canon.setdefault(canon, aid)
            clusterer = StoryClusterer(self.stats, self.next_story)
            lo = min(f.published for f in fresh) - clusterer.window
            began: dict[int, float] = {}
            known = []
            for doc in self.docs:
                feed_terms = (self.details.get(doc["feed"]) or {}).get("terms") or {}
                for aid, published, story in zip(doc["id"], doc["published"], doc["story"]):
                    if story and published is not None:  # (new articles have no story yet)
                        if published < began.get(story, published + 1.0):
                            began[story] = published
                        if published >= lo:
                            known.append((published, story, feed_terms.get(aid, "")))
            known.sort(key=itemgetter(0))  # oldest first, as new ones come: postings end with the newest
            for published, story, digest in known:
                clusterer.add_known(published, story, digest)
            for story, published in began.items():
                clusterer.story_began(story, published)
            fresh.sort(key=lambda f: f.published)
            for f in fresh:
                doc, i = where[f.article_id]
                original = by_canon.get(f.canon) if f.canon else None
                if original is not None and original in where:
                    odoc, oi = where[original]
                    if not odoc["dup"][oi]:
                        odoc["dup"][oi] = self.next_dup
                        self.next_dup += 1
                        changed = True
                    doc["dup"][i] = odoc["dup"][oi]
                    story = odoc["story"][oi] or None
                    doc["story"][i] = clusterer.assign(f.published, f.digest, story)
                    if story is None:
                        odoc["story"][oi] = doc["story"][i]
                    self.copies[f.article_id] = original
                else:
                    doc["story"][i] = clusterer.assign(f.published, f.digest)
                    if f.canon:
                        by_canon[f.canon] = f.article_id
            merged = clusterer.merges()
            if merged:
                for doc in self.docs:  # stories merged: their older articles are renumbered too
                    doc["story"] = [merged.get(s, s) for s in doc["story"]]
                changed = True
            self.next_story = clusterer.next_story
        self.details_data[STATE] = {
            "next": self.next_story, "next_dup": self.next_dup, "n": self.stats.n, "df": self.stats.df,
        }
        return changed

    def _rows(self) -> dict[str, tuple[dict[str, Any], int]]:
        return {aid: (doc, i) for doc in self.docs for i, aid in enumerate(doc["id"])}

    def _upgrade(self, now: float) -> list[_Fresh]:
        """A store written before stories: every article gets its canonical link, and those of
        the last :data:`UPGRADE_DAYS` are clustered as if new (older ones stay their own story)."""
        fresh = []
        new_ids = {f.article_id for f in self._fresh}
        newest = max((p for doc in self.docs for p in doc["published"] if p is not None), default=now)
        lo = newest - UPGRADE_DAYS * 86400
        for doc in self.docs:
            feed_details = self.details.get(doc["feed"]) or {}
            canon = feed_details.setdefault("canon", {})
            links, feed_terms = feed_details.get("link") or {}, feed_details.get("terms") or {}
            for aid, published in zip(doc["id"], doc["published"]):
                if aid in new_ids:
                    continue
                if aid not in canon:
                    canon[aid] = canonical_key(links.get(aid, ""))
                if published is not None and published >= lo:
                    fresh.append(_Fresh(aid, doc, published, canon[aid], feed_terms.get(aid, "")))
        self.upgrading = False
        return fresh
