"""Related stories, first honest version: TF-IDF cosine over the significant words of title and
summary, with an inverted index so only articles sharing a word are scored.

The words are picked when an article is stored (:func:`digest_terms`, called by the store), so the
index is built from short strings, never from the summaries: at 100,000 articles it takes well
under a second and the summaries stay on disk. Words shared by more than one article in
:data:`COMMON_SHARE` are left out of the scoring (their weight is near zero and their postings are
long), which keeps one query to a few thousand additions whatever the size of the store.

Each result carries the shared terms that made it related, so the UI can say *why*.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


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
DIGEST_TERMS = 16  # words kept per article
SUMMARY_CHARS = 2000
COMMON_SHARE = 0.02  # words in more than this share of the articles are not scored
QUERY_TERMS = 8  # the rarest words of an article that find its candidates
RESCORED = 40  # candidates ranked by exact cosine


def terms(text: str) -> list[str]:
    """Lower-cased significant words: no stopwords, no numbers, at least three letters.

    One C-level ``findall`` and list comprehensions: this runs for every article stored (a
    cold refresh of 5,000 articles spent a second in a loop over regex matches)."""
    low = text.lower()
    if "’" in low:
        low = low.replace("’", "'")
    words = _WORD.findall(low)
    if "'" in low:
        words = [w[:-2] if w.endswith("'s") else w for w in words]
    return [w for w in words if len(w) >= 3 and w not in STOPWORDS and not w.isdigit()]


def digest_terms(title: str, summary_text: str, limit: int = DIGEST_TERMS) -> str:
    """The words an article is related by: ``"title words|summary words"``, the title's first,
    then the summary's most frequent, at most ``limit`` in all, each once."""
    title_terms = list(dict.fromkeys(terms(title)))[:limit]
    counts = Counter(t for t in terms(summary_text[:SUMMARY_CHARS]) if t not in title_terms)
    body = [t for t, _ in counts.most_common(max(limit - len(title_terms), 0))]
    return " ".join(title_terms) + "|" + " ".join(body)


@dataclass(frozen=True, slots=True)
class RelatedStory:
    article_id: str
    score: float
    shared: tuple[str, ...]  # the shared terms that weigh most, strongest first


class RelatedIndex:
    """Built from ``(article id, digest_terms(...))`` pairs; answers :meth:`related_to`.

    A query scores the other articles by the dot product over at most :data:`QUERY_TERMS` of the
    article's words (the rarest that another article has too), leaving out words in more than :data:`COMMON_SHARE` of the
    articles; the best :data:`RESCORED` are then ranked by exact cosine. Digests hold at most
    :data:`DIGEST_TERMS` words, so their lengths are alike and the dot product picks the same
    few best candidates as the cosine would.
    """

    def __init__(self, rows: Iterable[tuple[str, str]] = ()) -> None:
        self._ids: list[str] = []
        self._digests: list[str] = []
        for article_id, digest in rows:
            self._ids.append(article_id)
            self._digests.append(digest)
        self._row = {aid: n for n, aid in enumerate(self._ids)}
        title_post: dict[str, list[int]] = defaultdict(list)
        body_post: dict[str, list[int]] = defaultdict(list)
        for row, digest in enumerate(self._digests):
            title, _, body = digest.partition("|")
            for term in title.split():
                title_post[term].append(row)
            for term in body.split():
                body_post[term].append(row)
        self._title_post, self._body_post = dict(title_post), dict(body_post)
        n = len(self._ids)
        df = {t: len(p) for t, p in self._title_post.items()}
        for t, p in self._body_post.items():
            df[t] = df.get(t, 0) + len(p)
        self._df = df
        self._idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        self._common = max(50, int(n * COMMON_SHARE))

    def __len__(self) -> int:
        return len(self._ids)

    def _vector(self, digest: str) -> dict[str, float]:
        title, _, body = digest.partition("|")
        idf = self._idf
        vec = {t: idf.get(t, 0.0) for t in body.split()}
        for t in title.split():
            vec[t] = TITLE_WEIGHT * idf.get(t, 0.0)
        return {t: w for t, w in vec.items() if w > 0}

    @staticmethod
    def _norm(vec: dict[str, float]) -> float:
        return math.sqrt(sum(w * w for w in vec.values())) or 1.0

    def related_to(self, article_id: str, limit: int = 10, min_score: float = 0.08) -> list[RelatedStory]:
        row = self._row.get(article_id)
        if row is None:
            return []
        mine = self._vector(self._digests[row])
        # Words no other article has can't find anything: the rarest of the others do.
        usable = sorted((t for t in mine if 1 < self._df[t] <= self._common), key=lambda t: (-self._idf[t], t))
        scores: dict[int, float] = defaultdict(float)
        for term in usable[:QUERY_TERMS]:
            weight = mine[term] * self._idf[term]
            for other in self._title_post.get(term, ()):
                scores[other] += weight * TITLE_WEIGHT
            for other in self._body_post.get(term, ()):
                scores[other] += weight
        scores.pop(row, None)
        best = sorted(scores.items(), key=lambda p: -p[1])[: max(limit * 3, RESCORED)]
        norm = self._norm(mine)
        ranked = []
        for other, _ in best:
            theirs = self._vector(self._digests[other])
            dot = sum(w * theirs[t] for t, w in mine.items() if t in theirs)
            ranked.append((dot / (norm * self._norm(theirs)), self._ids[other], theirs))
        ranked.sort(key=lambda p: (-p[0], p[1]))
        out = []
        for score, other_id, theirs in ranked[:limit]:
            if score < min_score:
                break
            shared = sorted(set(mine) & set(theirs), key=lambda t: (-(mine[t] * theirs[t]), t))
            out.append(RelatedStory(other_id, round(score, 4), tuple(shared[:4])))
        return out
