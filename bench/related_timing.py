"""Where a store write's time goes, for bench/related_eval.py: the store's own classes, wrapped.

Inside :func:`instrumented`:

* ``Store.apply_refresh`` is timed per call (a whole store write: merge, retention, stories,
  every file written);
* ``StoryBook.finish`` is timed per call: the stories part of a write (the window's stored
  articles read into a clusterer, each new article assigned, copies grouped, merges applied and
  the rows renumbered);
* ``story_book.StoryClusterer`` is replaced by a subclass that times its three steps
  (``add_known``, ``assign``, ``merges``) and counts their calls.

The wrappers cost two ``perf_counter`` calls per clusterer call (~0.2 µs), nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import newstui.core.story_book as story_book
from newstui.core.store import Store


@dataclass
class Timings:
    writes: list[float] = field(default_factory=list)  # seconds of each Store.apply_refresh
    finish: list[float] = field(default_factory=list)  # seconds of each StoryBook.finish
    known: int = 0  # StoryClusterer.add_known calls (stored articles of the window)
    known_seconds: float = 0.0
    assigned: int = 0  # StoryClusterer.assign calls (new articles)
    assign_seconds: float = 0.0
    merges: int = 0  # stories merged away
    merge_seconds: float = 0.0

    @property
    def clusterer_seconds(self) -> float:
        return self.known_seconds + self.assign_seconds + self.merge_seconds

    def as_dict(self) -> dict:
        return {
            "store_writes": len(self.writes), "store_write_seconds": sum(self.writes),
            "write_seconds_each": self.writes, "stories_seconds": sum(self.finish),
            "clusterer_seconds": self.clusterer_seconds, "window_articles_read": self.known,
            "read_window_seconds": self.known_seconds, "assigned": self.assigned,
            "assign_seconds": self.assign_seconds, "stories_merged": self.merges,
            "merge_seconds": self.merge_seconds,
        }


@contextmanager
def instrumented() -> Iterator[Timings]:
    t = Timings()
    original_cls = story_book.StoryClusterer
    original_finish = story_book.StoryBook.finish
    original_apply = Store.apply_refresh

    class TimedClusterer(original_cls):  # type: ignore[misc, valid-type]
        def add_known(self, published, story, digest):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return super().add_known(published, story, digest)
            finally:
                t.known_seconds += time.perf_counter() - started
                t.known += 1

        def assign(self, published, digest, story=None):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return super().assign(published, digest, story)
            finally:
                t.assign_seconds += time.perf_counter() - started
                t.assigned += 1

        def merges(self):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            out = super().merges()
            t.merge_seconds += time.perf_counter() - started
            t.merges += len(out)
            return out

    def finish(self, docs, now):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original_finish(self, docs, now)
        finally:
            t.finish.append(time.perf_counter() - started)

    def apply_refresh(self, updates):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original_apply(self, updates)
        finally:
            t.writes.append(time.perf_counter() - started)

    story_book.StoryClusterer = TimedClusterer
    story_book.StoryBook.finish = finish  # type: ignore[method-assign]
    Store.apply_refresh = apply_refresh  # type: ignore[method-assign]
    try:
        yield t
    finally:
        story_book.StoryClusterer = original_cls
        story_book.StoryBook.finish = original_finish  # type: ignore[method-assign]
        Store.apply_refresh = original_apply  # type: ignore[method-assign]
