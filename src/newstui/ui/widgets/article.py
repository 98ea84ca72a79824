"""The article pane: header and body of the open article, scrollable.

A Line-API widget: the article is laid out into lines at the pane's width (again when the width
changes) and ``render_line`` hands out the ones on screen. Opening another article repaints this
pane only; a container whose content height changed would lay out the whole screen again.

The layout is lazy: :meth:`ArticlePane.show` lays out the lines the pane shows (and a margin), and
the rest follows after the first repaint in slices of a few milliseconds, other events handled
between them, the virtual height growing as they come. Scrolling past what is laid out (``G``,
paging) lays out what it needs first; another article or width drops what was left to lay out.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from rich.console import Console, Group, RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newstui.core.article_view import ArticleView
from newstui.core.render import Lines, RenderedHTML
from newstui.ui.widgets.quiet import QUIET_VIRTUAL_SIZE

EMPTY = Text("Choose a headline and press Enter to read it here.", style="dim italic")
MARGIN = 20  # lines laid out past the bottom of the pane before the first paint
SLICE = 0.004  # seconds of layout at a time once the first screen is shown


class ArticleLines:
    """A renderable's lines at ``width``, laid out piece by piece on demand: the parts of a
    :class:`~rich.console.Group` in turn, a :class:`RenderedHTML` block by block. Line ``n`` is
    line ``n`` of ``console.render_lines(renderable, width, pad=False)``; :meth:`strip` makes
    it a strip of the width (the ones on screen only: most lines are never shown)."""

    def __init__(self, console: Console, renderable: RenderableType, width: int) -> None:
        self.width = width
        self.lines: list[list[Segment]] = []
        self.done = False
        self._strips: dict[int, Strip] = {}
        self._pieces = self._layout(console, renderable, width)

    @staticmethod
    def _layout(console: Console, renderable: RenderableType, width: int) -> Iterator[Lines]:
        options = console.options.update(width=width, height=None)
        parts = renderable.renderables if isinstance(renderable, Group) else [renderable]
        for part in parts:
            if isinstance(part, RenderedHTML):
                yield from part.layout(console, width)
            else:
                yield console.render_lines(part, options, pad=False)

    def strip(self, index: int) -> Strip:
        """Line ``index`` (laid out) cropped or padded to the width."""
        strip = self._strips.get(index)
        if strip is None:
            line = Segment.adjust_line_length(self.lines[index], self.width)
            strip = self._strips[index] = Strip(line, self.width)
        return strip

    def step(self) -> bool:
        """Lay out one more piece; False when there was none left."""
        if self.done:
            return False
        lines = next(self._pieces, None)
        if lines is None:
            self.done = True
            return False
        self.lines.extend(lines)
        return True

    def fill(self, count: int) -> None:
        """Lay out until there are ``count`` lines (or all of them)."""
        while len(self.lines) < count and self.step():
            pass

    def run(self, seconds: float) -> None:
        """Lay out pieces for about ``seconds`` (at least one)."""
        clock = time.perf_counter
        end = clock() + seconds
        while self.step() and clock() < end:
            pass

    def finish(self) -> ArticleLines:
        while self.step():
            pass
        return self


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
        self._layout: ArticleLines | None = None
        self._width = 0

    def show(self, view: ArticleView | None, *, keep_scroll: bool = False) -> None:
        """Show ``view``; ``keep_scroll`` for the same article redrawn (its flags changed)."""
        self.view = view
        self._layout_text(keep_scroll=keep_scroll)
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)

    def _layout_text(self, *, keep_scroll: bool = True) -> None:
        """Lay out the first screen (from the top, or down to the scroll position) now."""
        width = self.scrollable_content_region.width
        self._width = width
        if width <= 0:
            self._layout = None
            self.virtual_size = Size(0, 0)
            return
        renderable = self.view.renderable() if self.view else EMPTY
        layout = self._layout = ArticleLines(self.app.console, renderable, width)
        top = round(self.scroll_y) if keep_scroll else 0
        layout.fill(top + self.scrollable_content_region.height + MARGIN)
        self._grown(layout)
        if not layout.done:
            self.call_after_refresh(self._more, layout)

    def _more(self, layout: ArticleLines) -> None:
        """The next slice of the layout, unless another article or width replaced it."""
        if layout is not self._layout or layout.done or not self.is_attached:
            return
        layout.run(SLICE)
        self._grown(layout)
        if not layout.done:
            self.call_later(self._more, layout)  # after the events queued meanwhile (keys)

    def _grown(self, layout: ArticleLines) -> None:
        self.virtual_size = Size(layout.width, len(layout.lines))
        self.refresh()

    def _need(self, count: int) -> None:
        """Lay out at least ``count`` lines now (scrolling there)."""
        layout = self._layout
        if layout is not None and not layout.done and len(layout.lines) < count:
            layout.fill(count)
            self._grown(layout)

    def action_scroll_end(self) -> None:
        layout = self._layout
        if layout is not None and not layout.done:
            layout.finish()
            self._grown(layout)
        super().action_scroll_end()

    def action_page_down(self) -> None:
        self._need(round(self.scroll_target_y) + 2 * self.scrollable_content_region.height + 1)
        super().action_page_down()

    def action_scroll_down(self) -> None:
        self._need(round(self.scroll_target_y) + self.scrollable_content_region.height + 2)
        super().action_scroll_down()

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
        layout = self._layout
        if layout is not None and 0 <= index < len(layout.lines):
            return layout.strip(index).crop_extend(0, width, base).apply_style(base)
        return Strip.blank(width, base)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests and copy)."""
        if self.view is None:
            return EMPTY.plain
        return self.view.header.plain + "\n" + self.view.body.plain(max(self.size.width, 40))
