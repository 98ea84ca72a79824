"""``F``: the health of every feed — a table to sort and filter, the highlighted feed in full below,
and ``r`` to fetch one feed again.

The rows come from :func:`newstui.core.health.feed_health` (``newstui feeds`` prints the same).
The reader tells this screen about refresh results (:meth:`FeedHealthScreen.show_status` per feed,
:meth:`FeedHealthScreen.reload` when a refresh is over); a row updates in place as its result
arrives and the order is applied again when the refresh finishes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from newstui.core.dates import age, long_date
from newstui.core.health import (
    COLUMNS,
    NAME_WIDTH,
    SORT_LABELS,
    FeedHealth,
    cells,
    feed_health,
    next_sort_key,
    row_for,
    seconds_text,
    sort_health,
)
from newstui.core.models import Config, Feed, FeedStatus
from newstui.core.store import Store
from newstui.ui.widgets.keybar import KeyBar

STATE_STYLES = {"failing": "bold red", "waiting": "yellow", "never": "dim", "ok": "green", "off": "dim"}
CHECKING = "checking…"
ERROR_MIN_WIDTH = 16
ALWAYS = ("state", "name", "last_success", "articles")  # shown even when empty for every feed
RIGHT = {"http", "failures", "warnings", "articles", "newest", "time", "last_success"}


class FeedTable(DataTable):
    """The feeds, one row each; j/k and g/G move as in the other panes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="feed_health.down"),
        Binding("k", "cursor_up", "Up", show=False, id="feed_health.up"),
        Binding("g", "scroll_top", "First", show=False, id="feed_health.first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="feed_health.last"),
    ]


