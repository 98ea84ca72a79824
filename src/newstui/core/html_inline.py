"""The paragraph being collected while HTML is parsed: inline text, styles, links and images.

:class:`InlineText` is the half of :mod:`newstui.core.html_blocks` that handles runs of text:
whitespace collapses to single spaces as in a browser, a run of ``<br>`` gives at most one blank
line, inline tags become Rich style spans, and each link gets a number, shown as ``[N]`` after its
text. Link and image addresses pass through :func:`safe_url`. Text from the page is only ever
appended to strings and spans, never read as Rich markup.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from rich.text import Span, Text

from newstui.core.text import clean_text, strip_controls

INLINE_STYLES = {
    "b": "bold", "strong": "bold", "em": "italic", "i": "italic", "cite": "italic",
    "dfn": "italic", "var": "italic", "u": "underline", "ins": "underline", "s": "strike",
    "strike": "strike", "del": "strike", "code": "cyan", "kbd": "cyan", "samp": "cyan",
    "tt": "cyan", "mark": "reverse",
}  # fmt: skip
_MAX_STYLES = 64  # inline tags nested deeper than this add no style
_SAFE_SCHEMES = frozenset(("http", "https", "mailto", "ftp", "ftps", "tel", "gemini", "gopher"))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_TINY = re.compile(r"\s*[01](?:px)?\s*")
_TAB_NL = re.compile(r"[\t\n\r]")
# URLs that urljoin leaves as they are (absolute http and https) or only puts the base's scheme and
# host before (rooted paths): nothing to normalise (dot segments, "//", params, an empty query or
# fragment, backslashes, brackets, non-ASCII); others go through urljoin
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?")
_PLAIN_PATH = re.compile(r"(?:[/?#][A-Za-z0-9\-_~!$&'()*+,=:@%/?#.]*)?\Z")


def safe_url(raw: str | None, base_url: str) -> str:
    """An absolute (where possible), safe URL, or "" for javascript:, data:, fragments, ..."""
    url = _TAB_NL.sub("", strip_controls(raw or "")).strip().replace(" ", "%20")
    if not url or url.startswith("#"):
        return ""
    if base_url:
        url = _join(base_url, url)
    if url.startswith("//"):
        url = "https:" + url
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES:
        return ""
    return url


def _join(base_url: str, url: str) -> str:
    """``urljoin``, with a quicker way for the usual absolute http(s) and root-relative links
    (``urljoin`` takes some 20 µs, and an article can have hundreds of links)."""
    origin = _ORIGIN.match(url)
    path = url[origin.end() :] if origin else url if url[:1] == "/" else None
    if path is not None and _PLAIN_PATH.match(path) and _plain(path):
        if origin:
            return url
        base = _ORIGIN.match(base_url)
        if base and base_url[base.end() : base.end() + 1] in ("", "/", "?", "#"):
            return base.group() + url
    try:
        return urljoin(base_url, url)
    except ValueError:
        return url


def _plain(path: str) -> bool:
    return not (
        "//" in path or "/." in path or ";" in path or "?#" in path or path[-1:] in ("?", "#")
    )


class InlineText:
    """The text of the paragraph being collected, and every link numbered so far.

    ``links[N - 1]`` is the ``(url, text)`` of link number N; a URL seen again keeps its number.
    With ``markers`` off (plain text for matching) there are no ``[N]``, no image placeholders
    and no styles.
    """

    def __init__(self, base_url: str, markers: bool) -> None:
        self.base_url = clean_text(base_url)
        self.markers = markers
        self.links: list[tuple[str, str]] = []
        self.numbers: dict[str, int] = {}  # url → its link number
        self.parts: list[str] = []  # the paragraph's text ...
        self.spans: list[Span] = []  # ... and its styles
        self.length = 0
        self.last = ""  # its last character ("" when empty)
        self.newlines = 0  # consecutive line breaks at the end of it
        self.pending_space = False  # whitespace seen since the last text
        self.styles: list[tuple[str, str]] = []  # open inline tags and their styles
        self.style = ""  # their styles combined
        self.link: str | None = None  # URL of the open <a>
        self.link_parts: list[str] = []  # its text since it opened or since the last marker

    # -- text -------------------------------------------------------------------------------

    def words(self, data: str) -> None:
        """Append text from the page, its whitespace collapsed."""
        words = data.split()
        if not words:
            self.pending_space = self.pending_space or bool(data)
            return
        if data[0].isspace():
            self.pending_space = True
        self.text(" ".join(words))
        self.pending_space = data[-1].isspace()

    def text(self, text: str, style: str = "") -> None:
        """Append inline text, with the one collapsed space that preceded it, if any."""
        if self.pending_space and self.last not in ("", "\n"):
            self.parts.append(" ")
            self.length += 1
            if self.link is not None:
                self.link_parts.append(" ")
        self.pending_space = False
        self.raw(text, style or self.style)
        if self.link is not None:
            self.link_parts.append(text)

    def verbatim(self, text: str) -> None:
        """Append preformatted text as it is, in the current style."""
        self.raw(text, self.style)
        if self.link is not None:
            self.link_parts.append(text)

    def raw(self, text: str, style: str = "") -> None:
        """Append ``text`` (not empty) exactly, styled ``style``, outside any link's text."""
        end = self.length + len(text)
        if style and self.markers:
            self.spans.append(Span(self.length, end, style))
        self.parts.append(text)
        self.length = end
        self.last = text[-1]
        self.newlines = 0

    def newline(self) -> None:
        """A line break (``<br>``); none at the start, at most two in a row."""
        if self.last and self.newlines < 2:
            self.parts.append("\n")
            self.length += 1
            self.last = "\n"
            self.newlines += 1
            self.pending_space = False

    def soft_newline(self) -> None:
        """A line break unless the text is empty or already ends with one."""
        if self.last not in ("", "\n"):
            self.newline()

    def take(self) -> Text | None:
        """The collected paragraph, trimmed, and a fresh start; None when it holds no text."""
        if self.link is not None:
            self._mark()
        self.last, self.newlines, self.pending_space = "", 0, False
        if not self.parts:
            return None
        parts, spans = self.parts, self.spans
        self.parts, self.spans, self.length = [], [], 0
        plain = "".join(parts)
        end = len(plain.rstrip())
        if not end:
            return None
        start = len(plain) - len(plain.lstrip("\n"))
        return Text(
            plain[start:end],
            spans=[
                Span(max(a, start) - start, min(b, end) - start, style)
                for a, b, style in spans
                if a < end and b > start
            ],
        )

    # -- styles -----------------------------------------------------------------------------

    def push_style(self, tag: str, style: str) -> None:
        if len(self.styles) < _MAX_STYLES:
            self.styles.append((tag, style))
            self.style = " ".join(dict.fromkeys(s for _, s in self.styles))

    def pop_style(self, tag: str) -> None:
        """End the innermost open ``tag`` (mis-nested tags are forgiven)."""
        for index in range(len(self.styles) - 1, -1, -1):
            if self.styles[index][0] == tag:
                del self.styles[index]
                self.style = " ".join(dict.fromkeys(s for _, s in self.styles))
                return

    # -- links and images -------------------------------------------------------------------

    def open_link(self, href: str | None) -> None:
        self.close_link()
        url = safe_url(href, self.base_url)
        if url:
            self.link = url
            self.link_parts = []
            self.push_style("a", "underline")

    def close_link(self) -> None:
        if self.link is not None:
            self._mark()
            self.link = None
            self.pop_style("a")

    def image(self, attrs: dict[str, str]) -> None:
        """``[image: alt]`` and the image's link number; nothing for tracking pixels."""
        if _TINY.fullmatch(attrs.get("width", "")) or _TINY.fullmatch(attrs.get("height", "")):
            return
        alt = clean_text(attrs.get("alt") or attrs.get("title"))
        src = safe_url(attrs.get("src"), self.base_url)
        src = src or safe_url(attrs.get("data-src"), self.base_url)
        if not (alt or src) or not self.markers:
            return
        label = f"image: {alt}" if alt else "image"
        link, self.link = self.link, None  # the placeholder is not part of the anchor's text
        self.text(f"[{label}]", "dim")
        if src:
            self.raw(f"[{self._number(src, label)}]", "dim")
        self.link = link
        if link is not None:
            self.link_parts.append(f" {label}")

    def _number(self, url: str, text: str) -> int:
        number = self.numbers.get(url)
        if number is None:
            number = self.numbers[url] = len(self.links) + 1
            self.links.append((url, text))
        return number

    def _mark(self) -> None:
        """The [N] after the link text collected so far (none for links without text)."""
        label = " ".join("".join(self.link_parts).split())
        self.link_parts = []
        if label and self.link:
            number = self._number(self.link, label)
            if self.markers:
                self.raw(f"[{number}]", "dim")
