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


# -- [keys] ----------------------------------------------------------------------------------------

# Every binding id of the reader (core does not import the UI: tests/ui/test_reader_habits.py checks
# that this is exactly the set of ids the UI's bindings carry).
BINDING_IDS = (
    "quit", "refresh", "toggle_unread", "hide_read", "toggle_read", "toggle_star", "toggle_stories",
    "toggle_story", "back", "open_link", "full_text", *(f"open_link_{n}" for n in range(10)), "search",
    "clear_search", "feed_health", "add_feed", "help", "next_unread", "previous_unread", "mark_all_read",
    "undo_mark_all_read", "copy_link", "share_link", "toggle_related", "wide_article", "zen",
    "headlines.down", "headlines.up", "headlines.top", "headlines.bottom", "headlines.page_down",
    "headlines.page_up", "headlines.open", "headlines.unfold", "headlines.fold",
    "topics.down", "topics.up", "topics.top", "topics.bottom", "topics.choose",
    "article.down", "article.up", "article.top", "article.bottom", "article.page_down", "article.page_up",
    "related.down", "related.up",
    "feed_health.down", "feed_health.up", "feed_health.first", "feed_health.last", "feed_health.retry",
    "feed_health.sort", "feed_health.failing", "feed_health.close", "help.close",
)
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = (
    "escape", "enter", "tab", "backspace", "delete", "insert", "up", "down", "left", "right", "home",
    "end", "pageup", "pagedown", "space", *(f"f{n}" for n in range(1, 25)),
    "slash", "backslash", "at", "minus", "plus", "underscore",
)


def key_problem(key: str) -> str:
    """Why ``key`` (one key, as Textual names it: "x", "R", "ctrl+r", "question_mark", "f5") is
    not a key ("" when it is one)."""
    import unicodedata  # noqa: PLC0415

    if not key:
        return "an empty key (two commas in a row, or a comma at an end?)"
    if len(key) == 1:
        return "" if key.isprintable() and not key.isspace() else f"{key!r} is not a key you can type"
    *mods, name = key.split("+")
    bad = [m for m in mods if m not in MODIFIERS]
    if bad or not name:
        return (f"{key!r}: {bad[0]!r} is not a modifier (use {', '.join(MODIFIERS)})" if bad
                else f"{key!r} has no key after its '+'")
    if len(name) == 1 or name in NAMED_KEYS:
        return ""
    try:
        unicodedata.lookup(name.replace("_", " "))  # question_mark, exclamation_mark, full_stop...
    except KeyError:
        close = difflib.get_close_matches(name, NAMED_KEYS, n=1, cutoff=0.6)
        hint = f" — did you mean {close[0]!r}?" if close else ""
        return (f"{key!r} is not a key name{hint} Use one character (x, R, ?), a name such as "
                "space, enter, escape, tab, up, pagedown, f5 or question_mark, with ctrl+ / alt+ / shift+ before it")
    return ""


def check_keys(checker: _Errors, table: Any) -> tuple[tuple[str, str], ...]:
    """``[keys]``: binding id = "key" or "key,key" (or a list of keys), checked; in file order."""
    if not isinstance(table, dict):
        raise checker.error(("keys",), "keys", f"expected a table, found {describe(table)}. Write a [keys] "
                                               'header with one binding = "key" per line, e.g. toggle_read = "x".')
    out = []
    for binding, value in table.items():
        path = ("keys", binding)
        if binding not in BINDING_IDS:
            raise checker.error(path, "[keys]", f"unknown binding '{binding}'{suggest(binding, BINDING_IDS)}")
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            raise checker.error(path, "[keys]", f"'{binding}' must be a key or keys separated by commas, "
                                                f"found {describe(value)}. Write e.g. {binding} = \"x\" or "
                                                f'{binding} = "ctrl+r,R".')
        keys = [k.strip() for k in value.split(",")]  # a comma itself is written "comma"
        for key in keys:
            problem = key_problem(key)
            if problem:
                raise checker.error(path, "[keys]", f"'{binding}': {problem}.")
        out.append((binding, ",".join(keys)))
    return tuple(out)
