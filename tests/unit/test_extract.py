"""Main-text extraction on small pages written here (the shared corpus is used by the benchmark)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newstui.core.extract import MIN_WORDS, Extracted, count_words, extract

URL = "https://www.dailyexample.com/2024/03/05/harbour-bridge-reopens"

BODY = [
    "The harbour bridge reopened to traffic on Tuesday morning after eighteen months of repairs "
    "that cost the city far more than the council had planned when the work began in 2022.",
    "Engineers replaced all of the original cables, strengthened the deck and rebuilt both "
    "approach ramps, which had been closed to heavy lorries since a survey found deep cracks.",
    "“It is good to have our bridge back,” said Maria Lopez, who runs a bakery on the north side "
    "and has driven the long way round through the tunnel every day since the closure.",
    "The council said tolls would stay at their old level until the end of the year, when a "
    "review of the whole road network is due to be published.",
]


def article_page(*, extra_head: str = "", lead: str = "", charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>Harbour bridge reopens after repairs | The Daily Example</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-03-05T08:30:00+00:00">
{extra_head}
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Harbour bridge reopens after repairs</h1>
<p class="byline">By Jane Reporter</p>
{lead}
<div class="article-body">{paragraphs}
<p>Read more: <a href="/2024/01/bridge-costs">Bridge costs soar</a></p>
<h3>See also</h3><ul><li><a href="/2023/tunnel">Tunnel traffic doubles</a></li>
<li><a href="/2023/ferry">Ferry timetable changes</a></li></ul>
</div></article>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>First comment! This is terrible news for the people who live on the
south side and I want everyone to know it, because nobody ever listens to us.</p></div></section>
</main>
<footer><p>© 2024 The Daily Example. All rights reserved. Imprint. Privacy policy.</p></footer>
</body></html>"""


def test_an_article_page_gives_its_text_and_metadata() -> None:
    result = extract(article_page().encode(), URL)
    assert isinstance(result, Extracted)
    assert result.url == URL
    assert result.title == "Harbour bridge reopens after repairs"
    assert result.byline == "Jane Reporter"
    assert result.date == "2024-03-05"
    assert result.site == "The Daily Example"
    assert result.text.splitlines() == BODY
    assert result.is_article and result.reason == ""
    assert result.words == sum(len(p.split()) for p in BODY)
    assert result.html.startswith("<p>The harbour bridge")
    # navigation, the see-also list, comments and the footer are not the story
    for boilerplate in ("Home", "Weather", "Bridge costs", "Tunnel", "First comment", "All rights"):
        assert boilerplate not in result.text
    assert ("https://www.dailyexample.com/2024/01/bridge-costs", "Bridge costs soar") in result.see_also


def test_the_lead_is_restored_when_the_page_describes_itself_with_it() -> None:
    lead_text = (
        "After eighteen months and a bill twice the size of the estimate, the city's harbour "
        "bridge is open again."
    )
    page = article_page(
        extra_head=f'<meta property="og:description" content="{lead_text}">',
        lead=f'<div class="standfirst"><span>{lead_text}</span></div>',
    )
    result = extract(page, URL)
    assert result.text.splitlines()[0] == lead_text
    assert result.text.count("bridge is open again") == 1
    # a description that is nowhere on the page is not added
    other = article_page(
        extra_head='<meta name="description" content="The best news site for the harbour area, '
        'with traffic, weather and sport every day.">'
    )
    assert "best news site" not in extract(other, URL).text


def test_title_without_declared_metadata_drops_the_site_name_from_the_title_element() -> None:
    page = article_page().replace('<meta property="og:title" content="Harbour bridge reopens after repairs">', "")
    assert extract(page, URL).title == "Harbour bridge reopens after repairs"
    page = page.replace(
        "<title>Harbour bridge reopens after repairs | The Daily Example</title>",
        "<title>News - Harbour bridge reopens after long repairs</title>",
    )
    assert extract(page, URL).title == "Harbour bridge reopens after long repairs"


def test_json_ld_article_metadata_comes_first() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour bridge reopens after repairs",
        "author": [{"@type": "Person", "name": "Jane Reporter"}, {"name": "Sam Writer"}],
        "publisher": {"@type": "Organization", "name": "Daily Example Group"},
        "datePublished": "2024-03-04T23:59:00Z",
    }
    page = article_page(extra_head=f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    result = extract(page, URL)
    assert result.byline == "Jane Reporter, Sam Writer"
    assert result.site == "Daily Example Group"
    assert result.date == "2024-03-04"


def test_a_page_of_links_is_not_an_article() -> None:
    items = "".join(
        f'<li><a href="/story/{i}">Headline number {i} about the harbour and the city council</a></li>'
        for i in range(40)
    )
    page = f"<html><head><title>Latest news</title></head><body><h1>Latest</h1><ul>{items}</ul></body></html>"
    result = extract(page, "https://www.dailyexample.com/latest")
    assert not result.is_article
    assert result.reason.startswith("not an article")


def test_too_little_text_says_how_much_there_is() -> None:
    page = "<html><body><article><p>The bridge is open again, the council said.</p></article></body></html>"
    result = extract(page, URL)
    assert not result.is_article
    assert result.reason == f"too little text ({result.words} words)"
    assert result.words < MIN_WORDS


def test_bytes_are_decoded_with_the_declared_charset() -> None:
    page = article_page(charset="windows-1252").replace("Maria Lopez", "María Lopéz")
    result = extract(page.encode("cp1252"), URL)
    assert "María Lopéz" in result.text
    assert "“It is good to have our bridge back,”" in result.text


def test_terminal_control_characters_do_not_survive() -> None:
    evil = "\x1b[2J\x1b]0;owned\x07\u202e"
    page = (
        article_page()
        .replace("Harbour bridge reopens after repairs", f"Harbour{evil} bridge reopens")
        .replace("Jane Reporter", f"Jane{evil} Reporter")
        .replace("The Daily Example", f"The{evil} Daily Example")
        .replace("Engineers replaced", f"Engineers{evil} replaced")
    )
    result = extract(page, URL)
    for value in (result.title, result.byline, result.site, result.text, result.html):
        assert "\x1b" not in value and "\x07" not in value and "\u202e" not in value
    assert result.title == "Harbour bridge reopens"
    assert result.byline == "Jane Reporter"
    assert "Engineers replaced" in result.text


def test_cjk_text_is_counted_by_characters() -> None:
    assert count_words("港口大桥周二重新开放") == 10
    assert count_words("The bridge 港口") == 4


@pytest.mark.parametrize(
    "page",
    [b"", "", b"\x00\xff\xfe\x00", "<", "<html>", "<html><body></body></html>", b"\x89PNG\r\n\x1a\n",
     "just some words", "<p>" * 3000, None, 12, "<html><head><script>x</script></head></html>",
     '<script type="application/ld+json">{"@context": "https://schema.org", "@type": [1]}</script>',
     '<html><head><meta property="og:title"></head><body><p>x</p></body></html>'],
)  # fmt: skip
def test_garbage_never_raises(page: object) -> None:
    result = extract(page, "not a url")  # type: ignore[arg-type]
    assert isinstance(result, Extracted)
    assert not result.is_article and result.reason


CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "extraction" / "readability-pages"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_corpus_pages_never_raise() -> None:
    import gzip

    for folder in sorted(CORPUS.iterdir())[:20]:
        source = folder / "source.html.gz"
        if source.exists():
            assert isinstance(extract(gzip.decompress(source.read_bytes()), "http://fakehost/"), Extracted)
