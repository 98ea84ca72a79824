"""Key latencies of the real reader on a large store, for bench/scale.py (run there as a child).

    python bench/scalekeys.py FEEDS_TOML STORE_JSON OUT_JSON [--budget 300] [--profile]

The store at STORE_JSON is changed (opening marks read; m and s set flags): give it a copy.

What one sample is: the key event is posted to the app the way Pilot posts it; the clock stops
when the screen has taken it in, that is when every message queue (app, screen, each widget) is
empty after Pilot's own barrier (repeated while anything new was queued) and the frame has been
composed (Screen._on_timer_update, which Textual's 60 fps update timer calls; composing includes
the render_line calls of the dirty widgets; the headless driver skips only the final write to the
terminal). CPU time of this process over the same span is recorded too. Untimed steps prepare each
press, and a check after it confirms that the screen shows what the key should have done.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from scalegen import NOW, SEED, search_words
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from newstui.core.config import load_config
from newstui.core.store import Store
from newstui.ui.app import make_app
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.topics import TopicList

PLAN = {  # figure: (presses, label)
    "cursor": (200, "cursor move (j)"),
    "open_first": (1, "open, first (enter)"),
    "open": (50, "open article (enter)"),
    "mark": (50, "mark read/unread (m)"),
    "star": (20, "star/unstar (s)"),
    "topic": (20, "topic switch (j in topics, enter)"),
    "search": (20, "search (/ + a word, whole)"),
    "search_key": (0, "search, per keystroke"),
    "clear": (20, "clear search (escape)"),
}
CHARS = {"enter": "\r", "escape": "\x1b", "slash": "/", "tab": "\t", "shift+tab": None}


def stamps(store_path: Path) -> dict[str, tuple[int, int, int]]:
    """(inode, mtime, size) of every file of the store (its folder, names starting with its stem)."""
    stem = store_path.name.split(".")[0]
    out = {}
    for path in store_path.parent.iterdir():
        if path.name.split(".")[0] == stem:
            info = path.stat()
            out[path.name] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return out


class Keys:
    def __init__(self, pilot: Pilot, store_path: Path, budget: float) -> None:
        self.pilot, self.app, self.budget = pilot, pilot.app, budget
        self.store_path = store_path
        self.writes: list[tuple[float, list[str]]] = []
        self.figures: dict[str, dict] = {
            name: {
                "label": label,
                "planned": n,
                "seconds": [],
                "cpu": [],
                "writes": [],
                "rewritten": Counter(),
                "capped": False,
            }
            for name, (n, label) in PLAN.items()
        }

    async def settle(self) -> None:
        app = self.app
        for _ in range(10_000):
            await self.pilot._wait_for_screen()
            screen = app.screen
            if app.message_queue_size or any(
                n.message_queue_size for n in screen.walk_children(with_self=True)
            ):
                continue
            if (
                screen._layout_required
                or screen._scroll_required
                or screen._repaint_required
                or screen._recompose_required
                or screen._dirty_widgets
                or screen._callbacks
            ):
                screen._on_timer_update()
                continue
            return
        raise RuntimeError("the screen never settled")

    async def press(self, key: str, figure: str | None = None) -> float:
        """Post one key and wait until the screen has taken it in; record it under ``figure``."""
        self.writes.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        self.app.post_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))
        await self.settle()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if figure:
            fig = self.figures[figure]
            fig["seconds"].append(wall)
            fig["cpu"].append(cpu)
            for seconds, changed in self.writes:
                fig["writes"].append(seconds)
                fig["rewritten"].update(changed)
        return wall

    async def figure(self, name: str, step: Callable[[int], Awaitable[None]]) -> None:
        fig, started = self.figures[name], time.perf_counter()
        for i in range(fig["planned"]):
            if time.perf_counter() - started > self.budget and i >= 5:
                fig["capped"] = True
                break
            await step(i)
        await self.pilot.pause()
        self.report(name)

    def report(self, name: str) -> None:
        fig = self.figures[name]
        s = fig["seconds"]
        print(
            f"   {fig['label']:<46} p50 {sorted(s)[len(s) // 2] * 1000:9.1f} ms   max {max(s) * 1000:9.1f} ms"
            f"   n={len(s)}{' (stopped by --budget)' if fig['capped'] else ''}",
            flush=True,
        )


async def measure(config_path: Path, store_path: Path, budget: float) -> dict:
    config = load_config(config_path)
    started = time.perf_counter()
    store = Store(store_path)
    writes: list[tuple[float, list[str]]] = []
    real_set_flags = store.set_flags

    def set_flags(*args, **kwargs) -> None:  # timed, and which files it rewrote
        before = stamps(store_path)
        began = time.perf_counter()
        real_set_flags(*args, **kwargs)
        seconds = time.perf_counter() - began
        after = stamps(store_path)
        writes.append((seconds, sorted(n for n, s in after.items() if before.get(n) != s)))

    store.set_flags = set_flags  # type: ignore[method-assign]
    app = make_app(
        config, store, refresh_on_start=False, clock=lambda: NOW, open_url=lambda url: None
    )
    made = time.perf_counter() - started
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot, store_path, budget)
        keys.writes = writes
        await keys.settle()
        opened = time.perf_counter() - started
        # The related index is built in a thread that starts 0.1 s after the first frame: a
        # user's first second or two. Wait until it is there (the timer needs the loop running).
        library = app.screen.library
        while not library.wait_for_related(0) and time.perf_counter() - started < 120:
            await asyncio.sleep(0.02)
        indexed = time.perf_counter() - started
        # And the search index brought up to the store (built once, ~20-30 s at 100,000, when the
        # store has none; an update otherwise): keys measured meanwhile share the CPU with it.
        # In a thread: the index's thread reports back through the event loop, which must run.
        await asyncio.to_thread(library.wait_for_search)
        searchable = time.perf_counter() - started
        await keys.settle()
        print(
            f"   store opened and reader built in {made:.2f} s, first frame composed at {opened:.2f} s, "
            f"related index ready at {indexed:.2f} s, search index at {searchable:.2f} s",
            flush=True,
        )
        screen = app.screen
        library = screen.library
        everything = screen.view  # the reader's first view: every article (settings decide grouping)
        headlines = screen.query_one(HeadlineList)
        topics = screen.query_one(TopicList)
        search = screen.query_one("#search", Input)
        search.cursor_blink = False
        assert app.focused is headlines and headlines.cursor == 0

        async def cursor(i: int) -> None:
            await keys.press("j", "cursor")
            assert headlines.cursor == i + 1

        async def open_article(name: str) -> None:
            await keys.press("j")
            await keys.press("enter", name)
            assert screen.open_id == headlines.current.id and library.get(screen.open_id).read

        async def flag(key: str, name: str, field: str) -> None:
            await keys.press("j")
            before = getattr(headlines.current, field)
            await keys.press(key, name)
            assert getattr(library.get(headlines.current.id), field) is not before

        async def topic(i: int) -> None:
            await keys.press("shift+tab")
            assert app.focused is topics
            if topics.highlighted == topics.option_count - 1:
                await keys.press("g")
            seconds = await keys.press("j") + await keys.press("enter")
            keys.figures["topic"]["seconds"].append(seconds)
            assert app.focused is headlines and topics.selected_key.endswith(
                screen.view.topic or ""
            )
            assert len(headlines.articles) == len(library.headlines(screen.view))

        words = search_words(SEED, PLAN["search"][0])
        matches: list[int] = []

        async def search_word(i: int) -> None:
            word = words[i].lower()
            total = await keys.press("slash")
            for char in word:
                total += await keys.press(char, "search_key")
            keys.figures["search"]["seconds"].append(total)
            assert screen.view.query == word and len(headlines.articles) == len(
                library.headlines(screen.view)
            )
            matches.append(len(headlines.articles))
            await keys.press("escape", "clear")
            assert not screen.view.query and len(headlines.articles) == len(library.headlines(everything))

        await keys.figure("cursor", cursor)
        await keys.figure("open_first", lambda i: open_article("open_first"))
        await keys.figure("open", lambda i: open_article("open"))
        await keys.figure("mark", lambda i: flag("m", "mark", "read"))
        await keys.figure("star", lambda i: flag("s", "star", "starred"))
        await keys.figure("topic", topic)
        await keys.press("shift+tab")
        await keys.press("g")
        await keys.press("enter")
        assert screen.view == everything, screen.view  # back on All
        await keys.figure("search", search_word)
        keys.report("search_key")
        keys.report("clear")
        print(
            f"   searched words: {', '.join(words)} — {min(matches)}-{max(matches)} titles each "
            f"(median {sorted(matches)[len(matches) // 2]}) of {len(library)}"
        )
    figures = keys.figures
    figures["search_key"]["planned"] = len(figures["search_key"]["seconds"])
    return {
        "open_seconds": made,
        "first_frame_seconds": opened,
        "related_ready_seconds": indexed,
        "search_ready_seconds": searchable,
        "search_words": words,
        "search_matches": matches,
        "figures": figures,
    }


def profile_open(config_path: Path, store_path: Path) -> None:
    """cProfile of opening the reader: store, library, first frame."""

    async def run() -> None:
        app = make_app(
            load_config(config_path), Store(store_path), refresh_on_start=False, clock=lambda: NOW
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()

    profiler = cProfile.Profile()
    profiler.runcall(asyncio.run, run())
    stats = pstats.Stats(profiler)
    print(
        "\n   cProfile of opening the reader in-process (top 12 by own time, then by cumulative time):"
    )
    stats.sort_stats("tottime").print_stats(12)
    stats.sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("config", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--budget", type=float, default=300.0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(measure(args.config, args.store, args.budget))
    args.out.write_text(json.dumps(result, indent=1))
    if args.profile:
        profile_open(args.config, args.store)


if __name__ == "__main__":
    main()
