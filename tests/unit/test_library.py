"""The library: topics from three sources, filters, counts, related stories, flags."""

from __future__ import annotations

from newstui.core.library import Filter, Library
from newstui.core.models import Config, Feed, TopicRule
from newstui.core.refresh import refresh_all
from newstui.core.store import Store


def make_library(fixtures_dir, tmp_path) -> Library:
    config = Config(
        path="t.toml",
        feeds=(
            Feed("World", str(fixtures_dir / "world.xml"), ("world",)),
            Feed("Asia", str(fixtures_dir / "asia.atom"), ("asia",)),
        ),
        topics=(TopicRule("japan", ("Tokyo", "Kumamoto")), TopicRule("chips", ("semiconductor",))),
    )
    store = Store(tmp_path / "db.json")
    refresh_all(config, store)
    return Library(config, store)


def titles(articles) -> list[str]:
    return [a.title for a in articles]


def test_topics_merge_feed_categories_and_keywords(fixtures_dir, tmp_path):
    lib = make_library(fixtures_dir, tmp_path)
    quake = next(a for a in lib.headlines() if a.title.startswith("Strong earthquake"))
    assert quake.topics == ("world", "asia", "disasters", "japan")
    chips = next(a for a in lib.headlines() if a.title.startswith("Chip factory"))
    assert set(chips.topics) == {"asia", "japan", "chips"}  # "Kumamoto" in title, semiconductor in summary


def test_keywords_match_whole_words_only(fixtures_dir, tmp_path):
    lib = make_library(fixtures_dir, tmp_path)
    rates = next(a for a in lib.headlines() if "rates" in a.title)
    assert "japan" not in rates.topics


def test_filters_combine(fixtures_dir, tmp_path):
    lib = make_library(fixtures_dir, tmp_path)
    assert len(lib.headlines()) == 5
    assert titles(lib.headlines(Filter(topic="japan"))) == [
        "Tokyo earthquake: trains resume after magnitude 6.1 tremor",
        "Strong earthquake shakes Tokyo, no tsunami warning",
        "Chip factory opens in Kumamoto",
    ]
    first = lib.headlines(Filter(topic="japan"))[0]
    lib.set_flags([first.id], read=True)
    assert len(lib.headlines(Filter(topic="japan", unread_only=True))) == 2
    assert titles(lib.headlines(Filter(query="EARTHQUAKE tokyo"))) == [
        "Tokyo earthquake: trains resume after magnitude 6.1 tremor",
        "Strong earthquake shakes Tokyo, no tsunami warning",
    ]
    lib.set_flags([first.id], starred=True)
    assert titles(lib.headlines(Filter(starred=True))) == [first.title]
    assert titles(lib.headlines(Filter(feed="Asia", query="chip"))) == ["Chip factory opens in Kumamoto"]


def test_counts_follow_flags(fixtures_dir, tmp_path):
    lib = make_library(fixtures_dir, tmp_path)
    counts = {c.name: (c.unread, c.total) for c in lib.topic_counts()}
    assert counts["japan"] == (3, 3) and counts["world"] == (3, 3)
    assert [c.name for c in lib.topic_counts()][:4] == ["japan", "chips", "world", "asia"]
    lib.set_flags([a.id for a in lib.headlines(Filter(topic="world"))], read=True)
    counts = {c.name: (c.unread, c.total) for c in lib.topic_counts()}
    assert counts["world"] == (0, 3) and counts["japan"] == (2, 3)
    everything, starred = lib.counts()
    assert (everything.unread, everything.total, starred.total) == (2, 5, 0)


def test_related_finds_the_same_story_from_another_feed(fixtures_dir, tmp_path):
    lib = make_library(fixtures_dir, tmp_path)
    quake = next(a for a in lib.headlines() if a.title.startswith("Strong earthquake"))
    related = lib.related(quake.id)
    assert related, "the Asia feed's quake story should be related"
    article, story = related[0]
    assert article.title.startswith("Tokyo earthquake")
    assert {"earthquake", "tokyo"} <= set(story.shared)
    assert all(a.id != quake.id for a, _ in related)


def test_flags_persist_through_the_store(fixtures_dir, tmp_path):
    lib = make_library(fixtures_dir, tmp_path)
    target = lib.headlines()[0]
    lib.set_flags([target.id], read=True, starred=True)
    again = Library(lib.config, Store(tmp_path / "db.json"))
    assert again.get(target.id).read and again.get(target.id).starred


def test_counts_and_filters_agree_with_each_articles_own_topics(tmp_path):
    """Topic counts are summed per source (feed + categories, keyword rules, their overlap) and
    kept up to date as flags change: they must equal counting article by article, for any mix."""
    import random
    from datetime import UTC, datetime, timedelta

    from newstui.core.models import Article

    rng = random.Random(7)
    words = ["alpha", "beta", "gamma", "delta", "Tokyo"]
    sections = ["World", "Asia", "Tech", "tech ", "Japan"]
    config = Config(
        path="t.toml",
        feeds=tuple(Feed(f"F{i}", f"http://f{i}", topics) for i, topics in
                    enumerate([("world",), ("asia", "japan"), (), ("tech",)])),
        topics=(TopicRule("japan", ("Tokyo",)), TopicRule("greek", ("alpha", "beta")), TopicRule("tech", ("gamma",))),
    )
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    articles = [
        Article(id=f"a{i:04d}", feed=f"F{rng.randrange(4)}", title=" ".join(rng.sample(words, 2)),
                published=t0 + timedelta(minutes=rng.randrange(300)),  # many equal dates
                categories=tuple(rng.sample(sections, rng.randrange(3))))
        for i in range(600)
    ]
    store = Store(tmp_path / "db.json")
    store.upsert_articles(articles)
    read = {a.id for a in articles if rng.random() < 0.4}
    store.set_flags(read, read=True)
    lib = Library(config, store)

    def brute() -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = {}
        for h in lib.headlines():
            for t in h.topics:
                pair = out.setdefault(t, [0, 0])
                pair[0] += not h.read
                pair[1] += 1
        return {t: (u, n) for t, (u, n) in out.items()}

    def counted() -> dict[str, tuple[int, int]]:
        return {c.name: (c.unread, c.total) for c in lib.topic_counts() if c.total}

    assert counted() == brute()
    for h in lib.headlines()[:5]:  # the topics of a row: the feed's, then categories', then rules'
        article = next(a for a in articles if a.id == h.id)
        assert set(h.topics) == set(lib._classifier.topics_for(article))
    lib.set_flags([a.id for a in articles[:50]], read=False)
    lib.set_flags([a.id for a in articles[50:120]], read=True)
    assert counted() == brute()
    assert lib.counts()[0].unread == sum(1 for h in lib.headlines() if not h.read)
    for topic in ("japan", "tech", "greek", "world"):
        rows = lib.headlines(Filter(topic=topic))
        assert [h.id for h in rows] == [h.id for h in lib.headlines() if topic in h.topics]
    # newest first (equal dates in the order they were stored)
    dates = [h.published for h in lib.headlines()]
    assert dates == sorted(dates, reverse=True)
    lib.reload()  # from the files: the same
    assert counted() == brute()
