"""Sets of display positions as Python ints, one bit per position (bit p set: position p is in).

At 100,000 articles such a set is 12.5 KB, and ``&``, ``|``, ``^`` and ``int.bit_count`` over two
of them are C loops of microseconds: what lets the topic list count 60 topics over any filter's
articles in about a millisecond, where walking the positions costs tens of ms. Going between a
list of positions and a set costs one C-level pass each way (:func:`pack`, :func:`unpack`):
CPython reads and writes ints in base 2 in linear time (no digit limit for power-of-two bases).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from itertools import compress, repeat

_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_FROM_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def pack(places: Iterable[int], n: int) -> int:
    """The set of ``places`` (positions below ``n``)."""
    if isinstance(places, range) and places.step == 1:
        return span(max(places.start, 0), min(places.stop, n))
    column = bytearray(n)
    deque(map(column.__setitem__, places, repeat(1)), maxlen=0)  # a C loop: column[p] = 1
    return pack_column(column)


def pack_column(column: bytes | bytearray) -> int:
    """The positions whose byte is 1 in a column of 0/1 bytes (a flag column in display order)."""
    return int(column.translate(_TO_DIGITS)[::-1] or b"0", 2)


_positions: list[int] = []  # 0, 1, 2, ...: grown to the largest set unpacked (see unpack)


def unpack(bits: int) -> list[int]:
    """The positions in ``bits``, ascending.

    A few (under 1 in 13 of the positions the set spans): found one by one (``bytes.find``
    costs ~0.13 µs a hit). More: one C pass selecting from a list of the positions kept
    between calls, which hands out ints it holds already; over ``range`` it would make 100,000
    of them to keep a few (at 100,000 positions: 1.0-1.5 ms against 1.7-2.6 ms).
    """
    if not bits:
        return []
    digits = format(bits, "b").encode("ascii")[::-1]  # byte p: b"1" if position p is in
    span = len(digits)
    if bits.bit_count() * 13 < span:
        out: list[int] = []
        add, find = out.append, digits.find
        p = find(49)  # b"1"
        while p >= 0:
            add(p)
            p = find(49, p + 1)
        return out
    global _positions
    positions = _positions
    if len(positions) < span:  # a new list, not an append: another thread may be reading it
        positions = _positions = list(range(span))
    return list(compress(positions, digits.translate(_FROM_DIGITS)))


def to_column(bits: int, n: int) -> bytes:
    """The set as a column of 0/1 bytes, one per position below ``n`` (``column[p]``: p is in)."""
    return format(bits, f"0{n}b").encode("ascii")[::-1].translate(_FROM_DIGITS) if n else b""


def span(lo: int, hi: int) -> int:
    """Positions lo to hi - 1."""
    return ((1 << hi) - 1) ^ ((1 << lo) - 1) if hi > lo else 0


def columns(masks: Sequence[int], width: int) -> list[int]:
    """Transpose: for each bit b below ``width``, the set of positions p whose ``masks[p]`` has
    bit b (a topic's articles, from the topic masks in display order). One ``format`` per mask
    and a strided slice per bit, all at C speed; done 60 bits at a time to bound the memory."""
    out: list[int] = []
    n = len(masks)
    for low in range(0, width, 60):
        w = min(60, width - low)
        part = masks if low == 0 and width <= 60 else list(
            map(int.__and__, map(int.__rshift__, masks, repeat(low)), repeat((1 << w) - 1)))
        text = "".join(map(format, part, repeat(f"0{w}b"))).encode("ascii")  # mask p: chars p*w .. p*w+w-1
        for b in range(w):  # bit b of mask p is char p*w + (w - 1 - b)
            column = text[w - 1 - b::w]
            out.append(int(column[::-1], 2) if n else 0)
    return out
