"""The topic list: All, Starred and every topic, each with its unread count."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newstui.core.library import TopicCount

ALL = "all"
STARRED = "starred"


class TopicList(OptionList):
    """Highlighting a topic filters the headlines at once; Enter moves on to them."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="topics.down"),
        Binding("k", "cursor_up", "Up", show=False, id="topics.up"),
        Binding("g", "first", "Top", show=False, id="topics.top"),
        Binding("G", "last", "Bottom", show=False, id="topics.bottom"),
    ]

    class Changed(Message):
        """The chosen topic: ``"all"``, ``"starred"`` or ``"topic:<name>"``."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.selected_key = ALL
        self._shown: tuple[TopicCount, ...] = ()
        self._width = 0

    def set_counts(self, everything: TopicCount, starred: TopicCount, topics: Sequence[TopicCount]) -> None:
        """Rebuild the options (when a count changed); the highlighted topic stays highlighted."""
        counts = (everything, starred, *topics)
        width = self._row_width()
        if counts == self._shown and width == self._width:
            return
        labels = ("All", "★ Starred", *(t.name for t in topics))
        ids = (ALL, STARRED, *(f"topic:{t.name}" for t in topics))
        before, self._shown = self._shown, counts
        same_rows = width == self._width and len(before) == len(counts)
        self._width = width
        if same_rows and all(a.name == b.name for a, b in zip(before, counts)):
            # Same topics, some counts changed (an article was read): redraw just those rows.
            for option_id, label, old, new in zip(ids, labels, before, counts):
                if old != new:
                    self.replace_option_prompt(option_id, self._prompt(label, new, width))
            return
        options = [Option(self._prompt(label, c, width), id=i) for label, c, i in zip(labels, counts, ids)]
        keep = self.selected_key
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            try:
                self.highlighted = self.get_option_index(keep)
            except Exception:  # the topic vanished (its last article was pruned)
                self.highlighted = 0
                self.selected_key = ALL

    def _row_width(self) -> int:
        """Cells for one row: the pane's inner width (before the first layout: its CSS width)."""
        width = self.scrollable_content_region.width
        if width <= 0 and self.styles.width is not None and self.styles.width.is_cells:
            width = int(self.styles.width.value) - 2  # the border
        return max(width, 8)

    def on_resize(self) -> None:
        if self._shown and self._row_width() != self._width:
            everything, starred, *topics = self._shown
            self.set_counts(everything, starred, topics)

    @staticmethod
    def _prompt(name: str, count: TopicCount, width: int) -> Content:
        """The name on the left (cut with … when long), the unread count flush right.

        Textual Content of a known width, assembled from plain strings (never parsed as markup):
        a Rich Table per row looked the same but cost ~300 ms to render the list at startup, and
        a Rich Text is converted to Content by the OptionList anyway.
        """
        number = str(count.unread) if count.unread else ""
        room = max(width - len(number) - 1, 1)
        label = name if len(name) <= room else name[: room - 1] + "…"
        return Content.assemble(
            (label.ljust(room), "bold" if count.unread else ""), (" " + number.rjust(width - room - 1), "cyan")
        )

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        key = event.option.id or ALL
        if key != self.selected_key:
            self.selected_key = key
            self.post_message(self.Changed(key))

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = self.option_count - 1
