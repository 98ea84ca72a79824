"""Topics in the reader: the saved view and the muted articles in the topic list, counts that
follow the other filters, why each topic (the article's header), search matches marked in the
article, and the command palette's go-tos. The real app over the offline demo and a real store."""

from __future__ import annotations

from dataclasses import replace

from pilot_helpers import SIZE, main_screen, move_to, option_texts, search_ready

from newstui.core.models import MuteRules
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.status import StatusLine
from newstui.ui.widgets.topics import TopicList

BLOSSOM = "Tokyo cherry blossoms forecast to bloom a week early after warm February"  # Pacific Wire
COMET = "Space probe captures first close-up images of comet Okabe"  # Harbour Gazette


def widgets(app) -> tuple[TopicList, HeadlineList, ArticlePane, StatusLine]:
    screen = app.screen
    return (screen.query_one(TopicList), screen.query_one(HeadlineList), screen.query_one(ArticlePane),
            screen.query_one(StatusLine))


async def test_the_header_says_why_each_topic(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, _, article, _ = widgets(app)
        await move_to(pilot, BLOSSOM)
        await pilot.press("enter")
        await pilot.pause()
        header = article.view.header.plain
        assert ("topics: asia (feed “Pacific Wire” lists it) · japan (category “Japan”; keywords “Tokyo”, "
                "“Kyoto”, “Osaka”) · kanto (category “Kanto”)") in header


async def test_topic_counts_follow_a_feed_chosen_in_the_palette(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, _, status = widgets(app)
        library = main_screen(app).library
        before = option_texts(topics)
        assert before[0] == "All 36"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to feed the ledger")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        ledger = [h for h in library.headlines() if h.feed == "The Ledger"]
        assert {h.feed for h in headlines.articles} == {"The Ledger"} and len(headlines.articles) == len(ledger)
        after = option_texts(topics)
        assert after[0] == f"All {len(ledger)}"
        markets = sum("markets" in h.topics for h in ledger)
        assert f"markets {markets}" in after
        assert "feed The Ledger" in status.plain


async def test_a_saved_view_from_the_palette_and_back_to_all(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, _, status = widgets(app)
        library = main_screen(app).library
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to view morning")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        morning = [h for h in library.headlines() if {"asia", "security"} & set(h.topics)]
        assert list(headlines.articles) == morning and status.plain.startswith("view morning · unread only")
        assert topics.selected_key == "view:morning"
        topics.focus()
        await pilot.press("g")  # All: the view's filter goes
        await pilot.pause()
        assert len(headlines.articles) == 36 and "unread only" not in status.plain


async def test_search_matches_are_marked_in_the_article(reader):
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        _, headlines, article, _ = widgets(app)
        await search_ready(pilot)
        await pilot.press("slash", *"okabe", "enter")
        await pilot.pause()
        assert COMET in [h.title for h in headlines.articles]
        await move_to(pilot, COMET)
        await pilot.press("enter")
        await pilot.pause()
        header = article.view.header
        start = header.plain.index("Okabe")
        assert any(span.start <= start < span.end and "reverse" in str(span.style) for span in header.spans)


async def test_muted_articles_are_hidden_counted_apart_and_explained(reader):
    reader.config = replace(reader.config, mute=MuteRules(keywords=("comet",)))
    app = reader.app()
    async with app.run_test(size=SIZE) as pilot:
        topics, headlines, article, _ = widgets(app)
        library = main_screen(app).library
        muted = library.muted_count()
        assert muted >= 2  # the probe's flyby, twice
        assert COMET not in [h.title for h in headlines.articles]
        assert option_texts(topics)[-1] == f"⊘ Muted ({muted})"
        assert option_texts(topics)[0] == f"All {36 - muted}"
        topics.focus()
        await pilot.press("G")  # the last row: what was hidden
        await pilot.pause()
        assert COMET in [h.title for h in headlines.articles] and len(headlines.articles) == muted
        await pilot.press("enter")  # to the headlines
        await move_to(pilot, COMET)
        await pilot.press("enter")
        await pilot.pause()
        assert "⊘ hidden: muted by keyword “comet”" in article.view.header.plain
