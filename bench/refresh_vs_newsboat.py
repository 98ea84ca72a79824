"""Wall time and peak memory of `newstui refresh` against `newsboat -x reload`, same feeds, same server.

    python bench/refresh_vs_newsboat.py                 # 100 feeds x 50 items, 5 runs, 8 threads
    python bench/refresh_vs_newsboat.py --large         # 300 feeds x 100 items
    python bench/refresh_vs_newsboat.py --feeds 50 --items 20 --runs 3 --threads 4 --json out.json
    python bench/refresh_vs_newsboat.py --markdown      # also print a table for the README
    python bench/refresh_vs_newsboat.py --serve         # only serve the feeds (for profiling by hand)

Method
  * N RSS 2.0 feeds of M items are generated from a seed (same bytes on every machine): realistic
    titles, guids, links, pubDates, authors, categories and ~2 KB HTML descriptions (~2.5 KB per
    item in all). They are served from memory on 127.0.0.1 by an asyncio HTTP/1.1 server in a
    thread of this process: keep-alive, Content-Length, a strong ETag per feed content and a
    Last-Modified per feed; If-None-Match (checked first, as RFC 9110 says) and If-Modified-Since
    give 304s. Before timing, a Python client fetches all N feeds over T keep-alive connections to
    show that the server is not the bottleneck (its time is printed next to the clients').
  * Scenarios: cold (empty store / cache: N x 200), unchanged (store warmed by the same tool,
    nothing changed: N x 304), changed (store warmed by the same tool, then 10% of the feeds get 5
    new items, dropping their 5 oldest, with a new ETag and Last-Modified: the rest 304).
  * Fairness: both tools get the same feeds, server, thread count and a fresh copy of their own
    warmed store on every run. The warm store is made, per tool and untimed, by a cold refresh and
    then an unchanged one: newsboat 2.21 keeps a feed's ETag/Last-Modified only once the feed is
    in its cache, so its first refresh leaves it without validators (its second refresh would
    download everything again). The warm-up also primes the page cache and bytecode. Runs
    alternate newstui, newsboat, newstui, ... Wall time is spawn to exit of the whole process
    (Python start-up included: that is what a user waits for).
  * Memory: the peak RSS (VmHWM) of the largest single process of the tree, and the summed PSS of
    the whole tree (newstui may parse in a process pool: forkserver + workers), both sampled from
    /proc every 25 ms (VmHWM is a high-water mark, so a late sample sees the peak; PSS splits pages
    that forked processes share). Not ru_maxrss from wait4: Linux carries the high-water mark
    across fork and exec, so every child would report at least this benchmark's own RSS.
  * newsboat's config sets only `reload-threads T`. newstui's feeds.toml sets `concurrency = T`
    and `host_concurrency = T`: every feed here lives on one host, and newstui's per-host
    politeness limit (default 2) would otherwise serialise what newsboat fetches T at a time.
  * Every run's requests, 200s, 304s, conditional requests and connections come from the
    server's log, so both tools are seen fetching the same things; after cold and changed runs the
    number of stored items is read back (newsboat: rss_item in its sqlite cache; newstui: its store).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

# The modules next to this one, however this file is run (sys.path[0] is its folder as a script).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import NEW_ITEMS, build_versions
from feedserver import FeedServer, server_check
from measure import SCENARIOS, Run, become_subreaper, timed
from readers import Tool, isolated_env, newsboat_tool, newstui_source, newstui_tool
from results import markdown, machine, print_table, ratios, summarise

# Measure what a user gets: an installed package has compiled bytecode.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# --------------------------------------------------------------------------- running


@dataclass
class Bench:
    tools: list[Tool]
    server: FeedServer
    work: Path
    env: dict[str, str]
    expected: dict[str, int]  # scenario -> items each tool should have stored afterwards
    expected_304: dict[str, int]  # scenario -> 304s each tool should get
    runs: list[Run] = field(default_factory=list)

    def state(self, tool: Tool, kind: str) -> Path:
        return self.work / f"{tool.name}-{kind}"

    def run_once(self, tool: Tool, scenario: str) -> Run:
        """One timed run of ``scenario`` from a fresh copy of the tool's starting state."""
        state = self.state(tool, "run")
        shutil.rmtree(state, ignore_errors=True)
        if scenario == "cold":
            state.mkdir()
        else:
            shutil.copytree(self.state(tool, "warm"), state)
        run = self.execute(tool, scenario, state)
        wanted = self.expected_304.get(scenario)
        if wanted is not None and run.not_modified_304 != wanted:
            print(
                f"  ! {tool.name} {scenario}: {run.not_modified_304} x 304, expected {wanted} "
                "(are conditional requests sent?)",
                file=sys.stderr,
            )
        self.runs.append(run)
        return run

    def execute(self, tool: Tool, scenario: str, state: Path) -> Run:
        """Run ``tool`` once on ``state`` with the scenario's feeds published; check what it did."""
        self.server.publish("changed" if scenario == "changed" else "base")
        self.server.take_log()
        errors = self.work / f"{tool.name}.stderr"
        m = timed(tool.command(state), self.env, errors)
        hits, connections = self.server.take_log()
        if m.exit_code != 0:
            detail = errors.read_text(errors="replace").strip()[-2000:]
            raise SystemExit(
                f"{tool.name} exited {m.exit_code} in the {scenario} scenario:\n{detail}"
            )
        run = Run(
            tool.name,
            scenario,
            **asdict(m),
            requests=len(hits),
            ok_200=sum(h.status == 200 for h in hits),
            not_modified_304=sum(h.status == 304 for h in hits),
            conditional=sum(h.conditional for h in hits),
            connections=connections,
            bytes_sent=sum(h.sent for h in hits),
        )
        if scenario in self.expected:
            run.stored_items = tool.stored_items(state)
            if run.stored_items != self.expected[scenario]:
                print(
                    f"  ! {tool.name} {scenario}: stored {run.stored_items} items, "
                    f"expected {self.expected[scenario]}",
                    file=sys.stderr,
                )
        return run

    def prepare(self) -> None:
        """Per tool, untimed: a cold refresh then an unchanged one; the result is the warm store.

        Two, not one: newsboat 2.21 saves a feed's ETag/Last-Modified only when the feed is
        already in its cache, so after its first refresh it has no validators and its next
        refresh downloads everything again. From the second refresh on it sends conditional
        requests; so both tools start the warm scenarios from their second refresh.
        """
        for tool in self.tools:
            state = self.state(tool, "warmup")
            shutil.rmtree(state, ignore_errors=True)
            state.mkdir()
            for scenario in ("cold", "unchanged"):
                run = self.execute(tool, scenario, state)
                print(
                    f"  warm-up {scenario:<9} {tool.name:<8} {run.seconds * 1000:8.0f} ms  "
                    f"{run.requests} req, {run.ok_200}x200, {run.not_modified_304}x304, "
                    f"{run.conditional} conditional",
                    flush=True,
                )
            shutil.rmtree(self.state(tool, "warm"), ignore_errors=True)
            state.rename(self.state(tool, "warm"))

    def measure(self, count: int) -> None:
        for scenario in SCENARIOS:
            for i in range(count):
                for tool in self.tools:
                    run = self.run_once(tool, scenario)
                    print(f"  {scenario:<9} run {i + 1}/{count} {run_line(run)}", flush=True)


