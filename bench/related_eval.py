"""Stories and related articles: precision@5 and B-cubed F1 on WikiRef220 through a real refresh,
then related look-ups and incremental clustering in a 100,000-article store.

    python bench/related_eval.py                 # both parts (the 100k store is built: ~minutes)
    python bench/related_eval.py --no-scale      # WikiRef220 only (~10 s)
    python bench/related_eval.py --json          # one JSON object on stdout instead of the report
    python bench/related_eval.py --keep DIR      # keep the built 100k store in DIR (for --reuse)
    python bench/related_eval.py --reuse DIR     # a copy of DIR's store instead of building one
    python bench/related_eval.py --runs 5 --queries 200 --budget 60 --new 5000 --slices 20  # the defaults

Runs from the repository root with any interpreter that has newstui installed (sys.executable is
used for the build's worker processes). ~5 minutes on 2 cores, most of it building the 100k store.

Method, part 1 (WikiRef220, ../shared/corpus/related/wikiref220; skipped, exit 0, when absent)
  * Each of the 220 files becomes an RSS item: title = its first non-empty line, description = the
    other lines as HTML paragraphs (escaped), a unique link on a fictional host (outletNN.
    wikiref.example). The files, in a seeded shuffle, are published at even steps over one day
    (so the stories interleave as a day's news does) and dealt round-robin to 10 outlets (feeds).
  * The 10 RSS files are served by http.server on 127.0.0.1 (a thread); feeds.toml lists them with
    full_text = "never" (no page is fetched); ``refresh_feeds(config, store, mode="force")`` runs
    into a new store in a temp dir, the store opened as `newstui refresh` opens it (with the
    config's topic classifier). Its wall time is the refresh: fetch, parse (and the words of each
    article, made by the parser), store writes, stories.
  * The clustering inside that refresh is timed by wrapping the store's own classes
    (bench/related_timing.py): ``StoryBook.finish`` (the stories part of each store write) and
    the clusterer's ``add_known``/``assign``/``merges``. Separately, ``stories.cluster()`` is
    timed over the 220 stored digests in publication order with the store's word statistics
    (median of 5): clustering the set from nothing, without the store around it.
  * precision@5 of related: for each article of a story with >= 6 files (the five big stories:
    185 articles), ``library.related(id, limit=10)`` in the order shown (same story first, then
    earlier, then later); P@5 = share of the first 5 rows with the article's prefix (fewer than 5
    rows: the missing ones count as misses). The noise files (prefixes of <= 5 files) are
    candidates like every other article. "by score" ranks the same rows by score alone.
  * Baselines, same queries, same day: plain TF-IDF (every \\w+ word lower-cased, no stopwords,
    raw tf x ln(N/df), cosine, ranking all 219 others) on the first 300 characters (title, then
    text: a feed's teaser) and on the full text; and newstui's own index (RelatedIndex, by score)
    over words picked from the same first 300 characters.
  * B-cubed precision/recall/F1 of the store's story numbers against the prefixes (every file
    labelled by its prefix: the 11 noise topics are 11 stories), and against the other reading
    (each noise file a story of its own).

Method, part 2 (--scale, default on): see bench/related_scale.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from related_corpus import (  # noqa: E402
    BIG,
    Doc,
    WIKIREF,
    PlainTfidf,
    Server,
    bcubed,
    load,
    plan_items,
    precision_at,
    write_config,
    write_feeds,
)
from related_timing import instrumented  # noqa: E402

from newstui.core.config import load_config  # noqa: E402
from newstui.core.library import Filter, Library  # noqa: E402
from newstui.core.refresh import refresh_feeds  # noqa: E402
from newstui.core.models import Config  # noqa: E402
from newstui.core.related import RelatedIndex, TermStats, cosine, digest_terms  # noqa: E402
from newstui.core.stories import cluster  # noqa: E402
from newstui.core.store import Store  # noqa: E402
from newstui.core.store_records import article_digest  # noqa: E402
from newstui.core.topics import TopicClassifier  # noqa: E402

P5_TARGET = 0.97
F1_TARGET = 0.90
TEASER = 300


def say(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- part 1


def refresh_once(work: Path, server: Server, paths: list[Path]) -> tuple[Config, Store, dict]:
    """A new store filled by one real refresh of the outlets; its timings."""
    work.mkdir(parents=True)
    write_config(work / "feeds.toml", [server.url(p) for p in paths])
    config = load_config(work / "feeds.toml")
    store = Store(work / "store" / "newstui.json", classifier=TopicClassifier(config))
    server.hits.clear()
    with instrumented() as t:
        started = time.perf_counter()
        results = asyncio.run(refresh_feeds(config, store, mode="force"))
        refresh_seconds = time.perf_counter() - started
    return config, store, {
        "refresh_seconds": refresh_seconds,
        "requests": len(server.hits),
        "failed_feeds": [r.status.feed for r in results if not r.status.ok],
        "stored": sum(len(r.new_ids) for r in results),
        "timing": t.as_dict(),
    }


def evaluate(config: Config, store: Store, stories_by_link: dict[str, str]) -> dict:
    """P@5 of library.related and B-cubed of the store's story numbers."""
    library = Library(config, store)
    started = time.perf_counter()
    library.index_related()
    library.wait_for_related()
    index_seconds = time.perf_counter() - started
    snap = library.snapshot
    stories = {aid: stories_by_link[link] for aid, link in store.links().items() if link in stories_by_link}
    ids = sorted(stories)
    sizes = Counter(stories.values())
    story_no = [snap.stories[snap.row[a]] or f"own:{a}" for a in ids]
    gold = [stories[a] for a in ids]
    gold_own = [g if sizes[g] >= BIG else f"own:{a}" for a, g in zip(ids, gold)]

    queries = [a for a in ids if sizes[stories[a]] >= BIG]
    shown_p, score_p, what_if, short, related_times = [], [], [], 0, []
    for a in queries:
        started = time.perf_counter()
        got = library.related(a, limit=10)
        related_times.append(time.perf_counter() - started)
        shown = [h.id for h, _ in got]
        short += len(shown) < 5
        shown_p.append(precision_at(shown, stories[a], stories))
        by_score = [h.id for h, s in sorted(got, key=lambda p: (-p[1].score, p[0].id))]
        score_p.append(precision_at(by_score, stories[a], stories))
        rank = {"same": 0, "earlier": 1, "later": 2}
        same_by_score = [h.id for h, s in sorted(got, key=lambda p: (rank[p[1].section], -p[1].score, p[0].id))]
        what_if.append(precision_at(same_by_score, stories[a], stories))

    split = {}
    for g in sorted(s for s in sizes if sizes[s] >= BIG):
        where = Counter(c for c, gg in zip(story_no, gold) if gg == g)
        split[g] = {"files": sizes[g], "clusters": len(where), "largest": where.most_common(1)[0][1]}
    mixed = []
    for c, n in Counter(story_no).most_common():
        members = Counter(g for cc, g in zip(story_no, gold) if cc == c)
        if len(members) > 1:
            mixed.append({"size": n, "prefixes": dict(members.most_common())})
    return {
        "ids": ids, "stories": stories, "queries": queries, "library": library,
        "p5_shown": statistics.fmean(shown_p),
        "p5_by_score": statistics.fmean(score_p),
        "p5_same_by_score": statistics.fmean(what_if),
        "queries_under_5_rows": short,
        "index_seconds": index_seconds,
        "related_median_seconds": statistics.median(related_times),
        "bcubed": dict(zip(("precision", "recall", "f1"), bcubed(story_no, gold))),
        "bcubed_noise_singletons": dict(zip(("precision", "recall", "f1"), bcubed(story_no, gold_own))),
        "clusters": len(set(story_no)),
        "grouped_rows": len(library.headlines(Filter(stories=True))),
        "big_stories": split,
        "mixed_clusters": mixed,
    }


