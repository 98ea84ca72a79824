"""The values of a feeds.toml checked one at a time: settings, feed URLs, and how to describe them.

These checks do not know where a value sits in the file. They raise :class:`Invalid` with the
"what is wrong — what to do" part of a message; :mod:`newstui.core.config` puts the file, line,
table and key in front of it to make the :class:`~newstui.core.config.ConfigError` a person sees.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from newstui.core.models import FULL_TEXT_MODES, Settings

SETTINGS_KEYS = tuple(f.name for f in fields(Settings))


def normalise_topic(name: str) -> str:
    """Topic names compare by this form: stripped, lowercased, inner whitespace collapsed."""
    return " ".join(name.split()).lower()


class Invalid(Exception):
    """A value that cannot be used; ``str()`` says what is wrong and how to fix it."""


@dataclass(frozen=True, slots=True)
class _SettingRule:
    kind: str  # "int", "number", "bool", "str", "choice", "topics" (a list of topic names)
    minimum: float | None  # inclusive lower bound
    exclusive: bool  # minimum is exclusive (> instead of ≥)
    meaning: str
    example: str
    maximum: float | None = None  # inclusive upper bound: beyond it times and sizes overflow


# Upper bounds shared by [settings] and [[feed]]: a year between refreshes, a century of keeping.
MAX_MINUTES = 366 * 24 * 60
MAX_DAYS = 36_500
MAX_ARTICLES = 1_000_000

_SETTING_RULES: dict[str, _SettingRule] = {
    "refresh_minutes": _SettingRule(
        "int", 0, False, "minutes between automatic refreshes of a feed, 0 = none while open",
        "refresh_minutes = 30", maximum=MAX_MINUTES,
    ),
    "max_articles_per_feed": _SettingRule(
        "int", 1, False, "articles kept per feed", "max_articles_per_feed = 500",
        maximum=MAX_ARTICLES,
    ),
    "max_age_days": _SettingRule(
        "int", 0, False, "days an article is kept after it was published (starred ones always); 0 = forever",
        "max_age_days = 365", maximum=MAX_DAYS,
    ),
    "timeout_seconds": _SettingRule(
        "number", 0, True, "seconds before a download gives up", "timeout_seconds = 20",
        maximum=3600,
    ),
    "max_feed_bytes": _SettingRule(
        "int", 0, True, "largest feed download accepted, in bytes", "max_feed_bytes = 10_000_000",
        maximum=1_000_000_000,
    ),
    "concurrency": _SettingRule(
        "int", 1, False, "feeds downloaded at the same time", "concurrency = 8", maximum=256
    ),
    "host_concurrency": _SettingRule(
        "int", 1, False, "feeds downloaded at the same time from one host (be polite)",
        "host_concurrency = 2", maximum=64,
    ),
    "mark_read_on_open": _SettingRule(
        "bool", None, False, "mark an article read when it is opened", "mark_read_on_open = true"
    ),
    "group_stories": _SettingRule(
        "bool", None, False, "fold the articles of one story into one headline row (c toggles)",
        "group_stories = true"
    ),
    "browser": _SettingRule(
        "str",
        None,
        False,
        'command that opens links; "" = system default',
        'browser = "firefox"',
    ),
    "full_text": _SettingRule(
        "choice",
        None,
        False,
        'when to fetch an article\'s page for its whole text: "auto" (when the feed sends a teaser), "always" or "never"',
        'full_text = "auto"',
    ),
    "theme": _SettingRule(
        "choice",
        None,
        False,
        'the colour theme of the reader; "" = the last one chosen in the reader (Ctrl+P: Theme)',
        'theme = "nord"',
    ),
    "notify_command": _SettingRule(
        "str",
        None,
        False,
        "command run when a background refresh brings new articles (their count and titles are "
        'added as arguments; no shell); "" = none',
        'notify_command = "notify-send newstui"',
    ),
    "watch_topics": _SettingRule(
        "topics",
        None,
        False,
        "the topics whose new articles a background refresh announces (a notification and "
        "notify_command); [] = every new article",
        'watch_topics = ["asia", "security"]',
    ),
}
# Textual's built-in themes (core does not import Textual: a UI test checks this list against it).
THEMES = (
    "ansi-dark", "ansi-light", "atom-one-dark", "atom-one-light", "catppuccin-frappe", "catppuccin-latte",
    "catppuccin-macchiato", "catppuccin-mocha", "dracula", "flexoki", "gruvbox", "monokai", "nord",
    "rose-pine", "rose-pine-dawn", "rose-pine-moon", "solarized-dark", "solarized-light", "textual-dark",
    "textual-light", "tokyo-night",
)
_CHOICES = {"full_text": FULL_TEXT_MODES, "theme": ("", *THEMES)}
assert set(_SETTING_RULES) == set(SETTINGS_KEYS), "keep _SETTING_RULES in step with Settings"

_HOST_LIKE = re.compile(r"^(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?$")


def describe(value: object) -> str:
    """How a found value is shown in a message: its TOML-ish text and its type."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int):
        return f"{value} (an integer)"
    if isinstance(value, float):
        return f"{value} (a number with a fraction)"
    if isinstance(value, str):
        shown = visible(value if len(value) <= 60 else value[:57] + "...")
        if not value:
            return '"" (an empty string)'
        return f'"{shown}" (a string)' if value.strip() else f'"{shown}" (a blank string)'
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a table"
    return f"{value!r} (a {type(value).__name__})"


