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
