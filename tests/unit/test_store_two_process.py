"""Two processes on one store: the open reader keeps changing flags while ``newstui refresh``
processes write new articles and update shared ones; nothing either wrote is lost, and the reader
sees the other process's write."""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newstui.core.flag_journal import Flags
from newstui.core.library import Library
from newstui.core.models import Article, Config, Feed, FeedStatus
from newstui.core.store import FeedUpdate, Store

T0 = datetime(2026, 11, 20, tzinfo=UTC)
SHARED = 8
ROUNDS = 12


def art(i: int, feed: str = "S", **kw: object) -> Article:
    fields = dict(id=f"{feed.lower()}{i}", feed=feed, title=f"{feed} {i}", link=f"http://x/{feed}/{i}",
                  published=T0 + timedelta(hours=i), summary=f"<p>{feed} summary {i}</p>",
                  content=f"<p>original {i}</p>")
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def shared_version(j: int, child: int, r: int) -> Article:
    return art(j, title=f"S {j} by c{child} r{r}", content=f"<p>c{child} r{r}</p>")


def _refresher(path: str, child: int) -> None:
    """A ``newstui refresh``: each round its own feed's new articles and a new version of every
    shared article, stars some of its own, and now and then closes (folding the flag journal)."""
    store = Store(path)
    for r in range(ROUNDS):
        own = FeedUpdate(FeedStatus(f"P{child}", "http://p", ok=True, checked_at=T0, etag=str(r)),
                         [art(r, f"P{child}")])
        shared = FeedUpdate(FeedStatus("S", "http://s", ok=True, checked_at=T0),
                            [shared_version(j, child, r) for j in range(SHARED)])
        store.apply_refresh([own, shared])
        if r % 3 == 0:
            store.set_flags([f"p{child}{r}"], starred=True)
        if r % 4 == 3:
            store.close()
            store = Store(path)
    store.close()


def test_a_reader_flagging_and_two_refreshes_lose_nothing(tmp_path):
    path = str(tmp_path / "db.json")
    reader = Store(path)
    reader.upsert_articles([art(j) for j in range(SHARED)])
    children = [0, 1]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_refresher, args=(path, c)) for c in children]
    for p in procs:
        p.start()
    last_read: dict[str, bool] = {}
    last_starred: dict[str, bool] = {}
    valid = {f"<p>original {j}</p>" for j in range(SHARED)} | {
        f"<p>c{c} r{r}</p>" for c in children for r in range(ROUNDS)
    }
    i = 0
    while any(p.is_alive() for p in procs) or i < 100:
        aid = f"s{i % SHARED}"
        value = (i // SHARED) % 2 == 0
        reader.set_flags([aid], read=value)
        last_read[aid] = value
        if i % 3 == 0:
            reader.set_flags([aid], starred=not value)
            last_starred[aid] = not value
        if i % 10 == 0:  # and it reads what the refreshes are writing
            listed = {a for doc in reader.headline_docs() for a in doc["id"]}
            assert {f"s{j}" for j in range(SHARED)} <= listed
            assert reader.article(aid).content in valid
        i += 1
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]

    fresh = Store(path)
    got = {a.id: a for a in fresh.articles()}
    own = {f"p{c}{r}" for c in children for r in range(ROUNDS)}
    assert set(got) == {f"s{j}" for j in range(SHARED)} | own
    for r in range(ROUNDS):  # every child's article whole, and the stars it set
        for c in children:
            a = got[f"p{c}{r}"]
            assert a.content == f"<p>original {r}</p>" and a.starred == (r % 3 == 0) and not a.read
    for j in range(SHARED):
        a = got[f"s{j}"]
        # The last version some child wrote, its headline and body from the same write.
        last_versions = [shared_version(j, c, ROUNDS - 1) for c in children]
        assert replace(a, read=False, starred=False) in last_versions
        assert (a.read, a.starred) == (last_read[a.id], last_starred[a.id])


