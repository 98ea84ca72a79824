"""One article as terminal renderables: a header (title, source, byline, date, reading time, link,
topics, where the text comes from) and the body rendered from HTML. The reader's article pane and
``newstui show`` both use this.

The body is the page's main text when it was fetched (see :mod:`newstui.core.fulltext`), else the
feed's text; either way cleaned of boilerplate ("Read more", share prompts, "See also" inserts),
whose links become the view's ``see_also``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from newstui.core.dates import long_date
from newstui.core.fulltext import without_title
from newstui.core.models import Article, FullText
from newstui.core.render import Link, RenderedHTML, render_html
from newstui.core.search import Query, highlight_spans
from newstui.core.topics import TopicReason

if TYPE_CHECKING:
    from newstui.core.boilerplate import Cleaned

NO_TEXT = Text("The feed gives no text for this article: press o to open its link.", style="dim italic")
WORDS_PER_MINUTE = 230
MATCH_STYLE = "reverse"  # a search's words in the article (a style every theme can show)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class ArticleView:
    article: Article
    header: Text
    body: RenderedHTML
    see_also: tuple[tuple[str, str], ...] = ()  # (url, text): links the cleaning took out of the text
    from_page: bool = False  # the body is the page's text, not the feed's

    @property
    def links(self) -> tuple[Link, ...]:
        return self.body.links

    def renderable(self) -> RenderableType:
        if not self.body.blocks and not self.body.links:
            return Group(self.header, Rule(style="dim"), NO_TEXT)
        return Group(self.header, Rule(style="dim"), self.body)


def render_article(article: Article, *, loading: str | None = None, failed: FullText | None = None,
                   offer: str = "", source_note: bool = True, reasons: Sequence[TopicReason] = (),
                   highlight: Query | None = None) -> ArticleView:
    """Build the view; every piece of article text is appended as plain text, never markup.

    ``loading``: the page is being fetched (why, e.g. the teaser reason, or ""); ``failed``: a fetch this
    session that failed and was not stored; ``offer``: why fetching the page would help, when it
    is not fetched by itself (shown with the key that does it). ``source_note`` False leaves out
    the line that says where the text comes from (``newstui extract`` has no reader keys).
    ``reasons``: why it has each topic (and which rule mutes it), shown under the title instead
    of the bare topic names. ``highlight``: a search whose words are marked in the title and text.
    """
    full = article.full_text
    page = full is not None and full.ok and bool(full.html)
    if failed is None and full is not None and not full.ok:
        failed = full
    if page and full:  # cleaned when it was extracted (newstui.core.extract)
        body = render_html(without_title(full.html, article.title, full.title), base_url=full.url)
        see_also = _unique(full.see_also)
        words = full.words
    else:
        cleaned = _cleaned(article.body_html, article.link)
        body = render_html(cleaned.html, base_url=article.link)
        see_also = _unique(cleaned.see_also)
        words = len(_TAG.sub(" ", cleaned.html).split())
    header = _header(article, full if page else None, words, reasons)
    if highlight is not None and highlight.has_text:
        _mark(header, highlight)
        body = _marked(body, highlight)
    note = _note(article, full if page else None, loading, failed, offer)
    if note.plain and source_note:
        header.append("\n")
        header.append_text(note)
    return ArticleView(article, header, body, see_also, page)


def _header(article: Article, full: FullText | None, words: int,
            reasons: Sequence[TopicReason] = ()) -> Text:
    header = Text()
    header.append(article.title or (full.title if full else "") or "(untitled)", style="bold")
    header.append("\n")
    header.append(article.feed, style="bold cyan")
    if full and full.site and full.site.casefold() != article.feed.casefold():
        header.append(" · ")
        header.append(full.site, style="cyan")
    byline = (full.byline if full else "") or article.author
    if byline:
        header.append(" · ")
        header.append(byline, style="italic")
    header.append(" · ")
    header.append(long_date(article.published))
    if words:
        header.append(" · ")
        header.append(f"{max(1, round(words / WORDS_PER_MINUTE))} min read", style="dim")
    if article.link:
        header.append("\n")
        header.append(article.link, style="underline blue")
    shown = [r for r in reasons if r.topic]
    if shown:
        header.append("\n")
        header.append("topics: ", style="dim")
        by_topic: dict[str, list[TopicReason]] = {}
        for reason in shown:
            by_topic.setdefault(reason.topic, []).append(reason)
        for n, (topic, why) in enumerate(by_topic.items()):
            if n:
                header.append(" · ", style="dim")
            header.append(topic, style="magenta")
            header.append(f" ({_why(why)})", style="dim")
    elif article.topics:
        header.append("\n")
        header.append("topics: ", style="dim")
        header.append(", ".join(article.topics), style="magenta")
    muted = next((r for r in reasons if r.source == "mute"), None)
    if muted is not None:
        header.append("\n")
        header.append("⊘ hidden: " + muted.describe(), style="yellow")
    flags = [s for s, on in (("★ starred", article.starred), ("unread", not article.read)) if on]
    if flags:
        header.append("  ")
        header.append(" · ".join(flags), style="yellow")
    return header


def _note(article: Article, full: FullText | None, loading: str | None, failed: FullText | None,
          offer: str) -> Text:
    """One line on where the text comes from, when that is worth saying."""
    host = (urlsplit(article.link).hostname or "the page") if article.link else "the page"
    note = Text()
    if loading is not None:
        note.append(f"⟳ fetching the whole article from {host}", style="bold yellow")
        note.append(f" ({loading})" if loading else "", style="yellow")
        note.append("; the feed's text meanwhile", style="yellow")
    elif full is not None:
        note.append(f"whole article from {full.site or host} · {full.words:,} words", style="green")
        note.append(" · f fetches it again", style="dim")
    elif failed is not None:
        note.append("feed's text only: ", style="bold red")
        note.append(failed.error, style="red")
        if failed.lasting:
            note.append(" · f tries again", style="dim")
    elif offer:
        note.append(f"{offer}: f fetches the whole article from {host}", style="dim italic")
    return note


@lru_cache(maxsize=8)
def _cleaned(html: str, base_url: str) -> Cleaned:
    """Boilerplate removed (kept for the last few articles: a flag change redraws the article)."""
    from newstui.core.boilerplate import strip_boilerplate  # lxml.html: ~50 ms, not before first paint

    return strip_boilerplate(html, base_url)


def _unique(pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, tuple[str, str]] = {}
    for url, text in pairs:
        if url.lower().startswith(("http://", "https://")):  # as the references: no file: or javascript:
            seen.setdefault(url, (url, text))
    return tuple(seen.values())


def _mark(text: Text, query: Query) -> None:
    """Mark where the search's words are in ``text`` (in place)."""
    for start, end in highlight_spans(query, text.plain):
        text.stylize(MATCH_STYLE, start, end)


def _marked(body: RenderableType, query: Query) -> RenderableType:
    """The body with the search's words marked in each of its text blocks."""
    for block in getattr(body, "blocks", ()):
        if isinstance(block, Text):
            _mark(block, query)
    return body


def _why(reasons: Sequence[TopicReason]) -> str:
    """One topic's reasons, those of one kind together: ``category “Japan”; keywords “Tokyo”,
    “Kyoto”``."""
    kinds: dict[str, list[TopicReason]] = {}
    for reason in reasons:
        kinds.setdefault(reason.source, []).append(reason)
    parts = []
    for source, same in kinds.items():
        if len(same) == 1 or source not in ("keyword", "category"):
            parts += [r.describe() for r in same]
        else:
            parts.append(f"{source}s " + ", ".join(f"“{r.detail}”" for r in same))
    return "; ".join(parts)
