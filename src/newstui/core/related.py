"""What articles are about, as weighted words, and which articles are about the same thing.

**The words.** When an article is stored, :func:`digest_terms` keeps the :data:`DIGEST_TERMS` words
that say most about it, with a weight each: how often the word occurs in the title and the text
(summary, or the feed's full content, or the page's text once fetched), a title word counting
:data:`TITLE_BOOST` more, and names (words written capitalised where they occur) counting double;
plurals are folded ("attacks" → "attack"), stopwords and numbers dropped. Words are picked by
their count, not by their rarity: rare words picked alone are the article's quirks, while the words
it repeats are its subject (on the WikiRef220 set, the top 32 by count find the same story for
98% of the top five, the top 32 by TF-IDF for 94%).

**The similarity** is the cosine of TF-IDF vectors over those words: sublinear term frequency
(``1 + ln w``) times ``ln((N + 1) / (df + 0.5))``, where ``df`` counts the stored articles that
have the word among theirs (:class:`TermStats`, kept up to date by the store as articles come and
go, so no pass over the store is ever needed to know it). Plain TF-IDF is what search engines used
for decades and is well understood; BM25's length normalisation matters for long documents of
varying lengths, which digests of equal size are not. Words in more than :data:`COMMON_SHARE` of the
articles are left out (they carry almost no weight and their postings are long).

**The index** (:class:`RelatedIndex`) lists, for each word, the articles that have it among their
:data:`INDEXED_TERMS` heaviest words: a query walks the postings of the open article's rarest
words, and the best :data:`RESCORED` candidates (plus its story's other articles) are ranked by
the exact cosine. Each result carries the shared words that weigh most, so the UI can say *why*.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
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
_NAME = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][\w'’-]*[^\W_]")  # capitalised, not starting a sentence
TITLE_BOOST = 2  # a title word counts this much more than an occurrence in the text
NAME_FACTOR = 2  # names weigh double: the same names in two articles are the best sign of one story
DIGEST_TERMS = 32  # words kept per article
TEXT_CHARS = 6000  # of the text, the part words are counted in
INDEXED_TERMS = 12  # an article is listed under its heaviest words only
COMMON_SHARE = 0.05  # words in more than this share of the articles are not scored
QUERY_TERMS = 12  # the rarest words of an article that find its candidates
RESCORED = 100  # candidates ranked by exact cosine
MIN_SCORE = 0.05  # less similar than this is not related (on WikiRef220, 0.08 left 9 of 185 lists short)


_NOT_PLURAL = frozenset("news series species physics economics politics athletics means always perhaps".split())


def stem(word: str) -> str:
    """Plurals folded: "attacks" → "attack", "companies" → "company" (not "news", "crisis")."""
    if word in _NOT_PLURAL:
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word[-1] == "s" and word[-2] not in "sui'":
        return word[:-1]
    return word


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


def weighted_terms(title: str, text: str) -> Counter[str]:
    """Every significant word of an article with its weight (see the module's docstring)."""
    text = text[:TEXT_CHARS]
    counts = Counter(map(stem, terms(text)))
    if counts:
        names = Counter(map(stem, terms(" ".join(_NAME.findall(text)))))
        for word, n in names.items():
            c = counts.get(word)
            if c and n * 5 >= c * 3:  # capitalised in at least 60% of its occurrences
                counts[word] = c * NAME_FACTOR
    for word in dict.fromkeys(map(stem, terms(title))):
        counts[word] += TITLE_BOOST
    return counts


def digest_terms(title: str, text: str, limit: int = DIGEST_TERMS) -> str:
    """The words an article is related by, heaviest first: ``"word:3 other:2 third"`` (a
    weight of 1 is not written)."""
    counts = weighted_terms(title, text)
    return " ".join(w if n == 1 else f"{w}:{n}" for w, n in counts.most_common(limit))


def parse_digest(digest: str) -> dict[str, int]:
    """A digest's words and weights. Digests of stores before 0.5 (``"title words|text words"``,
    no weights) read as title words 3, text words 1."""
    if "|" in digest:
        title, _, body = digest.partition("|")
        out = dict.fromkeys(body.split(), 1)
        for word in title.split():
            out[word] = 1 + TITLE_BOOST
        return out
    out = {}
    for item in digest.split():
        word, colon, n = item.partition(":")
        out[word] = int(n) if colon and n.isdigit() else 1
    return out


class TermStats:
    """How many stored articles have each word in their digest (``df``) and how many articles
    there are (``n``): what the inverse document frequency is computed from. Kept by the store,
    changed as articles are added, changed and dropped."""

    def __init__(self, n: int = 0, df: Mapping[str, int] | None = None) -> None:
        self.n = n
        self.df: dict[str, int] = dict(df or {})

    @classmethod
    def of(cls, digests: Iterable[str]) -> TermStats:
        stats = cls()
        for digest in digests:
            stats.add(digest)
        return stats

    def add(self, digest: str, sign: int = 1) -> None:
        self.n += sign
        df = self.df
        for word in parse_digest(digest):
            count = df.get(word, 0) + sign
            if count > 0:
                df[word] = count
            else:
                df.pop(word, None)

    def idf(self, word: str) -> float:
        return math.log((self.n + 1) / (self.df.get(word, 0) + 0.5))

    def vector(self, weights: Mapping[str, int]) -> dict[str, float]:
        """The unit TF-IDF vector of a digest's weights."""
        n1 = self.n + 1
        df = self.df
        vec = {w: (1.0 + math.log(c)) * math.log(n1 / (df.get(w, 0) + 0.5)) for w, c in weights.items()}
        norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
        return {w: x / norm for w, x in vec.items() if x > 0}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(x * get(w, 0.0) for w, x in a.items())


def shared_terms(a: Mapping[str, float], b: Mapping[str, float], limit: int = 4) -> tuple[str, ...]:
    """The words two vectors share, those adding most to their cosine first."""
    both = sorted(set(a) & set(b), key=lambda w: (-(a[w] * b[w]), w))
    return tuple(both[:limit])


@dataclass(frozen=True, slots=True)
class RelatedStory:
    """One article related to another: how much (cosine), and why (the shared words). ``section``
    is "same" (the same story), "earlier" (older coverage of the subject) or "related"; ``copy``
    means the very same article (one link) reached through another feed."""

    article_id: str
    score: float
    shared: tuple[str, ...]  # the shared terms that weigh most, strongest first
    section: str = "related"
    copy: bool = False


class RelatedIndex:
    """Built from ``(article id, digest)`` pairs and the store's :class:`TermStats`; answers
    :meth:`related_to` and :meth:`vector`."""

    def __init__(self, rows: Iterable[tuple[str, str]], stats: TermStats | None = None) -> None:
        self._ids: list[str] = []
        self._digests: list[str] = []
        postings: dict[str, list[int]] = defaultdict(list)
        for row, (article_id, digest) in enumerate(rows):
            self._ids.append(article_id)
            self._digests.append(digest)
            if "|" in digest:  # an old digest: its title words are its heaviest
                words = list(parse_digest(digest))[:INDEXED_TERMS]
            else:
                words = [item.partition(":")[0] for item in digest.split(" ", INDEXED_TERMS)[:INDEXED_TERMS]]
            for word in words:
                postings[word].append(row)
        self._postings = dict(postings)
        self._row = {aid: n for n, aid in enumerate(self._ids)}
        if stats is None or stats.n <= 0:
            stats = TermStats.of(self._digests)
        self.stats = stats
        self._common = max(50, int(max(stats.n, len(self._ids)) * COMMON_SHARE))
        self._vectors: dict[int, dict[str, float]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._row

    def _vector(self, row: int) -> dict[str, float]:
        vec = self._vectors.get(row)
        if vec is None:
            if len(self._vectors) > 50_000:
                self._vectors.clear()
            vec = self._vectors[row] = self.stats.vector(parse_digest(self._digests[row]))
        return vec

    def update(self, article_id: str, digest: str) -> None:
        """An article's words changed (its page's text arrived): listed under its new heaviest
        words too (old postings stay: candidates are rescored by the exact cosine anyway)."""
        row = self._row.get(article_id)
        if row is None:
            return
        self._digests[row] = digest
        self._vectors.pop(row, None)
        for word in list(parse_digest(digest))[:INDEXED_TERMS]:
            plist = self._postings.setdefault(word, [])
            if row not in plist[-1:]:
                plist.append(row)

    def digests(self) -> dict[str, str]:
        """Article id → its words, as the index holds them (a fetched page's, once it came)."""
        return dict(zip(self._ids, self._digests))

    def vector(self, article_id: str) -> dict[str, float]:
        row = self._row.get(article_id)
        return {} if row is None else self._vector(row)

    def related_to(self, article_id: str, limit: int = 10, min_score: float = MIN_SCORE,
                   include: Iterable[str] = ()) -> list[RelatedStory]:
        """The ``limit`` articles most similar to ``article_id`` (at least ``min_score``), and
        those of ``include`` (its story's other articles) whatever their score."""
        row = self._row.get(article_id)
        if row is None:
            return []
        mine = self._vector(row)
        df = self.stats.df
        common = self._common
        usable = sorted((w for w in mine if w in self._postings and df.get(w, 0) <= common),
                        key=lambda w: (-mine[w], w))
        scores: dict[int, float] = defaultdict(float)
        for word in usable[:QUERY_TERMS]:
            weight = mine[word]
            for other in self._postings[word]:
                scores[other] += weight
        scores.pop(row, None)
        best = sorted(scores, key=scores.__getitem__, reverse=True)[: max(limit * 3, RESCORED)]
        wanted = {r for aid in include if (r := self._row.get(aid)) is not None and r != row}
        ranked = []
        for other in dict.fromkeys([*best, *wanted]):
            theirs = self._vector(other)
            score = cosine(mine, theirs)
            if score >= min_score or other in wanted:
                ranked.append((score, self._ids[other], theirs, other in wanted))
        ranked.sort(key=lambda p: (-p[0], p[1]))
        out = []
        for score, other_id, theirs, forced in ranked:
            if len(out) >= limit and not forced:
                continue
            out.append(RelatedStory(other_id, round(score, 4), shared_terms(mine, theirs)))
        return out
