"""Suggested topics for articles nothing else gives one: through a real store and the library."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from newstui.core.library import Filter, Library
from newstui.core.models import Article, Config, Feed
from newstui.core.store import Store
from newstui.core.topics import TopicClassifier

NOW = datetime(2026, 11, 1, tzinfo=UTC)
SPORT = "match goal striker league season coach penalty stadium keeper referee midfield cup".split()
MONEY = "shares profit investors market bank earnings revenue quarter dividend bonds stock inflation".split()


def text(words: list[str], rng: random.Random) -> str:
    return " ".join(rng.choice(words) for _ in range(60))


def test_an_article_from_a_feed_without_topics_gets_one_suggested_and_says_why(tmp_path):
    config = Config("t.toml", feeds=(Feed("Sport Desk", "https://s.example/rss", ("sport",)),
                                     Feed("Money Desk", "https://m.example/rss", ("business",)),
                                     Feed("Mixed Blog", "https://b.example/rss")))
    rng = random.Random(7)
    articles = []
    for n in range(30):
        articles.append(Article(f"s{n}", "Sport Desk", f"Match report {n}", summary=text(SPORT, rng),
                                published=NOW - timedelta(hours=n)))
        articles.append(Article(f"m{n}", "Money Desk", f"Markets {n}", summary=text(MONEY, rng),
                                published=NOW - timedelta(hours=n)))
    articles.append(Article("b1", "Mixed Blog", "A late penalty decides the cup",
                            summary=text(SPORT, rng), published=NOW))
    articles.append(Article("b2", "Mixed Blog", "Quiet Sunday", summary="Nothing much happened today at all.",
                            published=NOW))
    with Store(tmp_path / "db.json", classifier=TopicClassifier(config)) as store:
        store.upsert_articles(articles)
        library = Library(config, store)
        assert library.headline("b1").topics == ()
        assert library.add_guessed(library.guess_topics()) >= 1
        assert library.headline("b1").topics == ("sport",)
        assert library.headline("b2").topics == ()  # nothing clear: no suggestion
        why = library.explain(library.get("b1"))
        assert why[0].topic == "sport" and why[0].source == "inferred"
        assert "articles in 'sport'" in why[0].describe() and why[0].describe().startswith("inferred: like")
        assert "b1" in [h.id for h in library.headlines(Filter(topic="sport"))]
        assert {c.name: c.total for c in library.topic_counts()}["sport"] == 31
