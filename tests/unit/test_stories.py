"""Story clusters and copies, through a real store: grouped as articles arrive, never recomputed,
copies share one read flag, and the library lists them and relates them in sections."""

from __future__ import annotations

from collections import Counter

import json
from datetime import UTC, datetime, timedelta

import pytest

from newstui.core.config import load_config
from newstui.core.library import Filter, Library
from newstui.core.models import Article
from newstui.core.related import RelatedIndex, TermStats, digest_terms, parse_digest, stem
from newstui.core.stories import StoryClusterer, cluster
from newstui.core.store import Store

NOW = datetime.now(UTC).replace(microsecond=0)

QUAKE = [
    ("Strong earthquake shakes Sanriku coast, tsunami advisory issued",
     "A magnitude 6.9 earthquake struck off the Sanriku coast of Iwate on Tuesday. The Japan "
     "Meteorological Agency issued a tsunami advisory for Iwate and Miyagi. Residents of Kamaishi "
     "moved to high ground while the earthquake shook buildings along the Sanriku coast."),
    ("Sanriku quake: Kamaishi residents flee to high ground",
     "Residents of Kamaishi in Iwate climbed to evacuation sites after the Sanriku earthquake. The "
     "Meteorological Agency lifted the tsunami advisory for the Sanriku coast three hours later. "
     "Kamaishi officials said the earthquake caused no serious damage."),
    ("Tsunami advisory lifted after Sanriku earthquake",
     "Japan lifted the tsunami advisory for Iwate and Miyagi on the Sanriku coast after the "
     "magnitude 6.9 earthquake. Kamaishi and Ofunato reported waves of 20 centimetres; the "
     "Meteorological Agency warned of aftershocks along the Sanriku coast."),
]
BANK = [
    ("Bank of Japan raises interest rate to three-decade high",
     "The Bank of Japan raised its policy interest rate to 0.75 percent, its highest in three decades. "
     "Governor Ueda said wages and inflation justified the rate rise; the yen rallied against the dollar."),
    ("Yen rallies as Bank of Japan lifts rate",
     "The yen jumped after the Bank of Japan lifted its interest rate. Governor Ueda signalled further "
     "rate rises if wages keep rising; Japanese bank shares gained on the Bank of Japan decision."),
]
COMET = [
    ("Probe sends first close-up images of comet Okabe",
     "The Hoshi probe flew within 800 kilometres of comet Okabe and sent back the first close-up images "
     "of its nucleus. Mission scientists said the comet's jets of gas were stronger than expected."),
]


def article(n: int, feed: str, title: str, text: str, hours: float = 0.0, link: str = "") -> Article:
    return Article(id=f"{feed[:1]}{n}", feed=feed, title=title, summary=f"<p>{text}</p>",
                   link=link or f"https://{feed.lower()}.example/{n}",
                   published=NOW - timedelta(hours=hours))


def stories_of(store: Store) -> dict[str, int]:
    return {aid: s for doc in store.headline_docs() for aid, s in zip(doc["id"], doc["story"])}


def dups_of(store: Store) -> dict[str, int]:
    return {aid: d for doc in store.headline_docs() for aid, d in zip(doc["id"], doc["dup"])}


def config(tmp_path, feeds=("Alpha", "Beta", "Gamma")):
    path = tmp_path / "feeds.toml"
    path.write_text("".join(f'[[feed]]\nname = "{f}"\nurl = "https://{f.lower()}.example/rss"\n' for f in feeds))
    return load_config(path)


# -- words and similarity ---------------------------------------------------------------------------


def test_digest_weights_title_names_and_plurals():
    digest = parse_digest(digest_terms(
        "Paris attacks: what we know",
        "Gunmen attacked Paris on Friday. The attacks killed 130 in Paris. Police said Abdeslam fled the city."))
    assert digest["paris"] == 2 * 2 + 2  # twice in the text, a name (x2), and in the title (+2)
    assert digest["attack"] == 1 + 2  # "attacks" folded; once in the text, plus the title
    assert digest["abdeslam"] == 2  # a name
    assert "the" not in digest and "130" not in digest
    assert stem("companies") == "company" and stem("news") == "news" and stem("crisis") == "crisis"


