"""A hostile feed server on 127.0.0.1: everything a stranger's server can send to a feed reader.

Used by the ``test_hostile_*`` tests (the ``hostile`` fixture there) and by hand::

    python tests/hostile_server.py --port 8765 --config /tmp/h/feeds.toml

serves until interrupted and writes a feeds.toml listing every hostile route (then run
``newstui --config /tmp/h/feeds.toml`` and look: escape payloads must show as harmless text).

Routes (see :data:`ROUTES` for the feeds.toml names):

=========================  ======================================================================
``/escapes.xml``           RSS whose every field carries terminal escapes: CSI, OSC 52 (clipboard),
                           OSC 8 (links), DCS, 8-bit CSI, bidi overrides, zero-width and tag
                           characters, BEL, BS, CR, raw and as character references
``/escapes.atom``          the same in Atom (``type="html"`` titles, entity-encoded escapes)
``/escapes.json``          the same in a JSON Feed (where ``\\u001b`` is legal)
``/markup.xml``            titles, names, categories and bodies that are Rich / Textual markup
``/gzip-bomb``             ``Content-Encoding: gzip``: 100 MB of zeros in ~100 KB
``/gzip-file``             a ``.gz`` body (no Content-Encoding) that inflates to 100 MB
``/trickle``               headers at once, then one byte every ``trickle_seconds``, for ever
``/loop/a``                302 to ``/loop/b``, which redirects back: a loop
``/redirect-file``         302 to ``file:///etc/passwd``
``/huge-feed``             5,000 items
``/huge-chunked``          20 MB of feed, chunked, with no Content-Length
``/huge-declared``         declares a 20 MB Content-Length
``/long-title``            one item whose title is 50,000 characters and body 1 MB
``/billion-laughs.xml``    nested entities that would expand to gigabytes (``-1.xml``: on one line)
``/xxe.xml``               an external entity naming a local file (``secret_path``)
``/xxe-dtd.xml``           an external DTD and parameter entities on this server (``/evil.dtd``)
``/xxe-page.html``         a web page with the same doctype, for page extraction
``/bad-reason``            HTTP 500 whose reason phrase is an escape sequence
``/header-flood``          200 response headers
=========================  ======================================================================
"""

from __future__ import annotations

import gzip
import json
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

# Escape payloads as a stranger would put them in a title. None of their control characters may
# reach a terminal; the visible rest ("red", "click"...) may stay as plain text.
ESCAPES = {
    "csi": "\x1b[31mred\x1b[0m",
    "clear": "\x1b[2J\x1b[H",
    "osc52": "\x1b]52;c;cm0gLXJmIH4K\x07",  # sets the clipboard to "rm -rf ~"
    "osc8": "\x1b]8;;http://evil.test/\x1b\\click\x1b]8;;\x1b\\",
    "title": "\x1b]0;pwned\x07",
    "dcs": "\x1bP1$qm\x1b\\",
    "csi8": "\x9b2J\x9bHello",
    "bidi": "\u202eexe.txt\u202c \u2066iso\u2069",
    "zero": "zero\u200bwidth\u2060joiner\ufeff",
    "tags": "tag\U000e0041\U000e0042chars",
    "bell": "bell\x07backspace\x08\x08",
    "cr": "carriage\rreturn",
}
# Markup as a stranger would write it: shown literally, never styled, linked or clicked.
MARKUP = {
    "link": "[link=http://evil.test/]click me[/link]",
    "close": "[/] stray close [/bold]",
    "style": "[bold red]Boom[/]",
    "click": "[@click=app.quit]quit[/]",
    "variable": "$accent $text [b]$x[/b]",
    "emoji": ":warning: :cross_mark:",
}
HOSTILE_TITLE = " ".join(ESCAPES.values())
MARKUP_TITLE = " ".join(MARKUP.values())

