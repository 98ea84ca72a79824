"""Issue 9: adding a feed from inside the reader (``a``, or "Add feed…" in the palette), and the
palette's feed entries (feed health, refresh this feed, refresh one feed by name).

The real app over the demo store, a real HTTP server on 127.0.0.1 (tests/pages.py) serving the
fixture feeds and web pages that advertise them, and the demo's feeds.toml checked on disk.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pilot_helpers import SIZE, main_screen, option_texts, wait_until

from newstui.core.config import load_config
from newstui.ui.commands import reader_commands
from newstui.ui.screens.add_feed import AddFeedScreen
from newstui.ui.screens.feeds import FeedHealthScreen
from newstui.ui.screens.main import MainScreen
from newstui.ui.widgets.headlines import HeadlineList

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RSS = (FIXTURES / "world.xml").read_text(encoding="utf-8")  # "Fixture World", 3 items
ATOM = (FIXTURES / "asia.atom").read_text(encoding="utf-8")  # "Fixture Asia", 2 entries
WORLD_TITLE = "Strong earthquake shakes Tokyo, no tsunami warning"
PAGE = """<!doctype html><html><head><title>Blog</title>
<link rel="alternate" type="application/rss+xml" title="[b]World[/b] posts" href="/world.xml">
<link rel="alternate" type="application/atom+xml" title="Asia [link=x]posts" href="/asia.atom">
</head><body><p>Hello</p></body></html>"""


@pytest.fixture
def feeds(site):
    """The page server of tests/pages.py, with two feeds and a page that advertises both."""
    site.pages["/world.xml"] = (200, "application/rss+xml", RSS)
    site.pages["/asia.atom"] = (200, "application/atom+xml", ATOM)
    site.pages["/blog/"] = (200, "text/html; charset=utf-8", PAGE)
    return site


def feeds_toml(reader) -> str:
    return Path(reader.config.path).read_text(encoding="utf-8")


def dialog(app) -> AddFeedScreen:
    screen = app.screen
    assert isinstance(screen, AddFeedScreen), screen
    return screen


async def open_dialog(pilot) -> AddFeedScreen:
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, AddFeedScreen))
    await pilot.pause()
    return dialog(pilot.app)


async def type_url(pilot, url: str, topics: str = "", name: str = "") -> None:
    """Type into the dialog's fields as a user would (Tab between them), then Enter."""
    screen = dialog(pilot.app)
    for field, text in (("#add-url", url), ("#add-topics", topics), ("#add-name", name)):
        if text:
            screen.query_one(field).focus()
            await pilot.pause()
            await pilot.press(*text)
    screen.query_one("#add-url").focus()
    await pilot.press("enter")


async def wait_for_step(pilot, step: str, timeout: float = 5.0) -> None:
    await wait_until(pilot, lambda: dialog(pilot.app).step == step, timeout)
    await pilot.pause()