def test_old_digests_still_read():
    assert parse_digest("quake sanriku|tsunami coast") == {"quake": 3, "sanriku": 3, "tsunami": 1, "coast": 1}


def test_related_index_ranks_the_same_story_first_and_says_why():
    rows = [(f"q{i}", digest_terms(t, x)) for i, (t, x) in enumerate(QUAKE)]
    rows += [(f"b{i}", digest_terms(t, x)) for i, (t, x) in enumerate(BANK)]
    rows += [("c0", digest_terms(*COMET[0]))]
    index = RelatedIndex(rows)
    found = index.related_to("q0", limit=3)
    assert {s.article_id for s in found[:2]} == {"q1", "q2"}
    assert "sanriku" in found[0].shared
    assert all(s.article_id != "c0" for s in found)


def test_term_stats_follow_adds_and_removals():
    stats = TermStats()
    stats.add("quake:3 coast")
    stats.add("quake bank")
    assert stats.n == 2 and stats.df == {"quake": 2, "coast": 1, "bank": 1}
    stats.add("quake bank", -1)
    assert stats.n == 1 and stats.df == {"quake": 1, "coast": 1}


# -- clustering ---------------------------------------------------------------------------------


def test_cluster_groups_events_apart():
    texts = [*QUAKE, *BANK, *COMET]
    stories = cluster((0.0, digest_terms(t, x)) for t, x in texts)
    assert len(set(stories[:3])) == 1 and len(set(stories[3:5])) == 1
    assert len({stories[0], stories[3], stories[5]}) == 3


def test_window_keeps_the_same_words_weeks_apart_in_two_stories():
    stats = TermStats.of(digest_terms(t, x) for t, x in QUAKE)
    clusterer = StoryClusterer(stats)
    first = clusterer.assign(0.0, digest_terms(*QUAKE[0]))
    again = clusterer.assign(20 * 86400.0, digest_terms(*QUAKE[1]))
    assert first != again


def test_a_story_takes_no_article_a_week_after_it_began():
    # the same coverage every day for ten days: each day's article has yesterday's as neighbour
    stats = TermStats.of(digest_terms(t, x) for t, x in [*QUAKE, *BANK, *COMET])
    clusterer = StoryClusterer(stats)
    stories = [clusterer.assign(day * 86400.0, digest_terms(*QUAKE[day % 2])) for day in range(10)]
    assert len(set(stories[:7])) == 1  # days 0-6: within STORY_HOURS of the first
    assert stories[7] != stories[0] and len(set(stories[7:])) == 1  # a new story from day 7


def test_a_story_begun_before_the_window_still_bounds_it():
    stats = TermStats.of(digest_terms(t, x) for t, x in QUAKE)
    clusterer = StoryClusterer(stats)
    clusterer.story_began(4, -6 * 86400.0)  # its first article: six days before this one
    clusterer.add_known(0.0, 4, digest_terms(*QUAKE[0]))
    assert clusterer.assign(0.5 * 86400, digest_terms(*QUAKE[1])) == 4
    assert clusterer.assign(1.5 * 86400, digest_terms(*QUAKE[2])) != 4  # 7.5 days after it began


def chain(n: int) -> list[str]:
    """Articles of six words each sharing one with the article before: each is a little like the last
    (cosine ~0.17), the first and the third share nothing."""
    words = [f"w{i}x" for i in range(5 * n + 1)]
    return [digest_terms("", " ".join(words[5 * i : 5 * i + 6])) for i in range(n)]


