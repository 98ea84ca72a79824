"""The key bar: the main keys and what they do, one line at the bottom.

Textual's ``Footer`` rebuilds itself on every focus change (a widget per key, restyled), which made
Tab cost a quarter of a second here; the main keys are the screen's and don't change with focus,
so this bar is drawn once from the live bindings.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar { height: 1; padding: 0 1; background: $footer-background; color: $footer-foreground; }
    """

    def show(self, keys: Sequence[tuple[str, str]]) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (key, description) in enumerate(keys):
            if index:
                text.append("  ")
            text.append(key, style="bold")
            text.append(f" {description}")
        self.update(text, layout=False)  # one line, always
