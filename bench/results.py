"""What the runs add up to: per scenario and tool summaries, the console and README tables."""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass
from pathlib import Path

from feedgen import CHANGED_SHARE, NEW_ITEMS
from measure import SCENARIOS, Run


@dataclass
class Summary:
    scenario: str
    tool: str
    median_ms: float
    min_ms: float
    max_ms: float
    cpu_median_ms: float
    peak_rss_mib: float  # the largest peak RSS (VmHWM) of the runs (largest single process)
    tree_pss_mib: float  # the largest sampled PSS of the whole process tree of the runs
    processes: str
    requests: str
    ok_200: str
    not_modified_304: str
    conditional: str
    connections: str
    stored_items: str


def _span(values: list[int | None]) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "-"
    lo, hi = min(present), max(present)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def summarise(runs: list[Run]) -> list[Summary]:
    out = []
    for scenario in SCENARIOS:
        for tool in dict.fromkeys(r.tool for r in runs):
            rs = [r for r in runs if r.tool == tool and r.scenario == scenario]
            if not rs:
                continue
            ms = [r.seconds * 1000 for r in rs]
            out.append(
                Summary(
                    scenario,
                    tool,
                    statistics.median(ms),
                    min(ms),
                    max(ms),
                    statistics.median(r.cpu_seconds * 1000 for r in rs),
                    max(r.max_rss_kib for r in rs) / 1024,
                    max(r.tree_pss_kib for r in rs) / 1024,
                    _span([r.processes for r in rs]),
                    _span([r.requests for r in rs]),
                    _span([r.ok_200 for r in rs]),
                    _span([r.not_modified_304 for r in rs]),
                    _span([r.conditional for r in rs]),
                    _span([r.connections for r in rs]),
                    _span([r.stored_items for r in rs]),
                )
            )
    return out


def ratios(summaries: list[Summary]) -> dict[str, float]:
    by = {(s.scenario, s.tool): s for s in summaries}
    return {
        sc: by[sc, "newstui"].median_ms / by[sc, "newsboat"].median_ms
        for sc in SCENARIOS
        if (sc, "newstui") in by and (sc, "newsboat") in by
    }


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def print_table(summaries: list[Summary], rates: dict[str, float]) -> None:
    print(
        f"\n{'scenario':<10} {'tool':<9} {'median':>8} {'min':>8} {'max':>8} {'cpu':>8} {'max RSS':>9} "
        f"{'tree PSS':>9} {'proc':>4} {'req':>5} {'200':>5} {'304':>5} {'cond':>5} {'conns':>5} {'stored':>7}"
    )
    for s in summaries:
        print(
            f"{s.scenario:<10} {s.tool:<9} {s.median_ms:6.0f}ms {s.min_ms:6.0f}ms {s.max_ms:6.0f}ms "
            f"{s.cpu_median_ms:6.0f}ms {s.peak_rss_mib:5.1f}MiB {s.tree_pss_mib:5.1f}MiB {s.processes:>4} "
            f"{s.requests:>5} {s.ok_200:>5} {s.not_modified_304:>5} {s.conditional:>5} {s.connections:>5} "
            f"{s.stored_items:>7}"
        )
        if s.tool == "newsboat" and s.scenario in rates:
            print(
                f"{'':<10} {'ratio':<9} newstui/newsboat = {rates[s.scenario]:.2f}x (median wall time)"
            )
    print(LEGEND)


LEGEND = """
median/min/max: wall time, spawn to exit. cpu: median user+sys of the process and all its descendants.
max RSS: peak VmHWM of the largest single process. tree PSS: peak summed PSS of the process tree. Both
sampled every 25 ms (a short run can end between samples). proc: most processes at once. cond: requests with
If-None-Match/If-Modified-Since. stored: items in the store/cache after the run (cold and changed)."""


def _memory(s: Summary) -> str:
    text = f"{s.peak_rss_mib:.0f} MiB"
    if s.processes not in ("1", "-"):
        text += f" ({s.tree_pss_mib:.0f} MiB in {s.processes.split('-')[-1]} processes)"
    return text


def markdown(summaries: list[Summary], rates: dict[str, float], info: dict[str, object]) -> str:
    by = {(s.scenario, s.tool): s for s in summaries}
    label = {
        "cold": "cold (empty store)",
        "unchanged": "unchanged (all 304)",
        "changed": f"{CHANGED_SHARE:.0%} changed (+{NEW_ITEMS} items each)",
    }
    caption = (
        f"{info['feeds']} feeds x {info['items']} items on 127.0.0.1, {info['threads']} threads, "
        f"median of {info['runs']} runs; memory: peak RSS of the largest process (and, when the tool "
        f"runs several, the peak PSS of the whole process tree); {info['cpu']} ({info['cores']} cores), "
        f"Python {info['python']}, {info['newsboat'] or 'no newsboat'}, newstui {info['newstui_commit']}, {str(info['date'])[:10]}"
    )
    lines = [
        caption,
        "",
        "| scenario | newstui | newsboat | newstui / newsboat | newstui memory | newsboat memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for sc in SCENARIOS:
        a, b = by.get((sc, "newstui")), by.get((sc, "newsboat"))
        if a is None:
            continue
        cells = [
            label[sc],
            f"{a.median_ms:.0f} ms",
            f"{b.median_ms:.0f} ms" if b else "-",
            f"{rates[sc]:.2f}x" if sc in rates else "-",
            _memory(a),
            _memory(b) if b else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
