"""The reader driven key by key over the offline demo, asserting on what the user would see."""

from __future__ import annotations

import io
import re

import pytest
from pilot_helpers import (
    DEMO_ARTICLES,
    SIZE,
    headline_rows,
    main_screen,
    move_to,
    notifications,
    option_text,
    option_texts,
    search_ready,
    screen_text,
    write_rss,
)
from rich.console import Console
from textual.widgets import Input, Static

from newstui.core.models import Feed
from newstui.core.refresh import refresh_feeds
from newstui.ui.screens.help import HelpScreen
from newstui.ui.screens.main import MainScreen
from newstui.ui.widgets.article import EMPTY, ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.keybar import KeyBar
from newstui.ui.widgets.related import RelatedList
from newstui.ui.widgets.status import StatusLine
from newstui.ui.widgets.topics import TopicList

COMET = "Space probe captures first close-up images of comet Okabe"  # Harbour Gazette
COMET_RELATED = "Wayfarer probe survives close flyby of comet Okabe and sends back first images"
NEWEST = "Lisbon methane deal: what the climate summit means for oil and gas producers"
OLDEST = "Kestrel Semiconductor opens second Kumamoto chip factory, creating 1,700 jobs"


def panes(app):
    screen = app.screen
    return (
        screen.query_one(TopicList),
        screen.query_one(HeadlineList),
        screen.query_one(ArticlePane),
        screen.query_one(RelatedList),
        screen.query_one(StatusLine),
    )


# -- 1. first paint ------------------------------------------------------------------------------


async def test_first_paint_comes_from_the_store_without_a_refresh(reader):
    statuses_before = reader.store.feed_statuses()
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        topics, headlines, article, related, status = panes(app)

        articles = list(headlines.articles)
        assert len(articles) == DEMO_ARTICLES
        dates = [a.published for a in articles]
        assert dates == sorted(dates, reverse=True)
        assert articles[0].title == NEWEST and articles[-1].title == OLDEST
        assert headlines.cursor == 0 and headlines.current == articles[0]
        assert app.focused is headlines

        rows = headline_rows(app)
        assert rows[0].startswith("●")  # unread marker
        assert "The Ledger" in rows[0] and "20m" in rows[0] and "Lisbon methane deal" in rows[0]

        japan = sum("japan" in a.topics for a in articles)
        assert japan >= 5  # the earthquake, the rate rise, the chip factory, the comet, ...
        morning = sum(bool({"asia", "security"} & set(a.topics)) for a in articles)  # [views.morning]
        assert option_texts(topics)[:4] == ["All 36", "★ Starred", f"◇ morning {morning}", f"japan {japan}"]
        assert topics.highlighted == 0
        assert option_texts(related) == ["Open an article to see related stories."]
        assert related.get_option_at_index(0).disabled
        assert article.view is None and article.text == EMPTY.plain

        assert status.plain == "all · 36 shown · 36 unread"
        assert "refreshing" not in status.plain
        assert not main_screen(app).refreshing
        assert len(app.workers) == 0

        shown = screen_text(app)
        assert re.search(r"All\s+36", shown) and "Choose a headline and press Enter" in shown
    assert reader.store.feed_statuses() == statuses_before  # no feed was checked again


# -- 2. moving -----------------------------------------------------------------------------------


