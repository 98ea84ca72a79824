"""The key bar: the main keys and what they do, one line at the bottom.

Textual's ``Footer`` rebuilds itself on every focus change (a widget per key, restyled), which made
Tab cost a quarter of a second here; the main keys are the screen's and don't change with focus,
so this bar is drawn from the live bindings when they change, and fitted to its width when drawn.

In a narrow terminal the keys that don't fit are left out from the end, except the ones the
screen asks to keep (``?`` for the full list, ``q``): a reader at 80 columns still sees how to
find every other key.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

SEPARATOR = "  "


def fit_keys(keys: Sequence[tuple[str, str]], width: int, keep: Collection[str] = ()) -> list[tuple[str, str]]:
    """The keys to show in ``width`` cells, in their order: every one kept (by description)
    first, then the others from the start for as long as they fit."""

    def cells(key: str, description: str) -> int:
        return cell_len(key) + 1 + cell_len(description)

    chosen = {index for index, (_, description) in enumerate(keys) if description in keep}
    used = sum(cells(*keys[index]) for index in chosen) + len(SEPARATOR) * max(len(chosen) - 1, 0)
    for index, key in enumerate(keys):
        if index in chosen:
            continue
        need = cells(*key) + (len(SEPARATOR) if chosen else 0)
        if used + need > width:
            break  # the rest in order: a gap would look like a key had gone
        chosen.add(index)
        used += need
    return [key for index, key in enumerate(keys) if index in chosen]


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { height: 1; padding: 0 1; background: $footer-background; color: $footer-foreground; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[tuple[str, str]] = []
        self._keep: frozenset[str] = frozenset()

    @property
    def keys(self) -> list[tuple[str, str]]:
        """Every key given to the bar (not only those that fit)."""
        return list(self._keys)

    def show(self, keys: Sequence[tuple[str, str]], keep: Collection[str] = ()) -> None:
        """Show ``keys`` (key, description); those whose description is in ``keep`` stay at any width."""
        self._keys, self._keep = list(keys), frozenset(keep)
        self.refresh()  # one line, always: no layout

    def shown(self) -> list[tuple[str, str]]:
        """The keys that fit the bar's width right now."""
        return fit_keys(self._keys, self.content_size.width, self._keep)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (key, description) in enumerate(self.shown()):
            if index:
                text.append(SEPARATOR)
            text.append(key, style="bold")
            text.append(f" {description}")
        return text
