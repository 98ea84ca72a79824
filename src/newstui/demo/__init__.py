"""The offline demo: four fictional news feeds and a feeds.toml that reads them from disk.

The feeds are sample text written for newstui (invented outlets, people and companies) in the
four shapes newstui must read:

==========================  ==================  ==========================================
file                        outlet              format
==========================  ==================  ==========================================
``harbour_gazette.xml``     Harbour Gazette     RSS 2.0, dc:creator, content:encoded
``pacific_wire.xml``        Pacific Wire        Atom 1.0, html content, category labels
``the_ledger.xml``          The Ledger          RSS 1.0 (RDF), dc:date, dc:subject
``circuit_and_cosmos.xml``  Circuit & Cosmos    RSS 2.0, e-mail authors, HTML description
==========================  ==================  ==========================================

Several events (the Sanriku earthquake, the Bank of Japan rate rise, the Kumamoto chip factory,
the comet flyby, the Lisbon climate summit, the Rotterdam port strike) are covered by two or three
outlets in different words, so "related stories" has something to find.

:func:`prepare_demo` copies the files into a directory with every date moved by one offset, so the
newest article is about 20 minutes old whenever the demo runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from importlib.resources import files
from pathlib import Path

__all__ = ["DEMO_FEEDS", "DEMO_TOPICS", "NEWEST_AGE", "DemoFeed", "prepare_demo"]

NEWEST_AGE = timedelta(minutes=20)
"""How old the newest demo article is right after :func:`prepare_demo`."""


@dataclass(frozen=True, slots=True)
class DemoFeed:
    name: str
    filename: str
    topics: tuple[str, ...]


DEMO_FEEDS: tuple[DemoFeed, ...] = (
    DemoFeed("Harbour Gazette", "harbour_gazette.xml", ("world",)),
    DemoFeed("Pacific Wire", "pacific_wire.xml", ("asia",)),
    DemoFeed("The Ledger", "the_ledger.xml", ("business",)),
    DemoFeed("Circuit & Cosmos", "circuit_and_cosmos.xml", ("technology", "science")),
)

DEMO_TOPICS: dict[str, tuple[str, ...]] = {
    "japan": ("Japan", "Japanese", "Tokyo", "Kyoto", "Osaka", "Okinawa", "Sanriku", "yen"),
    "climate": ("climate", "methane", "emissions", "glacier", "solar", "flood"),
    "chips": ("semiconductor", "chip", "chips", "wafer", "fab"),
    "space": ("comet", "spacecraft", "probe", "exoplanet", "telescope", "satellite"),
    "markets": ("shares", "futures", "bonds", "yen", "crude", "freight rates"),
    "security": ("ransomware", "vulnerability", "patch", "attackers"),
}

DEMO_ALIASES: dict[str, tuple[str, ...]] = {  # feed categories that mean one of the topics
    "climate": ("Environment",),
}

# Dates in the feed files: RFC 822 in RSS 2.0, RFC 3339 in Atom and in Dublin Core (RSS 1.0).
_RFC822 = re.compile(r"<(pubDate|lastBuildDate)>\s*([^<]+?)\s*</\1>")
_RFC3339 = re.compile(r"<(published|updated|dc:date)>\s*([^<]+?)\s*</\1>")


def _parse_rfc822(text: str) -> datetime:
    return parsedate_to_datetime(text)


def _format_rfc822(original: str, when: datetime) -> str:
    return format_datetime(when, usegmt=original.rstrip().endswith("GMT"))


def _parse_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))


def _format_rfc3339(original: str, when: datetime) -> str:
    text = when.isoformat(timespec="seconds")
    if original.rstrip().upper().endswith("Z"):
        text = text.removesuffix("+00:00") + "Z"
    return text


_FORMATS: tuple[
    tuple[re.Pattern[str], Callable[[str], datetime], Callable[[str, datetime], str]], ...
] = (
    (_RFC822, _parse_rfc822, _format_rfc822),
    (_RFC3339, _parse_rfc3339, _format_rfc3339),
)


def _dates(text: str) -> list[datetime]:
    return [parse(m.group(2)) for pattern, parse, _ in _FORMATS for m in pattern.finditer(text)]


def _shifter(
    parse: Callable[[str], datetime],
    render: Callable[[str, datetime], str],
    offset: timedelta,
) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        tag, value = match.group(1), match.group(2)
        return f"<{tag}>{render(value, parse(value) + offset)}</{tag}>"

    return replace


def _shift(text: str, offset: timedelta) -> str:
    for pattern, parse, render in _FORMATS:
        text = pattern.sub(_shifter(parse, render, offset), text)
    return text


def _source_texts() -> dict[str, str]:
    package = files(__name__)
    return {f.filename: package.joinpath(f.filename).read_text("utf-8") for f in DEMO_FEEDS}


def _toml_string(value: str) -> str:
    # A JSON string without non-ASCII escapes is a valid TOML basic string.
    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_toml_string(v) for v in values) + "]"


def _config_text(directory: Path) -> str:
    lines = [
        "# newstui demo configuration, written by `newstui --demo`.",
        "# The feeds are fictional sample files copied next to this file; nothing is downloaded.",
        "# Reference for every key: docs/feeds-toml.md",
        "",
        "[settings]",
        "refresh_minutes = 0",
        "mark_read_on_open = true",
        "# The outlets are invented: their pages do not exist, so the reader does not fetch them.",
        'full_text = "never"',
        "",
    ]
    for name, keywords in DEMO_TOPICS.items():
        lines += [f"[topics.{name}]", f"keywords = {_toml_list(keywords)}"]
        lines += [f"aliases = {_toml_list(DEMO_ALIASES[name])}"] if name in DEMO_ALIASES else []
        lines += [""]
    lines += [
        "# Hidden articles: the topic list's last row shows them, and which rule hid each.",
        "[mute]",
        'keywords = ["horoscope", "celebrity"]',
        "",
        "# A saved view: listed under Starred in the topic list.",
        "[views.morning]",
        'topics = ["asia", "security"]',
        "unread = true",
        "",
    ]
    for feed in DEMO_FEEDS:
        lines += [
            "[[feed]]",
            f"name = {_toml_string(feed.name)}",
            f"url = {_toml_string((directory / feed.filename).as_uri())}",
            f"topics = {_toml_list(feed.topics)}",
            "",
        ]
    return "\n".join(lines)


def prepare_demo(directory: Path, now: datetime | None = None) -> Path:
    """Write the demo feeds and their feeds.toml into ``directory``; return the feeds.toml path.

    Every date in every file moves by the same offset, chosen so that the newest article is
    :data:`NEWEST_AGE` before ``now`` (default: the current time; a naive ``now`` is taken as UTC).
    The output depends only on ``directory`` and ``now``.
    """
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    directory = Path(directory).expanduser().resolve()
    directory.mkdir(parents=True, exist_ok=True)

    texts = _source_texts()
    newest = max(d for text in texts.values() for d in _dates(text))
    offset = (now - NEWEST_AGE) - newest
    offset = timedelta(seconds=int(offset.total_seconds()))  # whole seconds keep formats simple

    for filename, text in texts.items():
        (directory / filename).write_text(_shift(text, offset), encoding="utf-8")
    config = directory / "feeds.toml"
    config.write_text(_config_text(directory), encoding="utf-8")
    return config
