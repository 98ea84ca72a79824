"""The articles as the reader and the CLI see them: loaded from the store, classified into topics,
filtered, counted and related. This is the seam between the core and its two front ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from newstui.core.models import Article, Config
from newstui.core.related import RelatedIndex, RelatedStory
from newstui.core.store import Store
from newstui.core.topics import TopicClassifier, normalise_topic

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


def _newest_first(article: Article) -> tuple[datetime, str]:
    return (article.published or _EPOCH, article.id)


class Library:
    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self._classifier = TopicClassifier(config)
        self._by_id: dict[str, Article] = {}
        self._ordered: list[Article] = []
        self._related: RelatedIndex | None = None
        self.reload()

    def reload(self) -> None:
        """Re-read every article from the store (after a refresh, or another process's write)."""
        classify = self._classifier.classify
        articles = sorted((classify(a) for a in self.store.articles()), key=_newest_first, reverse=True)
        self._ordered = articles
        self._by_id = {a.id: a for a in articles}
        self._related = None  # built on the first related() call: list, show and first paint skip it

    def __len__(self) -> int:
        return len(self._ordered)

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def find(self, prefix: str) -> list[Article]:
        """Articles whose id starts with ``prefix``."""
        return [a for a in self._ordered if a.id.startswith(prefix)]

    # -- views ---------------------------------------------------------------------------------

    def headlines(self, view: Filter = Filter()) -> list[Article]:
        """Articles matching ``view``, newest first."""
        topic = normalise_topic(view.topic) if view.topic else None
        words = view.query.lower().split()
        out = []
        for article in self._ordered:
            if view.starred and not article.starred:
                continue
            if view.unread_only and article.read:
                continue
            if topic and topic not in article.topics:
                continue
            if view.feed and article.feed != view.feed:
                continue
            if words:
                title = article.title.lower()
                if not all(w in title for w in words):
                    continue
            out.append(article)
        return out

    def topic_counts(self) -> list[TopicCount]:
        """Every topic with unread and total counts: declared topics first, then by size."""
        total: Counter[str] = Counter()
        unread: Counter[str] = Counter()
        for article in self._ordered:
            total.update(article.topics)
            if not article.read:
                unread.update(article.topics)
        declared = [normalise_topic(t) for t in self.config.declared_topics]
        rest = sorted((t for t in total if t not in declared), key=lambda t: (-total[t], t))
        return [TopicCount(t, unread[t], total[t]) for t in [*declared, *rest]]

    def counts(self) -> tuple[TopicCount, TopicCount]:
        """(all articles, starred articles) with unread and total counts."""
        unread = sum(1 for a in self._ordered if not a.read)
        starred = [a for a in self._ordered if a.starred]
        return (
            TopicCount("all", unread, len(self._ordered)),
            TopicCount("starred", sum(1 for a in starred if not a.read), len(starred)),
        )

    def related(self, article_id: str, limit: int = 10) -> list[tuple[Article, RelatedStory]]:
        if self._related is None:
            self._related = RelatedIndex(self._ordered)
        out = []
        for story in self._related.related_to(article_id, limit):
            article = self._by_id.get(story.article_id)
            if article is not None:
                out.append((article, story))
        return out

    # -- flags ---------------------------------------------------------------------------------

    def set_flags(self, ids: Iterable[str], *, read: bool | None = None, starred: bool | None = None) -> None:
        """Persist first, then update memory, so what the reader shows is what is stored."""
        ids = [i for i in ids if i in self._by_id]
        self.store.set_flags(ids, read=read, starred=starred)
        changes = {k: v for k, v in (("read", read), ("starred", starred)) if v is not None}
        for article_id in ids:
            updated = replace(self._by_id[article_id], **changes)
            self._by_id[article_id] = updated
        self._ordered = [self._by_id[a.id] for a in self._ordered]
