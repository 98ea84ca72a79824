"""Adding feeds to feeds.toml without disturbing what the user wrote there.

New ``[[feed]]`` blocks are appended at the end of the file, each value written by tomlkit (so
names and URLs are quoted and escaped as TOML wants): everything already in the file — comments,
blank lines, key order, the user's own alignment — stays byte for byte, and its newline style (LF
or CRLF) and byte-order mark are kept. (Inserting through a whole tomlkit document instead moves
``[[feed]]`` blocks that other tables split apart and drops blank lines between tables.) A file
whose feeds are one inline array (``feed = [{...}]``), where a ``[[feed]]`` header would be an
error, is edited through tomlkit's document instead.

Nothing is half-applied: the new text is written to a temporary file beside the real one, loaded
with :func:`newstui.core.config.load_config` (the same checks as at start-up), and only then moved
over the original in one ``os.replace`` (a symlinked feeds.toml stays a link: its target is
replaced; the file's permissions are kept). If the file changed on disk since it was read, nothing
is written.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path

from newstui.core.config import ConfigError, load_config
from newstui.core.config_values import Invalid, feed_url, url_key
from newstui.core.models import Config, Feed

__all__ = [
    "Appended",
    "FeedsFileError",
    "Planned",
    "Rejected",
    "append_feeds",
    "extra_keys",
    "feed_block",
    "list_feeds",
    "plan_additions",
    "unique_name",
]


class FeedsFileError(Exception):
    """feeds.toml could not be changed; ``str()`` is the message for the user (names the file)."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A feed that was not added, and why (``duplicate`` tells a repeat from an unusable one)."""

    feed: Feed
    reason: str
    duplicate: bool = False
    where: str = ""  # where the candidate came from, e.g. "line 12"


@dataclass(frozen=True, slots=True)
class Planned:
    """What adding ``candidates`` to a config would do: the feeds to add, in order, and the rest."""

    added: tuple[Feed, ...]
    rejected: tuple[Rejected, ...]
    added_where: tuple[str, ...] = ()  # the ``where`` of each added feed

    @property
    def duplicates(self) -> tuple[Rejected, ...]:
        return tuple(r for r in self.rejected if r.duplicate)

    @property
    def unusable(self) -> tuple[Rejected, ...]:
        return tuple(r for r in self.rejected if not r.duplicate)


def list_feeds(path: str | Path) -> tuple[Feed, ...]:
    """The feeds of the feeds.toml at ``path`` (:class:`ConfigError` when it cannot be used)."""
    return load_config(path).feeds


