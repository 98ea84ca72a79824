"""``?``: the keys that work right now, read from the live bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

FIXED_KEYS = [
    ("Tab / Shift+Tab", "next / previous pane"),
    ("Ctrl+P", "every action, theme and go-to"),
    ("Esc", "clear the search · close this help"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, bindings: list[tuple[str, str]], panes: list[tuple[str, str]] | None = None) -> None:
        """``bindings``: the reader's keys; ``panes``: the keys of its panes (both as bound now,
        ``[keys]`` of feeds.toml included)."""
        super().__init__()
        self._rows = bindings
        self._panes = panes or []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("newstui keys", style="bold"), id="help-title")
            with Horizontal(id="help-columns"):
                yield Static(_table(self._rows), id="help-reader")
                yield Static(_table([*self._panes, *FIXED_KEYS]), id="help-panes")
            yield Static(Text("Press Esc or ? to close.", style="dim italic"))

    def action_dismiss(self) -> None:
        self.dismiss(None)


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, description in rows:
        table.add_row(Text(key), Text(description))
    return table