# name in feeds.toml → route
ROUTES = {
    "Escapes RSS": "/escapes.xml",
    "Escapes Atom": "/escapes.atom",
    "Escapes JSON": "/escapes.json",
    "[bold red]Markup[/] feed": "/markup.xml",
    "Gzip bomb": "/gzip-bomb",
    "Gzip file": "/gzip-file",
    "Trickle": "/trickle",
    "Redirect loop": "/loop/a",
    "Redirect to a file": "/redirect-file",
    "Huge feed": "/huge-feed",
    "Huge chunked": "/huge-chunked",
    "Huge declared": "/huge-declared",
    "Long title": "/long-title",
    "Billion laughs": "/billion-laughs.xml",
    "Billion laughs, one line": "/billion-laughs-1.xml",
    "XXE": "/xxe.xml",
    "XXE DTD": "/xxe-dtd.xml",
    "Bad reason": "/bad-reason",
    "Header flood": "/header-flood",
}


@dataclass
class Hostile:
    """The server's state: its base URL, every path requested, and its knobs."""

    base: str = ""
    hits: list[str] = field(default_factory=list)
    secret_path: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "newstui-secret.txt")
    secret: str = "TOP-SECRET-42"
    trickle_seconds: float = 0.25
    bomb_bytes: int = 100_000_000
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path

    def hit(self, path: str) -> bool:
        return path in self.hits


# -- bodies ------------------------------------------------------------------------------------


def rss(channel: str, items: list[dict[str, str]], prolog: str = "") -> bytes:
    """RSS 2.0; item values are put in as written (escape them first if they are text)."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0" '
             'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
             f"<title>{channel}</title><link>http://hostile.test/</link><description>d</description>"]
    for n, item in enumerate(items):
        parts.append("<item>")
        parts.append(f"<guid isPermaLink=\"false\">{item.get('guid', f'h-{n}')}</guid>")
        for key in ("title", "link", "description", "category", "dc:creator"):
            if key in item:
                parts.append(f"<{key}>{item[key]}</{key}>")
        parts.append("<pubDate>Tue, 24 Nov 2026 09:00:00 GMT</pubDate></item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def _refs(text: str) -> str:
    """``text`` with its control characters written as XML character references (&#27;)."""
    return "".join(f"&#{ord(c)};" if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F else escape(c) for c in text)


def escapes_rss() -> bytes:
    body = "<p>" + " ".join(escape(v) for v in ESCAPES.values()) + "</p>"
    return rss(
        escape("Channel " + ESCAPES["osc52"] + ESCAPES["title"]),
        [
            {"title": escape(HOSTILE_TITLE), "link": "http://hostile.test/1", "guid": "raw",
             "description": escape(body + '<a href="http://evil.test/\x1b[2J">ref</a>'),
             "category": escape("cat" + ESCAPES["csi"]), "dc:creator": escape("Eve" + ESCAPES["bidi"])},
            {"title": _refs("refs " + HOSTILE_TITLE), "link": "javascript:alert(1)", "guid": "refs",
             "description": escape("<p>") + _refs(HOSTILE_TITLE) + escape("</p>")},
            {"title": "<![CDATA[cdata " + HOSTILE_TITLE + "]]>", "guid": "cdata",
             "description": "<![CDATA[<p>&#27;[31m entity in CDATA " + HOSTILE_TITLE + "</p>]]>"},
        ],
    )


def escapes_atom() -> bytes:
    title = escape(escape("<b>atom</b> " + HOSTILE_TITLE))  # type="html": markup escaped once more
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape('Atom ' + ESCAPES['csi'])}</title><id>urn:hostile</id>"
        '<updated>2026-11-24T09:00:00Z</updated><link href="http://hostile.test/"/>'
        f'<entry><id>urn:a1</id><title type="html">{title}</title>'
        '<link href="http://hostile.test/a1"/><updated>2026-11-24T09:00:00Z</updated>'
        f'<content type="html">{escape("<p>" + HOSTILE_TITLE + "</p>")}</content>'
        f"<author><name>{escape('Mallory' + ESCAPES['osc8'])}</name></author></entry>"
        f'<entry><id>urn:a2</id><title type="text">{_refs("text " + HOSTILE_TITLE)}</title>'
        '<updated>2026-11-24T09:00:00Z</updated></entry></feed>'
    ).encode("utf-8")


