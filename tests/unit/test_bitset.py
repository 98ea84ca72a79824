"""Sets of positions as ints (newstui.core.bitset), and the filters and topic counts built on them
checked against a plain walk over every headline, on a real store of seeded random articles:
topics from feeds, categories and rules, copies, undated articles, [mute], flags, date ranges,
feed and topic qualifiers, in every combination drawn."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newstui.core import bitset, snapshot
from newstui.core.config import load_config
from newstui.core.library import Filter, Library
from newstui.core.models import Article
from newstui.core.store import Store
from newstui.core.topics import TopicClassifier

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@given(st.sets(st.integers(0, 299)), st.integers(300, 310))
def test_pack_and_unpack_are_inverse(places, n):
    bits = bitset.pack(sorted(places), n)
    assert bitset.unpack(bits) == sorted(places)
    assert bits.bit_count() == len(places)
    assert bitset.pack(list(reversed(sorted(places))), n) == bits  # any order
    column = bitset.to_column(bits, n)
    assert len(column) == n and [p for p in range(n) if column[p]] == sorted(places)
    assert bitset.pack_column(column) == bits


@given(st.integers(0, 50), st.integers(0, 50))
def test_span(lo, hi):
    assert bitset.unpack(bitset.span(lo, hi)) == list(range(lo, hi))
    assert bitset.pack(range(lo, hi), 60) == bitset.span(lo, hi)


@pytest.mark.parametrize("width", [1, 7, 60, 61, 130])
def test_columns_transpose_the_masks(width):
    rng = random.Random(width)
    masks = [rng.getrandbits(width) for _ in range(500)]
    columns = bitset.columns(masks, width)
    assert len(columns) == width
    for b in range(width):
        assert bitset.unpack(columns[b]) == [p for p, m in enumerate(masks) if m >> b & 1]


def test_empty_sets():
    assert bitset.unpack(0) == [] and bitset.pack([], 0) == 0 and bitset.to_column(0, 0) == b""
    assert bitset.columns([], 3) == [0, 0, 0] and bitset.pack_column(b"") == 0


# -- filters and counts against a walk over every headline ----------------------------------------

FEEDS = ["Alpha", "Beta", "Gamma", "Delta", "Noise"]
CATEGORIES = ["Tech", "Technology", "Politics", "Science", "Sport", "Asia", "Europe", "Health"]
WORDS = ["python", "election", "comet", "horoscope", "market", "vaccine", "storm", "final"]
TOML = """
[topics.tech]
keywords = ["python"]
aliases = ["Technology"]

[topics.space]
keywords = ["comet"]

[topics.health]
keywords = ["vaccine"]
exclude = ["horoscope"]

[mute]
keywords = ["horoscope"]
feeds = ["Noise"]

[[feed]]
name = "Alpha"
url = "https://alpha.example/rss"
topics = ["world"]

[[feed]]
name = "Beta"
url = "https://beta.example/rss"

[[feed]]
name = "Gamma"
url = "https://gamma.example/rss"
categories = false

[[feed]]
name = "Delta"
url = "https://delta.example/rss"
exclude_topics = ["politics"]

[[feed]]
name = "Noise"
url = "https://noise.example/rss"
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    library = seeded_library(tmp_path_factory.mktemp("bits"))
    yield library
    library.store.close()


def seeded_library(tmp: Path) -> Library:
    """400 seeded random articles: topics from feeds, categories (aliased) and rules, copies,
    undated ones, [mute] by feed and keyword, some read, some starred."""
    (tmp / "feeds.toml").write_text(TOML)
    config = load_config(tmp / "feeds.toml")
    store = Store(tmp / "db.json", classifier=TopicClassifier(config))
    rng = random.Random(7)
    articles = []
    for i in range(400):
        feed = rng.choice(FEEDS)
        link = f"https://news.example/{rng.randrange(340)}"  # some links twice: copies
        published = None if rng.random() < 0.05 else NOW - timedelta(hours=rng.randrange(24 * 60))
        title = " ".join(rng.sample(WORDS, 2)) + f" {i}"
        summary = "<p>" + " ".join(rng.sample(WORDS, 3)) + "</p>"  # words found in the text only
        articles.append(Article(f"a{i}", feed, title, link=link, published=published, summary=summary,
                                categories=tuple(rng.sample(CATEGORIES, rng.randrange(4)))))
    store.upsert_articles(articles)
    store.set_flags([a.id for a in articles if rng.random() < 0.4], read=True)
    store.set_flags([a.id for a in articles if rng.random() < 0.1], starred=True)
    return Library(config, store)


