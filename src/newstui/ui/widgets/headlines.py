"""The headline list: a virtual list (Line API) that renders only the rows on screen.

It holds the sequence it is given (the library's lazy :class:`~newstui.core.library.HeadlineRows`,
or any sequence of headlines) without copying it, so 100,000 rows cost what 40 do: only
``render_line`` for the rows on screen reads them.

In a view that groups stories, a story's row has a fold marker (▸ closed, ▾ opened) and, at the
right end of the title, its sources and how long the story has run ("3 sources · 2d"); an opened
story's other articles follow it, indented under a ├/└ guide. An article reached through several
feeds is one row tagged "2 sources".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newstui.core.dates import age
from newstui.core.library import Headline
from newstui.ui.widgets.quiet import QUIET_VIRTUAL_SIZE

SOURCE_WIDTH = 16
AGE_WIDTH = 4
FIXED_WIDTH = 3 + SOURCE_WIDTH + 1 + AGE_WIDTH + 2  # marks, source, age and the gaps before the title
TITLE_MIN = 24  # a tag is shortened (then left out) rather than leave the title fewer cells


class HeadlineList(ScrollView, can_focus=True):
    """Unread marker, star, source, relative age and title; one row per article (or per story)."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="headlines.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="headlines.up"),
        Binding("g,home", "first", "Top", show=False, id="headlines.top"),
        Binding("G,end", "last", "Bottom", show=False, id="headlines.bottom"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="headlines.page_down"),
        Binding("pageup,b", "page_up", "Page up", show=False, id="headlines.page_up"),
        Binding("enter", "open", "Open", tooltip="open the highlighted headline", id="headlines.open"),
        Binding("right,l", "fold(True)", "Open story", show=False, id="headlines.unfold",
                tooltip="open the story (stories grouped)"),
        Binding("left,h", "fold(False)", "Close story", show=False, id="headlines.fold",
                tooltip="close the story (stories grouped)"),
    ]
    COMPONENT_CLASSES = {
        "headlines--cursor",
        "headlines--unread",
        "headlines--read",
        "headlines--source",
        "headlines--age",
        "headlines--star",
        "headlines--tag",
        "headlines--guide",
    }
    DEFAULT_CSS = """
    HeadlineList { overflow-x: hidden; overflow-y: scroll; }
    HeadlineList > .headlines--cursor { background: $block-cursor-blurred-background; }
    HeadlineList:focus > .headlines--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    HeadlineList > .headlines--unread { text-style: bold; }
    HeadlineList > .headlines--read { color: $text-muted; }
    HeadlineList > .headlines--source { color: $accent; }
    HeadlineList > .headlines--age { color: $text-muted; }
    HeadlineList > .headlines--star { color: $warning; }
    HeadlineList > .headlines--tag { color: $text-muted; text-style: not bold; }
    HeadlineList > .headlines--guide { color: $accent; text-style: not bold; }
    """

    virtual_size = QUIET_VIRTUAL_SIZE  # a new filter repaints the list, not the screen
    # repaint=False: watch_cursor redraws just the two rows that changed, not the whole list.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    empty_text = "Nothing to show here. r refreshes the feeds; u, / and the topics change the filter."

    class Selected(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class Fold(Message):
        """Open (``opened`` True) or close the story under the cursor (→ / ←)."""

        def __init__(self, opened: bool) -> None:
            super().__init__()
            self.opened = opened

    def __init__(self, *, clock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._styles: dict[str, Style] = {}
        self._articles: Sequence[Headline] = ()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._grouped = False  # the rows are a view that groups stories (room for fold markers)
        self._opened: frozenset[int] = frozenset()  # ...and the stories opened in it

    # -- data ----------------------------------------------------------------------------------

    @property
    def articles(self) -> Sequence[Headline]:
        return self._articles

    @property
    def current(self) -> Headline | None:
        if 0 <= self.cursor < len(self._articles):
            return self._articles[self.cursor]
        return None

    def _position(self, article_id: str) -> int | None:
        position = getattr(self._articles, "position", None)
        if position is not None:
            return position(article_id)
        return next((i for i, a in enumerate(self._articles) if a.id == article_id), None)

    def set_articles(self, articles: Sequence[Headline], keep: str | Sequence[str] | None = None, *,
                     grouped: bool = False, opened: frozenset[int] = frozenset()) -> None:
        """Replace the rows; the cursor goes to ``keep`` (an article id, or ids to try in turn)
        when it is listed, else to the top. ``grouped``: a view that groups stories, of which
        ``opened`` are opened."""
        self._articles = articles
        self._grouped, self._opened = grouped, opened
        self.virtual_size = Size(0, len(articles))
        self.cursor = min(self.find(keep) or 0, max(len(articles) - 1, 0))
        self.refresh()

    def find(self, ids: str | Sequence[str] | None) -> int | None:
        """The row of the first of ``ids`` (an article id, or ids to try in turn) that is listed."""
        for article_id in (ids,) if isinstance(ids, str) else ids or ():
            index = self._position(article_id)
            if index is not None:
                return index
        return None

    def find_story(self, story: int, before: int, limit: int = 2000) -> int | None:
        """The row of ``story`` at or above row ``before`` (looking at ``limit`` rows at most):
        where an article went when its story was folded into one row (the story's newest)."""
        for index in range(min(before, len(self._articles) - 1), max(before - limit, -1), -1):
            if self._articles[index].story == story:
                return index
        return None

    def reveal(self, index: int, rows: int) -> None:
        """Scroll so that ``rows`` rows from ``index`` are on screen (an opened story's), as many
        as fit, the first of them included."""
        rows = max(1, min(rows, self.scrollable_content_region.height))
        self.scroll_to_region(Region(0, index, 1, rows), animate=False, force=True)

    def group_row(self) -> Headline | None:
        """The story row the cursor is on, or under (an opened story's article); None elsewhere."""
        index = self.cursor
        while 0 <= index < len(self._articles):
            row = self._articles[index]
            if row.grouped:
                return row
            if not row.member:
                return None
            index -= 1
        return None

    def update_article(self, article: Headline) -> None:
        """Redraw one row after its flags changed (it stays listed even if the filter says no)."""
        current = self.current
        index = self.cursor if current is not None and current.id == article.id else self._position(article.id)
        if index is not None:
            if isinstance(self._articles, list):
                self._articles[index] = article
            self.refresh_line(index)

    def refresh_line(self, index: int) -> None:
        y = index - round(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # -- cursor --------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._articles) - 1)) if self._articles else 0

    def watch_cursor(self, old: int, new: int) -> None:
        # Only the two rows that changed are redrawn; scrolling redraws everything by itself.
        self.refresh_line(old)
        self.refresh_line(new)
        top = round(self.scroll_offset.y)
        if not top <= new < top + self.scrollable_content_region.height:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._articles) - 1

    def action_page_down(self) -> None:
        self.cursor += max(self.size.height - 1, 1)

    def action_page_up(self) -> None:
        self.cursor -= max(self.size.height - 1, 1)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current.id))

    def action_fold(self, opened: bool) -> None:
        if self._grouped:
            self.post_message(self.Fold(opened))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # relative to the rows, not the border
        if offset is None:
            return
        row = offset.y + round(self.scroll_offset.y)
        if 0 <= row < len(self._articles):
            self.cursor = row
            self.post_message(self.Selected(self._articles[row].id))

    # -- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._styles.clear()  # CSS, theme or focus changed: look the component styles up again
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = (
                self.rich_style if name == "base" else self.get_component_rich_style(f"headlines--{name}")
            )
        return style

    def _combined(self, name: str, cursor: bool) -> Style:
        """The widget's own colours under a component's style (and the cursor's over it)."""
        key = f"{name}+" if cursor else name
        style = self._styles.get(key)
        if style is None:
            style = self._style("base") + self._style(name)
            if cursor:
                style += self._style("cursor")
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        base = self._style("base")
        if not self._articles and index == 0:
            hint = Text(f" {self.empty_text}", style="italic", no_wrap=True, overflow="ellipsis", end="")
            hint.truncate(width, overflow="ellipsis", pad=True)
            return Strip(list(hint.render(self.app.console))).apply_style(base)
        if not 0 <= index < len(self._articles):
            return Strip.blank(width, base)
        return self._row(self._articles[index], width, index == self.cursor, index)

    def _row(self, article: Headline, width: int, cursor: bool, index: int = -1) -> Strip:
        """Segments built directly (no Text, no wrapping): unread dot, star, source, age, the fold
        marker or guide of a grouped view, the title and a tag ("2 sources") at its right end."""
        style = self._combined
        gap = style("base", cursor)
        title_width = max(width - FIXED_WIDTH, 0)
        segments = [
            Segment(("●" if not article.read else " ") + ("★" if article.starred else " "), style("star", cursor)),
            Segment(" ", gap),
            Segment(fit(article.feed, SOURCE_WIDTH), style("source", cursor)),
            Segment(" ", gap),
            Segment(age(article.published, self._clock()).rjust(AGE_WIDTH), style("age", cursor)),
            Segment("  ", gap),
        ]
        if self._grouped and title_width > 4:
            if article.grouped:
                lead = "▾ " if article.story in self._opened else "▸ "
            elif article.member:
                last = index + 1 >= len(self._articles) or not self._articles[index + 1].member
                lead = "  └ " if last else "  ├ "
            else:
                lead = "  "
            segments.append(Segment(lead, style("guide", cursor)))
            title_width -= len(lead)
        tag = self._tag(article, title_width)
        if tag:
            title_width -= len(tag) + 2
        title_style = style("read" if article.read else "unread", cursor)
        segments.append(Segment(fit(article.title, title_width), title_style))
        if tag:
            segments += [Segment("  ", gap), Segment(tag, style("tag", cursor))]
        return Strip(segments).crop_extend(0, width, gap)

    def _tag(self, article: Headline, title_width: int) -> str:
        """The tag of a story's row ("3 sources · 2d") or of an article through several feeds
        ("2 sources"); shortened, or left out, when the title would keep fewer than TITLE_MIN cells."""
        tags: tuple[str, ...]
        if article.grouped:
            count, short = ((f"{article.sources} sources", f"{article.sources} src") if article.sources > 1
                            else (f"{article.grouped} articles", f"×{article.grouped}"))
            since = age(article.since, self._clock()) if article.since else ""
            tags = (f"{count} · {since}", count, short) if since else (count, short)
        elif article.copies > 1:
            tags = (f"{article.copies} sources", f"{article.copies} src")
        else:
            return ""
        room = title_width - 2 - TITLE_MIN
        return next((tag for tag in tags if len(tag) <= room), "")


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: cut with … when longer, padded when shorter."""
    if width <= 0:
        return ""
    if text.isascii():  # one cell per character (control characters never reach the store)
        return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
    size = cell_len(text)
    if size <= width:
        return text + " " * (width - size)
    return set_cell_size(text, width - 1) + "…"
