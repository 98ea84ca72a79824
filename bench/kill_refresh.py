"""Kill ``newstui refresh`` with SIGKILL at random moments and count what the store lost.

    python bench/kill_refresh.py                 # 60 trials
    python bench/kill_refresh.py --trials 200 --seed 7

A template store is filled by a real refresh of FEEDS feeds (ITEMS items each) from a 127.0.0.1
server, then given read and starred marks (some folded into the flags file, some still in the
journal). Each trial copies it, starts ``python -m newstui.cli refresh`` in a subprocess against a
second version of the feeds (new items, changed titles, answers spread over ~1.5 s so the refresh
makes several batched writes), and kills it with SIGKILL after a random delay between 0 and the
length of a whole refresh. Then:

* the store must open (no :class:`StoreCorrupt`);
* every article it had before must be there, with its read and starred marks;
* it must take the next refresh, after which every article of the new version is there.

A trial that breaks any of these counts as one loss. Prints the trials, how many were killed in
the middle of the refresh, and the losses. ``tests/unit/test_kill_refresh.py`` runs a few trials.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEEDS = 30
ITEMS = 40
NEW = 8  # new items per feed in the second version
DELAY = 0.15  # seconds each answer of the second version is held back


@dataclass
class Feeds:
    """The feeds' two versions, served from 127.0.0.1; ``version`` is the one served now."""

    feeds: int
    items: int
    version: str = "a"
    base: str = ""
    delay: float = DELAY

    def xml(self, feed: int) -> bytes:
        count = self.items + (NEW if self.version == "b" else 0)
        items = []
        for i in range(count):
            changed = self.version == "b" and i % 3 == 0
            title = f"Feed {feed} story {i}" + (" (updated)" if changed else "")
            body = f"<p>Story {i} of feed {feed}: {'a correction was added. ' if changed else ''}"
            body += "The council met and agreed the budget for the harbour and the schools.</p>"
            items.append(
                f"<item><title>{title}</title><link>http://kill.test/{feed}/{i}</link>"
                f"<guid>k-{feed}-{i}</guid><pubDate>Tue, {1 + i % 28:02d} Sep 2026 "
                f"{i % 24:02d}:00:00 GMT</pubDate><description><![CDATA[{body}]]></description></item>"
            )
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {feed}'
                f"</title><link>http://kill.test/{feed}</link>{''.join(items)}</channel></rss>").encode()

    def config(self, path: Path) -> Path:
        lines = ["[settings]", "max_articles_per_feed = 100000", "refresh_minutes = 0",
                 "timeout_seconds = 30", "concurrency = 3", "host_concurrency = 3", "full_text = \"never\"", ""]
        for n in range(self.feeds):
            lines += ["[[feed]]", f'name = "Feed {n}"', f'url = "{self.base}/f{n}.xml"', ""]
        path.write_text("\n".join(lines))
        return path


def serve(feeds: Feeds) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            if feeds.version == "b":
                time.sleep(feeds.delay)
            try:
                body = feeds.xml(int(self.path.strip("/f").removesuffix(".xml")))
            except ValueError:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    feeds.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


# -- the store before and after ----------------------------------------------------------------


def contents(db: Path) -> dict[str, tuple[str, bool, bool]]:
    """id → (title, read, starred), read from a copy (opening a store may fold its journal)."""
    from newstui.core.store import Store

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "store"
        shutil.copytree(db.parent, copy)
        store = Store(copy / db.name)
        try:
            store.links()  # every file read once: a torn one raises StoreCorrupt here
            store.feed_statuses()
            store.page_terms()
            return {a.id: (a.title, a.read, a.starred) for a in store.articles()}
        finally:
            store.close()


