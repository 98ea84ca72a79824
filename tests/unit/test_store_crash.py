"""Crash safety of the store: a write cut off at any filesystem step leaves a store that opens,
with everything stored before it; the flag journal survives torn lines and cut-off folds; an old
store's migration can be cut off anywhere; and a real SIGKILL in the middle of writes loses nothing
that was committed.

Faults are injected by wrapping the ``os`` calls the store's own code makes (``os.fsync``,
``os.fdatasync``, ``os.replace``, ``os.unlink``, ``os.write``, ``os.ftruncate``; calls from other
code pass through) and making the k-th of them fail, for every k until the write gets through.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import orjson
import pytest

from newstui.core import flag_journal, headline_table
from newstui.core.models import Article, FeedStatus
from newstui.core.store import FeedUpdate, Store, StoreError

T0 = datetime(2026, 11, 20, tzinfo=UTC)
STEPS = ("fsync", "fdatasync", "replace", "unlink", "write", "ftruncate")


def art(i: int, feed: str = "F", **kw: object) -> Article:
    """Article ``i`` of ``feed`` with every field filled (ids are unique across feeds)."""
    fields = dict(
        id=f"{feed.lower()}{i}", feed=feed, title=f"{feed} title {i}", link=f"http://x/{feed}/{i}",
        guid=f"guid-{feed}-{i}", author=f"Author {i}", published=T0 + timedelta(hours=i),
        summary=f"<p>{feed} summary {i}</p>", content=f"<p>{feed} body {i}</p>",
        categories=(f"cat{i % 3}", "news"), fetched=T0 + timedelta(days=1),
    )
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def status(feed: str, n: int = 0) -> FeedStatus:
    return FeedStatus(feed, f"http://{feed.lower()}", ok=True, checked_at=T0 + timedelta(minutes=n),
                      etag=f'"{feed}{n}"')


# -- fault injection -------------------------------------------------------------------------------


class Killed(BaseException):
    """The process died here: nothing after it runs (no ``except Exception`` catches it)."""


class Faults:
    """Counts the filesystem steps the store's own code takes and makes step ``fail_at`` fail.

    ``kill``: the process dies there; every later step dies too, so no clean-up reaches the disk
    (temporary files stay behind), and a dying ``os.write`` gets half its bytes out first (a torn
    journal line). ``error``: that one call raises OSError(EIO) and the process carries on.
    """

    def __init__(self, fail_at: int | None, mode: str = "kill") -> None:
        self.fail_at, self.mode = fail_at, mode
        self.steps: list[str] = []
        self.dead = False

    def wrap(self, name: str, real):
        def step(*args, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if not caller.startswith("newstui."):
                return real(*args, **kwargs)
            if self.dead:
                raise Killed(f"os.{name} after the kill")
            self.steps.append(name)
            if len(self.steps) != self.fail_at:
                return real(*args, **kwargs)
            if self.mode == "error":
                raise OSError(errno.EIO, f"injected failure of os.{name}")
            self.dead = True
            if name == "write":
                fd, data = args
                real(fd, bytes(data)[: len(data) // 2])
            raise Killed(f"killed at step {self.fail_at} (os.{name})")

        return step


@contextmanager
def faults(fail_at: int | None, mode: str = "kill") -> Iterator[Faults]:
    injector = Faults(fail_at, mode)
    with pytest.MonkeyPatch.context() as mp:
        for name in STEPS:
            mp.setattr(os, name, injector.wrap(name, getattr(os, name)))
        yield injector


def abandon(store: Store) -> None:
    """Let go of a store the way a killed process does: no fold, no last write."""
    store.flags.close()
    store._lock_file.close()


def copy(template: Path, to: Path) -> Path:
    shutil.copytree(template, to)
    return to / "db.json"


def contents(path: Path) -> dict[str, Article]:
    """Every article of a freshly opened store (after reading every one of its files)."""
    store = Store(path)
    try:
        list(store.terms())
        store.feed_statuses()
        return {a.id: a for a in store.articles()}
    finally:
        abandon(store)


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


# -- a refresh cut off at every step ---------------------------------------------------------------

CHANGED = {
    "a8": {"title": "A title 8, corrected"},
    "a9": {"summary": "<p>A summary 9, updated</p>", "content": "<p>A body 9, updated</p>"},
    "b0": {"content": "<p>B body 0, updated</p>"},
    "c1": {"summary": "<p>C summary 1, updated</p>"},
}
NEW = {"a10", "a11", "a12", "b6", "b7"}
DROPPED = {"a0", "a1", "a2", "a3", "a4", "a6", "a7"}  # A keeps its newest 5 and the starred a5


def build_store(path: Path) -> None:
    """Three feeds in shards of 4 (so retention empties one shard and thins another), flags
    partly folded into flags.json and partly still in the journal."""
    store = Store(path)
    store.apply_refresh([
        FeedUpdate(status("A"), [art(i, "A") for i in range(10)]),
        FeedUpdate(status("B"), [art(i, "B") for i in range(6)]),
        FeedUpdate(status("C"), [art(i, "C") for i in range(4)]),
    ])
    store.set_flags(["a1", "a5", "b1", "b3"], read=True)
    store.set_flags(["a5", "c2"], starred=True)
    store.close()  # folded into db.flags.json
    store = Store(path)
    store.set_flags(["a9", "c3"], read=True)  # these stay in db.flags.log
    store.set_flags(["b2"], starred=True)
    store.set_flags(["b3"], read=False)
    abandon(store)


def the_refresh() -> list[FeedUpdate]:
    def version(i: int, feed: str) -> Article:
        return art(i, feed, **CHANGED.get(f"{feed.lower()}{i}", {}))

    return [
        FeedUpdate(status("A", 1), [version(i, "A") for i in range(6, 13)], keep=5),
        FeedUpdate(status("B", 1), [version(i, "B") for i in (0, 6, 7)]),
        FeedUpdate(status("C", 1), [version(1, "C")]),
    ]


def check_intact(got: dict[str, Article], before: dict[str, Article], after: dict[str, Article],
                 where: str) -> None:
    """``got`` is a state between ``before`` and ``after`` that lost nothing: every article of
    ``before`` is there whole with its flags (only what the write drops may be gone), an article
    the write changes has each part (headline, body) in its old or new version, and an article
    the write adds is listed only once whole."""
    for aid, old in before.items():
        new = after.get(aid)
        if aid not in got:
            assert new is None, f"{where}: {aid} lost"
            continue
        now = got[aid]
        if new is None or new == old:
            assert now == old, f"{where}: {aid} damaged"
        else:
            assert now.title in (old.title, new.title), where
            assert (now.summary, now.content) in ((old.summary, old.content), (new.summary, new.content)), where
            assert replace(now, title=old.title, summary=old.summary, content=old.content) == old, where
    for aid in got.keys() - before.keys():
        assert got[aid] == after[aid], f"{where}: {aid} listed before it was whole"


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headline_table, "CHUNK_ROWS", 4)


@pytest.fixture
def before_and_after(tmp_path: Path, small_shards: None) -> tuple[Path, dict, dict, list[str]]:
    """The store before the refresh, its articles, the articles after an uninterrupted refresh,
    and the filesystem steps that refresh takes."""
    template = tmp_path / "template"
    build_store(template / "db.json")
    before = contents(template / "db.json")
    path = copy(template, tmp_path / "reference")
    store = Store(path)
    with faults(None) as clean:
        store.apply_refresh(the_refresh())
    abandon(store)
    after = contents(path)
    # The reference itself: the new articles came, the changes landed, A kept its newest five
    # and the starred a5, the dropped articles' flags were forgotten.
    assert set(after) == (set(before) - DROPPED) | NEW
    assert after["a8"].title == "A title 8, corrected" and after["a9"].content == "<p>A body 9, updated</p>"
    assert after["a5"].starred and after["a5"].read and after["a9"].read and after["b2"].starred
    assert "a1" not in Store(path).flag_sets()[0]
    return template, before, after, clean.steps


def test_a_refresh_killed_at_any_step_loses_nothing(tmp_path, before_and_after):
    template, before, after, steps = before_and_after
    assert len(steps) > 12  # bodies, headlines, terms, statuses, dropped bodies, forgotten flags
    assert {"fsync", "replace", "unlink", "write", "fdatasync"} <= set(steps)
    saw_tmp = False
    for k in count(1):
        path = copy(template, tmp_path / f"k{k}")
        store = Store(path)
        with faults(k) as injected:
            try:
                store.apply_refresh(the_refresh())
                finished = True
            except Killed:
                finished = False
        abandon(store)
        got = contents(path)  # a new Store: nothing cached helps
        if finished:
            assert got == after
            break
        where = f"killed at step {k} (os.{injected.steps[-1]})"
        check_intact(got, before, after, where)
        saw_tmp = saw_tmp or bool(leftovers(path.parent))
        # And it still works: the same refresh again ends where an uninterrupted one does.
        store = Store(path)
        store.apply_refresh(the_refresh())
        abandon(store)
        assert contents(path) == after, where
    assert k == len(steps) + 1
    assert saw_tmp  # some kills left temporary files behind, and the store did not mind them


def test_a_failed_step_fails_the_write_and_the_same_store_carries_on(tmp_path, before_and_after):
    """An OSError (disk full, I/O error) at any step: StoreError, and the same Store object still
    reads the intact files (no half-changed cached copy) and can write again."""
    template, before, after, steps = before_and_after
    for k in count(1):
        path = copy(template, tmp_path / f"k{k}")
        store = Store(path)
        with faults(k, "error"):
            try:
                store.apply_refresh(the_refresh())
                finished = True
            except StoreError:
                finished = False
        if not finished:
            check_intact({a.id: a for a in store.articles()}, before, after, f"step {k} failed")
            store.apply_refresh(the_refresh())
        assert {a.id: a for a in store.articles()} == after
        abandon(store)
        assert contents(path) == after
        if finished:
            break
    assert k == len(steps) + 1
    assert not leftovers(tmp_path)  # a failed write cleans up after itself


def test_a_failed_status_write_leaves_the_old_status_readable(tmp_path):
    store = Store(tmp_path / "db.json")
    store.save_status(status("A", 1))
    for k in (1, 2):  # the temporary file's fsync, the rename
        with faults(k, "error"), pytest.raises(StoreError):
            store.save_status(replace(status("A", 2), ok=False, error="HTTP 500"))
        assert store.feed_status("A") == status("A", 1)  # not the copy changed in memory
    assert Store(tmp_path / "db.json").feed_status("A") == status("A", 1)


# -- the flag journal ------------------------------------------------------------------------------


TORN = [
    b'{"ids":["a1"],"rea',  # cut in the middle
    b'{"ids":["a1"],"read":true}',  # cut just before its newline: never confirmed, so not applied
    b'{"ids":["a1","a0","x1","x2","x3","x4"],"starred":fa',  # longer than the line appended next
]


@pytest.mark.parametrize("torn", TORN)
def test_a_torn_last_journal_line_is_ignored_and_the_next_change_lands(tmp_path, torn):
    path = tmp_path / "db.json"
    store = Store(path)
    store.upsert_articles([art(i, "A") for i in range(3)])
    store.set_flags(["a0"], read=True)
    abandon(store)
    log = tmp_path / "db.flags.log"
    with open(log, "ab") as handle:  # a process died while appending this line
        handle.write(torn)
    store = Store(path)
    assert store.flag_sets() == ({"a0"}, set())
    store.set_flags(["a2"], starred=True)
    abandon(store)
    store = Store(path)
    assert store.flag_sets() == ({"a0"}, {"a2"})
    assert store.article("a2").starred and store.article("a0").read and not store.article("a1").read
    abandon(store)
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b"" and all(orjson.loads(line) for line in lines[:-1])


def _flag_store(template: Path) -> tuple[set[str], set[str]]:
    store = Store(template / "db.json")
    store.upsert_articles([art(i, "A") for i in range(6)])
    store.set_flags(["a0", "a1"], read=True)
    store.set_flags(["a2"], starred=True)
    store.close()
    store = Store(template / "db.json")
    store.set_flags(["a3"], read=True)
    store.set_flags(["a0"], read=False)
    flags = store.flag_sets()
    abandon(store)
    return flags


FLAG_OPS = [
    (["a4", "a5"], {"read": True}),
    (["a4"], {"read": False}),
    (["a1"], {"starred": True}),
    (["a2"], {"starred": False, "read": True}),
    (["a5", "a3"], {"read": False, "starred": True}),
    (["a0"], {"read": True}),
    (["a3"], {"starred": False}),
]


def _apply(flags: tuple[set[str], set[str]], ids: list[str], kw: dict) -> tuple[set[str], set[str]]:
    read, starred = set(flags[0]), set(flags[1])
    for name, target in (("read", read), ("starred", starred)):
        if name in kw:
            (target.update if kw[name] else target.difference_update)(ids)
    return read, starred


def test_flag_changes_killed_at_any_step_keep_every_earlier_change(tmp_path, monkeypatch):
    """A run of set_flags (folding every few lines) killed anywhere: every change that returned
    is there, the one cut off is there or not, and the next change lands."""
    monkeypatch.setattr(flag_journal, "FOLD_AFTER", 3)
    template = tmp_path / "template"
    states = [_flag_store(template)]
    for ids, kw in FLAG_OPS:
        states.append(_apply(states[-1], ids, kw))
    killed_at: list[str] = []
    for k in count(1):
        path = copy(template, tmp_path / f"k{k}")
        store = Store(path)
        done = 0
        with faults(k) as injected:
            try:
                for ids, kw in FLAG_OPS:
                    store.set_flags(ids, **kw)
                    done += 1
            except Killed:
                killed_at.append(injected.steps[-1])
        abandon(store)
        store = Store(path)
        got = store.flag_sets()
        assert got in states[done : done + 2], f"killed at step {k}"
        store.set_flags(["a5"], starred=False, read=True)
        abandon(store)
        store = Store(path)
        assert store.flag_sets() == _apply(got, ["a5"], {"starred": False, "read": True})
        abandon(store)
        if done == len(FLAG_OPS):
            assert got == states[-1]
            break
    assert len(killed_at) > len(FLAG_OPS)
    # Kills fell inside journal appends (torn lines) and inside folds, between the folded file
    # and the emptied journal.
    assert {"write", "fdatasync", "replace", "ftruncate"} <= set(killed_at)


def test_a_fold_killed_at_any_step_replays_to_the_same_flags(tmp_path):
    """close() folds the journal into flags.json, then empties it: killed in between, the next
    open reads the new file and replays the whole journal over it, which changes nothing."""
    template = tmp_path / "template"
    _flag_store(template)
    store = Store(template / "db.json")
    for ids, kw in FLAG_OPS:  # set and unset, so a replay that were not idempotent would show
        store.set_flags(ids, **kw)
    store.flags.set(["a4"], forget=True)
    expected = store.flag_sets()
    abandon(store)
    journal_lines = (template / "db.flags.log").read_bytes().count(b"\n")
    assert journal_lines > len(FLAG_OPS)
    between = False
    for k in count(1):
        path = copy(template, tmp_path / f"k{k}")
        store = Store(path)
        with faults(k) as injected:
            try:
                store.close()
                finished = True
            except Killed:
                finished = False
        log = path.with_name("db.flags.log")
        if not finished and injected.steps[-1] == "ftruncate":
            # The folded file is in place and the journal still holds every line.
            folded = orjson.loads(path.with_name("db.flags.json").read_bytes())
            (doc,) = folded["flags"].values()
            assert (set(doc["read"]), set(doc["starred"])) == expected
            assert log.read_bytes().count(b"\n") == journal_lines
            between = True
        fresh = Store(path)
        assert fresh.flag_sets() == expected, f"killed at step {k}"
        fresh.set_flags(["a1"], read=False)
        fresh.close()
        again = Store(path)
        assert again.flag_sets() == _apply(expected, ["a1"], {"read": False})
        assert log.read_bytes() == b""  # that close folded everything
        abandon(again)
        if finished:
            break
    assert between and k >= 4


# -- migration from the single-table layout ----------------------------------------------------------

LEGACY_DOCS = {
    "1": {"id": "w1", "feed": "World", "title": "Quake", "link": "http://w/1", "guid": "g-w1",
          "author": "Aiko", "published": "2026-11-24T08:00:00+00:00", "summary": "<p>s1</p>",
          "content": "<p>c1</p>", "categories": ["Asia", "Disasters"], "read": True,
          "starred": False, "fetched": "2026-11-24T09:00:00+00:00"},
    "2": {"id": "w2", "feed": "World", "title": "Treaty", "link": "http://w/2", "guid": "g-w2",
          "author": "", "published": "2026-11-23T10:30:00+02:00", "summary": "<p>s2</p>",
          "content": "", "categories": [], "read": False, "starred": True,
          "fetched": "2026-11-23T11:00:00+00:00"},
    "3": {"id": "t1", "feed": "Tech", "title": "Chips", "link": "http://t/1", "guid": "g-t1",
          "author": "Bo", "published": None, "summary": "", "content": "<p>c3</p>",
          "categories": ["Hardware"], "read": True, "starred": True, "fetched": None},
    "4": {"id": "t2", "feed": "Tech", "title": "Fab", "link": "http://t/2", "guid": "g-t2",
          "author": "Cy", "published": "2026-11-22T00:00:00+00:00", "summary": "<p>s4</p>",
          "content": "<p>c4</p>", "categories": ["Hardware", "Asia"], "read": False,
          "starred": False, "fetched": "2026-11-22T01:00:00+00:00"},
}


def legacy_expected() -> dict[str, Article]:
    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return {
        doc["id"]: Article(
            id=doc["id"], feed=doc["feed"], title=doc["title"], link=doc["link"], guid=doc["guid"],
            author=doc["author"], published=when(doc["published"]), summary=doc["summary"],
            content=doc["content"], categories=tuple(doc["categories"]), read=doc["read"],
            starred=doc["starred"], fetched=when(doc["fetched"]),
        )
        for doc in LEGACY_DOCS.values()
    }


def write_legacy(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps({"articles": LEGACY_DOCS}))


def test_an_old_store_is_migrated_with_every_field_and_flag(tmp_path):
    path = tmp_path / "db.json"
    write_legacy(path)
    store = Store(path)
    assert {a.id: a for a in store.articles()} == legacy_expected()
    assert store.article("w2").published.utcoffset() == timedelta(hours=2)  # the feed's own offset
    assert store.flag_sets() == ({"w1", "t1"}, {"w2", "t1"})
    store.close()
    raw = orjson.loads(path.read_bytes())
    assert "articles" not in raw
    assert {doc["feed"] for doc in raw["headlines"].values()} == {"World", "Tech"}
    assert len(list((tmp_path / "db.bodies").iterdir())) == 2
    assert {a.id: a for a in Store(path).articles()} == legacy_expected()


def test_an_old_store_opened_without_check_is_migrated_on_first_read(tmp_path):
    path = tmp_path / "db.json"
    write_legacy(path)
    (tmp_path / "db.feeds.json").write_bytes(b'{"feeds": {}}')  # so check=False skips the read
    store = Store(path, check=False)
    assert {a.id: a for a in store.articles()} == legacy_expected()
    assert "articles" not in orjson.loads(path.read_bytes())


def test_a_migration_killed_at_any_step_leaves_the_old_data_readable(tmp_path):
    for k in count(1):
        path = tmp_path / f"k{k}" / "db.json"
        write_legacy(path)
        with faults(k) as injected:
            try:
                abandon(Store(path))
                finished = True
            except Killed:
                finished = False
        raw = orjson.loads(path.read_bytes())
        if "articles" in raw:  # not replaced yet: the old file, untouched
            assert raw["articles"] == LEGACY_DOCS
        else:
            assert "headlines" in raw
        assert contents(path) == legacy_expected(), f"killed at step {k}"
        assert "articles" not in orjson.loads(path.read_bytes())  # that open finished the job
        if finished:
            break
    assert k == len(injected.steps) + 1 and k > 8


# -- a real SIGKILL ----------------------------------------------------------------------------------

CHILD = r"""
import sys
from datetime import UTC, datetime, timedelta
from newstui.core import headline_table
from newstui.core.models import Article, FeedStatus
from newstui.core.store import FeedUpdate, Store

