"""Startup to first painted headline, and `newstui refresh` wall time, on the demo feeds.

Runs the real `newstui` in a real pseudo-terminal (120x40). The app appends the system-wide
monotonic time at which the headlines were first painted to $NEWSTUI_STARTUP_LOG and quits; this
script subtracts the monotonic time just before it started the process.

    python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

NEWSTUI = [sys.executable, "-m", "newstui.cli"]
# Measure what a user gets: an installed package has compiled bytecode, so let the children write
# and reuse .pyc files even where the environment disables it (PYTHONDONTWRITEBYTECODE).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def first_paint(args: list[str], env_extra: dict[str, str] | None = None) -> float:
    """Seconds from spawning `newstui args` in a pty to its first painted headlines."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "paint.log"
        env = dict(os.environ, TERM="xterm-256color", NEWSTUI_STARTUP_LOG=str(log), NEWSTUI_EXIT_AFTER_PAINT="1")
        env.update(env_extra or {})
        start = time.monotonic()
        proc, master = spawn_in_pty([*NEWSTUI, *args], env)
        try:
            proc.wait(timeout=60)
        finally:
            os.close(master)
        if not log.exists():
            raise RuntimeError(f"newstui {' '.join(args)} did not report a first paint (exit {proc.returncode})")
        return float(log.read_text().split()[0]) - start


def spawn_in_pty(argv: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """Start ``argv`` on a fresh 120x40 pseudo-terminal whose output is read and dropped.
    Returns the process and the pty's master end (close it once the process is done)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    threading.Thread(target=_drain, args=(master,), daemon=True).start()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    return proc, master


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*NEWSTUI, *args], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def report(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    print(f"{name:<52} median {statistics.median(ms):7.1f} ms   min {ms[0]:7.1f}   max {ms[-1]:7.1f}   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    from newstui.core.config import load_config
    from newstui.core.refresh import refresh_all
    from newstui.core.store import Store
    from newstui.demo import prepare_demo

    work = Path(tempfile.mkdtemp(prefix="newstui-bench-"))
    try:
        config_path = prepare_demo(work)
        filled = work / "filled.json"
        store = Store(filled)
        refresh_all(load_config(config_path), store)
        store.close()
        count = len(Store(filled).articles())
        empty_cfg = work / "empty.toml"
        empty_cfg.write_text("")
        common = ["--config", str(config_path)]
        print(f"newstui startup and refresh, demo feeds ({count} articles), {runs} runs each, pty 120x40\n")
        first_paint(["--demo"])  # warm-up: bytecode written, files in the page cache
        report("import floor: python -c 'import textual.app'", [
            _python_import() for _ in range(runs)
        ])
        report("first paint, empty store, no feeds", [
            first_paint(["--config", str(empty_cfg), "--db", str(work / "e.json"), "--no-refresh"]) for _ in range(runs)
        ])
        report(f"first paint from the store ({count} articles, no network)", [
            first_paint([*common, "--db", str(filled), "--no-refresh"]) for _ in range(runs)
        ])
        report("first paint of `newstui --demo` (demo setup + refresh)", [first_paint(["--demo"]) for _ in range(runs)])

        def fresh_refresh() -> float:
            db = work / "fresh.json"
            for suffix in ("", ".lock"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            return wall(["refresh", *common, "--db", str(db)])

        report("`newstui refresh` of the demo feeds, empty store", [fresh_refresh() for _ in range(runs)])
        report("`newstui refresh` of the demo feeds, again", [
            wall(["refresh", *common, "--db", str(filled)]) for _ in range(runs)
        ])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _python_import() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
