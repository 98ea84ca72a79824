"""Web pages for the reader-view tests (written for them: a story with nav, byline, inline links,
a "See also" insert, a share prompt and a footer; an index page of links), and ``Site``, a
127.0.0.1 server of such pages (the ``site`` fixture in conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PARAGRAPHS = [
    "The harbour cranes that stood idle for three winters swung back into motion on Monday, "
    "lifting the first containers of the season from a freighter that had waited offshore "
    "for two days while the crews were assembled and the machinery was tested again.",
    "Dock workers said the return was slower than promised. Only four of the eleven cranes "
    "are working, and the port authority says the rest will follow once spare parts arrive "
    "from the manufacturer, which has promised delivery before the end of the month.",
    "Shipping companies welcomed the news but warned that the backlog of vessels waiting "
    "outside the breakwater would take weeks to clear, even with crews working through the "
    "night and the weekend shifts that the union agreed to last Thursday evening.",
]


def story_page(title: str, links: int = 0) -> str:
    inline = "".join(f' See <a href="/ref/{n}">source {n}</a>.' for n in range(1, links + 1))
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html><head><title>{title} | Harbour Daily</title>
<meta property="og:site_name" content="Harbour Daily">
<meta name="author" content="Ines Duarte"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1><p class="byline">By Ines Duarte</p>{body}<p>More detail follows.{inline}</p>
<p>See also: <a href="/story/earlier">Cranes idle for a third winter</a></p>
<p>Share this article on Facebook</p></article>
<footer>© Harbour Daily. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>"""


INDEX_PAGE = "<html><head><title>All stories</title></head><body><ul>" + "".join(
    f'<li><a href="/story/{n}">Story number {n}</a></li>' for n in range(40)
) + "</ul></body></html>"


@dataclass
class Site:
    """Pages by path: (status, content type, body). ``hold`` keeps /story/slow waiting."""

    base: str = ""
    pages: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    hold: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return self.hits.count(path)


@contextmanager
def serve_site() -> Iterator[Site]:
    state = Site()
    state.pages = {
        "/story/cranes": (200, "text/html; charset=utf-8", story_page("Harbour cranes return", links=12)),
        "/story/never": (200, "text/html", story_page("Never-feed story")),
        "/story/always": (200, "text/html", story_page("Always-feed story")),
        "/story/always-2": (200, "text/html", story_page("Another always story")),
        "/story/slow": (200, "text/html", story_page("Slow story")),
        "/story/paywall": (403, "text/html", "<p>Subscribe to read</p>"),
        "/story/broken": (503, "text/html", "<p>oops</p>"),
        "/story/index": (200, "text/html", INDEX_PAGE),
        "/story/pdf": (200, "application/pdf", "%PDF-1.4"),
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            state.hits.append(self.path)
            if self.path == "/story/slow":
                state.hold.wait(10)
            status, kind, body = state.pages.get(self.path, (404, "text/plain", "not found"))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state
    state.hold.set()
    httpd.shutdown()
    httpd.server_close()