def make_template(folder: Path, feeds: Feeds) -> tuple[Path, Path]:
    """A store filled by a refresh of version "a", with marks in the flags file and the journal."""
    from newstui.core.config import load_config
    from newstui.core.refresh import refresh_all
    from newstui.core.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    config = feeds.config(folder / "feeds.toml")
    db = folder / "store" / "newstui.json"
    feeds.version = "a"
    store = Store(db)
    results = refresh_all(load_config(config), store)
    assert all(r.status.ok for r in results), [r.status.summary for r in results if not r.status.ok]
    ids = sorted(a.id for a in store.articles())
    rng = random.Random(1)
    store.set_flags(rng.sample(ids, len(ids) // 3), read=True)
    store.set_flags(rng.sample(ids, len(ids) // 10), starred=True)
    store.close()  # folds the journal into the flags file
    store = Store(db)
    store.set_flags(rng.sample(ids, len(ids) // 10), read=True)  # these stay in the journal
    store.set_flags(rng.sample(ids, 5), starred=True)
    store.flags.close()  # no fold: the process "ends" with its marks in the journal only
    store._lock_file.close()
    return config, db


# -- one trial ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    delay: float
    finished: bool  # the refresh ended before the kill
    lines: int  # feeds it reported stored before it died
    seconds: float = 0.0  # how long the refresh ran
    lost: list[str] = field(default_factory=list)


def child(config: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEWSTUI_PARSE_POOL": "0", "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "newstui.cli", "refresh", "--config", str(config), "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )


def trial(template: Path, config: Path, before: dict[str, tuple[str, bool, bool]], feeds: Feeds,
          folder: Path, delay: float | None) -> Outcome:
    """One refresh of version "b" into a copy of the template, killed after ``delay`` seconds
    (None: left to finish), and what the store lost."""
    from newstui.core.config import load_config
    from newstui.core.refresh import refresh_all
    from newstui.core.store import Store

    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(template.parent, folder)
    db = folder / template.name
    feeds.version = "b"
    started = time.monotonic()
    proc = child(config, db)
    if delay is None:
        proc.wait()
    else:
        time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate()
    outcome = Outcome(delay or 0.0, finished, out.count(b"\n"), time.monotonic() - started)
    if finished and proc.returncode != 0:
        outcome.lost.append(f"the refresh failed by itself: {err.decode()[-300:]}")
    try:
        after = contents(db)
    except Exception as exc:  # noqa: BLE001 - any failure to open is a loss
        outcome.lost.append(f"the store does not open: {exc!r}")
        return outcome
    for aid, (title, read, starred) in before.items():
        got = after.get(aid)
        if got is None:
            outcome.lost.append(f"article {aid} ({title}) is gone")
        elif (read and not got[1]) or (starred and not got[2]):
            outcome.lost.append(f"article {aid} ({title}) lost its marks: {got[1:]} != {(read, starred)}")
    # The killed store takes the next refresh, and then holds every article of the new version.
    feeds.delay, held = 0.0, feeds.delay
    store = None
    try:
        store = Store(db)
        results = refresh_all(load_config(config), store)
        failed = [r.status.summary for r in results if not r.status.ok]
        if failed:
            outcome.lost.append(f"the next refresh failed: {failed[:2]}")
        count = len(store.articles())
        if count != feeds.feeds * (feeds.items + NEW):
            outcome.lost.append(f"after the next refresh the store holds {count} articles")
    except Exception as exc:  # noqa: BLE001 - a store that can't take the next refresh lost it
        outcome.lost.append(f"the next refresh broke: {exc!r}")
    finally:
        feeds.delay = held
        if store is not None:
            store.close()
    return outcome


@dataclass
class Summary:
    trials: int
    killed: int  # killed while the refresh ran (the rest had finished)
    mid_write: int  # killed after at least one feed was stored, before the last
    losses: int
    outcomes: list[Outcome]


def run(trials: int = 60, seed: int = 20261128, feeds: int = FEEDS, items: int = ITEMS,
        folder: Path | None = None, delay: float = DELAY, progress: bool = False) -> Summary:
    own = folder is None
    folder = Path(tempfile.mkdtemp(prefix="newstui-kill-")) if own else folder
    state = Feeds(feeds, items, delay=delay)
    httpd = serve(state)
    try:
        config, template = make_template(folder / "template", state)
        before = contents(template)
        # How long a whole refresh takes: kills are spread over that.
        calibration = trial(template, config, before, state, folder / "calibration", None)
        whole = calibration.seconds
        assert calibration.finished and not calibration.lost, calibration.lost
        rng = random.Random(seed)
        outcomes = []
        for n in range(trials):
            outcome = trial(template, config, before, state, folder / "trial", rng.uniform(0.0, whole))
            outcomes.append(outcome)
            if progress:
                mark = "LOST " + "; ".join(outcome.lost[:2]) if outcome.lost else "ok"
                state_ = "finished" if outcome.finished else f"killed after {outcome.lines} feeds"
                print(f"trial {n + 1:3d}: {outcome.delay:5.2f} s, {state_}: {mark}", flush=True)
    finally:
        httpd.shutdown()
        httpd.server_close()
        if own:
            shutil.rmtree(folder, ignore_errors=True)
    killed = [o for o in outcomes if not o.finished]
    return Summary(
        trials=len(outcomes),
        killed=len(killed),
        mid_write=sum(1 for o in killed if 0 < o.lines < feeds),
        losses=sum(1 for o in outcomes if o.lost),
        outcomes=outcomes,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--feeds", type=int, default=FEEDS)
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    summary = run(args.trials, args.seed, args.feeds, args.items, progress=not args.quiet)
    print(f"trials: {summary.trials}  killed mid-refresh: {summary.killed} "
          f"(after some feeds were stored: {summary.mid_write})  losses: {summary.losses}")
    return 1 if summary.losses else 0


if __name__ == "__main__":
    sys.exit(main())
