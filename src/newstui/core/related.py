"""Related stories, first honest version: TF-IDF cosine over the significant words of title and
summary, with an inverted index so only articles sharing a word are scored.

Each result carries the shared terms that made it related, so the UI can say *why*.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from newstui.core.models import Article
from newstui.core.text import html_to_line

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours yourself yourselves said says say new news one two
    three first last year years week weeks day days today yesterday tomorrow monday tuesday
    wednesday thursday friday saturday sunday time times make made may might must many much
    still yet get got like just well back even way told according report reports reported amid
    people per cent percent around across since already could would us via""".split()
)
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
TITLE_WEIGHT = 2.0


def terms(text: str) -> list[str]:
    """Lower-cased significant words: no stopwords, no numbers, at least three letters."""
    out = []
    for match in _WORD.finditer(text.lower()):
        word = match.group().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) >= 3 and word not in STOPWORDS and not word.isdigit():
            out.append(word)
    return out


@dataclass(frozen=True, slots=True)
class RelatedStory:
    article_id: str
    score: float
    shared: tuple[str, ...]  # the shared terms that weigh most, strongest first


class RelatedIndex:
    """Built from a set of articles; answer :meth:`related_to` for any of them."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._weights: dict[str, dict[str, float]] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        self._raw: dict[str, dict[str, float]] = {}
        for article in articles:
            self._raw[article.id] = self._bag(article)
        self._reweigh()

    @staticmethod
    def _bag(article: Article) -> dict[str, float]:
        bag: dict[str, float] = defaultdict(float)
        for term in terms(article.title):
            bag[term] += TITLE_WEIGHT
        for term in terms(html_to_line(article.summary)[:2000]):
            bag[term] += 1.0
        return bag

    def _reweigh(self) -> None:
        df: Counter[str] = Counter()
        for bag in self._raw.values():
            df.update(bag.keys())
        n = len(self._raw)
        idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self._postings = defaultdict(set)
        self._weights = {}
        for aid, bag in self._raw.items():
            vec = {t: (1 + math.log(tf)) * idf[t] for t, tf in bag.items() if idf[t] > 0}
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            self._weights[aid] = {t: w / norm for t, w in vec.items()}
            for term in vec:
                self._postings[term].add(aid)

    def related_to(self, article_id: str, limit: int = 10, min_score: float = 0.08) -> list[RelatedStory]:
        mine = self._weights.get(article_id)
        if not mine:
            return []
        scores: dict[str, float] = defaultdict(float)
        for term, weight in mine.items():
            for other in self._postings[term]:
                if other != article_id:
                    scores[other] += weight * self._weights[other][term]
        ranked = sorted(
            ((s, aid) for aid, s in scores.items() if s >= min_score), key=lambda p: (-p[0], p[1])
        )[:limit]
        out = []
        for score, aid in ranked:
            theirs = self._weights[aid]
            shared = sorted(set(mine) & set(theirs), key=lambda t: -(mine[t] * theirs[t]))
            out.append(RelatedStory(aid, round(score, 4), tuple(shared[:4])))
        return out
