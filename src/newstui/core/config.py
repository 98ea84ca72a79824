"""feeds.toml → :class:`~newstui.core.models.Config`, with errors a person can act on.

The file has three kinds of top-level entries (see ``docs/feeds-toml.md``)::

    [settings]            # optional; every key has a default (models.Settings)
    [topics.NAME]         # optional; keywords = ["...", ...]
    [[feed]]              # repeated; name, url, topics, enabled, refresh_minutes, max_articles, max_age_days, full_text

Every problem raises :class:`ConfigError`. Its ``str()`` is the whole message for the user, in the
form ``path:LINE: where: what is wrong — what to do``: it names the file, the line (when the
problem can be located), the feed (number and name) or table, the key, what was expected and what
was found, and how to fix it. Only the first problem is reported, always the same one for the same
file (control characters anywhere, then top-level keys, then ``[settings]``, then ``[topics.*]``,
then the feeds in order). Nothing is applied unless the whole file is valid.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from newstui.core.config_lines import index_lines
from newstui.core.config_values import (
    MAX_ARTICLES,
    MAX_DAYS,
    MAX_MINUTES,
    SETTINGS_KEYS,
    Invalid,
    bad_character,
    choice_value,
    describe,
    feed_url,
    normalise_topic,
    setting_value,
    suggest,
    url_key,
    visible,
)
from newstui.core import config_rules as rules
from newstui.core.models import FULL_TEXT_MODES, Config, Feed, Settings

__all__ = ["ConfigError", "load_config", "normalise_topic"]

DOCS_HINT = "see docs/feeds-toml.md"

TOP_LEVEL_KEYS = ("settings", "topics", "feed", "mute", "views", "keys")
FEED_KEYS = ("name", "url", "topics", "enabled", "refresh_minutes", "max_articles", "max_age_days",
             "full_text", "categories", "exclude_topics")


class ConfigError(Exception):
    """A feeds.toml that cannot be used. ``str(error)`` is the complete user-facing message."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- public API


def load_config(path: str | Path) -> Config:
    """Read and validate the feeds.toml at ``path``. Raises :class:`ConfigError` on any problem."""
    shown = str(path)
    file = Path(path).expanduser()
    text = _read_text(file, shown)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, shown) from None
    checker = _Checker(shown, file, text)
    return checker.check(data)


# --------------------------------------------------------------------------- reading


def _read_text(file: Path, shown: str) -> str:
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{shown}: config file not found. Check the path for typos, or create the file "
            f"(a commented example is bundled as newstui/default_feeds.toml; {DOCS_HINT}).",
            path=shown,
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            f"{shown}: is a directory, not a config file. Give the path of a feeds.toml file "
            f"(for example {os.path.join(shown, 'feeds.toml')}).",
            path=shown,
        ) from None
    except PermissionError:
        raise ConfigError(
            f"{shown}: cannot read config file: permission denied. Make it readable "
            f"(e.g. chmod u+r {shown}) or use another file.",
            path=shown,
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(
            f"{shown}: cannot read config file: {reason}. Check that the path is a readable file.",
            path=shown,
        ) from None
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark, as some editors write
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"{shown}:{line}:{column}: file is not valid UTF-8 (found byte "
            f"0x{raw[exc.start]:02x}). Save the file with UTF-8 encoding.",
            path=shown,
            line=line,
        ) from None


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, shown: str) -> ConfigError:
    message = str(exc)
    lines = text.splitlines()
    hint = (
        'Hint: strings need double quotes ("..."), lists look like ["a", "b"], each key '
        "appears once per table, and feeds are written as [[feed]] blocks; " + DOCS_HINT + "."
    )
    match = _TOML_POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        detail = message[: match.start()].rstrip(".")
        source = ""
        if 1 <= line <= len(lines):
            code = lines[line - 1].replace("\t", " ")
            source = f"\n    {code}\n    {' ' * max(column - 1, 0)}^"
        return ConfigError(
            f"{shown}:{line}:{column}: invalid TOML: {detail}.{source}\n{hint}",
            path=shown,
            line=line,
        )
    end = _TOML_AT_END.search(message)
    detail = (message[: end.start()] if end else message).rstrip(".")
    line = max(len(lines), 1)
    where = " at end of file (an unclosed bracket or quote?)" if end else ""
    return ConfigError(
        f"{shown}:{line}: invalid TOML{where}: {detail}.\n{hint}", path=shown, line=line
    )


