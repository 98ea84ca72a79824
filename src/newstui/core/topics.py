"""Which topics an article belongs to, and why.

Three sources, merged: the feed's ``topics`` in feeds.toml, the article's own categories
(normalised: case and whitespace), and ``[topics.NAME]`` keyword rules matched as whole words,
case-insensitively, against the title and summary.
"""

from __future__ import annotations

import re
from dataclasses import replace

from newstui.core.config import normalise_topic
from newstui.core.models import Article, Config
from newstui.core.text import html_to_line

__all__ = ["TopicClassifier", "normalise_topic"]


class TopicClassifier:
    """Compiled once per config; :meth:`topics_for` is then cheap per article."""

    def __init__(self, config: Config) -> None:
        self._feed_topics = {f.name: tuple(normalise_topic(t) for t in f.topics) for f in config.feeds}
        self._rules: list[tuple[str, re.Pattern[str]]] = []
        for rule in config.topics:
            words = [re.escape(k.strip()) for k in rule.keywords if k.strip()]
            if words:
                pattern = re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)
                self._rules.append((normalise_topic(rule.name), pattern))

    def topics_for(self, article: Article) -> tuple[str, ...]:
        found: dict[str, None] = dict.fromkeys(self._feed_topics.get(article.feed, ()))
        for category in article.categories:
            name = normalise_topic(category)
            if name:
                found.setdefault(name, None)
        if self._rules:
            text = f"{article.title}\n{html_to_line(article.summary)}"
            for name, pattern in self._rules:
                if name not in found and pattern.search(text):
                    found[name] = None
        return tuple(found)

    def classify(self, article: Article) -> Article:
        return replace(article, topics=self.topics_for(article))
