"""The key bar's fitting: which keys a narrow bar keeps, and in what order."""

from __future__ import annotations

from newstui.ui.widgets.keybar import SEPARATOR, fit_keys

KEYS = [("r", "Refresh"), ("u", "Unread"), ("m", "Read"), ("/", "Search"), ("F", "Feeds"),
        ("?", "Keys"), ("q", "Quit")]
KEEP = ("Search", "Keys", "Quit")


def width_of(keys: list[tuple[str, str]]) -> int:
    return len(SEPARATOR.join(f"{key} {description}" for key, description in keys))


def test_everything_fits_a_wide_bar():
    assert fit_keys(KEYS, 200, KEEP) == KEYS
    assert fit_keys(KEYS, width_of(KEYS), KEEP) == KEYS  # to the cell


def test_a_narrow_bar_keeps_the_kept_keys_and_fills_from_the_start_in_order():
    kept = [("/", "Search"), ("?", "Keys"), ("q", "Quit")]
    assert fit_keys(KEYS, width_of(kept), KEEP) == kept
    with_first = [("r", "Refresh"), ("/", "Search"), ("?", "Keys"), ("q", "Quit")]
    assert fit_keys(KEYS, width_of(with_first), KEEP) == with_first
    # one cell short of the next key: it is not squeezed in, and no later, shorter key jumps it
    assert fit_keys(KEYS, width_of(with_first) + len(SEPARATOR) + len("u Unread") - 1, KEEP) == with_first


def test_the_kept_keys_are_shown_even_when_they_alone_overflow():
    assert fit_keys(KEYS, 5, KEEP) == [("/", "Search"), ("?", "Keys"), ("q", "Quit")]
    assert fit_keys(KEYS, 0) == []


def test_wide_characters_count_as_two_cells():
    keys = [("a", "日本"), ("b", "x")]
    assert fit_keys(keys, len("a ") + 4) == [("a", "日本")]
    assert fit_keys(keys, len("a ") + 3) == []
