"""Messages that cross from worker threads to the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from newstui.core.refresh import FeedResult


class FeedRefreshed(Message):
    """One feed finished refreshing (posted from the refresh worker's thread)."""

    def __init__(self, result: FeedResult, done: int, total: int, *, quiet: bool = False) -> None:
        super().__init__()
        self.result = result
        self.done = done
        self.total = total
        self.quiet = quiet  # an automatic refresh: progress isn't shown, failures are


class RefreshFinished(Message):
    def __init__(self, results: list[FeedResult], error: str = "", *, quiet: bool = False) -> None:
        super().__init__()
        self.results = results
        self.error = error
        self.quiet = quiet
