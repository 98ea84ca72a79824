"""HTML from feeds and pages → readable terminal text, as Rich renderables.

The HTML comes from strangers. It is parsed with the stdlib :class:`html.parser.HTMLParser` (which
never gives up on broken markup), every string passes through
:func:`~newstui.core.text.strip_controls`, and all text is *appended* to ``rich.text.Text``
objects, so nothing from the page is ever read as Rich markup.

Parsing (:mod:`newstui.core.html_blocks`) builds a small tree (paragraphs, lists, quotes, tables,
rules); this module turns it into renderables with numbered link references (:func:`render_html`)
or into plain lines for matching (:func:`html_to_text`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.styled import Styled
from rich.table import Table
from rich.text import Span, Text

from newstui.core.html_blocks import Block, HRule, Node, Para, parse_blocks


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
        line_end = Segment.line()
        for lines in self.layout(console, options.max_width):
            for line in lines:
                yield from line
                yield line_end

    def layout(self, console: Console, width: int) -> Iterator[Lines]:
        """The lines at ``width`` a piece at a time (a block, the blank line between two, a
        reference), lazily: together what :meth:`__rich_console__` gives, line by line."""
        width = max(1, width)
        for part in self._parts():
            yield _layout(console, part, width)

    def _parts(self) -> Iterator[RenderableType]:
        """The blocks, a blank line between them, and the references under them."""
        for index, block in enumerate(self.blocks):
            if index:
                yield _BLANK
            yield block
        if self.links:
            if self.blocks:
                yield _BLANK
            yield Text("References", style="bold")
            width = max(len(str(link.number)) for link in self.links) + 2
            for link in self.links:
                marker = Text(f"[{link.number}]".rjust(width) + " ", style="dim")
                url = Text(link.url, style=Style(link=link.url))
                yield _Prefixed(url, marker, " " * (width + 1), marker=True)

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
    tree = parse_blocks(html, base_url, markers=True)
    blocks = [r for r in (_renderable(b) for b in tree.blocks) if r is not None]
    links = (Link(number, url, text) for number, (url, text) in enumerate(tree.links, start=1))
    return RenderedHTML(tuple(blocks), tuple(links))


def html_to_text(html: str) -> str:
    """Plain text, one paragraph (list item, table row) per line, for search and matching."""
    lines: list[str] = []
    _plain_lines(parse_blocks(html, "", markers=False).blocks, lines)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Tree → renderables, tree → plain lines

_KIND_STYLE = {
    "h1": "bold underline", "h2": "bold underline", "h3": "bold", "h4": "bold", "h5": "bold",
    "h6": "bold", "pre": "cyan", "caption": "italic dim", "dt": "bold",
}  # fmt: skip
_TIGHT = frozenset(("item", "dl", "figure"))  # containers without blank lines between blocks


class _Prefixed:
    """A renderable with ``first`` before its first line and ``rest`` before the others:
    list markers with a hanging indent, quote bars, indentation.

    Too narrow a width drops the prefix: decoration (indentation, bars) where it would leave the
    text fewer than ``_MIN_TEXT`` columns, a ``marker`` (list numbers) only where it would leave
    less than half the width (at most 8)."""

    def __init__(
        self, renderable: RenderableType, first: Text | str, rest: Text | str, marker: bool = False
    ) -> None:
        self.renderable = renderable
        self.first = Text(first) if isinstance(first, str) else first
        self.rest = Text(rest) if isinstance(rest, str) else rest
        self.width = max(self.first.cell_len, self.rest.cell_len)
        self.marker = marker

    def fits(self, width: int) -> bool:
        need = max(1, min(8, width // 2)) if self.marker else _MIN_TEXT
        return width - self.width >= need

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        line_end = Segment.line()
        for line in _layout(console, self, max(1, options.max_width)):
            yield from line
            yield line_end

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        inner = options.update_width(max(1, options.max_width - self.width))
        measured = Measurement.get(console, inner, self.renderable)
        return Measurement(measured.minimum + self.width, measured.maximum + self.width)


# ---------------------------------------------------------------------------------------------
# Layout: renderables → lines of segments, done here for the kinds this module builds (Rich's
# own rendering of nested groups and wrapped Text is several times slower); the same output.

Lines = list[list[Segment]]
_BLANK = Text("")
_MIN_TEXT = 10  # decoration is dropped rather than leave the text fewer columns than this
_WORD = re.compile(r"\s*\S+\s*")  # as rich._wrap.divide_line splits words
_SPACED = re.compile(r"\S+(?: \S+)* ?")  # words between single spaces (most paragraphs)


def _layout(console: Console, renderable: RenderableType, width: int) -> Lines:
    """``renderable`` as lines at ``width``, as ``console.render_lines(..., pad=False)`` gives."""
    if isinstance(renderable, Text):
        lines = _wrap(console, renderable, width)
        if lines is not None:
            return lines
    elif isinstance(renderable, Group):
        return [line for part in renderable.renderables for line in _layout(console, part, width)]
    elif isinstance(renderable, _Prefixed):
        if not renderable.fits(width):
            return _layout(console, renderable.renderable, width)
        lines = _layout(console, renderable.renderable, width - renderable.width)
        first, rest = (_segment(console, text) for text in (renderable.first, renderable.rest))
        return [[rest if index else first, *line] for index, line in enumerate(lines)]
    elif isinstance(renderable, Styled):
        style = console.get_style(renderable.style)
        lines = _layout(console, renderable.renderable, width)
        return [list(Segment.apply_style(line, style)) for line in lines]
    options = console.options.update(width=width, height=None)
    return console.render_lines(renderable, options, pad=False)


def _segment(console: Console, text: Text) -> Segment:
    """An unstyled-span prefix as one segment, in its style (which ``Text.render`` leaves out)."""
    return Segment(text.plain, console.get_style(text.style) if text.style else None)


def _wrap(console: Console, text: Text, width: int) -> Lines | None:
    """Word-wrapped ``text`` as ``Text.__rich_console__`` wraps it (justify and overflow left as
    the defaults); None for what only Rich does right (text to crop that is not plain ASCII).

    One difference: a word longer than the width is folded without leaving a line of only the
    space after it (Rich gives a blank line when the word is a multiple of the width long)."""
    if text.justify or text.overflow or text.no_wrap is not None or text.tab_size is not None:
        return None
    plain = text.plain
    spans = text.spans
    if text.style:
        spans = [Span(0, len(plain), text.style), *spans]
    if spans:
        runs: list[tuple[int, int, Style | None]] = []
        offset = 0
        for segment in Text(plain, spans=spans).render(console):
            runs.append((offset, offset + len(segment.text), segment.style))
            offset += len(segment.text)
    else:
        runs = [(0, len(plain), None)]
    lines: Lines = []
    run = 0
    start = 0
    for piece in plain.split("\n") if "\n" in plain else (plain,):
        simple = piece.isascii()
        breaks = _breaks(piece, width, simple)
        for a, b in zip([0, *breaks], [*breaks, len(piece)]):
            if b - a > width:  # whitespace past the width goes (Text.rstrip_end)
                b -= min(b - a - len(piece[a:b].rstrip()), b - a - width)
            if (b - a if simple else cell_len(piece[a:b])) > width:
                if not simple:
                    return None
                b = a + width
            a += start
            b += start
            while run < len(runs) - 1 and runs[run][1] <= a:
                run += 1
            line = []
            index = run
            while index < len(runs) and runs[index][0] < b:
                run_start, run_end, style = runs[index]
                if run_end > a:
                    line.append(Segment(plain[max(a, run_start) : min(b, run_end)], style))
                index += 1
            lines.append(line)
        start += len(piece) + 1
    return lines


def _breaks(line: str, width: int, simple: bool) -> list[int]:
    """Where to break ``line`` to fit ``width``: rich._wrap.divide_line, with ``len`` for the
    cell width of ASCII text."""
    if simple and _SPACED.fullmatch(line):
        breaks = _spaced_breaks(line, width)
        if breaks is not None:
            return breaks
    measure = len if simple else cell_len
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(line):
        start, end = match.span()
        word = match.group()
        stripped = word.rstrip()
        length = measure(stripped)
        if width - offset >= length:
            offset += end - start if simple else cell_len(word)
        elif length > width:  # fold the word
            chunks = (
                [stripped[i : i + width] for i in range(0, len(stripped), width)]
                if simple
                else chop_cells(stripped, width)
            )
            for chunk in chunks:
                if start:
                    breaks.append(start)
                start += len(chunk)
            offset = measure(chunks[-1]) + measure(word[len(stripped) :])
        elif offset and start:
            breaks.append(start)
            offset = measure(word)
    return breaks


def _spaced_breaks(line: str, width: int) -> list[int] | None:
    """:func:`_breaks` for ASCII words between single spaces, a line at a time: the next line
    starts at the first word that does not end within ``width``. None when a word is to fold."""
    breaks: list[int] = []
    start = 0
    while start + width < len(line):
        limit = start + width
        start = limit + 1 if line[limit] == " " else line.rfind(" ", start, limit) + 1
        if not start:
            return None
        if start == len(line):  # only the space after the last word was past the width
            break
        breaks.append(start)
    return breaks


def _renderables(children: list[Block], gap: bool) -> list[RenderableType]:
    out: list[RenderableType] = []
    for child in children:
        renderable = _renderable(child)
        if renderable is not None:
            if gap and out:
                out.append(Text(""))
            out.append(renderable)
    return out


def _renderable(block: Block) -> RenderableType | None:
    if isinstance(block, Para):
        block.text.style = _KIND_STYLE.get(block.kind, "")
        return _Prefixed(block.text, "  ", "  ") if block.kind == "pre" else block.text
    if isinstance(block, HRule):
        return Rule(style="dim")
    if block.tag == "list":
        count = sum(1 for item in block.children if isinstance(item, Node))
        items = [
            (_marker(item, block.numbering, count), parts)
            for item in block.children
            if isinstance(item, Node) and (parts := _renderables(item.children, gap=False))
        ]
        if not items:
            return None
        width = max(cell_len(marker) for marker, _ in items)  # numbers right-aligned
        hang = " " * (width + 1) if width else ""
        rendered = Group(
            *(
                _Prefixed(Group(*parts), f"{marker:>{width}} " if width else "", hang, marker=True)
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


def _marker(item: Node, numbering: str, count: int) -> str:
    """An item's bullet, or its number as the list counts (``<ol type>``: 1, a, A, i, I)."""
    if not item.ordered:
        return item.marker
    number = item.number + count if item.relative else item.number
    if numbering in ("a", "A") and number > 0:
        letters = ""
        while number:
            number, digit = divmod(number - 1, 26)
            letters = chr(ord(numbering) + digit) + letters
        return letters + "."
    if numbering in ("i", "I") and 0 < number < 4000:
        roman = ""
        for value, numeral in _ROMAN:
            times, number = divmod(number, value)
            roman += numeral * times
        return (roman if numbering == "I" else roman.lower()) + "."
    return f"{number}."


_ROMAN = tuple(
    zip((1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1),
        "M CM D CD C XC L XL X IX V IV I".split())
)  # fmt: skip


def _table(node: Node) -> RenderableType | None:
    rows = [(head, cells) for head, cells in node.rows if cells]
    columns = max((len(cells) for _, cells in rows), default=0)
    layout = columns <= 1 or node.layout
    if layout or columns > 12:  # a layout table or a very wide one: as paragraphs / lines
        if layout:
            texts = [text for _, cells in rows for text, _ in cells if text.plain]
        else:
            texts = [Text(" │ ").join(text for text, _ in cells) for _, cells in rows]
        if node.caption is not None:
            texts.insert(0, node.caption)
        return Group(*_renderables([Para(t) for t in texts], gap=layout)) if texts else None
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


def _plain_lines(children: list[Block], out: list[str]) -> None:
    for child in children:
        if isinstance(child, Para):
            line = " ".join(child.text.plain.split())
            if line:
                out.append(line)
        elif isinstance(child, Node):
            if child.caption is not None:
                out.append(" ".join(child.caption.plain.split()))
            for _, cells in child.rows:
                line = " ".join(" ".join(text.plain for text, _ in cells).split())
                if line:
                    out.append(line)
            _plain_lines(child.children, out)
