"""Is a URL a feed, or a page with feeds? Against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newstui.core.add_feed import (
    COMMON_PATHS,
    FeedCheck,
    address_of,
    check_url,
    existing_feed,
    inspect_url,
    name_from_url,
    new_feed,
)
from newstui.core.models import Config, Feed, Settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RSS = (FIXTURES / "world.xml").read_bytes()  # "Fixture World", 3 items
ATOM = (FIXTURES / "asia.atom").read_bytes()  # "Fixture Asia", 2 entries
JSON = (FIXTURES / "feeds" / "jsonfeed_1_1.json").read_bytes()
SETTINGS = Settings(timeout_seconds=3)

PAGE_WITH_LINKS = b"""<!doctype html><html><head><title>Blog</title>
<link rel="alternate" type="application/rss+xml" title="Posts" href="/posts.xml">
<link rel="alternate" type="application/atom+xml" href="atom/all.atom">
</head><body><p>Hello</p></body></html>"""
PAGE_WITHOUT_LINKS = (FIXTURES / "feeds" / "page_without_feeds.html").read_bytes()


@dataclass
class Site:
    """Pages by path: (status, content type, body); ``hits`` lists the paths asked for."""

    base: str = ""
    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def serve(pages: dict[str, tuple[int, str, bytes]]) -> tuple[Site, ThreadingHTTPServer]:
    state = Site(pages=dict(pages))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            state.hits.append(self.path)
            status, kind, body = state.pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            if status in (301, 302, 308):
                self.send_header("Location", body.decode())
                body = b""
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return state, httpd


@pytest.fixture
def blog() -> Iterator[Site]:
    """A site whose pages advertise feeds, with feeds of each kind, a redirect and a 404."""
    state, httpd = serve({
        "/": (200, "text/html; charset=utf-8", PAGE_WITH_LINKS),
        "/posts.xml": (200, "application/rss+xml", RSS),
        "/atom/all.atom": (200, "application/atom+xml", ATOM),
        "/notes.json": (200, "application/feed+json", JSON),
        "/old.xml": (301, "text/plain", b"/posts.xml"),
        "/junk": (200, "text/plain", b"just some text, not a feed"),
    })
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def plain_site() -> Iterator[Site]:
    """A site whose page advertises nothing, with its feed at /feed (and the same one at /rss.xml
    through a redirect, and an Atom one at /atom.xml)."""
    state, httpd = serve({
        "/about/": (200, "text/html", PAGE_WITHOUT_LINKS),
        "/feed": (200, "application/rss+xml", RSS),
        "/rss.xml": (302, "text/plain", b"/feed"),
        "/atom.xml": (200, "text/xml", ATOM),
    })
    yield state
    httpd.shutdown()
    httpd.server_close()


def test_a_feed_url_is_confirmed_with_title_and_item_count(blog):
    found = inspect_url(blog.url("/posts.xml"), SETTINGS)
    assert found.error == "" and not found.is_page
    assert found.feed == FeedCheck(blog.url("/posts.xml"), "Fixture World", 3, "RSS")
    assert inspect_url(blog.url("/atom/all.atom"), SETTINGS).feed == FeedCheck(
        blog.url("/atom/all.atom"), "Fixture Asia", 2, "Atom"
    )
    json_feed = inspect_url(blog.url("/notes.json"), SETTINGS).feed
    assert json_feed is not None and (json_feed.title, json_feed.kind) == ("Café Notes", "JSON Feed")


def test_a_permanent_redirect_gives_the_new_address(blog):
    found = inspect_url(blog.url("/old.xml"), SETTINGS)
    assert found.feed is not None and found.feed.url == blog.url("/posts.xml")


def test_a_page_offers_the_feeds_it_advertises_without_fetching_them(blog):
    found = inspect_url(blog.url("/"), SETTINGS)
    assert found.is_page and found.error == ""
    assert [(c.url, c.kind, c.title, c.source, c.check) for c in found.candidates] == [
        (blog.url("/posts.xml"), "RSS", "Posts", "advertised", None),
        (blog.url("/atom/all.atom"), "Atom", "", "advertised", None),
    ]
    assert blog.hits == ["/"]
    check, error, network = check_url(found.candidates[1].url, SETTINGS)
    assert (check, error, network) == (FeedCheck(blog.url("/atom/all.atom"), "Fixture Asia", 2, "Atom"), "", False)


def test_a_page_without_links_is_tried_at_the_common_paths(plain_site):
    found = inspect_url(plain_site.url("/about/"), SETTINGS)
    assert found.is_page
    assert [(c.url, c.title, c.source, c.check.items) for c in found.candidates] == [
        (plain_site.url("/feed"), "Fixture World", "common path", 3),
        (plain_site.url("/atom.xml"), "Fixture Asia", "common path", 2),
    ]  # /rss.xml redirects to /feed: the same feed, listed once
    assert set(plain_site.hits) == {"/about/", *COMMON_PATHS}


def test_no_feed_anywhere(plain_site):
    for path in ("/feed", "/rss.xml", "/atom.xml"):
        del plain_site.pages[path]
    found = inspect_url(plain_site.url("/about/"), SETTINGS)
    assert not found.network and not found.candidates
    assert found.error.startswith(f"no feed found: {plain_site.url('/about/')} is a web page that advertises no "
                                  "feed, and none of /feed, /rss, /rss.xml, /atom.xml, /feed.xml, /index.xml")


def test_http_errors_and_unreachable_hosts_are_network_failures(blog):
    gone = inspect_url(blog.url("/gone"), SETTINGS)
    assert (gone.error, gone.network) == (f"cannot fetch {blog.url('/gone')}: HTTP 404 Not Found", True)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = inspect_url(f"http://127.0.0.1:{port}/feed", SETTINGS)
    assert refused.network and "refused the connection" in refused.error
    check, error, network = check_url(blog.url("/gone"), SETTINGS)
    assert check is None and network and "HTTP 404" in error


def test_something_that_is_neither_feed_nor_page(blog):
    found = inspect_url(blog.url("/junk"), SETTINGS)
    assert not found.network and found.feed is None
    assert found.error.startswith(f"{blog.url('/junk')}: malformed feed")
    check, error, network = check_url(blog.url("/"), SETTINGS)
    assert check is None and not network and "HTML page" in error


def test_local_files(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    found = inspect_url(str(feed), SETTINGS)
    assert found.feed is not None and found.feed.items == 3
    missing = inspect_url(str(tmp_path / "nope.xml"), SETTINGS)
    assert missing.network and "file not found" in missing.error


def test_name_from_url():
    assert name_from_url("https://www.example.com/feed") == "example.com"
    assert name_from_url("/srv/feeds/local.xml") == "local.xml"


def test_address_of_what_the_user_typed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feed.xml").write_bytes(RSS)
    assert address_of(" https://x.example/feed ") == ("https://x.example/feed", "")
    assert address_of("feed.xml") == (str(tmp_path / "feed.xml"), "")
    assert address_of("example.com/blog") == ("https://example.com/blog", "no scheme given: using https://example.com/blog")
    assert address_of(".")[0] == "" and "is a directory" in address_of(".")[1]
    assert address_of("")[0] == "" and address_of("what?")[0] == ""


def test_existing_feed_and_new_feed():
    config = Config(path="/tmp/feeds.toml", feeds=(Feed("Fixture World", "https://W.example/rss"),))
    assert existing_feed(config, "https://w.example/rss") is config.feeds[0]
    assert existing_feed(config, "https://w.example/other") is None
    check = FeedCheck("https://new.example/rss", "Fixture World", 3)
    assert new_feed(config, check, topics=[" Tech", "", "tech", "Linux "]) == Feed(
        "Fixture World (2)", "https://new.example/rss", ("tech", "linux"))
    assert new_feed(config, check, name="Mine").name == "Mine"
    assert new_feed(config, FeedCheck("https://www.untitled.example/", "", 0)).name == "untitled.example"
