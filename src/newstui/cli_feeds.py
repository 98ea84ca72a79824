"""``newstui import``, ``export`` and ``add``: the subscription list from the command line.
The work is done in core (:mod:`newstui.core.opml`, :mod:`newstui.core.feeds_file`,
:mod:`newstui.core.add_feed`); this module parses arguments, prints, and asks on a terminal.
``completion`` is registered here too; its scripts come from :mod:`newstui.cli_completion`.

Exit status: 0 done; 1 a network failure, or nothing usable at the URL; 2 a usage or file problem
(a missing or malformed file, a feeds.toml that does not load, a feed that is already there).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

Command = Callable[..., argparse.ArgumentParser]
CANT = "can't use"


def add_commands(command: Command) -> None:
    """Register the commands with ``build_parser``'s ``command(name, func, help, example)``."""
    p = command("import", cmd_import, "add the feeds of an OPML file (another reader's export) to feeds.toml",
                "newstui import subscriptions.opml --dry-run   # see what would be added\n"
                "  newstui import subscriptions.opml\n"
                "folders and category=\"/Tech/Linux,News\" become topics; feeds already in feeds.toml "
                "(same URL or name) are skipped",
                "0 when done (also when every feed was already there); 2 when the OPML file is missing or "
                "malformed, or feeds.toml can't be written")
    p.add_argument("file", metavar="FILE.opml", help="an OPML file (readers export one: File → Export)")
    p.add_argument("--dry-run", action="store_true", help="show what would be added; change nothing")
    p = command("export", cmd_export, "write every feed (disabled ones too) as OPML 2.0, to FILE or stdout",
                "newstui export backup.opml\n"
                "  newstui export > feeds.opml   # `newstui import` reads it back, topics included",
                "0 when done; 2 when FILE can't be written")
    p.add_argument("file", metavar="FILE", nargs="?", help="where to write (default: stdout)")
    p = command("add", cmd_add, "add a feed to feeds.toml, given its URL or its web site's",
                "newstui add https://example.com/ --topics tech,linux\n"
                "  newstui add https://example.com/feed.xml --name \"Example\" --yes\n"
                "a web page's advertised feeds (else /feed, /rss, ...) are offered to pick from",
                "0 when the feed was added; 1 when the URL can't be fetched, has no feed or none was "
                "chosen; 2 when the feed or its name is already in feeds.toml")
    p.add_argument("url", metavar="URL", help="a feed's URL, or a web page that links to its feeds")
    p.add_argument("--name", help="the feed's name in feeds.toml (default: the feed's own title)")
    p.add_argument("--topics", metavar="A,B", default="", help="comma-separated topics for every article")
    p.add_argument("--yes", "-y", action="store_true",
                   help="don't ask: when a page has several feeds, take the first")
    from newstui.cli_completion import SHELLS, cmd_completion

    p = command("completion", cmd_completion, "print a shell completion script for newstui",
                "newstui completion bash > ~/.local/share/bash-completion/completions/newstui\n"
                "  newstui completion zsh > ~/.zfunc/_newstui   # with fpath=(~/.zfunc $fpath) before "
                "compinit in ~/.zshrc\n"
                "  newstui completion fish > ~/.config/fish/completions/newstui.fish\n"
                "open a new shell afterwards; run it again after upgrading newstui",
                "0 when done")
    p.add_argument("shell", choices=SHELLS, help="bash, zsh or fish")


def _fail(message: str, status: int = 2) -> int:
    print(f"newstui: {message}", file=sys.stderr)
    return status


def _config_path(args: argparse.Namespace) -> Path | None:
    """The feeds.toml to change; None (having said why) with --demo, whose file is temporary."""
    if getattr(args, "demo", False):
        _fail("--demo uses a temporary copy of the sample feeds; give --config PATH (or none) to "
              "change your own feeds.toml")
        return None
    from newstui.core.paths import resolve_config_path

    return resolve_config_path(getattr(args, "config", None))


