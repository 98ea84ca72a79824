"""The search index at 100,000 articles: build, incremental update, query times, file size.

Method
  * Articles: bench/scalegen.py's (same seed and generator as bench/scale.py: 100,000 articles
    over 200 feeds, Zipf-shaped words, 40% with a 3-5 KB body), made into index rows by
    ``search_index.article_row`` (HTML to text) as they are indexed. The time spent making
    them (scalegen) and their text (``article_row``) is measured apart from the indexing.
  * Build: ``SearchIndex.rebuild(rows)`` into a new file (batches of 2,000, then FTS5
    'optimize'); total and per 1,000 articles.
  * Update: one ``SearchIndex.update(rows, remove)``: 5,000 new articles (another seed) and
    5,000 of the oldest dropped, as a big refresh with retention writes them; and 50 new ones
    (a small refresh).
  * Queries: ~200, parsed by ``parse_query`` (``now`` = scalegen.NOW) and answered by
    ``SearchIndex.search(query)`` (every match, ranked: what the library asks for), each
    timed; two passes, the second reported (the first, with the file just written, is in
    the OS cache anyway). Kinds: common words (vocabulary ranks 0-40: in 30-80% of articles),
    middling words (ranks 40-400, as bench/scale.py searches), rare words (ranks 3,000+), two and
    three words, phrases (2-3 words next to each other in a sampled article), word with
    exclusion, phrase with exclusion, exclusions only (also through ``excluded()``, the
    library's way), words with feed:/after: qualifiers, and FTS5 syntax typed as words.
  * Stemming: with ``--porter``, 10,000 sampled articles indexed twice (unicode61 with and
    without porter) to count what stemming adds to word and phrase matches.

Run: ``python bench/search_bench.py`` (``--articles 20000`` for a quick look; ``--keep DIR``
keeps the index file).
"""

from __future__ import annotations

import argparse
import math
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from scalegen import NOW, SEED, FeedPlan, Words, make_articles, plan_feeds, search_words

from newstui.core.search import parse_query, tokens
from newstui.core.search_index import TOKENIZER, SearchIndex, SearchRow, article_row


class Source:
    """Index rows made as they are consumed, with the time spent making them and a sample."""

    def __init__(self, words: Words, seed: int, plans: list[FeedPlan], sample_every: int = 10) -> None:
        self.words, self.seed, self.plans, self.every = words, seed, plans, sample_every
        self.make_seconds = 0.0  # scalegen
        self.text_seconds = 0.0  # article_row (HTML to text)
        self.sample: list[SearchRow] = []
        self.dates: list[tuple[float, str]] = []

    def rows(self) -> Iterator[SearchRow]:
        n = 0
        for plan in self.plans:
            started = time.perf_counter()
            articles = make_articles(self.words, self.seed, plan)
            middle = time.perf_counter()
            rows = [article_row(a) for a in articles]
            ended = time.perf_counter()
            self.make_seconds += middle - started
            self.text_seconds += ended - middle
            for row in rows:
                n += 1
                self.dates.append((row.published or 0.0, row.article_id))
                if n % self.every == 0:
                    self.sample.append(row)
                yield row


def calibrate() -> float:
    """How fast this machine runs Python now (the best of 5), to read the timings by."""
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - started)
    return best


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def make_queries(words: Words, sample: list[SearchRow], feeds: list[str], count: int) -> list[tuple[str, str]]:
    """(kind, query text) — about ``count`` of them, seeded."""
    rng = random.Random(f"{SEED}/search-bench")
    vocab = words.vocabulary
    scale = count / 200
    common = vocab[:40]
    middling = search_words(SEED, 120)
    rare = vocab[3000:]

    def pick(pool: list[str], k: int) -> list[str]:
        return [rng.choice(pool) for _ in range(max(1, round(k * scale)))]

    def phrase() -> str:
        row = rng.choice(sample)
        toks = tokens(row.text) or tokens(row.title)
        size = rng.choice((2, 2, 3))
        at = rng.randrange(max(1, len(toks) - size))
        return '"' + " ".join(toks[at : at + size]) + '"'

    out: list[tuple[str, str]] = []
    out += [("common word", w) for w in pick(common, 20)]
    out += [("middling word", w) for w in pick(middling, 40)]
    out += [("rare word", w) for w in pick(rare, 20)]
    out += [("two words", f"{a} {b}") for a, b in zip(pick(middling, 20), pick(middling + common, 20))]
    out += [("three words", f"{a} {b} {c}") for a, b, c in zip(pick(middling, 10), pick(middling, 10),
                                                               pick(rare + middling, 10))]
    out += [("phrase", phrase()) for _ in range(round(30 * scale))]
    out += [("word -word", f"{a} -{b}") for a, b in zip(pick(middling, 20), pick(middling + common, 20))]
    out += [("phrase -word", f"{phrase()} -{b}") for b in pick(middling, 10)]
    out += [("only -word", f"-{w}") for w in pick(middling + common, 10)]
    out += [("only -phrase", f"-{phrase()}") for _ in range(round(5 * scale))]
    out += [("word feed:", f'{w} feed:"{rng.choice(feeds)}"') for w in pick(middling, 8)]
    out += [("word after:", f"{w} after:{rng.choice((7, 30, 90))}d") for w in pick(middling, 7)]
    hostile = ['AND', 'NEAR(', '"', '*', '^', 'climate OR storm', 'title:storm', 'NOT bank',
               'NEAR(market bank, 2)', '"unclosed market', '^market*', 'AND OR NOT']
    out += [("FTS5 syntax", h) for h in hostile[: max(1, round(10 * scale))]]
    return out


