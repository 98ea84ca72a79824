"""The offline demo behind fixed feed URLs and a frozen clock, for SVG snapshots of the reader.

Nothing on screen may differ between machines or runs:

- "now" is ``snapshot_demo.NOW``, for the demo's dates, the refresh and the reader;
- the feeds are read over HTTP through a proxy on 127.0.0.1 (``http_proxy``, as a user behind a
  proxy has it), so the feed health screen shows ``http://<outlet>.example/...`` and not a
  temporary directory;
- the feeds are refreshed one after another (the stories the reader groups depend on the order
  articles arrive in);
- the fetch and parse times a refresh measures are replaced in the stored statuses by fixed
  figures (the feed health screen shows them).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from snapshot_demo import FETCH_SECONDS, NOW, PARSE_SECONDS, DemoReader, demo_url

from newstui.core.config import load_config
from newstui.core.fetch import local_path
from newstui.core.refresh import refresh_all
from newstui.core.store import Store
from newstui.demo import DEMO_FEEDS, prepare_demo


@dataclass
class DemoProxy:
    """An HTTP proxy on 127.0.0.1 that answers a GET for any host with the demo file of that name."""

    directory: Path
    url: str = ""
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def demo_proxy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[DemoProxy]:
    proxy = DemoProxy(tmp_path / "demo")
    files = {feed.filename for feed in DEMO_FEEDS}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            proxy.requests.append(self.path)
            name = Path(urlsplit(self.path).path).name
            if name not in files:
                self.send_error(404)
                return
            body = (proxy.directory / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    proxy.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    for name in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    yield proxy
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def demo(tmp_path: Path, demo_proxy: DemoProxy) -> Iterator[DemoReader]:
    config = load_config(prepare_demo(demo_proxy.directory, now=NOW))
    feeds = tuple(replace(feed, url=demo_url(local_path(feed.url).name)) for feed in config.feeds)
    config = replace(config, feeds=feeds)
    store = Store(tmp_path / "db.json")
    # One feed at a time, in feeds.toml's order: stories are formed as articles arrive, and a
    # refresh of every feed at once stores them in the order the fetches happen to finish.
    results = [
        result
        for feed in feeds
        for result in refresh_all(config, store, feeds=[feed], clock=lambda: NOW)
    ]
    assert [r.status.ok for r in results] == [True] * len(DEMO_FEEDS), [r.status for r in results]
    assert len(demo_proxy.requests) == len(DEMO_FEEDS)  # every feed came through the proxy
    for status in store.feed_statuses().values():
        store.save_status(replace(status, fetch_seconds=FETCH_SECONDS, parse_seconds=PARSE_SECONDS))
    yield DemoReader(config, store)
    store.close()
