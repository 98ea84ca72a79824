"""Politeness and scheduling against a real HTTP server on 127.0.0.1: validators, Retry-After,
backoff, permanent and temporary redirects, body-hash skips, per-host limits, due times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newstui.core.models import Config, Feed, Settings
from newstui.core.refresh import FeedResult, refresh_all
from newstui.core.store import Store

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def config_for(*feeds: Feed, **settings: object) -> Config:
    return Config(path="test.toml", settings=Settings(**settings), feeds=feeds)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "db.json")


def test_validators_are_sent_back_exactly_as_received(feed_server, store):
    feed_server.etag = 'W/"weak, with a comma"'
    feed_server.last_modified = "Tue, 24 Nov 2026 09:00:00 GMT"
    config = config_for(Feed("World", feed_server.url("world.xml")))
    refresh_all(config, store)
    assert store.feed_status("World").etag == 'W/"weak, with a comma"'
    [again] = refresh_all(config, store)
    sent = feed_server.hits("world.xml")[1]
    assert sent["if-none-match"] == 'W/"weak, with a comma"'
    assert sent["if-modified-since"] == "Tue, 24 Nov 2026 09:00:00 GMT"
    assert again.status.not_modified and again.status.parse_seconds == 0


def test_retry_after_seconds_is_honoured_until_forced(feed_server, store):
    clock = Clock()
    config = config_for(Feed("Busy", feed_server.url("retry/120")))
    [first] = refresh_all(config, store, clock=clock)
    assert not first.status.ok and first.status.http_status == 429
    assert first.status.summary == "HTTP 429 Too Many Requests; the server asks us to wait 2 min"
    assert first.status.retry_at == T0 + timedelta(seconds=120)
    assert first.status.next_due >= T0 + timedelta(seconds=120)

    # A manual refresh within the window leaves the server alone and says why
    clock.now = T0 + timedelta(seconds=60)
    [skipped] = refresh_all(config, store, clock=clock)
    assert skipped.skipped == "the server asked us to wait until 12:02 UTC (Retry-After)"
    assert len(feed_server.hits("retry/120")) == 1
    # ... the automatic refresh does not consider it due ...
    assert refresh_all(config, store, clock=clock, mode="due") == []
    # ... an explicit retry asks anyway
    [forced] = refresh_all(config, store, clock=clock, mode="force")
    assert not forced.skipped and len(feed_server.hits("retry/120")) == 2
    # after the window, a manual refresh asks again
    clock.now = T0 + timedelta(seconds=400)
    [later] = refresh_all(config, store, clock=clock)
    assert not later.skipped and len(feed_server.hits("retry/120")) == 3


def test_retry_after_http_date_is_capped_at_a_week(feed_server, store):
    clock = Clock(datetime.now(UTC))
    [result] = refresh_all(config_for(Feed("Busy", feed_server.url("busy"))), store, clock=clock)
    assert result.status.http_status == 503
    assert result.status.summary.startswith("HTTP 503 Service Unavailable; the server asks us to wait")
    wait = result.status.retry_at - clock.now
    assert timedelta(days=6, hours=23) < wait <= timedelta(days=7)


def test_a_failing_feed_backs_off_exponentially_then_recovers(feed_server, store):
    clock = Clock()
    failing = Feed("Flaky", feed_server.url("status/500"), refresh_minutes=10)
    dues = []
    for _ in range(10):
        [result] = refresh_all(config_for(failing), store, clock=clock, mode="force")
        dues.append(result.status.next_due - clock.now)
        clock.now = result.status.next_due
    assert result.status.failures == 10
    assert result.status.summary == "HTTP 500 Internal Server Error (10 failures in a row)"
    minutes = [int(d.total_seconds() // 60) for d in dues]
    assert minutes == [10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440]
    # Due only once the backoff has passed
    assert refresh_all(config_for(failing), store, clock=Clock(clock.now - timedelta(minutes=1)),
                       mode="due") == []
    # The same feed at a URL that works: failures reset, the plain interval is back
    store_status = store.feed_status("Flaky")
    assert store_status.failures == 10
    healed = Feed("Flaky", feed_server.url("world.xml"), refresh_minutes=10)
    [ok] = refresh_all(config_for(healed), store, clock=clock)
    assert ok.status.ok and ok.status.failures == 0
    assert ok.status.next_due == clock.now + timedelta(minutes=10)


def test_permanent_redirect_moves_the_feed_and_says_so(feed_server, store):
    config = config_for(Feed("Moved", feed_server.url("redirect/world.xml")))
    [first] = refresh_all(config, store)
    target = feed_server.url("world.xml")
    assert first.status.ok and first.status.new_articles == 3
    assert first.status.moved_to == target
    assert first.status.summary == f"ok, 3 new; moved permanently to {target}"
    # From now on the new URL is asked directly, with its validators
    [again] = refresh_all(config, store)
    assert len(feed_server.hits("redirect/world.xml")) == 1
    assert feed_server.hits("world.xml")[-1]["if-none-match"] == '"v1"'
    assert again.status.not_modified and again.status.moved_to == target
    assert again.status.fetch_url == target and again.status.url == feed_server.url("redirect/world.xml")
    # Editing feeds.toml to another URL starts afresh
    [edited] = refresh_all(config_for(Feed("Moved", feed_server.url("asia.atom"))), store)
    assert edited.status.moved_to == "" and edited.status.fetch_url == feed_server.url("asia.atom")


def test_temporary_redirect_keeps_asking_the_old_url(feed_server, store):
    config = config_for(Feed("Temp", feed_server.url("temp/world.xml")))
    [first] = refresh_all(config, store)
    assert first.status.ok and first.status.moved_to == ""
    assert first.status.redirected_to == feed_server.url("world.xml")
    refresh_all(config, store)
    assert len(feed_server.hits("temp/world.xml")) == 2


def test_an_unchanged_body_without_validators_is_not_parsed_again(feed_server, store):
    config = config_for(Feed("Plain", feed_server.url("plain/world.xml")))
    [first] = refresh_all(config, store)
    assert first.status.ok and first.status.new_articles == 3 and first.status.etag is None
    [again] = refresh_all(config, store)
    assert "if-none-match" not in feed_server.hits("plain/world.xml")[1]
    assert again.status.ok and again.status.unchanged and again.status.http_status == 200
    assert again.status.parse_seconds == 0 and again.status.summary == "unchanged"
    assert again.status.entries == 3 and again.status.title == first.status.title
    assert len(store.articles()) == 3


def test_due_times_follow_refresh_minutes_ttl_and_max_age(feed_server, store, tmp_path):
    ttl_feed = tmp_path / "ttl.xml"
    ttl_feed.write_text(
        "<rss version='2.0'><channel><title>T</title><ttl>90</ttl>"
        "<item><title>a</title><guid>a</guid></item></channel></rss>"
    )
    clock = Clock()
    feeds = (
        Feed("Default", feed_server.url("world.xml")),
        Feed("Hourly", feed_server.url("asia.atom"), refresh_minutes=60),
        Feed("Manual only", feed_server.url("plain/world.xml"), refresh_minutes=0),
        Feed("Cached", feed_server.url("cache/7200/world.xml")),
        Feed("Cached for ever", feed_server.url("cache/9999999/world.xml")),
        Feed("TTL", str(ttl_feed)),
    )
    config = config_for(*feeds, refresh_minutes=30)
    results = {r.feed.name: r.status for r in refresh_all(config, store, clock=clock)}
    due = {name: (s.next_due - T0 if s.next_due else None) for name, s in results.items()}
    assert due == {
        "Default": timedelta(minutes=30),
        "Hourly": timedelta(minutes=60),
        "Manual only": None,
        "Cached": timedelta(hours=2),  # the server's max-age stretches the interval
        "Cached for ever": timedelta(hours=24),  # ... but not beyond a day
        "TTL": timedelta(minutes=90),  # the feed's <ttl>
    }
    assert results["Cached"].max_age_seconds == 7200 and results["TTL"].ttl_minutes == 90

    clock.now = T0 + timedelta(minutes=45)
    fetched = [r.feed.name for r in refresh_all(config, store, clock=clock, mode="due")]
    assert fetched == ["Default"]
    clock.now = T0 + timedelta(hours=25)
    fetched = [r.feed.name for r in refresh_all(config, store, clock=clock, mode="due")]
    assert fetched == ["Default", "Hourly", "Cached", "Cached for ever", "TTL"]
    # A feed never refreshed is always due; "Manual only" is fetched by a manual refresh
    assert "Manual only" in [r.feed.name for r in refresh_all(config, store, clock=clock)]


@pytest.mark.parametrize(("per_host", "expected"), [(1, 1), (2, 2)])
def test_per_host_limit_caps_requests_in_flight(feed_server, store, per_host, expected):
    feeds = [Feed(f"F{n}", feed_server.url(f"pause/{n}")) for n in range(6)]
    config = config_for(*feeds, concurrency=8, host_concurrency=per_host)
    results = refresh_all(config, store)
    assert all(r.status.ok for r in results)
    assert feed_server.max_in_flight == expected


def test_global_limit_applies_across_hosts(feed_server, store):
    feeds = [Feed(f"F{n}", feed_server.url(f"pause/{n}")) for n in range(6)]
    refresh_all(config_for(*feeds, concurrency=3, host_concurrency=8), store)
    assert feed_server.max_in_flight <= 3


def test_process_pool_and_thread_parse_give_the_same_articles(feed_server, tmp_path):
    feeds = (Feed("World", feed_server.url("world.xml")), Feed("Asia", feed_server.url("asia.atom")))
    stored = []
    for pooled in (True, False):
        store = Store(tmp_path / f"db-{pooled}.json")
        results = refresh_all(config_for(*feeds), store, clock=Clock(), parse_pool=pooled)
        assert all(r.status.ok for r in results)
        stored.append(sorted(store.articles(), key=lambda a: a.id))
    assert stored[0] == stored[1] and len(stored[0]) == 5


def test_each_result_is_reported_after_its_articles_are_stored(feed_server, store, fixtures_dir):
    feeds = [Feed(f"W{n}", feed_server.url("world.xml")) for n in range(5)]
    feeds.append(Feed("Asia", str(fixtures_dir / "asia.atom")))
    seen: list[FeedResult] = []

    def check(result: FeedResult) -> None:
        assert result.new_ids
        for article_id in result.new_ids:
            assert store.article(article_id) is not None
        assert store.feed_status(result.feed.name) == result.status
        seen.append(result)

    refresh_all(config_for(*feeds), store, on_result=check)
    assert len(seen) == 6 and len(store.articles()) == 17
