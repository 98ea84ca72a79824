"""Feed health: one row per feed in feeds.toml, from its stored status and its stored articles.

The reader's feed screen (``F``) and ``newstui feeds`` both show these rows, so what counts as
failing, what the problem is in words and how rows sort is decided here, once.

States, worst first: ``failing`` (the last fetch failed), ``waiting`` (it failed and the server
asked us not to ask again before ``retry_at``), ``never`` (not refreshed yet, or not since its URL
changed in feeds.toml), ``ok``, ``off`` (disabled in feeds.toml).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newstui.core.dates import age
from newstui.core.models import Config, Feed, FeedStatus
from newstui.core.text import clean_text

STATES = ("failing", "waiting", "never", "ok", "off")
# Every key sorts the worst first (the row that most needs a look); ties go by feed name.
SORT_KEYS = ("name", "state", "last_success", "failures", "articles", "newest", "time")
SORT_LABELS = {
    "name": "name",
    "state": "state (failing first)",
    "last_success": "last success (oldest first)",
    "failures": "failures (most first)",
    "articles": "articles (fewest first)",
    "newest": "newest article (oldest first)",
    "time": "fetch + parse time (slowest first)",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """Everything known about one feed's refreshes, with its text already cleaned for display.

    The status figures are those of the last refresh at the feed's current URL (empty when there
    was none); ``last_success`` survives a URL change, as it does in the refresh.
    """

    feed: Feed  # as feeds.toml has it (the key of the row; what a retry fetches)
    name: str
    url: str
    enabled: bool
    state: str
    problem: str  # in words, one line; "" when there is nothing to look at
    summary: str  # FeedStatus.summary, or "never refreshed"
    topics: tuple[str, ...] = ()
    refreshed: bool = False  # a status for the current URL exists
    ok: bool | None = None
    checked_at: datetime | None = None
    http_status: int | None = None
    error: str = ""
    failures: int = 0
    last_success: datetime | None = None
    fetch_url: str = ""
    moved_to: str = ""
    redirected_to: str = ""
    retry_at: datetime | None = None
    next_due: datetime | None = None
    warnings: tuple[str, ...] = ()
    fetch_seconds: float = 0.0
    parse_seconds: float = 0.0
    not_modified: bool = False
    unchanged: bool = False
    new_articles: int = 0
    title: str = ""
    entries: int = 0
    articles: int = 0  # stored now
    newest: datetime | None = None  # the newest stored article's publication time

    @property
    def failing(self) -> bool:
        return self.state in ("failing", "waiting")

    @property
    def seconds(self) -> float:
        """Time the last refresh took: download plus parse."""
        return self.fetch_seconds + self.parse_seconds

    @property
    def error_words(self) -> str:
        """What went wrong in the last fetch ("" if it worked): the error, else its HTTP status."""
        if self.ok is not False:
            return ""
        return self.error or (f"HTTP {self.http_status}" if self.http_status else "failed")

    @property
    def redirect(self) -> str:
        """``moved`` (permanent: feeds.toml wants the new URL), ``redirected`` (temporary) or ""."""
        return "moved" if self.moved_to else "redirected" if self.redirected_to else ""


def feed_health(
    config: Config,
    statuses: Mapping[str, FeedStatus],
    stats: Mapping[str, tuple[int, datetime | None]],
    now: datetime,
) -> list[FeedHealth]:
    """One row per feed of ``config``, in config order (see :func:`sort_health`)."""
    return [
        row_for(feed, statuses.get(feed.name), stats.get(feed.name, (0, None)), now)
        for feed in config.feeds
    ]


def row_for(
    feed: Feed, status: FeedStatus | None, stats: tuple[int, datetime | None], now: datetime
) -> FeedHealth:
    """The health of one feed (also used to update a single row when its refresh result arrives)."""
    articles, newest = stats
    # A status is for the URL it was fetched from: after the user edits feeds.toml the refresh
    # starts that feed afresh (failures, Retry-After, redirects), so the health does too.
    url_changed = status is not None and status.url != feed.url
    current = None if url_changed else status
    common: dict[str, Any] = {
        "feed": feed,
        "name": clean_text(feed.name),
        "url": clean_text(feed.url),
        "enabled": feed.enabled,
        "topics": feed.topics,
        "articles": articles,
        "newest": newest,
        "last_success": status.last_success if status is not None else None,
    }
    if current is None:
        if not feed.enabled:
            state, problem = "off", "disabled in feeds.toml"
        elif url_changed:
            state, problem = "never", "not refreshed since its URL changed in feeds.toml"
        else:
            state, problem = "never", "never refreshed"
        return FeedHealth(state=state, problem=problem, summary="never refreshed", **common)
    warnings = tuple(clean_text(w) for w in current.warnings)
    moved_to = clean_text(current.moved_to)
    waiting = not current.ok and current.retry_at is not None and current.retry_at > now
    if not feed.enabled:
        state, problem = "off", "disabled in feeds.toml"
    elif waiting:
        assert current.retry_at is not None
        state = "waiting"
        until = _moment(current.retry_at, now)
        problem = f"{_error_words(current)}; the server asked us to wait until {until}"
    elif not current.ok:
        state, problem = "failing", _error_words(current)
    else:
        state = "ok"
        if moved_to:
            problem = f"moved permanently to {moved_to}: put the new URL in feeds.toml"
        elif warnings:
            more = f" (+{len(warnings) - 1} more)" if len(warnings) > 1 else ""
            problem = f"warning: {warnings[0]}{more}"
        else:
            problem = ""
    return FeedHealth(
        state=state,
        problem=problem,
        summary=clean_text(current.summary),
        refreshed=True,
        ok=current.ok,
        checked_at=current.checked_at,
        http_status=current.http_status,
        error=clean_text(current.error),
        failures=current.failures,
        fetch_url=clean_text(current.fetch_url),
        moved_to=moved_to,
        redirected_to=clean_text(current.redirected_to),
        retry_at=current.retry_at,
        next_due=current.next_due,
        warnings=warnings,
        fetch_seconds=current.fetch_seconds,
        parse_seconds=current.parse_seconds,
        not_modified=current.not_modified,
        unchanged=current.unchanged,
        new_articles=current.new_articles,
        title=clean_text(current.title),
        entries=current.entries,
        **common,
    )


def _error_words(status: FeedStatus) -> str:
    """The error of a failed fetch (its count of failures in a row is a figure of its own)."""
    return clean_text(status.error) or (f"HTTP {status.http_status}" if status.http_status else "failed")


def _moment(when: datetime, now: datetime) -> str:
    """``14:05 UTC`` within a day of ``now``, else ``2026-11-30 14:05 UTC``."""
    when = when.astimezone(UTC)
    if abs((when - now).total_seconds()) < 86400:
        return f"{when:%H:%M} UTC"
    return f"{when:%Y-%m-%d %H:%M} UTC"


# -- order -------------------------------------------------------------------------------------


def _worst_first(row: FeedHealth, key: str) -> tuple[Any, ...]:
    if key == "state":
        return (STATES.index(row.state),)
    if key == "last_success":  # never succeeded is the oldest of all
        return (row.last_success or _EPOCH,)
    if key == "failures":
        return (-row.failures,)
    if key == "articles":
        return (row.articles,)
    if key == "newest":
        return (row.newest or _EPOCH,)
    if key == "time":
        return (-row.seconds,)
    return ()


def sort_health(rows: Iterable[FeedHealth], key: str) -> list[FeedHealth]:
    """``rows`` ordered by ``key`` (one of :data:`SORT_KEYS`), worst first, then by name.

    Rows that tie on both keep their order, so the result never depends on anything else.
    """
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}; choose one of {', '.join(SORT_KEYS)}")
    return sorted(rows, key=lambda row: (*_worst_first(row, key), row.name.casefold(), row.name))


def next_sort_key(key: str) -> str:
    """The key after ``key`` in :data:`SORT_KEYS`, wrapping round."""
    return SORT_KEYS[(SORT_KEYS.index(key) + 1) % len(SORT_KEYS)]


# -- the columns both front ends show ---------------------------------------------------------

# (key, heading); the UI and the CLI show these, in this order.
COLUMNS = (
    ("state", "state"),
    ("name", "feed"),
    ("last_success", "last ok"),
    ("http", "HTTP"),
    ("failures", "fails"),
    ("error", "error"),
    ("redirect", "redirect"),
    ("warnings", "warn"),
    ("articles", "articles"),
    ("newest", "newest"),
    ("time", "time"),
)


def seconds_text(seconds: float) -> str:
    return f"{seconds:.2f}s" if seconds < 10 else f"{seconds:.0f}s"


def cells(row: FeedHealth, now: datetime) -> dict[str, str]:
    """The text of each of :data:`COLUMNS` for ``row`` (ages relative to ``now``)."""
    return {
        "state": row.state,
        "name": row.name,
        "last_success": age(row.last_success, now) if row.last_success else "never",
        "http": str(row.http_status) if row.http_status is not None else "",
        "failures": str(row.failures) if row.failures else "",
        "error": row.error_words,
        "redirect": row.redirect,
        "warnings": str(len(row.warnings)) if row.warnings else "",
        "articles": str(row.articles),
        "newest": age(row.newest, now) if row.newest else "",
        "time": seconds_text(row.seconds) if row.refreshed else "",
    }


def health_json(row: FeedHealth) -> dict[str, Any]:
    """Every field, datetimes as ISO 8601 in UTC; the first keys are those ``newstui feeds --json``
    always printed (``status`` is the one-line summary)."""

    def iso(value: datetime | None) -> str | None:
        return value.astimezone(UTC).isoformat() if value is not None else None

    return {
        "feed": row.name,
        "url": row.url,
        "enabled": row.enabled,
        "ok": row.ok,
        "status": row.summary,
        "http_status": row.http_status,
        "error": row.error,
        "checked_at": iso(row.checked_at),
        "last_success": iso(row.last_success),
        "new_articles": row.new_articles,
        "state": row.state,
        "failing": row.failing,
        "problem": row.problem,
        "topics": list(row.topics),
        "failures": row.failures,
        "fetch_url": row.fetch_url,
        "moved_to": row.moved_to,
        "redirected_to": row.redirected_to,
        "retry_at": iso(row.retry_at),
        "next_due": iso(row.next_due),
        "warnings": list(row.warnings),
        "fetch_seconds": round(row.fetch_seconds, 4),
        "parse_seconds": round(row.parse_seconds, 4),
        "not_modified": row.not_modified,
        "unchanged": row.unchanged,
        "title": row.title,
        "entries": row.entries,
        "articles": row.articles,
        "newest": iso(row.newest),
    }


def health_table(rows: Sequence[FeedHealth], now: datetime, width: int = 100) -> list[str]:
    """The rows as aligned plain-text lines, none wider than ``width`` (``newstui feeds``).

    The reader's columns, except that the error is replaced by the problem in words, last; a
    problem too long for the rest of the line goes on the next one, under the feed's name (cut
    with "…" if it is longer still). Columns empty for every row are left out; the headings come
    first.
    """
    keys = [key for key, _ in COLUMNS if key != "error"]
    headings = {key: heading.upper() for key, heading in COLUMNS}
    values = []
    for row in rows:
        row_cells = cells(row, now)
        row_cells["name"] = _cut(row_cells["name"], NAME_WIDTH)
        values.append(row_cells)
    keys = [k for k in keys if k in ("state", "name") or any(v[k] for v in values)]
    widths = {k: max([len(headings[k])] + [len(v[k]) for v in values]) for k in keys}

    def line(parts: dict[str, str]) -> str:
        text = ""
        for n, k in enumerate(keys):
            if n:  # right-aligned neighbours are told apart by one space; every other gap is two
                text += " " if k not in _LEFT and keys[n - 1] not in _LEFT else "  "
            text += parts[k].ljust(widths[k]) if k in _LEFT else parts[k].rjust(widths[k])
        return text

    heading = line(headings) + ("  PROBLEM" if any(row.problem for row in rows) else "")
    lines = [_cut(heading.rstrip(), width)]
    indent = " " * (widths["state"] + 2)
    for parts, row in zip(values, rows, strict=True):
        text = line(parts)
        if row.problem and len(text) + 2 + len(row.problem) <= width:
            lines.append(f"{text}  {row.problem}")
            continue
        lines.append(_cut(text.rstrip(), width))
        if row.problem:  # too long to follow the figures: on a line of its own, under the name
            lines.append(_cut(indent + row.problem, width))
    return lines


NAME_WIDTH = 24  # feed names are cut to this in tables (the details show them whole)
_LEFT = ("state", "name", "redirect")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