def escapes_json() -> bytes:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON " + ESCAPES["osc52"],
        "home_page_url": "http://hostile.test/",
        "items": [
            {"id": "j1", "url": "http://hostile.test/j1", "title": "json " + HOSTILE_TITLE,
             "content_html": "<p>" + HOSTILE_TITLE + "</p>", "tags": ["tag" + ESCAPES["csi"]],
             "authors": [{"name": "Trudy" + ESCAPES["bidi"]}], "date_published": "2026-11-24T09:00:00Z"},
            {"id": "j2", "title": "lone surrogate \ud800 " + MARKUP["style"],
             "content_text": "text\x1b[2J with \ud800 " + MARKUP["link"]},
        ],
    }).encode("ascii")  # ensure_ascii: controls and the lone surrogate as \u escapes


def markup_rss() -> bytes:
    return rss(
        escape("[blink]Channel[/blink] " + MARKUP["click"]),
        [
            {"title": escape(MARKUP_TITLE), "link": "http://hostile.test/m1", "guid": "m1",
             "description": escape("<p>" + MARKUP_TITLE + " <b>[/b]</b></p>"),
             "category": escape("[red]cat[/red]"), "dc:creator": escape("[i]Eve[/i]")},
            {"title": escape(MARKUP["style"] + " second"), "link": "http://hostile.test/m2?a=[x]",
             "guid": "m2", "description": escape("<p>" + MARKUP["click"] + "</p>")},
        ],
    )


def huge_feed(items: int = 5000) -> bytes:
    return rss("Huge", [{"title": f"Item {n}", "link": f"http://hostile.test/h/{n}", "guid": f"g{n}"}
                        for n in range(items)])


def long_title() -> bytes:
    return rss("Long", [{"title": "word " * 10_000, "guid": "long",
                         "description": escape("<p>" + "body text " * 100_000 + "</p>")}])


BILLION_LAUGHS = rss(
    "Laughs &lol9;",
    [{"title": "&lol9;", "guid": "laughs", "description": "&lol9;"}],
    prolog='\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10)
    ) + "]>",
)

# The same on one line: feedparser's own DOCTYPE clean-up only sees declarations that start a line.
BILLION_LAUGHS_ONE_LINE = BILLION_LAUGHS.replace(b"\n", b"")


def xxe(secret_path: Path) -> bytes:
    uri = secret_path.as_uri()
    return rss(
        "XXE &xxe;",
        [{"title": "Secret: &xxe;", "guid": "xxe", "description": "&xxe;"}],
        prolog=f'\n<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{uri}">\n]>',
    )


def xxe_dtd(base: str, secret_path: Path) -> bytes:
    return rss(
        "XXE DTD &all;",
        [{"title": "DTD: &all;", "guid": "xxe-dtd"}],
        prolog=(f'\n<!DOCTYPE rss SYSTEM "{base}/evil.dtd" [\n<!ENTITY % file SYSTEM "{secret_path.as_uri()}">\n'
                f'<!ENTITY % remote SYSTEM "{base}/evil.dtd">\n%remote;\n]>'),
    )


def xxe_page(secret_path: Path) -> bytes:
    paragraph = ("The council met on Tuesday and agreed the budget for the coming year after a long "
                 "debate about the harbour, the schools and the roads. ")
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE html [\n<!ENTITY xxe SYSTEM "{secret_path.as_uri()}">\n]>\n'
        f"<html><head><title>Page &xxe; {escape(MARKUP['style'])}</title></head><body><article>"
        f"<h1>Page {escape(HOSTILE_TITLE)}</h1>"
        + "".join(f"<p>{paragraph * 3} &xxe; {escape(ESCAPES['osc52'])}</p>" for _ in range(6))
        + "</article></body></html>"
    ).encode("utf-8")


