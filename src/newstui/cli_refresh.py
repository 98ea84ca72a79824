"""``newstui refresh``: fetch the feeds and store new articles, with a progress bar on a terminal
and one line per feed otherwise. The work is done in :mod:`newstui.core.refresh`; this module
parses arguments and reports.

Exit status: 0 when at least one feed fetched (or none was due); 1 when every feed fetched failed;
2 for a feed name not in feeds.toml.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from newstui.core.models import Config
from newstui.core.store import Store

Command = Callable[..., argparse.ArgumentParser]


def add_commands(command: Command) -> None:
    """Register ``refresh`` with ``build_parser``'s ``command(name, func, help, example, status)``."""
    p = command("refresh", cmd_refresh, "fetch every enabled feed and store new articles",
                "newstui refresh                # a progress bar on a terminal, one line per feed when piped\n"
                "  newstui refresh World Asia     # only these two feeds\n"
                "  newstui refresh --due --quiet  # from cron: feeds whose time has come; failures only",
                "0 when at least one feed fetched (or none was due); 1 when every feed fetched failed; "
                "2 for a feed name not in feeds.toml")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--due", action="store_true",
                      help="only feeds that are due (refresh_minutes, the feed's <ttl>, Cache-Control, "
                      "backoff after failures)")
    when.add_argument("--force", action="store_true",
                      help="every feed, even one whose server asked us to wait (Retry-After)")
    p.add_argument("feed", nargs="*", help="only these feeds (names in feeds.toml)")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--plain", action="store_true",
                       help="one line per feed even on a terminal (the output when piped)")
    shown.add_argument("--quiet", "-q", action="store_true",
                       help="only the failures and the summary line; no progress bar")


def cmd_refresh(args: argparse.Namespace) -> int:
    import asyncio

    from newstui.cli import open_services
    from newstui.core.refresh import FeedResult, prefetch_pages, refresh_all

    # The article file is only read if a feed brought something to store.
    services = open_services(args, fill_demo=False, check_store=False, recover=True)
    services.store.on_recovered = lambda note: print(f"newstui: {note}", file=sys.stderr, flush=True)
    for note in services.store.recovered:  # what opening the store repaired
        services.store.on_recovered(note)
    config = services.config
    feeds = None
    if args.feed:
        unknown = [name for name in args.feed if config.feed(name) is None]
        if unknown:
            known = ", ".join(f.name for f in config.feeds)
            print(f"newstui: no feed named {unknown[0]!r} in {config.path}; feeds: {known}", file=sys.stderr)
            return 2
        feeds = [config.feed(name) for name in args.feed]
    out = sys.stdout
    mode = "due" if args.due else "force" if args.force else "manual"

    def line_for(result: FeedResult) -> str:
        if result.skipped:
            return f"--- {result.feed.name}: skipped: {result.skipped}"
        mark = "ok " if result.status.ok else "ERR"
        return f"{mark} {result.feed.name}: {result.status.summary} ({result.elapsed:.2f} s)"

    def report(result: FeedResult) -> None:
        if not (getattr(args, "quiet", False) and (result.skipped or result.status.ok)):
            print(line_for(result), file=out, flush=True)

    if _wants_bar(out, args):
        total = _refresh_total(config, services.store, feeds, mode)
        with RefreshBar(out, total, line_for) as bar:
            results = refresh_all(config, services.store, feeds=feeds, mode=mode, on_result=bar.report)
    else:
        results = refresh_all(config, services.store, feeds=feeds, mode=mode, on_result=report)
    if any(r.fresh for r in results):
        pages = asyncio.run(prefetch_pages(config, services.store, results))
        print(f"whole text of {pages} new article{'s' if pages != 1 else ''} fetched "
              "(full_text = \"always\")", file=out, flush=True)
    fetched = [r for r in results if not r.skipped]
    failed = sum(1 for r in fetched if not r.status.ok)
    new = sum(len(r.new_ids) for r in fetched)
    line = f"{len(fetched)} feeds, {new} new articles, {failed} failed"
    if len(results) > len(fetched):
        line += f", {len(results) - len(fetched)} skipped"
    if mode == "due" and not fetched:
        line = "no feed is due yet"
    print(line, file=out)
    return 1 if fetched and failed == len(fetched) else 0



def _wants_bar(out: TextIO, args: argparse.Namespace) -> bool:
    """A progress bar only for a person at a terminal that can redraw a line; the plain lines for
    pipes, files, --plain, --quiet and TERM=dumb (NO_COLOR keeps the bar, without colours)."""
    import os

    if getattr(args, "plain", False) or getattr(args, "quiet", False):
        return False
    if os.environ.get("TERM", "") in ("dumb", "unknown"):
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


class RefreshBar:
    """``newstui refresh`` on a terminal: a Rich progress bar (feeds done of all, the feed that
    just finished, elapsed time, new articles and failures so far) with the failed and skipped
    feeds' lines printed above it. Feed names and error texts are strangers' text: cleaned of
    control characters and shown as ``Text``, never as markup."""

    def __init__(self, out: TextIO, total: int, line_for: Callable[[object], str]) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                   TimeElapsedColumn)

        self.console = Console(file=out, markup=False, emoji=False, highlight=False)
        self.line_for = line_for
        self.new = self.failed = 0
        self.progress = Progress(
            SpinnerColumn(), TextColumn("refreshing"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("[green]{task.fields[new]} new[/]  [red]{task.fields[failed]} failed[/]"),  # numbers only
            TextColumn("{task.fields[current]}", markup=False),
            console=self.console,
        )
        self.task = self.progress.add_task("refresh", total=max(total, 1), new=0, failed=0, current="")

    def __enter__(self) -> RefreshBar:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.update(self.task, current="")
        self.progress.stop()

    def report(self, result) -> None:  # noqa: ANN001 - a core.refresh.FeedResult
        from rich.text import Text

        from newstui.core.text import clean_text

        if not result.skipped:
            self.new += len(result.new_ids)
            self.failed += not result.status.ok
        name = clean_text(result.feed.name)
        task = self.progress.tasks[0]
        self.progress.update(
            self.task, advance=1, total=max(task.total or 0, task.completed + 1), new=self.new,
            failed=self.failed, current=name if len(name) <= 30 else name[:29] + "…", refresh=True,
        )
        if result.skipped or not result.status.ok:  # above the bar, which then shows the new count
            style = "dim" if result.skipped else "red"
            self.progress.console.print(Text(clean_text(self.line_for(result)), style=style))


def _refresh_total(config: Config, store: Store, feeds, mode: str) -> int:  # noqa: ANN001
    """How many feeds the refresh will report on: the enabled ones, or the due ones with --due."""
    from datetime import UTC, datetime

    from newstui.core.refresh import is_due

    chosen = [f for f in (feeds if feeds is not None else config.feeds) if f.enabled]
    if mode != "due":
        return len(chosen)
    previous, now = store.feed_statuses(), datetime.now(UTC)
    return sum(1 for f in chosen if is_due(f, previous.get(f.name), now))