headline_table.CHUNK_ROWS = 2  # many small shards: retention empties and removes some
T0 = datetime(2026, 11, 20, tzinfo=UTC)
path = sys.argv[1]
store = Store(path)
n = 0
while True:
    store.apply_refresh([
        FeedUpdate(FeedStatus("N", "http://n", ok=True, checked_at=T0, etag=str(n)),
                   [Article(f"n{n}", "N", f"New {n}", summary=f"<p>new {n}</p>",
                            published=T0 + timedelta(minutes=n))]),
        FeedUpdate(None, [Article(f"v{j}", "V", f"Volatile {j}", content=f"round {n}", published=T0)
                          for j in range(3)], feed="V"),
        FeedUpdate(None, [Article(f"kept{n}", "K", f"Kept {n}", published=T0 + timedelta(days=1, minutes=n))],
                   keep=3, feed="K"),
    ])
    print("commit", n, flush=True)
    store.set_flags([f"n{n}"], read=True, starred=n % 2 == 0)
    print("flags", n, flush=True)
    if n == 0:
        print("ready", flush=True)
    if n % 5 == 4:
        store.close()  # folds the journal
        store = Store(path)
    n += 1
"""


def _kill_template(path: Path) -> dict[str, Article]:
    store = Store(path)
    store.upsert_articles([art(i, "S") for i in range(6)])
    store.upsert_articles([Article(f"v{j}", "V", f"Volatile {j}", content="round -1", published=T0)
                           for j in range(3)])
    store.upsert_articles([art(i, "K", published=T0) for i in range(4)])
    store.set_flags(["s0", "s1", "v1"], read=True)
    store.set_flags(["s2", "k0", "k1"], starred=True)
    store.close()
    store = Store(path)
    store.set_flags(["s3"], read=True, starred=True)  # in the journal
    store.set_flags(["s0"], read=False)
    abandon(store)
    return contents(path)


def test_a_process_killed_mid_write_loses_nothing_it_committed(tmp_path):
    template = tmp_path / "template"
    before = _kill_template(template / "db.json")
    rng = random.Random(20261128)
    for trial in range(4):
        path = copy(template, tmp_path / f"trial{trial}")
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        lines = []
        while not lines or lines[-1] != b"ready":
            line = child.stdout.readline()
            assert line, child.stderr.read().decode()
            lines.append(line.strip())
        time.sleep(rng.uniform(0.0, 0.4))
        assert child.poll() is None, child.stderr.read().decode()
        child.send_signal(signal.SIGKILL)
        lines += child.stdout.read().splitlines()
        child.wait()
        child.stdout.close()
        child.stderr.close()
        committed = [int(w[1]) for w in (line.split() for line in lines) if w[:1] == [b"commit"]]
        flagged = {int(w[1]) for w in (line.split() for line in lines) if w[:1] == [b"flags"]}
        last = committed[-1]

        got = contents(path)
        for aid, old in before.items():
            if old.feed == "S" or old.starred:
                assert got[aid] == old, f"trial {trial}: {aid}"
        for j in range(3):
            v = got[f"v{j}"]
            assert replace(v, content="") == replace(before[f"v{j}"], content="")
            assert v.content in (f"round {last}", f"round {last + 1}")
        for n in committed:
            assert got[f"n{n}"].summary == f"<p>new {n}</p>"
            if n in flagged:
                assert (got[f"n{n}"].read, got[f"n{n}"].starred) == (True, n % 2 == 0)
        kept = [a for a in got.values() if a.feed == "K" and not a.starred]
        assert len(kept) <= 3 and all(a.title.startswith("Kept ") for a in kept)
        # The store that was killed takes the next write and keeps it.
        store = Store(path)
        store.upsert_articles([art(99, "S")])
        store.set_flags(["s99"], read=True)
        store.close()
        assert contents(path)["s99"].read
