"""Getting feed bytes: HTTP(S) with conditional GET and caps, or a local file.

A fetch never raises for anything a server or the network can do; it returns a
:class:`FetchResult` whose ``error`` says what went wrong in words.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace
from datetime import UTC
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx

from newstui import __version__

USER_AGENT = f"newstui/{__version__} (terminal news reader; +https://pypi.org/project/newstui/)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 7 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch got. ``body`` is None on 304 and on errors."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    error: str = ""
    elapsed: float = 0.0
    retry_after: float | None = None  # seconds the server asked us to wait (429/503 Retry-After)
    max_age: int | None = None  # Cache-Control: max-age, in seconds
    moved_to: str = ""  # where a chain of permanent redirects (301/308) from ``url`` leads

    @property
    def redirected(self) -> bool:
        return self.final_url != self.url

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def local_path(url: str) -> Path:
    """The filesystem path of a ``file://`` URL or a plain path."""
    if url.lower().startswith("file://"):
        parts = urlsplit(url)
        return Path(url2pathname(unquote(parts.path)))
    return Path(url).expanduser()


def make_client(timeout: float = 20.0, concurrency: int = 8) -> httpx.AsyncClient:
    """One shared client: connection pooling, redirects followed (at most 5), our User-Agent."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
        limits=httpx.Limits(max_connections=max(concurrency, 1) * 2),
    )


async def fetch(
    client: httpx.AsyncClient | None,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 10_000_000,
    timeout: float = 20.0,
) -> FetchResult:
    """Fetch ``url`` (http, https, file or a path), sending validators for a conditional GET."""
    started = time.perf_counter()
    if is_http(url):
        if client is None:
            raise ValueError("fetching an http(s) URL needs a client (see make_client)")
        result = await _fetch_http(client, url, etag, last_modified, max_bytes, timeout)
    else:
        result = await asyncio.to_thread(_read_file, url, max_bytes)
    return replace(result, elapsed=time.perf_counter() - started)


async def _fetch_http(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    timeout: float,
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        # The whole fetch, body included, must end within the timeout: a server that trickles
        # one byte a second is cut off rather than holding a connection forever.
        async with asyncio.timeout(timeout):
            async with client.stream("GET", url, headers=headers) as response:
                final_url = str(response.url)
                status = response.status_code
                common = dict(
                    url=url,
                    final_url=final_url,
                    status=status,
                    content_type=response.headers.get("content-type", ""),
                    # Validators are kept exactly as received (weak "W/" prefix and quotes too).
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    max_age=cache_max_age(response.headers.get("cache-control", "")),
                    moved_to=_permanent_target(url, response),
                )
                if status == 304:
                    return FetchResult(**common)
                if status >= 400:
                    reason = response.reason_phrase or ""
                    error = f"HTTP {status} {reason}".strip()
                    wait = None
                    if status in (429, 503):
                        wait = retry_after_seconds(response.headers.get("retry-after", ""))
                        if wait is not None:
                            error += f"; the server asks us to wait {_duration(wait)}"
                    return FetchResult(**common, error=error, retry_after=wait)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    return FetchResult(**common, error=_too_big(max_bytes))
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        return FetchResult(**common, error=_too_big(max_bytes))
                    chunks.append(chunk)
                return FetchResult(**common, body=b"".join(chunks))
    except TimeoutError:
        return FetchResult(url, url, error=f"timed out after {timeout:g} s")
    except httpx.TooManyRedirects:
        return FetchResult(url, url, error=f"too many redirects (more than {MAX_REDIRECTS})")
    except httpx.TimeoutException:
        return FetchResult(url, url, error=f"timed out after {timeout:g} s")
    except httpx.ConnectError as exc:
        return FetchResult(url, url, error=_connect_error(url, exc))
    except httpx.HTTPError as exc:
        return FetchResult(url, url, error=f"network error: {_reason(exc)}")
    except (OSError, ValueError) as exc:
        return FetchResult(url, url, error=f"network error: {_reason(exc)}")


def _read_file(url: str, max_bytes: int) -> FetchResult:
    path = local_path(url)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return FetchResult(url, url, error=_too_big(max_bytes))
        return FetchResult(url, url, body=path.read_bytes())
    except FileNotFoundError:
        return FetchResult(url, url, error=f"file not found: {path}")
    except IsADirectoryError:
        return FetchResult(url, url, error=f"is a directory, not a feed file: {path}")
    except OSError as exc:
        return FetchResult(url, url, error=f"cannot read {path}: {exc.strerror or exc}")


def _permanent_target(url: str, response: httpx.Response) -> str:
    """The URL a feed has permanently moved to: the chain of 301/308 redirects from ``url`` up to
    the first temporary one (a 302/307 says "keep asking the old address")."""
    target = ""
    for hop in response.history:
        if hop.status_code not in (301, 308):
            break
        location = hop.headers.get("location")
        if not location:
            break
        target = str(hop.url.join(location))
    return target if target and target != url else ""


def retry_after_seconds(value: str, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None when absent or junk.

    Capped at a week, so a broken header cannot silence a feed for ever.
    """
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def cache_max_age(value: str) -> int | None:
    """``max-age`` of a Cache-Control header, in seconds (None with no-cache/no-store or none)."""
    max_age = None
    for part in value.lower().split(","):
        name, _, arg = part.strip().partition("=")
        if name in ("no-cache", "no-store"):
            return None
        if name == "max-age":
            arg = arg.strip().strip('"')
            if arg.isdigit():
                max_age = int(arg)
    return max_age


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _too_big(max_bytes: int) -> str:
    return f"feed is larger than the {max_bytes:,}-byte cap (settings.max_feed_bytes)"


def _connect_error(url: str, exc: BaseException) -> str:
    """Connection failures in words a reader can act on."""
    host = urlsplit(url).hostname or url
    text = str(exc)
    if any(s in text for s in ("Name or service not known", "nodename nor servname", "name resolution",
                               "No address associated")):
        return f"cannot connect: host {host} not found (check the URL, or your network/DNS)"
    if "Connection refused" in text:
        return f"cannot connect: {host} refused the connection"
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"cannot connect: TLS/certificate error with {host}: {_reason(exc)}"
    return f"cannot connect to {host}: {_reason(exc)}"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__
