"""One timed run of a child process: wall time, CPU and memory of it and all its descendants."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCENARIOS = ("cold", "unchanged", "changed")  # what a Run measures, in the order run and shown


@dataclass
class Run:
    tool: str
    scenario: str
    seconds: float
    cpu_seconds: float  # user + sys of the process and all its descendants
    max_rss_kib: int  # peak VmHWM of the largest single process of the tree, sampled
    tree_pss_kib: int  # peak of the summed PSS of the whole process tree, sampled
    processes: int  # the most processes seen in the tree at once
    exit_code: int
    lingered_seconds: float  # how long descendants outlived the child (not in the wall time)
    requests: int
    ok_200: int
    not_modified_304: int
    conditional: int
    connections: int
    bytes_sent: int
    stored_items: int | None = None


@dataclass(frozen=True, slots=True)
class Measured:
    seconds: float
    cpu_seconds: float
    max_rss_kib: int
    tree_pss_kib: int
    processes: int
    exit_code: int
    lingered_seconds: float  # how long descendants outlived the child (not in the wall time)


class TreeMemory(threading.Thread):
    """Samples the summed PSS of a process and all its descendants (a parse pool, a forkserver),
    and the peak RSS (VmHWM) of each of them.

    PSS shares the pages that forked children have in common fairly between them, so the sum is
    what the tree really costs. Peak RSS is read from /proc/PID/status (VmHWM, a high-water mark,
    so a sample late in the run sees the peak): ``ru_maxrss`` from wait4 cannot be used, because
    Linux carries the high-water mark across fork and exec, so every child reports at least this
    benchmark's own RSS (a /bin/true spawned from a 300 MB process reports 300 MB). Children are
    found from /proc/*/stat (only pids above the root's: pids grow), every ``interval`` seconds.
    """

    def __init__(self, root: int, interval: float = 0.025) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.parents: dict[int, int] = {}
        self.peak_kib = self.most_processes = self.hwm_kib = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            tree = self._tree()
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in tree))
            self.hwm_kib = max([self.hwm_kib, *(_hwm_kib(pid) for pid in tree)])
            self.most_processes = max(self.most_processes, len(tree))
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _tree(self) -> list[int]:
        for name in os.listdir("/proc"):
            if name.isdigit() and (pid := int(name)) > self.root and pid not in self.parents:
                try:
                    stat = Path(f"/proc/{pid}/stat").read_bytes()
                except OSError:
                    continue
                self.parents[pid] = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree = {self.root}
        for pid in sorted(self.parents):
            if self.parents[pid] in tree:
                tree.add(pid)
        return [pid for pid in tree if Path(f"/proc/{pid}").exists()]


def _pss_kib(pid: int) -> int:
    return _proc_kib(f"/proc/{pid}/smaps_rollup", b"Pss:")


def _hwm_kib(pid: int) -> int:
    return _proc_kib(f"/proc/{pid}/status", b"VmHWM:")


def _proc_kib(path: str, field: bytes) -> int:
    """A "Name:  1234 kB" line of a /proc file, in KiB (0 when the process is gone)."""
    try:
        with open(path, "rb") as lines:
            for line in lines:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux): a parse pool that outlives its parent is still counted."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_stragglers(timeout: float = 30.0) -> tuple[float, int, float]:
    """Wait for adopted descendants to exit: (CPU seconds, largest ru_maxrss KiB, seconds waited)."""
    cpu, rss, start = 0.0, 0, time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.002)
            continue
        cpu, rss = cpu + usage.ru_utime + usage.ru_stime, max(rss, usage.ru_maxrss)
    return cpu, rss, time.perf_counter() - start


def timed(command: list[str], env: dict[str, str], errors: Path) -> Measured:
    """Spawn → exit wall seconds, CPU, memory and exit code of one child process (and its tree).

    CPU includes the descendants the child reaped and, with this process a subreaper, those it
    left behind (reaped here after the child's exit, outside the wall time). Peak RSS is sampled
    (see :class:`TreeMemory`).
    """
    with errors.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env
        )
        sampler = TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        left_cpu, _, lingered = reap_stragglers()
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        seconds,
        usage.ru_utime + usage.ru_stime + left_cpu,
        sampler.hwm_kib,
        sampler.peak_kib,
        sampler.most_processes,
        proc.returncode,
        lingered,
    )
