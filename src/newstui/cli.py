"""Command line: ``newstui`` opens the reader; subcommands run the same core headless."""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from newstui import __version__
from newstui.core.config import ConfigError, load_config
from newstui.core.models import Config
from newstui.core.store import Store, StoreCorrupt, StoreError

EPILOG = """\
examples:
  newstui --demo                 open the reader on bundled sample feeds (offline)
  newstui                        open the reader on ./feeds.toml (or your user config)
  newstui refresh                fetch every feed, one line per feed
  newstui list --topic japan --unread
  newstui list --json | jq -r .title
  newstui show 3fa2c1            print an article (ids may be abbreviated)
  newstui feeds                  each feed's health: last success, errors, redirects, timings
  newstui feeds --failing        only the failing feeds (exit status 1 if there are any)
  newstui extract URL            the reader view of any web page (or a saved .html file)
  newstui completion bash        a shell completion script (bash, zsh or fish)
  newstui COMMAND --help         each command's options, examples and exit status

exit status: 0 done; 1 the command's own failure (see its --help: every feed failed, no such
article, a failing feed with --failing, ...); 2 a usage error, a feeds.toml or store problem;
130 interrupted (Ctrl-C). The --json outputs and the exit statuses are documented in docs/cli.md.
"""


# How every subcommand's --help ends (docs/cli.md has the table).
EXIT_COMMON = "2 for a usage error or a feeds.toml or store problem; 130 when interrupted (Ctrl-C)."


@dataclass(slots=True)
class Services:
    config: Config
    store: Store
    demo: bool = False


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--config", metavar="PATH", default=default,
        help="feeds file (default: ./feeds.toml, else the user config dir's feeds.toml)",
    )
    parser.add_argument(
        "--db", metavar="PATH", default=default,
        help="article store (default: newstui.json in the user data dir)",
    )
    parser.add_argument(
        "--demo", action="store_true", default=default,
        help="use bundled offline sample feeds and a temporary store",
    )


