"""Fixtures for the Pilot tests: the offline demo loaded into a real store, and the app over it.

Every reader starts from the store only (``refresh_on_start=False``), with a frozen clock and a
``open_url`` that records URLs instead of launching a browser.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pilot_helpers import FIXED_NOW

from newstui.core.config import load_config
from newstui.core.models import Article, Config, Feed
from newstui.core.refresh import refresh_all
from newstui.core.store import Store
from newstui.demo import DEMO_FEEDS, prepare_demo
from newstui.ui.app import NewsApp, make_app


@dataclass
class Reader:
    """The demo, refreshed once into a real store; ``app()`` builds a reader over it."""

    directory: Path
    config: Config
    store: Store
    opened: list[str] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.directory / "db.json"

    def with_feeds(self, *feeds: Feed) -> Config:
        """The demo config plus ``feeds`` (the reader built next uses it)."""
        self.config = replace(self.config, feeds=(*self.config.feeds, *feeds))
        return self.config

    def app(self) -> NewsApp:
        return make_app(
            self.config,
            self.store,
            refresh_on_start=False,
            clock=lambda: FIXED_NOW,
            open_url=self.opened.append,
        )

    def stored(self, article_id: str) -> Article | None:
        """The article as a fresh Store on the same file reads it (what survives a restart)."""
        with Store(self.db_path) as fresh:
            return fresh.article(article_id)


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[Reader]:
    config = load_config(prepare_demo(tmp_path, now=FIXED_NOW))
    # One row per article, as most tests count them (group_stories is on by default; c groups).
    config = replace(config, settings=replace(config.settings, group_stories=False))
    store = Store(tmp_path / "db.json")
    results = refresh_all(config, store)
    assert [r.status.ok for r in results] == [True] * len(DEMO_FEEDS), [r.status for r in results]
    yield Reader(tmp_path, config, store)
    store.close()


# -- a feed whose answer the test releases --------------------------------------------------------


@dataclass
class HeldFeed:
    """An HTTP feed that does not answer until ``release()``: a refresh that is surely running.

    It serves ``body`` (the Atom fixture unless a test sets another feed file's bytes).
    """

    url: str
    body: bytes
    gate: threading.Event = field(default_factory=threading.Event)
    requested: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def held_feed(fixtures_dir: Path) -> Iterator[HeldFeed]:
    held = HeldFeed(url="", body=(fixtures_dir / "asia.atom").read_bytes())

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            held.requested.set()
            held.gate.wait(10)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(held.body)))
            self.end_headers()
            try:
                self.wfile.write(held.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    held.url = f"http://127.0.0.1:{httpd.server_address[1]}/held"
    yield held
    held.gate.set()  # never leave a refresh thread waiting on a failed test
    httpd.shutdown()
    httpd.server_close()
