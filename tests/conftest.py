"""Shared fixtures: a real HTTP server on 127.0.0.1 serving fixture feeds, and real stores."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class FeedServer:
    """Serves fixture files with ETag/Last-Modified, and special routes for failures.

    Routes: ``/<fixture file>`` (200, or 304 on a matching validator), ``/status/<code>``,
    ``/slow`` (waits ``slow_seconds`` before answering), ``/redirect/<file>`` (301 to the file),
    ``/loop`` (redirects to itself), ``/big`` (more than any small cap).
    """

    base: str
    requests: list[dict[str, str]] = field(default_factory=list)
    slow_seconds: float = 5.0
    etag: str = '"v1"'
    last_modified: str = "Tue, 24 Nov 2026 09:00:00 GMT"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def hits(self, path: str) -> list[dict[str, str]]:
        return [r for r in self.requests if r["path"] == "/" + path.lstrip("/")]


def _handler(server_state: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802
            record = {k.lower(): v for k, v in self.headers.items()}
            record["path"] = self.path
            server_state.requests.append(record)
            path = self.path
            if path.startswith("/status/"):
                self._send(int(path.rsplit("/", 1)[1]), b"error page", "text/html")
            elif path == "/slow":
                time.sleep(server_state.slow_seconds)
                self._send(200, (FIXTURES / "world.xml").read_bytes(), "application/rss+xml")
            elif path.startswith("/redirect/"):
                self.send_response(301)
                self.send_header("Location", "/" + path.removeprefix("/redirect/"))
                self.end_headers()
            elif path == "/loop":
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.end_headers()
            elif path == "/big":
                self._send(200, b"<rss>" + b" " * 2_000_000 + b"</rss>", "application/rss+xml")
            else:
                file = FIXTURES / path.lstrip("/")
                if not file.is_file():
                    self._send(404, b"not found", "text/plain")
                    return
                if record.get("if-none-match") == server_state.etag:
                    self.send_response(304)
                    self.send_header("ETag", server_state.etag)
                    self.end_headers()
                    return
                kind = "text/html" if file.suffix == ".html" else "application/xml"
                self._send(200, file.read_bytes(), kind, validators=True)

        def _send(self, code: int, body: bytes, kind: str, validators: bool = False) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if validators:
                self.send_header("ETag", server_state.etag)
                self.send_header("Last-Modified", server_state.last_modified)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test ever touches the real user's config or data dirs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NEWSTUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("NEWSTUI_DATA_DIR", str(home / "data"))
