"""Part 2 of bench/related_eval.py: related look-ups and incremental clustering at 100,000 articles.

Method
  * Build (once per run, in a temp dir; --keep/--reuse keep and reuse it): the articles of
    bench/scalegen.py (same seed, same generator as bench/scale.py: 100,000 articles over 200
    feeds, published over the year before scalegen.NOW). Their words (``article_digest``, what the
    refresh's parser makes) are made in a process pool of one worker per core, as a refresh makes
    them on the other cores. They are stored as a store grows in use, oldest first, through
    ``Store.apply_refresh`` in ``--slices`` chronological writes (default 20: ~18 days each),
    so that each write clusters its articles against the stored window as a refresh does (bench/
    scale.py instead stores 20 feeds' whole year per write: every write then holds a year of
    articles in one clusterer).
  * Related: ``Library(config, store)``, then ``index_related(); wait_for_related()`` (timed: the
    index built in the background after the first paint), then ``library.related(id)`` for
    ``--queries`` random articles (seeded), each timed: median, p95, max; the look-ups stop after
    ``--budget`` seconds (and say so). Beside it, ``RelatedIndex.related_to(id)`` alone (an index
    built from ``store.terms()``): the look-up without the story's members.
  * Incremental clustering: ``--new`` new articles (default 5,000, 25 per feed) published in the
    4 hours after the newest stored one, stored as one refresh's worth: one
    ``Store.apply_refresh`` with one ``FeedUpdate`` per feed, its words made beforehand (the
    parser's job in a refresh: timed apart), the config's retention (keep 500: each feed drops its
    25 oldest). 40% of them report on ~400 made-up events (2-10 articles each, from different
    feeds, within 3 hours; an event's articles share a place, two names and six topic words, in
    the title and throughout the text); the rest are unrelated. Timed: the whole write, and its
    stories part (``StoryBook.finish``; bench/related_timing.py).
  * Memory: VmHWM (peak RSS) of this process, reset (/proc/self/clear_refs) after the build, so it
    covers opening the store, the related index, the look-ups and the write.
  * Real-text density check (when ../shared/corpus/topics/bbc-news-5topic exists): the 2,127
    distinct BBC articles (real news, five topics, no shared events to speak of) published at
    random over 96 hours (as dense as a 100,000-article year: ~1,100 per 96 hours is the store's
    window) and over a year, clustered by ``stories.cluster()``: how big does the largest story
    get on real text?
"""

from __future__ import annotations

import gc
import glob
import hashlib
import json
import os
import random
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

from related_corpus import BBC, bcubed
from related_timing import instrumented
from scalegen import FIRST, LAST, NOW, PLACES, SEED, STORE_NAME, FeedPlan, Words, make_articles, plan_feeds, \
    write_config

from newstui.core.config import load_config
from newstui.core.library import Library
from newstui.core.models import Article, FeedStatus
from newstui.core.related import RelatedIndex, TermStats, cosine, digest_terms, parse_digest
from newstui.core.store import FeedUpdate, Store
from newstui.core.store_records import article_digest
from newstui.core.stories import cluster
from newstui.core.topics import TopicClassifier

