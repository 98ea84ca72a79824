"""The Textual App: wiring only. Behaviour lives in screens/main.py and the widgets."""

from __future__ import annotations

import gc
import os
import shlex
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from newstui import __version__
from newstui.core.library import Library
from newstui.core.models import Config
from newstui.core.store import Store
from newstui.ui.commands import ReaderCommands
from newstui.ui.screens.main import MainScreen
from newstui.ui.state import UiState, load_state, save_state, start_theme, state_path


class NewsApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "newstui"
    SUB_TITLE = __version__
    BINDINGS = [Binding("q", "quit", "Quit", tooltip="quit newstui", id="quit")]
    COMMANDS = App.COMMANDS | {ReaderCommands}

    def __init__(
        self,
        library: Library,
        *,
        refresh_on_start: bool = True,
        clock: Callable[[], datetime] | None = None,
        open_url: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self._refresh_on_start = refresh_on_start
        self.clock = clock or (lambda: datetime.now(UTC))
        self.url_opener = open_url or self._open_in_browser
        self.state_file = state_path(getattr(library.store, "path", None))
        self.ui_state: UiState = load_state(self.state_file)
        self.set_keymap(dict(library.config.keys))  # [keys] of feeds.toml, checked by the config

    def save_ui_state(self, **changes: object) -> None:
        """Remember ``changes`` (fields of UiState) in the state file beside the store."""
        for name, value in changes.items():
            setattr(self.ui_state, name, value)
        save_state(self.state_file, self.ui_state)

    def _theme_chosen(self, theme: Theme) -> None:
        if theme.name != self.ui_state.theme:
            self.save_ui_state(theme=theme.name, config_theme=self.library.config.settings.theme)

    def on_unmount(self) -> None:
        self.save_ui_state(last_closed=self.clock().timestamp())

    def on_mount(self) -> None:
        theme = start_theme(self.ui_state, self.library.config.settings.theme)
        if theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        self.push_screen(
            MainScreen(
                self.library,
                clock=self.clock,
                open_url=self.url_opener,
                refresh_on_start=self._refresh_on_start,
            )
        )

    def on_ready(self) -> None:
        """Textual's Ready: the first frame (the reader, painted from the store) is being displayed.

        With ``NEWSTUI_STARTUP_LOG=FILE`` the system-wide monotonic time once that frame has been
        written is appended to FILE (``bench/startup.py`` compares it with the time it started the
        process), and with ``NEWSTUI_EXIT_AFTER_PAINT=1`` the reader then quits.
        """
        self.call_after_refresh(self._after_first_frame)
        if os.environ.get("NEWSTUI_STARTUP_LOG"):
            self.call_after_refresh(self._log_first_paint)

    @staticmethod
    def _after_first_frame() -> None:
        # `newstui` starts with the garbage collector off (see cli.cmd_read): what exists now
        # stays for the session, so it is frozen out of every future collection.
        gc.freeze()
        gc.enable()

    def _log_first_paint(self) -> None:
        with open(os.environ["NEWSTUI_STARTUP_LOG"], "a", encoding="utf-8") as handle:
            handle.write(f"{time.monotonic()}\n")
        if os.environ.get("NEWSTUI_EXIT_AFTER_PAINT"):
            self.exit(0)

    def _open_in_browser(self, url: str) -> None:
        """settings.browser (a command; the URL is added as its last argument), else the default."""
        command = self.library.config.settings.browser
        if command:
            subprocess.Popen(
                [*shlex.split(command), url],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        else:
            self.open_url(url)


def make_app(
    config: Config,
    store: Store,
    *,
    refresh_on_start: bool = True,
    clock: Callable[[], datetime] | None = None,
    open_url: Callable[[str], None] | None = None,
) -> NewsApp:
    """The one factory for the CLI and the tests."""
    return NewsApp(Library(config, store), refresh_on_start=refresh_on_start, clock=clock, open_url=open_url)
