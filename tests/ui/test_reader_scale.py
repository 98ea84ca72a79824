"""The reader over 100,000 articles: jumping to the end, filtering and marking read stay correct.

The store is built once per session through the public Store API (200 feeds × 500 articles, one
``apply_refresh``) and copied for every test, so a test that marks articles read never changes
what the next one sees. Every expectation is computed from how the articles were generated (the
helpers below), never by asking the library the question under test. No timing is asserted.

Article ``k`` (0 ≤ k < 100,000): id ``a{k:05d}``, feed ``feed{k % 200:03d}``, published ``k + 1``
minutes before FIXED_NOW (so ``k`` is also its row: newest first, no ties), title
``Story {k:05d}`` plus `` quake`` when k % 7 == 0 and `` zebra crossing`` when k % 1000 == 3.
Topics: the keyword rule ``quake``; feeds 0-9 are ``science``, feeds 10-19 ``tech`` and
``quake``; categories ``Markets`` (k % 1000 == 500), ``Science`` (k % 1000 == 999) and
``Tech`` + ``Markets`` (k % 1000 == 10, already tech by its feed). Read before the reader starts:
k % 4 == 1; starred: k % 5000 == 0.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from pilot_helpers import FIXED_NOW, SIZE, headline_rows, option_texts, screen_text, search_ready

from newstui.core.dates import age
from newstui.core.models import Article, Config, Feed, Settings, TopicRule
from newstui.core.search_index import SearchIndex
from newstui.core.search_sync import index_path, sync
from newstui.core.store import FeedUpdate, Store
from newstui.core.topics import TopicClassifier
from newstui.ui.app import NewsApp, make_app
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.status import StatusLine
from newstui.ui.widgets.topics import TopicList

N = 100_000
FEEDS = 200
KS = range(N)


# -- the generated data, and what every filter should show ---------------------------------------


def aid(k: int) -> str:
    return f"a{k:05d}"


def feed_of(k: int) -> str:
    return f"feed{k % FEEDS:03d}"


def title_of(k: int) -> str:
    quake = " quake" if k % 7 == 0 else ""
    zebra = " zebra crossing" if k % 1000 == 3 else ""
    return f"Story {k:05d}{quake}{zebra}"


def categories_of(k: int) -> tuple[str, ...]:
    return {500: ("Markets",), 999: ("Science",), 10: ("Tech", "Markets")}.get(k % 1000, ())


def initially_read(k: int) -> bool:
    return k % 4 == 1


def initially_starred(k: int) -> bool:
    return k % 5000 == 0


TOPICS: dict[str, Callable[[int], bool]] = {  # in the order the topic list shows them
    "quake": lambda k: k % 7 == 0 or 10 <= k % FEEDS < 20,  # the keyword rule, or the feed's topic
    "science": lambda k: k % FEEDS < 10 or k % 1000 == 999,
    "tech": lambda k: 10 <= k % FEEDS < 20,  # k % 1000 == 10 is a tech feed's article already
    "markets": lambda k: k % 1000 in (10, 500),  # not declared: listed after the declared ones
}


def ids(ks) -> list[str]:
    return [aid(k) for k in ks]


def unread_in(test: Callable[[int], bool], read: set[int] | None = None) -> int:
    read_now = read if read is not None else {k for k in KS if initially_read(k)}
    return sum(1 for k in KS if test(k) and k not in read_now)


def expected_topic_texts(
    read: set[int] | None = None, starred: set[int] | None = None
) -> list[str]:
    """The topic list as the user reads it: names and unread counts."""
    read_now = read if read is not None else {k for k in KS if initially_read(k)}
    starred_now = starred if starred is not None else {k for k in KS if initially_starred(k)}
    starred_unread = len(starred_now - read_now)
    rows = [f"All {N - len(read_now)}"]
    rows.append(f"★ Starred {starred_unread}" if starred_unread else "★ Starred")
    rows += [f"{name} {unread_in(test, read_now)}" for name, test in TOPICS.items()]
    return rows


def expected_row(k: int, *, read: bool | None = None, starred: bool | None = None) -> str:
    """Row ``k`` as the headline list draws it (trailing blanks cut)."""
    read = initially_read(k) if read is None else read
    starred = initially_starred(k) if starred is None else starred
    when = age(FIXED_NOW - timedelta(minutes=k + 1), FIXED_NOW)
    marks = f"{' ' if read else '●'}{'★' if starred else ' '}"
    return f"{marks} {feed_of(k):<16} {when:>4}  {title_of(k)}"


INITIAL_UNREAD = sum(1 for k in KS if not initially_read(k))


def test_the_generated_expectations_are_what_the_docstring_says():
    # guards the helpers themselves, by hand-counted numbers
    assert INITIAL_UNREAD == 75_000
    assert sum(1 for k in KS if k % 7 == 0) == 14_286
    assert sum(1 for k in KS if TOPICS["tech"](k)) == 5_000
    assert sum(1 for k in KS if TOPICS["science"](k)) == 5_100
    assert sum(1 for k in KS if TOPICS["markets"](k)) == 200
    assert expected_row(0) == "●★ feed000            1m  Story 00000 quake"
    assert expected_row(N - 1) == "●  feed199          2026-09-19  Story 99999"


# -- the store, built once ------------------------------------------------------------------------


def scale_config(directory: Path) -> Config:
    feeds = tuple(
        Feed(
            f"feed{f:03d}",
            (directory / f"feed{f:03d}.xml").as_uri(),  # never fetched: the reader starts offline
            ("science",) if f < 10 else ("tech", "quake") if f < 20 else (),
        )
        for f in range(FEEDS)
    )
    rules = (TopicRule("quake", ("quake",)),)
    settings = Settings(group_stories=False)  # one row per article: the tests count them
    return Config(path=str(directory / "feeds.toml"), feeds=feeds, topics=rules, settings=settings)


@dataclass
class BuiltStore:
    directory: Path
    config: Config
    seconds: dict[str, float]


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> BuiltStore:
    directory = tmp_path_factory.mktemp("scale100k")
    config = scale_config(directory)
    started = time.perf_counter()
    batches: dict[str, list[Article]] = {f"feed{f:03d}": [] for f in range(FEEDS)}
    for k in KS:
        batches[feed_of(k)].append(
            Article(
                aid(k), feed_of(k), title_of(k), link=f"https://example.test/{k}",
                published=FIXED_NOW - timedelta(minutes=k + 1), categories=categories_of(k),
            )
        )
    made = time.perf_counter()
    # The classifier the reader will use: the stored keyword matches are then current, so the
    # reader does not start a reindex of its own.
    with Store(directory / "db.json", classifier=TopicClassifier(config)) as store:
        updates = [FeedUpdate(None, batch, feed=name) for name, batch in batches.items()]
        store.apply_refresh(updates)
        assert sum(len(u.new_ids) for u in updates) == N
        stored = time.perf_counter()
        store.set_flags(ids(k for k in KS if initially_read(k)), read=True)
        store.set_flags(ids(k for k in KS if initially_starred(k)), starred=True)
        index = SearchIndex(index_path(store))
        sync(index, store)  # built once here: each reader over a copy only brings it up to date
        index.close()
    done = time.perf_counter()
    seconds = {"articles": made - started, "apply_refresh": stored - made, "flags": done - stored,
               "total": done - started}
    print(f"\n100k store built in {seconds}")  # seen with -s
    return BuiltStore(directory, config, seconds)


@dataclass
class Scale:
    """A private copy of the built store and the reader over it."""

    directory: Path
    config: Config
    store: Store
    opened: list[str] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.directory / "db.json"

    def app(self) -> NewsApp:
        return make_app(self.config, self.store, refresh_on_start=False, clock=lambda: FIXED_NOW,
                        open_url=self.opened.append)

    def stored_flags(self) -> tuple[set[int], set[int]]:
        """(read, starred) as row numbers, as a fresh Store on the same files reads them."""
        with Store(self.db_path) as fresh:
            read, starred = fresh.flag_sets()
        return {int(i[1:]) for i in read}, {int(i[1:]) for i in starred}


@pytest.fixture(autouse=True)
def _release_the_reader() -> Iterator[None]:
    """After each test, let the collector free its reader. The app freezes the heap after its
    first frame (``gc.freeze``, see NewsApp._after_first_frame) and so does the library after a
    load: right for one reader per process, but in a test session every frozen app, with its
    100k-row snapshot (~100 MB), would stay for good."""
    yield
    gc.unfreeze()
    gc.collect()


@pytest.fixture
def scale(built_store: BuiltStore, tmp_path: Path) -> Iterator[Scale]:
    directory = tmp_path / "store"
    shutil.copytree(built_store.directory, directory)
    scale = Scale(directory, built_store.config, Store(directory / "db.json"))
    yield scale
    scale.store.close()


def initial_read() -> set[int]:
    return {k for k in KS if initially_read(k)}


def initial_starred() -> set[int]:
    return {k for k in KS if initially_starred(k)}


def widgets(app) -> tuple[TopicList, HeadlineList, StatusLine]:
    screen = app.screen
    return screen.query_one(TopicList), screen.query_one(HeadlineList), screen.query_one(StatusLine)


def visible_ks(headlines: HeadlineList, rows: list[int]) -> list[int]:
    """The generated rows the list should show now: ``rows`` from the scroll offset on."""
    top = round(headlines.scroll_offset.y)
    return rows[top : top + headlines.scrollable_content_region.height]


def drawn_row(app, k: int) -> str:
    """The drawn row of list position ``k`` (which must be on screen)."""
    headlines = app.screen.query_one(HeadlineList)
    y = k - round(headlines.scroll_offset.y)
    assert 0 <= y < headlines.scrollable_content_region.height, (k, headlines.scroll_offset)
    return headline_rows(app)[y]


def status_text(view: str, shown: int, unread: int) -> str:
    return f"{view} · {shown} shown · {unread} unread"


# -- tests ----------------------------------------------------------------------------------------


async def test_the_list_holds_every_article_newest_first(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        topics, headlines, status = widgets(app)
        assert len(headlines.articles) == N
        assert [h.id for h in headlines.articles] == ids(KS)  # the whole order, row by row
        assert headlines.cursor == 0 and headlines.current.id == aid(0)
        assert headlines.current.title == "Story 00000 quake"
        assert headlines.current.published == FIXED_NOW - timedelta(minutes=1)
        assert headlines.articles[N - 1].id == aid(N - 1)
        assert headline_rows(app) == [expected_row(k) for k in range(len(headline_rows(app)))]
        assert len(headline_rows(app)) == headlines.scrollable_content_region.height
        assert option_texts(topics) == expected_topic_texts()
        assert status.plain == status_text("all", N, INITIAL_UNREAD)


async def test_G_jumps_to_the_oldest_article_and_g_back_to_the_newest(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, _ = widgets(app)
        height = headlines.scrollable_content_region.height

        await pilot.press("G")
        await pilot.pause()
        assert headlines.cursor == N - 1
        assert headlines.current.id == aid(N - 1) and headlines.current.title == "Story 99999"
        assert headlines.current.published == FIXED_NOW - timedelta(minutes=N)
        rows = headline_rows(app)
        assert rows == [expected_row(k) for k in range(N - height, N)]  # scrolled to the very end
        assert rows[-1] == "●  feed199          2026-09-19  Story 99999"
        assert round(headlines.scroll_offset.y) == N - height
        shown = screen_text(app)  # the composed frame, not just the widget's lines
        assert "Story 99999" in shown and "Story 00000" not in shown
        await pilot.press("j")  # stops at the bottom
        assert headlines.cursor == N - 1

        await pilot.press("g")
        await pilot.pause()
        assert headlines.cursor == 0 and headlines.current.id == aid(0)
        assert round(headlines.scroll_offset.y) == 0
        assert headline_rows(app) == [expected_row(k) for k in range(height)]

        await pilot.press("end")
        await pilot.pause()
        assert headlines.current.id == aid(N - 1) and headline_rows(app)[-1] == expected_row(N - 1)
        await pilot.press("k")
        await pilot.pause()
        assert headlines.current.id == aid(N - 2)
        await pilot.press("home")
        await pilot.pause()
        assert headlines.current.id == aid(0) and headline_rows(app)[0] == expected_row(0)


async def test_page_down_and_up_move_by_a_page(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, _ = widgets(app)
        height = headlines.scrollable_content_region.height
        page = height - 1

        await pilot.press("pagedown")
        await pilot.pause()
        assert headlines.cursor == page and headlines.current.id == aid(page)
        assert expected_row(page) in headline_rows(app)
        await pilot.press("space", "space")
        await pilot.pause()
        assert headlines.cursor == 3 * page and headlines.current.id == aid(3 * page)
        assert headline_rows(app) == [expected_row(k) for k in visible_ks(headlines, list(KS))]
        assert expected_row(3 * page) in headline_rows(app)
        await pilot.press("b")
        await pilot.pause()
        assert headlines.cursor == 2 * page and expected_row(2 * page) in headline_rows(app)

        await pilot.press("G", "pageup")
        await pilot.pause()
        assert headlines.cursor == N - 1 - page and headlines.current.id == aid(N - 1 - page)
        assert expected_row(N - 1 - page) in headline_rows(app)
        await pilot.press("pagedown", "pagedown")  # stops at the bottom
        await pilot.pause()
        assert headlines.cursor == N - 1 and headline_rows(app)[-1] == expected_row(N - 1)


async def test_each_topic_shows_exactly_its_articles(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, status = widgets(app)
        await pilot.press("shift+tab")
        assert app.focused is topics

        await pilot.press("j")  # ★ Starred
        await pilot.pause()
        starred = [k for k in KS if initially_starred(k)]
        assert [h.id for h in headlines.articles] == ids(starred)
        assert status.plain == status_text("★ starred", 20, INITIAL_UNREAD)

        for name, test in TOPICS.items():
            await pilot.press("j")
            await pilot.pause()
            expected = [k for k in KS if test(k)]
            assert option_texts(topics)[topics.highlighted] == f"{name} {unread_in(test)}"
            assert [h.id for h in headlines.articles] == ids(expected), name
            assert status.plain == status_text(name, len(expected), INITIAL_UNREAD)
            assert headline_rows(app) == [expected_row(k) for k in visible_ks(headlines, expected)]

        # Enter moves on to the headlines of the topic; G is its oldest article
        await pilot.press("k", "k", "k")  # quake
        await pilot.pause()
        assert option_texts(topics)[topics.highlighted].startswith("quake ")
        await pilot.press("enter")
        assert app.focused is headlines
        quake = [k for k in KS if TOPICS["quake"](k)]
        assert headlines.cursor == 0 and headlines.current.id == aid(quake[0])
        await pilot.press("G")
        await pilot.pause()
        assert headlines.cursor == len(quake) - 1 and headlines.current.id == aid(quake[-1])
        assert headline_rows(app)[-1] == expected_row(quake[-1])
        assert headline_rows(app) == [expected_row(k) for k in visible_ks(headlines, quake)]

        await pilot.press("shift+tab", "g")  # All again
        await pilot.pause()
        assert len(headlines.articles) == N
        assert status.plain == status_text("all", N, INITIAL_UNREAD)


async def test_u_shows_the_unread_only_also_after_marking_some_read(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, status = widgets(app)
        # mark rows 0 and 2 read (row 1 is read already)
        await pilot.press("m", "j", "j", "m")
        await pilot.pause()
        read = initial_read() | {0, 2}
        assert headlines.cursor == 2

        await pilot.press("u")
        await pilot.pause()
        unread = [k for k in KS if k not in read]
        assert len(unread) == INITIAL_UNREAD - 2
        assert [h.id for h in headlines.articles] == ids(unread)
        assert status.plain == status_text("all · unread only", len(unread), len(unread))
        assert headline_rows(app) == [expected_row(k) for k in visible_ks(headlines, unread)]
        assert all(row.startswith("●") for row in headline_rows(app))

        # marking read in the unread-only view: the row stays (drawn read) until the view changes
        await pilot.press("G")
        await pilot.pause()
        assert headlines.current.id == aid(N - 1)
        await pilot.press("m")
        await pilot.pause()
        read.add(N - 1)
        assert headline_rows(app)[-1] == expected_row(N - 1, read=True)
        assert status.plain == status_text("all · unread only", len(unread), len(unread) - 1)
        assert option_texts(topics) == expected_topic_texts(read)
        await pilot.press("u", "u")
        await pilot.pause()
        unread = [k for k in KS if k not in read]
        assert [h.id for h in headlines.articles] == ids(unread)
        assert status.plain == status_text("all · unread only", len(unread), len(unread))

        # a topic with unread only
        await pilot.press("shift+tab", "j", "j", "j", "j")  # tech
        await pilot.pause()
        tech_unread = [k for k in KS if TOPICS["tech"](k) and k not in read]
        assert [h.id for h in headlines.articles] == ids(tech_unread)
        assert status.plain == status_text("tech · unread only", len(tech_unread), len(unread))

        await pilot.press("u")
        await pilot.pause()
        tech = [k for k in KS if TOPICS["tech"](k)]
        assert [h.id for h in headlines.articles] == ids(tech)
        assert scale.stored_flags() == (read, initial_starred())


async def test_search_narrows_as_you_type_and_escape_restores_every_row(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, status = widgets(app)
        await search_ready(pilot)
        quake = [k for k in KS if k % 7 == 0]  # the word is in the title (the feed topic is not)
        both = [k for k in quake if k % 1000 == 3]

        await pilot.press("slash", *"qua")  # a word being typed: a prefix
        await pilot.pause()
        assert [h.id for h in headlines.articles] == ids(quake)
        await pilot.press(*"ke")
        await pilot.pause()
        assert [h.id for h in headlines.articles] == ids(quake)
        unread = sum(1 for k in quake if not initially_read(k))
        assert status.plain == status_text("all · search “quake”", len(quake), unread)

        await pilot.press(*" zebra")
        await pilot.pause()
        assert [h.id for h in headlines.articles] == ids(both) and len(both) == 14
        assert headline_rows(app) == [expected_row(k) for k in visible_ks(headlines, both)]

        await pilot.press(*["backspace"] * 6)  # widening again: not narrowed from the last result
        await pilot.pause()
        assert [h.id for h in headlines.articles] == ids(quake)

        await pilot.press("escape")
        await pilot.pause()
        assert len(headlines.articles) == N
        assert [h.id for h in headlines.articles[:5]] == ids(range(5))
        assert status.plain == status_text("all", N, INITIAL_UNREAD)

        # every word, in any order (the last one a prefix); Enter keeps it; the cursor stays on
        # its article
        await pilot.press("slash", *"STORY 0999", "enter")
        await pilot.pause()
        nines = [k for k in KS if f"{k:05d}".startswith("0999")]
        assert [h.id for h in headlines.articles] == ids(nines) and len(nines) == 10
        assert app.focused is headlines
        await pilot.press("G")
        await pilot.pause()
        assert headlines.current.id == aid(9999)
        await pilot.press("k")
        assert headlines.current.id == aid(9998)

        await pilot.press("escape")
        await pilot.pause()
        assert len(headlines.articles) == N
        assert headlines.cursor == 9998 and headlines.current.id == aid(9998)
        assert expected_row(9998) in headline_rows(app)


async def test_m_marks_read_in_the_row_the_counts_and_the_store(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, status = widgets(app)
        k = 14  # tech and quake by its feed, quake by its title too; unread
        assert TOPICS["tech"](k) and TOPICS["quake"](k) and not initially_read(k)
        await pilot.press(*["j"] * k)
        assert headlines.current.id == aid(k)

        await pilot.press("m")
        await pilot.pause()
        read = initial_read() | {k}
        assert headlines.current.read and headlines.current.id == aid(k)
        assert drawn_row(app, k) == expected_row(k, read=True)
        texts = option_texts(topics)
        assert texts == expected_topic_texts(read)
        assert texts[0] == f"All {INITIAL_UNREAD - 1}"
        assert status.plain == status_text("all", N, INITIAL_UNREAD - 1)
        assert scale.stored_flags() == (read, initial_starred())

        await pilot.press("m")  # and back
        await pilot.pause()
        assert not headlines.current.read
        assert drawn_row(app, k) == expected_row(k)
        assert option_texts(topics) == expected_topic_texts()
        assert scale.stored_flags() == (initial_read(), initial_starred())

        await pilot.press("k", "m")  # row 13 is read already: m makes it unread
        await pilot.pause()
        assert initially_read(13) and headlines.current.id == aid(13)
        read = initial_read() - {13}
        assert drawn_row(app, 13) == expected_row(13, read=False)
        assert option_texts(topics) == expected_topic_texts(read)
        assert scale.stored_flags() == (read, initial_starred())


async def test_mark_read_and_star_the_last_row_after_G_survive_a_restart(scale):
    last = N - 1
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, status = widgets(app)
        await pilot.press("G", "m", "s")
        await pilot.pause()
        read, starred = initial_read() | {last}, initial_starred() | {last}
        current = headlines.current
        assert current.id == aid(last) and current.read and current.starred
        assert headline_rows(app)[-1] == expected_row(last, read=True, starred=True)
        assert option_texts(topics) == expected_topic_texts(read, starred)
        assert status.plain == status_text("all", N, INITIAL_UNREAD - 1)
        assert scale.stored_flags() == (read, starred)

        await pilot.press("shift+tab", "j")  # ★ Starred lists it last (it is the oldest)
        await pilot.pause()
        assert [h.id for h in headlines.articles] == ids(sorted(starred))
        await pilot.press("enter", "G")
        await pilot.pause()
        assert headlines.current.id == aid(last)
        assert headline_rows(app)[-1] == expected_row(last, read=True, starred=True)

    scale.store.close()
    scale.store = Store(scale.db_path)  # a restart: a new store and reader on the same files
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, status = widgets(app)
        shown = option_texts(topics)
        assert shown[2] == "◷ Since last visit"  # (the reader was closed once: nothing came since)
        assert shown[:2] + shown[3:] == expected_topic_texts(read, starred)
        await pilot.press("G")
        await pilot.pause()
        current = headlines.current
        assert current.id == aid(last) and current.read and current.starred
        assert headline_rows(app)[-1] == expected_row(last, read=True, starred=True)
        assert status.plain == status_text("all", N, INITIAL_UNREAD - 1)


async def test_mark_read_at_the_end_of_a_topic(scale):
    app = scale.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, status = widgets(app)
        tech = [k for k in KS if TOPICS["tech"](k)]
        oldest = tech[-1]
        assert oldest == 99_819 and not initially_read(oldest)
        await pilot.press("shift+tab", "j", "j", "j", "j", "enter", "G")  # tech, its oldest article
        await pilot.pause()
        assert headlines.current.id == aid(oldest)
        assert headline_rows(app) == [expected_row(k) for k in visible_ks(headlines, tech)]
        await pilot.press("m")
        await pilot.pause()
        read = initial_read() | {oldest}
        assert headline_rows(app)[-1] == expected_row(oldest, read=True)
        assert option_texts(topics) == expected_topic_texts(read)
        assert status.plain == status_text("tech", len(tech), INITIAL_UNREAD - 1)
        assert scale.stored_flags() == (read, initial_starred())
