"""The search field under the panes."""

from __future__ import annotations

from textual.widgets import Input

from newstui.ui.widgets.quiet import QUIET_VIRTUAL_SIZE


class SearchBox(Input):
    """Textual's Input, without a layout of the whole screen on every keystroke: the Input sets
    its ``virtual_size`` as its value changes, and that reactive asks for a layout; a one-line
    field of a fixed width never changes shape."""

    virtual_size = QUIET_VIRTUAL_SIZE

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.can_focus = False  # always shown, but out of the Tab order: `/` brings it in

    def activate(self) -> None:
        self.can_focus = True
        self.focus()

    def on_blur(self) -> None:
        self.can_focus = False
