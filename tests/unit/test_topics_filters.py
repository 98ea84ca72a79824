"""Topics from every source with their reasons, mute rules, saved views, filters that combine,
topic counts that follow the filters, and search (through a real SQLite index), over a real
store in a temp dir; and the feeds.toml errors of the rule tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newstui.cli import main
from newstui.core.config import ConfigError, load_config
from newstui.core.library import Filter, Library, view_filter
from newstui.core.models import Article
from newstui.core.store import Store
from newstui.core.topics import TopicClassifier

NOW = datetime.now(UTC).replace(microsecond=0)

FEEDS_TOML = """
[topics.tech]
keywords = ["python"]
aliases = ["Technology", "IT"]
exclude = ["snake"]

[topics.security]
regex = ['\\bCVE-\\d{4}-\\d+\\b']

[topics.sport]
keywords = ["football"]

[topics.asia]
keywords = ["Tokyo"]
feeds = ["World Wire"]

[mute]
keywords = ["horoscope"]
regex = ['celebrity\\s+diet']
feeds = ["Gossip"]

[views.morning]
topics = ["asia", "security"]
unread = true

[views.today]
days = 1

[views.pythonic]
search = "python -snake"

[[feed]]
name = "Tech Daily"
url = "https://tech.example/rss"

[[feed]]
name = "World Wire"
url = "https://world.example/rss"
topics = ["world"]
exclude_topics = ["sport"]

[[feed]]
name = "Scores"
url = "https://scores.example/rss"
topics = ["sport"]
categories = false