def offline(store: Store, library: Library, ids: list[str], stories: dict[str, str],
            queries: list[str], docs: dict[str, Doc]) -> dict:
    """What does not depend on how a refresh's writes fell: stories.cluster() over the stored
    digests at once, the words' cost, and the baselines."""
    snap = library.snapshot
    terms = dict(store.terms())
    rows = sorted((snap.published[snap.row[a]], a) for a in ids)
    stats = store.term_stats() or TermStats.of(terms[a] for a in ids)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        at_once = cluster([(p, terms[a]) for p, a in rows], stats)
        times.append(time.perf_counter() - started)
    at_once_of = dict(zip((a for _, a in rows), at_once))
    gold = [stories[a] for a in ids]

    articles = store.articles()
    started = time.perf_counter()
    for article in articles:
        article_digest(article, store.classifier)
    digest_seconds = time.perf_counter() - started

    texts = {a: docs[a].text for a in ids}
    base_full, base_teaser = PlainTfidf(texts), PlainTfidf({a: t[:TEASER] for a, t in texts.items()})
    teaser_digests = []
    for a in ids:
        body = " ".join(docs[a].paragraphs)[: max(0, TEASER - len(docs[a].title) - 1)]
        teaser_digests.append((a, digest_terms(docs[a].title, body)))
    teaser_index = RelatedIndex(teaser_digests)
    full_index = RelatedIndex([(a, terms[a]) for a in ids], stats)
    vectors = {a: full_index.vector(a) for a in ids}

    def exact(a: str) -> list[str]:
        mine = vectors[a]
        return sorted((b for b in ids if b != a), key=lambda b: (-cosine(mine, vectors[b]), b))[:5]

    def p5(rank) -> float:
        return statistics.fmean(precision_at(rank(a), stories[a], stories) for a in queries)

    return {
        "cluster_at_once_seconds": statistics.median(times),
        "bcubed_cluster_at_once": dict(zip(("precision", "recall", "f1"),
                                           bcubed([at_once_of[a] for a in ids], gold))),
        "clusters_at_once": len(set(at_once)),
        "digest_seconds": digest_seconds,
        "baselines": {
            "plain TF-IDF, first 300 characters": p5(lambda a: base_teaser.ranked(a, 5)),
            "plain TF-IDF, full text": p5(lambda a: base_full.ranked(a, 5)),
            "newstui words, first 300 chars (related_to)":
                p5(lambda a: [s.article_id for s in teaser_index.related_to(a, 5)]),
            "newstui words, full text (related_to, no story)":
                p5(lambda a: [s.article_id for s in full_index.related_to(a, 5)]),
            "newstui words, full text, exact cosine over all":
                p5(exact),
        },
    }


