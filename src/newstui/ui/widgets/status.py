"""The status line: what is shown, refresh progress, the last error."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.view_text = ""
        self.progress_text = ""
        self.error_text = ""

    def set_view(self, text: str) -> None:
        self.view_text = text
        self._redraw()

    def set_progress(self, text: str, error: str = "") -> None:
        self.progress_text = text
        self.error_text = error
        self._redraw()

    @property
    def plain(self) -> str:
        return self._text().plain

    def _text(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self.view_text, style="bold")
        if self.progress_text:
            text.append("  │  ")
            text.append(self.progress_text)
        if self.error_text:
            text.append("  │  ")
            text.append(self.error_text, style="red")
        return text

    def _redraw(self) -> None:
        # One line, always: no layout pass (a layout redraws the whole screen, ~40 ms at 100k).
        self.update(self._text(), layout=False)
