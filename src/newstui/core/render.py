"""HTML from feeds and pages → readable terminal text, as Rich renderables.

The HTML comes from strangers. It is parsed with the stdlib :class:`html.parser.HTMLParser` (which
never gives up on broken markup), every string passes through :func:`strip_controls`, and all text
is *appended* to ``rich.text.Text`` objects, so nothing from the page is ever read as Rich markup.

Parsing builds a small tree (paragraphs, lists, quotes, tables, rules); :func:`render_html` turns it
into renderables with numbered link references, :func:`html_to_text` into plain lines for matching.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urljoin

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, NewLine, RenderableType, RenderResult
from rich.measure import Measurement
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.styled import Styled
from rich.table import Table
from rich.text import Span, Text

from newstui.core.text import clean_text, strip_controls


@dataclass(frozen=True, slots=True)
class Link:
    """A numbered reference: ``number`` is what the text shows as ``[number]``."""

    number: int
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderedHTML:
    """Blocks in reading order (one renderable each) and the links they refer to."""

    blocks: tuple[RenderableType, ...]
    links: tuple[Link, ...]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for index, block in enumerate(self.blocks):
            if index:
                yield NewLine()
            yield block
        if self.links:
            if self.blocks:
                yield NewLine()
            yield Text("References", style="bold")
            width = max(len(str(link.number)) for link in self.links) + 2
            for link in self.links:
                marker = Text(f"[{link.number}]".rjust(width) + " ", style="dim")
                url = Text(link.url, style=Style(link=link.url))
                yield _Prefixed(url, marker, " " * (width + 1))

    def plain(self, width: int = 80) -> str:
        """What a user sees at ``width`` columns, without colours; trailing spaces removed."""
        out = io.StringIO()
        console = Console(
            file=out,
            width=max(1, width),
            color_system=None,
            force_terminal=False,
            force_jupyter=False,
            force_interactive=False,
            no_color=True,
            markup=False,
            emoji=False,
            highlight=False,
            legacy_windows=False,
            _environ={},
        )
        console.print(self)
        return "\n".join(line.rstrip() for line in out.getvalue().splitlines()).rstrip()


def render_html(html: str, base_url: str = "") -> RenderedHTML:
    """Untrusted HTML (or plain text) → blocks and numbered links. Never raises on bad markup."""
    parser = _parse(html, base_url, markers=True)
    blocks = [r for r in (_renderable(b) for b in parser.root.children) if r is not None]
    return RenderedHTML(tuple(blocks), tuple(parser.links))


def html_to_text(html: str) -> str:
    """Plain text, one paragraph (list item, table row) per line, for search and matching."""
    lines: list[str] = []
    _plain_lines(_parse(html, "", markers=False).root.children, lines)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The tree built by the parser


@dataclass(slots=True)
class _Para:
    text: Text
    kind: str = "p"  # p, h1..h6, pre, caption, dt


@dataclass(slots=True)
class _Rule:
    pass


@dataclass(slots=True)
class _Node:
    """A container: root, list (of items), item, quote, dl, dd, figure or table."""

    tag: str
    children: list[_Para | _Rule | _Node] = field(default_factory=list)
    ordered: bool = False  # list
    number: int = 1  # list: the next item's number
    depth: int = 0  # list: how many lists enclose it
    marker: str = ""  # item
    rows: list[tuple[bool, list[tuple[Text, bool]]]] = field(default_factory=list)  # table
    cell: str = ""  # table: "td", "th", "caption" while a cell is open
    head: bool = False  # table: inside <thead>
    nested: int = 0  # table: depth of tables inside the open cell (flattened to text)
    caption: Text | None = None


_VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
_SKIP = frozenset(
    "script style noscript template svg math head title iframe object canvas button select "
    "textarea audio video nav frameset".split()
)
_BLOCK = frozenset(
    "p div section article main header footer aside figcaption address details summary center "
    "dt fieldset legend hgroup h1 h2 h3 h4 h5 h6 body html noframes".split()
)
_LISTS = frozenset(("ul", "ol", "menu", "dir"))
_CONTAINERS = {"blockquote": "quote", "dd": "dd", "dl": "dl", "figure": "figure"}  # tag → node
_TIGHT = frozenset(("item", "dl", "figure"))  # containers without blank lines between blocks
_DD_STOP = frozenset(("list", "quote", "table", "dl"))
_TABLE = frozenset(("table",))
_TABLE_PARTS = frozenset(("table", "tr", "td", "th", "thead", "tbody", "tfoot", "caption"))
_PRE = frozenset(("pre", "listing", "xmp", "plaintext"))
_INLINE = {
    "b": "bold", "strong": "bold", "em": "italic", "i": "italic", "cite": "italic",
    "dfn": "italic", "var": "italic", "u": "underline", "ins": "underline", "s": "strike",
    "strike": "strike", "del": "strike", "code": "cyan", "kbd": "cyan", "samp": "cyan",
    "tt": "cyan", "mark": "reverse",
}  # fmt: skip
_KIND_STYLE = {
    "h1": "bold underline", "h2": "bold underline", "h3": "bold", "h4": "bold", "h5": "bold",
    "h6": "bold", "pre": "cyan", "caption": "italic dim", "dt": "bold",
}  # fmt: skip
_WITH_ATTRS = frozenset(("a", "img", "ol", "li"))
_BULLETS = ("•", "◦", "▪")
_MAX_DEPTH = 24  # containers nested deeper than this are flattened
_SAFE_SCHEMES = frozenset(("http", "https", "mailto", "ftp", "ftps", "tel", "gemini", "gopher"))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_ANY_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|blockquote|pre|table|tr|section|article|hr|dl|figure)\b",
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_TAG_START = re.compile(r"<[a-zA-Z/!?]")
_TAG = re.compile(r"<[^>]*>?")
_TINY = re.compile(r"\s*[01](?:px)?\s*")


def _int(value: str | None, default: int) -> int:
    try:
        return max(-1_000_000, min(1_000_000, int(str(value).strip())))
    except ValueError:
        return default


class _Parser(HTMLParser):
    def __init__(self, base_url: str, markers: bool, blank_line_paragraphs: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = clean_text(base_url)
        self.markers = markers  # False for html_to_text: no [N], no image placeholders
        self.blank_line_paragraphs = blank_line_paragraphs  # text without block tags
        self.root = _Node("root")
        self.stack: list[_Node] = [self.root]
        self.links: list[Link] = []
        self.numbers: dict[str, int] = {}
        self.parts: list[str] = []  # the paragraph being collected ...
        self.spans: list[Span] = []  # ... and its styles
        self.length = 0
        self.last = ""  # its last character ("" when empty)
        self.newlines = 0  # consecutive <br>s at the end of it
        self.pending_space = False
        self.kind = "p"
        self.pre = 0
        self.pre_start = False
        self.skip: list[str] = []
        self.inline: list[tuple[str, str]] = []
        self.style = ""
        self.link: str | None = None  # URL of the open <a>
        self.link_parts: list[str] = []  # its text since it opened or since the last marker

    # -- HTMLParser callbacks ---------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip.clear()
        if self.skip or tag in _SKIP:
            if tag in _SKIP:
                self.skip.append(tag)
            return
        a = {k: v or "" for k, v in attrs} if tag in _WITH_ATTRS else {}
        if tag in _INLINE:
            self._push_style(tag, _INLINE[tag])
        elif tag == "a":
            self._open_link(a.get("href"))
        elif tag == "img":
            self._image(a)
        elif tag == "br" and self.pre:
            self._raw("\n")
        elif tag == "br":
            self._newline()
        elif tag == "q":
            self._text("“")
        elif tag in _TABLE_PARTS:
            self._table_start(tag)
        elif tag in _PRE:
            if self._in_cell() or self.pre:
                self._soft_newline()
            else:
                self._block_start("pre")
                self.pre_start = True
            self.pre += 1
        elif self._in_cell() or self.pre:
            if tag == "li":
                self._soft_newline()
                self._text("• ")
            elif tag in _BLOCK or tag in _LISTS or tag in _CONTAINERS or tag == "hr":
                self._soft_newline()
        elif tag in _LISTS:
            depth = sum(1 for node in self.stack if node.tag == "list")
            number = _int(a.get("start"), 1) if tag == "ol" else 1
            self._push(_Node("list", ordered=tag == "ol", number=number, depth=depth))
        elif tag == "li":
            self._open_item(a)
        elif tag in _CONTAINERS:
            if tag == "dd":
                self._close("dd", _DD_STOP)
            self._push(_Node(_CONTAINERS[tag]))
        elif tag == "hr":
            self._block_start("p")
            self._target().children.append(_Rule())
        elif tag in _BLOCK:
            if tag == "dt":
                self._close("dd", _DD_STOP)
            kind = {"figcaption": "caption", "summary": "dt"}.get(tag, tag)
            self._block_start(kind if kind in _KIND_STYLE else "p")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag in self.skip:
                del self.skip[len(self.skip) - 1 - self.skip[::-1].index(tag) :]
            return
        if tag in _INLINE:
            self._pop_style(tag)
        elif tag == "a":
            self._close_link()
        elif tag == "q":
            self._text("”")
        elif tag in _TABLE_PARTS:
            self._table_end(tag)
        elif tag in _PRE:
            if self.pre:
                self.pre -= 1
                if not self.pre and not self._in_cell():
                    self._block_end()
        elif self._in_cell() or self.pre:
            if tag in _BLOCK or tag in _LISTS or tag in _CONTAINERS or tag == "li":
                self._soft_newline()
        elif tag in _LISTS or tag == "li" or tag in _CONTAINERS or tag in _BLOCK:
            if not self._close_container(tag):
                self._block_end()

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        if self.pre or not data.isascii():  # (the source is stripped already; entities may
            data = strip_controls(data)  # still decode to bidi or zero-width characters)
        if self.pre:
            data = data.replace("\r\n", "\n").replace("\r", "\n")
            if self.pre_start and data.startswith("\n"):
                data = data[1:]
            self.pre_start = False
            if data:
                self._raw(data, self.style)
                if self.link is not None:
                    self.link_parts.append(data)
        elif self.blank_line_paragraphs and "\n" in data:
            for index, piece in enumerate(_BLANK_LINE.split(data.replace("\r\n", "\n"))):
                if index:
                    self._flush()
                self._words(piece)
        else:
            self._words(data)

    def unknown_decl(self, data: str) -> None:
        if data.upper().startswith("CDATA["):
            self.handle_data(_TAG.sub(" ", data[6:]))

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        try:  # the stdlib raises on <![unknown ...]>
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)

    def close(self) -> None:
        if _TAG_START.match(self.rawdata):  # an unterminated tag at the very end: dropped
            self.rawdata = ""
        super().close()
        self.skip.clear()
        self._close_link()
        self._finish_top()

    # -- inline text ------------------------------------------------------------------------

    def _words(self, data: str) -> None:
        words = data.split()
        if not words:
            self.pending_space = self.pending_space or bool(data)
            return
        if data[0].isspace():
            self.pending_space = True
        self._text(" ".join(words))
        self.pending_space = data[-1].isspace()

    def _text(self, text: str, style: str = "") -> None:
        """Append inline text, with the one collapsed space that preceded it, if any."""
        if self.pending_space and self.last not in ("", "\n"):
            self.parts.append(" ")
            self.length += 1
            if self.link is not None:
                self.link_parts.append(" ")
        self.pending_space = False
        self._raw(text, style or self.style)
        if self.link is not None:
            self.link_parts.append(text)

    def _raw(self, text: str, style: str = "") -> None:
        end = self.length + len(text)
        if style and self.markers:
            self.spans.append(Span(self.length, end, style))
        self.parts.append(text)
        self.length = end
        self.last = text[-1]
        self.newlines = 0

    def _newline(self) -> None:
        if self.last and self.newlines < 2:  # at most one blank line from a run of <br>s
            self.parts.append("\n")
            self.length += 1
            self.last = "\n"
            self.newlines += 1
            self.pending_space = False

    def _soft_newline(self) -> None:
        if self.last not in ("", "\n"):
            self._newline()

    def _push_style(self, tag: str, style: str) -> None:
        if len(self.inline) < 64:
            self.inline.append((tag, style))
            self.style = " ".join(dict.fromkeys(s for _, s in self.inline))

    def _pop_style(self, tag: str) -> None:
        for index in range(len(self.inline) - 1, -1, -1):
            if self.inline[index][0] == tag:
                del self.inline[index]
                self.style = " ".join(dict.fromkeys(s for _, s in self.inline))
                return

    # -- links and images -------------------------------------------------------------------

    def _url(self, raw: str | None) -> str:
        """An absolute (where possible), safe URL, or "" for javascript:, data:, fragments, ..."""
        url = re.sub(r"[\t\n\r]", "", strip_controls(raw or "")).strip().replace(" ", "%20")
        if not url or url.startswith("#"):
            return ""
        try:
            if self.base_url:
                url = urljoin(self.base_url, url)
        except ValueError:
            pass
        if url.startswith("//"):
            url = "https:" + url
        scheme = _SCHEME.match(url)
        if scheme and scheme.group(1).lower() not in _SAFE_SCHEMES:
            return ""
        return url

    def _number(self, url: str, text: str) -> int:
        number = self.numbers.get(url)
        if number is None:
            number = self.numbers[url] = len(self.links) + 1
            self.links.append(Link(number, url, text))
        return number

    def _open_link(self, href: str | None) -> None:
        self._close_link()
        url = self._url(href)
        if url:
            self.link = url
            self.link_parts = []
            self._push_style("a", "underline")

    def _close_link(self) -> None:
        if self.link is not None:
            self._mark()
            self.link = None
            self._pop_style("a")

    def _mark(self) -> None:
        """The [N] after the link text collected so far (none for links without text)."""
        label = " ".join("".join(self.link_parts).split())
        self.link_parts = []
        if label and self.link:
            number = self._number(self.link, label)
            if self.markers:
                self._raw(f"[{number}]", "dim")

    def _image(self, a: dict[str, str]) -> None:
        if _TINY.fullmatch(a.get("width", "")) or _TINY.fullmatch(a.get("height", "")):
            return  # tracking pixel
        alt = clean_text(a.get("alt") or a.get("title"))
        src = self._url(a.get("src")) or self._url(a.get("data-src"))
        if not (alt or src) or not self.markers:
            return
        label = f"image: {alt}" if alt else "image"
        link, self.link = self.link, None  # the placeholder is not part of the anchor's text
        self._text(f"[{label}]", "dim")
        if src:
            self._raw(f"[{self._number(src, label)}]", "dim")
        self.link = link
        if link is not None:
            self.link_parts.append(f" {label}")

    # -- blocks and containers --------------------------------------------------------------

    def _in_cell(self) -> bool:
        top = self.stack[-1]
        return top.tag == "table" and bool(top.cell)

    def _take(self) -> Text | None:
        """The collected paragraph, trimmed; None when it holds no text."""
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

    def _target(self) -> _Node:
        """Where a block goes: the innermost container (text straying into a table or list
        lands beside the table or in the last item)."""
        for node in reversed(self.stack):
            if node.tag == "table":
                continue
            if node.tag == "list":
                last = node.children[-1] if node.children else None
                if not isinstance(last, _Node):
                    last = _Node("item")
                    node.children.append(last)
                return last
            return node
        return self.root

    def _flush(self) -> None:
        text = self._take()
        if text is not None:
            if self.kind == "pre" and "\t" in text.plain:
                text.expand_tabs()
            self._target().children.append(_Para(text, self.kind))

    def _finish_top(self) -> None:
        top = self.stack[-1]
        if top.tag == "table" and top.cell:
            self._end_cell(top)
        else:
            self._flush()

    def _block_start(self, kind: str) -> None:
        if self._in_cell() or self.pre:
            self._soft_newline()
        else:
            self._flush()
            self.kind = kind

    def _block_end(self) -> None:
        self._block_start("p")

    def _push(self, node: _Node) -> None:
        self._block_start("p")
        if len(self.stack) < _MAX_DEPTH:
            self._target().children.append(node)
            self.stack.append(node)

    def _close(self, tag: str, stop: frozenset[str] = _TABLE) -> bool:
        """End the innermost open ``tag`` (and what is open inside it), unless a ``stop``
        container comes first."""
        for index in range(len(self.stack) - 1, 0, -1):
            node = self.stack[index]
            if node.tag == tag:
                self._finish_top()
                del self.stack[index:]
                self.kind = "p"
                return True
            if node.tag in stop:
                break
        return False

    def _close_container(self, tag: str) -> bool:
        if tag in _LISTS:
            return self._close("list")
        if tag == "li":
            return self._close("item", frozenset(("list", "table")))
        if tag in _CONTAINERS:
            return self._close(_CONTAINERS[tag], _DD_STOP if tag == "dd" else _TABLE)
        return False

    def _open_item(self, a: dict[str, str]) -> None:
        self._block_start("p")
        if self.stack[-1].tag == "item":
            self.stack.pop()
        if self.stack[-1].tag != "list":
            self._push(_Node("list", depth=sum(1 for n in self.stack if n.tag == "list")))
        parent = self.stack[-1]
        if parent.tag != "list":
            return  # too deep: the item's text joins the enclosing block
        if parent.ordered:
            number = _int(a.get("value"), parent.number)
            marker, parent.number = f"{number}.", number + 1
        else:
            marker = _BULLETS[parent.depth % len(_BULLETS)]
        item = _Node("item", marker=marker)
        parent.children.append(item)
        if len(self.stack) < _MAX_DEPTH:
            self.stack.append(item)

    # -- tables -----------------------------------------------------------------------------

    def _table_start(self, tag: str) -> None:
        top = self.stack[-1]
        if top.tag == "table" and top.nested:  # a table inside a cell: flattened to text
            if tag == "table":
                top.nested += 1
            if tag == "tr":
                self._soft_newline()
            else:
                self.pending_space = True
        elif tag == "table":
            if self._in_cell():
                top.nested += 1
                self._soft_newline()
            elif self.pre:
                self._soft_newline()
            else:
                self._push(_Node("table"))
        elif top.tag != "table":
            self._block_start("p")  # a stray row or cell
        else:
            self._end_cell(top)
            if tag == "thead":
                top.head = True
            elif tag in ("tbody", "tfoot"):
                top.head = False
            elif tag == "tr" or (tag in ("td", "th") and not top.rows):
                top.rows.append((top.head, []))
            if tag in ("td", "th", "caption"):
                top.cell = tag

    def _table_end(self, tag: str) -> None:
        top = self.stack[-1]
        if top.tag == "table" and top.nested:
            if tag == "table":
                top.nested -= 1
            self.pending_space = True
        elif tag == "table":
            self._close("table", frozenset())
        elif top.tag != "table":
            self._block_end()
        else:
            self._end_cell(top)
            if tag == "thead":
                top.head = False

    def _end_cell(self, table: _Node) -> None:
        if not table.cell:
            self._flush()
            return
        text = self._take() or Text()
        self.pre, self.kind = 0, "p"
        if table.cell == "caption":
            table.caption = text
        else:
            table.rows[-1][1].append((text, table.cell == "th"))
        table.cell = ""


def _parse(html: str, base_url: str, markers: bool) -> _Parser:
    source = strip_controls(html if isinstance(html, str) else str(html or ""))
    blank_lines = not _ANY_BLOCK_TAG.search(source)
    try:
        parser = _Parser(base_url or "", markers, blank_lines)
        parser.feed(source)
        parser.close()
    except Exception:  # noqa: BLE001 - last resort for input the stdlib parser chokes on
        parser = _Parser(base_url or "", markers, True)
        parser.handle_data(unescape(_TAG.sub(" ", source)))
        parser._finish_top()
    return parser


# ---------------------------------------------------------------------------------------------
# Tree → renderables, tree → plain lines


class _Prefixed:
    """A renderable with ``first`` before its first line and ``rest`` before the others:
    list markers with a hanging indent, quote bars, indentation."""

    def __init__(self, renderable: RenderableType, first: Text | str, rest: Text | str) -> None:
        self.renderable = renderable
        self.first = Text(first) if isinstance(first, str) else first
        self.rest = Text(rest) if isinstance(rest, str) else rest
        self.width = max(self.first.cell_len, self.rest.cell_len)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if width - self.width < max(1, min(8, width // 2)):  # too narrow: drop the prefix
            yield self.renderable
            return
        lines = console.render_lines(
            self.renderable, options.update(width=width - self.width, height=None), pad=False
        )
        first = list(self.first.render(console))
        rest = list(self.rest.render(console))
        for index, line in enumerate(lines):
            yield from rest if index else first
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        inner = options.update_width(max(1, options.max_width - self.width))
        measured = Measurement.get(console, inner, self.renderable)
        return Measurement(measured.minimum + self.width, measured.maximum + self.width)


def _renderables(children: list[_Para | _Rule | _Node], gap: bool) -> list[RenderableType]:
    out: list[RenderableType] = []
    for child in children:
        renderable = _renderable(child)
        if renderable is not None:
            if gap and out:
                out.append(Text(""))
            out.append(renderable)
    return out


def _renderable(block: _Para | _Rule | _Node) -> RenderableType | None:
    if isinstance(block, _Para):
        block.text.style = _KIND_STYLE.get(block.kind, "")
        return _Prefixed(block.text, "  ", "  ") if block.kind == "pre" else block.text
    if isinstance(block, _Rule):
        return Rule(style="dim")
    if block.tag == "list":
        items = [
            (item.marker, parts)
            for item in block.children
            if isinstance(item, _Node) and (parts := _renderables(item.children, gap=False))
        ]
        if not items:
            return None
        width = max(cell_len(marker) for marker, _ in items)  # numbers right-aligned
        hang = " " * (width + 1) if width else ""
        rendered = Group(
            *(
                _Prefixed(Group(*parts), f"{marker:>{width}} " if width else "", hang)
                for marker, parts in items
            )
        )
        return _Prefixed(rendered, "  ", "  ") if block.depth == 0 else rendered
    if block.tag == "table":
        return _table(block)
    parts = _renderables(block.children, gap=block.tag not in _TIGHT)
    if not parts:
        return None
    if block.tag == "quote":
        bar = Text("▌ ", style="dim")
        return _Prefixed(Styled(Group(*parts), "italic"), bar, bar)
    if block.tag == "dd":
        return _Prefixed(Group(*parts), "    ", "    ")
    return Group(*parts)


def _table(node: _Node) -> RenderableType | None:
    rows = [(head, cells) for head, cells in node.rows if cells]
    columns = max((len(cells) for _, cells in rows), default=0)
    if columns <= 1 or columns > 12:  # a layout table or a very wide one: as paragraphs / lines
        if columns > 12:
            texts = [Text(" │ ").join(text for text, _ in cells) for _, cells in rows]
        else:
            texts = [text for _, cells in rows for text, _ in cells if text.plain]
        if node.caption is not None:
            texts.insert(0, node.caption)
        return Group(*_renderables([_Para(t) for t in texts], gap=columns <= 1)) if texts else None
    head = rows[0][0] or all(th for _, th in rows[0][1])
    table = Table(
        box=box.SIMPLE_HEAD if head else box.SIMPLE,
        show_header=head,
        show_edge=False,
        header_style="bold",
        title=node.caption,
        title_style="italic",
        expand=False,
    )
    for index in range(columns):
        header = rows[0][1][index][0] if head and index < len(rows[0][1]) else ""
        table.add_column(header, overflow="fold")
    for _, cells in rows[1:] if head else rows:
        table.add_row(*(text for text, _ in cells), *([""] * (columns - len(cells))))
    return table


def _plain_lines(children: list[_Para | _Rule | _Node], out: list[str]) -> None:
    for child in children:
        if isinstance(child, _Para):
            line = " ".join(child.text.plain.split())
            if line:
                out.append(line)
        elif isinstance(child, _Node):
            if child.caption is not None:
                out.append(" ".join(child.caption.plain.split()))
            for _, cells in child.rows:
                line = " ".join(" ".join(text.plain.split()) for text, _ in cells).strip()
                if line:
                    out.append(" ".join(line.split()))
            _plain_lines(child.children, out)
