"""Which topics an article belongs to, why, and whether a ``[mute]`` rule hides it.

Four sources, merged:

1. the feed's ``topics`` in feeds.toml (every article of the feed);
2. the article's own categories, normalised (case, whitespace) and mapped through the topics'
   ``aliases`` ("Technology" → "tech"), unless the feed says ``categories = false``;
3. ``[topics.NAME]`` rules: ``keywords`` matched as whole words, case-insensitively, and ``regex``
   patterns, against the title and summary; an ``exclude`` word stops the rule; ``feeds`` limits
   it to those feeds;
4. per-feed overrides: ``exclude_topics`` removes topics from a feed's articles whatever gave them.

(A fifth, inferred topics for articles that get none of these, lives in
:mod:`newstui.core.topic_infer`.)

The rules need the summary, which the reader does not hold in memory at 100,000 articles: they
are matched when an article is stored (:meth:`TopicClassifier.rule_matches`, called by the store)
and the store remembers which rules it used (:attr:`TopicClassifier.fingerprint`); after the rules
change, :meth:`newstui.core.store.Store.reindex` matches every stored article again. The same pass
records which ``[mute]`` keyword or regex hides the article (an entry starting with
:data:`MUTED`). The feed's topics, the categories and the overrides are cheap and merged at load.

:meth:`TopicClassifier.explain` says, for one article, which source gave each topic and which
rule muted it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from newstui.core.config import normalise_topic
from newstui.core.models import Article, Config
from newstui.core.text import html_to_line

__all__ = ["MUTED", "TopicClassifier", "TopicReason", "normalise_topic"]

_WORDS = re.compile(r"\w+")
_PLAIN_KEYWORD = re.compile(r"\w+(?: \w+)*")
RULES_VERSION = 2  # bump when the matching itself changes: stored matches are then redone
MUTED = "\x1e"  # a stored match starting with this names the [mute] rule that hides the article
SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class TopicReason:
    """Why an article has a topic (or is muted, ``topic`` ""): ``source`` is "feed", "category",
    "keyword", "regex", "inferred" or "mute"; ``detail`` is what matched, as the user wrote it."""

    topic: str
    source: str
    detail: str = ""

    def describe(self) -> str:
        match self.source:
            case "feed":
                return f"feed “{self.detail}” lists it"
            case "category":
                return f"category “{self.detail}”"
            case "keyword":
                return f"keyword “{self.detail}”"
            case "regex":
                return f"regex /{self.detail}/"
            case "inferred":
                return f"inferred: {self.detail}"
            case "mute":
                return f"muted by {self.detail}"
        return self.detail


class _Matcher:
    """Keywords and regexes matched against one text: a set lookup per word for plain keywords
    (one pass whatever their number), a dict of phrases, and a regex for anything else ("C++",
    "U.S."). ``find`` returns (label, what matched) pairs, labels in first-seen order."""

    def __init__(self) -> None:
        self._words: dict[str, list[tuple[str, str]]] = {}
        self._phrases: dict[str, list[tuple[str, str]]] = {}
        self._patterns: list[tuple[str, str, re.Pattern[str], str]] = []

    def add_keyword(self, label: str, keyword: str) -> None:
        low = " ".join(keyword.split()).lower()
        if _PLAIN_KEYWORD.fullmatch(low):
            table = self._phrases if " " in low else self._words
            table.setdefault(low, []).append((label, keyword))
        else:
            pattern = re.compile(r"(?<!\w)" + re.escape(low) + r"(?!\w)", re.IGNORECASE)
            self._patterns.append((label, keyword, pattern, "keyword"))

    def add_regex(self, label: str, regex: str) -> None:
        self._patterns.append((label, regex, re.compile(regex, re.IGNORECASE), "regex"))

    def __bool__(self) -> bool:
        return bool(self._words or self._phrases or self._patterns)

    def find(self, text: str, words: list[str] | None = None, *, first_only: bool = True
             ) -> list[tuple[str, str, str]]:
        """(label, kind, what) of each match; with ``first_only`` one per label."""
        found: list[tuple[str, str, str]] = []
        seen: set[str] = set()

        def hit(label: str, kind: str, what: str) -> None:
            if not first_only or label not in seen:
                seen.add(label)
                found.append((label, kind, what))

        if words is None:
            words = _WORDS.findall(text.lower())
        if self._words:
            for word in dict.fromkeys(words):
                for label, keyword in self._words.get(word, ()):
                    hit(label, "keyword", keyword)
        if self._phrases:
            joined = f" {' '.join(words)} "
            for phrase, labels in self._phrases.items():
                if f" {phrase} " in joined:
                    for label, keyword in labels:
                        hit(label, "keyword", keyword)
        for label, what, pattern, kind in self._patterns:
            if (not first_only or label not in seen) and pattern.search(text):
                hit(label, kind, what)
        return found


class TopicClassifier:
    """Compiled once per config; matching one article is then a set lookup per word."""

    def __init__(self, config: Config) -> None:
        rules = config.topics
        self._alias: dict[str, str] = {}
        for rule in rules:
            name = normalise_topic(rule.name)
            for alias in rule.aliases:
                self._alias.setdefault(normalise_topic(alias), name)
        feeds = config.feeds
        self._feed_topics = {f.name: tuple(dict.fromkeys(self.canonical(t) for t in f.topics)) for f in feeds}
        self._no_categories = {f.name for f in feeds if not f.categories}
        self._excluded = {f.name: tuple(normalise_topic(t) for t in f.exclude_topics) for f in feeds if f.exclude_topics}
        self.declared = tuple(dict.fromkeys(self.canonical(t) for t in config.declared_topics))
        self._order: dict[str, int] = {}
        self._match = _Matcher()
        self._exclude = _Matcher()
        self._rule_feeds: dict[str, frozenset[str]] = {}
        fingerprint = []
        for rule in rules:
            name = normalise_topic(rule.name)
            self._order.setdefault(name, len(self._order))
            for keyword in rule.keywords:
                self._match.add_keyword(name, keyword)
            for regex in rule.regex:
                self._match.add_regex(name, regex)
            for word in rule.exclude:
                self._exclude.add_keyword(name, word)
            if rule.feeds:
                self._rule_feeds[name] = frozenset(f.casefold() for f in rule.feeds)
            fingerprint.append((name, sorted(k.lower() for k in rule.keywords), list(rule.regex),
                                sorted(e.lower() for e in rule.exclude), sorted(self._rule_feeds.get(name, ()))))
        mute = config.mute
        self._mute = _Matcher()
        for keyword in mute.keywords:
            self._mute.add_keyword(f"keyword “{keyword}”", keyword)
        for regex in mute.regex:
            self._mute.add_regex(f"regex /{regex}/", regex)
        self.muted_feeds = frozenset(f.casefold() for f in mute.feeds)
        if mute.keywords or mute.regex:
            fingerprint.append(("[mute]", sorted(k.lower() for k in mute.keywords), list(mute.regex)))
        self.fingerprint = (
            hashlib.sha1(repr((RULES_VERSION, fingerprint)).encode()).hexdigest()[:16] if fingerprint else ""
        )

    def canonical(self, name: str) -> str:
        """A topic name normalised, and an alias replaced by its topic."""
        normal = normalise_topic(name)
        return self._alias.get(normal, normal)

    # -- at store time: the rules that need the text -----------------------------------------------

    def rule_matches(self, title: str, summary_text: str, feed: str = "") -> tuple[str, ...]:
        """The ``[topics.NAME]`` rules that match ``title`` or the summary (as plain text), in
        declaration order, then the ``[mute]`` rule that matches (as :data:`MUTED` + its label)."""
        if not self._order and not self._mute:
            return ()
        text = f"{title}\n{summary_text}"
        words = _WORDS.findall(text.lower())
        found: list[str] = []
        if self._match:
            names = {label for label, _, _ in self._match.find(text, words)}
            if names and self._exclude:
                names -= {label for label, _, _ in self._exclude.find(text, words, first_only=False)}
            if names and self._rule_feeds:
                folded = feed.casefold()
                names = {n for n in names if n not in self._rule_feeds or folded in self._rule_feeds[n]}
            found = sorted(names, key=self._order.__getitem__)
        if self._mute:
            muted = self._mute.find(text, words)
            if muted:
                found.append(MUTED + muted[0][0])
        return tuple(found)

    # -- at load time: the cheap sources, merged --------------------------------------------------

    def feed_topics(self, feed: str) -> tuple[str, ...]:
        return self._feed_topics.get(feed, ())

    def uses_categories(self, feed: str) -> bool:
        return feed not in self._no_categories

    def excluded_topics(self, feed: str) -> tuple[str, ...]:
        return self._excluded.get(feed, ())

    def category_topics(self, categories: str) -> tuple[str, ...]:
        """Topics from an article's categories (``\x1f``-joined, as the store keeps them)."""
        names = (self.canonical(c) for c in categories.split(SEP)) if categories else ()
        return tuple(dict.fromkeys(n for n in names if n))

    @staticmethod
    def matched_topics(matches: str) -> tuple[str, ...]:
        """The topic names among stored rule matches (``\x1f``-joined)."""
        return tuple(m for m in matches.split(SEP) if not m.startswith(MUTED)) if matches else ()

    @staticmethod
    def mute_rule(matches: str) -> str:
        """The label of the ``[mute]`` rule among stored matches ("" when none)."""
        if MUTED not in matches:
            return ""
        return next(m[1:] for m in matches.split(SEP) if m.startswith(MUTED))

    def muted_feed(self, feed: str) -> bool:
        return feed.casefold() in self.muted_feeds

    def merge(self, feed: str, categories: str, matches: str) -> tuple[str, ...]:
        """Every topic of an article: the feed's, its categories', its rules' (the last two
        ``\x1f``-joined, as the store keeps them), less those the feed excludes."""
        found = dict.fromkeys(self.feed_topics(feed))
        if feed not in self._no_categories:
            found.update(dict.fromkeys(self.category_topics(categories)))
        found.update(dict.fromkeys(self.matched_topics(matches)))
        for name in self._excluded.get(feed, ()):
            found.pop(name, None)
        return tuple(found)

    def topics_for(self, article: Article) -> tuple[str, ...]:
        matches = self.rule_matches(article.title, html_to_line(article.summary), article.feed)
        return self.merge(article.feed, SEP.join(article.categories), SEP.join(matches))

    def classify(self, article: Article) -> Article:
        return replace(article, topics=self.topics_for(article))

    # -- why ----------------------------------------------------------------------------------------

    def explain(self, article: Article) -> list[TopicReason]:
        """Each topic of ``article`` with every source that gives it (feed, category, keyword,
        regex), in the order of :meth:`merge`; then the rule that mutes it, if one does."""
        reasons: list[TopicReason] = []
        excluded = set(self._excluded.get(article.feed, ()))
        for topic in self.feed_topics(article.feed):
            reasons.append(TopicReason(topic, "feed", article.feed))
        if article.feed not in self._no_categories:
            for category in article.categories:
                topic = self.canonical(category)
                if topic:
                    reasons.append(TopicReason(topic, "category", " ".join(category.split())))
        summary = html_to_line(article.summary)
        text = f"{article.title}\n{summary}"
        words = _WORDS.findall(text.lower())
        matched = set(self.matched_topics(SEP.join(self.rule_matches(article.title, summary, article.feed))))
        for label, kind, what in self._match.find(text, words, first_only=False):
            if label in matched:
                reasons.append(TopicReason(label, kind, what))
        reasons = [r for r in reasons if r.topic not in excluded]
        order = {t: i for i, t in enumerate(dict.fromkeys(r.topic for r in reasons))}
        reasons.sort(key=lambda r: order[r.topic])  # stable: a topic's sources together
        if self.muted_feed(article.feed):
            reasons.append(TopicReason("", "mute", f"feed “{article.feed}”"))
        else:
            muted = self._mute.find(text, words)
            if muted:
                reasons.append(TopicReason("", "mute", muted[0][0]))
        return reasons