def time_queries(index: SearchIndex, queries: list[tuple[str, str]]) -> tuple[dict[str, list[float]], dict[str, int]]:
    times: dict[str, list[float]] = defaultdict(list)
    hits: dict[str, int] = {}
    for kind, text in queries:
        query = parse_query(text, now=NOW)
        started = time.perf_counter()
        found = index.search(query)
        times[kind].append(time.perf_counter() - started)
        hits[text] = len(found)
    return times, hits


def report_queries(times: dict[str, list[float]], hits_by_kind: dict[str, list[int]], say=print) -> None:
    say(f"  {'kind':15s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'median hits':>12s}")
    every: list[float] = []
    for kind, values in times.items():
        every += values
        say(f"  {kind:15s} {len(values):4d} {percentile(values, .5) * 1000:8.1f} "
            f"{percentile(values, .95) * 1000:8.1f} {max(values) * 1000:8.1f} "
            f"{statistics.median(hits_by_kind[kind]):12.0f}")
    say(f"  {'all':15s} {len(every):4d} {percentile(every, .5) * 1000:8.1f} "
        f"{percentile(every, .95) * 1000:8.1f} {max(every) * 1000:8.1f}")


def compare_porter(sample: list[SearchRow], words: Words, say=print) -> None:
    """What porter stemming changes, on the sampled articles: extra matches per word and per
    phrase (an "exact phrase" that stemming widens)."""
    dbs = {}
    for name, tokenizer in (("plain", TOKENIZER), ("porter", f"porter {TOKENIZER}")):
        db = sqlite3.connect(":memory:")
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, text, content='', tokenize='{tokenizer}')")
        db.executemany("INSERT INTO t(rowid, title, text) VALUES(?, ?, ?)",
                       [(i, r.title, r.text) for i, r in enumerate(sample, 1)])
        dbs[name] = db
    rng = random.Random(f"{SEED}/porter")
    real = [w for w in search_words(SEED, 120)]
    phrases = []
    for row in rng.sample(sample, 100):
        toks = tokens(row.text) or tokens(row.title)
        at = rng.randrange(max(1, len(toks) - 2))
        phrases.append(" ".join(toks[at : at + 2]))
    for kind, terms in (("words", real), ("phrases", phrases)):
        plain = porter = changed = 0
        for term in terms:
            a = dbs["plain"].execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"{term}"',)).fetchone()[0]
            b = dbs["porter"].execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"{term}"',)).fetchone()[0]
            plain, porter, changed = plain + a, porter + b, changed + (b != a)
        say(f"  {kind}: {len(terms)} searched over {len(sample):,} articles: {plain:,} matches without "
            f"stemming, {porter:,} with porter (+{(porter - plain) / max(1, plain):.0%}); "
            f"{changed} of {len(terms)} {kind} match differently")
    examples = ["election", "elections", "elected", "strike", "strikes", "markets", "market"]
    counts = {w: (dbs["plain"].execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"{w}"',)).fetchone()[0],
                  dbs["porter"].execute("SELECT count(*) FROM t WHERE t MATCH ?", (f'"{w}"',)).fetchone()[0])
              for w in examples}
    say("  e.g. " + ", ".join(f"{w} {a}→{b}" for w, (a, b) in counts.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--update", type=int, default=5_000)
    parser.add_argument("--keep", type=Path, help="write the index in this folder and keep it")
    parser.add_argument("--porter", action="store_true", help="also measure what porter stemming changes")
    args = parser.parse_args(argv)
    say = print
    folder = args.keep or Path(tempfile.mkdtemp(prefix="newstui-search-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "newstui.search.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    say(f"search index bench: {args.articles:,} articles over {args.feeds} feeds (scalegen seed {SEED})")
    say(f"machine: sum(range(10**6)) takes {calibrate() * 1000:.1f} ms here (an idle recent laptop: ~10 ms)")
    words = Words(SEED)
    plans = plan_feeds(SEED, args.articles, args.feeds)
    source = Source(words, SEED, plans)
    index = SearchIndex(path)
    started = time.perf_counter()
    count = index.rebuild(source.rows(), stamp="bench-1")
    total = time.perf_counter() - started
    building = total - source.make_seconds - source.text_seconds
    say(f"build: {count:,} articles in {building:.1f} s of indexing ({building / count * 1000 * 1000:.0f} ms "
        f"per 1,000), plus {source.text_seconds:.1f} s making their text (article_row: "
        f"{source.text_seconds / count * 1e6:.0f} µs each) and {source.make_seconds:.1f} s generating them")
    index.close()  # checkpoints the WAL into the file
    size = path.stat().st_size
    say(f"file: {size / 1e6:.1f} MB ({size / count:.0f} bytes per article)")

    # Incremental update: a big refresh with retention, then a small one.
    new_plans = [FeedPlan(p.index, p.name, p.host, p.sections, max(1, args.update // len(plans))) for p in plans]
    fresh = Source(words, SEED + 1, new_plans)
    rows = list(fresh.rows())
    oldest = [aid for _, aid in sorted(source.dates)[: len(rows)]]
    index = SearchIndex(path)
    started = time.perf_counter()
    ok = index.update(rows, oldest, stamp="bench-2", expect="bench-1")
    seconds = time.perf_counter() - started
    say(f"update: {len(rows):,} new and {len(oldest):,} dropped in {seconds:.2f} s (updated: {ok}; "
        f"their text took {fresh.text_seconds:.2f} s apart); now {len(index):,} articles, "
        f"stale: {index.stale('bench-2') or 'no'}")
    small = Source(words, SEED + 2, [FeedPlan(p.index, p.name, p.host, p.sections, 1) for p in plans[:50]])
    small_rows = list(small.rows())
    started = time.perf_counter()
    index.update(small_rows, stamp="bench-3", expect="bench-2")
    say(f"update: {len(small_rows)} new in {(time.perf_counter() - started) * 1000:.0f} ms")

    # Queries.
    index.close()
    index = SearchIndex(path)
    started = time.perf_counter()
    index.warm()
    say(f"open: the live documents read into memory (SearchIndex.warm) in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms")
    queries = make_queries(words, source.sample, [p.name for p in plans], args.queries)
    started = time.perf_counter()
    for _, text in queries:
        parse_query(text, now=NOW)
    say(f"queries: {len(queries)}; parsing all of them took {(time.perf_counter() - started) * 1000:.1f} ms")
    first, _ = time_queries(index, queries)
    times, hits = time_queries(index, queries)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, text in queries:
        by_kind[kind].append(hits[text])
    every_first = [t for values in first.values() for t in values]
    say(f"first pass: p50 {percentile(every_first, .5) * 1000:.1f} ms, "
        f"p95 {percentile(every_first, .95) * 1000:.1f} ms")
    say("second pass, SearchIndex.search(query) for every match, ranked:")
    report_queries(times, by_kind, say)
    excl = [parse_query(t, now=NOW) for k, t in queries if k.startswith("only -")]
    spent = []
    for query in excl:
        started = time.perf_counter()
        index.excluded(query)
        spent.append(time.perf_counter() - started)
    say(f"excluded(query) for the {len(excl)} exclusion-only queries: p50 {percentile(spent, .5) * 1000:.1f} ms, "
        f"max {max(spent) * 1000:.1f} ms")
    limited = []
    for _, text in queries:
        query = parse_query(text, now=NOW)
        started = time.perf_counter()
        index.search(query, limit=100)
        limited.append(time.perf_counter() - started)
    say(f"search(query, limit=100): p50 {percentile(limited, .5) * 1000:.1f} ms, "
        f"p95 {percentile(limited, .95) * 1000:.1f} ms")
    later = Source(words, SEED + 3, [FeedPlan(p.index, p.name, p.host, p.sections, 1) for p in plans[:50]])
    later_rows = list(later.rows())
    started = time.perf_counter()
    index.update(later_rows, stamp="bench-4", expect="bench-3")
    middle = time.perf_counter()
    index.warm()
    say(f"update: {len(later_rows)} new in {(middle - started) * 1000:.0f} ms, then the in-memory copy "
        f"read again (warm) in {(time.perf_counter() - middle) * 1000:.0f} ms")
    say(f"machine now: sum(range(10**6)) takes {calibrate() * 1000:.1f} ms")
    index.close()
    size = path.stat().st_size
    say(f"file after the updates: {size / 1e6:.1f} MB")
    if args.porter:
        say("stemming (porter), on every 10th article:")
        compare_porter(source.sample, words, say)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        folder.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
