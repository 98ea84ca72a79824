"""Refresh against a real HTTP server on 127.0.0.1: 200, 304, 404, 500, timeout, malformed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newstui.core.models import Config, Feed, Settings
from newstui.core.refresh import refresh_all
from newstui.core.store import Store


def config_for(*feeds: Feed, **settings: object) -> Config:
    return Config(path="test.toml", settings=Settings(**settings), feeds=feeds)  # type: ignore[arg-type]


def test_new_articles_are_stored_with_normalised_fields(feed_server, tmp_path):
    config = config_for(Feed("World", feed_server.url("world.xml"), ("world",)))
    store = Store(tmp_path / "db.json")
    [result] = refresh_all(config, store)
    assert result.status.ok and result.status.http_status == 200
    assert result.status.new_articles == 3
    by_title = {a.title: a for a in store.articles()}
    quake = by_title["Strong earthquake shakes Tokyo, no tsunami warning"]
    assert quake.link == f"{feed_server.base}/world/quake"  # relative link resolved
    assert quake.author == "Aiko Sato"
    assert quake.published == datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    assert quake.categories == ("Asia", "Disasters")
    assert "<b>Tokyo</b>" in quake.summary
    future = by_title["Item from the future"]
    assert future.published is not None and future.published <= datetime.now(UTC)


def test_user_agent_and_conditional_get_304_skips_parse(feed_server, tmp_path):
    config = config_for(Feed("World", feed_server.url("world.xml")))
    store = Store(tmp_path / "db.json")
    refresh_all(config, store)
    first = feed_server.hits("world.xml")[0]
    assert first["user-agent"].startswith("newstui/")
    assert "if-none-match" not in first

    [again] = refresh_all(config, store)
    second = feed_server.hits("world.xml")[1]
    assert second["if-none-match"] == '"v1"'
    assert second["if-modified-since"] == feed_server.last_modified
    assert again.status.ok and again.status.not_modified
    assert again.status.http_status == 304 and again.new_ids == ()
    assert again.status.summary == "not modified"
    assert len(store.articles()) == 3


def test_one_failing_feed_never_stops_the_others(feed_server, tmp_path):
    feed_server.slow_seconds = 3
    config = config_for(
        Feed("World", feed_server.url("world.xml")),
        Feed("Missing", feed_server.url("status/404")),
        Feed("Broken server", feed_server.url("status/500")),
        Feed("Slow", feed_server.url("slow")),
        Feed("Malformed", feed_server.url("malformed.xml")),
        Feed("Page", feed_server.url("page.html")),
        Feed("Nowhere", "http://127.0.0.1:9/feed.xml"),
        timeout_seconds=1.0,
    )
    store = Store(tmp_path / "db.json")
    results = {r.feed.name: r.status for r in refresh_all(config, store)}
    assert results["World"].ok and results["World"].new_articles == 3
    assert results["Missing"].summary == "HTTP 404 Not Found"
    assert results["Broken server"].summary == "HTTP 500 Internal Server Error"
    assert results["Slow"].summary == "timed out after 1 s"
    assert results["Malformed"].summary.startswith("malformed feed:")
    assert results["Page"].summary.startswith("not a feed: the URL returned an HTML page; it advertises")
    assert results["Nowhere"].summary.startswith("cannot connect")
    # every outcome is stored per feed, with the time it was checked
    stored = store.feed_statuses()
    assert set(stored) == set(results)
    assert stored["Missing"].http_status == 404 and not stored["Missing"].ok
    assert stored["World"].last_success is not None


def test_truncated_feed_keeps_what_parses_and_warns(feed_server, tmp_path):
    config = config_for(Feed("Cut", feed_server.url("truncated.xml")))
    [result] = refresh_all(config, Store(tmp_path / "db.json"))
    assert result.status.ok and result.status.new_articles == 1
    assert result.status.summary.startswith("ok, 1 new (warning: ")


def test_failure_keeps_last_success_and_articles(feed_server, tmp_path):
    store = Store(tmp_path / "db.json")
    refresh_all(config_for(Feed("World", feed_server.url("world.xml"))), store)
    before = store.feed_status("World")
    [result] = refresh_all(config_for(Feed("World", feed_server.url("status/503"))), store)
    assert not result.status.ok
    assert result.status.last_success == before.last_success
    assert len(store.articles()) == 3  # articles stay after the feed stops listing them


def test_redirects_followed_loops_end_and_size_cap(feed_server, tmp_path):
    config = config_for(
        Feed("Moved", feed_server.url("redirect/world.xml")),
        Feed("Loop", feed_server.url("loop")),
        Feed("Big", feed_server.url("big")),
        max_feed_bytes=100_000,
    )
    results = {r.feed.name: r.status for r in refresh_all(config, Store(tmp_path / "db.json"))}
    assert results["Moved"].ok and results["Moved"].new_articles == 3
    assert results["Loop"].summary.startswith("too many redirects")
    assert "larger than the 100,000-byte cap" in results["Big"].summary


def test_file_urls_and_plain_paths_are_feeds(fixtures_dir, tmp_path):
    config = config_for(
        Feed("File", (fixtures_dir / "asia.atom").as_uri()),
        Feed("Path", str(fixtures_dir / "world.xml")),
        Feed("Gone", str(tmp_path / "nope.xml")),
    )
    results = {r.feed.name: r.status for r in refresh_all(config, Store(tmp_path / "db.json"))}
    assert results["File"].ok and results["File"].new_articles == 2
    assert results["Path"].ok and results["Path"].new_articles == 3
    assert results["Gone"].summary.startswith("file not found")


def test_disabled_feeds_are_skipped(fixtures_dir, tmp_path):
    config = config_for(Feed("Off", str(fixtures_dir / "world.xml"), enabled=False))
    assert refresh_all(config, Store(tmp_path / "db.json")) == []


def test_refresh_keeps_read_and_starred_flags(feed_server, tmp_path):
    config = config_for(Feed("World", feed_server.url("world.xml")))
    store = Store(tmp_path / "db.json")
    refresh_all(config, store)
    ids = [a.id for a in store.articles()]
    store.set_flags(ids[:1], read=True, starred=True)
    feed_server.etag = '"v2"'  # force a full 200 again
    [result] = refresh_all(config, store)
    assert result.status.http_status == 200 and result.new_ids == ()
    flags = {a.id: (a.read, a.starred) for a in store.articles()}
    assert flags[ids[0]] == (True, True)


def test_refresh_reports_a_damaged_store_instead_of_writing_over_it(fixtures_dir, tmp_path):
    from newstui.core.store import StoreCorrupt

    path = tmp_path / "db.json"
    store = Store(path)
    refresh_all(config_for(Feed("World", str(fixtures_dir / "world.xml"))), store)
    store.close()
    path.write_bytes(b'{"articles": {"1": ')  # torn by something else
    lazy = Store(path, check=False)  # how `newstui refresh` opens it
    with pytest.raises(StoreCorrupt):
        refresh_all(config_for(Feed("Asia", str(fixtures_dir / "asia.atom"))), lazy)
    assert path.read_bytes() == b'{"articles": {"1": '


def test_real_world_bodies_through_the_server(feed_server, tmp_path):
    """JSON Feed, charsets the headers get wrong, and an HTML page, each fetched from 127.0.0.1."""
    config = config_for(
        Feed("JSON", feed_server.url("as/json/feeds/jsonfeed_1_1.json")),
        Feed("Russian", feed_server.url("as/utf8/feeds/ru_windows1251.xml")),
        Feed("Chinese", feed_server.url("as/plain/feeds/zh_gb2312.xml")),
        Feed("Latin", feed_server.url("as/latin1/feeds/latin1_undeclared.xml")),
        Feed("Page", feed_server.url("as/html/feeds/page_with_feeds.html")),
    )
    store = Store(tmp_path / "db.json")
    results = {r.feed.name: r for r in refresh_all(config, store)}
    titles = {a.feed: set() for a in store.articles()}
    for article in store.articles():
        titles[article.feed].add(article.title)
    assert results["JSON"].status.ok and results["JSON"].status.new_articles >= 1
    assert "В Бузулуке открыли Ледовый дворец – «Ура!»" in titles["Russian"]
    assert results["Chinese"].status.ok and any(
        any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in titles["Chinese"]
    )
    assert results["Latin"].status.ok and not any("\ufffd" in t for t in titles["Latin"])
    page = results["Page"].status
    assert not page.ok
    assert page.error.startswith("not a feed: the URL returned an HTML page; it advertises these feeds:")
    assert "Put one of them in feeds.toml as the url." in page.error