# -- import ------------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from newstui.core.config import load_config
    from newstui.core.feeds_file import FeedsFileError, append_feeds, plan_additions
    from newstui.core.opml import OpmlError, name_for, read_opml

    path = _config_path(args)
    if path is None:
        return 2
    config = load_config(path)
    source = args.file
    try:
        document = read_opml(source)
    except FileNotFoundError:
        return _fail(f"{source}: no such file. Give the path of an OPML file (feed readers export "
                     "one, often under File → Export or Settings → OPML).")
    except IsADirectoryError:
        return _fail(f"{source}: is a directory; give the path of an OPML file.")
    except OSError as exc:
        return _fail(f"{source}: cannot read: {exc.strerror or exc}.")
    except OpmlError as exc:
        return _fail(f"{source}: {exc}. Check that this is the OPML file your reader exported.")
    from dataclasses import replace

    candidates = [replace(e.feed, name=name_for(e)) for e in document.entries]
    plan = plan_additions(config, candidates, [f"line {e.line}" for e in document.entries])
    appended = None
    if plan.added:
        try:
            appended = append_feeds(path, plan.added, dry_run=args.dry_run, before=config)
        except FeedsFileError as exc:
            return _fail(str(exc))
    added = appended.added if appended else ()
    where = dict(zip(map(id, plan.added), plan.added_where, strict=True))
    left_out = [replace(r, where=where.get(id(r.feed), "")) for r in (appended.rejected if appended else ())]
    out = sys.stdout
    titled = f' ("{document.title}")' if document.title else ""
    print(f"{source}{titled}: {_count(len(document.entries), 'feed')}", file=out)
    if not document.entries:
        print("  no outline in it has an xmlUrl: nothing to import", file=out)
    verb = "would add" if args.dry_run else "added"
    for feed in added:
        topics = f"  [{', '.join(feed.topics)}]" if feed.topics else ""
        off = "  (disabled)" if not feed.enabled else ""
        print(f"  {verb:<9} {feed.name}  {feed.url}{topics}{off}", file=out)
    for item in (*plan.rejected, *left_out):
        kind = "skip" if item.duplicate else CANT
        print(f"  {kind:<9} {item.where} \"{item.feed.name}\": {item.reason}", file=out)
    for skip in document.skipped:
        print(f"  {CANT:<9} line {skip.line} \"{skip.label}\": {skip.reason}", file=out)
    for note in document.warnings:
        print(f"  note      {note}", file=out)
    unusable = len(plan.unusable) + len(left_out) + len(document.skipped)
    line = f"{verb} {_count(len(added), 'feed')} to {path}"
    if plan.duplicates:
        line += f"; {_count(len(plan.duplicates), 'duplicate')} skipped"
    if unusable:
        line += f"; {unusable} could not be used"
    if args.dry_run:
        line += " (dry run: nothing written)"
    print(line, file=out)
    return 0


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


# -- export ------------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from newstui.core.config import load_config
    from newstui.core.opml import write_opml
    from newstui.core.paths import resolve_config_path

    if getattr(args, "demo", False):
        from newstui.cli import open_services

        config = open_services(args, fill_demo=False, check_store=False).config
    else:
        config = load_config(resolve_config_path(getattr(args, "config", None)))
    text = write_opml(config.feeds, title=f"newstui feeds ({Path(config.path).name})")
    if not args.file or args.file == "-":
        sys.stdout.write(text)
        return 0
    target = Path(args.file).expanduser()
    try:
        _write_atomically(target, text.encode("utf-8"))
    except OSError as exc:
        return _fail(f"{args.file}: cannot write: {exc.strerror or exc}. Check the folder exists "
                     "and is writable.")
    print(f"exported {_count(len(config.feeds), 'feed')} to {args.file}")
    return 0


def _write_atomically(target: Path, data: bytes) -> None:
    import os
    import tempfile

    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


