"""Search queries: the syntax of ``/`` in the reader and of ``newstui list --search``.

A query is parsed once (:func:`parse_query`) into a :class:`Query`; the search index
(:mod:`newstui.core.search_index`) answers its text part at 100,000 articles, :func:`matches`
answers all of it in pure Python for a few articles (and the tests), and :func:`highlight_spans`
finds what to highlight in the article that is shown.

Syntax (case never matters)::

    climate storm         articles with both words, in the title or the text (whole words)
    "sea level"           the exact phrase (its words next to each other, in that order)
    -storm  -"sea level"  articles without the word or phrase
    feed:bbc              a feed whose name contains these words, the last one maybe cut short
    feed:"Ars Technica"   ("bbc" finds "BBC News"; "tech" finds "Tech Crunch" but not "Ars");
                          several feed: qualifiers mean any of those feeds; -feed:x leaves x out
    topic:asia            articles in the topic; several mean all of them; -topic:x leaves x out
    after:2026-05-01      published on or after that day (from its midnight, local time)
    before:2026-05-01     published before that day (up to the end of 30 April)
    after:3d  before:2w   relative ages: h(ours), d(ays), w(eeks), y(ears); also today, yesterday

Words are split the way the index splits them (SQLite's unicode61 tokenizer: letters and digits,
accents on Latin letters ignored), so a typed word with punctuation inside ("e-mail",
"covid-19", "example.com") is the phrase of its parts, and a word with no letter or digit in it
("*", "^", "&") is ignored. ``AND``, ``OR``, ``NOT`` and ``NEAR`` are plain words. An unknown
qualifier (``foo:bar``) is a plain word too. Undated articles never match ``before:``/``after:``.

Errors: a qualifier with a value that means nothing (``after:2026-13-01``, ``feed:``,
``-after:3d``) raises :class:`QueryError`, whose message a status line can show as is (the reader
keeps the previous results meanwhile). An unclosed quote is not an error: the phrase runs to the
end of the query, which is what someone typing ``"sea lev`` in a search-as-you-type box means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple

from newstui.core.config import normalise_topic

__all__ = ["Query", "QueryError", "fold", "folded_words", "highlight_spans", "matches", "parse_query", "tokens"]

# Letters and digits, with the combining marks that may follow them: what unicode61 keeps as a
# token (checked against SQLite for Latin, Greek, Cyrillic, CJK, Arabic digits, Devanagari).
TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
QUALIFIERS = ("feed", "topic", "before", "after")
_QUALIFIER = re.compile(r"(feed|topic|before|after):", re.IGNORECASE)
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_AGE = re.compile(r"(\d{1,5})([hdwy])")
UNITS = {"h": ("hour", 3600), "d": ("day", 86400), "w": ("week", 7 * 86400), "y": ("year", 365 * 86400)}


class QueryError(ValueError):
    """A query that can't be understood; the message says what to write instead."""


def fold(token: str) -> str:
    """A token as the index compares it: lower case, accents dropped from Latin letters (as
    unicode61 with ``remove_diacritics 2``: ``Łódź`` → ``łodz``, but Greek keeps its accents)."""
    low = token.lower()
    if low.isascii():
        return low
    out = []
    base_ascii = False
    for ch in unicodedata.normalize("NFD", low):
        if unicodedata.combining(ch):
            if base_ascii:
                continue
        else:
            base_ascii = ch.isascii()
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).replace("ς", "σ")


def tokens(text: str) -> list[str]:
    """The folded tokens of ``text``."""
    return [fold(m.group()) for m in TOKEN.finditer(text)]


# ASCII letters and digits are the tokens of an ASCII text: everything else becomes a space.
_ASCII_SPACES = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def folded_words(text: str) -> str:
    """The folded tokens of ``text``, joined by single spaces (an ASCII text, most titles, is
    lower-cased and split at C speed: ~20 times faster than :func:`tokens`)."""
    low = text.lower()
    return " ".join(low.translate(_ASCII_SPACES).split()) if low.isascii() else " ".join(tokens(text))