class FeedHealthScreen(Screen[None]):
    # Here rather than in app.tcss: the layout of this screen's own parts only.
    DEFAULT_CSS = """
    FeedHealthScreen { layout: vertical; }
    FeedHealthScreen #feed-table { height: 1fr; min-height: 6; border: round $accent; }
    FeedHealthScreen #feed-details {
        height: auto; max-height: 45%; min-height: 4; border: round $panel; padding: 0 1;
    }
    FeedHealthScreen #feed-details:focus { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", tooltip="fetch the highlighted feed again now (also Enter)",
                id="feed_health.retry"),
        Binding("s", "cycle_sort", "Sort", id="feed_health.sort",
                tooltip="sort by the next column (state, last success, failures, ...)"),
        Binding("f", "toggle_failing", "Failing only", tooltip="only the failing feeds on/off",
                id="feed_health.failing"),
        Binding("escape,q", "close", "Close", tooltip="back to the reader", id="feed_health.close"),
    ]

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        clock: Callable[[], datetime],
        retry: Callable[[Feed], bool],
        sort_key: str = "state",
    ) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.sort_key = sort_key
        self.failing_only = False
        self._clock = clock
        self._retry = retry
        self._rows: dict[str, FeedHealth] = {}  # by feed name, as in feeds.toml
        self._stats: dict[str, tuple[int, datetime | None]] = {}
        self._checking: set[str] = set()
        self.shown: list[FeedHealth] = []  # the table's rows, in order
        self._keys: list[str] = []  # the table's columns

    def compose(self) -> ComposeResult:
        # state and name stay in view when ←/→ scroll a table wider than the screen
        yield FeedTable(id="feed-table", cursor_type="row", zebra_stripes=True, fixed_columns=2)
        with VerticalScroll(id="feed-details"):
            yield Static(id="feed-detail")
        yield KeyBar(id="feed-keys")

    def on_mount(self) -> None:
        self.reload()
        self.query_one(FeedTable).focus()
        self.call_after_refresh(self._show_keys)

    def _show_keys(self) -> None:
        keys: dict[str, list[str]] = {}  # description → its keys ("esc/q Close")
        for active in self.active_bindings.values():
            if active.node is self and active.binding.show:
                shown = keys.setdefault(active.binding.description, [])
                shown.append(self.app.get_key_display(active.binding))
        self.query_one(KeyBar).show([("/".join(dict.fromkeys(k)), d) for d, k in keys.items()], keep=("Close",))

    # -- data ------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read every status and article count again (on open, and when a refresh is over)."""
        statuses = self.store.feed_statuses()
        self._stats = self.store.feed_stats()
        self._rows = {
            row.feed.name: row for row in feed_health(self.config, statuses, self._stats, self._clock())
        }
        self._checking.clear()
        self._redraw()

    def show_status(self, status: FeedStatus) -> None:
        """One feed's refresh result: its row changes in place (the order waits for :meth:`reload`)."""
        feed = self.config.feed(status.feed)
        if feed is None:
            return
        row = row_for(feed, status, self._stats.get(feed.name, (0, None)), self._clock())
        self._rows[feed.name] = row
        self._checking.discard(feed.name)
        self._update_row(row)

    @property
    def current(self) -> FeedHealth | None:
        table = self.query_one(FeedTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    # -- drawing ---------------------------------------------------------------------------------

    def _redraw(self) -> None:
        """Sort, filter and fill the table, keeping the cursor on the same feed."""
        table = self.query_one(FeedTable)
        keep = self.current.feed.name if self.current else None
        rows = sort_health(self._rows.values(), self.sort_key)
        if self.failing_only:
            rows = [row for row in rows if row.failing]
        self.shown = rows
        now = self._clock()
        texts = [self._cells(row, now) for row in rows]
        # Columns with nothing in them (no redirects, no HTTP for local files, ...) are left out.
        self._keys = [key for key, _ in COLUMNS if key in ALWAYS or any(t[key].plain for t in texts)]
        table.clear(columns=True)
        for key, width in self._widths(texts).items():
            heading = dict(COLUMNS)[key]
            table.add_column(Text(heading, style="bold"), key=key, width=width)
        for row, row_cells in zip(rows, texts, strict=True):
            table.add_row(*(row_cells[key] for key in self._keys), key=row.feed.name)
        names = [row.feed.name for row in rows]
        if keep in names:
            table.move_cursor(row=names.index(keep), animate=False)
        self._show_titles()
        self._show_details()

    def _widths(self, texts: list[dict[str, Text]]) -> dict[str, int]:
        """Each shown column's width: its widest cell, names cut at NAME_WIDTH, and the error
        column given what the screen has left (at least ERROR_MIN_WIDTH; the details show it all)."""
        widths = {
            key: max([len(dict(COLUMNS)[key])] + [t[key].cell_len for t in texts]) for key in self._keys
        }
        if "name" in widths:
            widths["name"] = min(widths["name"], NAME_WIDTH)
        if "error" in widths:
            room = self.app.size.width - 4 - sum(w + 2 for k, w in widths.items() if k != "error") - 2
            widths["error"] = min(widths["error"], max(room, ERROR_MIN_WIDTH))
        return widths

    def on_resize(self) -> None:
        if self.is_mounted:
            self._redraw()  # the error column takes what is left of the width

    def _update_row(self, row: FeedHealth) -> None:
        table = self.query_one(FeedTable)
        names = [shown.feed.name for shown in self.shown]
        if row.feed.name not in names:
            return  # filtered out: it appears when the refresh is over
        index = names.index(row.feed.name)
        self.shown[index] = row
        texts = self._cells(row, self._clock())
        for key in self._keys:  # a figure in a column not shown yet appears when the refresh is over
            table.update_cell(row.feed.name, key, texts[key])
        self._show_titles()
        if index == table.cursor_row:
            self._show_details()

    def _cells(self, row: FeedHealth, now: datetime) -> dict[str, Text]:
        values = cells(row, now)
        if row.feed.name in self._checking:
            values["state"] = CHECKING
        styles = {
            "state": "italic" if values["state"] == CHECKING else STATE_STYLES.get(row.state, ""),
            "name": "bold",
            "error": "red",
            "redirect": "yellow" if row.moved_to else "",
            "warnings": "yellow",
        }
        return {
            key: Text(values[key], style=styles.get(key, ""), no_wrap=True, overflow="ellipsis",
                      justify="right" if key in RIGHT else "left")
            for key, _ in COLUMNS
        }

    def _show_titles(self) -> None:
        table = self.query_one(FeedTable)
        failing = sum(row.failing for row in self._rows.values())
        table.border_title = f"Feeds · {len(self._rows)} · {failing} failing"
        shown = "failing only" if self.failing_only else "all feeds"
        self.sub_title = f"sorted by {SORT_LABELS[self.sort_key]} · {shown}"
        table.border_subtitle = self.sub_title

    def _show_details(self) -> None:
        detail = self.query_one("#feed-detail", Static)
        row = self.current
        if row is None:
            if self.failing_only:
                detail.update(Text("No feed is failing. f shows every feed.", style="dim italic"))
            else:
                detail.update(Text("No feeds in feeds.toml.", style="dim italic"))
            return
        detail.update(self._details(row, self._clock()))

    def _details(self, row: FeedHealth, now: datetime) -> Group:
        head = Text()
        head.append(row.name, style="bold")
        head.append(" · ")
        state = CHECKING if row.feed.name in self._checking else row.state
        head.append(state, style=STATE_STYLES.get(row.state, ""))
        if row.problem:
            head.append(" · ")
            head.append(row.problem, style="red" if row.failing else "yellow")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()

        def line(label: str, *parts: str | tuple[str, str]) -> None:
            value = Text()
            for part in parts:
                value.append(*((part, "") if isinstance(part, str) else part))
            grid.add_row(Text(label), value)

        line("url", row.url)
        if row.fetch_url and row.fetch_url != row.url:
            line("fetched from", row.fetch_url)
        if row.moved_to:
            line("moved to", (row.moved_to, "yellow"), " (permanent redirect: put it in feeds.toml)")
        if row.redirected_to:
            line("redirected to", row.redirected_to, " (temporary)")
        if row.refreshed and row.checked_at is not None:
            result = [f"{long_date(row.checked_at)} ({_ago(row.checked_at, now)})"]
            if row.http_status is not None:
                result.append(f"HTTP {row.http_status}")
            result.append(row.summary if row.ok else "failed")
            line("last check", " · ".join(result))
            took = f"{seconds_text(row.fetch_seconds)} fetch + {seconds_text(row.parse_seconds)} parse"
            line("took", took)
        if row.last_success is not None:
            line("last success", f"{long_date(row.last_success)} ({_ago(row.last_success, now)})")
        else:
            line("last success", "never")
        if row.error_words:
            failures = f" ({row.failures} failures in a row)" if row.failures > 1 else ""
            line("error", (row.error_words, "red"), failures)
        if row.retry_at is not None:
            line("Retry-After", f"not before {long_date(row.retry_at)} ({_until(row.retry_at, now)})")
        if not row.enabled:
            line("next check", "never: disabled in feeds.toml")
        elif not row.refreshed:
            line("next check", "at the next refresh")
        elif row.next_due is not None:
            line("next check", f"{long_date(row.next_due)} ({_until(row.next_due, now)})")
        else:
            line("next check", "only on request (refresh_minutes = 0)")
        if row.title or row.entries:
            line("feed says", row.title or "(no title)", f" · {row.entries} entries in the last fetch")
        stored = f"{row.articles} articles"
        if row.newest is not None:
            stored += f", newest {long_date(row.newest)} ({_ago(row.newest, now)})"
        line("stored", stored)
        if row.topics:
            line("topics", ", ".join(row.topics))
        for number, warning in enumerate(row.warnings):
            line("warnings" if number == 0 else "", ("• ", "yellow"), warning)
        return Group(head, grid)

    # -- actions ---------------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        self.sort_key = next_sort_key(self.sort_key)
        self._redraw()

    def action_toggle_failing(self) -> None:
        self.failing_only = not self.failing_only
        self._redraw()

    def action_retry(self) -> None:
        row = self.current
        if row is None:
            return
        if not row.enabled:
            self.notify(f"{row.name} is disabled in feeds.toml.", severity="warning", markup=False)
            return
        if self._retry(row.feed):
            self._checking.add(row.feed.name)
            self._update_row(row)

    @on(DataTable.RowSelected, "#feed-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_retry()

    @on(DataTable.RowHighlighted, "#feed-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_details()

    def action_close(self) -> None:
        self.dismiss(None)


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    if (now - when).days >= 60:
        return f"{(now - when).days} days ago"
    text = age(when, now)
    return "just now" if text == "now" else f"{text} ago"


def _until(when: datetime, now: datetime) -> str:
    if when <= now:
        return "due now"
    if (when - now).days >= 60:
        return f"in {(when - now).days} days"
    text = age(now, when)  # the same compact form, forwards
    return "in under a minute" if text == "now" else f"in {text}"
