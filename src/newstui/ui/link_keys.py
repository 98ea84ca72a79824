"""Numbered links by keyboard: digits pick a reference of the open article.

Typing ``3`` opens reference 3 at once when no reference 30 or above exists; otherwise the digits
wait (shown in the status line) for the next digit, for ``o`` or Enter-like confirmation, or for
:data:`WAIT_SECONDS` to pass, then open. ``o`` followed by a number works the same way: ``o`` waits
:data:`O_WAIT_SECONDS` for a digit before it opens the article's own page.

Pure state, no Textual: the screen feeds it keys and timer expiries and acts on what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

WAIT_SECONDS = 0.9
O_WAIT_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to do now: open reference ``number`` (> 0), open the article's page (``page``),
    say ``message``, and/or wait ``wait`` seconds for more keys (then call :meth:`LinkKeys.expire`)."""

    number: int = 0
    page: bool = False
    message: str = ""
    wait: float = 0.0


class LinkKeys:
    def __init__(self) -> None:
        self.digits = ""
        self.after_o = False

    @property
    def pending(self) -> bool:
        return bool(self.digits) or self.after_o

    def reset(self) -> None:
        self.digits = ""
        self.after_o = False

    def digit(self, digit: str, count: int) -> Outcome:
        """A digit typed while the open article has ``count`` references."""
        self.after_o = False
        if count == 0:
            self.reset()
            return Outcome(message="This article has no numbered links.")
        typed = self.digits + digit
        number = int(typed)
        if number == 0 or number > count:
            self.reset()
            return Outcome(message=f"No link [{typed}]: this article has links [1] to [{count}].")
        if number * 10 > count:  # no longer number starts with these digits
            self.reset()
            return Outcome(number=number)
        self.digits = typed
        return Outcome(message=f"link [{typed}…]: another digit, or o to open [{typed}]",
                       wait=WAIT_SECONDS)

    def o(self, count: int) -> Outcome:
        """``o``: opens a number being typed, else waits briefly for one (when there are links)."""
        if self.digits:
            number = int(self.digits)
            self.reset()
            return Outcome(number=number)
        if count == 0 or self.after_o:
            self.reset()
            return Outcome(page=True)
        self.after_o = True
        return Outcome(message=f"o: a link number [1–{count}], or wait to open the article's page",
                       wait=O_WAIT_SECONDS)

    def expire(self) -> Outcome:
        """The wait ran out: open what was typed."""
        if self.digits:
            number = int(self.digits)
            self.reset()
            return Outcome(number=number)
        if self.after_o:
            self.reset()
            return Outcome(page=True)
        return Outcome()
