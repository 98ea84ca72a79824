"""Which topics an article belongs to, and why.

Three sources, merged: the feed's ``topics`` in feeds.toml, the article's own categories
(normalised: case and whitespace), and ``[topics.NAME]`` keyword rules matched as whole words,
case-insensitively, against the title and summary.

The keyword rules need the summary, which the reader does not hold in memory at 100,000 articles:
they are matched when an article is stored (:meth:`TopicClassifier.keyword_topics`, called by the
store) and the store remembers which rules it used (:attr:`TopicClassifier.fingerprint`); after the
rules change, :meth:`newstui.core.store.Store.reindex` matches every stored article again. The feed's
topics and the categories are cheap and merged at load.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from newstui.core.config import normalise_topic
from newstui.core.models import Article, Config
from newstui.core.text import html_to_line

__all__ = ["TopicClassifier", "normalise_topic"]

_WORDS = re.compile(r"\w+")
_PLAIN_KEYWORD = re.compile(r"\w+(?: \w+)*")
RULES_VERSION = 1  # bump when the matching itself changes: stored matches are then redone


class TopicClassifier:
    """Compiled once per config; matching one article is then a set lookup per word."""

    def __init__(self, config: Config) -> None:
        self._feed_topics = {f.name: tuple(normalise_topic(t) for t in f.topics) for f in config.feeds}
        self.declared = tuple(dict.fromkeys(normalise_topic(t) for t in config.declared_topics))
        # Keywords made of word characters and single spaces (nearly all) are matched by looking the
        # text's words up in a dict: one pass whatever the number of rules. Any other keyword
        # ("C++", "U.S.") gets a regex with the same whole-word rule.
        self._words: dict[str, list[str]] = {}
        self._phrases: dict[str, list[str]] = {}
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        self._order: dict[str, int] = {}
        rules = []
        for rule in config.topics:
            name = normalise_topic(rule.name)
            self._order.setdefault(name, len(self._order))
            keywords = sorted({" ".join(k.split()).lower() for k in rule.keywords if k.strip()})
            rules.append((name, keywords))
            for keyword in keywords:
                if _PLAIN_KEYWORD.fullmatch(keyword):
                    table = self._phrases if " " in keyword else self._words
                    table.setdefault(keyword, []).append(name)
                else:
                    pattern = re.compile(r"(?<!\w)" + re.escape(keyword) + r"(?!\w)", re.IGNORECASE)
                    self._patterns.append((name, pattern))
        self.fingerprint = hashlib.sha1(repr((RULES_VERSION, rules)).encode()).hexdigest()[:16] if rules else ""

    @property
    def has_rules(self) -> bool:
        return bool(self._order)

    def keyword_topics(self, title: str, summary_text: str) -> tuple[str, ...]:
        """The ``[topics.NAME]`` rules that match ``title`` or the summary (as plain text)."""
        if not self._order:
            return ()
        text = f"{title}\n{summary_text}"
        found: set[str] = set()
        words = _WORDS.findall(text.lower())
        for word in set(words):
            names = self._words.get(word)
            if names:
                found.update(names)
        if self._phrases:
            joined = f" {' '.join(words)} "
            for phrase, names in self._phrases.items():
                if f" {phrase} " in joined:
                    found.update(names)
        for name, pattern in self._patterns:
            if name not in found and pattern.search(text):
                found.add(name)
        return tuple(sorted(found, key=self._order.__getitem__))

    def feed_topics(self, feed: str) -> tuple[str, ...]:
        return self._feed_topics.get(feed, ())

    @staticmethod
    def category_topics(categories: str) -> tuple[str, ...]:
        """Topics from an article's categories (``\x1f``-joined, as the store keeps them)."""
        names = (normalise_topic(c) for c in categories.split("\x1f")) if categories else ()
        return tuple(dict.fromkeys(n for n in names if n))

    def merge(self, feed: str, categories: str, keywords: str) -> tuple[str, ...]:
        """Every topic of an article: the feed's, its categories', its keyword rules' (the last
        two ``\x1f``-joined, as the store keeps them)."""
        found = dict.fromkeys(self.feed_topics(feed))
        found.update(dict.fromkeys(self.category_topics(categories)))
        found.update(dict.fromkeys(keywords.split("\x1f") if keywords else ()))
        return tuple(found)

    def topics_for(self, article: Article) -> tuple[str, ...]:
        keywords = self.keyword_topics(article.title, html_to_line(article.summary))
        return self.merge(article.feed, "\x1f".join(article.categories), "\x1f".join(keywords))

    def classify(self, article: Article) -> Article:
        return replace(article, topics=self.topics_for(article))
