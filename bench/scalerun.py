"""The runs of bench/scale.py: first paint in a pty, newsboat's load, the key latencies (a child).

See bench/scale.py for the method.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from measure import TreeMemory, timed
from scalegen import SEED, STORE_NAME, build
from startup import spawn_in_pty

NEWSTUI = [sys.executable, "-m", "newstui.cli"]
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # measure what a user gets: compiled bytecode
TINY = (20, 4)  # articles, feeds of the small store the start-up is compared with
SMALL = (1_000, 20)  # articles, feeds of the store the key latencies are compared with
MB = 1_000_000


# --------------------------------------------------------------------------- start-up in a pty


def first_paint(args: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """(seconds from spawn to the first painted headlines, peak VmHWM KiB sampled meanwhile)."""
    log.unlink(missing_ok=True)
    env = dict(env, NEWSTUI_STARTUP_LOG=str(log), NEWSTUI_EXIT_AFTER_PAINT="1")
    start = time.monotonic()
    proc, master = spawn_in_pty([*NEWSTUI, *args], env)
    sampler = TreeMemory(proc.pid, interval=0.02)
    sampler.start()
    try:
        proc.wait(timeout=1800)
    finally:
        sampler.stop()
        os.close(master)
    if not log.exists():
        raise RuntimeError(
            f"newstui {' '.join(args)} reported no first paint (exit {proc.returncode})"
        )
    return float(log.read_text().split()[0]) - start, sampler.hwm_kib


def held_memory(args: list[str], env: dict[str, str], log: Path) -> dict[str, int]:
    """VmHWM and VmRSS (KiB) of a reader that stays open 3 s after its first paint (its background
    work done: related index, search positions, topic guesses), then gets q."""
    log.unlink(missing_ok=True)
    proc, master = spawn_in_pty([*NEWSTUI, *args], dict(env, NEWSTUI_STARTUP_LOG=str(log)))
    try:
        while not log.exists() and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(3.0)
        fields = {}
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                fields[name] = int(value.split()[0])
        os.write(master, b"q")
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
    finally:
        os.close(master)
    return fields


def reader_args(folder: Path) -> list[str]:
    config, store = folder / "feeds.toml", folder / "store" / STORE_NAME
    return ["--no-refresh", "--config", str(config), "--db", str(store)]


def startup(root: Path, tiny: Path, runs: int, env: dict[str, str], work: Path) -> dict:
    large_args, tiny_args = reader_args(root), reader_args(tiny)
    log = work / "paint.log"
    first_paint(tiny_args, env, log)  # warm-up: bytecode written, files in the page cache
    first_paint(large_args, env, log)
    large, tiny_s, hwm = [], [], []
    for n in range(runs):
        tiny_s.append(first_paint(tiny_args, env, log)[0])
        seconds, peak = first_paint(large_args, env, log)
        large.append(seconds)
        hwm.append(peak)
        print(
            f"  run {n + 1}/{runs}: tiny {tiny_s[-1] * 1000:.0f} ms, large {seconds:.2f} s, VmHWM {peak / 1024:.0f} MiB"
        )
    held = held_memory(large_args, env, log)
    return {
        "tiny_seconds": tiny_s,
        "large_seconds": large,
        "tiny_median": statistics.median(tiny_s),
        "large_median": statistics.median(large),
        "ratio": statistics.median(large) / statistics.median(tiny_s),
        "sampled_hwm_kib": max(hwm),
        "held_hwm_kib": held.get("VmHWM", 0),
        "held_rss_kib": held.get("VmRSS", 0),
        "peak_rss_bytes": max([*hwm, held.get("VmHWM", 0)]) * 1024,
    }


# --------------------------------------------------------------------------- newsboat


def newsboat_version() -> str | None:
    exe = shutil.which("newsboat")
    if exe is None:
        return None
    out = subprocess.run([exe, "--version"], check=False, capture_output=True, text=True).stdout
    return out.split(" - ")[0].strip() or "newsboat ?"


def newsboat(root: Path, runs: int, env: dict[str, str], work: Path, feeds: int) -> dict | None:
    exe = shutil.which("newsboat")
    if exe is None:
        return None
    state = root / "newsboat"
    state.mkdir(exist_ok=True)
    urls, conf, cache = state / "urls", state / "newsboat.conf", state / "cache.db"
    urls.write_text(
        "".join((root / "feeds" / f"{i:03d}.xml").resolve().as_uri() + "\n" for i in range(feeds))
    )
    conf.write_text("max-items 0\nreload-threads 2\n")
    base = ["-u", str(urls), "-c", str(cache), "-C", str(conf)]
    out: dict = {"version": newsboat_version()}
    if cache.exists():
        out["reload_seconds"] = None  # cached by an earlier run (--reuse)
    else:
        reload = timed([exe, "-x", "reload", *base], env, work / "newsboat-reload.err")
        out["reload_seconds"], out["reload_rss_kib"] = reload.seconds, reload.max_rss_kib
    printed = subprocess.run(
        [exe, "-x", "print-unread", *base], check=False, capture_output=True, text=True, env=env
    )
    out["unread_printed"] = printed.stdout.strip()
    out["unread"] = int(printed.stdout.split()[0]) if printed.stdout.split() else None
    loads = [
        timed([exe, "-x", "print-unread", *base], env, work / "newsboat.err") for _ in range(runs)
    ]
    out["load_seconds"] = [m.seconds for m in loads]
    out["load_median"] = statistics.median(out["load_seconds"])
    out["load_rss_kib"] = max(m.max_rss_kib for m in loads)
    out["cache_bytes"] = cache.stat().st_size
    return out


def prepare_tiny(work: Path, size: tuple[int, int] = TINY, name: str = "tiny") -> Path:
    folder = work / name
    build(folder, SEED, size[0], size[1], say=lambda _: None)
    return folder


def run_keys(root: Path, work: Path, budget: float, profile: bool) -> dict:
    """The key latencies, in a child process on a copy of the store (see bench/scalekeys.py)."""
    copy = work / "keys-store"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root / "store", copy)
    # The copy's 300 MB of dirty pages would otherwise be written back while the keys run, and a
    # flag write's fdatasync would wait for them (seen: 0.1 s now and then).
    os.sync()
    out = work / "keys.json"
    args = [
        sys.executable,
        str(Path(__file__).with_name("scalekeys.py")),
        str(root / "feeds.toml"),
        str(copy / STORE_NAME),
        str(out),
        "--budget",
        str(budget),
    ]
    subprocess.run([*args, *(["--profile"] if profile else [])], check=True)
    shutil.rmtree(copy, ignore_errors=True)
    return json.loads(out.read_text())
