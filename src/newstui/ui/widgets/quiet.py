"""Scrolling widgets whose content changes without a layout of the whole screen.

Textual declares ``virtual_size`` with ``layout=True``: every time a list's length changes (a
filter, a search keystroke, a new related list) the whole screen is laid out and repainted again,
~40-60 ms with the reader's panes. A pane that always shows its vertical scrollbar never changes
shape when its content grows or shrinks, so it only needs a repaint: :data:`QUIET_VIRTUAL_SIZE`
redeclares the reactive for such a widget (the scrollbar is still updated, by Textual's own
``_scroll_update`` that follows each change).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive

QUIET_VIRTUAL_SIZE: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)
