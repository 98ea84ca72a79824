"""The topic list: All, Starred and every topic, each with its unread count."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
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

    def set_counts(self, everything: TopicCount, starred: TopicCount, topics: Sequence[TopicCount]) -> None:
        """Rebuild the options (when a count changed); the highlighted topic stays highlighted."""
        counts = (everything, starred, *topics)
        if counts == self._shown:
            return
        labels = ("All", "★ Starred", *(t.name for t in topics))
        ids = (ALL, STARRED, *(f"topic:{t.name}" for t in topics))
        before, self._shown = self._shown, counts
        if len(before) == len(counts) and all(a.name == b.name for a, b in zip(before, counts)):
            # Same topics, some counts changed (an article was read): redraw just those rows.
            for option_id, label, old, new in zip(ids, labels, before, counts):
                if old != new:
                    self.replace_option_prompt(option_id, self._prompt(label, new))
            return
        options = [Option(self._prompt(label, c), id=i) for label, c, i in zip(labels, counts, ids)]
        keep = self.selected_key
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            try:
                self.highlighted = self.get_option_index(keep)
            except Exception:  # the topic vanished (its last article was pruned)
                self.highlighted = 0
                self.selected_key = ALL

    @staticmethod
    def _prompt(name: str, count: TopicCount) -> Table:
        """The name on the left (cut with … when long), the unread count flush right."""
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(
            Text(name, style="bold" if count.unread else ""),
            Text(f" {count.unread}" if count.unread else "", style="cyan"),
        )
        return grid

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
