"""The rule tables of feeds.toml: ``[topics.NAME]``, ``[mute]`` and ``[views.NAME]`` (used by
:mod:`newstui.core.config`, whose checker gives each error its file, line and place)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from newstui.core.config_values import describe, suggest
from newstui.core.models import Feed, MuteRules, TopicRule, View

TOPIC_KEYS = ("keywords", "regex", "exclude", "feeds", "aliases")
MUTE_KEYS = ("keywords", "regex", "feeds")
VIEW_KEYS = ("topics", "feeds", "unread", "starred", "search", "days")
MAX_VIEW_DAYS = 3650


class _Errors(Protocol):
    def error(self, path: tuple[Any, ...], where: str, message: str) -> Exception: ...


def strings(checker: _Errors, value: Any, path: tuple[Any, ...], where: str, key: str,
             example: str) -> list[str]:
    """A list of non-empty strings (spaces inside folded), without repeats (ignoring case)."""
    if not isinstance(value, list):
        raise checker.error(path, where, f"'{key}' must be a list of strings, found {describe(value)}. "
                                         f"Write e.g. {key} = {example}.")
    out: list[str] = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise checker.error(path, where, f"'{key}' item #{number} must be a non-empty string, found "
                                             f"{describe(item)}. Remove it or write it in quotes.")
        item = " ".join(item.split())
        if item.lower() not in (o.lower() for o in out):
            out.append(item)
    return out


def _regexes(checker: _Errors, value: Any, path: tuple[Any, ...], where: str) -> list[str]:
    patterns = []
    for number, pattern in enumerate(strings(checker, value, path, where, "regex", '["\\\\bG7\\\\b"]'), 1):
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as problem:
            at = f" at position {problem.pos}" if problem.pos is not None else ""
            raise checker.error(path, where, f"'regex' item #{number} {pattern!r} is not a valid regular "
                                             f"expression: {problem.msg}{at}. Fix it, or use 'keywords' for "
                                             "plain words.") from None
        if compiled.search("") is not None:
            raise checker.error(path, where, f"'regex' item #{number} {pattern!r} matches an empty text, so "
                                             "it would match every article. Make it require at least one "
                                             "character, e.g. \\bword\\b.")
        patterns.append(pattern)
    return patterns


def _table(checker: _Errors, value: Any, path: tuple[Any, ...], where: str, keys: tuple[str, ...],
           hint: str, what: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise checker.error(path, where, f"expected a table{what}, found {describe(value)}. {hint}")
    for key in value:
        if key not in keys:
            raise checker.error((*path, key), where, f"unknown key '{key}'{suggest(key, keys)}")
    return value


def check_topics(checker: _Errors, table: Any, normalise: Callable[[str], str]) -> tuple[TopicRule, ...]:
    """``[topics.NAME]`` tables; two tables whose names normalise alike merge."""
    if not isinstance(table, dict):
        raise checker.error(("topics",), "topics", f"expected a table of topic tables, found {describe(table)}. "
                            'Write one [topics.NAME] block per topic with keywords = ["...", ...] under it.')
    merged: dict[str, dict[str, list[str]]] = {}
    for raw_name, rule in table.items():
        where, path = f"[topics.{raw_name}]", ("topics", raw_name)
        name = normalise(raw_name)
        if not name:
            raise checker.error(path, "[topics]", f"topic name {describe(raw_name)} is empty. Give the topic a "
                                                  "name, e.g. [topics.climate].")
        rule = _table(checker, rule, path, where, TOPIC_KEYS,
                      f'Write [topics.{raw_name}] and on the next line keywords = ["...", ...].',
                      " with a 'keywords' key")
        bucket = merged.setdefault(name, {k: [] for k in TOPIC_KEYS})
        for key in ("keywords", "exclude", "feeds", "aliases"):
            if key in rule:
                items = strings(checker, rule[key], (*path, key), where, key, '["Japan", "Tokyo"]')
                if key == "aliases":
                    for alias in items:
                        if not normalise(alias):
                            raise checker.error((*path, key), where, f"alias {alias!r} is empty once "
                                                                    "normalised. Remove it.")
                bucket[key] += [i for i in items if i.lower() not in (b.lower() for b in bucket[key])]
        if "regex" in rule:
            bucket["regex"] += [p for p in _regexes(checker, rule["regex"], (*path, "regex"), where)
                                if p not in bucket["regex"]]
    return tuple(TopicRule(name=n, **{k: tuple(v) for k, v in b.items()}) for n, b in merged.items())


def check_mute(checker: _Errors, table: Any) -> MuteRules:
    where, path = "[mute]", ("mute",)
    table = _table(checker, table, path, where, MUTE_KEYS,
                   'Write a [mute] header with e.g. keywords = ["horoscope"] under it.')
    words = strings(checker, table.get("keywords", []), (*path, "keywords"), where, "keywords", '["horoscope"]')
    feeds = strings(checker, table.get("feeds", []), (*path, "feeds"), where, "feeds", '["Daily Gossip"]')
    regex = _regexes(checker, table.get("regex", []), (*path, "regex"), where)
    return MuteRules(keywords=tuple(words), regex=tuple(regex), feeds=tuple(feeds))


def check_views(checker: _Errors, table: Any, normalise: Callable[[str], str]) -> tuple[View, ...]:
    if not isinstance(table, dict):
        raise checker.error(("views",), "views", f"expected a table of view tables, found {describe(table)}. "
                            'Write one [views.NAME] block per view, e.g. [views.morning] with topics = ["asia"].')
    views = []
    for raw_name, entry in table.items():
        where, path = f"[views.{raw_name}]", ("views", raw_name)
        name = " ".join(str(raw_name).split())
        if not name:
            raise checker.error(path, "[views]", "a view needs a name, e.g. [views.morning].")
        entry = _table(checker, entry, path, where, VIEW_KEYS,
                       f'Write [views.{raw_name}] and under it e.g. topics = ["asia"] and unread = true.')
        topics = [normalise(t) for t in strings(checker, entry.get("topics", []), (*path, "topics"), where,
                                                 "topics", '["asia", "security"]')]
        feeds = strings(checker, entry.get("feeds", []), (*path, "feeds"), where, "feeds", '["BBC World"]')
        flags = {}
        for key in ("unread", "starred"):
            value = entry.get(key, False)
            if not isinstance(value, bool):
                raise checker.error((*path, key), where, f"'{key}' must be true or false, found {describe(value)}.")
            flags[key] = value
        search = entry.get("search", "")
        if not isinstance(search, str):
            raise checker.error((*path, "search"), where, f"'search' must be a string, found {describe(search)}. "
                                                          'Write e.g. search = "election -poll".')
        problem = _query_problem(search)
        if problem:
            raise checker.error((*path, "search"), where, f"'search' {search!r}: {problem}")
        days = entry.get("days", 0)
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_VIEW_DAYS:
            raise checker.error((*path, "days"), where, f"'days' must be a whole number of days, 0 to "
                                                        f"{MAX_VIEW_DAYS}, found {describe(days)} (0: any time).")
        views.append(View(name=name, topics=tuple(dict.fromkeys(topics)), feeds=tuple(feeds),
                          search=" ".join(search.split()), days=days, **flags))
    return tuple(views)


def _query_problem(text: str) -> str:
    """Why a saved search would not parse ("" when it does)."""
    if not text.strip():
        return ""
    from newstui.core.search import QueryError, parse_query  # noqa: PLC0415

    try:
        parse_query(text)
    except QueryError as problem:
        return str(problem)
    return ""


def check_feed_names(checker: _Errors, feeds: Iterable[Feed], topics: tuple[TopicRule, ...],
                     mute: MuteRules, views: tuple[View, ...]) -> None:
    """Every feed a rule or view names is a ``[[feed]]`` of the file."""
    known = {f.name.casefold(): f.name for f in feeds}
    uses: list[tuple[tuple[Any, ...], str, str]] = []
    for rule in topics:
        uses += [(("topics", rule.name, "feeds"), f"[topics.{rule.name}]", f) for f in rule.feeds]
    uses += [(("mute", "feeds"), "[mute]", f) for f in mute.feeds]
    for view in views:
        uses += [(("views", view.name, "feeds"), f"[views.{view.name}]", f) for f in view.feeds]
    for path, where, name in uses:
        if name.casefold() not in known:
            close = difflib.get_close_matches(name, list(known.values()), n=1, cutoff=0.6)
            hint = f" — did you mean {close[0]!r}?" if close else "."
            raise checker.error(path, where, f"'feeds' names {name!r}, which is not the name of any [[feed]]"
                                             f"{hint} Use a feed's name as written in its block.")