def walk(library: Library, view: Filter) -> list[int]:
    """The positions ``view`` keeps, by looking at every headline."""
    snap = library.snapshot
    query = view.parsed
    required = {t for t in (view.topic, *query.topics) if t}
    out = []
    for p, r in enumerate(snap.order):
        h = snap.headline(r)
        topics = set(h.topics)
        published = snap.published[r]
        if view.starred and not h.starred or view.unread_only and h.read:
            continue
        if (r in snap.muted_rows) != view.muted:
            continue
        if not required <= topics or view.topics and not topics & set(view.topics):
            continue
        if topics & set(query.not_topics):
            continue
        if view.feed and h.feed != view.feed or view.feeds and h.feed.casefold() not in {
                f.casefold() for f in view.feeds} or not query.feed_ok(h.feed):
            continue
        after = max((t for t in (view.after, query.after) if t is not None), default=None)
        before = min((t for t in (view.before, query.before) if t is not None), default=None)
        if (after is not None or before is not None) and published is None:
            continue
        if after is not None and published < after or before is not None and published >= before:
            continue
        out.append(p)
    return out


def random_filter(rng: random.Random, topics: list[str]) -> Filter:
    day = (NOW - timedelta(days=rng.randrange(60))).timestamp()
    qualifiers = []
    if rng.random() < 0.3:
        qualifiers.append(f"topic:{rng.choice(topics)}")
    if rng.random() < 0.2:
        qualifiers.append(f"-topic:{rng.choice(topics)}")
    if rng.random() < 0.2:
        qualifiers.append(f"feed:{rng.choice(FEEDS)}")
    if rng.random() < 0.2:
        qualifiers.append(f"-feed:{rng.choice(FEEDS)}")
    return Filter(
        topic=rng.choice(topics) if rng.random() < 0.4 else None,
        topics=tuple(rng.sample(topics, rng.randrange(1, 4))) if rng.random() < 0.3 else (),
        starred=rng.random() < 0.15, unread_only=rng.random() < 0.4, muted=rng.random() < 0.1,
        feed=rng.choice(FEEDS) if rng.random() < 0.2 else None,
        feeds=tuple(rng.sample(FEEDS, 2)) if rng.random() < 0.2 else (),
        after=day if rng.random() < 0.3 else None,
        before=day + rng.randrange(1, 20) * 86400 if rng.random() < 0.3 else None,
        query=" ".join(qualifiers),
    )


def test_every_combination_keeps_what_a_walk_keeps(library):
    topics = [*library.snapshot.bits, "nosuch"]
    rng = random.Random(11)
    seen_nonempty = 0
    for _ in range(400):
        view = random_filter(rng, topics)
        library._filter.forget()
        got = list(library._filter.of(view))
        assert got == walk(library, view), view
        seen_nonempty += bool(got)
    assert seen_nonempty > 100  # the draws are not all empty


