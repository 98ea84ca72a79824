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
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, NewLine, RenderableType, RenderResult
from rich.measure import Measurement
from rich.rule import Rule
from rich.segment import Segment
from rich.style import Style
from rich.styled import Styled
from rich.table import Table
from rich.text import Text

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
        items = [
            (item.marker, parts)
            for item in block.children
            if isinstance(item, Node) and (parts := _renderables(item.children, gap=False))
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


def _table(node: Node) -> RenderableType | None:
    rows = [(head, cells) for head, cells in node.rows if cells]
    columns = max((len(cells) for _, cells in rows), default=0)
    if columns <= 1 or columns > 12:  # a layout table or a very wide one: as paragraphs / lines
        if columns > 12:
            texts = [Text(" │ ").join(text for text, _ in cells) for _, cells in rows]
        else:
            texts = [text for _, cells in rows for text, _ in cells if text.plain]
        if node.caption is not None:
            texts.insert(0, node.caption)
        return Group(*_renderables([Para(t) for t in texts], gap=columns <= 1)) if texts else None
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