RELATED_TARGET = 0.050
CLUSTER_TARGET = 2.0
EVENT_SHARE = 0.4
HOURS = 4  # the new articles' span


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(-(-p * len(ordered) // 100)) - 1, 0)]


def _hwm_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _reset_hwm() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# --------------------------------------------------------------------------- build

_WORDS: Words | None = None
_CLASSIFIER: TopicClassifier | None = None


def _worker_init(config_path: str) -> None:
    global _WORDS, _CLASSIFIER
    _WORDS = Words(SEED)
    _CLASSIFIER = TopicClassifier(load_config(config_path))


def _feed_job(plan: FeedPlan) -> tuple[list[Article], dict[str, tuple[str, str]], float]:
    """One feed's articles and their words (in a worker); the seconds the words took."""
    assert _WORDS is not None
    articles = make_articles(_WORDS, SEED, plan)
    started = time.perf_counter()
    digests = {a.id: article_digest(a, _CLASSIFIER) for a in articles}
    return articles, digests, time.perf_counter() - started


def build(root: Path, articles: int, feeds: int, slices: int, say: Callable[..., None]) -> dict:
    plans = plan_feeds(SEED, articles, feeds)
    root.mkdir(parents=True, exist_ok=True)
    write_config(root / "feeds.toml", plans, max(p.count for p in plans))
    config = load_config(root / "feeds.toml")
    out: dict = {"articles": articles, "feeds": feeds, "slices": slices}
    started = time.perf_counter()
    workers = max(1, os.cpu_count() or 1)
    every: list[Article] = []
    digests: dict[str, tuple[str, str]] = {}
    digest_cpu = 0.0
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_worker_init,
                             initargs=(str(root / "feeds.toml"),)) as pool:
        for made, words, seconds in pool.map(_feed_job, plans, chunksize=4):
            every += made
            digests.update(words)
            digest_cpu += seconds
    out["generate_seconds"] = time.perf_counter() - started
    out["digest_cpu_seconds"] = digest_cpu
    out["workers"] = workers
    say(f"  {len(every):,} articles generated with their words in {out['generate_seconds']:.1f} s "
        f"({workers} processes; the words {digest_cpu:.1f} s of CPU)")

    every.sort(key=lambda a: (a.published, a.id))
    store = Store(root / "store" / STORE_NAME, classifier=TopicClassifier(config))
    status = {p.name: FeedStatus(feed=p.name, url=f.url, ok=True, checked_at=NOW, http_status=200,
                                 last_success=NOW, title=p.name) for p, f in zip(plans, config.feeds)}
    size = -(-len(every) // slices)
    writes, stories, clusterer, merged = [], [], [], 0
    for k in range(slices):
        part = every[k * size:(k + 1) * size]
        if not part:
            break
        by_feed: dict[str, list[Article]] = {}
        for a in part:
            by_feed.setdefault(a.feed, []).append(a)
        updates = [FeedUpdate(status[f], batch, keep=None, digests={a.id: digests[a.id] for a in batch})
                   for f, batch in by_feed.items()]
        with instrumented() as t:
            store.apply_refresh(updates)
        writes.append(t.writes[0])
        stories.append(sum(t.finish))
        clusterer.append(t.clusterer_seconds)
        merged += t.merges
        say(f"  write {k + 1}/{slices}: {len(part):,} articles up to {part[-1].published:%Y-%m-%d}: "
            f"{writes[-1]:.2f} s (stories {stories[-1]:.2f} s; read {t.known} stored articles of the "
            f"window, {t.merges} stories merged)")
    store.close()
    out.update(store_seconds=sum(writes), writes=writes, stories_seconds=stories,
               clusterer_seconds=clusterer, merged=merged)
    return out


# --------------------------------------------------------------------------- new articles


def new_articles(plans: list[FeedPlan], count: int, after: datetime) -> tuple[list[Article], dict[str, str]]:
    """``count`` articles published in the :data:`HOURS` after ``after``, 25 per feed give or
    take; the event each reports on (id → event; the unrelated ones are not in the dict)."""
    rng = random.Random(f"{SEED}/new")
    words = Words(SEED)
    vocabulary = words.vocabulary
    events: list[dict] = []
    planned = 0
    while planned < count * EVENT_SHARE:
        size = rng.choice((2, 2, 3, 3, 4, 5, 6, 8, 10))
        surname = "".join(rng.choices(("Vol", "Ker", "Ast", "Mir", "Dov", "Tal", "Bren", "Osk"), k=1)) + \
            "".join(rng.choices(("ava", "enko", "ström", "ić", "elli", "ani", "sen"), k=1))
        events.append({
            "size": size,
            "place": rng.choice(PLACES),
            "names": (f"{rng.choice(FIRST)} {surname}", f"{rng.choice(FIRST)} {rng.choice(LAST)}"),
            "topic": rng.sample(vocabulary[150:4000], 6),
            "start": after + timedelta(seconds=rng.uniform(0, (HOURS - 3) * 3600)),
        })
        planned += size
    slots: list[int | None] = [n for n, e in enumerate(events) for _ in range(e["size"])]
    slots = slots[:count] + [None] * (count - min(count, len(slots)))
    rng.shuffle(slots)
    out, event_of = [], {}
    for n, event in enumerate(slots):
        plan = plans[n % len(plans)]
        if event is None:
            published = after + timedelta(seconds=rng.uniform(0, HOURS * 3600))
            title = words.title(rng)
            summary = words.summary(rng, plan.host)
            content = words.body(rng, plan.host) if rng.random() < 0.4 else ""
        else:
            e = events[event]
            published = e["start"] + timedelta(seconds=rng.uniform(0, 3 * 3600))
            name = rng.choice(e["names"])
            title = f"{e['place']}: {name} " + " ".join(rng.sample(e["topic"], 3)) + " " + \
                " ".join(words.words(rng, 4))
            sentences = []
            for _ in range(rng.randint(4, 7)):
                s = words.sentence(rng, 6, 12)[:-1]
                extra = rng.sample(e["topic"], 2) + [rng.choice((e["place"], *e["names"]))]
                sentences.append(f"{s} {' '.join(extra)}.")
            summary = "<p>" + " ".join(sentences) + "</p>"
            content = ""
        link = f"https://{plan.host}/{published:%Y/%m/%d}/new-{n}"
        article = Article(
            id=hashlib.sha1(f"{plan.name}\n{link}".encode()).hexdigest()[:16], feed=plan.name, title=title,
            link=link, guid=link, published=published, summary=summary, content=content,
            fetched=after + timedelta(hours=HOURS),
        )
        out.append(article)
        if event is not None:
            event_of[article.id] = str(event)
    return out, event_of


# --------------------------------------------------------------------------- measure


def pair_cosines(digests: list[str], stats: TermStats | None = None, pairs: int = 20000) -> dict:
    """Cosine of random pairs of articles (how alike unrelated articles are)."""
    stats = stats or TermStats.of(digests)
    vectors = [stats.vector(parse_digest(d)) for d in digests]
    rng = random.Random("pairs")
    values = sorted(cosine(*(vectors[i] for i in rng.sample(range(len(vectors)), 2))) for _ in range(pairs))
    return {"mean": statistics.fmean(values), "over_0.05": sum(v >= 0.05 for v in values) / pairs,
            "over_0.1": sum(v >= 0.1 for v in values) / pairs, "p99": values[int(0.99 * pairs)]}


def density_check(per_day: float) -> dict | None:
    """stories.cluster() on the real BBC articles spread over 96 hours and over a year."""
    files = sorted(glob.glob(str(BBC / "*" / "*.txt")))
    if not files:
        return None
    seen, docs = set(), []
    for f in files:
        data = Path(f).read_bytes()
        digest = hashlib.md5(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        lines = [x.strip() for x in data.decode("utf-8", "replace").splitlines() if x.strip()]
        docs.append((Path(f).parent.name, digest_terms(lines[0], " ".join(lines[1:]))))
    out = {"articles": len(docs), "pairs": pair_cosines([d for _, d in docs])}
    spans = [("96 hours", 96.0)]
    if per_day:
        spans.append((f"{len(docs) / per_day:.1f} days (the 100k store's {per_day:.0f} a day)", len(docs) / per_day * 24))
    spans.append(("one year", 365 * 24.0))
    out["spans"] = [label for label, _ in spans]
    for label, hours in spans:
        rng = random.Random(f"bbc/{hours}")
        rows = sorted((rng.uniform(0, hours * 3600), d, topic) for topic, d in docs)
        started = time.perf_counter()
        got = cluster([(p, d) for p, d, _ in rows], TermStats.of(d for _, d, _ in rows))
        seconds = time.perf_counter() - started
        sizes = Counter(got)
        top, n = sizes.most_common(1)[0]
        out[label] = {
            "seconds": seconds, "clusters": len(sizes), "largest": n,
            "largest_topics": dict(Counter(t for (_, _, t), s in zip(rows, got) if s == top).most_common()),
        }
    return out


def scale(work: Path, args, say: Callable[..., None]) -> dict:
    out: dict = {}
    if args.reuse:
        root = work / "large"
        say(f"Scale: copying the store in {args.reuse}...")
        shutil.copytree(args.reuse, root)
        out["build"] = json.loads((root / "build.json").read_text())
        out["build"]["reused"] = str(args.reuse)
    else:
        root = Path(args.keep) if args.keep else work / "large"
        if (root / "store").exists():
            raise SystemExit(f"{root} already holds a store: --reuse {root}, or remove it")
        say(f"Scale: building {args.articles:,} articles over {args.feeds} feeds in {args.slices} "
            "chronological writes...")
        started = time.perf_counter()
        out["build"] = build(root, args.articles, args.feeds, args.slices, say)
        out["build"]["seconds"] = time.perf_counter() - started
        (root / "build.json").write_text(json.dumps(out["build"]))
        if args.keep:  # measured on a copy: the kept store stays as built
            shutil.copytree(root, work / "large")
            root = work / "large"
    gc.collect()
    reset = _reset_hwm()
    config = load_config(root / "feeds.toml")
    path = root / "store" / STORE_NAME

    # (a) related look-ups
    say("Scale: opening the store, building the related index, related() look-ups...")
    started = time.perf_counter()
    store = Store(path, classifier=TopicClassifier(config))
    library = Library(config, store)
    out["open_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    library.index_related()
    library.wait_for_related()
    out["index_seconds"] = time.perf_counter() - started
    snap = library.snapshot
    sizes = Counter(s for s in snap.stories if s)
    out["stored"] = len(snap)
    out["stories"] = {
        "largest": sizes.most_common(3),
        "in_stories_over_50": sum(n for n in sizes.values() if n > 50),
        "multi_article_stories": sum(1 for n in sizes.values() if n > 1),
    }
    ids = random.Random(f"{SEED}/related").sample(snap.ids, min(args.queries, len(snap)))
    seconds, same = [], []
    began = time.perf_counter()
    for aid in ids:
        started = time.perf_counter()
        got = library.related(aid)
        seconds.append(time.perf_counter() - started)
        same.append(sum(1 for _, s in got if s.section == "same"))
        if time.perf_counter() - began > args.budget:
            break
    out["related"] = {
        "queries": len(seconds), "planned": len(ids),
        "median": statistics.median(seconds), "p95": _pct(seconds, 95),
        "max": max(seconds), "same_rows_median": statistics.median(same), "same_rows_max": max(same),
    }
    out["hwm_after_related_mb"] = _hwm_mb()
    # The index alone (no story members forced in): what a look-up costs apart from its story.
    index = RelatedIndex(store.terms(), store.term_stats())
    alone = []
    for aid in ids:
        started = time.perf_counter()
        index.related_to(aid, 10)
        alone.append(time.perf_counter() - started)
    out["related_to_alone"] = {"median": statistics.median(alone), "p95": _pct(alone, 95), "max": max(alone)}
    terms = store.terms()
    sample = [d for _, d in random.Random(f"{SEED}/pairs").sample(terms, min(5000, len(terms)))]
    out["pairs"] = {"synthetic 100k (store's statistics)": pair_cosines(sample, store.term_stats())}
    index = terms = sample = None

    # (b) one refresh's new articles
    say(f"Scale: {args.new:,} new articles in one store write...")
    plans = plan_feeds(SEED, args.articles, args.feeds)
    dates = [p for p in snap.published if p is not None]
    newest = max(dates)
    per_day = len(dates) / max((newest - min(dates)) / 86400, 1.0)  # the store's articles a day
    fresh, event_of = new_articles(plans, args.new, datetime.fromtimestamp(newest, NOW.tzinfo))
    started = time.perf_counter()
    digests = {a.id: article_digest(a, store.classifier) for a in fresh}
    out["new_digest_seconds"] = time.perf_counter() - started
    by_feed: dict[str, list[Article]] = {}
    for a in fresh:
        by_feed.setdefault(a.feed, []).append(a)
    keep = config.settings.max_articles_per_feed
    status = {f.name: f.url for f in config.feeds}
    updates = [
        FeedUpdate(FeedStatus(feed=f, url=status[f], ok=True, checked_at=NOW, http_status=200, last_success=NOW),
                   batch, keep=keep, digests={a.id: digests[a.id] for a in batch})
        for f, batch in by_feed.items()
    ]
    library = snap = None  # the reader would reload after the refresh; this store is written now
    gc.collect()
    with instrumented() as t:
        store.apply_refresh(updates)
    out["new"] = {"articles": len(fresh), "in_events": len(event_of), "events": len(set(event_of.values())),
                  "keep": keep, **t.as_dict()}
    new_ids = {a.id for a in fresh}
    stored_story = {}
    for doc in store.headline_docs():
        for aid, s in zip(doc["id"], doc["story"]):
            if aid in new_ids:
                stored_story[aid] = s
    order = sorted(new_ids)
    predicted = [stored_story.get(a, f"own:{a}") for a in order]
    gold = [event_of.get(a, f"own:{a}") for a in order]
    p, r, f1 = bcubed(predicted, gold)
    story_sizes = Counter(s for doc in store.headline_docs() for s in doc["story"] if s)
    joined_old = {s for s in predicted if isinstance(s, int)} & {
        s for doc in store.headline_docs() for aid, s in zip(doc["id"], doc["story"]) if aid not in new_ids
    }
    out["new"].update(bcubed={"precision": p, "recall": r, "f1": f1},
                      largest_story_after=story_sizes.most_common(1)[0][1] if story_sizes else 0,
                      joined_stored_stories=len(joined_old))
    out["hwm_mb"] = _hwm_mb()
    out["hwm_reset"] = reset
    store.close()

    say("Scale: real-text density check (BBC)...")
    out["density"] = density_check(per_day)
    if out["density"]:
        out["pairs"]["real BBC news (5 topics)"] = out["density"]["pairs"]
    return out


def print_scale(r: dict, print_rows: Callable) -> None:
    b, rel, new = r["build"], r["related"], r["new"]
    ms = lambda s: f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"  # noqa: E731
    print(f"\n2. {r['stored']:,} articles (bench/scalegen.py's generator, seed {SEED})")
    built = (f"reused {b['reused']}" if b.get("reused") else f"{b['seconds']:.0f} s")
    rows = [
        ("build: total (this run)" if not b.get("reused") else "build", "-",
         f"{built}: generate + words {b['generate_seconds']:.0f} s ({b['workers']} processes), "
         f"{b['slices']} store writes {b['store_seconds']:.0f} s, of which stories "
         f"{sum(b['stories_seconds']):.0f} s ({b['merged']} merges)", None),
        ("open (Store + Library: first paint's data)", "-", ms(r["open_seconds"]), None),
        ("related index built (background thread, after first paint)", "-", ms(r["index_seconds"]), None),
        (f"library.related(id), {rel['queries']} random articles"
         + (f" (of {rel['planned']}: --budget)" if rel["queries"] < rel["planned"] else ""),
         f"≤ {RELATED_TARGET * 1000:.0f} ms",
         f"median {ms(rel['median'])}, p95 {ms(rel['p95'])}, max {ms(rel['max'])}", rel["p95"] <= RELATED_TARGET),
        ("  the index alone, RelatedIndex.related_to(id) (no story members)", "-",
         f"median {ms(r['related_to_alone']['median'])}, p95 {ms(r['related_to_alone']['p95'])}, "
         f"max {ms(r['related_to_alone']['max'])}", None),
        ("  rows in the 'same' section per look-up", "-",
         f"median {rel['same_rows_median']:.0f}, max {rel['same_rows_max']}", None),
        (f"one refresh: {new['articles']:,} new articles, the whole store write", "-",
         f"{ms(new['store_write_seconds'])} (keep {new['keep']}: oldest dropped)", None),
        ("  its stories part (StoryBook.finish)", f"≤ {CLUSTER_TARGET:.0f} s",
         f"{ms(new['stories_seconds'])}: read {new['window_articles_read']:,} stored articles of the window "
         f"{ms(new['read_window_seconds'])}, assign {new['assigned']:,} {ms(new['assign_seconds'])}, "
         f"merges ({new['stories_merged']}) {ms(new['merge_seconds'])}", new["stories_seconds"] <= CLUSTER_TARGET),
        ("  their words (article_digest: the parser's job, not in the write)", "-",
         ms(r["new_digest_seconds"]), None),
        (f"  B-cubed of the new articles vs their events ({new['events']} events, "
         f"{new['in_events']:,} articles; the rest singletons)", "-",
         f"F1 {new['bcubed']['f1']:.3f} (P {new['bcubed']['precision']:.3f}, R {new['bcubed']['recall']:.3f}); "
         f"{new['joined_stored_stories']} stored stories joined; largest story now {new['largest_story_after']:,}",
         None),
        ("peak RSS (VmHWM since the build: open, index, look-ups, write)", "-",
         f"{r['hwm_mb']:.0f} MB" + ("" if r["hwm_reset"] else " (could not reset: includes the build)"), None),
    ]
    print_rows(rows)
    st = r["stories"]
    print(f"  stories in the built store: {st['multi_article_stories']:,} of more than one article; largest "
          + ", ".join(f"{n:,}" for _, n in st["largest"])
          + f"; {st['in_stories_over_50']:,} of {r['stored']:,} articles are in stories of more than 50")
    d = r.get("density")
    if d:
        for label in d["spans"]:
            x = d[label]
            print(f"  real text: {d['articles']:,} BBC articles over {label}: cluster() {ms(x['seconds'])}, "
                  f"{x['clusters']} stories, the largest {x['largest']:,} ("
                  + ", ".join(f"{k} {v}" for k, v in x["largest_topics"].items()) + ")")
    for label, x in r["pairs"].items():
        print(f"  random pairs, {label}: mean cosine {x['mean']:.4f}, {x['over_0.05']:.1%} ≥ 0.05 "
              f"(stories.NEIGHBOUR_MIN), {x['over_0.1']:.1%} ≥ 0.1, p99 {x['p99']:.3f}")
    print("  about the synthetic text: the 100,000 are Zipf word salad (bench/scalegen.py) with no real "
          "events in them, so any story of many articles among them is spurious; the new articles' "
          "events share injected names and words, easier to find than real paraphrase. Its unrelated "
          "articles are also far more alike than real ones (random pairs above), which makes "
          "neighbour search dearer and chaining likelier than real news would; the BBC lines show "
          "what real text does at the same density.")
