"""The reader view: whole articles fetched from their pages (auto / always / never / f), failures
explained, the text cleaned, links opened by number, "see also" links in the related pane.

Pages and feeds come from a real HTTP server on 127.0.0.1; the store is a real file.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pages import PARAGRAPHS, Site
from pilot_helpers import SIZE, main_screen, move_to, notifications, option_texts, wait_until, write_rss

from newstui.core.models import Feed
from newstui.core.refresh import refresh_all
from newstui.core.store import Store
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.related import RelatedList
from newstui.ui.widgets.status import StatusLine

TEASER = "Cranes are back at work in the harbour. Read more"
LONG = " ".join(PARAGRAPHS * 2)


@pytest.fixture
def teasers(reader, site, tmp_path):
    """Three feeds beside the demo: teasers (auto), a 'never' feed and an 'always' feed."""
    items = [
        {"title": "Harbour cranes return", "link": site.url("/story/cranes"), "description": TEASER},
        {"title": "Paywalled budget story", "link": site.url("/story/paywall"), "description": TEASER},
        {"title": "Server trouble story", "link": site.url("/story/broken"), "description": TEASER},
        {"title": "An index page", "link": site.url("/story/index"), "description": TEASER},
        {"title": "Slow story", "link": site.url("/story/slow"), "description": TEASER},
        {"title": "A PDF story", "link": site.url("/story/pdf"), "description": TEASER},
    ]
    feeds = [
        Feed("Teaser Times", write_rss(tmp_path / "teasers.xml", "Teaser Times", items)),
        Feed("Never Weekly", write_rss(tmp_path / "never.xml", "Never Weekly", [
            {"title": "Never-feed story", "link": site.url("/story/never"), "description": TEASER}]),
            full_text="never"),
        Feed("Always Daily", write_rss(tmp_path / "always.xml", "Always Daily", [
            {"title": "Always-feed story", "link": site.url("/story/always"), "description": LONG}]),
            full_text="always"),
    ]
    config = reader.with_feeds(*feeds)
    # the demo's settings say "never" (its outlets are invented): these feeds use the default
    reader.config = replace(config, settings=replace(config.settings, full_text="auto"))
    results = refresh_all(reader.config, reader.store, feeds=feeds)
    assert all(r.status.ok for r in results)
    return reader


def pane(app) -> ArticlePane:
    return app.screen.query_one(ArticlePane)


async def open_title(pilot, title: str) -> None:
    pilot.app.screen.query_one(HeadlineList).focus()
    await move_to(pilot, title)
    await pilot.press("enter")
    await pilot.pause()


async def test_a_teaser_is_replaced_by_the_whole_article_fetched_once(teasers, site):
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, "Harbour cranes return")
        await wait_until(pilot, lambda: pane(app).view.from_page, timeout=10)
        text = pane(app).text
        assert PARAGRAPHS[0][:60] in " ".join(text.split())
        assert "whole article from Harbour Daily" in text
        assert "Ines Duarte" in text and "min read" in text
        # boilerplate gone from the body: navigation, share prompt, footer, "See also" block
        body = pane(app).view.body.plain(100)
        for junk in ("Share this article", "All rights reserved", "Sport", "See also"):
            assert junk not in body, junk
        # ... and the "see also" link is in the related pane
        related = option_texts(app.screen.query_one(RelatedList))
        assert "See also" in related
        assert any("Cranes idle for a third winter" in row for row in related), related
        assert site.count("/story/cranes") == 1
    # stored: a new reader shows it at once, without fetching again
    with Store(teasers.db_path) as fresh:
        stored = next(a for a in fresh.articles() if a.title == "Harbour cranes return")
        assert stored.full_text is not None and stored.full_text.ok and stored.full_text.words > 100
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, "Harbour cranes return")
        assert pane(app).view.from_page
        await pilot.pause(0.2)
        assert site.count("/story/cranes") == 1


async def test_while_the_page_loads_the_feed_text_and_a_note_are_shown(teasers, site):
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, "Slow story")
        text = pane(app).text
        assert "fetching the whole article from 127.0.0.1" in text
        assert "the feed gives 10 words" in text
        assert "Cranes are back at work in the harbour." in text
        site.hold.set()
        await wait_until(pilot, lambda: pane(app).view.from_page, timeout=10)
        assert "fetching" not in pane(app).text


@pytest.mark.parametrize(
    ("title", "says", "stored"),
    [
        ("Paywalled budget story", "the site refused to send the page (HTTP 403): a paywall", True),
        ("Server trouble story", "the site had an error (HTTP 503): press f to try again", False),
        ("An index page", "not an article", True),
        ("A PDF story", "the link leads to a application/pdf file, not a web page", True),
    ],
)
async def test_a_failure_says_why_and_keeps_the_feed_text(teasers, site, title, says, stored):
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, title)
        await wait_until(pilot, lambda: "feed's text only" in pane(app).text, timeout=10)
        text = " ".join(pane(app).text.split())
        assert says in text, text
        assert "Cranes are back at work in the harbour." in text
        assert not pane(app).view.from_page
        assert says.split(":")[0] in app.screen.query_one(StatusLine).plain
        path = teasers_path(site, title)
        assert site.count(path) == 1
        # f tries again
        await pilot.press("f")
        await wait_until(pilot, lambda: site.count(path) == 2, timeout=10)
        await wait_until(pilot, lambda: "feed's text only" in pane(app).text, timeout=10)
    with Store(teasers.db_path) as fresh:
        article = next(a for a in fresh.articles() if a.title == title)
        assert (article.full_text is not None) == stored
        if stored:
            assert says in article.full_text.error


def teasers_path(site: Site, title: str) -> str:
    return {
        "Paywalled budget story": "/story/paywall", "Server trouble story": "/story/broken",
        "An index page": "/story/index", "A PDF story": "/story/pdf",
    }[title]


async def test_never_offers_f_and_f_fetches(teasers, site):
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, "Never-feed story")
        await pilot.pause(0.2)
        assert site.count("/story/never") == 0
        assert "the feed gives 10 words: f fetches the whole article from 127.0.0.1" in pane(app).text
        await pilot.press("f")
        await wait_until(pilot, lambda: pane(app).view.from_page, timeout=10)
        assert site.count("/story/never") == 1


async def test_always_feeds_are_prefetched_by_a_refresh(teasers, site):
    # the refresh in the fixture stored the articles; the reader's refresh prefetches "always"
    with Store(teasers.db_path) as fresh:
        article = next(a for a in fresh.articles() if a.title == "Always-feed story")
        assert article.full_text is None
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(app)
        # a new item in the always feed, refreshed from the reader
        feed = teasers.config.feed("Always Daily")
        from pilot_helpers import write_rss as write

        from newstui.core.fetch import local_path

        write(local_path(feed.url), "Always Daily", [
            {"title": "Always-feed story", "link": site.url("/story/always"), "description": LONG},
            {"title": "Another always story", "link": site.url("/story/always-2"), "description": LONG,
             "guid": "second"}])
        screen.start_refresh([feed], mode="force")
        await wait_until(pilot, lambda: site.count("/story/always-2") == 1, timeout=10)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await open_title(pilot, "Another always story")
        assert pane(app).view.from_page
        assert site.count("/story/always-2") == 1  # only the new article's page, once
        assert site.count("/story/always") == 0


async def test_digits_and_o_open_numbered_links(teasers, site):
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, "Harbour cranes return")
        await wait_until(pilot, lambda: pane(app).view.from_page, timeout=10)
        urls = [link.url for link in pane(app).view.links]
        assert urls == [site.url(f"/ref/{n}") for n in range(1, 13)]
        assert "[12]" in pane(app).text  # the marker in the text, and the reference below it
        opened = teasers.opened
        status = app.screen.query_one(StatusLine)
        # 3: no link [30] or above exists, so it opens at once
        await pilot.press("3")
        assert opened == [site.url("/ref/3")]
        # 1 could start 10-12: it waits; 2 makes it 12
        await pilot.press("1")
        assert len(opened) == 1 and "link [1…]" in status.plain
        await pilot.press("2")
        assert opened[-1] == site.url("/ref/12")
        # 1 alone opens [1] once the wait is over (or at once with o)
        await pilot.press("1")
        await wait_until(pilot, lambda: opened[-1] == site.url("/ref/1"), timeout=3)
        await pilot.press("1", "o")
        assert opened[-1] == site.url("/ref/1") and len(opened) == 4
        # o then a number
        await pilot.press("o", "5")
        assert opened[-1] == site.url("/ref/5")
        # o alone, after a moment, opens the article's own page
        await pilot.press("o")
        await wait_until(pilot, lambda: opened[-1] == site.url("/story/cranes"), timeout=3)
        # no link [0]: nothing opens, a message says which exist
        await pilot.press("0")
        await pilot.pause(1.2)
        assert opened[-1] == site.url("/story/cranes") and len(opened) == 6
        assert any("No link [0]: this article has links [1] to [12]" in m for m, _ in notifications(app))


async def test_see_also_link_opens_from_the_related_pane(teasers, site):
    app = teasers.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_title(pilot, "Harbour cranes return")
        await wait_until(pilot, lambda: pane(app).view.from_page, timeout=10)
        related = app.screen.query_one(RelatedList)
        related.focus()
        rows = option_texts(related)
        index = next(i for i, row in enumerate(rows) if "Cranes idle" in row)
        related.highlighted = index
        await pilot.press("enter")
        assert teasers.opened[-1] == site.url("/story/earlier")