def visible(text: str) -> str:
    """``text`` with control, format and separator characters written as escapes (\\x1b,
    \\u202e), so a message about them shows them instead of obeying them."""
    return "".join(
        ch if ch == " " or unicodedata.category(ch)[0] not in "CZ"
        else ch.encode("unicode_escape").decode()
        for ch in text
    )


def bad_character(text: str) -> str:
    """Words for the first control, format (bidi, zero-width) or line-breaking character in
    ``text``, or "" if it has none: feeds.toml holds plain one-line text only."""
    for index, ch in enumerate(text, 1):
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch != "\u200d":
            named = {"\n": "a line break", "\t": "a tab"}.get(ch, "a control character")
            name = unicodedata.name(ch, "") or named
            return f"{name.lower()} (U+{ord(ch):04X}) at character {index}"
    return ""


def suggest(key: str, valid: Iterable[str]) -> str:
    """The end of an "unknown key" message: the closest valid key, and all of them."""
    import difflib  # only needed on the error path

    valid = list(valid)
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if not close:
        close = [v for v in valid if v.lower() == key.lower()]
    if close:
        return f" — did you mean '{close[0]}'? Valid keys: {', '.join(valid)}."
    return f" — remove it, or use one of the valid keys: {', '.join(valid)}."


def setting_value(key: str, value: Any) -> Any:
    """The value of ``[settings]`` key ``key`` (a known one), checked and normalised."""
    rule = _SETTING_RULES[key]
    if rule.kind == "bool":
        if not isinstance(value, bool):
            raise Invalid(
                f"'{key}' ({rule.meaning}) must be true or false, found {describe(value)}. "
                f"Write e.g. {rule.example} (no quotes)."
            )
        return value
    if rule.kind == "choice":
        return choice_value(key, value, _CHOICES[key], rule.meaning, rule.example)
    if rule.kind == "topics":
        return topic_names(key, value, rule.meaning, rule.example)
    if rule.kind == "str":
        if not isinstance(value, str):
            raise Invalid(
                f"'{key}' ({rule.meaning}) must be a string, found {describe(value)}. "
                f"Write e.g. {rule.example}."
            )
        return value.strip()
    bound = ""
    if rule.minimum is not None:
        minimum = int(rule.minimum)
        bound = f" > {minimum}" if rule.exclusive else f" ≥ {minimum}"
    expected = ("a whole number" if rule.kind == "int" else "a number") + bound
    problem = f"'{key}' ({rule.meaning}) must be {expected}, found {describe(value)}."
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not is_number or (rule.kind == "int" and not isinstance(value, int)):
        raise Invalid(f"{problem} Write e.g. {rule.example} (no quotes).")
    if (isinstance(value, float) and not math.isfinite(value)) or (rule.minimum is not None and (
        value <= rule.minimum if rule.exclusive else value < rule.minimum
    )):
        raise Invalid(f"{problem} Write e.g. {rule.example}.")
    if rule.maximum is not None and value > rule.maximum:
        raise Invalid(f"'{key}' ({rule.meaning}) must be at most {rule.maximum:,}, found "
                      f"{describe(value)}. Write e.g. {rule.example}.")
    return float(value) if rule.kind == "number" else value