async def test_j_k_arrows_g_and_G_move_the_headline_cursor(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        articles = list(headlines.articles)

        await pilot.press("j")
        assert headlines.cursor == 1 and headlines.current == articles[1]
        await pilot.press("down", "down")
        assert headlines.cursor == 3 and headlines.current == articles[3]
        await pilot.press("k")
        assert headlines.cursor == 2
        await pilot.press("up", "up", "up")  # stops at the top
        assert headlines.cursor == 0 and headlines.current == articles[0]

        await pilot.press("G")
        await pilot.pause()
        assert headlines.cursor == DEMO_ARTICLES - 1 and headlines.current.title == OLDEST
        assert any(
            "Kestrel Semiconductor opens second" in row for row in headline_rows(app)
        )  # scrolled
        await pilot.press("j")  # stops at the bottom
        assert headlines.cursor == DEMO_ARTICLES - 1

        await pilot.press("g")
        await pilot.pause()
        assert headlines.cursor == 0
        assert "Lisbon methane deal" in headline_rows(app)[0]


async def test_space_and_b_page_through_the_headlines(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        page = headlines.scrollable_content_region.height - 1
        await pilot.press("space")
        await pilot.pause()
        assert headlines.cursor == page
        assert headlines.current.title[:30] in headline_rows(app)[-1]  # still on screen
        await pilot.press("space")
        await pilot.pause()
        assert headlines.cursor == 2 * page
        assert any(headlines.current.title[:30] in row for row in headline_rows(app))
        await pilot.press("b")
        assert headlines.cursor == page


async def test_clicking_a_headline_opens_that_headline(reader):
    # regression: the click row used to count the border, opening the headline below
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        lines = screen_text(app).splitlines()
        y = next(i for i, line in enumerate(lines) if "Pension funds pile into" in line)
        await pilot.click(offset=(headlines.content_region.x + 40, y))  # screen coordinates
        await pilot.pause()
        opened = main_screen(app).library.get(main_screen(app).open_id)
        assert opened.title.startswith("Pension funds pile into")
        assert headlines.current.id == opened.id


# -- 3. opening ----------------------------------------------------------------------------------


async def test_enter_opens_the_article_marks_it_read_and_lists_related_stories(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, article_pane, related, status = panes(app)
        await move_to(pilot, COMET)
        comet = headlines.current
        assert not comet.read

        await pilot.press("enter")
        await pilot.pause()

        text = article_pane.text
        assert COMET in text
        assert "Harbour Gazette · Nadia Haddad" in text
        assert main_screen(app).library.link(comet.id) in text
        assert main_screen(app).library.link(comet.id).startswith("https://")
        assert "first close-up pictures of comet" in " ".join(text.split())  # the body
        assert "unread" not in article_pane.view.header.plain  # opened, so no longer flagged unread
        assert main_screen(app).open_id == comet.id

        # it is read everywhere: the row, the library, the file on disk
        assert headlines.current.read
        row = next(r for r in headline_rows(app) if "Space probe captures" in r)
        assert row.startswith(" ")  # no unread dot any more
        assert main_screen(app).library.get(comet.id).read
        assert reader.stored(comet.id).read
        assert option_texts(topics)[0] == "All 35"
        assert status.plain == "all · 36 shown · 35 unread"

        # related: the same story from another outlet comes first, with the words they share
        assert related.option_count >= 2
        assert option_text(related, 0) == "Same story"  # a section's header
        top_text = option_text(related, 1)
        assert top_text.startswith("Circuit & Cosmos")
        assert COMET_RELATED in top_text
        shared = top_text.split("shared:")[1]
        assert "comet" in shared and "okabe" in shared
        related_ids = [related.get_option_at_index(i).id for i in range(related.option_count)]
        assert comet.id not in related_ids
        shown = screen_text(app)
        assert "Space probe captures first" in shown and "Wayfarer probe survives" in shown


# -- 4. focus and related ------------------------------------------------------------------------


async def test_tab_and_shift_tab_move_between_the_panes(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, article_pane, related, _ = panes(app)
        assert app.focused is headlines
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(app.focused)
        assert seen == [article_pane, related, topics, headlines]
        await pilot.press("shift+tab")
        assert app.focused is topics


async def test_enter_on_a_related_story_opens_it(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, article_pane, related, _ = panes(app)
        await move_to(pilot, COMET)
        await pilot.press("enter", "tab", "tab")
        assert app.focused is related
        if related.highlighted is None:
            await pilot.press("down")
        target = related.get_option_at_index(related.highlighted)
        assert COMET_RELATED in option_text(related, related.highlighted)

        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(app).open_id == target.id
        assert article_pane.text.startswith(COMET_RELATED)
        assert "Circuit & Cosmos · Priya Natarajan" in article_pane.text
        assert main_screen(app).library.get(target.id).read
        assert reader.stored(target.id).read
        # the related pane now relates to the new story: the one we came from is listed
        assert any(COMET in p for p in option_texts(related))
        assert option_texts(topics)[0] == "All 34"
        assert headlines.current.title == COMET  # the headline cursor did not move


# -- 5. topics -----------------------------------------------------------------------------------


async def test_topics_filter_the_headlines(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, _, _, status = panes(app)
        await pilot.press("shift+tab")
        assert app.focused is topics

        await pilot.press("j")  # ★ Starred: nothing starred yet
        await pilot.pause()
        assert list(headlines.articles) == []
        assert status.plain.startswith("★ starred · 0 shown")

        await pilot.press("j")  # the saved view: asia or security, unread
        await pilot.pause()
        morning = [a for a in main_screen(app).library.headlines() if {"asia", "security"} & set(a.topics)]
        assert list(headlines.articles) == morning
        assert status.plain == f"view morning · unread only · {len(morning)} shown · {len(morning)} unread"

        await pilot.press("j")  # japan
        await pilot.pause()
        japan = [a for a in main_screen(app).library.headlines() if "japan" in a.topics]
        assert option_text(topics, topics.highlighted) == f"japan {len(japan)}"
        assert list(headlines.articles) == japan
        assert status.plain == f"japan · {len(japan)} shown · 36 unread"
        assert app.focused is topics  # highlighting filters at once; focus stays

        await pilot.press("enter")  # Enter moves on to the headlines
        assert app.focused is headlines
        await pilot.press("s")  # star the first japan headline
        starred = headlines.current
        assert starred.starred

        await pilot.press("shift+tab", "g", "j")  # back to topics, then ★ Starred
        await pilot.pause()
        assert [a.id for a in headlines.articles] == [starred.id]
        assert option_texts(topics)[1] == "★ Starred 1"

        await pilot.press("g")  # All
        await pilot.pause()
        assert len(headlines.articles) == DEMO_ARTICLES
        assert status.plain == "all · 36 shown · 36 unread"


# -- 6. unread only ------------------------------------------------------------------------------


async def test_u_toggles_unread_only(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, _, _, status = panes(app)
        await move_to(pilot, COMET)
        await pilot.press("enter")
        comet = headlines.current

        await pilot.press("u")
        await pilot.pause()
        assert len(headlines.articles) == DEMO_ARTICLES - 1
        assert comet.id not in [a.id for a in headlines.articles]
        assert all(not a.read for a in headlines.articles)
        assert "unread only" in status.plain
        assert status.plain == "all · unread only · 35 shown · 35 unread"
        assert not any("Space probe captures" in r for r in headline_rows(app))

        await pilot.press("u")
        await pilot.pause()
        assert len(headlines.articles) == DEMO_ARTICLES
        assert "unread only" not in status.plain


# -- 7. read and star flags ----------------------------------------------------------------------


async def test_m_toggles_read_on_the_highlighted_headline(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, article_pane, _, status = panes(app)
        await pilot.press("j")
        target = headlines.current

        await pilot.press("m")
        await pilot.pause()
        assert headlines.current.read and headlines.current.id == target.id
        assert headline_rows(app)[1].startswith(" ")
        assert reader.stored(target.id).read
        assert option_texts(topics)[0] == "All 35"
        assert article_pane.view is None  # m does not open anything

        await pilot.press("m")
        await pilot.pause()
        assert not headlines.current.read
        assert headline_rows(app)[1].startswith("●")
        assert not reader.stored(target.id).read
        assert option_texts(topics)[0] == "All 36"
        assert status.plain.endswith("36 unread")


async def test_s_stars_the_highlighted_headline(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, _, _, _ = panes(app)
        await pilot.press("j", "j")
        target = headlines.current

        await pilot.press("s")
        await pilot.pause()
        assert headlines.current.starred
        assert headline_rows(app)[2][1] == "★"
        assert reader.stored(target.id).starred
        assert option_texts(topics)[1] == "★ Starred 1"

        await pilot.press("shift+tab", "j")  # the Starred topic lists it
        await pilot.pause()
        assert [a.id for a in headlines.articles] == [target.id]

        await pilot.press("enter", "s")  # unstar from the starred view
        await pilot.pause()
        assert not reader.stored(target.id).starred
        assert option_texts(topics)[1] == "★ Starred"
        assert headline_rows(app)[0][1] == " "


async def test_flags_act_on_the_open_article_when_another_pane_has_focus(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, article_pane, _, _ = panes(app)
        await move_to(pilot, COMET)
        await pilot.press("enter", "g", "tab")  # cursor back on the first row, focus the article
        assert app.focused is article_pane
        comet_id = main_screen(app).open_id

        await pilot.press("s")
        await pilot.pause()
        assert reader.stored(comet_id).starred
        assert not headlines.articles[0].starred
        assert "★ starred" in article_pane.text


# -- 8. open link --------------------------------------------------------------------------------


async def test_o_opens_the_link_of_the_highlighted_headline(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        await pilot.press("j")
        await pilot.press("o")
        await pilot.pause()
        link = reader.stored(headlines.current.id).link  # as the store has it
        assert link and reader.opened == [link]
        assert (f"Opened {link}", "information") in notifications(app)


async def test_o_acts_on_the_open_article_from_the_related_pane(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await move_to(pilot, COMET)
        await pilot.press("enter", "tab", "tab")
        related = app.screen.query_one(RelatedList)
        if related.highlighted is None:
            await pilot.press("down")
        await pilot.press("enter", "o")
        await pilot.pause()
        opened = main_screen(app).library.get(main_screen(app).open_id)
        assert opened.title == COMET_RELATED
        assert reader.opened == [opened.link]


async def test_o_on_an_article_without_link_warns_and_opens_nothing(reader, tmp_path):
    url = write_rss(
        tmp_path / "nolink.xml", "No Links", [{"title": "A story with no link", "guid": "n-1"}]
    )
    config = reader.with_feeds(Feed("No Links", url, ("world",)))
    await refresh_feeds(config, reader.store, feeds=[config.feeds[-1]])
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.current.title == "A story with no link"  # newest: dated FIXED_NOW
        assert reader.stored(headlines.current.id).link == ""
        await pilot.press("o")
        await pilot.pause()
        assert reader.opened == []
        assert ("This article has no link.", "warning") in notifications(app)
        await pilot.press("enter")  # opening it shows no link line and does not crash
        await pilot.pause()
        assert app.screen.query_one(ArticlePane).text.startswith("A story with no link\nNo Links")


async def test_a_browser_that_fails_is_reported_not_fatal(reader):
    def broken(url: str) -> None:
        raise OSError("no browser [here]")

    app = reader.app()
    app.url_opener = broken  # before mount: the screen takes it from the app
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert ("Could not open the browser: no browser [here]", "error") in notifications(app)
        await pilot.press("j")
        assert app.screen.query_one(HeadlineList).cursor == 1


# -- 9. search -----------------------------------------------------------------------------------


async def test_slash_searches_titles_enter_keeps_escape_clears(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, _, _, status = panes(app)
        search = app.screen.query_one("#search", Input)
        assert app.focused is not search and search.value == ""
        await search_ready(pilot)

        await pilot.press("slash")
        assert app.focused is search
        await pilot.press(*"COMET")  # letters that are also keys (m, o) go into the box
        await pilot.pause()
        assert search.value == "COMET"
        titles = [a.title for a in headlines.articles]
        assert titles == [COMET, COMET_RELATED]
        assert reader.opened == [] and status.plain.endswith("2 shown · 2 unread")  # o and m did nothing
        assert "search “COMET”" in status.plain

        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is headlines and search.value == "COMET"  # the query stays in sight
        assert [a.title for a in headlines.articles] == titles  # kept
        assert all("comet" in row.lower() for row in headline_rows(app))
        assert len(headline_rows(app)) == 2

        await pilot.press("escape")
        await pilot.pause()
        assert len(headlines.articles) == DEMO_ARTICLES
        assert "search" not in status.plain
        assert app.focused is headlines and search.value == ""


async def test_escape_while_typing_clears_the_search(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, _, _, _ = panes(app)
        search = app.screen.query_one("#search", Input)
        await search_ready(pilot)
        await pilot.press("slash", *"chip fab")
        await pilot.pause()
        # every word, in any order, in the title or the text ("fab" still being typed: "fabs"
        # too); the articles with them all in the title first
        titles = [a.title for a in headlines.articles]
        assert titles[0] == "Kestrel's Kumamoto fab opens as chip subsidies race heats up"
        assert len(titles) == 3 and "Inside the Kumamoto chip factory: water, light and a lot of robots" in titles
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is not search and search.value == ""
        assert len(headlines.articles) == DEMO_ARTICLES
        assert app.focused is headlines


# -- 10. help ------------------------------------------------------------------------------------


def help_lines(app) -> list[str]:
    """Every line of the help box, scrolled into view or not."""
    lines = []
    for static in app.screen.query_one("#help-box").query(Static):
        console = Console(width=68, file=io.StringIO(), record=True, color_system=None)
        console.print(static.content)
        lines += [
            " ".join(line.split()) for line in console.export_text().splitlines() if line.strip()
        ]
    return lines


async def test_question_mark_lists_the_keys(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = help_lines(app)
        assert lines[0] == "newstui keys" and lines[-1] == "Press Esc or ? to close."
        for row in (
            "r refresh every feed in the background",
            "s star / unstar",
            "q quit newstui",
            "/ search titles as you type",
            "u unread only on/off",
            "o open the page in the browser (o 3: link [3])",
            "m mark read / unread",
            "⏎ open the highlighted headline",
            "Tab / Shift+Tab next / previous pane",
        ):  # a long description wraps where the help's columns say: its first words are checked
            assert any(line.startswith(row) for line in lines), "\n".join(lines)
        assert "newstui keys" in screen_text(app)


@pytest.mark.parametrize("key", ["escape", "question_mark", "q"])
async def test_escape_question_mark_or_q_close_the_help(reader, key):
    # regression: HelpScreen kept its rows in self._bindings, so any key crashed the app
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press(key)  # q closes the help, it does not quit
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.is_running
        await pilot.press("j")
        assert app.screen.query_one(HeadlineList).cursor == 1
    assert app.return_code != 1  # no crash on the way out


async def test_help_fits_on_a_120x40_screen(reader):
    # regression: hidden pane bindings padded the list until the close hint was off screen
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query_one("#help-box").max_scroll_y == 0
        assert "Press Esc or ? to close." in screen_text(app)


# -- 11. quit ------------------------------------------------------------------------------------


async def test_q_quits(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app._exit
    assert app.return_code == 0
    assert not app.is_running


async def test_q_in_the_search_box_is_a_letter(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q")
        await pilot.pause()
        assert app.is_running and app.screen.query_one("#search", Input).value == "q"


# -- 14. small terminal --------------------------------------------------------------------------


async def test_the_reader_works_at_80x24(reader):
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        topics, headlines, article_pane, related, status = panes(app)
        for widget in (topics, headlines, article_pane, related, status):
            region = widget.region
            assert region.width > 0 and region.height > 0, widget
            assert app.screen.region.contains_region(region), widget
        assert headlines.scrollable_content_region.height >= 3

        await move_to(pilot, COMET)
        await pilot.press("enter")
        await pilot.pause()
        assert article_pane.text.startswith(COMET)
        assert option_text(related, 0) == "Same story"
        assert COMET_RELATED in option_text(related, 1)
        shown = screen_text(app)
        assert "Space probe captures" in shown
        assert "Harbour Gazette" in shown


async def test_the_key_bar_keeps_search_help_and_quit_at_80_columns(reader):
    """At 80 columns not every key fits on the bar: the ones that don't are dropped from the
    end, but "/ Search", "? Keys" and "q Quit" stay, so every other key can be found; at 160
    columns the whole bar shows."""
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        bottom = screen_text(app).splitlines()[-1]
        for key, description in (("/", "Search"), ("?", "Keys"), ("q", "Quit")):
            assert f"{key} {description}" in bottom, bottom
        assert "r Refresh" in bottom  # the first keys still come first
        assert len(bar.shown()) < len(bar.keys)  # something had to go at this width
        assert "…" not in bottom  # whole keys only, no key cut in half
        shown_order = [description for _, description in bar.shown()]
        all_order = [description for _, description in bar.keys]
        assert shown_order == [d for d in all_order if d in shown_order]  # order kept

        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        bottom = screen_text(app).splitlines()[-1]
        assert bar.shown() == bar.keys
        for key, description in bar.keys:
            assert f"{key} {description}" in bottom, bottom
