"""The article pane: header and body of the open article, scrollable."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from newstui.core.article_view import ArticleView

EMPTY = Text("Choose a headline and press Enter to read it here.", style="dim italic")


class ArticlePane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="article.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="article.page_up"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: ArticleView | None = None

    def compose(self):
        yield Static(EMPTY, id="article-body")

    def show(self, view: ArticleView | None, *, keep_scroll: bool = False) -> None:
        """Show ``view``; ``keep_scroll`` when it is the same article redrawn (its flags changed)."""
        self.view = view
        body = self.query_one("#article-body", Static)
        body.update(view.renderable() if view else EMPTY)
        if not keep_scroll:
            self.scroll_home(animate=False)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and copy)."""
        if self.view is None:
            return EMPTY.plain
        return self.view.header.plain + "\n" + self.view.body.plain(max(self.size.width, 40))
