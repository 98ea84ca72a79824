"""The feeds a web page advertises: ``<link rel="alternate" type="application/rss+xml" href=...>``.

Used when a feed URL turns out to be an HTML page (the error names the feeds to use instead), and
meant for ``newstui add`` given a site's address.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from newstui.core.text import clean_text

# Media type → the name people know the format by.
_KINDS = {
    "application/rss+xml": "RSS",
    "application/rdf+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/x.atom+xml": "Atom",
    "application/x-atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/json": "JSON Feed",
}
_MAX_HTML = 1_000_000  # <link> tags live in the head; a huge page is not read to its end


def advertised_feeds(html: bytes | str, base_url: str) -> list[tuple[str, str, str]]:
    """``(url, kind, title)`` of each feed the page links to, in page order, without repeats.

    ``kind`` is "RSS", "Atom" or "JSON Feed"; ``title`` may be "". Relative hrefs resolve against
    the page's ``<base href>``, else ``base_url``; only http(s) URLs are kept.
    """
    if isinstance(html, bytes):
        from newstui.core.charset import decode_body

        html = decode_body(html[:_MAX_HTML]).text
    finder = _LinkFinder(base_url)
    try:
        finder.feed(html[:_MAX_HTML])
        finder.close()
    except _HeadEnded:
        pass
    return finder.found


def not_a_feed_message(html: str, url: str) -> str:
    """The error for a feed URL that returned an HTML page: which feeds to use instead."""
    feeds = advertised_feeds(html, url)
    if feeds:
        listed = ", ".join(_describe(*feed) for feed in feeds)
        return (
            f"not a feed: the URL returned an HTML page; it advertises these feeds: {listed}. "
            "Put one of them in feeds.toml as the url."
        )
    parts = urlsplit(url) if url.lower().startswith(("http://", "https://")) else None
    where = f"{parts.scheme}://{parts.netloc}" if parts else ""
    return (
        "not a feed: the URL returned an HTML page, and it advertises no feed. "
        f"Sites often serve theirs at {where}/feed or {where}/rss; put that in feeds.toml as the url."
    )


def _describe(url: str, kind: str, title: str) -> str:
    return f'{url} ({kind} "{title}")' if title else f"{url} ({kind})"


class _HeadEnded(Exception):
    """Raised to stop parsing at ``<body>``: feed links belong to the head."""


class _LinkFinder(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self.found: list[tuple[str, str, str]] = []
        self._seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and self.found:
            raise _HeadEnded
        values = {name: value or "" for name, value in attrs}
        if tag == "base" and values.get("href"):
            self.base = _join(self.base, clean_text(values["href"])) or self.base
            return
        if tag != "link" or "alternate" not in values.get("rel", "").lower().split():
            return
        kind = _KINDS.get(values.get("type", "").split(";")[0].strip().lower())
        href = clean_text(values.get("href", ""))
        if not kind or not href:
            return
        url = _join(self.base, href)
        if not url.lower().startswith(("http://", "https://")) or url in self._seen:
            return
        self._seen.add(url)
        self.found.append((url, kind, clean_text(values.get("title", ""))))

    handle_startendtag = handle_starttag


def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:  # a malformed IPv6 host
        return ""
