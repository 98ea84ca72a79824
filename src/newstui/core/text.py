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
# An OSC or DCS cut short ends at the line's end: a stray one must not swallow the rest of a body.
_ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                   # CSI
    | \x1b\][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?    # OSC (8 links, 52 clipboard), ended by BEL or ST
    | \x1b[PX^_][^\x1b\x9c\n]*(?:\x1b\\|\x9c)?       # DCS, SOS, PM, APC strings
    | \x1b[@-Z\\-_]                            # two-byte escapes
    | \x9b[0-?]+[@-~]                          # 8-bit CSI: parameters then a final byte, so
                                               # "\x9bHello" loses its CSI, not its "H"
    """,
    re.VERBOSE,
)
# C0 controls except tab/newline/CR, DEL, C1 controls; bidi marks, embeddings, overrides and isolates
# (U+061C, U+200E/F, U+202A-202E, U+2066-2069); zero-width and invisible format characters (U+200B,
# U+200C, U+2060-2064, U+206A-206F, the BOM, interlinear annotations, U+180E) and the invisible "tag"
# characters U+E0000-E007F that can smuggle text past a reader. (ZWJ U+200D is kept: emoji need it.)
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
# What needs more than deleting: a lone surrogate (it can't be encoded: it would break the store and
# the terminal output) becomes U+FFFD; a carriage return or a line/paragraph separator becomes a
# newline, so "one\rtwo" stays two words.
_SUSPECT = re.compile(
    _CONTROLS.pattern[:-1] + "\r\u2028\u2029\ud800-\udfff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029]")


def strip_controls(value: str) -> str:
    """Remove escape sequences and invisible/control characters, keeping newlines and tabs.

    Carriage returns become newlines; lone surrogates become U+FFFD. Idempotent:
    ``strip_controls(strip_controls(s)) == strip_controls(s)``.
    """
    if not value:
        return ""
    if not _SUSPECT.search(value):
        return value  # the usual case: every escape sequence starts with a control character
    value = _SURROGATE.sub("\ufffd", _LINE_BREAK.sub("\n", value))
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
