"""Untrusted HTML → a small tree of blocks: paragraphs, rules, lists, quotes, tables, ...

:func:`parse_blocks` uses the stdlib :class:`html.parser.HTMLParser`, which never gives up on broken
markup, and adds what a browser would forgive: unclosed and mis-nested containers, stray rows and
cells, tables inside cells (flattened to text), absurd nesting (flattened past a depth), scripts,
styles and other content that is not for reading (skipped). Text without any block tags is split
into paragraphs at blank lines. The text inside each paragraph is collected by
:class:`~newstui.core.html_inline.InlineText`.

:mod:`newstui.core.render` turns the tree into Rich renderables or plain lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from rich.text import Text

from newstui.core.html_inline import INLINE_STYLES, InlineText
from newstui.core.text import strip_controls


@dataclass(slots=True)
class Para:
    """A paragraph of styled text."""

    text: Text
    kind: str = "p"  # p, h1..h6, pre, caption, dt


@dataclass(slots=True)
class HRule:
    """A horizontal rule (``<hr>``)."""


@dataclass(slots=True)
class Node:
    """A container: root, list (of items), item, quote, dl, dd, figure or table."""

    tag: str
    children: list[Para | HRule | Node] = field(default_factory=list)
    ordered: bool = False  # list: an <ol>; item: numbered (``number``)
    number: int = 1  # list: the next item's number; item: its number (ordered lists)
    numbering: str = "1"  # list: the ``type`` of an <ol>: 1, a, A, i or I
    reversed: bool = False  # list: an <ol reversed>, counting down
    relative: bool = False  # reversed list without a start: numbers are to be offset by the
    # item count (known only at the end); item: its number is such a number
    depth: int = 0  # list: how many lists enclose it
    marker: str = ""  # item of an unordered list: its bullet
    rows: list[tuple[bool, list[tuple[Text, bool]]]] = field(default_factory=list)  # table
    cell: str = ""  # table: "td", "th", "caption" while a cell is open
    head: bool = False  # table: inside <thead>
    layout: bool = False  # table: a cell holds headings, lists, quotes or tables (page layout)
    nested: int = 0  # table: depth of tables inside the open cell (flattened to text)
    caption: Text | None = None  # table


Block = Para | HRule | Node


@dataclass(frozen=True, slots=True)
class BlockTree:
    """A parsed document: its top-level blocks in reading order, and its links as
    ``(url, text)`` pairs, link number N being ``links[N - 1]``."""

    blocks: list[Block]
    links: list[tuple[str, str]]


def parse_blocks(html: str, base_url: str, markers: bool) -> BlockTree:
    """Untrusted HTML (or plain text) → blocks. Never raises on bad markup.

    ``base_url`` makes relative links absolute; ``markers`` adds link numbers, image placeholders
    and styles to the text (off for plain text used in matching).
    """
    source = html if isinstance(html, str) else str(html or "")
    if "\r" in source or "\f" in source:  # old Mac and Windows line ends; form feeds are spaces
        source = source.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ")
    source = strip_controls(source)
    blank_lines = not _ANY_BLOCK_TAG.search(source)
    try:
        parser = _Parser(base_url or "", markers, blank_lines)
        parser.feed(source)
        parser.close()
    except Exception:  # noqa: BLE001 - last resort for input the stdlib parser chokes on
        parser = _Parser(base_url or "", markers, True)
        parser.handle_data(unescape(_TAG.sub(" ", source)))
        parser._finish_top()
    return BlockTree(parser.root.children, parser.inline.links)


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
_KINDS = {  # block tag → Para.kind ("p" for the others)
    "h1": "h1", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h5", "h6": "h6",
    "dt": "dt", "summary": "dt", "figcaption": "caption",
}  # fmt: skip
_LISTS = frozenset(("ul", "ol", "menu", "dir"))
_CONTAINERS = {"blockquote": "quote", "dd": "dd", "dl": "dl", "figure": "figure"}  # tag → node
_DD_STOP = frozenset(("list", "quote", "table", "dl"))
_TABLE = frozenset(("table",))
_TABLE_PARTS = frozenset(("table", "tr", "td", "th", "thead", "tbody", "tfoot", "caption"))
_PRE = frozenset(("pre", "listing", "xmp", "plaintext"))
_WITH_ATTRS = frozenset(("a", "img", "ol", "li"))
_LAYOUT = frozenset("ul ol menu dir h1 h2 h3 h4 h5 h6 blockquote".split())  # in a cell: layout
_BULLETS = ("•", "◦", "▪")
_MAX_DEPTH = 24  # containers nested deeper than this are flattened
_ANY_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|ul|ol|h[1-6]|blockquote|pre|table|tr|section|article|hr|dl|figure)\b",
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_TAG_START = re.compile(r"<[a-zA-Z/!?]")
_TAG = re.compile(r"<[^>]*>?")


def _int(value: str | None, default: int) -> int:
    try:
        return max(-1_000_000, min(1_000_000, int(str(value).strip())))
    except ValueError:
        return default


class _Parser(HTMLParser):
    def __init__(self, base_url: str, markers: bool, blank_line_paragraphs: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.inline = InlineText(base_url, markers)
        self.blank_line_paragraphs = blank_line_paragraphs  # text without block tags
        self.root = Node("root")
        self.stack: list[Node] = [self.root]
        self.kind = "p"  # of the paragraph being collected
        self.pre = 0
        self.pre_start = False
        self.skip: list[str] = []

    # -- HTMLParser callbacks ---------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip.clear()
        if self.skip or tag in _SKIP:
            if tag in _SKIP:
                self.skip.append(tag)
            return
        a = {k: v or "" for k, v in attrs} if tag in _WITH_ATTRS else {}
        if tag in INLINE_STYLES:
            self.inline.push_style(tag, INLINE_STYLES[tag])
        elif tag == "a":
            self.inline.open_link(a.get("href"))
        elif tag == "img":
            self.inline.image(a)
        elif tag == "br" and self.pre:
            self.inline.raw("\n")
        elif tag == "br":
            self.inline.newline()
        elif tag == "q":
            self.inline.text("“")
        elif tag in _TABLE_PARTS:
            self._table_start(tag)
        elif tag in _PRE:
            if self._in_cell() or self.pre:
                self.inline.soft_newline()
            else:
                self._block_start("pre")
                self.pre_start = True
            self.pre += 1
        elif self._in_cell() or self.pre:
            if tag in _LAYOUT and not self.pre:
                self.stack[-1].layout = True
            if tag == "li":
                self.inline.soft_newline()
                self.inline.text("• ")
            elif tag in _BLOCK or tag in _LISTS or tag in _CONTAINERS or tag == "hr":
                self.inline.soft_newline()
        elif tag in _LISTS:
            depth = sum(1 for node in self.stack if node.tag == "list")
            node = Node("list", ordered=tag == "ol", depth=depth)
            if tag == "ol":
                node.reversed = "reversed" in a
                node.relative = node.reversed and a.get("start") is None
                node.number = _int(a.get("start"), 0 if node.relative else 1)
                kind = (a.get("type") or "1").strip()
                node.numbering = kind if kind in ("a", "A", "i", "I") else "1"
            self._push(node)
        elif tag == "li":
            self._open_item(a)
        elif tag in _CONTAINERS:
            if tag == "dd":
                self._close("dd", _DD_STOP)
            self._push(Node(_CONTAINERS[tag]))
        elif tag == "hr":
            self._block_start("p")
            self._target().children.append(HRule())
        elif tag in _BLOCK:
            if tag == "dt":
                self._close("dd", _DD_STOP)
            self._block_start(_KINDS.get(tag, "p"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag in self.skip:
                del self.skip[len(self.skip) - 1 - self.skip[::-1].index(tag) :]
            return
        if tag in INLINE_STYLES:
            self.inline.pop_style(tag)
        elif tag == "a":
            self.inline.close_link()
        elif tag == "q":
            self.inline.text("”")
        elif tag in _TABLE_PARTS:
            self._table_end(tag)
        elif tag in _PRE:
            if self.pre:
                self.pre -= 1
                if not self.pre and not self._in_cell():
                    self._block_end()
        elif self._in_cell() or self.pre:
            if tag in _BLOCK or tag in _LISTS or tag in _CONTAINERS or tag == "li":
                self.inline.soft_newline()
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
                self.inline.verbatim(data)
        elif self.blank_line_paragraphs and "\n" in data:
            for index, piece in enumerate(_BLANK_LINE.split(data.replace("\r\n", "\n"))):
                if index:
                    self._flush()
                self.inline.words(piece)
        else:
            self.inline.words(data)

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
        self.inline.close_link()
        self._finish_top()

    # -- blocks and containers --------------------------------------------------------------

    def _in_cell(self) -> bool:
        top = self.stack[-1]
        return top.tag == "table" and bool(top.cell)

    def _target(self) -> Node:
        """Where a block goes: the innermost container (text straying into a table or list
        lands beside the table or in the last item)."""
        for node in reversed(self.stack):
            if node.tag == "table":
                continue
            if node.tag == "list":
                last = node.children[-1] if node.children else None
                if not isinstance(last, Node):
                    last = Node("item")
                    node.children.append(last)
                return last
            return node
        return self.root

    def _flush(self) -> None:
        text = self.inline.take()
        if text is not None:
            if self.kind == "pre" and "\t" in text.plain:
                text.expand_tabs()
            self._target().children.append(Para(text, self.kind))

    def _finish_top(self) -> None:
        top = self.stack[-1]
        if top.tag == "table" and top.cell:
            self._end_cell(top)
        else:
            self._flush()

    def _block_start(self, kind: str) -> None:
        if self._in_cell() or self.pre:
            self.inline.soft_newline()
        else:
            self._flush()
            self.kind = kind

    def _block_end(self) -> None:
        self._block_start("p")

    def _push(self, node: Node) -> None:
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
            self._push(Node("list", depth=sum(1 for n in self.stack if n.tag == "list")))
        parent = self.stack[-1]
        if parent.tag != "list":
            return  # too deep: the item's text joins the enclosing block
        item = Node("item")
        if parent.ordered:
            if a.get("value") is not None:
                parent.number, parent.relative = _int(a.get("value"), parent.number), False
            item.ordered, item.number, item.relative = True, parent.number, parent.relative
            parent.number += -1 if parent.reversed else 1
        else:
            item.marker = _BULLETS[parent.depth % len(_BULLETS)]
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
                self.inline.soft_newline()
            else:
                self.inline.pending_space = True
        elif tag == "table":
            if self._in_cell():
                top.nested += 1
                top.layout = True
                self.inline.soft_newline()
            elif self.pre:
                self.inline.soft_newline()
            else:
                self._push(Node("table"))
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
            self.inline.pending_space = True
        elif tag == "table":
            self._close("table", frozenset())
        elif top.tag != "table":
            self._block_end()
        else:
            self._end_cell(top)
            if tag == "thead":
                top.head = False

    def _end_cell(self, table: Node) -> None:
        if not table.cell:
            self._flush()
            return
        text = self.inline.take() or Text()
        self.pre, self.kind = 0, "p"
        if table.cell == "caption":
            table.caption = text
        else:
            table.rows[-1][1].append((text, table.cell == "th"))
        table.cell = ""