def build_parser() -> argparse.ArgumentParser:
    from newstui.core.paths import default_config_path, default_db_path

    files = (
        f"\nfiles:\n  your feeds file    {default_config_path()}  (when ./feeds.toml is absent)\n"
        f"  the article store  {default_db_path()}\n"
    )
    parser = argparse.ArgumentParser(
        prog="newstui",
        description="A keyboard-first terminal news reader: headlines, article text and related "
        "stories from the feeds in feeds.toml.",
        epilog=EPILOG + files,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"newstui {__version__}")
    _common(parser, suppress=False)
    parser.add_argument(
        "--no-refresh", action="store_true", help="open the reader without refreshing feeds at start"
    )
    parser.set_defaults(func=cmd_read)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace], int], help: str, example: str,
                status: str = "") -> argparse.ArgumentParser:
        """A subcommand whose --help ends with ``example`` (lines of commands and notes) and the
        sentence ``status`` on its exit statuses (see docs/cli.md)."""
        status = status or "0 when done"
        p = sub.add_parser(
            name, help=help, description=help,
            epilog=f"examples:\n  {example}\n\n"
            + textwrap.fill(f"exit status: {status}; {EXIT_COMMON}", 78, subsequent_indent="  "),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _common(p, suppress=True)
        p.set_defaults(func=func)
        return p

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
    p = command("list", cmd_list, "list stored articles, newest first",
                "newstui list --topic asia --unread\n"
                "  newstui list --search '\"rate cut\" feed:Reuters after:3d' --limit 20\n"
                "  newstui list --json | jq -r .title   # JSON Lines: keys in docs/cli.md",
                "0 when done (also when nothing matches); 2 for a bad --search or an unknown --view")
    p.add_argument("--topic", help="only articles with this topic")
    p.add_argument("--feed", help="only articles from this feed (its name in feeds.toml)")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--search", metavar="QUERY", default="",
                   help='words, "exact phrases", -excluded, feed:NAME, topic:NAME, after:2026-05-01, '
                   "before:3d (see docs/search.md); ranked by relevance, then newest first")
    p.add_argument("--view", metavar="NAME", help="a saved [views.NAME] of feeds.toml (other options add to it)")
    p.add_argument("--muted", action="store_true", help="only the articles [mute] rules hide")
    p.add_argument("--limit", type=int, default=0, help="at most this many (0: all)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--stories", action="store_true",
                   help="one line per story: its newest article, with how many articles and sources it has")
    p = command("related", cmd_related,
                "list the articles related to one: same story, earlier and later coverage",
                "newstui related 3fa2c1\n"
                "  newstui related 3fa2c1 --json | jq -r 'select(.section == \"same\") | .title'",
                "0 when done (also when nothing is related); 1 when no article, or more than one, has that id")
    p.add_argument("id", help="article id, or a unique prefix of one (see `newstui list`)")
    p.add_argument("--limit", type=int, default=10, help="at most this many beyond the same story (default 10)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per line: section, id, score, reason, copy, feed, title, published")
    p = command("show", cmd_show, "print one article as rendered text",
                "newstui show 3fa2c1 --width 72 | less\n"
                "  newstui show 3fa2c1 --json | jq -r '.links[].url'",
                "0 when done; 1 when no article, or more than one, has that id")
    p.add_argument("id", help="article id, or a unique prefix of one (see `newstui list`)")
    p.add_argument("--json", action="store_true", help="the article and its rendered text as JSON")
    p.add_argument("--width", type=int, default=0, help="wrap width (default: the terminal's)")
    from newstui.core.health import SORT_KEYS

    p = command("feeds", cmd_feeds, "show each feed's health: errors, redirects, warnings, articles, timings",
                "newstui feeds --sort time                 # the slowest feeds first\n"
                "  newstui feeds --failing --sort failures   # only the feeds that need a look (cron)\n"
                "  newstui feeds --json | jq -r 'select(.state != \"ok\") | .feed'",
                "0 when done; 1 with --failing when any feed is failing (for cron)")
    p.add_argument("--sort", choices=SORT_KEYS, metavar="KEY",
                   help="order by KEY, worst first, ties by name: " + ", ".join(SORT_KEYS)
                   + " (fetch + parse); default: the order of feeds.toml")
    p.add_argument("--failing", action="store_true",
                   help="only feeds whose last refresh failed; prints nothing and exits 0 when none is")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per feed and line, every field; times in ISO 8601 UTC")
    p = command("extract", cmd_extract, "print the main text of a web page or HTML file, as the reader shows it",
                "newstui extract https://example.com/news/story.html --width 72\n"
                "  newstui extract saved-page.html --json | jq -r .text",
                "0 when the page holds an article; 1 when it can't be fetched or read, or holds no "
                "article (what was found is still printed)")
    p.add_argument("source", metavar="URL|FILE", help="an http(s) URL, a file:// URL or a path")
    p.add_argument("--json", action="store_true",
                   help="title, byline, date, site, url, words, is_article, reason, text, links, see_also")
    p.add_argument("--width", type=int, default=0, help="wrap width (default: the terminal's)")
    from newstui.cli_feeds import add_commands

    add_commands(command)  # import, export, add, completion: the feeds file (see cli_feeds.py)
    return parser