def unique_name(name: str, taken: Iterable[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... : the first not in ``taken`` (ignoring case)."""
    used = {t.casefold() for t in taken}
    if name.casefold() not in used:
        return name
    number = 2
    while f"{name} ({number})".casefold() in used:
        number += 1
    return f"{name} ({number})"


def plan_additions(
    config: Config, candidates: Sequence[Feed], where: Sequence[str] | None = None,
    *, web_only: bool = True,
) -> Planned:
    """Which of ``candidates`` can be added to ``config``, compared the way config.py compares.

    A candidate is a duplicate when its URL (after :func:`url_key`) or its name (ignoring case)
    is already in the file, or earlier in ``candidates``. Its URL must be one feeds.toml accepts;
    with ``web_only`` only http(s) and ``file://`` URLs are (not paths, nor newsboat's
    ``|command`` and ``exec:`` sources). ``where`` labels each candidate in the rejections.
    """
    base = Path(config.path).parent
    names = {f.name.casefold(): f for f in config.feeds}
    urls = {url_key(f.url): f for f in config.feeds}
    added: list[Feed] = []
    added_where: list[str] = []
    rejected: list[Rejected] = []
    for index, feed in enumerate(candidates):
        label = where[index] if where else ""
        scheme = feed.url.split(":", 1)[0].lower() if ":" in feed.url else ""
        if web_only and scheme not in ("http", "https", "file"):
            rejected.append(Rejected(feed, (
                f"unsupported address {feed.url[:80]!r}: only http(s) and file:// feeds can be "
                "imported"), where=label))
            continue
        try:
            url = feed_url(feed.url, base)
        except Invalid as problem:
            rejected.append(Rejected(feed, str(problem), where=label))
            continue
        if not feed.name.strip():
            rejected.append(Rejected(feed, "it has no name", where=label))
            continue
        same_url = urls.get(url_key(url))
        if same_url is not None:
            rejected.append(Rejected(feed, f'same URL as feed "{same_url.name}"', True, label))
            continue
        same_name = names.get(feed.name.casefold())
        if same_name is not None:
            rejected.append(Rejected(feed, (
                f'feed "{same_name.name}" ({same_name.url}) already has this name; to keep both, '
                f"run `newstui add {feed.url} --name NEW-NAME`"), True, label))
            continue
        feed = replace(feed, url=url)
        names[feed.name.casefold()] = feed
        urls[url_key(url)] = feed
        added.append(feed)
        added_where.append(label)
    return Planned(tuple(added), tuple(rejected), tuple(added_where))


def feed_block(feed: Feed) -> dict[str, object]:
    """The keys of ``feed``'s ``[[feed]]`` block: name, url and topics, then every other key whose
    value is not the default (``enabled = false``, ``refresh_minutes = 0``, ...)."""
    block: dict[str, object] = {"name": feed.name, "url": feed.url}
    if feed.topics:
        block["topics"] = list(feed.topics)
    for key, default in extra_keys().items():
        value = getattr(feed, key)
        if value != default:
            block[key] = list(value) if isinstance(value, tuple) else value
    return block


def extra_keys() -> dict[str, object]:
    """The per-feed keys beyond name, url and topics, with their defaults (from :class:`Feed`)."""
    found: dict[str, object] = {}
    for item in fields(Feed):
        if item.name in ("name", "url", "topics"):
            continue
        found[item.name] = item.default_factory() if item.default is MISSING else item.default  # type: ignore[misc]
    return found


def render_blocks(feeds: Sequence[Feed]) -> tuple[str, list[int]]:
    """``[[feed]]`` blocks for ``feeds``, each after a blank line, and the line (0-based, in the
    text) of each block's header. tomlkit writes every value, as it would in a whole document."""
    import tomlkit

    lines: list[str] = []
    starts: list[int] = []
    for feed in feeds:
        lines.append("")
        starts.append(len(lines))
        lines.append("[[feed]]")
        lines += [f"{key} = {tomlkit.item(value).as_string()}" for key, value in feed_block(feed).items()]
    return "\n".join(lines) + "\n", starts


@dataclass(frozen=True, slots=True)
class Appended:
    """The file as it reads after :func:`append_feeds`, the feeds added, and those it had to leave
    out because feeds.toml would not accept them (a value out of range, a hidden character...)."""

    config: Config
    added: tuple[Feed, ...]
    rejected: tuple[Rejected, ...] = ()


MAX_LEFT_OUT = 50  # feeds a single change may leave out before it gives up


def append_feeds(
    path: str | Path, feeds: Sequence[Feed], *, dry_run: bool = False, before: Config | None = None
) -> Appended:
    """Add ``feeds`` (already planned: see :func:`plan_additions`) to the feeds.toml at ``path``.

    The new file is checked by :func:`load_config`; a new feed it rejects is left out (listed in
    :attr:`Appended.rejected` with the reason) and the rest tried again. Raises
    :class:`ConfigError` if the file cannot be used as it is, :class:`FeedsFileError` if the change
    could not be made (nothing is written then). With ``dry_run`` everything is checked but the
    file is left alone. ``before`` is the config as already loaded from ``path``, if at hand.
    """
    shown = str(path)
    real = Path(os.path.realpath(Path(path).expanduser()))  # a symlinked feeds.toml stays a link
    before = before or load_config(path)
    raw = _read(real, shown)
    text = raw.decode("utf-8-sig")
    remaining = list(feeds)
    left_out: list[Rejected] = []
    while remaining:
        new_text, first_line = _with_feeds(text, remaining, shown)
        if raw.startswith(b"\xef\xbb\xbf"):
            new_text = "\ufeff" + new_text
        outcome = _write_checked(real, shown, raw, new_text, dry_run)
        if isinstance(outcome, Config):
            if len(outcome.feeds) != len(before.feeds) + len(remaining):  # never expected: a guard
                raise FeedsFileError(f"{shown}: the change did not add the feeds as planned; nothing written")
            return Appended(outcome, tuple(remaining), tuple(left_out))
        index = _culprit(outcome, remaining, first_line)
        if index is None or len(left_out) >= MAX_LEFT_OUT:
            raise FeedsFileError(
                f"{shown}: the new feeds would make the file invalid, so nothing was written: {outcome}"
            )
        reason = re.sub(r'^feed #\d+ (?:"[^"]*"|\(url [^)]*\))?:\s*', "", _without_place(outcome))
        left_out.append(Rejected(remaining.pop(index), reason))
    return Appended(before, (), tuple(left_out))


def _culprit(error: ConfigError, feeds: Sequence[Feed], first_line: int | None) -> int | None:
    """Which of the new ``feeds`` (blocks from ``first_line`` on) the error is about, if any."""
    if error.line is None or first_line is None or error.line < first_line:
        return None
    line = first_line
    for index, feed in enumerate(feeds):
        end = line + 1 + len(feed_block(feed))  # header, keys, blank line
        if error.line <= end:
            return index
        line = end + 1
    return None


def _without_place(error: ConfigError) -> str:
    """The message without its leading ``path:LINE:`` (or ``path:LINE:COLUMN:``)."""
    text = str(error)
    prefix = f"{error.path}:{error.line}:" if error.line else f"{error.path}:"
    if text.startswith(prefix):
        text = re.sub(r"^\d+:", "", text[len(prefix):]).lstrip()
    return text


def _read(real: Path, shown: str) -> bytes:
    try:
        return real.read_bytes()
    except OSError as exc:
        raise FeedsFileError(f"{shown}: cannot read: {exc.strerror or exc}") from None


def _with_feeds(text: str, feeds: Sequence[Feed], shown: str) -> tuple[str, int | None]:
    """The text with ``feeds`` added, and the line (1-based) of the first new ``[[feed]]`` header
    (None when the feeds went into an inline array instead)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import AoT, Array

    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise FeedsFileError(f"{shown}: tomlkit cannot read this file ({exc}); add the feeds by hand") from None
    existing = document.get("feed")
    if isinstance(existing, Array) and not isinstance(existing, AoT):
        # feed = [{...}, ...]: one inline table more per feed (a [[feed]] header would be an error)
        for feed in feeds:
            row = tomlkit.inline_table()
            row.update(feed_block(feed))
            existing.append(row)
        return tomlkit.dumps(document), None
    newline = "\r\n" if "\r\n" in text else "\n"
    blocks, starts = render_blocks(feeds)
    if text and not text.endswith("\n"):
        text += newline
    skip = 0
    if not text.strip():
        text, skip = "", 1
    elif text.endswith("\n\n") or text.endswith("\r\n\r\n"):
        skip = 1
    blocks = blocks[skip:]  # the blank line before the first block, when there is one already
    if newline == "\r\n":
        blocks = re.sub(r"(?<!\r)\n", "\r\n", blocks)
    return text + blocks, text.count("\n") + starts[0] - skip + 1


def _write_checked(
    real: Path, shown: str, raw: bytes, new_text: str, dry_run: bool
) -> Config | ConfigError:
    """Write ``new_text`` to a temporary file beside ``real`` and load it as a config: the
    :class:`ConfigError` if it does not load (the path in it is ``shown``); else move it over
    ``real`` (unless ``dry_run``) and return the config."""
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise FeedsFileError(
            f"{shown}: cannot write next to it in {real.parent}: {exc.strerror or exc}"
        ) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(new_text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        try:
            after = load_config(temp)
        except ConfigError as exc:
            return ConfigError(str(exc).replace(str(temp), shown), path=shown, line=exc.line)
        after = replace(after, path=str(real))
        if dry_run:
            return after
        if real.read_bytes() != raw:
            raise FeedsFileError(
                f"{shown}: the file changed on disk while the feeds were being added; nothing was "
                "written. Run the command again."
            )
        try:
            os.chmod(temp, real.stat().st_mode & 0o7777)
        except OSError:
            pass
        os.replace(temp, real)
        return after
    except OSError as exc:
        raise FeedsFileError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)
