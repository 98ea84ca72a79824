"""Feed and page bytes → text, when the declared charset is wrong, missing or contradictory.

The order of trust, from what real feeds get wrong most often:

1. a byte-order mark (it cannot be there by accident); UTF-16 without one shows as ``<\\0?\\0``;
2. bytes that are valid UTF-8 *are* UTF-8, whatever the header or the XML declaration says: servers
   default to ``charset=iso-8859-1`` and templates hard-code ``encoding="windows-1251"`` over UTF-8
   content, while Latin-1 or Cyrillic text is almost never valid UTF-8 by chance. Mostly-valid UTF-8
   (at least twice as many good non-ASCII characters as bad bytes) is UTF-8 with a stray byte;
3. the declaration inside the body (the XML prolog, or an HTML ``<meta charset>``): the program that
   wrote the bytes also wrote it, while the HTTP header is often a server-wide default;
4. the ``charset`` of the Content-Type header;
5. UTF-8 reading each invalid byte as windows-1252, so Latin-1 with no declaration comes out right.

A declared charset is used only if the bytes decode with it without error; when none does, the
candidate that needs the fewest replacements wins. Labels follow the WHATWG Encoding Standard's
aliases, so ``iso-8859-1`` means windows-1252 and ``gb2312`` means GB18030, as browsers read them.
Text with no declaration in a non-Latin single-byte charset (Russian in windows-1251, say) cannot be
told from Latin-1 without statistics; it comes out as windows-1252.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from newstui.core.text import clean_text

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG aliases that differ from Python's meaning of the same label.
_SUPERSETS = {
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
_PROLOG = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:-]+)""")
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text, the codec that produced it, and (when bytes had to be replaced or guessed) a note."""

    text: str
    encoding: str
    note: str = ""


def decode_body(body: bytes, content_type: str = "") -> Decoded:
    """Decode a feed or page body; see the module docstring for the order of trust."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom) :].decode(name, errors="replace"), name)
    if len(body) >= 2 and body[0] and not body[1]:
        return Decoded(body.decode("utf-16-le", errors="replace"), "utf-16-le")  # "<\0?\0x\0..."
    if len(body) >= 2 and not body[0] and body[1]:
        return Decoded(body.decode("utf-16-be", errors="replace"), "utf-16-be")
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii")
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lenient = body.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    valid = len(lenient) - len(lenient.encode("ascii", "ignore")) - bad  # non-ASCII chars read fine
    if valid >= 2 * bad:  # UTF-8 with a few stray bytes (a Latin-1 byte pasted in, a cut sequence)
        return Decoded(
            _utf8_or_cp1252(body), "utf-8", f"{_bytes(bad)} not valid UTF-8: read as windows-1252"
        )
    declared = [d for d in (_inside(body), _label(_HEADER.search(content_type or ""))) if d[1]]
    for _label_text, codec in declared:
        try:
            return Decoded(body.decode(codec), codec)
        except UnicodeDecodeError:
            continue
    # Nothing declared decodes cleanly: the candidate that needs the fewest replacements wins.
    what = f"declared {declared[0][0]}" if declared else "no charset declared"
    best = Decoded(_utf8_or_cp1252(body), "utf-8", f"not UTF-8 and {what}: read as windows-1252")
    fewest = bad
    for label, codec in declared:
        text = body.decode(codec, errors="replace")
        replaced = text.count("\ufffd")
        if replaced < fewest:
            best = Decoded(text, codec, f"{_bytes(replaced)} not valid {label}: replaced")
            fewest = replaced
    return best


def _inside(body: bytes) -> tuple[str, str]:
    """The charset the body declares: the XML prolog's, else an HTML page's ``<meta charset>``."""
    if body[:1024].lstrip()[:5] == b"<?xml":
        return _label(_PROLOG.match(body))
    return _label(_META.search(body[:4096]))


def _label(match: re.Match[bytes] | re.Match[str] | None) -> tuple[str, str]:
    """(label as written, Python codec); the codec is "" when unknown, UTF-8 or UTF-16/32."""
    if not match:
        return ("", "")
    raw = match.group(1)
    label = clean_text(raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw)
    try:
        codec = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return (label, "")
    if codec.startswith(("utf_8", "utf_16", "utf_32")):
        return (label, "")  # UTF-8 was tried first; UTF-16/32 would have had no ASCII prolog
    return (label, _SUPERSETS.get(codec, codec))


def _bytes(count: int) -> str:
    return "1 byte" if count == 1 else f"{count} bytes"


def _utf8_or_cp1252(body: bytes) -> str:
    return body.decode("utf-8", errors=_CP1252_ERRORS)


def _cp1252_errors(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as windows-1252 (else Latin-1)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(_byte_as_cp1252(b) for b in bad), error.end


def _byte_as_cp1252(byte: int) -> str:
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:  # the five bytes windows-1252 leaves undefined
        return chr(byte)  # a C1 control, stripped later like every control character


_CP1252_ERRORS = "newstui-cp1252"
codecs.register_error(_CP1252_ERRORS, _cp1252_errors)