# -- add ---------------------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    from newstui.core.add_feed import address_of, check_url, existing_feed, inspect_url, new_feed
    from newstui.core.config import load_config
    from newstui.core.feeds_file import FeedsFileError, append_feeds, plan_additions
    from newstui.core.text import clean_text

    path = _config_path(args)
    if path is None:
        return 2
    config = load_config(path)
    url, note = address_of(args.url)
    if not url:
        return _fail(note)
    if note:
        print(note)
    name = clean_text(args.name or "")
    if args.name is not None and not name:
        return _fail('--name is empty; give the feed a name, e.g. --name "Example News".')
    same_name = next((f for f in config.feeds if f.name.casefold() == name.casefold()), None)
    if name and same_name is not None:
        return _fail(f'{path}: feed "{same_name.name}" already has the name {name!r}; '
                     "choose another with --name.")

    def refused(address: str) -> int | None:
        same = existing_feed(config, address)
        if same is None:
            return None
        return _fail(f'{address} is already in {path} as feed "{same.name}"; nothing added.')

    if (status := refused(url)) is not None:
        return status
    print(f"fetching {url} ...", flush=True)
    found = inspect_url(url, config.settings)
    if found.error:
        return _fail(found.error, 1)
    check = found.feed
    if check is None:
        print(f"{url} is a web page; feeds found for it:")
        for number, candidate in enumerate(found.candidates, start=1):
            print(f"  {number}. {_describe(candidate)}")
        chosen = _choose(len(found.candidates), args.yes)
        if chosen is None:
            return _fail("nothing added.", 1)
        candidate = found.candidates[chosen]
        if (status := refused(candidate.url)) is not None:
            return status
        check = candidate.check
        if check is None:
            check, error, _network = check_url(candidate.url, config.settings)
            if check is None:
                return _fail(error, 1)
    if (status := refused(check.url)) is not None:  # where a redirect led
        return status
    kind = f"{check.kind} feed" if check.kind else "feed"
    title = f' "{check.title}"' if check.title else " (no title)"
    print(f"{check.url}: {kind}{title}, {_count(check.items, 'item')}")
    for warning in check.warnings:
        print(f"  warning: {warning}")
    plan = plan_additions(config, [new_feed(config, check, name=name, topics=args.topics.split(","))],
                          web_only=False)
    if plan.rejected:
        return _fail(f"{path}: can't add {check.url}: {plan.rejected[0].reason}.")
    try:
        appended = append_feeds(path, plan.added, before=config)
    except FeedsFileError as exc:
        return _fail(str(exc))
    if appended.rejected:
        return _fail(f"{path}: can't add {check.url}: {appended.rejected[0].reason}")
    added = appended.added[0]
    shown_topics = f", topics: {', '.join(added.topics)}" if added.topics else ""
    print(f'added "{added.name}" to {path}{shown_topics}')
    return 0


def _describe(candidate) -> str:  # type: ignore[no-untyped-def]
    what = candidate.kind or "feed"
    title = f' "{candidate.title}"' if candidate.title else ""
    extra = f", {_count(candidate.check.items, 'item')}" if candidate.check is not None else ""
    via = " (found at a common path)" if candidate.source == "common path" else ""
    return f"{candidate.url}  ({what}{title}{extra}){via}"


def _choose(count: int, yes: bool) -> int | None:
    """The index of the feed to add: asked on a terminal, else the first (saying so)."""
    if yes or count == 1 or not sys.stdin.isatty():
        why = "--yes" if yes else "only one" if count == 1 else "not a terminal"
        print(f"taking 1 ({why}); to add another, run `newstui add` with its URL")
        return 0
    for _ in range(5):
        try:
            answer = input(f"which one? [1-{count}, Enter = 1, q = none] ").strip().lower()
        except EOFError:
            return None
        if answer in ("", "1"):
            return 0
        if answer in ("q", "quit", "n", "no"):
            return None
        if answer.isdigit() and 1 <= int(answer) <= count:
            return int(answer) - 1
        print(f"type a number from 1 to {count}, or q")
    return None
