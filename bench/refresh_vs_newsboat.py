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
  * Memory: ru_maxrss from os.wait4 on the child is exact but only covers the largest single
    process; newstui may parse in a process pool (forkserver + workers), so the summed PSS of the
    whole process tree is also sampled from /proc every 25 ms (PSS splits pages that forked
    processes share; a run shorter than a few samples can end between them).
  * newsboat's config sets only `reload-threads T`. newstui's feeds.toml sets `concurrency = T`
    and `host_concurrency = T`: every feed here lives on one host, and newstui's per-host
    politeness limit (default 2) would otherwise serialise what newsboat fetches T at a time.
  * Every run's requests, 200s, 304s, conditional requests and connections come from the
    server's log, so both tools are seen fetching the same things; after cold and changed runs the
    number of stored items is read back (newsboat: rss_item in its sqlite cache; newstui: its store).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import html
import http.client
import json
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Self

SCENARIOS = ("cold", "unchanged", "changed")
BASE_TIME = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
NEW_ITEMS = 5  # per changed feed
CHANGED_SHARE = 0.10
# Measure what a user gets: an installed package has compiled bytecode.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# --------------------------------------------------------------------------- feed generation

WORD_TEXT = (
    "government minister election parliament budget council economy market shares inflation bank "
    "rates climate storm flood drought energy power grid wind solar coast river city village "
    "school hospital doctors nurses patients study research scientists university report data "
    "police court judge trial appeal ruling law reform tax workers union strike talks deal trade "
    "exports imports port shipping airline rail bridge road housing rents prices farmers harvest "
    "water health vaccine cancer heart software startup chip phone network security breach "
    "privacy regulator fine museum festival film music book author artist team league final "
    "season coach record match victory defeat summit leaders border refugees aid talks ceasefire "
    "protest crowd mayor governor senator president officials residents families children"
)
WORDS = tuple(WORD_TEXT.split())
PLACES = ("Lisbon", "Nairobi", "Osaka", "Lima", "Oslo", "Manila", "Accra", "Quebec", "Perth")
VERBS = ("approves", "rejects", "delays", "warns over", "backs", "unveils", "cuts", "expands")
AUTHORS = ("Ana Costa", "James Okoro", "Mei Tanaka", "Luis Quispe", "Ingrid Dahl", "Ravi Menon")


@dataclass(frozen=True, slots=True)
class FeedDoc:
    """One feed as served: its bytes and validators."""

    body: bytes
    etag: str
    last_modified: datetime

    @property
    def last_modified_http(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)


def _sentence(rng: random.Random, lo: int = 8, hi: int = 18) -> str:
    words = rng.choices(WORDS, k=rng.randint(lo, hi))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(PLACES))
    return " ".join(words).capitalize() + "."


def _item_xml(seed: int, feed: int, index: int) -> str:
    """Item ``index`` of feed ``feed``: the same text whichever version of the feed carries it."""
    rng = random.Random(f"{seed}/{feed}/{index}")
    place, subject = rng.choice(PLACES), rng.choice(WORDS).capitalize()
    title = f"{place} {rng.choice(WORDS)} {rng.choice(VERBS)} {rng.choice(WORDS)} {rng.choice(WORDS)} plan"
    if rng.random() < 0.3:
        title = f"{subject} & {rng.choice(WORDS)}: {title.lower()}"
    published = BASE_TIME + timedelta(minutes=index * 41 - feed * 3)
    slug = "-".join(title.lower().replace("&", "and").replace(":", "").split()[:8])
    link = f"https://news{feed:03d}.bench.example/{published:%Y/%m/%d}/{slug}-{index}"
    parts = []
    if rng.random() < 0.5:
        parts.append(
            f'<figure><img src="https://img.bench.example/{feed}/{index}.jpg" '
            f'alt="{html.escape(_sentence(rng, 4, 8))}" width="640" height="360"></figure>'
        )
    size, target = 0, rng.randint(1400, 1900)
    while size < target:
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.5:
            words = text.split(" ")
            at = rng.randrange(len(words) - 3)
            words[at] = f'<a href="https://ref.bench.example/{rng.randrange(10**6)}">{words[at]}'
            words[at + 2] += "</a>"
            words[at + 3] = f"<strong>{words[at + 3]}</strong>"
            text = " ".join(words)
        paragraph = f"<p>{text}</p>"
        parts.append(paragraph)
        size += len(paragraph)
    author = rng.choice(AUTHORS)
    return (
        "<item>\n"
        f"  <title>{html.escape(title, quote=False)}</title>\n"
        f"  <link>{link}</link>\n"
        f'  <guid isPermaLink="false">urn:bench:{seed}:{feed:03d}:{index:05d}</guid>\n'
        f"  <pubDate>{format_datetime(published)}</pubDate>\n"
        f"  <author>{author.split()[0].lower()}@bench.example ({author})</author>\n"
        f"  <category>{rng.choice(WORDS)}</category>\n"
        f"  <description>{html.escape(''.join(parts), quote=False)}</description>\n"
        "</item>\n"
    )


