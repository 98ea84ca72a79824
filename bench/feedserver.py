"""The bench's HTTP server: serves the generated feeds from memory on 127.0.0.1, in a thread.

asyncio HTTP/1.1 with keep-alive and Content-Length, a strong ETag and a Last-Modified per feed;
If-None-Match (checked first, as RFC 9110 says) and If-Modified-Since give 304s. Every request
is logged, so a run can be checked for what it fetched.
"""

from __future__ import annotations

import asyncio
import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from typing import Self

from feedgen import FeedDoc, feed_path


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    status: int
    conditional: bool
    sent: int


class FeedServer:
    """Serves one published version of the feeds over HTTP/1.1 with keep-alive, from a thread."""

    def __init__(self, versions: dict[str, dict[str, FeedDoc]]) -> None:
        self.versions = versions
        self.docs = versions["base"]
        self.hits: list[Hit] = []
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def __enter__(self) -> Self:
        self._thread.start()
        self._ready.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    def url(self, feed: int) -> str:
        return f"http://127.0.0.1:{self.port}{feed_path(feed)}"

    def publish(self, version: str) -> None:
        self.docs = self.versions[version]

    def take_log(self) -> tuple[list[Hit], int]:
        """The requests and connections since the last call."""
        hits, self.hits = self.hits, []
        connections, self.connections = self.connections, 0
        return hits, connections

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=1024, limit=65536)
        )
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = lines[0].split(" ", 2)
                except ValueError:
                    writer.write(
                        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    return
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                if length := int(headers.get("content-length", "0") or 0):
                    await reader.readexactly(length)
                connection = headers.get("connection", "").lower()
                keep = (
                    "close" not in connection
                    if version == "HTTP/1.1"
                    else "keep-alive" in connection
                )
                writer.writelines(self._respond(method, target, headers, keep))
                await writer.drain()
                if not keep:
                    return
        finally:
            writer.close()

    def _respond(
        self, method: str, target: str, headers: dict[str, str], keep: bool
    ) -> list[bytes]:
        """The response to one request (head, then body), logged."""
        doc = self.docs.get(target.split("?", 1)[0])
        common = (
            f"Date: {formatdate(usegmt=True)}\r\nServer: bench\r\n"
            f"Connection: {'keep-alive' if keep else 'close'}\r\n"
        )
        if doc is None:
            self.hits.append(Hit(target, 404, False, 0))
            return [f"HTTP/1.1 404 Not Found\r\n{common}Content-Length: 0\r\n\r\n".encode()]
        inm, ims = headers.get("if-none-match"), headers.get("if-modified-since")
        validators = f"ETag: {doc.etag}\r\nLast-Modified: {doc.last_modified_http}\r\n"
        if _not_modified(doc, inm, ims):
            self.hits.append(Hit(target, 304, True, 0))
            return [f"HTTP/1.1 304 Not Modified\r\n{common}{validators}\r\n".encode()]
        body = doc.body if method != "HEAD" else b""
        self.hits.append(Hit(target, 200, bool(inm or ims), len(body)))
        head = (
            f"HTTP/1.1 200 OK\r\n{common}{validators}"
            f"Content-Type: application/rss+xml; charset=utf-8\r\nContent-Length: {len(doc.body)}\r\n\r\n"
        )
        return [head.encode(), body]


def _not_modified(doc: FeedDoc, inm: str | None, ims: str | None) -> bool:
    if inm is not None:  # If-None-Match wins over If-Modified-Since; weak comparison
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or doc.etag in tags
    if ims:
        try:
            return doc.last_modified <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


def server_check(server: FeedServer, feeds: int, threads: int) -> tuple[float, float]:
    """Seconds for a Python client to fetch all feeds over `threads` keep-alive connections: 200s, 304s."""

    def fetch_all(conditional: bool) -> float:
        paths = [feed_path(f) for f in range(feeds)]
        chunks = [paths[i::threads] for i in range(threads)]

        def worker(chunk: list[str]) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            for path in chunk:
                extra = {"If-None-Match": server.docs[path].etag} if conditional else {}
                conn.request("GET", path, headers=extra)
                response = conn.getresponse()
                response.read()
                if response.status != (304 if conditional else 200):
                    raise RuntimeError(f"bench server answered {response.status} for {path}")
            conn.close()

        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(worker, chunks))
        return time.perf_counter() - start

    fetch_all(False)  # warm-up
    full, cond = min(fetch_all(False) for _ in range(3)), min(fetch_all(True) for _ in range(3))
    server.take_log()
    return full, cond