def wikiref(work: Path, runs: int) -> dict:
    docs = load()
    items = plan_items(docs)
    paths = write_feeds(work / "feeds", items)
    story_by_link = {i.link: i.doc.story for i in items}
    doc_by_link = {i.link: i.doc for i in items}
    out: dict = {"files": len(docs), "stories": len({d.story for d in docs}), "feeds": len(paths), "runs": []}
    with Server(work / "feeds") as server:
        for n in range(runs):
            config, store, run = refresh_once(work / f"run{n}", server, paths)
            run.update(evaluate(config, store, story_by_link))
            if n == 0:
                links = store.links()
                docs_by_id = {a: doc_by_link[links[a]] for a in run["ids"]}
                out.update(offline(store, run["library"], run["ids"], run["stories"], run["queries"], docs_by_id))
                out["queries"] = len(run["queries"])
            for key in ("ids", "stories", "queries", "library"):
                run.pop(key)
            store.close()
            out["runs"].append(run)
            say(f"  run {n + 1}/{runs}: P@5 {run['p5_shown']:.3f}, B-cubed F1 {run['bcubed']['f1']:.3f}, "
                f"{run['timing']['store_writes']} store writes, refresh {ms(run['refresh_seconds'])}")
    return out


def spread(values: list[float], fmt: str = "{:.3f}") -> str:
    """median (min-max) of the runs."""
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def print_wikiref(r: dict) -> None:
    runs = r["runs"]
    first = runs[0]
    col = lambda key, sub=None: [x[key] if sub is None else x[key][sub] for x in runs]  # noqa: E731
    tim = lambda key: [x["timing"][key] for x in runs]  # noqa: E731
    failed = sorted({f for x in runs for f in x["failed_feeds"]})
    print(
        f"\n1. WikiRef220 through a real refresh: {r['files']} files, {r['stories']} prefixes, "
        f"{r['feeds']} feeds on 127.0.0.1 ({first['requests']} requests), {first['stored']} articles "
        f"stored; {len(runs)} runs, each into a new store: median (min-max) of the runs"
        + (f"; FAILED feeds: {failed}" if failed else "")
    )
    p5 = col("p5_shown")
    f1 = col("bcubed", "f1")
    rows = [
        (f"precision@5 of related, as shown (same story first), {r['queries']} queries", f"≥ {P5_TARGET}",
         spread(p5), statistics.median(p5) >= P5_TARGET),
        ("precision@5 of related, the same rows by score only", "-", spread(col("p5_by_score")), None),
        ("precision@5, sections kept, the story's rows by score (what-if)", "-",
         spread(col("p5_same_by_score")), None),
    ]
    for name, value in r["baselines"].items():
        rows.append((f"  {name}", "-", f"{value:.3f}", None))
    bp, br = col("bcubed", "precision"), col("bcubed", "recall")
    rows += [
        ("B-cubed F1 of the store's stories (noise prefix = story)", f"≥ {F1_TARGET}",
         f"{spread(f1)}; P {spread(bp)}, R {spread(br)}", statistics.median(f1) >= F1_TARGET),
        ("B-cubed F1, each noise file its own story", "-", spread(col("bcubed_noise_singletons", "f1")), None),
        ("B-cubed F1, stories.cluster() over the 220 at once", "-",
         f"{r['bcubed_cluster_at_once']['f1']:.3f} (P {r['bcubed_cluster_at_once']['precision']:.3f}, "
         f"R {r['bcubed_cluster_at_once']['recall']:.3f}), {r['clusters_at_once']} clusters", None),
        ("clusters in the store (16 prefixes)", "-", spread(col("clusters"), "{:.0f}"), None),
        ("time: the whole refresh (fetch, parse, words, writes, stories)", "-",
         spread(col("refresh_seconds"), "{:.3f} s"), None),
        ("time: store writes in the refresh (all of them)", "-",
         f"{spread(tim('store_write_seconds'), '{:.3f} s')} in {spread(tim('store_writes'), '{:.0f}')} writes", None),
        ("time: stories part of those writes (StoryBook.finish)", "-",
         spread(tim("stories_seconds"), "{:.3f} s"), None),
        ("  of which the clusterer (window read + 220 assign + merges)", "-",
         spread(tim("clusterer_seconds"), "{:.3f} s"), None),
        ("time: stories.cluster() over the 220 digests (median of 5)", "-", ms(r["cluster_at_once_seconds"]), None),
        ("time: the words of the 220 (article_digest, parser side)", "-", ms(r["digest_seconds"]), None),
        ("time: related index built / one related() (median)", "-",
         f"{spread(col('index_seconds'), '{:.4f} s')} / {spread(col('related_median_seconds'), '{:.4f} s')}", None),
    ]
    print_rows(rows)
    worst = min(runs, key=lambda x: x["bcubed"]["f1"])
    print(f"  the run with the lowest F1 ({worst['bcubed']['f1']:.3f}, P@5 {worst['p5_shown']:.3f}, "
          f"{worst['timing']['store_writes']} writes):")
    if worst["queries_under_5_rows"]:
        print(f"    {worst['queries_under_5_rows']} of {r['queries']} queries showed fewer than 5 rows")
    print("    big stories → clusters: " + "; ".join(
        f"{g} {v['files']} in {v['clusters']} (largest {v['largest']})" for g, v in worst["big_stories"].items()))
    for m in worst["mixed_clusters"][:6]:
        print(f"    a story mixing prefixes ({m['size']} articles): "
              + ", ".join(f"{k} {v}" for k, v in m["prefixes"].items()))
    print("  note: a refresh writes the store as feeds finish (results ≥ 0.5 s apart are written "
          "apart, refresh.MIN_WRITE_INTERVAL); each write clusters its new articles against those "
          "stored before, so how the writes fall changes the stories: hence several runs.")