class _Spot(NamedTuple):
    start: int
    end: int
    token: str


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. Words and phrases are folded (see :func:`fold`); a phrase is its tokens
    joined by single spaces. Dates are seconds since the epoch: ``after`` inclusive, ``before``
    exclusive."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # words and phrases, in the same form
    prefix: str = ""  # a word being typed: the article has a word that starts with it
    held: str = field(default="", compare=False)  # a first letter being typed, not searched till the next
    feeds: tuple[str, ...] = ()  # any of them (folded tokens joined by spaces)
    not_feeds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # all of them (normalised topic names)
    not_topics: tuple[str, ...] = ()
    after: float | None = None
    before: float | None = None
    after_label: str = ""  # as typed: "2026-05-01", "3d"
    before_label: str = ""
    source: str = field(default="", compare=False)  # the text it was parsed from

    # -- what it asks ------------------------------------------------------------------------

    @property
    def terms(self) -> tuple[str, ...]:
        """Every word and phrase an article must contain."""
        return self.words + self.phrases

    @property
    def has_text(self) -> bool:
        """Whether the article's words matter (else only the qualifiers do)."""
        return bool(self.words or self.phrases or self.excluded or self.prefix)

    @property
    def only_exclusions(self) -> bool:
        """``-word`` and nothing an article must contain: every article but some."""
        return bool(self.excluded) and not (self.words or self.phrases or self.prefix)

    @property
    def has_qualifiers(self) -> bool:
        return bool(self.feeds or self.not_feeds or self.topics or self.not_topics
                    or self.after is not None or self.before is not None)

    def __bool__(self) -> bool:
        return self.has_text or self.has_qualifiers

    # -- the qualifiers, for filters over the in-memory columns -------------------------------

    def feed_ok(self, name: str) -> bool:
        """Whether an article of feed ``name`` passes ``feed:`` and ``-feed:``."""
        if not (self.feeds or self.not_feeds):
            return True
        have = tokens(name)
        if self.feeds and not any(_name_has(have, want) for want in self.feeds):
            return False
        return not any(_name_has(have, unwanted) for unwanted in self.not_feeds)

    def topics_ok(self, topics: Iterable[str]) -> bool:
        """Whether an article with these topics passes ``topic:`` and ``-topic:``."""
        if not (self.topics or self.not_topics):
            return True
        have = {normalise_topic(t) for t in topics}
        return all(t in have for t in self.topics) and not any(t in have for t in self.not_topics)

    def date_ok(self, published: float | datetime | None) -> bool:
        """Whether an article published then passes ``after:`` and ``before:``."""
        if self.after is None and self.before is None:
            return True
        if published is None:
            return False
        when = published.timestamp() if isinstance(published, datetime) else published
        if self.after is not None and when < self.after:
            return False
        return self.before is None or when < self.before

    # -- for people ----------------------------------------------------------------------------

    def describe(self) -> str:
        """One line for a status bar: ``climate “sea level” −storm · feed bbc · after 3 days ago``."""
        parts = []
        text = [*self.words, *(f"“{p}”" for p in self.phrases), *((f"{self.prefix}…",) if self.prefix else ())]
        text += [f"−{e}" if " " not in e else f"−“{e}”" for e in self.excluded]
        if text:
            parts.append(" ".join(text))
        if self.feeds:
            parts.append("feed " + " or ".join(self.feeds))
        if self.not_feeds:
            parts.append("not feed " + " or ".join(self.not_feeds))
        if self.topics:
            parts.append("topic " + " and ".join(self.topics))
        if self.not_topics:
            parts.append("not topic " + " or ".join(self.not_topics))
        if self.after is not None:
            parts.append("after " + _label(self.after_label))
        if self.before is not None:
            parts.append("before " + _label(self.before_label))
        return " · ".join(parts)


def _name_has(name_tokens: list[str], want: str) -> bool:
    """Whether a feed name's tokens contain ``want``'s, in a row, the last one maybe cut short."""
    parts = want.split(" ")
    n = len(parts)
    for i in range(len(name_tokens) - n + 1):
        if name_tokens[i : i + n - 1] == parts[:-1] and name_tokens[i + n - 1].startswith(parts[-1]):
            return True
    return False


