"""The TinyDB store: upsert keeps flags, batches writes, survives reopen, and two processes."""

from __future__ import annotations

import json
import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest

from newstui.core.models import Article, FeedStatus
from newstui.core.store import Store, StoreCorrupt

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def art(i: int, feed: str = "F", **kw: object) -> Article:
    fields = dict(id=f"id{i}", feed=feed, title=f"Title {i}", link=f"http://x/{i}", published=T0 + timedelta(hours=i))
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def test_upsert_returns_new_ids_and_keeps_flags(tmp_path):
    store = Store(tmp_path / "db.json")
    assert store.upsert_articles([art(1), art(2)]) == ["id1", "id2"]
    store.set_flags(["id1"], read=True)
    store.set_flags(["id2"], starred=True)
    assert store.upsert_articles([art(1, title="Title 1 (updated)"), art(2), art(3)]) == ["id3"]
    got = {a.id: a for a in Store(tmp_path / "db.json").articles()}
    assert got["id1"].title == "Title 1 (updated)" and got["id1"].read
    assert got["id2"].starred and not got["id2"].read
    assert len(got) == 3


def test_round_trip_of_every_field(tmp_path):
    article = art(1, author="A. Writer", summary="<p>s</p>", content="<p>c</p>", categories=("x", "y"), fetched=T0)
    Store(tmp_path / "db.json").upsert_articles([article])
    assert Store(tmp_path / "db.json").article("id1") == article


def test_store_file_is_plain_json_written_atomically(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([art(1)])
    data = json.loads((tmp_path / "db.json").read_text())
    (doc,) = data["headlines"].values()  # one document per feed, in columns
    assert doc["feed"] == "F" and doc["title"] == ["Title 1"] and doc["id"] == ["id1"]
    (shard,) = (tmp_path / "db.bodies").iterdir()
    (record,) = json.loads(shard.read_text())["bodies"].values()
    assert record["id"] == "id1"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_prune_keeps_newest_and_starred(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([art(i) for i in range(10)])
    store.set_flags(["id0"], starred=True)
    assert store.prune("F", keep=3) == 6
    assert sorted(a.id for a in store.articles()) == ["id0", "id7", "id8", "id9"]


def test_feed_status_saved_and_replaced(tmp_path):
    store = Store(tmp_path / "db.json")
    store.save_status(FeedStatus("F", "http://x", ok=False, checked_at=T0, http_status=500, error="HTTP 500"))
    store.save_status(FeedStatus("F", "http://x", ok=True, checked_at=T0, new_articles=2, etag='"e"'))
    statuses = Store(tmp_path / "db.json").feed_statuses()
    assert list(statuses) == ["F"] and statuses["F"].ok and statuses["F"].etag == '"e"'


def test_corrupt_store_is_reported_not_overwritten(tmp_path):
    path = tmp_path / "db.json"
    path.write_text('{"articles": {"1": {"id": "x"')
    with pytest.raises(StoreCorrupt, match="db.json"):
        Store(path)
    assert path.read_text().startswith('{"articles"')


def _writer(path: str, start: int) -> None:
    store = Store(path)
    for i in range(start, start + 20):
        store.upsert_articles([art(i)])


def test_two_processes_writing_lose_nothing(tmp_path):
    path = str(tmp_path / "db.json")
    reader = Store(path)
    reader.upsert_articles([art(1000)])
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, n)) for n in (0, 100)]
    for p in procs:
        p.start()
    for i in range(20):  # meanwhile this process flips flags, like the open reader would
        reader.set_flags(["id1000"], read=bool(i % 2 == 0))
    for p in procs:
        p.join(60)
    ids = {a.id for a in reader.articles()}
    assert len(ids) == 41
    assert reader.article("id1000").read is False


def test_statuses_from_an_older_single_file_store_are_kept(tmp_path):
    """Stores before 0.2 kept feed statuses in the main file; they move to their own file."""
    import orjson

    from newstui.core.store import status_to_doc

    path = tmp_path / "newstui.json"
    status = FeedStatus(feed="World", url="https://w.example/rss", ok=True,
                        checked_at=datetime(2026, 11, 1, tzinfo=UTC), etag='"e1"')
    path.write_bytes(orjson.dumps({"articles": {}, "feeds": {"1": status_to_doc(status)}}))
    store = Store(path)
    assert store.feed_status("World") == status
    assert store.status_path == tmp_path / "newstui.feeds.json" and store.status_path.exists()
    store.close()
    assert Store(path).feed_status("World") == status


def test_apply_refresh_writes_many_feeds_at_once_and_prunes_each(tmp_path):
    from newstui.core.store import FeedUpdate

    store = Store(tmp_path / "db.json")
    store.upsert_articles([art(i, feed="A") for i in range(5)])
    store.set_flags(["id0"], starred=True)
    store.set_flags(["id1"], read=True)
    status = FeedStatus("A", "http://a", ok=True, checked_at=T0)
    updates = [
        FeedUpdate(status, [art(i, feed="A") for i in range(1, 8)], keep=3),
        FeedUpdate(FeedStatus("B", "http://b", ok=True, checked_at=T0), [art(20, feed="B")], keep=3),
        FeedUpdate(FeedStatus("C", "http://c", ok=False, checked_at=T0, error="HTTP 500")),
    ]
    saved = store.apply_refresh(updates)
    assert [s.new_articles for s in saved] == [3, 1, 0]
    assert updates[0].new_ids == ("id5", "id6", "id7")
    fresh = {a.id: a for a in Store(tmp_path / "db.json").articles()}
    # A: the newest three (id5..id7) and the starred id0 stay; B untouched by A's pruning
    assert sorted(i for i, a in fresh.items() if a.feed == "A") == ["id0", "id5", "id6", "id7"]
    assert "id20" in fresh
    assert set(Store(tmp_path / "db.json").feed_statuses()) == {"A", "B", "C"}


def test_a_feed_listing_more_than_it_keeps_is_not_rewritten_each_refresh(tmp_path):
    """keep=3 and the feed lists 10 items: the 7 older ones are not stored and dropped again on
    every refresh (that rewrote shards and headlines each time)."""
    from newstui.core.store import FeedUpdate

    store = Store(tmp_path / "db.json")
    items = [art(i) for i in range(10)]
    store.apply_refresh([FeedUpdate(None, items, keep=3, feed="F")])
    assert sorted(a.id for a in store.articles()) == ["id7", "id8", "id9"]
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    update = FeedUpdate(None, items, keep=3, feed="F")
    store.apply_refresh([update])
    after = {p.name: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    assert update.new_ids == () and before == after  # nothing written
    newer = FeedUpdate(None, [*items, art(10)], keep=3, feed="F")
    store.apply_refresh([newer])
    assert newer.new_ids == ("id10",)
    assert sorted(a.id for a in Store(tmp_path / "db.json").articles()) == ["id10", "id8", "id9"]
