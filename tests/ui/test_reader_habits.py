"""Issue 9, the reader your way: [keys] through Textual's keymap, vim-style keys, the layout and
theme remembered beside the store, links to the clipboard and "since last visit"."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import replace
from pathlib import Path

from pilot_helpers import (
    DEMO_ARTICLES,
    SIZE,
    main_screen,
    notifications,
    screen_text,
    wait_for_refresh,
    wait_until,
    write_rss,
)
from textual.theme import BUILTIN_THEMES

from newstui.core.config_rules import BINDING_IDS
from newstui.core.config_values import THEMES
from newstui.core.models import Feed
from newstui.ui.app import NewsApp
from newstui.ui.screens.feeds import FeedHealthScreen, FeedTable
from newstui.ui.screens.help import HelpScreen
from newstui.ui.screens.main import MainScreen
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.related import RelatedList
from newstui.ui.widgets.topics import SINCE, TopicList


def test_the_config_knows_every_binding_id_and_theme():
    ids = set()
    for owner in (NewsApp, MainScreen, HeadlineList, TopicList, ArticlePane, RelatedList, FeedHealthScreen, FeedTable,
                  HelpScreen):
        ids |= {b.id for b in owner.BINDINGS}
    assert None not in ids
    assert ids == set(BINDING_IDS)
    assert set(THEMES) == set(BUILTIN_THEMES)


def state_file(reader):
    return reader.directory / "db.ui.json"


async def test_keys_table_rebinds_and_the_help_lists_the_live_keys(reader):
    reader.config = replace(reader.config, keys=(("toggle_read", "x"), ("refresh", "ctrl+r,R")))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        headlines = app.screen.query_one(HeadlineList)
        first = headlines.current
        await pilot.press("m")  # no longer bound
        assert reader.store is not None and not main_screen(app).library.headline(first.id).read
        await pilot.press("x")
        assert main_screen(app).library.headline(first.id).read
        await pilot.press("question_mark")
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        assert "x mark read / unread" in shown and "m mark read" not in shown
        assert "^r / R refresh every feed" in shown


async def test_n_and_p_open_the_next_and_previous_unread(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        headlines = screen.query_one(HeadlineList)
        second = headlines.articles[1]
        screen.library.set_flags([second.id], read=True)
        await pilot.press("n")  # from row 0: row 1 is read, so row 2
        assert headlines.cursor == 2 and screen.open_id == headlines.articles[2].id
        await pilot.press("p")
        assert headlines.cursor == 0 and screen.open_id == headlines.articles[0].id
        await pilot.press("p")
        assert any("No unread headline above" in m for m, _ in notifications(app))


async def test_A_marks_everything_shown_read_and_U_undoes(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await pilot.press("A")
        assert all(screen.library.headline(h.id).read for h in screen.query_one(HeadlineList).articles)
        assert any(f"{DEMO_ARTICLES} marked read. U undoes." == m for m, _ in notifications(app))
        assert reader.stored(screen.query_one(HeadlineList).articles[0].id).read
        await pilot.press("U")
        assert not any(screen.library.headline(h.id).read for h in screen.query_one(HeadlineList).articles)


async def test_y_copies_the_link_and_Y_the_article_as_markdown(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        current = screen.query_one(HeadlineList).current
        link = screen.library.link(current.id)
        assert link
        await pilot.press("y")
        assert app.clipboard == link
        await pilot.press("Y")
        assert app.clipboard.startswith(f"[{current.title}]({link})\n{current.feed} · 20")
        assert any(m.startswith("Copied as Markdown") for m, _ in notifications(app))


async def test_layout_toggles_are_remembered_and_fit_80x24(reader):
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main_screen(app)
        assert screen.query_one(HeadlineList).size.height >= 5
        assert screen.query_one(ArticlePane).size.width >= 30
        await pilot.press("R")
        assert not screen.query_one(RelatedList).display or screen.query_one(RelatedList).size.width == 0
        await pilot.press("z")
        await pilot.pause()
        assert screen.query_one(ArticlePane).has_focus
        assert screen.query_one(HeadlineList).size.width == 0
    saved = json.loads(state_file(reader).read_text())
    assert saved["hide_related"] is True and saved["zen"] is True and saved["last_closed"]
    app = reader.app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main_screen(app)
        assert screen.has_class("-zen") and screen.has_class("-hide-related")
        await pilot.press("z")
        await pilot.pause()
        assert screen.query_one(HeadlineList).has_focus and screen.query_one(HeadlineList).size.height >= 5


async def test_the_theme_is_remembered_and_a_damaged_state_file_is_ignored(reader):
    state_file(reader).write_text("{not json", encoding="utf-8")
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"  # what the palette's Theme command does
        await pilot.pause()
    assert json.loads(state_file(reader).read_text())["theme"] == "nord"
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "nord"
    # [settings] theme edited since: the setting wins
    reader.config = replace(reader.config, settings=replace(reader.config.settings, theme="dracula"))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "dracula"


async def test_since_last_visit_lists_what_was_published_after_the_last_close(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics = app.screen.query_one(TopicList)
        assert SINCE not in [topics.get_option_at_index(i).id for i in range(topics.option_count)]
    # the reader was last closed two hours before "now": only what was published since shows
    from pilot_helpers import FIXED_NOW  # noqa: PLC0415

    state = json.loads(state_file(reader).read_text())
    state["last_closed"] = FIXED_NOW.timestamp() - 2 * 3600
    state_file(reader).write_text(json.dumps(state))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        topics = screen.query_one(TopicList)
        screen.go_to(SINCE)
        await pilot.pause()
        rows = screen.query_one(HeadlineList).articles
        assert 0 < len(rows) < DEMO_ARTICLES
        assert all(r.published.timestamp() >= state["last_closed"] for r in rows)
        assert "◷ Since last" in screen_text(app)
        screen.go_to("all")
        await pilot.pause()
        assert len(screen.query_one(HeadlineList).articles) == DEMO_ARTICLES


def recording_command(out: Path) -> str:
    """A notify_command that writes its arguments, a line each, to ``out``."""
    script = f"import sys, pathlib; pathlib.Path({str(out)!r}).write_text(chr(10).join(sys.argv[1:]))"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"


async def test_a_background_refresh_announces_its_news_and_runs_notify_command(reader, tmp_path):
    url = write_rss(tmp_path / "late.xml", "Late", [{"title": "[bold]Late[/] news", "link": "http://x.test/1"}])
    out = tmp_path / "notified.txt"
    command = recording_command(out)
    reader.with_feeds(Feed("Late", url, ()))
    reader.config = replace(reader.config, settings=replace(reader.config.settings, notify_command=command))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        main_screen(app).start_refresh(mode="force", quiet=True)
        await wait_for_refresh(pilot)
        await wait_until(pilot, lambda: any(m == "[bold]Late[/] news" for m, _ in notifications(app)))
        await wait_until(pilot, out.exists)
    assert out.read_text().splitlines() == ["1", "[bold]Late[/] news"]


async def test_with_watch_topics_only_news_in_a_watched_topic_is_announced(reader, tmp_path):
    asia = write_rss(tmp_path / "asia.xml", "Asia desk", [{"title": "Typhoon nears Okinawa", "link": "http://x.test/a"}])
    other = write_rss(tmp_path / "other.xml", "Other desk", [{"title": "Local fair opens", "link": "http://x.test/b"}])
    out = tmp_path / "notified.txt"
    command = recording_command(out)
    reader.with_feeds(Feed("Asia desk", asia, ("asia",)), Feed("Other desk", other, ("local",)))
    settings = replace(reader.config.settings, notify_command=command, watch_topics=("asia", "security"))
    reader.config = replace(reader.config, settings=settings)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        main_screen(app).start_refresh(mode="force", quiet=True)
        await wait_for_refresh(pilot)
        await wait_until(pilot, out.exists)
        toasts = [(n.message, n.title) for n in app._notifications if "new" in (n.title or "")]
    assert out.read_text().splitlines() == ["1", "Typhoon nears Okinawa"]  # not the local fair
    assert toasts == [("Typhoon nears Okinawa", "1 new in asia, security")], toasts


async def test_the_mouse_wheel_scrolls_and_a_click_on_a_topic_filters(reader):
    app = reader.app()
    async with app.run_test(size=(100, 24)) as pilot:
        screen = main_screen(app)
        headlines = screen.query_one(HeadlineList)
        before = headlines.scroll_offset.y
        from textual import events  # noqa: PLC0415

        for _ in range(3):  # the wheel, as the terminal reports it
            headlines.post_message(events.MouseScrollDown(headlines, 2, 1, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert headlines.scroll_offset.y > before
        topics = screen.query_one(TopicList)
        row = next(i for i in range(topics.option_count) if topics.get_option_at_index(i).id.startswith("topic:"))
        await pilot.click(TopicList, offset=(3, row + 1))  # +1: the border
        await pilot.pause()
        assert screen.view.topic == topics.get_option_at_index(row).id.removeprefix("topic:")
        assert headlines.has_focus and len(headlines.articles) < DEMO_ARTICLES


async def test_the_palette_shows_the_keys_as_bound_now(reader):
    from newstui.ui.commands import reader_commands  # noqa: PLC0415

    reader.config = replace(reader.config, keys=(("toggle_read", "x"),))  # x was hide_read's
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x")
        await pilot.pause()
        rows = {c.title: c.help for c in reader_commands(main_screen(app))}
        assert rows["Read"].endswith("[x]") and rows["Zen"].endswith("[z]")
        assert main_screen(app).view.unread_only is False  # x is toggle_read's now, not hide_read's