def test_two_store_objects_on_one_path_never_write_over_each_other(tmp_path):
    """The same race without processes: each Store caches the files it read, and must notice
    the other's writes (headlines and the shared body shard) before writing its own."""
    path = tmp_path / "db.json"
    one, two = Store(path), Store(path)
    for i in range(6):
        writer = (one, two)[i % 2]
        writer.articles()  # cache every file as it is now
        (two, one)[i % 2].upsert_articles([art(i)])  # the other one writes into the same shard
        writer.upsert_articles([art(i + 100), art(i, content=f"<p>updated {i}</p>")])
        writer.set_flags([f"s{i}"], read=True)
    got = {a.id: a for a in Store(path).articles()}
    assert set(got) == {f"s{i}" for i in range(6)} | {f"s{i + 100}" for i in range(6)}
    assert all(got[f"s{i}"].content == f"<p>updated {i}</p>" and got[f"s{i}"].read for i in range(6))
    assert all(got[f"s{i + 100}"].content == f"<p>original {i + 100}</p>" for i in range(6))


def _write_new(path: str) -> None:
    Store(path).apply_refresh([FeedUpdate(FeedStatus("A", "http://a", ok=True, checked_at=T0),
                                          [art(i, "A") for i in range(3, 6)])])


def test_the_reader_notices_another_process_write_and_reloads_it(tmp_path):
    path = str(tmp_path / "db.json")
    store = Store(path)
    store.upsert_articles([art(i, "A") for i in range(3)])
    library = Library(Config(path="x", feeds=(Feed("A", "http://a"),)), store)
    assert not library.changed_on_disk()
    library.set_flags(["a0"], read=True)
    process = multiprocessing.get_context("spawn").Process(target=_write_new, args=(path,))
    process.start()
    process.join(60)
    assert process.exitcode == 0
    assert library.changed_on_disk()
    assert {h.id for h in library.headlines()} == {"a0", "a1", "a2"}
    library.reload()
    assert {h.id for h in library.headlines()} == {f"a{i}" for i in range(6)}
    assert not library.changed_on_disk()
    assert library.headline("a0").read and not library.headline("a4").read
    assert library.get("a4").content == "<p>original 4</p>"


def test_flags_set_through_two_stores_survive_each_others_folds(tmp_path):
    """One Store folds the journal (rewrites flags.json, empties the journal) and writes more
    lines than the other had read: the other notices the new flags file and reads it all again."""
    path = tmp_path / "db.json"
    one, two = Store(path), Store(path)
    one.upsert_articles([art(i) for i in range(12)])
    one.set_flags(["s0"], read=True)
    assert one.flag_sets() == ({"s0"}, set())
    for k in range(3):
        two.set_flags([f"s{k + 1}"], read=True)
        two.close()  # folds
        two = Store(path)
        for i in range(4, 12):  # longer than the journal `one` read before
            two.set_flags([f"s{i}"], starred=i % 2 == k % 2)
        assert one.flag_sets() == two.flag_sets()
    one.set_flags(["s0"], read=False)
    read, starred = Store(path).flag_sets()
    assert read == {"s1", "s2", "s3"}
    assert starred == {f"s{i}" for i in range(4, 12) if i % 2 == 0}


def test_two_writers_of_flags_at_once_lose_no_change(tmp_path, monkeypatch):
    """Two Stores (as two processes would: each its own lock descriptor) append to the journal at
    the same time, with the append slowed down to widen any race: every change lands."""
    path = tmp_path / "db.json"
    Store(path).upsert_articles([art(i) for i in range(40)])
    real = Flags._append

    def slow_append(self, line):
        time.sleep(0.0005)
        real(self, line)

    monkeypatch.setattr(Flags, "_append", slow_append)
    stores = [Store(path), Store(path)]

    def flag(n: int) -> None:
        for i in range(n, 40, 2):
            stores[n].set_flags([f"s{i}"], read=True)

    threads = [threading.Thread(target=flag, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Store(path).flag_sets()[0] == {f"s{i}" for i in range(40)}