async def wait_for_headline(pilot, title: str) -> None:
    """Until the reader is back, its refresh is over and ``title`` is a headline."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), 5)

    def listed() -> bool:
        screen = main_screen(app)
        titles = [h.title for h in screen.query_one(HeadlineList).articles]
        return not screen.refreshing and title in titles

    await wait_until(pilot, listed, 10)


async def run_command(pilot, title: str) -> None:
    """Run the palette row titled ``title`` as the palette does (its callback, awaited if async)."""
    command = next(c for c in reader_commands(main_screen(pilot.app)) if c.title == title)
    pilot.app.call_later(command.run)
    await pilot.pause()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"  # nothing listens there now


# -- the dialog -------------------------------------------------------------------------------------


async def test_a_adds_a_feed_by_its_url_and_its_articles_appear(reader, feeds):
    before = feeds_toml(reader)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        await type_url(pilot, feeds.url("/world.xml"), topics="Tech, linux")
        await wait_for_step(pilot, "confirm")
        said = dialog(app).message
        assert "RSS feed" in said and '"Fixture World"' in said and "3 items" in said
        assert feeds_toml(reader) == before  # nothing written before Enter
        await pilot.press("enter")  # on "Add to feeds.toml"
        await wait_for_headline(pilot, WORLD_TITLE)
        screen = main_screen(app)
        added = screen.library.config.feed("Fixture World")
        assert added is not None and added.url == feeds.url("/world.xml")
        assert added.topics == ("tech", "linux")
        assert "tech" in [c.name for c in screen.library.topic_counts()]  # the feed's topics count
        assert any("Added \"Fixture World\"" in str(n.message) for n in app._notifications)
    text = feeds_toml(reader)
    assert text.startswith(before)  # comments and layout kept, byte for byte
    assert "# The feeds are fictional sample files" in text
    new = text[len(before):]
    assert 'name = "Fixture World"' in new and f'url = "{feeds.url("/world.xml")}"' in new
    assert 'topics = ["tech", "linux"]' in new
    assert load_config(reader.config.path).feed("Fixture World") is not None
    assert feeds.count("/world.xml") == 2  # checked once in the dialog, then refreshed once


async def test_a_web_page_lists_its_feeds_and_the_second_one_is_added(reader, feeds):
    before = feeds_toml(reader)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        await type_url(pilot, feeds.url("/blog/"), name="Asia desk")
        await wait_for_step(pilot, "choose")
        screen = dialog(app)
        choices = screen.query_one("#add-choices")
        assert choices.has_focus and choices.highlighted == 0
        rows = option_texts(choices)
        assert len(rows) == 2
        assert "[b]World[/b] posts" in rows[0] and "Asia [link=x]posts" in rows[1]  # never markup
        assert feeds.url("/asia.atom") in rows[1]
        assert "web page with 2 feeds" in screen.message
        await pilot.press("down", "enter")
        await wait_for_step(pilot, "confirm")
        assert "Atom feed" in screen.message and '"Fixture Asia"' in screen.message
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), 5)
        await wait_until(pilot, lambda: not main_screen(app).refreshing and feeds.count("/asia.atom") == 2, 10)
        assert main_screen(app).library.config.feed("Asia desk") is not None
    new = feeds_toml(reader)[len(before):]
    assert 'name = "Asia desk"' in new and feeds.url("/asia.atom") in new
    assert feeds.url("/world.xml") not in new
    assert feeds.count("/world.xml") == 0  # the feed not chosen is never fetched


async def test_an_unreachable_url_is_said_in_words_and_the_dialog_stays_usable(reader, feeds):
    before = feeds_toml(reader)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(pilot)
        await type_url(pilot, closed_port_url())
        await wait_for_step(pilot, "form")
        assert "cannot fetch" in screen.message
        assert "Traceback" not in screen.message
        assert screen.query_one("#add-url").has_focus
        assert screen.query_one("#add-confirm").disabled
        # a page that is no feed and advertises none: said too
        screen.query_one("#add-url").value = ""
        await type_url(pilot, feeds.url("/story/never"))
        await wait_until(pilot, lambda: "no feed found" in dialog(app).message, 10)
        # the same dialog then adds a good address
        screen.query_one("#add-url").value = ""
        await type_url(pilot, feeds.url("/asia.atom"))
        await wait_for_step(pilot, "confirm")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), 5)
        await wait_until(pilot, lambda: not main_screen(app).refreshing, 10)
    assert "Fixture Asia" in feeds_toml(reader)[len(before):]


async def test_a_feed_already_in_feeds_toml_is_refused_by_name(reader, feeds):
    existing = reader.config.feeds[1]
    before = feeds_toml(reader)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(pilot)
        await type_url(pilot, existing.url)
        await wait_for_step(pilot, "form")
        assert f'already in {reader.config.path} as feed "{existing.name}"' in screen.message
        # added once, the same feed is refused the second time (the file is read again)
        screen.query_one("#add-url").value = ""
        await type_url(pilot, feeds.url("/world.xml"))
        await wait_for_step(pilot, "confirm")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), 5)
        await wait_until(pilot, lambda: not main_screen(app).refreshing, 10)
        screen = await open_dialog(pilot)
        await type_url(pilot, feeds.url("/blog/"))
        await wait_for_step(pilot, "choose")
        await pilot.press("enter")  # the first: the feed just added
        await wait_until(pilot, lambda: "already in" in dialog(app).message, 5)
        assert 'as feed "Fixture World"' in dialog(app).message
        assert dialog(app).step == "choose"  # the other feed of the page can still be picked
    assert feeds_toml(reader).count("[[feed]]") == before.count("[[feed]]") + 1


@pytest.mark.parametrize("step", ["form", "confirm", "choose"])
async def test_escape_cancels_at_any_step_without_writing(reader, feeds, step):
    before = feeds_toml(reader)
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_dialog(pilot)
        if step == "confirm":
            await type_url(pilot, feeds.url("/world.xml"))
        elif step == "choose":
            await type_url(pilot, feeds.url("/blog/"))
        else:
            await pilot.press(*"http://127.0.0.1/x")
        if step != "form":
            await wait_for_step(pilot, step)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert len(main_screen(app).library.config.feeds) == len(reader.config.feeds)
        assert not main_screen(app).refreshing
    assert feeds_toml(reader) == before


# -- the palette ------------------------------------------------------------------------------------


async def test_the_palette_lists_the_feed_entries(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = main_screen(app)
        rows = {c.title: c.help for c in reader_commands(screen)}
        assert rows["Add feed…"].endswith("[a]")
        assert rows["Open feed health"].endswith("[F]")
        current = screen.query_one(HeadlineList).current
        assert current.feed in rows["Refresh this feed"]
        for feed in reader.config.feeds:
            assert f"Refresh feed: {feed.name}" in rows


async def test_refresh_this_feed_only_appears_with_an_article_under_the_cursor(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"nothing matches this", "enter")
        await pilot.pause()
        titles = [c.title for c in reader_commands(main_screen(app))]
        assert "Refresh this feed" not in titles and "Add feed…" in titles


async def test_add_feed_and_feed_health_run_from_the_palette(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"add feed")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AddFeedScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await run_command(pilot, "Open feed health")
        await wait_until(pilot, lambda: isinstance(app.screen, FeedHealthScreen))


async def test_refresh_this_feed_fetches_only_that_feed(reader):
    statuses = reader.store.feed_statuses()
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        feed = screen.query_one(HeadlineList).current.feed
        await run_command(pilot, "Refresh this feed")
        await wait_until(pilot, lambda: not screen.refreshing, 5)
        await pilot.pause()
    after = reader.store.feed_statuses()
    changed = [name for name in after if after[name].checked_at != statuses[name].checked_at]
    assert changed == [feed]


async def test_refresh_feed_by_name_over_http_asks_the_server_for_that_feed_only(reader, feeds):
    from newstui.core.models import Feed

    reader.with_feeds(Feed("World", feeds.url("/world.xml")), Feed("Asia", feeds.url("/asia.atom")))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        await run_command(pilot, "Refresh feed: Asia")
        await wait_until(pilot, lambda: not screen.refreshing and feeds.count("/asia.atom") == 1, 5)
        await wait_until(pilot, lambda: any(h.feed == "Asia" for h in screen.library.headlines()), 5)
    assert feeds.count("/world.xml") == 0


async def test_a_feed_added_during_a_refresh_is_fetched_when_it_is_over(reader, feeds, held_feed):
    from newstui.core.models import Feed

    reader.with_feeds(Feed("Held", held_feed.url))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        screen.start_refresh([screen.library.config.feed("Held")])
        await wait_until(pilot, held_feed.requested.is_set)
        await open_dialog(pilot)
        await type_url(pilot, feeds.url("/world.xml"))
        await wait_for_step(pilot, "confirm")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen), 5)
        await pilot.pause(0.2)
        assert feeds.count("/world.xml") == 1  # only the dialog's check so far
        held_feed.release()
        await wait_for_headline(pilot, WORLD_TITLE)
    assert feeds.count("/world.xml") == 2


async def test_a_feed_title_full_of_markup_is_shown_and_named_as_written(reader, tmp_path):
    from pilot_helpers import FIXED_NOW, write_rss

    url = write_rss(tmp_path / "odd.xml", "[bold red]Loud[/] [link=http://x]news[/link]",
                    [{"title": "[i]Hello[/i] there", "guid": "odd-1", "date": FIXED_NOW}])
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_dialog(pilot)
        await type_url(pilot, url)
        await wait_for_step(pilot, "confirm")
        assert '"[bold red]Loud[/] [link=http://x]news[/link]", 1 item' in screen.message
        await pilot.press("enter")
        await wait_for_headline(pilot, "[i]Hello[/i] there")
        assert main_screen(app).library.config.feed("[bold red]Loud[/] [link=http://x]news[/link]") is not None