def _label(typed: str) -> str:
    m = _AGE.fullmatch(typed)
    if m:
        count = int(m.group(1))
        unit = UNITS[m.group(2)][0]
        return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return typed


# -- parsing -----------------------------------------------------------------------------------


MIN_PREFIX = 2  # letters of a word being typed before it is searched as a prefix


def parse_query(text: str, *, now: datetime | None = None, typing: bool = False) -> Query:
    """Parse the search syntax (see the module docstring). ``now`` (aware) fixes the time
    relative ages count from and the time zone of dates; by default the local time. ``typing``:
    the query is being typed (search as you type), so a plain word at its very end is a prefix
    (``earthq`` finds "earthquake"): :attr:`Query.prefix`, from its second letter on (a first
    letter alone is left out until the next one is typed)."""
    last_word = ""
    words: dict[str, None] = {}
    phrases: dict[str, None] = {}
    excluded: dict[str, None] = {}
    quals: dict[str, dict[str, None]] = {k: {} for k in ("feed", "-feed", "topic", "-topic")}
    after: tuple[float, str] | None = None
    before: tuple[float, str] | None = None
    pos, n = 0, len(text)
    while pos < n:
        if text[pos].isspace():
            pos += 1
            continue
        negate = text[pos] == "-"
        if negate:
            pos += 1
            if pos >= n or text[pos].isspace():
                continue  # a lone "-"
        if text[pos] == '"':
            value, pos = _quoted(text, pos)
            _add_term(tokens(value), negate, words, phrases, excluded)
            continue
        m = _QUALIFIER.match(text, pos)
        if m is None:
            value, pos = _bare(text, pos)
            parts = tokens(value)
            _add_term(parts, negate, words, phrases, excluded)
            last_word = parts[0] if pos == n and not negate and len(parts) == 1 and value[-1].isalnum() else ""
            continue
        name = m.group(1).lower()
        pos = m.end()
        if pos < n and text[pos] == '"':
            value, pos = _quoted(text, pos)
        else:
            value, pos = _bare(text, pos)
        value = " ".join(value.split())
        if name in ("before", "after"):
            if negate:
                other = "before" if name == "after" else "after"
                raise QueryError(f"-{name}: can't be negated: write {other}:{value or '…'} instead")
            when = _when(name, value, now)
            if name == "after":
                after = when if after is None or when[0] > after[0] else after
            else:
                before = when if before is None or when[0] < before[0] else before
        elif name == "feed":
            folded = " ".join(tokens(value))
            if not folded:
                raise QueryError('feed: needs a name, like feed:bbc or feed:"Ars Technica"')
            quals["-feed" if negate else "feed"].setdefault(folded, None)
        else:
            topic = normalise_topic(value)
            if not topic:
                raise QueryError('topic: needs a name, like topic:asia or topic:"climate change"')
            quals["-topic" if negate else "topic"].setdefault(topic, None)
    prefix = held = ""
    if typing and last_word and list(words)[-1:] == [last_word]:
        # A single letter starts nearly every article's words (and costs the index a scan of
        # all of them): it waits for the next letter.
        if len(last_word) >= MIN_PREFIX:
            prefix = last_word
        else:
            held = last_word
        del words[last_word]
    return Query(
        words=tuple(words), phrases=tuple(phrases), excluded=tuple(excluded), prefix=prefix, held=held,
        feeds=tuple(quals["feed"]), not_feeds=tuple(quals["-feed"]),
        topics=tuple(quals["topic"]), not_topics=tuple(quals["-topic"]),
        after=after[0] if after else None, before=before[0] if before else None,
        after_label=after[1] if after else "", before_label=before[1] if before else "",
        source=text,
    )  # fmt: skip


def _quoted(text: str, pos: int) -> tuple[str, int]:
    """The text between the quote at ``pos`` and the next one (or the end: lenient)."""
    end = text.find('"', pos + 1)
    if end < 0:
        return text[pos + 1 :], len(text)
    return text[pos + 1 : end], end + 1


def _bare(text: str, pos: int) -> tuple[str, int]:
    end = pos
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[pos:end], end


