"""``a``: add a feed from inside the reader, the same steps as ``newstui add``.

The user types a URL (topics and a name if they like) and presses Enter. A feed's URL is fetched
and checked at once; a web page's feeds (its ``<link rel="alternate">``, else the common paths of
its site) are listed to pick one from, which is then fetched to check it. The dialog shows what
was found (title, kind, items) or what went wrong, in words; Enter on "Add" writes the feed to
feeds.toml (:func:`newstui.core.feeds_file.append_feeds`: comments and layout kept) and the
screen is dismissed with an :class:`AddedFeed`, which the reader takes in and refreshes.

The work is :mod:`newstui.core.add_feed` (network) and :mod:`newstui.core.feeds_file` (the
file), run in a thread from an exclusive worker, so the reader never waits. Escape cancels at
any step. Feed titles, URLs and error texts come from strangers: they are shown as
:class:`~rich.text.Text`, never as markup.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from newstui.core.add_feed import (
    Candidate,
    FeedCheck,
    Inspection,
    address_of,
    check_url,
    existing_feed,
    inspect_url,
    new_feed,
)
from newstui.core.models import Config, Feed
from newstui.core.text import clean_text

CLI_HINT = "run `newstui add` with that address"  # core's advice, worded for the command line


@dataclass(frozen=True, slots=True)
class AddedFeed:
    """What the dialog wrote: the feed as added, and the config as feeds.toml now reads."""

    feed: Feed
    config: Config


def _plain(value: object, style: str = "") -> Text:
    """Untrusted text (a title, a URL, an error) as one plain line: never read as markup."""
    return Text(clean_text(value), style=style)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _already(url: str, feed: Feed, path: str) -> str:
    return f'{url} is already in {path} as feed "{feed.name}"; nothing added.'


def _split_topics(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


# -- the work, off the event loop (plain functions: run in a thread) ----------------------------


def _disk_config(path: str) -> Config:
    from newstui.core.config import load_config  # noqa: PLC0415

    return load_config(path)


def _duplicate(urls: list[str], reader: Config, disk: Config) -> str:
    """Why one of ``urls`` can't be added (it is in feeds.toml already), or ""."""
    for url in urls:
        same = existing_feed(disk, url) or existing_feed(reader, url)
        if same is not None:
            return _already(url, same, disk.path)
    return ""


def _look(url: str, reader: Config) -> Inspection | str:
    """Inspect ``url`` after checking it is not a feed of feeds.toml already; an error in words."""
    try:
        disk = _disk_config(reader.path)
        if problem := _duplicate([url], reader, disk):
            return problem
        found = inspect_url(url, reader.settings)
        if found.feed is not None and (problem := _duplicate([found.feed.url], reader, disk)):
            return problem
        return found
    except Exception as exc:  # never a traceback in the dialog
        return f"could not look at {url}: {exc}"


def _check(candidate: Candidate, reader: Config) -> FeedCheck | str:
    """The chosen candidate fetched and parsed (unless that was done already)."""
    try:
        disk = _disk_config(reader.path)
        if problem := _duplicate([candidate.url], reader, disk):
            return problem
        check = candidate.check
        if check is None:
            check, error, _network = check_url(candidate.url, reader.settings)
            if check is None:
                return error
        return _duplicate([check.url], reader, disk) or check
    except Exception as exc:
        return f"could not fetch {candidate.url}: {exc}"


def _write(check: FeedCheck, reader: Config, name: str, topics: list[str]) -> AddedFeed | str:
    """Append the feed to feeds.toml, checked as ``newstui add`` checks it; an error in words."""
    from newstui.core.feeds_file import append_feeds, plan_additions  # noqa: PLC0415

    path = reader.path
    try:
        disk = _disk_config(path)
        if problem := _duplicate([check.url], reader, disk):
            return problem
        same_name = next((f for f in disk.feeds if name and f.name.casefold() == name.casefold()), None)
        if same_name is not None:
            return f'{path}: feed "{same_name.name}" already has the name {name!r}; choose another name.'
        plan = plan_additions(disk, [new_feed(disk, check, name=name, topics=topics)], web_only=False)
        if plan.rejected:
            return f"{path}: can't add {check.url}: {plan.rejected[0].reason}."
        appended = append_feeds(path, plan.added, before=disk)
        if appended.rejected:
            return f"{path}: can't add {check.url}: {appended.rejected[0].reason}"
        return AddedFeed(appended.added[0], appended.config)
    except Exception as exc:  # ConfigError, FeedsFileError, OSError: their words, no traceback
        return str(exc) or f"could not write {path}: {type(exc).__name__}"


