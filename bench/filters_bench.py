"""Issue 7's speed targets at 100,000 articles: every filter combination and search (p95 ≤ 50 ms),
and the topic list's counts after a filter change (in the same frame: p95 ≤ 16 ms).

    python bench/filters_bench.py --keep /tmp/fb100k     # build the store into DIR and keep it
    python bench/filters_bench.py --reuse /tmp/fb100k    # measure a kept store again (~1 minute)
    python bench/filters_bench.py --json out.json        # also every figure as JSON ("-": stdout)

Method
  * Store: bench/scalegen.py's (seed 4: 100,000 articles over 200 feeds, built through
    ``Store.apply_refresh``), its feeds.toml (a topic per feed, keyword rules; categories are
    topics too) plus a ``[mute]`` of two feeds and three ``[views.NAME]`` (bench/filters_cases.py),
    and flags set through ``Store.set_flags``: 90% of the articles older than a week read, 30% of
    the newer ones, 1% starred. Opened as the reader opens it: ``Library(config, store)``, then
    what the reader builds in a thread after its first paint (``Library.index_related``: the
    related index, and the columns and every topic's set of positions that filters use).
  * Search index: ``search_sync.sync(library.search_index, store)`` into an absent file (the
    reader's one-time background build; with --reuse the kept index is used and the time of the
    --keep run is printed); then 1,000 more articles written through ``Store.upsert_articles``
    and ``sync`` timed again (incremental), on a copy of the store when it is kept.
  * Timing: each case is a varied set of filters (seeded; up to --variants of them) run --reps
    times in turn; before each run ``library._filter.forget()`` empties the Places cache, so no
    remembered result is timed. Not emptied: the columns a Snapshot builds once and keeps (topic
    positions, columns in display order, the folded titles), which one untimed run of each
    filter fills first: the reader's steady state. The row "topic (cold)" empties the
    snapshot's topic positions before each run (a topic's first click; every topic's set of
    positions, ``Snapshot.topic_bits``, is made in the background after the first paint and kept). A run is
    ``rows = library.headlines(f)`` and its first screen, ``rows[:40]`` (Headline objects made).
  * Counts: ``library.topic_counts(f)`` + ``library.counts(f)`` after ``forget()`` and the
    filter's list (``headlines(f)``, untimed): the work the topic list does after a filter change,
    in the frame that shows the new list (the reader's ``_set_view``: the list, then the counts).
    "list + counts (frame)": both timed together after ``forget()``, the whole frame.
  * Without [mute]: part 1 (and a few searches and counts) again over a second Library whose
    config has an empty ``[mute]`` (same store and index): what the two muted feeds cost.
  * Index not ready: ``library._filter.ranker = lambda q: None`` (the library then searches the
    titles, as while the index is being built); its first search, which folds every title, is
    timed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from filters_cases import filter_cases, new_articles, prepare, print_table, row, search_cases  # noqa: E402
from results import machine  # noqa: E402
from scalegen import STORE_NAME  # noqa: E402
from search_bench import calibrate  # noqa: E402

from newstui.core.config import load_config  # noqa: E402
from newstui.core.filters import Filter  # noqa: E402
from newstui.core.library import Library  # noqa: E402
from newstui.core.models import MuteRules  # noqa: E402
from newstui.core.search_index import SearchIndex  # noqa: E402
from newstui.core.search_sync import index_path, sync  # noqa: E402
from newstui.core.store import Store  # noqa: E402
from newstui.core.topics import TopicClassifier  # noqa: E402

TARGET_MS = 50.0  # any filter combination or search, p95
FRAME_MS = 16.0  # the counts, in the same frame (60 Hz; 33 ms at 30 Hz)
SCREEN = 40  # rows made into Headline objects (a screen)
MANIFEST = "filters_bench.json"


def timed(library: Library, filters: list[Filter], reps: int, work, cold: bool = False,
          warm: bool = True, before=None) -> tuple[list[float], list[int]]:
    """``work(f)`` for each filter in turn, ``reps`` runs at least (every filter once at least),
    the Places cache emptied before each; after one untimed run of each (``warm``; the counts
    follow the headlines of the same filters, which warmed them) unless ``cold``: then the
    snapshot's topic positions are emptied before each run too. ``before(f)``, if given, runs
    untimed between the emptying and the run (the list shown before its counts)."""
    seconds, hits = [], []
    for f in filters if warm and not cold else ():  # warm: the snapshot's columns, SQLite's pages
        library._filter.forget()
        work(f)
    for i in range(max(reps, len(filters))):
        f = filters[i % len(filters)]
        library._filter.forget()
        if cold:  # a topic's first click (its set of positions too, unless topic_bits is made)
            library.snapshot._topic_places.clear()
            library.snapshot._topic_sets.clear()
        if before is not None:
            before(f)
        started = time.perf_counter()
        n = work(f)
        seconds.append(time.perf_counter() - started)
        hits.append(n)
    return seconds, hits


def headlines(library: Library):
    def work(f: Filter) -> int:
        rows = library.headlines(f)
        rows[:SCREEN]  # noqa: B018
        return len(rows)
    return work


def counts(library: Library):
    def work(f: Filter) -> int:
        library.topic_counts(f)
        return library.counts(f)[0].total
    return work


def frame(library: Library):
    """What the reader does when the filter changes, in one frame: the list, then the counts."""
    show, count = headlines(library), counts(library)

    def work(f: Filter) -> int:
        show(f)
        return count(f)
    return work


def open_store(root: Path) -> tuple[Library, Store, float]:
    config = load_config(root / "feeds.toml")
    started = time.perf_counter()
    store = Store(root / "store" / STORE_NAME, classifier=TopicClassifier(config))
    library = Library(config, store)
    opened = time.perf_counter() - started
    # What the reader builds in the background after its first paint (related index, title
    # columns, every topic's set of positions): in place before anything is timed, as there.
    library.index_related()
    library.wait_for_related()
    return library, store, opened


def incremental(root: Path, work: Path, manifest: dict, copy: bool, say) -> dict:
    """1,000 articles through Store.upsert_articles, then sync: on a copy of the store when kept."""
    out: dict = {}
    folder = root / "store"
    if copy:
        started = time.perf_counter()
        shutil.copytree(folder, work / "store")
        folder = work / "store"
        out["copy_seconds"] = time.perf_counter() - started
    config = load_config(root / "feeds.toml")
    store = Store(folder / STORE_NAME, classifier=TopicClassifier(config))
    articles = new_articles(manifest["articles"], manifest["feeds"], 1000)
    started = time.perf_counter()
    new = store.upsert_articles(articles)
    out["store_write_seconds"] = time.perf_counter() - started
    index = SearchIndex(index_path(store))
    before = len(index)
    started = time.perf_counter()
    out["what"] = sync(index, store)
    out["sync_seconds"] = time.perf_counter() - started
    out.update(new=len(new), indexed_before=before, indexed_after=len(index))
    index.close()
    store.close()
    say(f"   {len(new):,} new articles written in {out['store_write_seconds']:.2f} s (upsert_articles); "
        f"sync: {out['sync_seconds']:.2f} s ({out['what']}; {before:,} → {out['indexed_after']:,} indexed)")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--reps", type=int, default=50, help="runs of each case (default 50)")
    parser.add_argument("--variants", type=int, default=25, help="filters per case at most (default 25)")
    parser.add_argument("--keep", metavar="DIR", help="build the store into DIR and keep it (for --reuse)")
    parser.add_argument("--reuse", metavar="DIR", help="measure the store a --keep run built in DIR")
    parser.add_argument("--no-update", action="store_true", help="skip the incremental sync (1,000 articles)")
    parser.add_argument("--json", metavar="FILE", help='write every figure to FILE ("-": stdout, report to stderr)')
    args = parser.parse_args()
    out_stream = sys.stderr if args.json == "-" else sys.stdout

    def say(*parts: object) -> None:
        print(*parts, file=out_stream, flush=True)

    info = machine()
    info.update(load_before=os.getloadavg(), calibrate_ms=calibrate() * 1000)
    say(f"filters bench: Python {info['python']}, {info['cores']} cores ({info['usable_cores']} usable), "
        f"{info['cpu']}; load average {' '.join(f'{x:.2f}' for x in info['load_before'])}; "
        f"sum(range(10**6)) {info['calibrate_ms']:.1f} ms (an idle recent laptop: ~10 ms)")
    work = Path(tempfile.mkdtemp(prefix="newstui-filters-"))
    result: dict = {"info": info}
    try:
        if args.reuse:
            root = Path(args.reuse)
            manifest = json.loads((root / MANIFEST).read_text())
            say(f"1. Store: reused {root} ({manifest['articles']:,} articles over {manifest['feeds']} feeds)")
        else:
            root = Path(args.keep) if args.keep else work / "large"
            if (root / "store").exists():
                parser.error(f"{root} already holds a store: use --reuse {root}, or remove it")
            say(f"1. Store: building {args.articles:,} articles over {args.feeds} feeds into {root}...")
            manifest = prepare(root, args.articles, args.feeds, say)
            say(f"   {manifest['seconds']:.0f} s (store writes {manifest['store_seconds']:.0f} s)")
        library, store, opened = open_store(root)
        snap = library.snapshot
        say(f"   Library(config, store): {opened:.2f} s; {len(snap):,} articles, {len(snap.total)} topics, "
            f"{len(snap.muted_rows):,} muted, {len(snap.story_rows):,} stories of 2+ articles, "
            f"{len(snap.copies):,} copy groups")
        started = time.perf_counter()
        what = sync(library.search_index, store)
        seconds = time.perf_counter() - started
        if what:
            manifest["index"] = {"seconds": seconds, "what": what}
            (root / MANIFEST).write_text(json.dumps(manifest, indent=1))
            say(f"2. Search index: sync {seconds:.1f} s ({what}): the reader's one-time background build")
        else:
            say(f"2. Search index: up to date (sync {seconds * 1000:.0f} ms); built by the --keep run in "
                f"{manifest.get('index', {}).get('seconds', float('nan')):.1f} s")
        if library._rank(Filter(query="x").parsed) is None:
            say("   WARNING: the index can't answer: searches below are titles-only")
        result.update(manifest=manifest, opened_seconds=opened, articles=len(snap))

        rows: list[dict] = []
        fcases = filter_cases(library, args.variants)
        scases = search_cases(library, args.variants)
        say(f"3. Timing ({args.reps} runs per case, up to {args.variants} filters each, Places cache "
            f"emptied before each run)...")
        for stories in (False, True):
            for case, filters in fcases.items():
                fs = [replace(f, stories=stories) for f in filters]
                s, h = timed(library, fs, args.reps, headlines(library))
                rows.append(row("filter" + (", stories" if stories else ""), case, s, h, TARGET_MS))
        s, h = timed(library, fcases["topic"], args.reps, headlines(library), cold=True)
        rows.append(row("filter", "topic (cold: snapshot cache too)", s, h, TARGET_MS))
        for case, filters in scases.items():
            s, h = timed(library, filters, args.reps, headlines(library))
            rows.append(row("search", case, s, h, TARGET_MS))
        for case, filters in [*fcases.items(), *scases.items()]:
            s, h = timed(library, filters, args.reps, counts(library), warm=False, before=headlines(library))
            rows.append(row("counts (same frame)", case, s, h, FRAME_MS))
        for case, filters in [*fcases.items(), *scases.items()]:
            s, h = timed(library, filters, args.reps, frame(library), warm=False)
            rows.append(row("list + counts (frame)", case, s, h, TARGET_MS))

        ranker = library._filter.ranker
        library._filter.ranker = lambda q: None  # the index not ready: titles only
        library._filter.forget()
        started = time.perf_counter()
        library.headlines(scases["common word"][0])
        first_titles = time.perf_counter() - started
        for case, filters in scases.items():
            s, h = timed(library, filters, args.reps, headlines(library))
            rows.append(row("search, no index", case, s, h, TARGET_MS))
        for case in ("common word", "word + topic + unread", "typed prefix"):
            s, h = timed(library, scases[case], args.reps, counts(library), warm=False, before=headlines(library))
            rows.append(row("counts, no index", case, s, h, FRAME_MS))
        library._filter.ranker = ranker
        if library.config.mute:  # the same without [mute]: what a [mute] rule costs
            plain = Library(replace(library.config, mute=MuteRules()), store)
            plain._search = library.search_index
            plain.index_related()
            plain.wait_for_related()
            for case, filters in fcases.items():
                if case != "muted":
                    s, h = timed(plain, filters, args.reps, headlines(plain))
                    rows.append(row("filter, no [mute]", case, s, h, TARGET_MS))
            for case in ("common word", "typed prefix"):
                s, h = timed(plain, scases[case], args.reps, headlines(plain))
                rows.append(row("search, no [mute]", case, s, h, TARGET_MS))
            for case in ("unread", "date range", "common word"):
                s, h = timed(plain, {**fcases, **scases}[case], args.reps, counts(plain), warm=False,
                             before=headlines(plain))
                rows.append(row("counts, no [mute]", case, s, h, FRAME_MS))
            del plain
        result.update(rows=rows, first_titles_only_seconds=first_titles)

        say("\nResults (ms; hits: median rows in the result, or the articles counted)\n")
        print_table(rows, say)
        say(f"\n  index not ready (ranker monkeypatched to None): the first titles-only search also folds every "
            f"title: {first_titles * 1000:.0f} ms once")
        summary = []
        for label, groups, target in (
            (f"any filter combination, {len(snap):,} (p95)", ("filter", "filter, stories"), TARGET_MS),
            (f"any search, {len(snap):,} (p95)", ("search",), TARGET_MS),
            ("topic list counts after a filter change (p95)", ("counts (same frame)",), FRAME_MS),
            ("a filter change's frame: list + counts (p95)", ("list + counts (frame)",), TARGET_MS),
            ("search while the index is not ready (p95)", ("search, no index",), TARGET_MS),
        ):
            mine = [r for r in rows if r["group"] in groups]
            worst = max(mine, key=lambda r: r["p95_ms"])
            met = all(r["met"] for r in mine)
            summary.append({"figure": label, "target_ms": target, "worst_p95_ms": worst["p95_ms"],
                            "worst_case": worst["case"], "met": met})
        every = [r for r in rows if r["group"] == "counts (same frame)"]
        frame33 = all(r["p95_ms"] <= 33 for r in every)
        say("\nSummary\n")
        for s in summary:
            say(f"  {s['figure']:<48} p95 ≤ {s['target_ms']:.0f} ms   worst p95 {s['worst_p95_ms']:6.1f} ms "
                f"({s['worst_case']})   {'met' if s['met'] else 'MISSED'}")
        say(f"  counts: {'every case fits' if summary[2]['met'] else 'not every case fits'} a 16 ms frame; "
            f"{'every case fits' if frame33 else 'not every case fits'} a 33 ms frame")
        result["summary"] = summary

        if not args.no_update:
            say("\n4. Incremental sync: 1,000 articles added through the Store API" +
                (" (on a copy of the kept store)" if args.keep or args.reuse else ""))
            library.search_index.close()
            store.close()
            result["incremental"] = incremental(root, work, manifest, bool(args.keep or args.reuse), say)
        info["load_after"] = os.getloadavg()
        say(f"\nload average after: {' '.join(f'{x:.2f}' for x in info['load_after'])}")
        if args.json:
            text = json.dumps(result, indent=1, default=str)
            if args.json == "-":
                print(text)
            else:
                Path(args.json).write_text(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