def open_services(
    args: argparse.Namespace, *, fill_demo: bool = True, check_store: bool = True,
    recover: bool = False,
) -> Services:
    """Config and store from --config/--db/--demo (see core.paths for the defaults).

    With --demo the sample feeds are refreshed into the temporary store at once (they are local
    files), unless ``fill_demo`` is False (``newstui --demo refresh`` does that itself).
    ``recover``: a damaged store file is moved aside and started afresh (the reader and
    ``refresh`` do this; the read-only commands report the damage and change nothing).
    """
    from newstui.core.paths import resolve_config_path, resolve_db_path

    demo = bool(getattr(args, "demo", False))
    config_arg = getattr(args, "config", None)
    db_arg = getattr(args, "db", None)
    if demo:
        from newstui.demo import prepare_demo

        folder = Path(tempfile.mkdtemp(prefix="newstui-demo-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        config_path = prepare_demo(folder)
        db_path = Path(db_arg) if db_arg else folder / "newstui.json"
    else:
        config_path = resolve_config_path(config_arg)
        db_path = None
    config = load_config(config_path)  # first: a bad config leaves no trace, not even a data dir
    if db_path is None:
        db_path = resolve_db_path(db_arg)
    from newstui.core.topics import TopicClassifier

    store = Store(db_path, check=check_store, classifier=TopicClassifier(config), recover=recover)
    if demo and fill_demo:
        from newstui.core.refresh import refresh_all

        refresh_all(config, store)  # file URLs: instant, and the reader opens full
    return Services(config, store, demo)


# -- commands --------------------------------------------------------------------------------


def cmd_read(args: argparse.Namespace) -> int:
    import gc

    # Start-up makes a few hundred thousand objects that live as long as the reader (Textual's
    # widgets and styles, the store's columns): collecting garbage among them before the first
    # frame only delays it (~0.1 s at 100k articles). The app turns collection back on, with
    # everything made so far frozen out of it, once the first frame is on screen.
    gc.disable()
    services = open_services(args, recover=True)
    from newstui.ui.app import make_app

    app = make_app(
        services.config, services.store, refresh_on_start=not (args.no_refresh or services.demo)
    )
    show_repairs(app, services.store)
    app.run()
    services.store.close()
    return app.return_code or 0


def show_repairs(app, store: Store) -> None:  # noqa: ANN001 - a NewsApp (Textual imported lazily)
    """What the store's recovery did (a damaged file moved aside), as notifications in the
    reader: at start and whenever it happens later. Plain text: paths are never markup."""

    def tell(note: str) -> None:  # thread-safe; shown once the screen is up if called before
        app.notify(note, title="The store was repaired", severity="warning", timeout=60, markup=False)

    for note in store.recovered:
        tell(note)
    store.on_recovered = tell


def cmd_refresh(args: argparse.Namespace) -> int:
    import asyncio

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


def cmd_list(args: argparse.Namespace) -> int:
    from newstui.core.library import Filter, Library

    from datetime import datetime

    from newstui.core.search import QueryError, parse_query

    services = open_services(args)
    library = Library(services.config, services.store)
    try:
        parse_query(args.search)
    except QueryError as problem:
        print(f"newstui: --search {args.search!r}: {problem}", file=sys.stderr)
        return 2
    view = Filter(stories=args.stories)
    if args.view:
        found = library.view(args.view, datetime.now().astimezone(), view)
        if found is None:
            names = ", ".join(v.name for v in services.config.views) or "none: add [views.NAME] tables"
            print(f"newstui: no saved view {args.view!r} in {services.config.path} (views: {names})",
                  file=sys.stderr)
            return 2
        view = found
    view = replace(
        view, topic=args.topic, feed=args.feed, unread_only=args.unread or view.unread_only,
        starred=args.starred or view.starred, muted=args.muted,
        query=" ".join(q for q in (view.query, args.search) if q),
    )
    library.add_guessed(library.guess_topics())  # suggested topics count in filters and reasons
    if args.search and not library.wait_for_search():
        print("newstui: the search index is not ready: titles searched only", file=sys.stderr)
    articles = library.headlines(view)
    if args.limit > 0:
        articles = articles[: args.limit]
    out = sys.stdout
    if args.json:
        for article in articles:
            data = article_json(article, library.link(article.id))
            full = library.get(article.id)
            if full is not None:
                reasons = library.explain(full)
                data["topic_reasons"] = [{"topic": r.topic, "source": r.source, "detail": r.detail}
                                         for r in reasons if r.topic]
                data["muted_by"] = next((r.detail for r in reasons if r.source == "mute"), None)
            _json_line(out, data)
        return 0
    for article in articles:
        marker = " " if article.read else "●"
        star = "★" if article.starred else " "
        out.write(f"{marker}{star} {_headline_line(article)}{_sources(article)}\n")
    return 0


def _headline_line(article) -> str:
    """Id prefix, age, feed and title: one headline as `list` and `related` print it."""
    from newstui.core.dates import age

    return f"{article.id[:8]}  {age(article.published):>5}  {article.feed[:18]:<18}  {article.title}"


def _sources(article) -> str:
    if article.grouped:
        return f"  [{article.grouped} articles · {article.sources} sources]"
    return f"  [{article.copies} sources]" if article.copies > 1 else ""


SECTIONS = {"same": "Same story", "earlier": "Earlier coverage", "later": "Later coverage"}


def cmd_related(args: argparse.Namespace) -> int:
    from newstui.core.library import Library

    services = open_services(args)
    library = Library(services.config, services.store)
    found = _one_article(library, args.id)
    if found is None:
        return 1
    rows = library.related(found.id, limit=max(args.limit, 1))
    out = sys.stdout
    if args.json:
        for headline, story in rows:
            data = {"section": story.section, "id": headline.id, "score": story.score,
                    "reason": list(story.shared), "copy": story.copy}
            data.update({k: v for k, v in article_json(headline, library.link(headline.id)).items() if k != "id"})
            _json_line(out, data)
        return 0
    out.write(f"{found.title}\n")
    section = None
    for headline, story in rows:
        if story.section != section:
            section = story.section
            out.write(f"\n{SECTIONS[section]}\n")
        why = "same article" if story.copy else ", ".join(story.shared)
        out.write(f"  {_headline_line(headline)}  ({why})\n")
    if not rows:
        out.write("\nNo related articles in the store.\n")
    return 0


def _one_article(library, prefix: str):
    """The headline whose id starts with ``prefix``, or None (having said why on stderr)."""
    matches = library.find(prefix)
    if not matches:
        print(f"newstui: no article with id {prefix!r}; `newstui list` shows the ids", file=sys.stderr)
        return None
    if len(matches) > 1:
        print(f"newstui: {prefix!r} matches {len(matches)} articles; give more of the id", file=sys.stderr)
        return None
    return matches[0]


def cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from newstui.core.article_view import render_article
    from newstui.core.library import Library

    services = open_services(args)
    library = Library(services.config, services.store)
    found = _one_article(library, args.id)
    if found is None:
        return 1
    article = library.get(found.id)
    assert article is not None
    view = render_article(article, reasons=library.explain(article))
    width = args.width or shutil.get_terminal_size((80, 24)).columns
    if args.json:
        text = view.body.plain(width)
        data = article_json(view.article, view.article.link)
        data.update(story=found.story, copies=found.copies)  # the full article doesn't carry them
        data.update(author=view.article.author, text=text,
                    links=[{"number": link.number, "url": link.url, "text": link.text} for link in view.links])
        _json_line(sys.stdout, data)
        return 0
    console = Console(file=sys.stdout, width=width, markup=False, emoji=False, highlight=False)
    console.print(view.renderable())
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from newstui.core.page_view import load_page, page_json, page_view

    page, url, error = load_page(args.source)
    if error:
        print(f"newstui: {args.source}: {error}", file=sys.stderr)
        return 1
    from newstui.core.extract import extract

    found = extract(page, url)
    width = args.width or shutil.get_terminal_size((80, 24)).columns
    view = page_view(found)
    if args.json:
        _json_line(sys.stdout, page_json(found, view, width))
    else:
        from rich.console import Console

        Console(file=sys.stdout, width=width, markup=False, emoji=False, highlight=False).print(view.renderable())
    if found.reason:
        print(f"newstui: {args.source}: {found.reason}", file=sys.stderr)
    return 0 if found.words and not found.reason else 1


def cmd_feeds(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from newstui.core.health import feed_health, health_json, health_table, sort_health

    services = open_services(args)
    store = services.store
    now = datetime.now(UTC)
    rows = feed_health(services.config, store.feed_statuses(), store.feed_stats(), now)
    if args.sort:
        rows = sort_health(rows, args.sort)
    if args.failing:
        rows = [row for row in rows if row.failing]
    out = sys.stdout
    if args.json:
        for row in rows:
            _json_line(out, health_json(row))
    elif rows:
        # 100 columns, or the terminal's width when printing to one
        width = shutil.get_terminal_size((100, 24)).columns if out.isatty() else 100
        for line in health_table(rows, now, width):
            out.write(line + "\n")
    return 1 if args.failing and rows else 0


def article_json(article, link: str) -> dict:
    return {
        "id": article.id,
        "feed": article.feed,
        "title": article.title,
        "link": link,
        "published": article.published.isoformat() if article.published else None,
        "topics": list(article.topics),
        "read": article.read,
        "starred": article.starred,
        "story": getattr(article, "story", 0),
        "copies": getattr(article, "copies", 1),
        **({"grouped": article.grouped, "sources": article.sources} if getattr(article, "grouped", 0) else {}),
    }


def _json_line(out: TextIO, data: dict) -> None:
    import orjson

    out.write(orjson.dumps(data).decode() + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"newstui: {exc}", file=sys.stderr)
        return 2
    except StoreCorrupt as exc:
        print(f"newstui: the article store is damaged: {exc}\n"
              "Nothing was changed. Open the reader (newstui) or run newstui refresh: they move the "
              "damaged file aside (kept as <file>.damaged-<time>) and start it afresh, keeping read "
              "and starred marks; or move it aside yourself. Your feeds.toml is not affected.",
              file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"newstui: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # e.g. a config or data directory that can't be created
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"newstui: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