def print_rows(rows: list[tuple[str, str, str, bool | None]]) -> None:
    for figure, target, measured, met in rows:
        mark = {True: "met", False: "MISSED", None: ""}[met]
        print(f"  {figure:<66} {target:<10} {measured}  {mark}")


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    parser.add_argument("--scale", action=argparse.BooleanOptionalAction, default=True,
                        help="also the 100,000-article part (default on)")
    parser.add_argument("--runs", type=int, default=5, help="WikiRef220 refreshes, each into a new store")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--slices", type=int, default=20, help="chronological store writes of the build")
    parser.add_argument("--queries", type=int, default=200, help="related() look-ups timed")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds of related() look-ups at most (the rest are not timed)")
    parser.add_argument("--new", type=int, default=5000, help="articles of the incremental refresh")
    parser.add_argument("--keep", metavar="DIR", help="build the large store into DIR and keep it")
    parser.add_argument("--reuse", metavar="DIR", help="use (a copy of) the store a --keep run built")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    out: dict = {"python": sys.version.split()[0], "executable": sys.executable, "cores": os.cpu_count()}
    work = Path(tempfile.mkdtemp(prefix="newstui-related-"))
    try:
        if not WIKIREF.is_dir():
            message = f"related_eval: {WIKIREF} is absent (../shared/corpus beside the repo): WikiRef220 skipped"
            out["wikiref"] = {"skipped": message}
            if args.json:
                say(message)
            else:
                print(f"\n1. WikiRef220 skipped: {message}")
        else:
            say("WikiRef220: refresh from a local server into a new store...")
            out["wikiref"] = wikiref(work / "wikiref", args.runs)
            if not args.json:
                print_wikiref(out["wikiref"])
        if args.scale:
            from related_scale import print_scale, scale  # noqa: PLC0415

            out["scale"] = scale(work / "scale", args, say)
            if not args.json:
                print_scale(out["scale"], print_rows)
        out["peak_rss_mb"] = peak_rss_mb()
        if args.json:
            print(json.dumps(out, indent=1, default=str))
        else:
            print(f"\npeak RSS of this process (whole run): {out['peak_rss_mb']:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