def _add_term(parts: list[str], negate: bool, words: dict[str, None], phrases: dict[str, None],
              excluded: dict[str, None]) -> None:
    if not parts:
        return  # nothing searchable in it ("*", "&", an empty phrase)
    term = " ".join(parts)
    if negate:
        excluded.setdefault(term, None)
    elif len(parts) == 1:  # "climate" in quotes is just the word
        words.setdefault(term, None)
    else:
        phrases.setdefault(term, None)


def _when(name: str, value: str, now: datetime | None) -> tuple[float, str]:
    """(seconds since the epoch, the value as typed) of a ``before:``/``after:`` value."""
    low = value.lower()
    if not low:
        raise QueryError(f"{name}: needs a date, like {name}:2026-05-01 or {name}:3d")
    current = now if now is not None else datetime.now().astimezone()
    m = _AGE.fullmatch(low)
    if m:
        return current.timestamp() - int(m.group(1)) * UNITS[m.group(2)][1], low
    if low in ("today", "yesterday"):
        day = current.date() - timedelta(days=1 if low == "yesterday" else 0)
        return _midnight(day.year, day.month, day.day, now), low
    m = _DATE.fullmatch(low)
    if m:
        try:
            return _midnight(int(m.group(1)), int(m.group(2)), int(m.group(3)), now), low
        except (ValueError, OverflowError, OSError):  # no such day (or none the platform knows)
            pass
    raise QueryError(
        f"{name}:{value} is not a date: write {name}:2026-05-01, or an age like {name}:3d "
        "(h hours, d days, w weeks, y years), or today, yesterday"
    )


def _midnight(year: int, month: int, day: int, now: datetime | None) -> float:
    if now is not None and now.tzinfo is not None:
        return datetime(year, month, day, tzinfo=now.tzinfo).timestamp()
    return datetime(year, month, day).astimezone().timestamp()  # local time, that day's offset


# -- matching in Python ------------------------------------------------------------------------


def _joined(text: str) -> str:
    return f" {' '.join(tokens(text))} " if text else " "


def matches(query: Query, title: str, text: str = "", feed: str = "",
            topics: Iterable[str] = (), published: float | datetime | None = None) -> bool:
    """Whether an article matches the whole query (what the index and the in-memory filters
    answer together at scale; here for a few articles). ``text`` is plain text: the summary
    and body, as :func:`newstui.core.search_index.text_of` makes it. A phrase never runs from
    the title into the text."""
    if not (query.feed_ok(feed) and query.date_ok(published) and query.topics_ok(topics)):
        return False
    if not query.has_text:
        return True
    fields = (_joined(title), _joined(text))
    for term in query.terms:
        if not any(f" {term} " in f for f in fields):
            return False
    if query.prefix and not any(f" {query.prefix}" in f for f in fields):
        return False
    return not any(f" {term} " in f for term in query.excluded for f in fields)


def highlight_spans(query: Query, text: str) -> list[tuple[int, int]]:
    """Where the query's words and phrases are in ``text``: sorted, non-overlapping
    ``(start, end)`` character offsets (a phrase as one span; a prefix as the words it starts;
    excluded words not at all)."""
    terms = [t.split(" ") for t in query.terms]
    prefix = query.prefix
    if not (terms or prefix) or not text:
        return []
    by_first: dict[str, list[list[str]]] = {}
    for term in terms:
        by_first.setdefault(term[0], []).append(term)
    spots = [_Spot(m.start(), m.end(), fold(m.group())) for m in TOKEN.finditer(text)]
    found: list[tuple[int, int]] = []
    for i, spot in enumerate(spots):
        if prefix and spot.token.startswith(prefix):
            found.append((spot.start, spot.end))  # a word being typed: the whole word it starts
        candidates = by_first.get(spot.token)
        if not candidates:
            continue
        longest = 0
        for term in candidates:
            k = len(term)
            if longest < k <= len(spots) - i and all(spots[i + j].token == term[j] for j in range(1, k)):
                longest = k
        if longest:
            found.append((spot.start, spots[i + longest - 1].end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
