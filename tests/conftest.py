"""Shared fixtures: a real HTTP server on 127.0.0.1 serving fixture feeds, and real stores."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pages import Site, serve_site

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _unfrozen_heap() -> Iterator[None]:
    """The reader freezes its heap (``gc.freeze``) after loading: right for one reader per
    process, but in a test session every app and library a test made would then stay for good.
    Hand them back to the garbage collector after each test."""
    import gc

    yield
    gc.unfreeze()
# Content-Types for the /as/<type>/<file> route: right, wrong and misspelt ones.
TYPES = {
    "json": "application/feed+json",
    "utf8": "text/xml; charset=utf8",  # misspelt, and wrong for a windows-1251 body
    "latin1": "application/rss+xml; charset=iso-8859-1",
    "plain": "text/plain",
    "html": "text/html; charset=utf-8",
}


@dataclass
class FeedServer:
    """Serves fixture files with ETag/Last-Modified, and special routes for failures.

    Routes: ``/<fixture file>`` (200, or 304 on a matching validator), ``/status/<code>``,
    ``/slow`` (waits ``slow_seconds`` before answering), ``/redirect/<file>`` (301 to the file),
    ``/loop`` (redirects to itself), ``/big`` (more than any small cap), ``/retry/<seconds>``
    (429 with Retry-After), ``/busy`` (503 with an HTTP-date Retry-After, ``busy_until``),
    ``/temp/<file>`` (302 to the file), ``/plain/<file>`` (200 without validators),
    ``/cache/<seconds>/<file>`` (Cache-Control: max-age), ``/pause/<name>`` (answers world.xml after
    ``pause_seconds``, counting requests in flight in ``max_in_flight``), ``/as/<type>/<file>``
    (the file with the Content-Type ``TYPES[type]``).
    """

    base: str
    requests: list[dict[str, str]] = field(default_factory=list)
    slow_seconds: float = 5.0
    etag: str = '"v1"'
    last_modified: str = "Tue, 24 Nov 2026 09:00:00 GMT"
    busy_until: str = "Wed, 21 Oct 2099 07:28:00 GMT"
    pause_seconds: float = 0.2
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

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
            elif path.startswith("/retry/"):
                self.send_response(429)
                self.send_header("Retry-After", path.rsplit("/", 1)[1])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/busy":
                self.send_response(503)
                self.send_header("Retry-After", server_state.busy_until)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path.startswith("/temp/"):
                self.send_response(302)
                self.send_header("Location", "/" + path.removeprefix("/temp/"))
                self.end_headers()
            elif path.startswith("/plain/"):
                file = FIXTURES / path.removeprefix("/plain/")
                self._send(200, file.read_bytes(), "application/xml")
            elif path.startswith("/cache/"):
                _, _, seconds, name = path.split("/", 3)
                body = (FIXTURES / name).read_bytes()
                self._send(200, body, "application/xml", headers={"Cache-Control": f"max-age={seconds}"})
            elif path.startswith("/as/"):
                _, _, kind, name = path.split("/", 3)
                self._send(200, (FIXTURES / name).read_bytes(), TYPES[kind], validators=True)
            elif path.startswith("/pause/"):
                with server_state.lock:
                    server_state.in_flight += 1
                    server_state.max_in_flight = max(server_state.max_in_flight, server_state.in_flight)
                time.sleep(server_state.pause_seconds)
                with server_state.lock:
                    server_state.in_flight -= 1
                self._send(200, (FIXTURES / "world.xml").read_bytes(), "application/rss+xml")
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

        def _send(
            self, code: int, body: bytes, kind: str, validators: bool = False,
            headers: dict[str, str] | None = None,
        ) -> None:
            self.send_response(code)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
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


@pytest.fixture
def site() -> Iterator[Site]:
    """A 127.0.0.1 server of article pages (see tests/pages.py)."""
    with serve_site() as state:
        yield state
