"""newstui at 100,000 articles: build, start to first paint, memory, key latencies, newsboat beside it.

    python bench/scale.py                          # 100,000 articles over 200 feeds, 5 runs
    python bench/scale.py --articles 20000 --feeds 40 --runs 3 --skip-newsboat
    python bench/scale.py --keep /tmp/s100k        # build into /tmp/s100k and keep it
    python bench/scale.py --reuse /tmp/s100k --markdown --json out.json
    python bench/scale.py --reuse /tmp/s100k --profile   # also cProfile of opening the reader

Modules: scalegen.py makes the articles and the store, scalerun.py runs the reader in a pty and
newsboat, scalekeys.py measures the keys (in a child process); this file prints the report.

Method
  * Build (bench/scalegen.py): articles generated from a seed (same bytes on every machine), stored
    through the store's public interface, as a refresh writes them: ``Store(path).apply_refresh(
    [FeedUpdate(status, articles, keep=None), ...])``, 20 feeds per call. Chosen over running
    `newstui refresh` on the generated files because it exercises the same write path without
    timing the parser; the same articles are also written as RSS files, which feeds.toml points at
    (so the store is an ordinary, refreshable one) and newsboat reads. Store size: every file in
    the store's folder whose name starts with the store's stem (newstui.json, newstui.feeds.json,
    the lock file, anything a new design adds there).
  * Start to first paint: `newstui --no-refresh --config C --db S` in a real pty (120x40), as in
    bench/startup.py: the app appends the monotonic time of its first painted frame to
    $NEWSTUI_STARTUP_LOG and quits ($NEWSTUI_EXIT_AFTER_PAINT). One untimed warm-up each, then runs
    alternate tiny/large. Peak RSS: VmHWM of the reader read from /proc while it runs (sampled every
    20 ms during the timed runs, and once more in a run that stays open 3 s after its first paint,
    past the background work of its first seconds: related index, search positions, topic guesses);
    not ru_maxrss from wait4, which inherits this script's high-water mark across fork/exec.
  * Keys: in a child process (its heap not inflated by the build), on a copy of the store (the
    flags the presses set do not reach the kept store), the real app under App.run_test() at
    120x40 with a fixed clock. Each key event is posted to the app as Pilot posts it, and the time
    runs until the screen has taken it in: every message queue of the app, the screen and its
    widgets is empty (Pilot's own barrier, repeated until nothing new is queued) and the frame has
    been composed (Screen._on_timer_update, which the 60 fps update timer would call). Not the wall
    time around `await pilot.press(k)`: that sleeps at least 2 x 20 ms in wait_for_idle per key, a
    floor above the 16 ms target. A real terminal adds up to one frame (16.7 ms) of timer delay and
    the write to the tty. Untimed steps between presses (j before enter, m and s, so each press acts
    on another article) and a check of the result after each press (cursor, open article, flags,
    filter, search results) keep the numbers honest. Store writes are timed by wrapping
    Store.set_flags on the instance; the store's files are compared (inode, mtime, size) around each
    call to see which were rewritten. Each figure stops early after --budget seconds (and says so).
    Measuring starts once the related-stories index and the search index, brought up to the store
    in threads after the first frame, are ready (their times are printed): the figures are the reader's steady state, not its first second.
    Search is timed per keystroke (the results follow every key typed; that is the latency a user
    waits for); the sum over a whole word's keys is printed as well. The same keys are then run on
    a store of 1,000 articles (SMALL in scalerun.py), printed beside each figure: the difference
    is what the 100,000 cost, the rest is the reader's frame at any size.
  * newsboat: the same articles as 200 RSS files read through file:// URLs (`max-items 0`, unlimited),
    cached once with `newsboat -x reload`; then `newsboat -x print-unread` (it loads every feed and
    item from its sqlite cache, then prints the count) is timed like the readers in
    refresh_vs_newsboat (bench/measure.py: spawn to exit, VmHWM sampled).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
import tempfile
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from readers import isolated_env, newstui_source
from results import machine
from scalegen import BATCH_FEEDS, SEED, STORE_NAME, build, store_files
from scalerun import MB, SMALL, TINY, newsboat, newsboat_version, prepare_tiny, run_keys, startup

# --------------------------------------------------------------------------- report


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile: a value that was measured."""
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# Search is measured per keystroke: results follow each key typed (a word is typed over a second
# or so; the sum over its keys, "search (/ + a word, whole)", is printed too, without a target).
TARGETS = {"cursor": 0.016, "open": 0.016, "topic": 0.050, "search_key": 0.050}


