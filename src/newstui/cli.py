"""Command line: ``newstui`` opens the reader; subcommands run the same core headless."""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

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

    from newstui import cli_articles, cli_feeds, cli_refresh

    cli_refresh.add_commands(command)  # refresh (see cli_refresh.py)
    cli_articles.add_commands(command)  # list, related, show, feeds, extract: read-only (see cli_articles.py)
    cli_feeds.add_commands(command)  # import, export, add, completion: the feeds file (see cli_feeds.py)
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
