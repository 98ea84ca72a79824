"""Cleaning of untrusted text at the boundary into the core.

Everything a feed or a page sends (titles, names, bodies, URLs) passes through :func:`clean_text`
before it is stored, so nothing downstream can receive terminal control sequences, bidi overrides or
zero-width tricks. Rich markup is a separate concern: the UI and the CLI build ``rich.text.Text``
objects from these strings and never parse them as markup.
"""

from __future__ import annotations

import html
import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other 2-byte escapes.
_ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]          # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC, terminated by BEL or ST (or cut short)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?   # DCS, SOS, PM, APC strings
    | \x1b[@-Z\\-_]                   # two-byte escapes
    | \x9b[0-?]*[ -/]*[@-~]           # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 controls except tab/newline, DEL, C1 controls; bidi embeddings/overrides/isolates; zero-width
# characters and the BOM. (ZWJ U+200D is kept: emoji sequences need it.)
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def strip_controls(value: str) -> str:
    """Remove escape sequences and invisible/control characters, keeping newlines and tabs."""
    if not value:
        return ""
    if not _CONTROLS.search(value):
        return value  # the usual case: every escape sequence starts with a control character
    return _CONTROLS.sub("", _ANSI.sub("", value))


def clean_text(value: object) -> str:
    """A single line of plain text for titles, names, authors and URLs.

    Control sequences removed, runs of whitespace (newlines included) collapsed to one space.
    """
    if value is None:
        return ""
    return " ".join(strip_controls(str(value)).split())


_TAG = re.compile(r"<[^>]*>")


def html_to_line(value: str) -> str:
    """Tags dropped and entities decoded, for titles that arrive as HTML."""
    return clean_text(html.unescape(_TAG.sub(" ", value or "")))
