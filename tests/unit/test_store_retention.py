"""Retention: a feed's ``keep`` and ``max_age_days`` drop its oldest and too-old articles, never a
starred one (not even one starred by another process while the write runs); the dropped articles'
bodies leave their shards (a shard left empty is removed) and their flags are forgotten; and the
settings and per-feed overrides of feeds.toml reach the store through ``refresh.retention``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import orjson
import pytest

from newstui.core import headline_table
from newstui.core.headline_table import HeadlineTable
from newstui.core.models import Article, Config, Feed, FeedStatus, Settings
from newstui.core.refresh import refresh_all, retention
from newstui.core.store import FeedUpdate, Store

T0 = datetime(2026, 11, 20, tzinfo=UTC)


def art(i: int, feed: str = "A", **kw: object) -> Article:
    fields = dict(id=f"{feed.lower()}{i}", feed=feed, title=f"{feed} title {i}", link=f"http://x/{feed}/{i}",
                  published=T0 + timedelta(hours=i), summary=f"<p>{feed} summary {i}</p>",
                  content=f"<p>{feed} body {i}</p>")
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def status(feed: str) -> FeedStatus:
    return FeedStatus(feed, f"http://{feed.lower()}", ok=True, checked_at=T0)


def shard_ids(store: Store) -> dict[str, set[str]]:
    """Shard file name → the article ids it holds, read from the files themselves."""
    out = {}
    for shard in sorted(store.shards.folder.glob("*.json")):
        records = orjson.loads(shard.read_bytes())["bodies"].values()
        out[shard.name] = {r["id"] for r in records}
    return out


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headline_table, "CHUNK_ROWS", 4)


@pytest.mark.parametrize("how", ["refresh", "prune"])
def test_keep_drops_the_oldest_never_a_starred_one_and_their_bodies_and_flags_go(tmp_path, small_shards, how):
    path = tmp_path / "db.json"
    store = Store(path)
    store.upsert_articles([art(i) for i in range(12)] + [art(i, "B") for i in range(4)])  # A: shards 0-2
    store.set_flags(["a0"], starred=True)
    store.set_flags(["a1", "a5", "a9", "b0"], read=True)
    store.close()  # some flags folded into the flags file ...
    store = Store(path)
    store.set_flags(["a6"], read=True)  # ... and some in the journal
    if how == "refresh":
        [saved] = store.apply_refresh([FeedUpdate(status("A"), [art(i) for i in range(8, 13)], keep=4)])
        assert saved.new_articles == 1
    else:
        store.upsert_articles([art(12)])
        assert store.prune("A", keep=4) == 8

    kept = {"a0", "a9", "a10", "a11", "a12"}  # the newest four and the starred a0
    fresh = Store(path)
    got = {a.id: a for a in fresh.articles()}
    assert {i for i, a in got.items() if a.feed == "A"} == kept
    assert {i for i, a in got.items() if a.feed == "B"} == {"b0", "b1", "b2", "b3"}  # another feed's
    assert got["a0"].starred and got["a9"].read and got["b0"].read
    assert all(a.content == f"<p>{a.feed} body {a.id[1:]}</p>" for a in got.values())
    # The bodies of the dropped articles are gone from the shards; a0's shard is rewritten with it
    # alone, the shard of a4..a7 (all dropped) is removed.
    shards = shard_ids(fresh)
    assert set().union(*shards.values()) == set(got)
    a_shards = {fresh.shards.path("A", n).name: n for n in range(4)}
    assert {a_shards[name]: ids for name, ids in shards.items() if name in a_shards} == {
        0: {"a0"}, 2: {"a9", "a10", "a11"}, 3: {"a12"}
    }
    assert not fresh.shards.path("A", 1).exists()
    # Their flags are forgotten (a1 and a5 were read, a6 read in the journal), their related words too.
    read, starred = fresh.flag_sets()
    assert read == {"a9", "b0"} and starred == {"a0"}
    assert {aid for aid, _ in fresh.terms()} == set(got)
    fresh.close()
    assert Store(path).flag_sets() == (read, starred)  # after the journal was folded as well


def test_max_age_days_drops_too_old_articles_never_starred_or_undated_ones(tmp_path):
    now = datetime.now(UTC)
    store = Store(tmp_path / "db.json")
    aged = [art(i, published=now - timedelta(days=i + 0.5)) for i in range(10)]  # 0.5 .. 9.5 days old
    store.upsert_articles([*aged, art(99, published=None)])
    store.set_flags(["a8"], starred=True)
    store.set_flags(["a7", "a2"], read=True)
    [saved] = store.apply_refresh([FeedUpdate(status("A"), [art(10, published=now)], max_age_days=5)])
    assert saved.new_articles == 1
    fresh = Store(tmp_path / "db.json")
    assert {a.id for a in fresh.articles()} == {"a0", "a1", "a2", "a3", "a4", "a8", "a10", "a99"}
    assert fresh.flag_sets() == ({"a2"}, {"a8"})


def test_both_rules_at_once_and_a_feed_that_brought_nothing_is_pruned_with_the_others(tmp_path):
    """Retention runs whenever a refresh writes the headlines: a feed that answered 304 in the
    same refresh has its too-old articles dropped too."""
    now = datetime.now(UTC)
    store = Store(tmp_path / "db.json")
    store.upsert_articles([art(i, "A", published=now - timedelta(days=i + 0.5)) for i in range(6)])
    store.upsert_articles([art(i, "B", published=now - timedelta(hours=i)) for i in range(6)])
    store.apply_refresh([
        FeedUpdate(status("A"), (), max_age_days=3),  # not modified
        FeedUpdate(status("B"), [art(6, "B", published=now)], keep=4, max_age_days=3),
    ])
    got = {a.id for a in Store(tmp_path / "db.json").articles()}
    assert got == {"a0", "a1", "a2", "b6", "b0", "b1", "b2"}


def test_an_article_starred_by_another_process_while_retention_runs_stays(tmp_path, monkeypatch):
    """The writer picks what to drop, then takes the flag lock and asks again which are starred:
    an article starred in between (by the reader, another Store on the same files) stays."""
    path = tmp_path / "db.json"
    writer, reader = Store(path), Store(path)
    writer.upsert_articles([art(i) for i in range(6)])
    real = HeadlineTable.retention
    starred_meanwhile = []

    def retention_then_star(doc, keep, oldest, starred):
        drop = real(doc, keep, oldest, starred)
        if not starred_meanwhile:
            assert "a0" in {doc["id"][i] for i in drop}  # a0 was going to be dropped ...
            reader.set_flags(["a0"], starred=True)  # ... when the reader starred it
            starred_meanwhile.append("a0")
        return drop

    monkeypatch.setattr(HeadlineTable, "retention", staticmethod(retention_then_star))
    writer.apply_refresh([FeedUpdate(status("A"), [art(6)], keep=3)])
    assert starred_meanwhile
    got = {a.id: a for a in Store(path).articles()}
    assert set(got) == {"a0", "a4", "a5", "a6"} and got["a0"].starred


def test_articles_dropped_but_still_in_the_feed_are_not_new_again(tmp_path):
    """A feed lists more than ``keep`` articles: each refresh brings the dropped ones again; they
    are not reported new, not stored, and keep no flags."""
    store = Store(tmp_path / "db.json")
    feed = [art(i) for i in range(8)]
    [first] = store.apply_refresh([FeedUpdate(status("A"), feed, keep=3)])
    assert first.new_articles == 3
    store.set_flags(["a7"], read=True)
    for _ in range(2):
        update = FeedUpdate(status("A"), feed, keep=3)
        [again] = store.apply_refresh([update])
        assert again.new_articles == 0 and update.new_ids == ()
    fresh = Store(tmp_path / "db.json")
    assert sorted(a.id for a in fresh.articles()) == ["a5", "a6", "a7"]
    assert fresh.flag_sets() == ({"a7"}, set())
    assert set().union(*shard_ids(fresh).values()) == {"a5", "a6", "a7"}


def test_feeds_toml_retention_reaches_the_store_update():
    settings = Settings(max_articles_per_feed=7, max_age_days=10)
    assert retention(Feed("A", "http://a"), settings) == {"keep": 7, "max_age_days": 10}
    assert retention(Feed("A", "http://a", max_articles=5, max_age_days=3), settings) == {
        "keep": 5, "max_age_days": 3
    }
    # 0 days means keep forever, in the settings and as a feed's own override of them.
    assert retention(Feed("A", "http://a"), Settings()) == {"keep": 500, "max_age_days": None}
    assert retention(Feed("A", "http://a", max_age_days=0), settings)["max_age_days"] is None
    update = FeedUpdate(None, (), feed="A", **retention(Feed("A", "http://a", max_articles=2), settings))
    assert (update.keep, update.max_age_days) == (2, 10)


def _rss(path: Path, ages_in_days: list[float]) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    items = "".join(
        f"<item><title>Item {n}</title><link>http://r.example/{n}</link><guid>r-{n}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(days=age))}</pubDate>"
        f"<description>Body {n}</description></item>"
        for n, age in enumerate(ages_in_days)
    )
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>R</title>{items}</channel></rss>')


@pytest.mark.parametrize(
    ("feed_kw", "settings_kw", "titles"),
    [
        ({"max_articles": 2}, {}, {"Item 0", "Item 1"}),
        ({}, {"max_articles_per_feed": 3}, {"Item 0", "Item 1", "Item 2"}),
        ({}, {"max_age_days": 3}, {"Item 0", "Item 1", "Item 2"}),
        ({"max_age_days": 2}, {"max_age_days": 30}, {"Item 0", "Item 1"}),
        ({"max_age_days": 0}, {"max_age_days": 3}, {f"Item {n}" for n in range(5)}),
    ],
)
def test_a_refresh_applies_the_feed_or_settings_retention(tmp_path, feed_kw, settings_kw, titles):
    rss = tmp_path / "r.xml"
    _rss(rss, [0.5, 1.5, 2.5, 3.5, 4.5])
    config = Config(path="t.toml", settings=Settings(**settings_kw), feeds=(Feed("R", str(rss), **feed_kw),))
    store = Store(tmp_path / "db.json")
    [result] = refresh_all(config, store)
    assert result.status.ok and result.status.new_articles == len(titles)
    assert {a.title for a in Store(tmp_path / "db.json").articles()} == titles