def run_line(run: Run) -> str:
    line = (
        f"{run.tool:<8} {run.seconds * 1000:7.0f} ms, cpu {run.cpu_seconds * 1000:6.0f} ms, "
        f"RSS {run.max_rss_kib / 1024:5.1f} MiB, tree PSS {run.tree_pss_kib / 1024:5.1f} MiB "
        f"({run.processes} proc), {run.requests} req, {run.ok_200}x200, {run.not_modified_304}x304"
    )
    if run.lingered_seconds > 0.05:
        line += f", descendants ran {run.lingered_seconds:.2f} s after exit"
    return line


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--threads", type=int, default=8, help="newsboat reload-threads = newstui concurrency"
    )
    parser.add_argument("--large", action="store_true", help="300 feeds x 100 items")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", metavar="FILE", help="write the results here")
    parser.add_argument("--markdown", action="store_true", help="also print a table for the README")
    parser.add_argument(
        "--serve", action="store_true", help="only generate and serve the feeds, until Ctrl-C"
    )
    args = parser.parse_args()
    if args.large:
        args.feeds, args.items = 300, 100
    return args


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still remove the temp dir
    subreaper = become_subreaper()
    work = Path(tempfile.mkdtemp(prefix="newstui-vs-newsboat-"))
    try:
        versions, changed_feeds = build_versions(args.seed, args.feeds, args.items)
        with FeedServer(versions) as server:
            urls = [server.url(f) for f in range(args.feeds)]
            newstui = newstui_tool(work, urls, args.threads)
            newsboat = newsboat_tool(work, urls, args.threads)
            if args.serve:
                return serve_forever(work, server, urls)
            full, cond = server_check(server, args.feeds, args.threads)
            sizes = [len(d.body) for d in versions["base"].values()]
            info: dict[str, object] = {
                "date": datetime.now().astimezone().isoformat(timespec="seconds"),
                **machine(),
                "newstui": newstui.version,
                **dict(zip(("newstui_path", "newstui_commit"), newstui_source(), strict=True)),
                "newsboat": newsboat.version if newsboat else None,
                "feeds": args.feeds,
                "items": args.items,
                "threads": args.threads,
                "runs": args.runs,
                "seed": args.seed,
                "changed_feeds": len(changed_feeds),
                "feed_kib_mean": statistics.mean(sizes) / 1024,
                "item_bytes_mean": sum(sizes) / (args.feeds * args.items),
                "server_all_200_ms": full * 1000,
                "server_all_304_ms": cond * 1000,
                "subreaper": subreaper,
                "load_before": os.getloadavg()[0],
            }
            print_header(info)
            if newsboat is None:
                print(NO_NEWSBOAT)
            total = args.feeds * args.items
            expected = {"cold": total, "changed": total + NEW_ITEMS * len(changed_feeds)}
            expected_304 = {"unchanged": args.feeds, "changed": args.feeds - len(changed_feeds)}
            tools = [t for t in (newstui, newsboat) if t]
            bench = Bench(tools, server, work, isolated_env(work), expected, expected_304)
            bench.prepare()
            bench.measure(args.runs)
            info["load_after"] = os.getloadavg()[0]
        report(args, info, bench.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


NO_NEWSBOAT = """
newsboat is not installed: only newstui is measured. Install it with
    sudo apt-get install newsboat        (Debian/Ubuntu; brew install newsboat on macOS)
"""


def report(args: argparse.Namespace, info: dict[str, object], runs: list[Run]) -> None:
    summaries = summarise(runs)
    rates = ratios(summaries)
    print_table(summaries, rates)
    print(
        f"\nThe server alone: all {args.feeds} feeds in {info['server_all_200_ms']:.0f} ms (200s), "
        f"{info['server_all_304_ms']:.0f} ms (304s). Load average (1 min): "
        f"{info['load_before']:.2f} before, {info['load_after']:.2f} after."
    )
    if args.markdown:
        print("\n" + markdown(summaries, rates, info))
    if args.json:
        results = {
            "info": info,
            "summary": [asdict(s) for s in summaries],
            "ratios": rates,
            "runs": [asdict(r) for r in runs],
        }
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nresults written to {args.json}")


def print_header(info: dict[str, object]) -> None:
    print(f"newstui refresh vs newsboat -x reload — {info['date']}")
    print(
        f"machine : {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), {info['os']}"
    )
    print(f"          load average {info['load_before']:.2f} (other processes share these cores)")
    newsboat = info["newsboat"] or "newsboat not installed"
    print(
        f"versions: Python {info['python']}, {info['newstui']} ({info['newstui_commit']}), {newsboat}"
    )
    print(f"          newstui imported from {info['newstui_path']}")
    print(
        f"feeds   : {info['feeds']} x {info['items']} items, {info['feed_kib_mean']:.0f} KiB per feed, "
        f"{info['item_bytes_mean']:.0f} bytes per item; 'changed': {info['changed_feeds']} feeds "
        f"get {NEW_ITEMS} new items"
    )
    print(
        f"threads : {info['threads']}: newsboat reload-threads; newstui concurrency and host_concurrency\n"
        "          (all feeds are on one host, so newstui's per-host politeness limit is raised to match)"
    )
    print(
        f"server  : a Python client gets all feeds over {info['threads']} keep-alive connections in "
        f"{info['server_all_200_ms']:.0f} ms (200s) / {info['server_all_304_ms']:.0f} ms (304s)"
    )
    print(
        f"runs    : {info['runs']} per tool and scenario, alternating; wall time from spawn to exit;\n"
        "          warm stores made by two untimed refreshes of the same tool\n"
    )


def serve_forever(work: Path, server: FeedServer, urls: list[str]) -> None:
    print(
        f"serving {len(urls)} feeds on 127.0.0.1:{server.port}\n"
        f"  newstui : {work / 'feeds.toml'}\n"
        f"  newsboat: {work / 'urls'}, {work / 'newsboat.conf'}\n"
        "  (type 'changed' + Enter to publish the changed version, 'base' to go back; Ctrl-C to stop)",
        flush=True,
    )
    try:
        for line in sys.stdin:
            if line.strip() in server.versions:
                server.publish(line.strip())
                print(f"published {line.strip()}", flush=True)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
