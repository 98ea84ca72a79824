"""Boilerplate that survives extraction (and that feeds send as content), on small written pages."""

from __future__ import annotations

import pytest

from newstui.core.boilerplate import Cleaned, strip_boilerplate
from newstui.core.render import html_to_text

BASE = "https://news.example/2024/story/"
STORY = "<p>The council approved the new budget on Tuesday after a long debate.</p>"


def text(cleaned: Cleaned) -> str:
    return html_to_text(cleaned.html)


def test_see_also_heading_and_the_link_list_after_it_go_and_their_links_are_kept() -> None:
    html = (
        STORY + "<h3>See also</h3><ul><li><a href='/a'>Budget explained</a></li>"
        "<li><a href='https://other.example/b'>Who voted how</a></li></ul>"
        "<p>A paragraph after the list stays.</p>"
    )
    cleaned = strip_boilerplate(html, BASE)
    assert text(cleaned).splitlines() == [
        "The council approved the new budget on Tuesday after a long debate.",
        "A paragraph after the list stays.",
    ]
    assert cleaned.see_also == (
        ("https://news.example/a", "Budget explained"),
        ("https://other.example/b", "Who voted how"),
    )
    assert cleaned.removed == 2


@pytest.mark.parametrize(
    "block",
    [
        "<p>Related: <a href='/r'>Budget explained</a></p>",
        "<p><strong>Read more:</strong> <a href='/r'>Budget explained</a></p>",
        "<p>Continue reading <a href='/r'>“Budget explained”</a> →</p>",
        "<p><a href='/r'>Read more »</a></p>",
        "<h2>More on this story</h2><p><a href='/r'>Budget explained</a></p>",
        "<p>Lesen Sie auch: <a href='/r'>Der Haushalt erklärt</a></p>",
        "<p>À lire aussi : <a href='/r'>Le budget expliqué</a></p>",
        "<p>Lea también: <a href='/r'>El presupuesto explicado</a></p>",
    ],
)
def test_related_and_read_more_blocks_go_with_their_links_kept(block: str) -> None:
    cleaned = strip_boilerplate(STORY + block, BASE)
    assert text(cleaned) == "The council approved the new budget on Tuesday after a long debate."
    assert cleaned.see_also and cleaned.see_also[0][0] == "https://news.example/r"


@pytest.mark.parametrize(
    "block",
    [
        "<p>Share this:</p><ul><li><a href='https://twitter.example/s'>Twitter</a></li>"
        "<li><a href='https://facebook.example/s'>Facebook</a></li></ul>",
        "<div><a href='#'>Facebook</a> <a href='#'>WhatsApp</a> <a href='#'>E-Mail</a></div>",
        "<p>Sign up for our daily newsletter</p>",
        "<p>Subscribe now to get the full story.</p>",
        "<p>Follow us on Twitter and Instagram</p>",
        "<h4>The Morning Newsletter</h4>",
        "<p>Folgen Sie uns auf Facebook</p>",
        "<p>Abonnez-vous à notre lettre</p>",
        "<p>Síguenos en Telegram y Twitter</p>",
        "<div class='sharedaddy'><p>Anything in a share box</p></div>",
    ],
)
def test_share_subscribe_follow_and_newsletter_prompts_go(block: str) -> None:
    cleaned = strip_boilerplate(STORY + block, BASE)
    assert text(cleaned) == "The council approved the new budget on Tuesday after a long debate."
    assert cleaned.removed >= 1
    assert cleaned.see_also == ()  # share links are not "see also" links


def test_wordpress_footer_goes() -> None:
    html = STORY + (
        "<p>The post <a href='https://blog.example/p'>Budget day</a> appeared first on "
        "<a href='https://blog.example/'>Council Blog</a>.</p>"
    )
    cleaned = strip_boilerplate(html, BASE)
    assert "appeared first" not in cleaned.html
    assert cleaned.removed == 1


def test_logo_icon_avatar_and_tracking_pixel_images_go_but_photos_stay() -> None:
    html = (
        "<p>Story <img src='/logo.png' alt='Example News logo'></p>"
        "<p><img src='/avatar.jpg' alt='Author avatar'></p>"
        "<img src='https://stats.example/pixel.gif' width='1' height='1'>"
        "<img src='https://feeds.example/~r/x' height='1' width='1' alt=''>"
        "<p><img src='/photo.jpg' alt='The council chamber'></p>"
    )
    cleaned = strip_boilerplate(html, BASE)
    assert "logo" not in cleaned.html and "avatar" not in cleaned.html
    assert "pixel" not in cleaned.html and "~r" not in cleaned.html
    assert "/photo.jpg" in cleaned.html
    assert "Story" in cleaned.html


def test_empty_paragraphs_go() -> None:
    cleaned = strip_boilerplate(STORY + "<p>&nbsp;</p><p> </p><p><br></p><div></div>", BASE)
    assert cleaned.html == STORY
    assert cleaned.removed == 4


@pytest.mark.parametrize(
    "html",
    [
        "<p>Read more about the budget in the council's own report, which runs to 300 pages.</p>",
        "<p>Residents can share their views at a public meeting next week.</p>",
        "<p>She said she would read more of the report before deciding.</p>",
        "<h2>Related costs</h2><p>Related costs rose by a third.</p>",
        "<p>Subscribers to the council's bulletin were told first.</p>",
        "<p>Share prices fell.</p>",
        "<p>The newsletter, which the council sends to every household, listed the changes and the"
        " dates on which each of them takes effect, street by street.</p>",
        "<p><img src='/chart.png' alt='Chart of spending'></p>",
        "<ul><li><a href='/a'>A link in an ordinary list</a></li></ul>",
    ],
)
def test_ordinary_content_that_mentions_the_words_stays(html: str) -> None:
    cleaned = strip_boilerplate(html, BASE)
    assert cleaned.removed == 0
    assert cleaned.html == html


def test_works_on_a_whole_document_and_on_plain_text() -> None:
    page = f"<!doctype html><html><head><title>t</title></head><body>{STORY}<p>Share:</p></body></html>"
    cleaned = strip_boilerplate(page, BASE)
    assert text(cleaned) == "The council approved the new budget on Tuesday after a long debate."
    plain = "Just some text without tags."
    assert strip_boilerplate(plain) == Cleaned(plain, (), 0)


def test_see_also_links_are_deduplicated_in_order_and_skip_the_page_itself() -> None:
    html = (
        "<h3>Related</h3><ul><li><a href='/b'>B</a></li><li><a href='/a'>A</a></li>"
        "<li><a href='/b'>B again</a></li><li><a href='" + BASE + "'>This page</a></li>"
        "<li><a href='javascript:void(0)'>Script</a></li></ul>"
    )
    cleaned = strip_boilerplate(html, BASE)
    assert cleaned.see_also == (("https://news.example/b", "B"), ("https://news.example/a", "A"))


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<", "<p", "</div></div>", "<<<>>>", "\x00\x1b[31m<p>x", "<p>" * 5000, None, 42],
)
def test_garbage_never_raises(html: object) -> None:
    cleaned = strip_boilerplate(html)  # type: ignore[arg-type]
    assert isinstance(cleaned, Cleaned)
