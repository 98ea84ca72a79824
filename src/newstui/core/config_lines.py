"""Where things are in a feeds.toml: the line that defines each table and key.

tomllib reports values, not positions, so the messages of :mod:`newstui.core.config` find their
line numbers with :func:`index_lines`, a light line-by-line scan of the same text.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]*?)\s*(\]\]?)\s*(?:#.*)?$")
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_KEY_PART = re.compile(_PART)


def _key_parts(dotted: str) -> tuple[str, ...]:
    """The parts of a dotted key such as ``topics."New York"``, unquoted."""
    parts = []
    for raw in _KEY_PART.findall(dotted):
        if raw.startswith('"'):
            try:
                parts.append(tomllib.loads(f"k = {raw}")["k"])
            except tomllib.TOMLDecodeError:
                parts.append(raw[1:-1])
        elif raw.startswith("'"):
            parts.append(raw[1:-1])
        else:
            parts.append(raw)
    return tuple(parts)


def _strip_strings(line: str) -> str:
    """The line with string literals and comments removed (single-line strings only)."""
    out = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "#":
            break
        if ch in "\"'":
            end = i + 1
            while end < len(line) and line[end] != ch:
                end += 2 if (ch == '"' and line[end] == "\\") else 1
            i = end + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def index_lines(text: str) -> dict[tuple[Any, ...], int]:
    """Map key paths such as ``("feed", 1, "url")`` to the line that defines them (first wins).

    A light scan, not a parser: good enough to point at headers and ``key =`` lines of a file
    that tomllib has already accepted. Array-of-table entries get their 0-based index.
    """
    found: dict[tuple[Any, ...], int] = {}
    arrays: dict[tuple[Any, ...], int] = {}
    table: tuple[Any, ...] = ()
    depth = 0  # open brackets/braces of a multi-line value
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if depth == 0:
            header = _HEADER.match(line)
            if header and len(header.group(1)) == len(header.group(3)):
                parts = _key_parts(header.group(2))
                resolved: list[Any] = []
                for i, part in enumerate(parts):
                    resolved.append(part)
                    prefix = tuple(resolved)
                    if i == len(parts) - 1 and header.group(1) == "[[":
                        arrays[prefix] = arrays.get(prefix, -1) + 1
                    if prefix in arrays:  # inside the latest entry of an array of tables
                        resolved.append(arrays[prefix])
                table = tuple(resolved)
                for i in range(1, len(table) + 1):
                    found.setdefault(tuple(table[:i]), number)
                continue
            assignment = _KEY.match(line)
            if assignment:
                path = (*table, *_key_parts(assignment.group(1)))
                for i in range(len(table) + 1, len(path) + 1):
                    found.setdefault(tuple(path[:i]), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
                break
        else:
            bare = _strip_strings(line)
            depth = max(0, depth + bare.count("[") + bare.count("{"))
            depth = max(0, depth - bare.count("]") - bare.count("}"))
    return found
