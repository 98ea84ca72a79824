"""``?``: the keys that work right now, read from the live bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

PANE_KEYS = [
    ("j / k, ↓ / ↑", "move in the focused pane"),
    ("g / G", "first / last"),
    ("space / b", "page down / up"),
    ("Enter", "open the headline, topic or related story"),
    ("→ / ←, l / h", "open / close the story under the cursor (stories grouped)"),
    ("Tab / Shift+Tab", "next / previous pane"),
    ("1 … 9", "open link [n] of the article (1 2: link [12])"),
    ("Esc", "clear the search · close this help"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help.close")]

    def __init__(self, bindings: list[tuple[str, str]]) -> None:
        super().__init__()
        self._rows = bindings

    def compose(self) -> ComposeResult:
        table = Table(show_header=False, box=None, padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in [*PANE_KEYS, *self._rows]:
            table.add_row(Text(key), Text(description))
        with VerticalScroll(id="help-box"):
            yield Static(Text("newstui keys", style="bold"), id="help-title")
            yield Static(table)
            yield Static(Text("Press Esc or ? to close.", style="dim italic"))

    def action_dismiss(self) -> None:
        self.dismiss(None)
