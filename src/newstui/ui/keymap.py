"""The keys as they are bound right now: the bindings of the reader and of its panes, after the
``[keys]`` table of feeds.toml (Textual's keymap) moved them. The help screen lists these."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App
from textual.binding import Binding, BindingsMap, BindingType

HIDDEN_IDS = ("clear_search",)  # listed among the fixed rows of the help instead


def live_bindings(app: App, bindings: Iterable[BindingType]) -> list[tuple[Binding, list[str]]]:
    """Each binding (by id, first key's binding) with the keys it has after the app's keymap,
    as displayed, in the order the bindings are declared."""
    found: dict[str, tuple[Binding, list[str]]] = {}
    bindings = list(bindings)
    mapped = BindingsMap(bindings)
    mapped.apply_keymap(app._keymap)  # Textual keeps the keymap here; set_keymap normalised it
    declared: dict[str, int] = {}
    for _, binding in BindingsMap(bindings):
        declared.setdefault(binding.id or binding.action, len(declared))
    for key_bindings in mapped.key_to_bindings.values():
        for binding in key_bindings:
            name = binding.id or binding.action
            entry = found.setdefault(name, (binding, []))
            shown = app.get_key_display(binding)
            if shown not in entry[1]:
                entry[1].append(shown)
    return sorted(found.values(), key=lambda e: declared.get(e[0].id or e[0].action, len(declared)))


def reader_rows(app: App, bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) for the reader's own actions; the link digits as one row."""
    rows: list[tuple[str, str]] = []
    digits: list[str] = []
    for binding, keys in live_bindings(app, bindings):
        if binding.id and binding.id.startswith("open_link_"):
            digits += keys
        elif binding.id not in HIDDEN_IDS and binding.description:
            rows.append((" / ".join(keys), binding.tooltip or binding.description))
    if digits:
        shown = f"{digits[1]} … {digits[-1]}" if digits == [str(n) for n in range(10)] else " ".join(digits)
        rows.append((shown, "open link [n] of the article (1 2: link [12])"))
    return rows


def pane_rows(app: App, panes: Iterable[Iterable[BindingType]]) -> list[tuple[str, str]]:
    """(keys, what they do) for the panes' keys, one row for each description (j moves down in
    every pane: one row)."""
    rows: dict[str, list[str]] = {}
    for bindings in panes:
        for binding, keys in live_bindings(app, bindings):
            text = (binding.tooltip or binding.description or binding.action).lower()
            shown = rows.setdefault(text, [])
            shown += [k for k in keys if k not in shown]
    return [(" / ".join(keys), text) for text, keys in rows.items()]