def key_rows(keys: dict, small: dict | None = None) -> list[tuple[str, str, str, bool | None]]:
    """(figure, target, measured, met) for the key latencies; ``small``: the same figures on the
    small store, shown beside them (what the reader costs without the 100k)."""
    targets = TARGETS
    rows = []
    for name, fig in keys["figures"].items():
        s = fig["seconds"]
        if not s:
            continue
        capped = f" ({len(s)} of {fig['planned']}, --budget)" if fig["capped"] else f" (n={len(s)})"
        text = (
            ms(s[0])
            if len(s) == 1
            else f"p50 {ms(statistics.median(s))}, p95 {ms(pct(s, 95))}, max {ms(max(s))}{capped}"
        )
        other = (small or {}).get("figures", {}).get(name, {}).get("seconds")
        if other:
            text += f"; at {SMALL[0]:,}: " + (
                ms(other[0]) if len(other) == 1 else f"p50 {ms(statistics.median(other))}, p95 {ms(pct(other, 95))}"
            )
        target = targets.get(name)
        rows.append(
            (
                fig["label"],
                f"p95 ≤ {target * 1000:.0f} ms" if target else "-",
                text,
                pct(s, 95) <= target if target else None,
            )
        )
        if fig["writes"]:
            w = fig["writes"]
            files = (
                ", ".join(f"{n} {c}/{len(s)}" for n, c in sorted(fig["rewritten"].items()))
                or "none"
            )
            check = name in ("mark", "star")
            rows.append(
                (
                    f"  store write in {fig['label'].split(' (')[0]}",
                    "p95 ≤ 5 ms" if check else "-",
                    (
                        ms(w[0])
                        if len(w) == 1
                        else f"p50 {ms(statistics.median(w))}, p95 {ms(pct(w, 95))}"
                    )
                    + f" ({len(w)} writes); files rewritten: {files}",
                    pct(w, 95) <= 0.005 if check else None,
                )
            )
    return rows


def summary_rows(result: dict) -> list[tuple[str, str, str, bool | None]]:
    b, st, nb, n = (
        result["build"],
        result.get("startup"),
        result.get("newsboat"),
        result["articles"],
    )
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            f"build {n:,} articles (generate + Store.apply_refresh)",
            "-",
            (
                f"{b['generate_seconds'] + b['store_seconds']:.1f} s ({b['store_seconds']:.1f} s in "
                f"the store; the last apply_refresh, which rewrites all {n:,}, {b['writes'][-1]:.2f} s)"
            ),
            None,
        ),
        (
            "store size on disk",
            "-",
            f"{sum(result['store_files'].values()) / MB:.0f} MB: "
            + ", ".join(f"{k} {v / MB:.1f} MB" for k, v in result["store_files"].items()),
            None,
        ),
    ]
    if st:
        rows += [
            (f"first paint, {TINY[0]} articles", "-", ms(st["tiny_median"]), None),
            (
                f"first paint, {n:,} articles",
                "≤ 1.5x tiny",
                f"{ms(st['large_median'])} ({st['ratio']:.1f}x tiny)",
                st["ratio"] <= 1.5,
            ),
            (
                f"peak RSS of the reader, {n:,}",
                "≤ 300 MB",
                f"{st['peak_rss_bytes'] / MB:.0f} MB",
                st["peak_rss_bytes"] <= 300 * MB,
            ),
        ]
    if result.get("keys"):
        k = result["keys"]
        rows.append(
            (
                f"reader opened in-process, {n:,} (Store, Library, first frame)",
                "-",
                f"{ms(k['first_frame_seconds'])} ({ms(k['open_seconds'])} before the app runs); related "
                f"index built in the background by {ms(k['related_ready_seconds'])}",
                None,
            )
        )
        rows += key_rows(k, result.get("keys_small"))
    if nb and st:
        rows.append(
            (
                f"newsboat load of the same {n:,} (print-unread)",
                "newstui first paint ≤ this",
                (
                    f"{ms(nb['load_median'])} (newstui {ms(st['large_median'])}: "
                    f"{st['large_median'] / nb['load_median']:.2f}x newsboat's)"
                ),
                st["large_median"] <= nb["load_median"],
            )
        )
    return rows


def print_report(result: dict, markdown: bool) -> None:
    rows = summary_rows(result)
    print("\nSummary\n")
    for figure, target, measured, met in rows:
        mark = {True: "met", False: "MISSED", None: ""}[met]
        print(f"  {figure:<64} {target:<28} {measured}  {mark}")
    if markdown:
        info = result["info"]
        print(
            f"\n{result['articles']:,} articles over {result['feeds']} feeds; median of {result['runs']} "
            f"runs (first paint), key latencies measured in-process; {info['cpu']} ({info['cores']} cores), "
            f"Python {info['python']}, newstui {info['newstui_commit']}, {info.get('newsboat') or 'no newsboat'}, "
            f"{info['date'][:10]}\n"
        )
        print("| figure | target | measured |\n|---|---|---|")
        for figure, target, measured, met in rows:
            flag = {True: " ✓", False: " ✗", None: ""}[met]
            print(f"| {figure.strip()} | {target} | {measured}{flag} |")


# --------------------------------------------------------------------------- main


def describe_machine() -> dict:
    import newstui

    info = machine()
    _, commit = newstui_source()
    info.update(
        date=datetime.now().astimezone().isoformat(timespec="seconds"),
        newstui=newstui.__version__,
        newstui_commit=commit,
        textual=version("textual"),
        newsboat=newsboat_version(),
    )
    print(
        f"newstui at scale — {info['date']}\n{info['cpu']}, {info['cores']} cores "
        f"({info['usable_cores']} usable), {info['os']}\nPython {info['python']}, newstui "
        f"{info['newstui']} ({commit}), textual {info['textual']}, "
        f"{info['newsboat'] or 'newsboat not installed'}\n"
    )
    return info