# -- the dialog ---------------------------------------------------------------------------------


class AddFeedScreen(ModalScreen[AddedFeed | None]):
    """URL → (a page's feeds to pick from) → the feed checked → Add. Dismissed with what was added."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="close without adding anything", id="add_feed.cancel"),
    ]

    def __init__(self, config: Config) -> None:
        """``config``: the reader's; feeds.toml (at its path) is read again before each step."""
        super().__init__()
        self.config = config
        self.step = "form"  # form, looking, choose, checking, confirm, writing
        self.candidates: tuple[Candidate, ...] = ()
        self.check: FeedCheck | None = None
        self._asked = ""  # the URL the current candidates or check are for
        self._chosen_url = ""  # the page's feed being checked (or checked)

    def compose(self) -> ComposeResult:
        with Vertical(id="add-feed-box"):
            yield Static(Text("URL of a feed, or of a web site", style="bold"), id="add-url-label")
            # compact: one row each, so a page's list of feeds fits in 24 lines
            yield Input(placeholder="https://example.com/  or  https://example.com/feed.xml", id="add-url",
                        compact=True)
            with Horizontal(id="add-extra"):
                yield Input(placeholder="topics: tech, linux (optional)", id="add-topics", compact=True)
                yield Input(placeholder="name (optional: the feed's title)", id="add-name", compact=True)
            yield OptionList(id="add-choices")
            yield Static(id="add-message")
            with Horizontal(id="add-actions"):
                yield Button("Add to feeds.toml", id="add-confirm", variant="primary", disabled=True, compact=True)
                yield Static(id="add-keys")

    def on_mount(self) -> None:
        self.query_one("#add-feed-box").border_title = "Add a feed"
        self.query_one("#add-choices").display = False
        self._say(Text("Type the address and press Enter.", style="dim"))
        self._keys("Enter: find the feed · Tab: topics, name · Esc: cancel")
        self.query_one("#add-url", Input).focus()

    # -- what the dialog shows ------------------------------------------------------------------

    def _say(self, message: Text) -> None:
        self.query_one("#add-message", Static).update(message)

    def _error(self, words: str) -> None:
        self._say(_plain(words.replace(CLI_HINT, "type that address here"), "bold red"))

    def _keys(self, words: str) -> None:
        self.query_one("#add-keys", Static).update(Text(words, style="dim"))

    @property
    def message(self) -> str:
        """What the dialog says now, as plain text (for tests and screen readers alike)."""
        shown = self.query_one("#add-message", Static).content
        return shown.plain if isinstance(shown, Text) else str(shown)

    def _back_to_form(self) -> None:
        self.step = "form"
        self.check = None
        self.candidates = ()
        self._asked = ""
        self.query_one("#add-choices").display = False
        self.query_one("#add-confirm", Button).disabled = True
        self._keys("Enter: find the feed · Tab: topics, name · Esc: cancel")

    # -- step 1: the URL ------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        url, note = address_of(self.query_one("#add-url", Input).value)
        if self.step == "confirm" and url and url == self._asked:
            self._add()  # Enter again on what was just checked: add it
            return
        if not url:
            self._back_to_form()
            self._error(note)
            self.query_one("#add-url", Input).focus()
            return
        self._back_to_form()
        self.step = "looking"
        self._asked = url
        looking = Text(f"{note}\n" if note else "", style="yellow")
        looking.append("Looking at ")
        looking.append(clean_text(url), style="bold")
        looking.append(" …")
        self._say(looking)
        self._keys("Esc: cancel")
        self._look(url)

    @on(Input.Changed, "#add-url")
    def _url_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.step in ("choose", "confirm") and address_of(event.value)[0] != self._asked:
            self._back_to_form()  # what was found was for another URL
            self._say(Text("Press Enter to look at the new address.", style="dim"))

    @work(exclusive=True, group="add-feed", exit_on_error=False)
    async def _look(self, url: str) -> None:
        found = await asyncio.to_thread(_look, url, self.config)
        if self.step != "looking" or url != self._asked:
            return  # the user moved on meanwhile
        if isinstance(found, str) or found.error:
            self._back_to_form()
            self._error(found if isinstance(found, str) else found.error)
            self.query_one("#add-url", Input).focus()
        elif found.feed is not None:
            self._checked(found.feed)
        else:
            self._choose(found)

    # -- step 2: a web page's feeds -------------------------------------------------------------

    def _choose(self, found: Inspection) -> None:
        self.step = "choose"
        self.candidates = found.candidates
        choices = self.query_one("#add-choices", OptionList)
        choices.clear_options()
        choices.add_options([Option(_candidate_text(c), id=str(n)) for n, c in enumerate(found.candidates)])
        choices.display = True
        choices.highlighted = 0
        choices.focus()
        said = _plain(found.final_url or found.url, "bold")
        said.append(f" is a web page with {_count(len(found.candidates), 'feed')}: pick one.", style="")
        self._say(said)
        self._keys("↑/↓: choose · Enter: check it · Esc: cancel")

    @on(OptionList.OptionSelected, "#add-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.step not in ("choose", "confirm") or event.option.id is None:
            return
        candidate = self.candidates[int(event.option.id)]
        if self.step == "confirm" and self.check is not None and candidate.url in (self._chosen_url, self.check.url):
            self._add()  # Enter again on the feed just checked: add it
            return
        self.step = "checking"
        self.check = None
        self._chosen_url = candidate.url
        self.query_one("#add-confirm", Button).disabled = True
        checking = Text("Fetching ")
        checking.append(clean_text(candidate.url), style="bold")
        checking.append(" …")
        self._say(checking)
        self._keys("Esc: cancel")
        self._fetch(candidate)

    @work(exclusive=True, group="add-feed", exit_on_error=False)
    async def _fetch(self, candidate: Candidate) -> None:
        checked = await asyncio.to_thread(_check, candidate, self.config)
        if self.step != "checking" or candidate.url != self._chosen_url:
            return
        if isinstance(checked, str):
            self.step = "choose"  # the list stays: another feed of the page may do
            self._error(checked)
            self._keys("↑/↓: choose · Enter: check it · Esc: cancel")
            self.query_one("#add-choices", OptionList).focus()
            return
        self._checked(checked)

    # -- step 3: confirm and write ---------------------------------------------------------------

    def _checked(self, check: FeedCheck) -> None:
        self.step = "confirm"
        self.check = check
        said = Text()
        said.append(f"{check.kind} feed" if check.kind else "A feed", style="green")
        said.append(" ")
        said.append_text(_plain(f'"{check.title}"' if check.title else "(no title)", "bold"))
        said.append(f", {_count(check.items, 'item')}\n")
        said.append_text(_plain(check.url, "dim"))
        for warning in check.warnings[:3]:
            said.append("\n")
            said.append_text(_plain(f"warning: {warning}", "yellow"))
        self._say(said)
        button = self.query_one("#add-confirm", Button)
        button.disabled = False
        button.focus()
        self._keys("Enter: add it · Esc: cancel")

    @on(Button.Pressed, "#add-confirm")
    def _confirm_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._add()

    def _add(self) -> None:
        if self.step != "confirm" or self.check is None:
            return
        name = clean_text(self.query_one("#add-name", Input).value)
        topics = _split_topics(self.query_one("#add-topics", Input).value)
        self.step = "writing"
        self.query_one("#add-confirm", Button).disabled = True
        self._say(Text(f"Writing {self.config.path} …"))
        self._write(self.check, name, topics)

    @work(exclusive=True, group="add-feed", exit_on_error=False)
    async def _write(self, check: FeedCheck, name: str, topics: list[str]) -> None:
        written = await asyncio.to_thread(_write, check, self.config, name, topics)
        if isinstance(written, AddedFeed):
            self.dismiss(written)
            return
        self.step = "confirm"
        self._error(written)
        button = self.query_one("#add-confirm", Button)
        button.disabled = False
        self.query_one("#add-name", Input).focus()

    def action_cancel(self) -> None:
        if self.step == "writing":
            return  # a few milliseconds: the file is being replaced, and the reader must learn of it
        self.workers.cancel_group(self, "add-feed")
        self.dismiss(None)


def _candidate_text(candidate: Candidate) -> Text:
    """One feed of a web page, as a row of the list: title, kind, URL (all plain text)."""
    row = _plain(candidate.title or "(no title)", "bold")
    row.append("  ")
    row.append(candidate.kind or "feed", style="cyan")
    if candidate.check is not None:
        row.append(f", {_count(candidate.check.items, 'item')}")
    if candidate.source == "common path":
        row.append(" (found at a common path)", style="dim")
    row.append("\n  ")
    row.append_text(_plain(candidate.url, "dim"))
    return row