def test_a_chain_of_articles_each_like_the_last_does_not_snowball():
    digests = chain(12)
    stats = TermStats.of(digests + [digest_terms(*t) for t in [*QUAKE, *BANK, *COMET]] * 20)
    clusterer = StoryClusterer(stats)
    stories = [clusterer.assign(i * 600.0, d) for i, d in enumerate(digests)]
    assert stories[0] == stories[1]  # neighbours do join
    assert max(Counter(stories).values()) <= 4  # but the chain breaks up


def test_merges_join_two_stories_an_article_bridges():
    stats = TermStats.of(digest_terms(t, x) for t, x in [*QUAKE, *BANK, *COMET])
    clusterer = StoryClusterer(stats)
    clusterer.add_known(0.0, 7, digest_terms(*QUAKE[0]))
    clusterer.add_known(0.0, 9, digest_terms(*QUAKE[1]))  # one event split in two stories
    clusterer.assign(0.0, digest_terms(*QUAKE[2]))
    assert clusterer.merges() in ({9: 7}, {7: 9})


# -- through the store --------------------------------------------------------------------------


def test_stories_are_assigned_incrementally_as_refreshes_come(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([article(0, "Alpha", *QUAKE[0], hours=5), article(0, "Beta", *BANK[0], hours=5),
                           article(1, "Gamma", *COMET[0], hours=4)])
    before = stories_of(store)
    assert len(set(before.values())) == 3 and 0 not in before.values()
    # a later refresh: two more outlets on the quake, one on the bank
    store.upsert_articles([article(1, "Beta", *QUAKE[1], hours=2), article(2, "Gamma", *QUAKE[2], hours=1),
                           article(3, "Alpha", *BANK[1], hours=1)])
    after = stories_of(store)
    assert {k: after[k] for k in before} == before  # nothing stored before was renumbered
    assert after["B1"] == after["G2"] == after["A0"]
    assert after["A3"] == after["B0"] != after["A0"]
    state = json.loads((tmp_path / "db.details.json").read_text())["stories"]
    assert state["n"] == 6 and state["df"]["sanriku"] == 3


def test_copies_share_a_story_and_a_read_flag(tmp_path):
    store = Store(tmp_path / "db.json")
    link = "https://www.wire.example/2026/quake-sanriku/"
    store.upsert_articles([article(0, "Alpha", *QUAKE[0], hours=3, link=link)])
    store.set_flags(["A0"], read=True)
    copy = article(0, "Beta", "Quake off Sanriku (wire)", QUAKE[0][1], hours=2,
                   link="http://wire.example/2026/quake-sanriku?utm_source=rss&utm_medium=feed")
    store.upsert_articles([copy])
    dups = dups_of(store)
    assert dups["A0"] == dups["B0"] != 0
    assert stories_of(store)["A0"] == stories_of(store)["B0"]
    read, _ = Store(tmp_path / "db.json").flag_sets()
    assert "B0" in read  # the copy arrived after the original was read: read too


def test_the_feeds_own_canonical_link_makes_copies(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([article(0, "Alpha", *BANK[0], link="https://news.example/boj-rate")])
    store.upsert_articles([Article(id="B0", feed="Beta", title="BoJ lifts rate", summary=BANK[1][1],
                                   link="https://feeds.example/~r/beta/123", published=NOW,
                                   canonical="https://news.example/boj-rate")])
    dups = dups_of(store)
    assert dups["A0"] == dups["B0"] != 0


def test_an_old_store_is_upgraded_at_its_next_write(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([article(0, "Alpha", *QUAKE[0], hours=3), article(1, "Beta", *QUAKE[1], hours=2)])
    store.close()
    # what a store before stories looked like: no story/dup columns, no state, no canonical links
    main = json.loads((tmp_path / "db.json").read_text())
    for doc in main["headlines"].values():
        del doc["story"], doc["dup"]
    (tmp_path / "db.json").write_text(json.dumps(main))
    details = json.loads((tmp_path / "db.details.json").read_text())
    del details["stories"]
    for doc in details["details"].values():
        del doc["canon"]
    (tmp_path / "db.details.json").write_text(json.dumps(details))
    store = Store(tmp_path / "db.json")
    library = Library(config(tmp_path), store)
    assert [h.story for h in library.headlines()] == [0, 0]  # readable before the upgrade
    store.upsert_articles([article(2, "Gamma", *QUAKE[2], hours=1)])
    stories = stories_of(Store(tmp_path / "db.json"))
    assert stories["A0"] == stories["B1"] == stories["G2"] != 0


def test_reindex_keeps_canonical_links_and_story_state(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([article(0, "Alpha", *QUAKE[0]), article(1, "Beta", *QUAKE[1])])
    store.reindex()
    details = json.loads((tmp_path / "db.details.json").read_text())
    assert details["stories"]["n"] == 2
    assert all(doc["canon"] for doc in details["details"].values())


# -- the library ------------------------------------------------------------------------------------


@pytest.fixture
def library(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([
        article(0, "Alpha", *QUAKE[0], hours=5), article(1, "Beta", *QUAKE[1], hours=3),
        article(2, "Gamma", *QUAKE[2], hours=1), article(3, "Alpha", *BANK[0], hours=4),
        article(4, "Beta", *BANK[1], hours=2), article(5, "Gamma", *COMET[0], hours=0.5),
        article(6, "Beta", "Sanriku quake (wire copy)", QUAKE[0][1], hours=4.5,
                link="https://alpha.example/0?utm_campaign=x"),
    ])
    return Library(config(tmp_path), store)


def test_copies_are_listed_once_with_their_count(library):
    rows = library.headlines()
    assert [h.id for h in rows].count("A0") + [h.id for h in rows].count("B6") == 1
    (shown,) = [h for h in rows if h.id in ("A0", "B6")]
    assert shown.copies == 2 and len(rows) == 6


def test_reading_one_copy_reads_them_all(library, tmp_path):
    library.set_flags(["B6"], read=True)
    read, _ = Store(tmp_path / "db.json").flag_sets()
    assert {"A0", "B6"} <= read
    assert library.headline("A0").read


def test_grouped_view_folds_stories_and_opens_them(library):
    rows = library.headlines(Filter(stories=True))
    quake = next(h for h in rows if h.id == "G2")
    assert quake.grouped == 3 and quake.sources == 3  # 3 articles (the copy counted once) from 3 feeds
    assert quake.since is not None and [h.id for h in rows].count("B1") == 0
    assert len(rows) == 3  # quake, bank, comet
    opened = library.headlines(Filter(stories=True, opened=frozenset({quake.story})))
    ids = [h.id for h in opened]
    at = ids.index("G2")
    assert ids[at + 1: at + 3] == ["B1", "A0"] or ids[at + 1: at + 3] == ["B1", "B6"]
    assert opened[at + 1].member and opened.position("B1") == at + 1
    filtered = library.headlines(Filter(stories=True, feed="Gamma"))  # a story of one row is not a group
    assert all(not h.grouped for h in filtered)


def test_unread_ids_are_every_unread_article_a_list_stands_for(library):
    """What "mark all shown read" marks: each row's article, or every article of a closed
    story's row; once each, in list order; read ones left out."""
    library.set_flags(["B1"], read=True)
    quake = next(h for h in library.headlines(Filter(stories=True)) if h.id == "G2")
    for view in (Filter(), Filter(stories=True), Filter(stories=True, opened=frozenset({quake.story})),
                 Filter(stories=True, feed="Beta")):
        rows = library.headlines(view)
        walked = [i for h in rows for i in (rows.stands_for(h.id) if h.grouped else [h.id])]
        expected = [i for i in dict.fromkeys(walked) if not library.headline(i).read]
        assert rows.unread_ids() == expected
        assert "B1" not in expected
    closed = library.headlines(Filter(stories=True)).unread_ids()
    assert "G2" in closed and {"A0", "B6"} & set(closed)  # the quake's row: its other unread one too


def test_related_sections(library):
    assert library.wait_for_related(5) or True
    rows = library.related("B1")
    sections = [(h.id, s.section) for h, s in rows]
    same = [aid for aid, section in sections if section == "same"]
    assert same[:2] == ["G2", "A0"] or same[:2] == ["G2", "B6"]  # the story, newest first
    assert all(section != "same" for aid, section in sections if aid.startswith(("A3", "B4", "G5")))
    copy_rows = [s for h, s in library.related("A0") if s.copy]
    assert [s.shared for s in copy_rows] == [("the same link",)]
    head = dict(sections)
    assert "A3" not in head or head["A3"] in ("earlier", "later")


def test_a_write_after_the_related_index_keeps_every_articles_details(library, tmp_path):
    """A refresh after the related index was built (from the details file the write then
    adds to): nothing stored before is lost, and the new article relates too."""
    library.index_related()
    assert library.wait_for_related(5)
    assert library.link("A0") == "https://alpha.example/0"
    library.store.upsert_articles([article(7, "Alpha", "Aftershock rattles Sanriku coast again",
                                           QUAKE[2][1], hours=0.2)])
    details = json.loads((tmp_path / "db.details.json").read_text())["details"]
    links = {aid: link for doc in details.values() for aid, link in doc["link"].items()}
    assert set(links) == {"A0", "B1", "G2", "A3", "B4", "G5", "B6", "A7"}
    assert all(set(doc["terms"]) == set(doc["link"]) for doc in details.values())
    fresh = Library(config(tmp_path), Store(tmp_path / "db.json"))
    assert fresh.link("B4") == "https://beta.example/4"
    assert "A7" in [h.id for h, _ in fresh.related("G2")]


def test_copies_are_counted_once(library):
    everything, _ = library.counts()
    assert (everything.unread, everything.total) == (6, 6)  # 7 stored, one of them a copy
    library.set_flags(["A0"], read=True)
    everything, _ = library.counts()
    assert everything.unread == 5
    library.reload()
    assert library.counts()[0].unread == 5


def test_a_fetched_page_relates_the_article_by_its_text(tmp_path):
    from newstui.core.models import FullText

    store = Store(tmp_path / "db.json")
    teaser = article(0, "Alpha", "Big news from the coast", "Read more on our site.", hours=2)
    store.upsert_articles([teaser, article(1, "Beta", *QUAKE[1], hours=1), article(2, "Gamma", *BANK[0])])
    library = Library(config(tmp_path), store)
    assert all(h.id != "B1" or s.score < 0.1 for h, s in library.related("A0"))
    page = FullText(url=teaser.link, fetched=NOW, html=f"<p>{QUAKE[0][1]}</p>", words=60)
    assert store.save_full_text("A0", page)
    library.page_saved("A0")
    assert library.related("A0")[0][0].id == "B1"  # at once, in the open reader
    assert Library(config(tmp_path), Store(tmp_path / "db.json")).related("A0")[0][0].id == "B1"  # and stored
    store.prune("Alpha", keep=0)
    assert "A0" not in Store(tmp_path / "db.json").page_terms()


def test_damaged_story_state_is_worked_out_again(tmp_path):
    store = Store(tmp_path / "db.json")
    store.upsert_articles([article(0, "Alpha", *QUAKE[0], hours=3)])
    store.close()
    details = json.loads((tmp_path / "db.details.json").read_text())
    details["stories"] = {"n": "many", "df": [1, 2]}
    (tmp_path / "db.details.json").write_text(json.dumps(details))
    store = Store(tmp_path / "db.json")
    store.upsert_articles([article(1, "Beta", *QUAKE[1], hours=2)])
    stories = stories_of(store)
    assert stories["A0"] == stories["B1"] != 0
    assert json.loads((tmp_path / "db.details.json").read_text())["stories"]["n"] == 2