def build_or_reuse(args, parser, info: dict, work: Path) -> tuple[Path, dict]:
    """The folder holding feeds.toml, feeds/ and store/, and its manifest (scale.json)."""
    if args.reuse:
        root = Path(args.reuse)
        manifest = json.loads((root / "scale.json").read_text())
        print(
            f"1. Build: reused {root} ({manifest['articles']:,} articles over "
            f"{manifest['feeds']} feeds, built {manifest['date']})"
        )
        return root, manifest
    root = Path(args.keep) if args.keep else work / "large"
    if (root / "store").exists():
        parser.error(f"{root} already holds a store: use --reuse {root}, or remove it")
    print(f"1. Build: {args.articles:,} articles over {args.feeds} feeds into {root} (seed {SEED})")
    built = build(root, SEED, args.articles, args.feeds)
    manifest = {
        "articles": args.articles,
        "feeds": args.feeds,
        "date": info["date"],
        "build": vars(built),
    }
    (root / "scale.json").write_text(json.dumps(manifest, indent=1))
    return root, manifest


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument(
        "--runs", type=int, default=5, help="runs of each start-up and newsboat load (median)"
    )
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="build into DIR and keep it (for --reuse)")
    parser.add_argument(
        "--reuse", metavar="DIR", help="use the store a --keep run built in DIR (its size wins)"
    )
    parser.add_argument("--json", metavar="FILE", help="write every figure to FILE")
    parser.add_argument("--markdown", action="store_true", help="also print a README table")
    parser.add_argument(
        "--budget",
        type=float,
        default=300.0,
        help="seconds per key figure before it stops pressing (default 300)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile of opening the reader (in-process)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="newstui-scale-"))
    try:
        info = describe_machine()
        root, manifest = build_or_reuse(args, parser, info, work)
        b = manifest["build"]
        files = store_files(root / "store" / STORE_NAME)
        print(
            f"   text generated in {b['generate_seconds']:.1f} s (this script), RSS files written in "
            f"{b['rss_seconds']:.1f} s; Store.apply_refresh x{len(b['writes'])} ({BATCH_FEEDS} "
            f"feeds each): {b['store_seconds']:.1f} s, the last one (whole store) {b['writes'][-1]:.2f} s"
        )
        print(
            "   store files: "
            + ", ".join(f"{k} {v / MB:.1f} MB" for k, v in files.items())
            + f" — {sum(files.values()) / MB:.0f} MB in all"
        )
        result: dict = {
            "info": info,
            "articles": manifest["articles"],
            "feeds": manifest["feeds"],
            "runs": args.runs,
            "build": b,
            "store_files": files,
        }
        env = isolated_env(work)

        print(f"\n2. Start to first painted headline (pty 120x40, median of {args.runs})")
        result["startup"] = st = startup(root, prepare_tiny(work), args.runs, env, work)
        print(
            f"   {TINY[0]} articles: {ms(st['tiny_median'])}; {manifest['articles']:,}: {ms(st['large_median'])} "
            f"({st['ratio']:.1f}x); peak RSS {st['peak_rss_bytes'] / MB:.0f} MB (VmHWM; held open 3 s after "
            f"paint: VmHWM {st['held_hwm_kib'] / 1024:.0f} MiB, VmRSS {st['held_rss_kib'] / 1024:.0f} MiB)"
        )

        print(
            f"\n3. Keys, in-process (App.run_test, 120x40), budget {args.budget:.0f} s per figure"
        )
        result["keys"] = run_keys(root, work, args.budget, args.profile)
        print(f"\n   the same keys on a store of {SMALL[0]:,} articles over {SMALL[1]} feeds (the floor)")
        result["keys_small"] = run_keys(prepare_tiny(work, SMALL, "small"), work, args.budget, False)

        if not args.skip_newsboat:
            print("\n4. newsboat, same articles from file:// RSS")
            result["newsboat"] = nb = newsboat(root, args.runs, env, work, manifest["feeds"])
            if nb:
                reload = (
                    f"reload {ms(nb['reload_seconds'])}, "
                    if nb["reload_seconds"]
                    else "cache reused, "
                )
                print(
                    f"   {nb['version']}: {reload}cache {nb['cache_bytes'] / MB:.0f} MB; print-unread says "
                    f"“{nb['unread_printed']}”; load median {ms(nb['load_median'])} "
                    f"(runs: {', '.join(ms(s) for s in nb['load_seconds'])}), peak RSS {nb['load_rss_kib'] / 1024:.0f} MiB"
                )
                if nb["unread"] != manifest["articles"]:
                    print(
                        f"   WARNING: newsboat holds {nb['unread']} unread, not {manifest['articles']}"
                    )

        print_report(result, args.markdown)
        if args.json:
            Path(args.json).write_text(json.dumps(result, indent=1, default=str))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