# --------------------------------------------------------------------------- validation


class _Checker:
    """Checks the parsed file table by table; :meth:`error` puts the file, line and place in
    front of what is wrong."""

    def __init__(self, shown: str, file: Path, text: str) -> None:
        self.shown = shown
        self.file = Path(os.path.abspath(file))
        self.base = self.file.parent
        self.lines = index_lines(text)

    # -- helpers

    def line_of(self, *path: Any) -> int | None:
        for i in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:i]))
            if line is not None:
                return line
        return None

    def error(self, path: tuple[Any, ...], where: str, message: str) -> ConfigError:
        line = self.line_of(*path)
        location = f"{self.shown}:{line}" if line else self.shown
        return ConfigError(f"{location}: {where}: {message}", path=self.shown, line=line)

    # -- whole file

    def check(self, data: dict[str, Any]) -> Config:
        self.check_characters(data, ())
        for key in data:
            if key not in TOP_LEVEL_KEYS:
                raise self.error(
                    (key,),
                    "top level",
                    f"unknown table or key '{key}'{suggest(key, TOP_LEVEL_KEYS)} "
                    "Write [settings], [topics.NAME], [mute], [views.NAME], [keys] or [[feed]] blocks.",
                )
        settings = self.check_settings(data.get("settings", {}))
        topics = rules.check_topics(self, data.get("topics", {}), normalise_topic)
        mute = rules.check_mute(self, data.get("mute", {}))
        views = rules.check_views(self, data.get("views", {}), normalise_topic)
        feeds = self.check_feeds(data.get("feed", []))
        rules.check_feed_names(self, feeds, topics, mute, views)
        keys = rules.check_keys(self, data.get("keys", {}))
        return Config(
            path=str(self.file),
            settings=settings,
            feeds=feeds,
            topics=topics,
            mute=mute,
            views=views,
            keys=keys,
        )

    def check_characters(self, value: Any, path: tuple[Any, ...]) -> None:
        """No control, bidi or zero-width character in any key or string: names and topics are
        shown on screen, URLs are fetched, and such characters hide text or drive the terminal."""
        if isinstance(value, dict):
            for key, item in value.items():
                self.plain_text(key, (*path, key), is_key=True)
                self.check_characters(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.check_characters(item, (*path, index))
        elif isinstance(value, str):
            self.plain_text(value, path)

    def plain_text(self, text: str, path: tuple[Any, ...], *, is_key: bool = False) -> None:
        bad = bad_character(text)
        if not bad:
            return
        names = [p for p in path if isinstance(p, str)]
        if is_key:
            what = f"the key '{visible(text)}'"
        elif isinstance(path[-1], int) and names:
            what = f"'{names[-1]}' item #{path[-1] + 1} ({describe(text)})"
        else:
            what = f"'{names[-1] if names else path[-1]}' ({describe(text)})"
        if path[:1] == ("settings",):
            where = "[settings]"
        elif path[:1] == ("topics",) and len(path) > 2:
            where = f"[topics.{visible(str(path[1]))}]"
        elif path[:1] == ("feed",) and len(path) > 2 and isinstance(path[1], int):
            where = f"feed #{path[1] + 1}"
        else:
            where = "top level"
        raise self.error(
            path, where,
            f"{what} contains {bad}. Remove it: feeds.toml holds plain one-line text, and such "
            "characters are invisible, reorder what is shown, or send commands to the terminal.",
        )

    # -- [settings]

    def check_settings(self, table: Any) -> Settings:
        if not isinstance(table, dict):
            raise self.error(
                ("settings",),
                "settings",
                f"expected a table, found {describe(table)}. Write a [settings] header with "
                "one key = value per line under it.",
            )
        values: dict[str, Any] = {}
        for key, value in table.items():
            where = "[settings]"
            if key not in SETTINGS_KEYS:
                raise self.error(
                    ("settings", key),
                    where,
                    f"unknown key '{key}'{suggest(key, SETTINGS_KEYS)}",
                )
            values[key] = self.check_setting(key, value)
        return Settings(**values)

    def check_setting(self, key: str, value: Any) -> Any:
        try:
            return setting_value(key, value)
        except Invalid as problem:
            raise self.error(("settings", key), "[settings]", str(problem)) from None

    # -- [[feed]]

    def check_feeds(self, feeds: Any) -> tuple[Feed, ...]:
        if not isinstance(feeds, list):
            raise self.error(
                ("feed",),
                "feed",
                f"expected an array of tables, found {describe(feeds)}. Write each feed as "
                "its own [[feed]] block (double brackets).",
            )
        result: list[Feed] = []
        names: dict[str, int] = {}
        urls: dict[str, int] = {}
        for index, entry in enumerate(feeds):
            feed = self.check_feed(index, entry)
            label = f'feed #{index + 1} "{feed.name}"'
            first = names.get(feed.name.casefold())
            if first is not None:
                raise self.error(
                    ("feed", index, "name"),
                    label,
                    f'duplicate name: feed #{first + 1} "{result[first].name}" (line '
                    f"{self.line_of('feed', first)}) already has this name (names are compared "
                    "ignoring case). Give each feed a different name, or delete one of the two "
                    "blocks.",
                )
            same_url = urls.get(url_key(feed.url))
            if same_url is not None:
                other = feeds[same_url].get("name", "")
                raise self.error(
                    ("feed", index, "url"),
                    label,
                    f'duplicate url: feed #{same_url + 1} "{other}" (line '
                    f"{self.line_of('feed', same_url)}) already reads {result[same_url].url}. "
                    "Delete one of the two blocks, or merge their topics into one.",
                )
            names[feed.name.casefold()] = index
            urls[url_key(feed.url)] = index
            result.append(feed)
        return tuple(result)

    def check_feed(self, index: int, entry: Any) -> Feed:
        number = index + 1
        path: tuple[Any, ...] = ("feed", index)
        if not isinstance(entry, dict):
            raise self.error(
                path,
                f"feed #{number}",
                f"expected a table, found {describe(entry)}. Write each feed as a [[feed]] "
                "block with name = ... and url = ... under it.",
            )
        raw_name = entry.get("name")
        name = raw_name.strip() if isinstance(raw_name, str) else ""
        if name:
            label = f'feed #{number} "{name}"'
        elif isinstance(entry.get("url"), str):
            label = f"feed #{number} (url {entry['url']})"
        else:
            label = f"feed #{number}"
        for key in entry:
            if key not in FEED_KEYS:
                raise self.error(
                    (*path, key), label, f"unknown key '{key}'{suggest(key, FEED_KEYS)}"
                )
        # name
        if "name" not in entry:
            raise self.error(
                path,
                label,
                "missing required key 'name'. Add a line such as name = \"My Feed\" to this "
                "[[feed]] block.",
            )
        if not isinstance(raw_name, str) or not name:
            raise self.error(
                (*path, "name"),
                label,
                f"'name' must be a non-empty string, found {describe(raw_name)}. Write e.g. "
                'name = "BBC World".',
            )
        # url
        if "url" not in entry:
            raise self.error(
                path,
                label,
                "missing required key 'url'. Add a line such as "
                'url = "https://example.com/feed.xml" to this [[feed]] block.',
            )
        url = self.check_url(path, label, entry["url"])
        # topics
        topics: list[str] = []
        raw_topics = entry.get("topics", [])
        tpath = (*path, "topics")
        if not isinstance(raw_topics, list):
            hint = (
                f'topics = ["{raw_topics.strip()}"]'
                if isinstance(raw_topics, str) and raw_topics.strip()
                else 'topics = ["world", "asia"]'
            )
            raise self.error(
                tpath,
                label,
                f"'topics' must be a list of strings, found {describe(raw_topics)}. "
                f"Write e.g. {hint}.",
            )
        for item_number, topic in enumerate(raw_topics, start=1):
            normal = normalise_topic(topic) if isinstance(topic, str) else ""
            if not normal:
                raise self.error(
                    tpath,
                    label,
                    f"'topics' item #{item_number} must be a non-empty string, found "
                    f'{describe(topic)}. Write topic names in quotes, e.g. topics = ["world"].',
                )
            if normal not in topics:
                topics.append(normal)
        # enabled
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            raise self.error(
                (*path, "enabled"),
                label,
                f"'enabled' must be true or false, found {describe(enabled)}. "
                "Write enabled = false (no quotes) to skip this feed, or delete the line.",
            )
        # refresh_minutes
        minutes = entry.get("refresh_minutes")
        if minutes is not None and (
            isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= MAX_MINUTES
        ):
            raise self.error(
                (*path, "refresh_minutes"),
                label,
                f"'refresh_minutes' must be a whole number of minutes, 0 to {MAX_MINUTES:,} (a year), found "
                f"{describe(minutes)}. Write e.g. refresh_minutes = 120 to refresh this feed every "
                "two hours (0 = only when you press r), or delete the line to use [settings].",
            )
        keep = self.whole_number(entry, path, label, "max_articles", 1,
                                 "max_articles = 200 to keep this feed's newest 200 articles", MAX_ARTICLES)
        days = self.whole_number(entry, path, label, "max_age_days", 0,
                                 "max_age_days = 30 to drop its articles a month after they were published (0 = never)",
                                 MAX_DAYS)
        full_text = entry.get("full_text")
        if full_text is not None:
            try:
                full_text = choice_value("full_text", full_text, FULL_TEXT_MODES,
                                         "when to fetch this feed's pages for their whole text",
                                         'full_text = "always", or delete the line to use [settings]')
            except Invalid as problem:
                raise self.error((*path, "full_text"), label, str(problem)) from None
        categories = entry.get("categories", True)
        if not isinstance(categories, bool):
            raise self.error((*path, "categories"), label,
                             f"'categories' must be true or false, found {describe(categories)}. Write "
                             "categories = false to ignore this feed's own categories as topics.")
        excluded = tuple(normalise_topic(t) for t in rules.strings(
            self, entry.get("exclude_topics", []), (*path, "exclude_topics"), label, "exclude_topics", '["sport"]'))
        return Feed(
            name=name, url=url, topics=tuple(topics), enabled=enabled, refresh_minutes=minutes,
            max_articles=keep, max_age_days=days, full_text=full_text, categories=categories,
            exclude_topics=excluded,
        )

    def whole_number(self, entry: dict[str, Any], path: tuple[Any, ...], label: str, key: str,
                     minimum: int, example: str, maximum: int) -> int | None:
        """An optional per-feed whole number from ``minimum`` to ``maximum``."""
        value = entry.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum
        ):
            raise self.error(
                (*path, key),
                label,
                f"'{key}' must be a whole number, {minimum} to {maximum:,}, found {describe(value)}. "
                f"Write e.g. {example}, or delete the line to use [settings].",
            )
        return value

    def check_url(self, path: tuple[Any, ...], label: str, raw: Any) -> str:
        try:
            return feed_url(raw, self.base)
        except Invalid as problem:
            raise self.error((*path, "url"), label, str(problem)) from None