_BOMB_CACHE: dict[int, bytes] = {}


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped (~1,000 to 1): made once per size."""
    if size not in _BOMB_CACHE:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = b"\0" * 1_000_000
        parts = [packer.compress(block) for _ in range(size // len(block))]
        _BOMB_CACHE[size] = b"".join(parts) + packer.flush()
    return _BOMB_CACHE[size]


# -- the server --------------------------------------------------------------------------------


def _handler(state: Hostile) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            path = self.path
            state.hits.append(path)
            fixed = {
                "/escapes.xml": (escapes_rss, "application/rss+xml"),
                "/escapes.atom": (escapes_atom, "application/atom+xml"),
                "/escapes.json": (escapes_json, "application/feed+json"),
                "/markup.xml": (markup_rss, "application/rss+xml"),
                "/huge-feed": (huge_feed, "application/rss+xml"),
                "/long-title": (long_title, "application/rss+xml"),
                "/billion-laughs.xml": (lambda: BILLION_LAUGHS, "application/rss+xml"),
                "/billion-laughs-1.xml": (lambda: BILLION_LAUGHS_ONE_LINE, "application/rss+xml"),
                "/xxe.xml": (lambda: xxe(state.secret_path), "application/rss+xml"),
                "/xxe-dtd.xml": (lambda: xxe_dtd(state.base, state.secret_path), "application/rss+xml"),
                "/xxe-page.html": (lambda: xxe_page(state.secret_path), "text/html; charset=utf-8"),
                "/evil.dtd": (lambda: b'<!ENTITY all "%file;">', "application/xml-dtd"),
            }
            if path in fixed:
                make, kind = fixed[path]
                self._send(200, make(), kind)
            elif path == "/gzip-bomb":
                self._send(200, gzip_bomb(state.bomb_bytes), "application/rss+xml",
                           {"Content-Encoding": "gzip"})
            elif path == "/gzip-file":
                self._send(200, gzip_bomb(state.bomb_bytes), "application/gzip")
            elif path == "/trickle":
                self._trickle()
            elif path.startswith("/loop/"):
                target = "/loop/b" if path == "/loop/a" else "/loop/a"
                self._send(302, b"", "text/plain", {"Location": target})
            elif path == "/redirect-file":
                self._send(302, b"", "text/plain", {"Location": "file:///etc/passwd"})
            elif path == "/huge-chunked":
                self._chunked(20_000_000)
            elif path == "/huge-declared":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(20_000_000))
                self.end_headers()
                self._write(b"<rss>")
            elif path == "/bad-reason":
                self.send_response(500, "\x1b[31mEvil\x1b]52;c;cm0gLXJmIH4K\x07 reason")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif path == "/header-flood":
                self.send_response(200)
                for n in range(200):
                    self.send_header(f"X-Flood-{n}", "x" * 100)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(404, b"not found", "text/plain")

        def _send(self, code: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._write(body)

        def _write(self, data: bytes) -> bool:
            try:
                self.wfile.write(data)
                self.wfile.flush()
                return True
            except (BrokenPipeError, ConnectionResetError, ValueError):
                return False

        def _trickle(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            self.close_connection = True
            for byte in (b"<rss>" + b" " * 999_995):
                if state.stop.is_set() or not self._write(bytes([byte])):
                    return
                time.sleep(state.trickle_seconds)

        def _chunked(self, size: int) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.close_connection = True
            chunk = b" " * 65_536
            sent = 0
            first = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Chunked</title>'
            for data in (first, *([chunk] * (size // len(chunk)))):
                if state.stop.is_set() or not self._write(b"%x\r\n%s\r\n" % (len(data), data)):
                    return
                sent += len(data)
            self._write(b"0\r\n\r\n")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up on a bomb or a trickle: expected here


@contextmanager
def serve_hostile(port: int = 0, secret_path: Path | None = None) -> Iterator[Hostile]:
    """Run the hostile server on 127.0.0.1 (``port`` 0: any free one) for the ``with`` block.
    ``secret_path``: the local file the XXE feeds try to read (written if missing)."""
    state = Hostile()
    if secret_path is not None:
        state.secret_path = secret_path
    if not state.secret_path.exists():
        state.secret_path.write_text(state.secret)
    state.secret = state.secret_path.read_text()
    httpd = _Server(("127.0.0.1", port), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stop.set()
        httpd.shutdown()
        httpd.server_close()


def write_config(path: Path, base: str, **settings: object) -> Path:
    """A feeds.toml with every hostile route as a feed (names are escaped TOML strings)."""
    lines = ["[settings]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()] + [""]
    for name, route in ROUTES.items():
        lines += ["[[feed]]", f"name = {json.dumps(name)}", f'url = "{base}{route}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--config", type=Path, help="write a feeds.toml of every hostile route here")
    args = parser.parse_args()
    with serve_hostile(args.port) as server:
        if args.config:
            write_config(args.config, server.base, timeout_seconds=3, refresh_minutes=0)
            print(f"wrote {args.config}")
        print(f"serving hostile feeds on {server.base} (Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
