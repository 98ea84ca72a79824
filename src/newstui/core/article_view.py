"""One article as terminal renderables: a header (title, source, byline, date, link, topics) and
the body rendered from HTML. The reader's article pane and ``newstui show`` both use this.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from newstui.core.dates import long_date
from newstui.core.models import Article
from newstui.core.render import Link, RenderedHTML, render_html

NO_TEXT = Text("The feed gives no text for this article: press o to open its link.", style="dim italic")


@dataclass(frozen=True, slots=True)
class ArticleView:
    article: Article
    header: Text
    body: RenderedHTML

    @property
    def links(self) -> tuple[Link, ...]:
        return self.body.links

    def renderable(self) -> RenderableType:
        if not self.body.blocks and not self.body.links:
            return Group(self.header, Rule(style="dim"), NO_TEXT)
        return Group(self.header, Rule(style="dim"), self.body)


def render_article(article: Article) -> ArticleView:
    """Build the view; every piece of article text is appended as plain text, never markup."""
    header = Text()
    header.append(article.title or "(untitled)", style="bold")
    header.append("\n")
    header.append(article.feed, style="bold cyan")
    if article.author:
        header.append(" · ")
        header.append(article.author, style="italic")
    header.append(" · ")
    header.append(long_date(article.published))
    if article.link:
        header.append("\n")
        header.append(article.link, style="underline blue")
    if article.topics:
        header.append("\n")
        header.append("topics: ", style="dim")
        header.append(", ".join(article.topics), style="magenta")
    flags = [s for s, on in (("★ starred", article.starred), ("unread", not article.read)) if on]
    if flags:
        header.append("  ")
        header.append(" · ".join(flags), style="yellow")
    body = render_html(article.body_html, base_url=article.link)
    return ArticleView(article, header, body)
