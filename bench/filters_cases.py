"""The store and the cases of bench/filters_bench.py: a scalegen store with a few more config
rules (a [mute] of two feeds, saved views) and seeded read/starred flags, the filters and searches
timed, and the small helpers (percentiles, the table).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from scalegen import NOW, SEED, TOPIC_RULES, FeedPlan, Words, build, make_articles, plan_feeds, search_words

from newstui.core.config import load_config
from newstui.core.filters import Filter
from newstui.core.library import Library
from newstui.core.store import Store
from newstui.core.topics import TopicClassifier

MUTED_FEEDS = (5, 77)  # plan indexes of the feeds [mute] hides (1% of the articles)
VIEWS = {  # [views.NAME] added to scalegen's feeds.toml: any of these topics, unread
    "morning": ("asia", "security", "climate"),
    "markets": ("business", "ai", "technology"),
    "science": ("science", "space", "climate", "world"),
}
READ_OLD, READ_NEW, STARRED = 0.9, 0.3, 0.01  # shares read (older / newer than a week), starred


def prepare(root: Path, articles: int, feeds: int, say: Callable[..., None]) -> dict:
    """scalegen's store in ``root`` (its feeds.toml, feeds/ and store/), then the rules above
    added to feeds.toml and the flags set through ``Store.set_flags``; what it took."""
    started = time.perf_counter()
    built = build(root, SEED, articles, feeds, say=lambda *a: None)
    plans = plan_feeds(SEED, articles, feeds)
    lines = ["", "[mute]", "feeds = [" + ", ".join(f'"{plans[i].name}"' for i in MUTED_FEEDS if i < feeds) + "]"]
    for name, topics in VIEWS.items():
        lines += ["", f"[views.{name}]", "topics = [" + ", ".join(f'"{t}"' for t in topics) + "]", "unread = true"]
    with (root / "feeds.toml").open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    config = load_config(root / "feeds.toml")
    store = Store(root / "store" / "newstui.json", classifier=TopicClassifier(config))
    rng = random.Random(f"{SEED}/filters-bench/flags")
    week = (NOW - timedelta(days=7)).timestamp()
    read, starred = [], []
    for doc in store.headline_docs():
        for aid, published in zip(doc["id"], doc["published"]):
            if rng.random() < (READ_OLD if (published or 0) < week else READ_NEW):
                read.append(aid)
            if rng.random() < STARRED:
                starred.append(aid)
    store.set_flags(read, read=True)
    store.set_flags(starred, starred=True)
    store.close()
    say(f"  built {articles:,} articles over {feeds} feeds; {len(read):,} read, {len(starred):,} starred")
    return {"articles": articles, "feeds": feeds, "read": len(read), "starred": len(starred),
            "store_seconds": built.store_seconds, "generate_seconds": built.generate_seconds,
            "seconds": time.perf_counter() - started}


def new_articles(articles: int, feeds: int, count: int) -> list:
    """``count`` more articles (another seed) over the same feeds, for the incremental sync."""
    plans = plan_feeds(SEED, articles, feeds)
    each = max(1, count // len(plans))
    words = Words(SEED)
    out = []
    for p in plans:
        out += make_articles(words, SEED + 1, FeedPlan(p.index, p.name, p.host, p.sections, each))
    return out[:count]


def _ts(day: datetime) -> float:
    return day.timestamp()


def filter_cases(library: Library, count: int) -> dict[str, list[Filter]]:
    """Part 1's filters, ``count`` variants each at most (seeded)."""
    rng = random.Random(f"{SEED}/filters-bench/filters")
    snap = library.snapshot
    topics = sorted(snap.total, key=lambda t: -snap.total[t])
    feeds = sorted(set(snap.feeds))
    year = [NOW - timedelta(days=d) for d in range(0, 365)]

    def ranges() -> Filter:
        a, b = sorted(rng.sample(year, 2))
        kind = rng.choice(("after", "before", "both"))
        return Filter(after=_ts(a) if kind != "before" else None, before=_ts(b) if kind != "after" else None)

    def topic_feed_unread() -> Filter:
        r = rng.randrange(len(snap))
        return Filter(topic=rng.choice(snap.topics(r) or (topics[0],)), feed=snap.feeds[r], unread_only=True)

    views = [library.view(v.name, NOW) for v in library.config.views]
    keyword_topics = list(TOPIC_RULES)
    return {
        "topic": [Filter(topic=t) for t in topics[:count]],
        "feed": [Filter(feed=f) for f in rng.sample(feeds, min(count, len(feeds)))],
        "unread": [Filter(unread_only=True)],
        "starred": [Filter(starred=True), Filter(starred=True, unread_only=True)],
        "date range": [ranges() for _ in range(count)],
        "topic+feed+unread": [topic_feed_unread() for _ in range(count)],
        "saved view (topics, unread)": [v for v in views if v is not None]
        + [Filter(topics=tuple(rng.sample(keyword_topics, 3)), unread_only=True, view="v") for _ in range(count)],
        "muted": [Filter(muted=True), Filter(muted=True, unread_only=True)],
    }


