"""Stories in the reader: the related pane in sections, Enter and Backspace along related stories,
copies of one article through several feeds, grouped stories (c, e, → and ←), and untrusted titles
in all of them. The real app over the offline demo and feeds written to a temp dir, a real store."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

from pilot_helpers import (
    SIZE,
    headline_rows,
    main_screen,
    move_to,
    notifications,
    option_text,
    option_texts,
    screen_text,
    wait_until,
    write_rss,
)
from rich.style import Style
from textual.content import Content

from newstui.core.models import Feed
from newstui.core.refresh import refresh_feeds
from newstui.core.store import Store
from newstui.ui.screens.help import HelpScreen
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.related import RelatedList
from newstui.ui.widgets.topics import TopicList

# The demo's Sanriku earthquake: one story from three outlets (the first is the newest).
SEAFLOOR = "How seafloor sensors gave Sanriku residents a head start on the earthquake"  # Circuit & Cosmos
FLEE = "Japan earthquake: residents flee to high ground as 6.9 quake hits north-east coast"  # Harbour Gazette
MAGNITUDE = "Magnitude 6.9 earthquake strikes off Sanriku coast; tsunami advisory lifted after three hours"  # Pacific Wire
ROTTERDAM = "Rotterdam port strike strands ships and lifts European freight rates"  # same, earlier and later
COMET = "Space probe captures first close-up images of comet Okabe"


def panes(app) -> tuple[HeadlineList, ArticlePane, RelatedList]:
    screen = app.screen
    return screen.query_one(HeadlineList), screen.query_one(ArticlePane), screen.query_one(RelatedList)


async def open_title(pilot, title: str) -> None:
    """Open ``title`` from the headline list, as a user would."""
    pilot.app.screen.query_one(HeadlineList).focus()
    await move_to(pilot, title)
    await pilot.press("enter")
    await pilot.pause()


def row_index(related: RelatedList, title: str) -> int:
    return next(i for i, text in enumerate(option_texts(related)) if title in text)


def shown_row(app, title: str) -> str:
    """The headline row showing ``title`` as the terminal shows it now (stale if not redrawn),
    without the topics pane beside it and the borders."""
    headlines = app.screen.query_one(HeadlineList).scrollable_content_region
    lines = screen_text(app).splitlines()[headlines.y : headlines.bottom]
    return next(line[headlines.x : headlines.right] for line in lines if title[:24] in line)


# -- (a) the related pane in sections -------------------------------------------------------------


async def test_the_earthquake_lists_the_other_two_outlets_as_the_same_story(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, _, related = panes(app)
        await open_title(pilot, SEAFLOOR)

        rows = option_texts(related)
        assert rows[0] == "Same story" and related.get_option_at_index(0).disabled
        same = rows[1:3]
        assert same[0].startswith("Harbour Gazette · ") and FLEE in same[0]  # newest first
        assert same[1].startswith("Pacific Wire · ") and MAGNITUDE in same[1]
        for text in same:
            words = text.split("shared: ")[1].split(", ")
            assert "earthquake" in words and "sanriku" in words  # why they are related
        assert SEAFLOOR not in " ".join(rows)
        shown = screen_text(app)
        assert "Same story" in shown and "Harbour Gazette · " in shown


async def test_sections_come_in_order_same_earlier_later(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, _, related = panes(app)
        await open_title(pilot, ROTTERDAM)
        rows = option_texts(related)
        headers = [t for i, t in enumerate(rows) if related.get_option_at_index(i).disabled]
        # (whether the older strike article is "same" or "earlier" varies with core's clustering)
        order = ["Same story", "Earlier coverage", "Later coverage"]
        assert headers[0] == "Same story" and "Later coverage" in headers
        assert headers == sorted(headers, key=order.index)
        assert all(t.startswith(("Harbour Gazette", "The Ledger", "Pacific Wire", "Circuit & Cosmos"))
                   for i, t in enumerate(rows) if not related.get_option_at_index(i).disabled)


def hold_the_related_index(monkeypatch, library) -> threading.Event:
    """Make the reader treat the demo as a big store (it doesn't wait for the related index) and
    hold the index's build until the returned event is set."""
    from newstui.ui.screens import article_text

    monkeypatch.setattr(article_text, "SMALL_STORE_ARTICLES", 0)
    release = threading.Event()
    build = library._build_related

    def held_build(snapshot):
        release.wait(10)
        build(snapshot)

    monkeypatch.setattr(library, "_build_related", held_build)
    return release


async def test_an_article_opens_at_once_while_the_related_index_is_built(reader, monkeypatch):
    """At 100,000 articles the index takes ~1 s after the start and after each reload: opening
    an article meanwhile shows it at once, the pane says it is finding related stories and
    fills in when the index is ready (for the article open by then)."""
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines, article, related = panes(app)
        screen = main_screen(app)
        release = hold_the_related_index(monkeypatch, screen.library)
        # A reload (a refresh's news) drops the index the start may have built by now; its new
        # one is held.
        await screen._reload_now()
        await open_title(pilot, FLEE)
        assert article.text.startswith(FLEE)  # not kept waiting for the index
        assert related.pending and option_texts(related) == ["Finding related stories…"]
        await open_title(pilot, SEAFLOOR)  # another one before the index is ready
        assert article.text.startswith(SEAFLOOR) and related.pending
        release.set()
        await wait_until(pilot, lambda: not related.pending)
        rows = option_texts(related)
        assert rows[0] == "Same story" and FLEE in rows[1]  # the related stories of the article open now
        assert SEAFLOOR not in " ".join(rows)


async def test_a_reload_builds_the_related_index_again_before_it_is_needed(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        library = main_screen(app).library
        await wait_until(pilot, lambda: library.related_ready)  # built after the first paint
        await main_screen(app)._reload_now()  # what a refresh with news does: a new snapshot
        # Its index is on its way (or already built: the demo's takes ms) without an open asking
        # for it; without the reload's index_related() there would be no thread to wait for.
        assert await asyncio.to_thread(library.wait_for_related, 5)
        _, _, related = panes(app)
        await open_title(pilot, SEAFLOOR)
        assert option_texts(related)[0] == "Same story"


# -- (b) Enter opens, Backspace goes back ---------------------------------------------------------


async def test_backspace_returns_to_the_first_article_with_its_row_and_focus(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines, article, related = panes(app)
        screen = main_screen(app)
        await open_title(pilot, SEAFLOOR)
        first = screen.open_id
        await pilot.press("tab", "tab")
        assert app.focused is related
        await pilot.press("j", "j")  # past the header: the second row of the story
        target = related.get_option_at_index(related.highlighted)
        assert MAGNITUDE in option_text(related, related.highlighted)

        await pilot.press("enter")
        await pilot.pause()
        assert screen.open_id == target.id and article.text.startswith(MAGNITUDE)
        assert headlines.current.title == SEAFLOOR  # a jump leaves the headline cursor alone

        await pilot.press("backspace")
        await pilot.pause()
        assert screen.open_id == first and article.text.startswith(SEAFLOOR)
        assert related.highlighted is not None
        assert related.get_option_at_index(related.highlighted).id == target.id  # the same row
        assert app.focused is related
        assert "· read" in option_text(related, related.highlighted)  # it was read meanwhile

        await pilot.press("backspace")  # the trail is used up
        await pilot.pause()
        assert screen.open_id == first
        assert any("Nothing to go back to" in m for m, _ in notifications(app))


async def test_backspace_walks_back_along_a_chain_and_the_cursor_follows(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines, article, related = panes(app)
        screen = main_screen(app)
        await open_title(pilot, SEAFLOOR)
        await pilot.press("tab", "tab", "j", "enter")  # → Harbour Gazette's
        await pilot.pause()
        assert article.text.startswith(FLEE)
        related.highlighted = row_index(related, MAGNITUDE)
        await pilot.press("enter")  # → Pacific Wire's
        await pilot.pause()
        assert article.text.startswith(MAGNITUDE)

        await pilot.press("backspace")
        await pilot.pause()
        assert article.text.startswith(FLEE)
        assert headlines.current.title == FLEE  # the cursor follows the reopened article
        assert MAGNITUDE in option_text(related, related.highlighted)
        await pilot.press("backspace")
        await pilot.pause()
        assert article.text.startswith(SEAFLOOR) and headlines.current.title == SEAFLOOR
        assert FLEE in option_text(related, related.highlighted)
        assert screen._trail == []


async def test_going_back_marks_nothing_read(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines, _, related = panes(app)
        screen = main_screen(app)
        await open_title(pilot, SEAFLOOR)
        first = screen.open_id
        await pilot.press("tab", "tab", "j", "enter")
        await pilot.pause()
        headlines.focus()  # its cursor is still on the first article: mark it unread again
        await pilot.press("m")
        await pilot.pause()
        assert not reader.stored(first).read
        related.focus()
        await pilot.press("backspace")
        await pilot.pause()
        assert screen.open_id == first
        assert not reader.stored(first).read and not screen.library.headline(first).read
        assert shown_row(app, SEAFLOOR).startswith("●")


async def test_opening_from_the_headlines_starts_a_new_trail(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, article, _ = panes(app)
        await open_title(pilot, SEAFLOOR)
        await pilot.press("tab", "tab", "j", "enter")
        await pilot.pause()
        await open_title(pilot, COMET)
        await pilot.press("backspace")
        await pilot.pause()
        assert article.text.startswith(COMET)
        assert any("Nothing to go back to" in m for m, _ in notifications(app))


async def test_back_is_listed_in_the_key_bar_and_the_help(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        keys = main_screen(app).shown_bindings(screen_only=True)
        for key in (("⌫", "Back"), ("c", "Group"), ("e", "Expand")):
            assert key in keys
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.query_one("#help-box").max_scroll_y == 0
        shown = " ".join(screen_text(app).split())
        assert "⌫ back to the article you came from" in shown
        assert "c group stories on/off" in shown and "e open / close the story under the cursor" in shown
        assert "→ / l open the story" in shown and "← / h close the story" in shown


# -- (c) one article through two feeds ------------------------------------------------------------

BRIDGE = "Harbour bridge reopens after a year of repairs"


async def two_feeds_one_link(reader, tmp_path):
    link = "https://news.example/2026/11/27/harbour-bridge"
    item = {"title": BRIDGE, "description": "<p>The harbour bridge reopened to traffic on Friday.</p>"}
    feeds = [
        Feed("Wire One", write_rss(tmp_path / "one.xml", "Wire One", [{**item, "link": link, "guid": "one-1"}])),
        Feed("Wire Two", write_rss(tmp_path / "two.xml", "Wire Two",
                                   [{**item, "link": link + "?utm_source=rss", "guid": "two-1"}])),
    ]
    config = reader.with_feeds(*feeds)
    results = await refresh_feeds(config, reader.store, feeds=feeds)
    assert all(r.status.ok and len(r.new_ids) == 1 for r in results)
    return reader.app()


def bridge_ids(app) -> list[str]:
    return [h.id for h in main_screen(app).library.find("") if h.title == BRIDGE]


def stored_read(reader, ids: list[str]) -> list[bool]:
    """The read flags as a fresh Store on the same file reads them (what survives a restart)."""
    with Store(reader.db_path) as fresh:
        read, _ = fresh.flag_sets()
    return [i in read for i in ids]


async def test_two_feeds_with_one_link_give_one_row_and_one_read_flag(reader, tmp_path):
    app = await two_feeds_one_link(reader, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        headlines, _, related = panes(app)
        topics = app.screen.query_one(TopicList)
        ids = bridge_ids(app)
        assert len(ids) == 2
        assert [a.title for a in headlines.articles].count(BRIDGE) == 1
        assert headlines.current.title == BRIDGE  # the newest
        row = headline_rows(app)[0]
        assert BRIDGE in row and row.endswith("2 sources")
        assert option_texts(topics)[0] == "All 37"  # counted once

        await pilot.press("m")
        await pilot.pause()
        assert stored_read(reader, ids) == [True, True]
        assert option_texts(topics)[0] == "All 36"
        assert shown_row(app, BRIDGE).startswith(" ")
        await pilot.press("m")
        await pilot.pause()
        assert stored_read(reader, ids) == [False, False]

        await pilot.press("enter")  # opening it reads both
        await pilot.pause()
        assert stored_read(reader, ids) == [True, True]
        assert option_texts(related)[0] == "Same story"
        copy = related.get_option_at_index(1)
        assert copy.id in ids and copy.id != main_screen(app).open_id
        assert option_text(related, 1).endswith("same article")

        # the copy opened from the related pane and marked unread: the listed row shows it
        await pilot.press("tab", "tab", "j", "enter")
        await pilot.pause()
        assert main_screen(app).open_id == copy.id
        await pilot.press("m")
        await pilot.pause()
        assert stored_read(reader, ids) == [False, False]
        assert shown_row(app, BRIDGE).startswith("●")
        assert option_texts(topics)[0] == "All 37"


# -- (d) grouped stories ---------------------------------------------------------------------------


async def test_c_groups_a_story_into_one_row_and_e_opens_and_closes_it(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines, article, related = panes(app)
        screen = main_screen(app)
        shown = len(headlines.articles)
        await pilot.press("e")  # not grouping: nothing happens
        assert len(headlines.articles) == shown and not screen.view.opened

        await move_to(pilot, FLEE)  # a story's older article: the cursor goes to its story's row
        await pilot.press("c")
        await pilot.pause()
        titles = [a.title for a in headlines.articles]
        assert len(titles) < shown and FLEE not in titles and MAGNITUDE not in titles
        assert headlines.current.title == SEAFLOOR and headlines.current.grouped == 3
        row = shown_row(app, SEAFLOOR)
        assert "▸ How seafloor sensors" in row and row.rstrip().endswith("3 sources · 2d")
        assert "stories grouped" in screen_text(app)

        at = headlines.cursor
        await pilot.press("e")
        await pilot.pause()
        assert headlines.cursor == at and headlines.current.title == SEAFLOOR
        members = headlines.articles[at + 1 : at + 3]
        assert [m.title for m in members] == [FLEE, MAGNITUDE] and all(m.member for m in members)
        assert "▾ How seafloor sensors" in shown_row(app, SEAFLOOR)
        assert "├ " + FLEE[:40] in shown_row(app, FLEE) and "└ " + MAGNITUDE[:40] in shown_row(app, MAGNITUDE)

        await pilot.press("e")
        await pilot.pause()
        assert headlines.cursor == at and FLEE not in [a.title for a in headlines.articles]

        await pilot.press("right", "j", "j")  # → opens it; on its last article...
        await pilot.pause()
        assert headlines.current.title == MAGNITUDE
        await pilot.press("left")  # ... ← closes it and goes up to the story's row
        await pilot.pause()
        assert headlines.cursor == at and MAGNITUDE not in [a.title for a in headlines.articles]

        await pilot.press("enter")  # the story's row opens its newest article
        await pilot.pause()
        assert article.text.startswith(SEAFLOOR)
        rows = option_texts(related)
        assert rows[0] == "Same story" and FLEE in rows[1] and MAGNITUDE in rows[2]

        await pilot.press("c")  # every article again; the cursor stays on its article
        await pilot.pause()
        assert len(headlines.articles) == shown and headlines.current.title == SEAFLOOR
        assert "▸" not in screen_text(app)


async def test_m_on_a_closed_story_row_marks_every_article_it_stands_for(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines, _, _ = panes(app)
        library = main_screen(app).library
        await move_to(pilot, SEAFLOOR)
        await pilot.press("c")
        await pilot.pause()
        assert headlines.current.title == SEAFLOOR and headlines.current.grouped == 3
        ids = {h.title: h.id for h in library.headlines() if h.title in (SEAFLOOR, FLEE, MAGNITUDE)}
        assert not any(library.headline(i).read for i in ids.values())

        await pilot.press("m")  # the story's row: all three read
        await pilot.pause()
        assert all(library.headline(i).read for i in ids.values())
        await pilot.press("m")  # and unread again
        await pilot.pause()
        assert not any(library.headline(i).read for i in ids.values())

        await pilot.press("e", "j", "m")  # opened: its rows are marked one by one
        await pilot.pause()
        assert headlines.current.title == FLEE
        assert [library.headline(ids[t]).read for t in (SEAFLOOR, FLEE, MAGNITUDE)] == [False, True, False]


async def test_grouped_rows_fit_an_80x24_screen(reader):
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        headlines, _, _ = panes(app)
        await move_to(pilot, SEAFLOOR)
        await pilot.press("c", "e")
        await pilot.pause()
        width = headlines.scrollable_content_region.width
        for y in range(headlines.scrollable_content_region.height):
            assert sum(len(s.text) for s in headlines.render_line(y)) == width
        row = shown_row(app, "How seafloor")
        assert "▾ How seafloor" in row and "…" in row and row.rstrip().endswith("3 src")
        assert "├ Japan earthquake" in shown_row(app, "Japan earthquake")


async def test_the_reader_starts_grouped_when_the_settings_say_so(reader):
    settings = replace(reader.config.settings, group_stories=True)
    reader.config = replace(reader.config, settings=settings)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        headlines, _, _ = panes(app)
        titles = [a.title for a in headlines.articles]
        assert SEAFLOOR in titles and FLEE not in titles and MAGNITUDE not in titles
        assert "stories grouped" in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        assert FLEE in [a.title for a in headlines.articles]


async def test_c_in_the_search_box_is_a_letter(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "c", "e", "backspace")
        await pilot.pause()
        assert app.screen.query_one("#search").value == "c"
        assert not main_screen(app).view.stories


# -- (e) untrusted titles --------------------------------------------------------------------------

BOLD = "[bold]x[/] Quokka sanctuary flooded on Rottnest island"
LINK = "[link=file:///etc/passwd]y Quokka rangers on Rottnest island"
BODY = ("<p>Rangers on Rottnest island moved quokka families from the flooded sanctuary; the quokka "
        "colony and the sanctuary rangers waited out the Rottnest storm.</p>")


def has_no_markup_style(prompt: Content) -> bool:
    return all("link" not in str(span.style) and "bold red" not in str(span.style) for span in prompt.spans)


async def test_markup_in_titles_is_literal_in_the_related_pane_and_the_list(reader, tmp_path):
    items = [
        {"title": BOLD, "link": "https://isle.example/flood", "guid": "q-1", "description": BODY},
        {"title": LINK, "link": "https://isle.example/rangers", "guid": "q-2", "description": BODY},
    ]
    feeds = [Feed("[b]Isle[/b] News", write_rss(tmp_path / "isle.xml", "Isle", items[:1])),
             Feed("Rottnest [i]Post[/i]", write_rss(tmp_path / "post.xml", "Post", items[1:]))]
    config = reader.with_feeds(*feeds)
    await refresh_feeds(config, reader.store, feeds=feeds)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines, _, related = panes(app)
        rows = headline_rows(app)
        assert any(BOLD in r for r in rows) and any(LINK in r for r in rows)
        assert any("[b]Isle[/b] News" in r for r in rows)

        await open_title(pilot, BOLD)
        index = row_index(related, LINK)
        assert option_text(related, index).startswith("Rottnest [i]Post[/i] · ")
        prompt = related.get_option_at_index(index).prompt
        assert isinstance(prompt, Content) and LINK in prompt.plain and has_no_markup_style(prompt)
        assert all(not seg.style or not seg.style.link
                   for y in range(related.size.height) for seg in related.render_line(y))
        assert "[link=file:///etc/passwd]y" in screen_text(app)

        await pilot.press("c")  # grouped or not, the titles are text
        await pilot.pause()
        rows = headline_rows(app)
        assert any(BOLD[:30] in r or LINK[:30] in r for r in rows), rows[:3]
        assert all(Style.parse("bold red") != seg.style for y in range(3) for seg in headlines.render_line(y))
