"""Feed text and feed names are shown literally: Rich markup in them is text, never style or links."""

from __future__ import annotations

from pilot_helpers import (
    FIXED_NOW,
    SIZE,
    headline_rows,
    main_screen,
    option_texts,
    screen_text,
    wait_for_refresh,
    write_rss,
)

from newstui.core.models import Feed
from newstui.core.refresh import refresh_feeds
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.related import RelatedList
from newstui.ui.widgets.status import StatusLine
from newstui.ui.widgets.topics import TopicList

FEED = "[b]Feed[/b]"
TITLE = "[bold red]Boom[/] [link=http://evil]x[/link] \x1b[31mred"
SHOWN_TITLE = "[bold red]Boom[/] [link=http://evil]x[/link] red"  # the escape sequence is dropped
SECOND = "[bold red]Boom[/] again: a second [i]story[/i] that shares words"


async def markup_reader(reader, tmp_path, feed_server=None):
    url = write_rss(
        tmp_path / "markup.xml",
        "[blink]Channel[/blink]",
        [
            {
                "title": TITLE,
                "link": "http://example.test/[x]?a=[/]",
                "guid": "m-1",
                "author": "[i]Eve[/i]",
                "category": "[red]cat[/red]",
                "description": "<p>Body with [bold]not bold[/bold] and [link=http://evil]a link[/link].</p>",
            },
            {
                "title": SECOND,
                "link": "http://example.test/2",
                "guid": "m-2",
                "category": "[red]cat[/red]",
                "date": FIXED_NOW.replace(minute=0, hour=11),
            },
        ],
    )
    config = reader.with_feeds(Feed(FEED, url, ("[on red]topic[/]",)))
    results = await refresh_feeds(config, reader.store, feeds=[config.feeds[-1]])
    assert results[0].status.ok and len(results[0].new_ids) == 2, results[0].status
    return reader.app()


async def test_markup_in_titles_and_names_is_shown_literally(reader, tmp_path):
    app = await markup_reader(reader, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        headlines = app.screen.query_one(HeadlineList)
        assert headlines.current.title == SHOWN_TITLE
        assert headlines.current.feed == FEED
        row = headline_rows(app)[0]
        assert FEED in row and SHOWN_TITLE in row
        shown = screen_text(app)
        assert SHOWN_TITLE in shown and FEED in shown
        assert "\x1b" not in "".join(a.title for a in headlines.articles)
        topics = option_texts(app.screen.query_one(TopicList))
        assert any(t.startswith("[on red]topic") for t in topics)  # literal (cut to the pane width)
        assert any(t.startswith("[red]cat[/red]") for t in topics)

        await pilot.press("enter")
        await pilot.pause()
        text = app.screen.query_one(ArticlePane).text
        assert text.startswith(SHOWN_TITLE + "\n" + FEED + " · [i]Eve[/i]")
        assert "http://example.test/[x]?a=[/]" in text
        words = " ".join(text.split())
        assert "Body with [bold]not bold[/bold] and [link=http://evil]a link[/link]." in words
        assert "[bold]not bold[/bold]" in screen_text(app)

        related = app.screen.query_one(RelatedList)
        assert any(SECOND in t and t.startswith(FEED) for t in option_texts(related))

        await pilot.press("o")
        await pilot.pause()
        assert reader.opened == ["http://example.test/[x]?a=[/]"]

        await pilot.press("tab", "tab")
        assert app.focused is related
        if related.highlighted is None:
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(ArticlePane).text.startswith(SECOND)


async def test_a_markup_topic_and_search_filter_literally(reader, tmp_path):
    app = await markup_reader(reader, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        topics = app.screen.query_one(TopicList)
        status = app.screen.query_one(StatusLine)
        index = next(
            i for i, t in enumerate(option_texts(topics)) if t.startswith("[red]cat[/red]")
        )
        await pilot.press("shift+tab")
        topics.highlighted = index  # as j pressed `index` times would, without the key-by-key wait
        await pilot.pause()
        headlines = app.screen.query_one(HeadlineList)
        assert [a.title for a in headlines.articles] == [SHOWN_TITLE, SECOND]
        assert status.plain.startswith("[red]cat[/red] · 2 shown")

        await pilot.press("enter", "slash", *"[i]")
        await pilot.pause()
        assert [a.title for a in headlines.articles] == [SECOND]
        assert "search “[i]”" in status.plain


async def test_a_failing_feed_with_markup_in_its_name_is_reported_literally(
    reader, tmp_path, feed_server
):
    reader.with_feeds(
        Feed("[red]Down[/red] [link=http://evil]feed[/link]", feed_server.url("status/500"))
    )
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await wait_for_refresh(pilot)
        status = app.screen.query_one(StatusLine).plain
        assert "1 failed: [red]Down[/red] [link=http://evil]feed[/link]" in status
        assert "1 failed: [red]Down[/red]" in screen_text(app)
        assert not main_screen(app).refreshing
