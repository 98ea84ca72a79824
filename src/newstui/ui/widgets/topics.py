"""The topic list: All, Starred, the saved views, every topic and the muted articles, each with
its unread count (over what the other filters show: the feed, unread, a search...).

A Line-API widget, like the headline list: a row is drawn only when it is on screen, and when a
count changes (an article was read) only that row is drawn again. Textual's ``OptionList`` cleared
the rendering of every option on any change, which cost ~15 ms a key press with 70 topics.
It keeps the part of OptionList's interface the reader and its tests use: ``highlighted``,
``option_count`` and ``get_option_at_index``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets.option_list import Option

from newstui.core.library import TopicCount

ALL = "all"
STARRED = "starred"
VIEW = "view:"  # a saved view's key: "view:<name>"
MUTED = "muted"
SINCE = "since"  # "◷ Since last visit": the articles published after the reader was last closed


class TopicList(ScrollView, can_focus=True):
    """Highlighting a topic filters the headlines at once; Enter moves on to them."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="topics.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="topics.up"),
        Binding("g,home", "first", "Top", show=False, id="topics.top"),
        Binding("G,end", "last", "Bottom", show=False, id="topics.bottom"),
        Binding("enter", "choose", "Choose", show=False, id="topics.choose"),
    ]
    COMPONENT_CLASSES = {"topics--highlight", "topics--count", "topics--unread"}
    DEFAULT_CSS = """
    TopicList { overflow-x: hidden; }
    TopicList > .topics--highlight { background: $block-cursor-blurred-background; }
    TopicList:focus > .topics--highlight {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    TopicList > .topics--count { color: $accent; }
    TopicList > .topics--unread { text-style: bold; }
    """

    highlighted: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Changed(Message):
        """The chosen row: ``"all"``, ``"starred"``, ``"view:<name>"``, ``"topic:<name>"`` or
        ``"muted"``."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class Chosen(Message):
        """Enter (or a click) on a topic: the reader moves on to its headlines."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.selected_key = ALL
        self._rows: list[tuple[str, str, TopicCount]] = []  # (key, label, counts)
        self._styles: dict[str, Style] = {}

    # -- data ----------------------------------------------------------------------------------

    @property
    def option_count(self) -> int:
        return len(self._rows)

    def get_option_at_index(self, index: int) -> Option:
        key, label, count = self._rows[index]
        return Option(self._prompt(label, count, self._width()), id=key)

    def get_option_index(self, key: str) -> int:
        for index, row in enumerate(self._rows):
            if row[0] == key:
                return index
        raise KeyError(key)

    def set_counts(self, everything: TopicCount, starred: TopicCount, topics: Sequence[TopicCount],
                   views: Sequence[TopicCount] = (), muted: TopicCount | None = None, *,
                   since: TopicCount | None = None) -> None:
        """Show these counts; only rows whose counts changed are drawn again, and the
        highlighted topic stays highlighted (All if it is gone). ``views`` (saved views) come
        after Starred, ``muted`` (what [mute] hides) last; ``since`` (articles since the last
        visit) right after Starred."""
        rows = [(ALL, "All", everything), (STARRED, "★ Starred", starred)]
        if since is not None:
            rows.append((SINCE, "◷ Since last visit", since))
        rows += [(f"{VIEW}{v.name}", f"◇ {v.name}", v) for v in views]
        rows += [(f"topic:{t.name}", t.name, t) for t in topics]
        if muted is not None and muted.total:
            rows.append((MUTED, f"⊘ Muted ({muted.total})", muted))
        before, self._rows = self._rows, rows
        if [r[0] for r in before] == [r[0] for r in rows]:
            for index, (old, new) in enumerate(zip(before, rows)):
                if old[2] != new[2]:
                    self._refresh_row(index)
            return
        self.virtual_size = Size(0, len(rows))
        try:
            index = self.get_option_index(self.selected_key)
        except KeyError:  # the topic vanished (its last article was pruned)
            index, self.selected_key = 0, ALL
        self.set_reactive(TopicList.highlighted, index)
        self.refresh()

    def _width(self) -> int:
        """Cells for one row: the pane's inner width (before the first layout: its CSS width)."""
        width = self.scrollable_content_region.width
        if width <= 0 and self.styles.width is not None and self.styles.width.is_cells:
            width = int(self.styles.width.value) - 2  # the border
        return max(width, 8)

    # -- cursor --------------------------------------------------------------------------------

    def validate_highlighted(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_highlighted(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        top = round(self.scroll_offset.y)
        if not top <= new < top + self.scrollable_content_region.height:
            self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)
        if self._rows and self._rows[new][0] != self.selected_key:
            self.selected_key = self._rows[new][0]
            self.post_message(self.Changed(self.selected_key))

    def _refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def action_cursor_down(self) -> None:
        self.highlighted += 1

    def action_cursor_up(self) -> None:
        self.highlighted -= 1

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self._rows) - 1

    def action_choose(self) -> None:
        self.post_message(self.Chosen())

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y + round(self.scroll_offset.y)
        if 0 <= row < len(self._rows):
            self.highlighted = row
            self.post_message(self.Chosen())

    # -- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = (
                self.rich_style if name == "base" else self.get_component_rich_style(f"topics--{name}")
            )
        return style

    def _prompt(self, label: str, count: TopicCount, width: int) -> Text:
        """The name on the left (cut with … when long), the unread count flush right."""
        number = str(count.unread) if count.unread else ""
        room = max(width - len(number) - 1, 1)
        name = label if len(label) <= room else label[: room - 1] + "…"
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(name.ljust(room), self._style("unread") if count.unread else "")
        text.append(" " + number.rjust(width - room - 1), self._style("count"))
        return text

    def render_line(self, y: int) -> Strip:
        index = y + round(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        base = self._style("base")
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, base)
        _, label, count = self._rows[index]
        text = self._prompt(label, count, width)
        if index == self.highlighted:
            text.stylize(self._style("highlight"))
        return Strip(list(text.render(self.app.console))).crop_extend(0, width, base).apply_style(base)
