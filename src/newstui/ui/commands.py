"""The command palette (Ctrl+P): every key's action, "go to" a saved view, a topic or a feed, and
"refresh" one feed (the one under the cursor, or any by name).

Textual's own system commands highlight matches by reading the title as content markup, and the
palette reads every help line as markup; feed and topic names come from strangers (a feed called
``[bold]x[/]``), so this provider builds its rows as plain :class:`~textual.content.Content`,
marks the matched letters itself and escapes the help lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

if TYPE_CHECKING:
    from newstui.ui.screens.main import MainScreen

MATCH_STYLE = "bold underline"
# Palette titles for actions whose key label is too short to be found by what it does.
TITLES = {"feed_health": "Open feed health", "refresh": "Refresh all feeds"}


@dataclass(frozen=True, slots=True)
class ReaderCommand:
    title: str
    help: str
    run: Callable[[], object]


def reader_commands(screen: MainScreen) -> Iterator[ReaderCommand]:
    """The palette's rows: the reader's actions (with their keys), then where to go."""
    for binding in screen.palette_bindings():
        key = screen.key_for(binding)  # as bound now ([keys] of feeds.toml included)
        title = TITLES.get(binding.id or "", binding.description or binding.action)
        yield ReaderCommand(title, f"{binding.tooltip or ''} [{key}]".strip(),
                            lambda action=binding.action: screen.run_action(action))
    library = screen.library
    current = screen.current_feed()
    if current is not None:
        yield ReaderCommand("Refresh this feed", f"{current.name}: the feed of the article under the cursor",
                            lambda name=current.name: screen.refresh_feed(name))
    for view in library.config.views:
        yield ReaderCommand(f"Go to view: {view.name}", "a saved [views.NAME] of feeds.toml",
                            lambda name=view.name: screen.go_to(f"view:{name}"))
    for count in library.topic_counts():
        yield ReaderCommand(f"Go to topic: {count.name}", f"{count.unread} unread of {count.total}",
                            lambda name=count.name: screen.go_to(f"topic:{name}"))
    for feed in library.config.feeds:
        yield ReaderCommand(f"Go to feed: {feed.name}", "only this feed's articles (palette: All feeds to undo)",
                            lambda name=feed.name: screen.go_to_feed(name))
    yield ReaderCommand("All feeds", "every feed's articles again", lambda: screen.go_to_feed(None))
    for feed in library.config.feeds:
        if feed.enabled:
            yield ReaderCommand(f"Refresh feed: {feed.name}", "fetch this feed now",
                                lambda name=feed.name: screen.refresh_feed(name))
    if library.muted_count():
        yield ReaderCommand("Show muted articles", "what [mute] hides, and which rule hid each",
                            lambda: screen.go_to("muted"))


class ReaderCommands(Provider):
    """Every reader action and go-to, matched fuzzily as the user types."""

    def _commands(self) -> list[ReaderCommand]:
        from newstui.ui.screens.main import MainScreen  # noqa: PLC0415

        screen = self.screen
        return list(reader_commands(screen)) if isinstance(screen, MainScreen) else []

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(Content(command.title), command.run, text=command.title, help=escape(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                _, offsets = matcher.fuzzy_search.match(query, command.title)
                display = Content(command.title)
                for offset in offsets:
                    display = display.stylize(MATCH_STYLE, offset, offset + 1)
                yield Hit(score, display, command.run, text=command.title, help=escape(command.help))
