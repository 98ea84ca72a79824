"""The article pane: header and body of the open article, scrollable.

A Line-API widget: the article is rendered once into lines at the pane's width (again when the
width changes) and ``render_line`` hands out the ones on screen. Opening another article repaints
this pane only; a container whose content height changed would lay out the whole screen again.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newstui.core.article_view import ArticleView
from newstui.ui.widgets.quiet import QUIET_VIRTUAL_SIZE

EMPTY = Text("Choose a headline and press Enter to read it here.", style="dim italic")


class ArticlePane(ScrollView, can_focus=True):
    DEFAULT_CSS = "ArticlePane { overflow-x: hidden; overflow-y: scroll; }"
    BINDINGS = [
        Binding("j", "scroll_down", "Scroll down", show=False, id="article.down"),
        Binding("k", "scroll_up", "Scroll up", show=False, id="article.up"),
        Binding("g", "scroll_home", "Top", show=False, id="article.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="article.bottom"),
        Binding("space", "page_down", "Page down", show=False, id="article.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="article.page_up"),
    ]
    virtual_size = QUIET_VIRTUAL_SIZE  # another article repaints this pane, not the screen

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view: ArticleView | None = None
        self._lines: list[Strip] = []
        self._width = 0

    def show(self, view: ArticleView | None, *, keep_scroll: bool = False) -> None:
        """Show ``view``; ``keep_scroll`` when it is the same article redrawn (its flags changed)."""
        self.view = view
        self._layout_text()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)

    def _layout_text(self) -> None:
        width = self.scrollable_content_region.width
        self._width = width
        if width <= 0:
            self._lines = []
            return
        console = self.app.console
        renderable = self.view.renderable() if self.view else EMPTY
        lines = console.render_lines(renderable, console.options.update(width=width, height=None), pad=False)
        self._lines = [Strip(Segment.adjust_line_length(line, width), width) for line in lines]
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._layout_text()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = None

    _base = None

    def render_line(self, y: int) -> Strip:
        base = self._base
        if base is None:
            base = self._base = self.rich_style
        index = y + round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if 0 <= index < len(self._lines):
            return self._lines[index].crop_extend(0, width, base).apply_style(base)
        return Strip.blank(width, base)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and copy)."""
        if self.view is None:
            return EMPTY.plain
        return self.view.header.plain + "\n" + self.view.body.plain(max(self.size.width, 40))