[[feed]]
name = "Gossip"
url = "https://gossip.example/rss"
"""

# id: (feed, title, summary, categories, hours ago)
ARTICLES = {
    "t1": ("Tech Daily", "Python 3.14 released", "<p>The new release is faster.</p>", ("Technology",), 1),
    "t2": ("Tech Daily", "Snake python found in garden", "<p>A reticulated python.</p>", (), 2),
    "t3": ("Tech Daily", "Patch for CVE-2026-1234 in OpenSSL", "<p>Update now.</p>", ("IT",), 3),
    "w4": ("World Wire", "Tokyo marathon: football fans cheer", "<p>Crowds lined the streets.</p>", (), 4),
    "t5": ("Tech Daily", "Tokyo startup scene grows", "<p>Investors arrive.</p>", (), 5),
    "s6": ("Scores", "Final tonight", "<p>The football final kicks off at eight.</p>", ("Tennis",), 6),
    "g7": ("Gossip", "Stars at the gala", "<p>Gowns.</p>", (), 7),
    "t8": ("Tech Daily", "Your horoscope for developers", "<p>Python users: a lucky week.</p>", (), 8),
    "w9": ("World Wire", "Tokyo election results", "<p>The governor keeps her seat.</p>", (), 240),
}


@pytest.fixture
def setup(tmp_path: Path):
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS_TOML)
    config = load_config(path)
    store = Store(tmp_path / "db.json", classifier=TopicClassifier(config))
    store.upsert_articles([
        Article(aid, feed, title, summary=summary, categories=cats, published=NOW - timedelta(hours=hours),
                link=f"https://x.example/{aid}")
        for aid, (feed, title, summary, cats, hours) in ARTICLES.items()
    ])
    library = Library(config, store)
    yield config, store, library, path
    store.close()


def ids(rows) -> list[str]:
    return [h.id for h in rows]


def topics_of(library: Library, aid: str) -> tuple[str, ...]:
    return library.headline(aid).topics


# -- topics and why -------------------------------------------------------------------------------


def test_each_source_gives_topics_and_the_overrides_take_them_away(setup):
    _, _, library, _ = setup
    assert topics_of(library, "t1") == ("tech",)  # category alias "Technology", and the keyword
    assert topics_of(library, "t2") == ()  # "python", but the rule excludes "snake"
    assert set(topics_of(library, "t3")) == {"tech", "security"}  # alias "IT"; the regex
    assert topics_of(library, "w4") == ("world", "asia")  # feed; keyword in its feed; sport excluded
    assert topics_of(library, "t5") == ()  # "Tokyo", but the rule is for World Wire only
    assert topics_of(library, "s6") == ("sport",)  # the feed's; its category ignored (categories = false)


def test_every_topic_explains_itself(setup):
    _, _, library, _ = setup
    why = [(r.topic, r.source, r.detail) for r in library.explain(library.get("t1"))]
    assert why == [("tech", "category", "Technology"), ("tech", "keyword", "python")]
    why = [(r.topic, r.source, r.detail) for r in library.explain(library.get("w4"))]
    assert why == [("world", "feed", "World Wire"), ("asia", "keyword", "Tokyo")]
    security = next(r for r in library.explain(library.get("t3")) if r.topic == "security")
    assert security.source == "regex" and security.describe() == "regex /\\bCVE-\\d{4}-\\d+\\b/"


def test_mute_hides_counts_out_and_explains(setup):
    _, _, library, _ = setup
    shown = ids(library.headlines())
    assert "g7" not in shown and "t8" not in shown and len(shown) == 7
    assert ids(library.headlines(Filter(muted=True))) == ["g7", "t8"]
    assert library.muted_count() == 2
    everything, _ = library.counts()
    assert everything.total == 7 and everything.unread == 7
    assert next(r for r in library.explain(library.get("g7")) if r.source == "mute").detail == "feed “Gossip”"
    assert next(r for r in library.explain(library.get("t8")) if r.source == "mute").detail == "keyword “horoscope”"
    assert not any(r.source == "mute" for r in library.explain(library.get("t1")))


# -- filters, views, counts -----------------------------------------------------------------------


def test_filters_combine_freely(setup):
    _, _, library, _ = setup
    assert ids(library.headlines(Filter(feed="World Wire"))) == ["w4", "w9"]
    assert ids(library.headlines(Filter(feed="World Wire", after=(NOW - timedelta(days=1)).timestamp()))) == ["w4"]
    assert ids(library.headlines(Filter(topics=("asia", "security")))) == ["t3", "w4", "w9"]
    library.set_flags(["w4"], read=True)
    assert ids(library.headlines(Filter(topics=("asia", "security"), unread_only=True))) == ["t3", "w9"]
    assert ids(library.headlines(Filter(topic="tech", feed="World Wire"))) == []
    assert ids(library.headlines(Filter(before=(NOW - timedelta(hours=4.5)).timestamp(), feeds=("Tech Daily", "Scores")))) == [
        "t5", "s6"]


def test_saved_views_are_filters(setup):
    config, _, library, _ = setup
    morning = library.view("morning", NOW)
    assert morning.view == "morning" and morning.unread_only
    assert ids(library.headlines(morning)) == ["t3", "w4", "w9"]
    assert ids(library.headlines(library.view("today", NOW))) == ["t1", "t2", "t3", "w4", "t5", "s6"]
    counts = {c.name: (c.unread, c.total) for c in library.view_counts(NOW)}
    assert counts == {"morning": (3, 3), "today": (6, 6), "pythonic": (1, 1)}
    assert view_filter(config.views[0], NOW).describe() == "view morning · unread only"
    assert library.view("nope", NOW) is None


def test_topic_counts_follow_the_other_filters(setup):
    _, _, library, _ = setup
    everywhere = {c.name: c.unread for c in library.topic_counts()}
    assert everywhere["tech"] == 2 and everywhere["asia"] == 2 and everywhere["world"] == 2
    tech_daily = {c.name: (c.unread, c.total) for c in library.topic_counts(Filter(feed="Tech Daily"))}
    assert tech_daily["tech"] == (2, 2) and tech_daily["security"] == (1, 1) and tech_daily["asia"] == (0, 0)
    library.set_flags(["t1"], read=True)
    unread = {c.name: (c.unread, c.total) for c in library.topic_counts(Filter(feed="Tech Daily", unread_only=True))}
    assert unread["tech"] == (1, 1)
    # the topic chosen does not change the counts of the others
    assert library.topic_counts(Filter(feed="Tech Daily", topic="tech")) == library.topic_counts(Filter(feed="Tech Daily"))
    everything, starred = library.counts(Filter(feed="Tech Daily"))
    assert (everything.unread, everything.total, starred.total) == (3, 4, 0)


# -- search ---------------------------------------------------------------------------------------


def test_search_finds_words_in_the_text_ranked_title_first(setup):
    _, _, library, _ = setup
    assert library.wait_for_search()
    # "python" in t1's title; in t2's title (but -snake); in t8's text (muted)
    assert ids(library.headlines(Filter(query="python -snake"))) == ["t1"]
    assert ids(library.headlines(Filter(query="football"))) == ["w4", "s6"]  # title first, then text
    assert ids(library.headlines(Filter(query='"marathon football"'))) == ["w4"]
    assert ids(library.headlines(Filter(query='"football marathon"'))) == []
    assert ids(library.headlines(Filter(query="topic:security"))) == ["t3"]
    assert ids(library.headlines(Filter(query="feed:world tokyo"))) == ["w4", "w9"]
    assert ids(library.headlines(Filter(query="tokyo after:3d"))) == ["w4", "t5"]
    assert ids(library.headlines(Filter(query="-tokyo feed:world"))) == []
    assert ids(library.headlines(Filter(query="governor", muted=True))) == []


def test_a_word_being_typed_is_a_prefix(setup):
    _, _, library, _ = setup
    library.wait_for_search()
    assert ids(library.headlines(Filter(query="pyth", typing=True))) == ["t1", "t2"]
    assert ids(library.headlines(Filter(query="pyth"))) == []  # a finished word is whole
    assert ids(library.headlines(Filter(query="pyth ", typing=True))) == []
    # two and three letters are looked up in the index's prefix indexes, four and more by a scan
    # of the words they start: the same answers
    assert ids(library.headlines(Filter(query="py", typing=True))) == ["t1", "t2"]
    assert ids(library.headlines(Filter(query="pyt", typing=True))) == ["t1", "t2"]
    assert ids(library.headlines(Filter(query="python", typing=True))) == ["t1", "t2"]
    # a first letter alone waits for the next one: the list is what it was without it
    everything = ids(library.headlines(Filter()))
    assert ids(library.headlines(Filter(query="p", typing=True))) == everything
    assert ids(library.headlines(Filter(query="python p", typing=True))) == ids(library.headlines(Filter(query="python"))) == ["t1", "t2"]


def test_titles_are_searched_until_the_index_is_ready(setup):
    _, _, library, _ = setup  # the index never built here (the reader builds it after its first paint)
    assert ids(library.headlines(Filter(query="football"))) == ["w4"]  # s6 has it in its text only
    assert library.search_titles_only


# -- headless -------------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_with_a_view_the_muted_and_reasons(setup, capsys):
    _, store, _, path = setup
    db = str(store.path)
    code, out, _ = run(capsys, "list", "--config", str(path), "--db", db, "--view", "morning", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["id"] for r in rows] == ["t3", "w4", "w9"]
    assert {"topic": "security", "source": "regex", "detail": "\\bCVE-\\d{4}-\\d+\\b"} in rows[0]["topic_reasons"]
    code, out, _ = run(capsys, "list", "--config", str(path), "--db", db, "--muted", "--json")
    assert [json.loads(line)["muted_by"] for line in out.splitlines()] == ["feed “Gossip”", "keyword “horoscope”"]
    code, out, _ = run(capsys, "list", "--config", str(path), "--db", db, "--search", 'python -"snake python"')
    assert code == 0 and len(out.splitlines()) == 1 and "Python 3.14 released" in out
    code, _, err = run(capsys, "list", "--config", str(path), "--db", db, "--search", "after:2026-13-01")
    assert code == 2 and "after:" in err
    code, _, err = run(capsys, "list", "--config", str(path), "--db", db, "--view", "evening")
    assert code == 2 and "no saved view 'evening'" in err and "morning, today, pythonic" in err


# -- feeds.toml errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "message"), [
    ('[topics.x]\nregex = ["(unclosed"]', "[topics.x]: 'regex' item #1 '(unclosed' is not a valid regular expression"),
    ('[topics.x]\nregex = ["a*"]', "matches an empty text"),
    ('[topics.x]\nfeeds = ["Nobody"]', "'feeds' names 'Nobody', which is not the name of any [[feed]]"),
    ('[topics.x]\nkeyword = ["a"]', "unknown key 'keyword' — did you mean 'keywords'?"),
    ('[mute]\nkeywords = "horoscope"', "'keywords' must be a list of strings"),
    ('[mute]\nfeeds = ["Tech Dail"]', "did you mean 'Tech Daily'?"),
    ('[views.v]\ndays = -1', "'days' must be a whole number of days"),
    ('[views.v]\nsearch = "after:someday"', "[views.v]: 'search' 'after:someday':"),
    ('[views.v]\nunread = "yes"', "'unread' must be true or false"),
])
def test_rule_tables_explain_their_errors(tmp_path, table, message):
    path = tmp_path / "feeds.toml"
    path.write_text(f'{table}\n\n[[feed]]\nname = "Tech Daily"\nurl = "https://tech.example/rss"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value) and str(caught.value).startswith(f"{path}:")


def test_feed_overrides_are_checked(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text('[[feed]]\nname = "A"\nurl = "https://a.example/rss"\ncategories = "no"\n')
    with pytest.raises(ConfigError, match="'categories' must be true or false"):
        load_config(path)