def test_topic_counts_follow_the_filter_as_a_walk_counts(library):
    snap = library.snapshot
    rng = random.Random(12)
    for _ in range(150):
        view = random_filter(rng, list(snap.bits))
        library._filter.forget()
        counts = {c.name: (c.unread, c.total) for c in library.topic_counts(view)}
        everything, starred = library.counts(view)
        base = replace(view, topic=None, starred=False)
        rows = [snap.order[p] for p in walk(library, base)]
        rows = [r for r in rows if r not in snap.secondary]  # a copy counts once
        expect: dict[str, list[int]] = {}
        for r in rows:
            for t in snap.headline(r).topics:
                pair = expect.setdefault(t, [0, 0])
                pair[0] += not snap.read[r]
                pair[1] += 1
        assert {t: c for t, c in counts.items() if c != (0, 0)} == {t: tuple(c) for t, c in expect.items()}
        assert (everything.unread, everything.total) == (sum(not snap.read[r] for r in rows), len(rows))
        starred_rows = [r for r in rows if snap.starred[r]]
        assert (starred.unread, starred.total) == (sum(not snap.read[r] for r in starred_rows), len(starred_rows))


def test_flags_changed_are_seen_by_the_next_filter_and_counts(library):
    snap = library.snapshot
    view = Filter(unread_only=True, feed="Alpha")
    before = list(library._filter.of(view))
    assert before
    r = snap.order[before[0]]
    snap.set_flag(r, "read", True)
    library._filter.flags_changed()
    try:
        assert list(library._filter.of(view)) == walk(library, view) == before[1:]
        assert library.counts(view)[0].unread == len([p for p in before[1:] if snap.order[p] not in snap.secondary])
    finally:
        snap.set_flag(r, "read", False)
        library._filter.flags_changed()


@pytest.mark.parametrize("by_sets", [False, True])
def test_the_unread_counts_follow_flags_set_one_at_a_time_or_by_the_hundred(tmp_path, monkeypatch, by_sets):
    """The topic list's own counts are kept up to date as flags change (by each row's topic
    bits; for many rows at once, by the topics' sets): they must stay what counting the store
    afresh gives, copies counted once and muted articles not at all."""
    monkeypatch.setattr(snapshot, "MANY_FLAGS", 10 if by_sets else 10**9)
    library = seeded_library(tmp_path)
    snap = library.snapshot
    snap.topic_bits  # noqa: B018  (made after the first paint in the reader)
    ids = list(snap.ids)
    rng = random.Random(3)

    def counted(lib: Library) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
        everything, _ = lib.counts()
        return ({c.name: (c.unread, c.total) for c in lib.topic_counts()}, (everything.unread, everything.total))

    for flags in ([ids[3]], rng.sample(ids, 300), ids, rng.sample(ids, 40), rng.sample(ids, 350)):
        library.set_flags(flags, read=rng.random() < 0.5)
        library.set_flags(rng.sample(flags, len(flags) // 3), starred=True)
        assert counted(library) == counted(Library(library.config, Store(tmp_path / "db.json")))
    library.store.close()


def test_searches_rank_as_the_index_does_and_combine_with_every_filter(library):
    """Through the index's sets of positions (SearchIndex.match_sets), a search lists what the
    index's own ranked search lists (every word in the title, some, none; newest first in each),
    less what the other parts of the filter leave out."""
    assert library.wait_for_search()
    snap = library.snapshot
    index = library.search_index
    rng = random.Random(13)
    topics = list(snap.bits)
    queries = [*WORDS, "python comet", '"storm final"', "-horoscope", "python -market", "ele", "mark* vacc"]
    for text in queries:
        view = Filter(query=text, typing=text == "ele")
        library._filter.forget()
        expect = [aid for aid, _ in index.search(view.parsed)]
        got = [snap.ids[snap.order[p]] for p in library._filter.of(view)]
        muted = {snap.ids[r] for r in snap.muted_rows}
        assert got == [aid for aid in expect if aid not in muted], text
        for _ in range(8):
            narrowed = replace(random_filter(rng, topics), query=text, typing=view.typing)
            library._filter.forget()
            keep = {snap.ids[snap.order[p]] for p in walk(library, replace(narrowed, query=""))}
            got = [snap.ids[snap.order[p]] for p in library._filter.of(narrowed)]
            assert got == [aid for aid in expect if aid in keep], (text, narrowed)
