"""The article view's header and the line saying where the text comes from."""

from __future__ import annotations

from datetime import UTC, datetime

from newstui.core.article_view import render_article
from newstui.core.models import Article, FullText

T0 = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
WORDS = " ".join(["word"] * 460)


def art(**kw: object) -> Article:
    fields = dict(id="a1", feed="Harbour Feed", title="Cranes return", link="https://harbour.example/s",
                  published=T0, summary="<p>Cranes are back. Read more</p>", author="Desk", read=True)
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


def header(view) -> list[str]:
    return view.header.plain.splitlines()


def test_feed_text_header_has_reading_time_and_no_note():
    view = render_article(art(summary=f"<p>{WORDS}</p>"))
    assert header(view)[:3] == [
        "Cranes return",
        "Harbour Feed · Desk · Fri 20 Nov 2026 09:30 · 2 min read",
        "https://harbour.example/s",
    ]
    assert not view.from_page and "whole article" not in view.header.plain


def test_the_page_text_replaces_the_feed_text():
    full = FullText("https://harbour.example/s", T0, html=f"<p>{WORDS}</p>",
                    byline="Ines Duarte", site="Harbour Daily", words=460,
                    see_also=(("https://harbour.example/earlier", "Earlier"), ("file:///etc/passwd", "x")))
    view = render_article(art(full_text=full))
    lines = header(view)
    assert lines[1] == "Harbour Feed · Harbour Daily · Ines Duarte · Fri 20 Nov 2026 09:30 · 2 min read"
    assert lines[-1] == "whole article from Harbour Daily · 460 words · f fetches it again"
    assert view.from_page and "Cranes are back" not in view.body.plain(80)
    assert view.see_also == (("https://harbour.example/earlier", "Earlier"),)  # no file: links


def test_loading_failed_and_offered_notes():
    loading = render_article(art(), loading="the feed gives 4 words")
    assert header(loading)[-1] == ("⟳ fetching the whole article from harbour.example (the feed gives 4 words); "
                                   "the feed's text meanwhile")
    assert "Cranes are back." in loading.body.plain(80)
    refused = FullText("https://harbour.example/s", T0, error="the site refused to send the page (HTTP 403)")
    failed = render_article(art(full_text=refused))
    assert header(failed)[-1] == "feed's text only: the site refused to send the page (HTTP 403) · f tries again"
    assert "Cranes are back." in failed.body.plain(80)
    passing = FullText("u", T0, error="the page did not arrive within 20 s (timeout): press f to try again",
                       lasting=False)
    assert header(render_article(art(), failed=passing))[-1] == (
        "feed's text only: the page did not arrive within 20 s (timeout): press f to try again")
    offered = render_article(art(), offer="the feed gives 4 words")
    assert header(offered)[-1] == "the feed gives 4 words: f fetches the whole article from harbour.example"


def test_feed_boilerplate_goes_to_see_also():
    html = (f"<p>{WORDS}</p><p>Related: <a href='https://harbour.example/older'>Older story</a></p>"
            "<p>The post Cranes return appeared first on Harbour Feed.</p>")
    view = render_article(art(content=html))
    text = view.body.plain(80)
    assert "Related" not in text and "appeared first" not in text
    assert view.see_also == (("https://harbour.example/older", "Older story"),)
