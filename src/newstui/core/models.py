"""Plain domain objects shared by every layer (no TinyDB, no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Feed:
    """One ``[[feed]]`` entry of feeds.toml."""

    name: str
    url: str
    topics: tuple[str, ...] = ()
    enabled: bool = True
    refresh_minutes: int | None = None  # overrides settings.refresh_minutes for this feed
    max_articles: int | None = None  # overrides settings.max_articles_per_feed
    max_age_days: int | None = None  # overrides settings.max_age_days (0: keep forever)
    full_text: str | None = None  # "auto", "always" or "never"; overrides settings.full_text
    categories: bool = True  # the articles' own categories give topics (false: ignored for this feed)
    exclude_topics: tuple[str, ...] = ()  # topics this feed's articles never get, whatever gives them


FULL_TEXT_MODES = ("auto", "always", "never")


@dataclass(frozen=True, slots=True)
class TopicRule:
    """A ``[topics.NAME]`` table: articles whose title or summary mention a keyword (whole words,
    any case) or match a regex get the topic, unless they mention an ``exclude`` word; ``feeds``
    limits the rule to those feeds; ``aliases`` are other names of the topic (an article's
    category "Technology" counts as the topic "tech")."""

    name: str
    keywords: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MuteRules:
    """The ``[mute]`` table: articles that mention a keyword, match a regex or come from one of
    the feeds are hidden (and the reader can show them, with the rule that hid each)."""

    keywords: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.keywords or self.regex or self.feeds)


@dataclass(frozen=True, slots=True)
class View:
    """A ``[views.NAME]`` table: a saved filter, listed with the topics and in the palette."""

    name: str
    topics: tuple[str, ...] = ()  # any of them
    feeds: tuple[str, ...] = ()  # any of them
    unread: bool = False
    starred: bool = False
    search: str = ""
    days: int = 0  # published in the last this many days (0: any time)


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[settings]`` table of feeds.toml, with defaults."""

    refresh_minutes: int = 30
    max_articles_per_feed: int = 500
    max_age_days: int = 0  # articles published longer ago are dropped (starred stay); 0 = never
    timeout_seconds: float = 20.0
    max_feed_bytes: int = 10_000_000
    concurrency: int = 8
    host_concurrency: int = 2
    mark_read_on_open: bool = True
    browser: str = ""
    full_text: str = "auto"  # fetch the article's page: "auto" (when the feed sends a teaser), "always", "never"
    group_stories: bool = True  # the headline list folds a story's articles into one row (c toggles)
    theme: str = ""  # a Textual theme name; "" = the last one chosen in the reader (else textual-dark)
    notify_command: str = ""  # run (no shell) with the count and titles when a background refresh brings news
    watch_topics: tuple[str, ...] = ()  # only news in these topics is announced (toast, notify_command); () = all


@dataclass(frozen=True, slots=True)
class Config:
    """Everything feeds.toml says, validated."""

    path: str
    settings: Settings = field(default_factory=Settings)
    feeds: tuple[Feed, ...] = ()
    topics: tuple[TopicRule, ...] = ()
    mute: MuteRules = field(default_factory=MuteRules)
    views: tuple[View, ...] = ()
    keys: tuple[tuple[str, str], ...] = ()  # [keys]: (binding id, "key,key") pairs, in file order

    def feed(self, name: str) -> Feed | None:
        return next((f for f in self.feeds if f.name == name), None)

    @property
    def declared_topics(self) -> tuple[str, ...]:
        """Topic names the config mentions, in the order they first appear."""
        seen: dict[str, None] = {}
        for rule in self.topics:
            seen.setdefault(rule.name, None)
        for feed in self.feeds:
            for topic in feed.topics:
                seen.setdefault(topic, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Article:
    """One news item, normalised from whatever feed format it came in.

    Text fields are already cleaned of control characters; ``summary`` and ``content`` are HTML
    as the feed sent it (rendered by :mod:`newstui.core.render`, never shown raw).
    """

    id: str
    feed: str
    title: str
    link: str = ""
    guid: str = ""
    author: str = ""
    published: datetime | None = None
    summary: str = ""
    content: str = ""
    categories: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    read: bool = False
    starred: bool = False
    fetched: datetime | None = None
    full_text: FullText | None = None  # the page's text, once fetched (or why it could not be)
    canonical: str = ""  # the feed's own canonical link for it (<link rel="canonical">, feedburner:origLink), if any

    @property
    def body_html(self) -> str:
        """The richest text the feed gave: full content if any, else the summary."""
        return self.content or self.summary


@dataclass(frozen=True, slots=True)
class FullText:
    """The main text of an article's page, fetched and extracted (or why that failed).

    ``html`` is the cleaned main text as simple HTML; ``error`` says in words why there is none
    ("the site refused to send the page (HTTP 403) ..."). A ``lasting`` failure (refused, gone,
    not an article) is kept in the store and not tried again by itself; a passing one (timeout,
    network, server error) is not stored.
    """

    url: str
    fetched: datetime
    html: str = ""
    error: str = ""
    lasting: bool = True
    title: str = ""
    byline: str = ""
    date: str = ""
    site: str = ""
    words: int = 0
    see_also: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def minutes(self) -> int:
        """Reading time at 230 words a minute, at least one minute."""
        return max(1, round(self.words / 230))


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """What the refreshes of one feed did so far; kept per feed in the store.

    ``url`` is the URL in feeds.toml; ``fetch_url`` the one actually requested, which differs after
    a permanent redirect (``moved_to``). ``retry_at`` is the earliest moment the server allows
    another request (Retry-After, or our backoff after repeated failures); ``next_due`` is when the
    automatic refresh fetches the feed again (refresh_minutes, the feed's <ttl>, Cache-Control).
    """

    feed: str
    url: str
    ok: bool
    checked_at: datetime
    http_status: int | None = None
    error: str = ""
    new_articles: int = 0
    last_success: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    unchanged: bool = False  # a 200 whose body hashed the same as the last one: not parsed again
    fetch_url: str = ""
    moved_to: str = ""
    redirected_to: str = ""
    failures: int = 0
    retry_at: datetime | None = None
    next_due: datetime | None = None
    warnings: tuple[str, ...] = ()
    fetch_seconds: float = 0.0
    parse_seconds: float = 0.0
    body_hash: str = ""
    ttl_minutes: int | None = None
    max_age_seconds: int | None = None
    title: str = ""
    entries: int = 0

    @property
    def summary(self) -> str:
        """One line for people: "ok, 3 new", "not modified", "HTTP 404 Not Found", "error: ..."."""
        if self.ok:
            if self.not_modified:
                text = "not modified"
            elif self.unchanged:
                text = "unchanged"
            else:
                text = f"ok, {self.new_articles} new"
            if self.moved_to:
                text += f"; moved permanently to {self.moved_to}"
            if self.warnings:
                text += f" (warning: {self.warnings[0]})"
            return text
        text = self.error or (f"HTTP {self.http_status}" if self.http_status else "failed")
        if self.failures > 1:
            text += f" ({self.failures} failures in a row)"
        return text