def topic_names(key: str, value: Any, meaning: str, example: str) -> tuple[str, ...]:
    """A list of topic names, compared as topics are (case and inner spaces folded), no repeats."""
    if isinstance(value, str):
        hint = f'{key} = ["{value.strip()}"]' if value.strip() else example
        raise Invalid(f"'{key}' ({meaning}) must be a list of topic names, found {describe(value)}. "
                      f"Write e.g. {hint}.")
    if not isinstance(value, list):
        raise Invalid(f"'{key}' ({meaning}) must be a list of topic names, found {describe(value)}. "
                      f"Write e.g. {example}.")
    names: dict[str, None] = {}
    for number, item in enumerate(value, start=1):
        name = normalise_topic(item) if isinstance(item, str) else ""
        if not name:
            raise Invalid(f"'{key}' item #{number} must be a non-empty topic name in quotes, found "
                          f"{describe(item)}. Write e.g. {example}.")
        names.setdefault(name, None)
    return tuple(names)


def choice_value(key: str, value: Any, choices: tuple[str, ...], meaning: str, example: str) -> str:
    """One of ``choices`` (case-insensitive), or :class:`Invalid` naming them."""
    if isinstance(value, str) and value.strip().lower() in choices:
        return value.strip().lower()
    names = ", ".join(f'"{c}"' for c in choices)
    raise Invalid(f"'{key}' ({meaning}) must be one of {names}, found {describe(value)}. Write e.g. {example}.")


def feed_url(raw: Any, base: Path) -> str:
    """A feed's ``url``: an http(s) or file URL as written, or a local path made absolute
    (relative paths are relative to ``base``, the config file's directory)."""
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(
            f"'url' must be a non-empty string, found {describe(raw)}. Write e.g. "
            'url = "https://example.com/feed.xml" or url = "feeds/local.xml".'
        )
    url = raw.strip()
    is_drive_path = re.match(r"^[A-Za-z]:[\\/]", url) is not None
    if is_drive_path or ("://" not in url and ":" not in url.split("/")[0]):
        # A plain path (including Windows drive paths): relative ones are relative to the
        # config file's directory, not to wherever newstui was started from.
        local = Path(url).expanduser()
        if not local.is_absolute():
            first = url.replace("\\", "/").split("/")[0]
            looks_like_host = _HOST_LIKE.match(first) and (
                first.lower().startswith("www.") or "/" in url
            )
            if looks_like_host and not (base / first).exists():
                raise Invalid(
                    f"'url' {url!r} has no scheme, so it would be read as a file next to "
                    f'the config. If it is a web address, write url = "https://{url}".'
                )
            local = base / local
        return os.path.normpath(local)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.netloc:
            raise Invalid(
                f"'url' {url!r} has no host name. Write the full address, e.g. "
                f"{scheme}://example.com/feed.xml."
            )
        return url
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise Invalid(
                f"'url' {url!r}: a file:// URL must be absolute (file:///home/me/feed.xml; "
                "note the three slashes). For a path relative to this config file, drop "
                'file:// and write the path alone, e.g. url = "feeds/local.xml".'
            )
        return url
    found = f"'{scheme}:'" if scheme else repr(url)
    extra = ""
    if "://" not in url and re.match(r"^[A-Za-z0-9.-]+:\d+", url):
        extra = f" Did you mean http://{url}?"
    raise Invalid(
        f"unsupported url scheme {found} in {url!r}. Use an http:// or https:// address, "
        f"a file:// URL or a filesystem path.{extra}"
    )


def url_key(url: str) -> str:
    """A comparison key so that trivially different spellings of one address count as the same."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return parts._replace(scheme=scheme, netloc=parts.netloc.lower()).geturl()
    if scheme == "file":
        path = unquote(parts.path)
        if re.match(r"^/[A-Za-z]:", path):  # file:///C:/feeds/x.xml on Windows
            path = path[1:]
        return os.path.normpath(path)
    return url
