"""Full text: the teaser rule, modes, fetching a page from 127.0.0.1 and explaining failures, the
store keeping what was fetched, and ``newstui extract``."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from pages import PARAGRAPHS, story_page

from newstui.cli import main
from newstui.core.fetch import FetchResult, make_client
from newstui.core.fulltext import (
    TEASER_WORDS,
    explain_fetch,
    fetch_full_text,
    mode_for,
    teaser_reason,
    wants_full_text,
)
from newstui.core.models import Article, Feed, FullText, Settings
from newstui.core.store import Store

T0 = datetime(2026, 11, 20, tzinfo=UTC)
LONG = "<p>" + " ".join(PARAGRAPHS * 2) + "</p>"


def art(**kw: object) -> Article:
    fields = dict(id="a1", feed="F", title="T", link="https://news.example/story", published=T0)
    fields.update(kw)
    return Article(**fields)  # type: ignore[arg-type]


# -- when ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "the feed gives no text"),
        ("<p>Cranes return.</p>", "the feed gives 2 words"),
        ("<p>One</p>", "the feed gives 1 word"),
        (LONG, ""),
        (LONG + "<p>Read more</p>", "the feed's text ends in “Read more”"),
        (LONG[:-4] + " and then…</p>", "the feed's text ends in “…”"),
        (LONG[:-4] + " [...]</p>", "the feed's text ends in “[...]”"),
        (LONG + '<p><a href="/x">Continue reading »</a></p>', "the feed's text ends in “Continue reading »”"),
        (LONG + "<p>Weiterlesen</p>", "the feed's text ends in “Weiterlesen”"),
    ],
)
def test_teaser_rule(body, reason):
    assert teaser_reason(art(summary=body)) == reason


def test_a_long_text_that_mentions_reading_is_not_a_teaser():
    assert teaser_reason(art(content=LONG + "<p>Readers can read more about it in the annual report.</p>")) == ""
    assert len(LONG.split()) > TEASER_WORDS


def test_modes():
    settings = Settings()
    assert settings.full_text == "auto"
    assert mode_for(Feed("F", "u"), settings) == "auto"
    assert mode_for(Feed("F", "u", full_text="never"), settings) == "never"
    assert mode_for(Feed("F", "u"), replace(settings, full_text="always")) == "always"
    assert mode_for(None, settings) == "auto"
    teaser, whole = art(summary="<p>short</p>"), art(content=LONG)
    assert wants_full_text(teaser, "auto") and not wants_full_text(whole, "auto")
    assert wants_full_text(whole, "always") and not wants_full_text(teaser, "never")
    assert not wants_full_text(replace(teaser, link=""), "always")
    assert not wants_full_text(replace(teaser, link="file:///etc/passwd"), "always")  # never local files
    fetched = FullText("u", T0, html="<p>x</p>")
    assert not wants_full_text(replace(teaser, full_text=fetched), "always")  # once is enough


# -- failures in words -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("status", "error", "says", "lasting"),
    [
        (403, "HTTP 403 Forbidden", "the site refused to send the page (HTTP 403): a paywall", True),
        (401, "HTTP 401", "the site refused to send the page (HTTP 401)", True),
        (404, "HTTP 404 Not Found", "the page is gone (HTTP 404)", True),
        (410, "HTTP 410 Gone", "the page is gone (HTTP 410)", True),
        (429, "HTTP 429", "the site asks us to slow down (HTTP 429)", False),
        (502, "HTTP 502", "the site had an error (HTTP 502)", False),
        (None, "timed out after 3 s", "the page did not arrive within 3 s (timeout)", False),
        (None, "cannot connect: host x not found", "the page could not be fetched: cannot connect", False),
        (200, "feed is larger than the 10-byte cap", "the page is larger than 10 bytes", True),
    ],
)
def test_fetch_failures_are_explained(status, error, says, lasting):
    got = FetchResult("u", "u", status=status, error=error)
    text, lasts = explain_fetch(got, Settings(timeout_seconds=3, max_feed_bytes=10))
    assert text.startswith(says) and lasts == lasting


def fetch_page(url: str, **settings: object) -> FullText:
    async def go() -> FullText:
        client = make_client(2.0, 2)
        try:
            return await fetch_full_text(client, url, Settings(**settings), clock=lambda: T0)
        finally:
            await client.close()

    return asyncio.run(go())


def test_fetch_a_page_from_the_local_site(site):
    full = fetch_page(site.url("/story/cranes"), timeout_seconds=5)
    assert full.ok and full.fetched == T0
    assert full.title.startswith("Harbour cranes return") and full.site == "Harbour Daily"
    assert full.byline == "Ines Duarte" and full.words > 100
    assert PARAGRAPHS[1][:50] in full.html
    assert not full.html.lstrip().startswith("<h1")  # the title is in the header, not twice
    assert "Share this article" not in full.html and "All rights reserved" not in full.html
    assert full.see_also == ((site.url("/story/earlier"), "Cranes idle for a third winter"),)
    assert site.hits[-1] == "/story/cranes"


def test_fetch_failures_from_the_local_site(site):
    assert "HTTP 403" in fetch_page(site.url("/story/paywall")).error
    gone = fetch_page(site.url("/story/missing"))
    assert gone.error == "the page is gone (HTTP 404)" and gone.lasting
    pdf = fetch_page(site.url("/story/pdf"))
    assert pdf.error == "the link leads to a application/pdf file, not a web page"
    slow = fetch_page(site.url("/story/slow"), timeout_seconds=0.5)
    assert slow.error.startswith("the page did not arrive within 0.5 s") and not slow.lasting
    big = fetch_page(site.url("/story/cranes"), max_feed_bytes=100)
    assert big.error == "the page is larger than 100 bytes: not fetched"


# -- the store -------------------------------------------------------------------------------------

def test_the_store_keeps_the_page_text_across_feed_updates_and_reopening(tmp_path):
    path = tmp_path / "db.json"
    full = FullText("https://news.example/story", T0, html="<p>whole</p>", title="T", byline="B",
                    date="2026-11-20", site="S", words=1, see_also=(("https://x/1", "one"),))
    with Store(path) as store:
        store.upsert_articles([art(summary="<p>teaser</p>")])
        assert store.save_full_text("a1", full)
        assert not store.save_full_text("nope", full)
        assert store.article("a1").full_text == full
        # the feed edits its teaser: the page text stays
        store.upsert_articles([art(summary="<p>teaser, edited</p>")])
        assert store.article("a1").full_text == full
    with Store(path) as store:
        assert store.article("a1").full_text == full
        assert store.article("a1").summary == "<p>teaser, edited</p>"
        # the feed points the article elsewhere: the old page's text no longer applies
        store.upsert_articles([art(summary="<p>teaser</p>", link="https://news.example/other")])
        assert store.article("a1").full_text is None


def test_a_lasting_failure_is_kept_and_a_damaged_entry_ignored(tmp_path):
    with Store(tmp_path / "db.json") as store:
        store.upsert_articles([art(summary="<p>teaser</p>"), art(id="a2", summary="<p>x</p>")])
        refused = FullText("u", T0, error="the site refused to send the page (HTTP 403)")
        store.save_full_text("a1", refused)
        got = store.article("a1").full_text
        assert got == refused and not got.ok
        assert not wants_full_text(store.article("a1"), "auto")  # not fetched again by itself
    from newstui.core.store_records import record_to_full

    assert record_to_full({"fetched": "not a date"}) is None
    assert record_to_full({"fetched": T0.isoformat(), "words": "many"}) is None
    assert record_to_full(None) is None


def test_retention_drops_the_page_text_with_its_article(tmp_path):
    with Store(tmp_path / "db.json") as store:
        store.upsert_articles([art(id=f"a{i}", published=T0 + timedelta(hours=i)) for i in range(3)])
        store.save_full_text("a0", FullText("u", T0, html="<p>x</p>"))
        store.prune("F", keep=2)
        assert {a.id for a in store.articles()} == {"a1", "a2"}


# -- newstui extract ---------------------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_extract_a_file_as_text_and_json(capsys, tmp_path):
    page = tmp_path / "story.html"
    page.write_text(story_page("Harbour cranes return after three idle winters", links=2), encoding="utf-8")
    code, out, err = run(capsys, "extract", str(page), "--width", "72")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Harbour cranes return after three idle winters"  # "| Harbour Daily" dropped
    assert lines[1].startswith("Harbour Daily · Ines Duarte ·") and lines[1].endswith("min read")
    assert all(len(line) <= 72 for line in lines)
    assert "whole article" not in out  # no reader keys to mention here
    assert "More detail follows. See source 1. See source 2." in out
    assert "References" not in out  # links that resolve to file: URLs are not offered
    code, out, _ = run(capsys, "extract", page.as_uri(), "--json")
    data = json.loads(out)
    assert code == 0
    assert data["title"] == "Harbour cranes return after three idle winters" and data["byline"] == "Ines Duarte"
    assert data["site"] == "Harbour Daily" and data["is_article"] and data["reason"] == ""
    assert data["words"] > 100 and data["minutes"] == 1
    assert PARAGRAPHS[2][:40] in " ".join(data["text"].split())
    assert data["links"] == [] and data["see_also"] == []
    assert "Harbour cranes return" not in data["text"]  # the page's <h1> is the title: shown once


def test_extract_a_url_with_its_links(capsys, site):
    code, out, _ = run(capsys, "extract", site.url("/story/cranes"), "--json")
    data = json.loads(out)
    assert code == 0 and data["url"] == site.url("/story/cranes")
    assert [(link["number"], link["url"]) for link in data["links"]] == [
        (n, site.url(f"/ref/{n}")) for n in range(1, 13)]
    assert "See source 12[12]." in data["text"] and data["text"].startswith("The harbour cranes")
    assert data["see_also"] == [{"url": site.url("/story/earlier"), "text": "Cranes idle for a third winter"}]


def test_extract_failures(capsys, site, tmp_path):
    code, out, err = run(capsys, "extract", site.url("/story/paywall"))
    assert code == 1 and out == ""
    assert "the site refused to send the page (HTTP 403)" in err
    code, _, err = run(capsys, "extract", str(tmp_path / "missing.html"))
    assert code == 1 and "no such file" in err
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><p>Hello.</p></body></html>")
    code, _, err = run(capsys, "extract", str(empty))
    assert code == 1 and "too little text" in err