def search_cases(library: Library, count: int) -> dict[str, list[Filter]]:
    """Part 2's searches (and part 4's), ``count`` variants each at most (seeded)."""
    rng = random.Random(f"{SEED}/filters-bench/search")
    snap = library.snapshot
    vocab = Words(SEED).vocabulary
    middling = search_words(SEED, 120)
    topics = sorted(snap.total, key=lambda t: -snap.total[t])
    feeds = sorted(set(snap.feeds))
    from newstui.core.search import tokens  # noqa: PLC0415

    def phrase() -> str:
        toks = tokens(snap.titles[rng.randrange(len(snap))])
        at = rng.randrange(max(1, len(toks) - 1))
        return '"' + " ".join(toks[at:at + 2]) + '"'

    def q(text: str, **kw) -> Filter:
        return Filter(query=text, **kw)

    def day() -> str:
        return (NOW - timedelta(days=rng.randrange(1, 200))).strftime("%Y-%m-%d")

    pick = rng.choice
    prefixes = ["elec"] + [w[: rng.choice((3, 4, 5))] for w in rng.sample(middling, count - 1)]
    return {
        "common word": [q(w) for w in vocab[:count]],
        "rare word": [q(w) for w in rng.sample(vocab[3000:], count)],
        "two words": [q(f"{pick(middling)} {pick(middling + vocab[:40])}") for _ in range(count)],
        "phrase": [q(phrase()) for _ in range(count)],
        "exclusion only": [q(f"-{w}") for w in rng.sample(middling + vocab[:40], count)],
        "word feed:": [q(f'{pick(middling)} feed:"{pick(feeds)}"') for _ in range(count)],
        "word topic:": [q(f"{pick(middling)} topic:{pick(topics[:30])}") for _ in range(count)],
        "word after:": [q(f"{pick(middling)} after:{day()}") for _ in range(count)],
        "word + topic + unread": [q(pick(middling), topic=pick(topics[:30]), unread_only=True) for _ in range(count)],
        "typed prefix": [q(p, typing=True) for p in prefixes],
    }


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile: a value that was measured."""
    ordered = sorted(values)
    return ordered[max(-(-p * len(ordered) // 100) - 1, 0)]


def row(group: str, case: str, seconds: list[float], hits: list[int], target_ms: float | None) -> dict:
    p95 = pct(seconds, 95) * 1000
    return {"group": group, "case": case, "n": len(seconds), "p50_ms": pct(seconds, 50) * 1000,
            "p95_ms": p95, "max_ms": max(seconds) * 1000, "median_hits": sorted(hits)[len(hits) // 2],
            "target_ms": target_ms, "met": None if target_ms is None else p95 <= target_ms}


def print_table(rows: list[dict], say: Callable[..., None]) -> None:
    say(f"  {'group':<24} {'case':<34} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'hits':>7}  target")
    last = None
    for r in rows:
        if last is not None and r["group"] != last:
            say("")
        last = r["group"]
        mark = "" if r["met"] is None else (" met" if r["met"] else " MISSED")
        target = f"p95 ≤ {r['target_ms']:.0f} ms{mark}" if r["target_ms"] is not None else "-"
        say(f"  {r['group']:<24} {r['case']:<34} {r['n']:4d} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} "
            f"{r['max_ms']:7.1f} {r['median_hits']:7d}  {target}")