def build_feed(seed: int, feed: int, items: int, newest: int, last_modified: datetime) -> FeedDoc:
    """Feed ``feed`` carrying items newest-``items``+1 .. ``newest`` (a sliding window), newest first."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>Bench Daily {feed:03d}</title>\n<link>https://news{feed:03d}.bench.example/</link>\n"
        f"<description>Generated news feed {feed} for the refresh benchmark</description>\n"
        f"<language>en</language>\n<lastBuildDate>{format_datetime(last_modified)}</lastBuildDate>\n"
    )
    body = head + "".join(_item_xml(seed, feed, i) for i in range(newest, newest - items, -1))
    data = (body + "</channel>\n</rss>\n").encode()
    return FeedDoc(data, '"' + hashlib.sha1(data).hexdigest()[:20] + '"', last_modified)


def feed_path(feed: int) -> str:
    return f"/feed/{feed:03d}.xml"


def build_versions(
    seed: int, feeds: int, items: int
) -> tuple[dict[str, dict[str, FeedDoc]], list[int]]:
    """The 'base' and 'changed' versions of every feed path, and which feeds change."""
    base: dict[str, FeedDoc] = {}
    for f in range(feeds):
        base[feed_path(f)] = build_feed(seed, f, items, items - 1, BASE_TIME - timedelta(minutes=f))
    changed_feeds = sorted(
        random.Random(seed).sample(range(feeds), max(1, round(feeds * CHANGED_SHARE)))
    )
    changed = dict(base)
    for f in changed_feeds:
        lm = BASE_TIME + timedelta(hours=2)
        changed[feed_path(f)] = build_feed(seed, f, items, items - 1 + NEW_ITEMS, lm)
    return {"base": base, "changed": changed}, changed_feeds


# --------------------------------------------------------------------------- the server


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    status: int
    conditional: bool
    sent: int


class FeedServer:
    """Serves one published version of the feeds over HTTP/1.1 with keep-alive, from a thread."""

    def __init__(self, versions: dict[str, dict[str, FeedDoc]]) -> None:
        self.versions = versions
        self.docs = versions["base"]
        self.hits: list[Hit] = []
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def __enter__(self) -> Self:
        self._thread.start()
        self._ready.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    def url(self, feed: int) -> str:
        return f"http://127.0.0.1:{self.port}{feed_path(feed)}"

    def publish(self, version: str) -> None:
        self.docs = self.versions[version]

    def take_log(self) -> tuple[list[Hit], int]:
        """The requests and connections since the last call."""
        hits, self.hits = self.hits, []
        connections, self.connections = self.connections, 0
        return hits, connections

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024, limit=65536)
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = lines[0].split(" ", 2)
                except ValueError:
                    writer.write(
                        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    return
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                if length := int(headers.get("content-length", "0") or 0):
                    await reader.readexactly(length)
                connection = headers.get("connection", "").lower()
                keep = (
                    "close" not in connection
                    if version == "HTTP/1.1"
                    else "keep-alive" in connection
                )
                writer.writelines(self._respond(method, target, headers, keep))
                await writer.drain()
                if not keep:
                    return
        finally:
            writer.close()

    def _respond(
        self, method: str, target: str, headers: dict[str, str], keep: bool
    ) -> list[bytes]:
        """The response to one request (head, then body), logged."""
        doc = self.docs.get(target.split("?", 1)[0])
        common = (
            f"Date: {formatdate(usegmt=True)}\r\nServer: bench\r\n"
            f"Connection: {'keep-alive' if keep else 'close'}\r\n"
        )
        if doc is None:
            self.hits.append(Hit(target, 404, False, 0))
            return [f"HTTP/1.1 404 Not Found\r\n{common}Content-Length: 0\r\n\r\n".encode()]
        inm, ims = headers.get("if-none-match"), headers.get("if-modified-since")
        validators = f"ETag: {doc.etag}\r\nLast-Modified: {doc.last_modified_http}\r\n"
        if _not_modified(doc, inm, ims):
            self.hits.append(Hit(target, 304, True, 0))
            return [f"HTTP/1.1 304 Not Modified\r\n{common}{validators}\r\n".encode()]
        body = doc.body if method != "HEAD" else b""
        self.hits.append(Hit(target, 200, bool(inm or ims), len(body)))
        head = (
            f"HTTP/1.1 200 OK\r\n{common}{validators}"
            f"Content-Type: application/rss+xml; charset=utf-8\r\nContent-Length: {len(doc.body)}\r\n\r\n"
        )
        return [head.encode(), body]


def _not_modified(doc: FeedDoc, inm: str | None, ims: str | None) -> bool:
    if inm is not None:  # If-None-Match wins over If-Modified-Since; weak comparison
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or doc.etag in tags
    if ims:
        try:
            return doc.last_modified <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def server_check(server: FeedServer, feeds: int, threads: int) -> tuple[float, float]:
    """Seconds for a Python client to fetch all feeds over `threads` keep-alive connections: 200s, 304s."""

    def fetch_all(conditional: bool) -> float:
        paths = [feed_path(f) for f in range(feeds)]
        chunks = [paths[i::threads] for i in range(threads)]

        def worker(chunk: list[str]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            for path in chunk:
                extra = {"If-None-Match": server.docs[path].etag} if conditional else {}
                conn.request("GET", path, headers=extra)
                response = conn.getresponse()
                response.read()
                if response.status != (304 if conditional else 200):
                    raise RuntimeError(f"bench server answered {response.status} for {path}")
            conn.close()

        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(worker, chunks))
        return time.perf_counter() - start

    fetch_all(False)  # warm-up
    full, cond = min(fetch_all(False) for _ in range(3)), min(fetch_all(True) for _ in range(3))
    server.take_log()
    return full, cond


# --------------------------------------------------------------------------- the two tools


@dataclass
class Tool:
    """How to run one reader against a state directory, and count the items it stored there."""

    name: str
    argv: list[str]  # "{state}" is replaced by the state directory
    version: str
    stored_items: Callable[[Path], int]

    def command(self, state: Path) -> list[str]:
        return [a.replace("{state}", str(state)) for a in self.argv]


def newstui_tool(work: Path, urls: list[str], threads: int) -> Tool:
    exe = Path(sys.executable).parent / "newstui"
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "newstui.cli"]
    config = work / "feeds.toml"
    entries = "".join(
        f'\n[[feed]]\nname = "Bench {i:03d}"\nurl = "{u}"\n' for i, u in enumerate(urls)
    )
    config.write_text(
        f"[settings]\nconcurrency = {threads}\nhost_concurrency = {threads}\n{entries}"
    )
    version = subprocess.run([*base, "--version"], check=False, capture_output=True, text=True)

    def stored_items(state: Path) -> int:
        listing = [*base, "list", "--json", "--limit", "0", "--config", str(config)]
        out = subprocess.run(
            [*listing, "--db", str(state / "newstui.json")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return sum(1 for line in out.splitlines() if line.strip())

    refresh = [*base, "refresh", "--config", str(config), "--db", "{state}/newstui.json"]
    return Tool("newstui", refresh, version.stdout.strip() or "newstui ?", stored_items)


def newsboat_tool(work: Path, urls: list[str], threads: int) -> Tool | None:
    exe = shutil.which("newsboat")
    if exe is None:
        return None
    (work / "urls").write_text("".join(u + "\n" for u in urls))
    (work / "newsboat.conf").write_text(f"reload-threads {threads}\n")
    version = subprocess.run([exe, "--version"], check=False, capture_output=True, text=True)
    first = (version.stdout.splitlines() or ["newsboat ?"])[0]

    def stored_items(state: Path) -> int:
        with contextlib.closing(sqlite3.connect(state / "cache.db")) as db:
            return int(db.execute("SELECT COUNT(*) FROM rss_item").fetchone()[0])

    reload = [exe, "-x", "reload", "-u", str(work / "urls"), "-c", "{state}/cache.db"]
    return Tool(
        "newsboat",
        [*reload, "-C", str(work / "newsboat.conf")],
        first.split(" - ")[0],
        stored_items,
    )


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    tool: str
    scenario: str
    seconds: float
    cpu_seconds: float  # user + sys of the process and all its descendants
    max_rss_kib: int  # ru_maxrss from wait4: the largest single process of the tree, exact
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
    """Samples the summed PSS of a process and all its descendants (a parse pool, a forkserver).

    ru_maxrss only knows the largest single process; PSS shares the pages that forked children
    have in common fairly between them, so the sum is what the tree really costs. Children are
    found from /proc/*/stat (only pids above the root's: pids grow), every ``interval`` seconds.
    """

    def __init__(self, root: int, interval: float = 0.025) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.parents: dict[int, int] = {}
        self.peak_kib = self.most_processes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            tree = self._tree()
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in tree))
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
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
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

    CPU and ru_maxrss include the descendants the child reaped and, with this process a
    subreaper, those it left behind (reaped here after the child's exit, outside the wall time).
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
        left_cpu, left_rss, lingered = reap_stragglers()
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        seconds,
        usage.ru_utime + usage.ru_stime + left_cpu,
        max(usage.ru_maxrss, left_rss),
        sampler.peak_kib,
        sampler.most_processes,
        proc.returncode,
        lingered,
    )


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


# --------------------------------------------------------------------------- reporting


@dataclass
class Summary:
    scenario: str
    tool: str
    median_ms: float
    min_ms: float
    max_ms: float
    cpu_median_ms: float
    peak_rss_mib: float  # the largest ru_maxrss of the runs (largest single process)
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
max RSS: the largest single process (ru_maxrss). tree PSS: peak summed PSS of the process tree, sampled
every 25 ms (a short run can end between samples). proc: most processes at once. cond: requests with
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


def isolated_env(work: Path) -> dict[str, str]:
    """The same environment for both tools, with a throwaway HOME (neither touches the user's)."""
    home = work / "home"
    home.mkdir(exist_ok=True)
    return dict(
        os.environ,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )


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


def newstui_source() -> tuple[str, str]:
    """Where the newstui that runs is imported from, and that checkout's commit.

    The commit gets "+dirty" when its src/ has uncommitted changes; "?" outside git (for example
    a copy put first on PYTHONPATH to measure a fixed version).
    """
    where = subprocess.run(
        [sys.executable, "-c", "import newstui; print(newstui.__file__)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not where:
        return "?", "?"
    package = Path(where).parent
    git = ["git", "-C", str(package)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "."], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return str(package), "?"
    return str(package), head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


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
