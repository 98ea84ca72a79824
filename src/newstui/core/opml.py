"""OPML subscription lists, both ways: any reader's export → feeds, and feeds → OPML 2.0.

Reading is safe against what strangers' files can hold: the bytes are decoded by
:mod:`newstui.core.charset` (any declared encoding, a BOM, or none), then parsed by the standard
library's expat with every entity declaration refused (no "billion laughs", no external entities,
nothing fetched); a file larger than :data:`MAX_OPML_BYTES` is refused before parsing. HTML named
entities (``&nbsp;``) and bare ampersands in URLs, common in hand-made lists, are repaired first.
The outline tree is walked without recursion, so deep nesting cannot exhaust the stack.

Topics (see docs/opml-and-adding.md):

* **reading** — a feed outline (one with ``xmlUrl``) gets the labels of the folder outlines around
  it (``text``, else ``title``; at most :data:`MAX_FOLDER_DEPTH` levels), then its ``category``
  attribute: a comma-separated list in which each entry is a tag (``News``) or a slash path
  (``/Tech/Linux``), every segment of which becomes a topic. When the outline carries
  ``newstui:topics`` (written by :func:`write_opml` when a topic holds ``,`` or ``/``), that exact
  list is used instead.
* **writing** — feeds stay in feeds.toml order. A feed with topics sits inside a folder outline
  named after its first topic (consecutive feeds with the same first topic share one folder) and
  lists all its topics in ``category``. Disabled feeds and per-feed settings travel as
  ``newstui:*`` attributes, which other readers ignore.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import xml.parsers.expat
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from newstui.core.config import normalise_topic
from newstui.core.models import Feed
from newstui.core.text import clean_text

__all__ = [
    "NAMESPACE",
    "OpmlDocument",
    "OpmlEntry",
    "OpmlError",
    "OpmlSkip",
    "name_for",
    "parse_opml",
    "read_opml",
    "write_opml",
]

NAMESPACE = "https://pypi.org/project/newstui/#opml"  # an identifier, never fetched
MAX_OPML_BYTES = 20_000_000  # a list of 50,000 feeds is ~10 MB
MAX_FOLDER_DEPTH = 32  # folder labels deeper than this are not made topics
MAX_TOPICS = 20  # per feed
MAX_NAME = 200  # characters of a feed name or topic
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_BARE_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z_][\w.-]*);)")
_ESCAPED_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NS_SEP = "\x1f"  # expat joins a namespace URI and a local name with this


class OpmlError(Exception):
    """A file that is not a usable OPML subscription list; ``str()`` says why (no path)."""


@dataclass(frozen=True, slots=True)
class OpmlEntry:
    """One feed outline: the feed it describes and the line it is on.

    ``feed.name`` is the outline's ``text``, else its ``title``, else "" (the importer makes one
    from the URL); ``feed.url`` is the ``xmlUrl`` as written (cleaned, not checked).
    """

    feed: Feed
    line: int
    html_url: str = ""


@dataclass(frozen=True, slots=True)
class OpmlSkip:
    """An outline that looks like a subscription but cannot become a feed."""

    line: int
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class OpmlDocument:
    title: str
    entries: tuple[OpmlEntry, ...]
    skipped: tuple[OpmlSkip, ...] = ()
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- reading


def read_opml(path: str | Path) -> OpmlDocument:
    """Read and parse the OPML file at ``path``; :class:`OpmlError` or :class:`OSError` on failure."""
    file = Path(path).expanduser()
    size = file.stat().st_size
    if size > MAX_OPML_BYTES:
        raise OpmlError(_too_big(size))
    return parse_opml(file.read_bytes())


def parse_opml(data: bytes) -> OpmlDocument:
    """The feeds of an OPML document, whatever its encoding; :class:`OpmlError` if unusable."""
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(_too_big(len(data)))
    from newstui.core.charset import decode_body

    text = decode_body(data).text.lstrip("\ufeff")
    if not text.strip():
        raise OpmlError("the file is empty")
    text = _repair(text)
    reader = _Reader()
    # Documents are handed to expat as UTF-8, whatever their declaration says (it was honoured
    # when decoding); the namespace separator lets newstui's own attributes be told apart.
    parser = xml.parsers.expat.ParserCreate(encoding="utf-8", namespace_separator=_NS_SEP)
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = lambda name, attrs: reader.start(name, attrs, parser.CurrentLineNumber)
    parser.EndElementHandler = lambda name: reader.end()
    parser.CharacterDataHandler = reader.characters
    try:
        parser.Parse(text.encode("utf-8", errors="replace"), True)
    except xml.parsers.expat.ExpatError as exc:
        detail = xml.parsers.expat.ErrorString(exc.code)
        raise OpmlError(
            f"not well-formed XML at line {exc.lineno}, column {exc.offset + 1} ({detail})"
        ) from None
    if reader.root is None:
        raise OpmlError("no XML element found")
    if reader.root != "opml":
        raise OpmlError(f"not an OPML file: the document is <{reader.root[:40]}>, not <opml>")
    if not reader.saw_body:
        raise OpmlError("the <opml> document has no <body>, so it lists no feeds")
    return OpmlDocument(
        reader.title, tuple(reader.entries), tuple(reader.skipped), tuple(reader.warnings)
    )


def name_for(entry: OpmlEntry) -> str:
    """The feed's name: the outline's own, else its URL's host and path (``example.com/feed``)."""
    if entry.feed.name:
        return entry.feed.name
    parts = urlsplit(entry.feed.url)
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        path = parts.path.rstrip("/")
        name = parts.hostname.removeprefix("www.") + path + (f"?{parts.query}" if parts.query else "")
    else:
        name = entry.feed.url
    return clean_text(name)[:MAX_NAME]


def _too_big(size: int) -> str:
    return (f"the file is {size:,} bytes, more than the {MAX_OPML_BYTES:,} bytes an OPML "
            "subscription list is allowed")


def _refuse_entities(name: str, *args: object) -> None:
    raise OpmlError(
        f"the file declares an XML entity ({name!r}); subscription lists never need one, and "
        "entities can hide expansion bombs, so the file is refused"
    )


def _refuse_external(*args: object) -> int:
    raise OpmlError("the file refers to an external entity; it is not read")


def _repair(text: str) -> str:
    """HTML named entities (``&eacute;``) as character references, and bare ``&`` as ``&amp;``."""
    if "&" not in text:
        return text

    def named(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        known = html.unescape(match.group(0))
        if known == match.group(0):
            return "&amp;" + match.group(0)[1:]  # unknown name: keep it as text
        return "".join(f"&#{ord(ch)};" for ch in known)

    return _BARE_AMPERSAND.sub("&amp;", _NAMED_ENTITY.sub(named, text))


@dataclass
class _Reader:
    """expat callbacks: tracks where we are (root, head/title, body, folders) with a stack."""

    root: str | None = None
    title: str = ""
    saw_body: bool = False
    entries: list[OpmlEntry] = field(default_factory=list)
    skipped: list[OpmlSkip] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # One item per open element: its local name and, for a folder outline, its topic ("" if none).
    stack: list[tuple[str, str]] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # topics of the open folder outlines
    title_parts: list[str] | None = None  # text of <head><title> while it is open
    body_open: bool = False

    def start(self, name: str, attrs: dict[str, str], line: int) -> None:
        local = name.rsplit(_NS_SEP, 1)[-1]
        parent = self.stack[-1][0] if self.stack else None
        if parent is None:
            self.root = local
        folder = ""
        if local == "body" and parent == "opml":
            self.saw_body = self.body_open = True
        elif local == "title" and parent == "head" and len(self.stack) == 2 and not self.title:
            self.title_parts = []
        elif local == "outline" and self.body_open:
            folder = self.outline(attrs, line)
        self.stack.append((local, folder))
        if folder:
            self.folders.append(folder)

    def end(self) -> None:
        local, folder = self.stack.pop()
        if folder:
            self.folders.pop()
        if local == "body" and len(self.stack) == 1:
            self.body_open = False
        if local == "title" and self.title_parts is not None:
            self.title = _text("".join(self.title_parts))[:MAX_NAME]
            self.title_parts = None

    def characters(self, data: str) -> None:
        if self.title_parts is not None and len(self.title_parts) < 1000:
            self.title_parts.append(data)

    def outline(self, attrs: dict[str, str], line: int) -> str:
        """Record a feed outline; for a folder, return the topic it gives the feeds inside it."""
        plain: dict[str, str] = {}
        ours: dict[str, str] = {}
        for key, value in attrs.items():
            uri, _, local = key.rpartition(_NS_SEP)
            if not uri:
                plain.setdefault(key.lower(), value)
            elif uri == NAMESPACE:
                ours[local] = value
        label = _text(plain.get("text", "")) or _text(plain.get("title", ""))
        url = _feed_scheme(_plain(plain.get("xmlurl", "")))
        if not url:
            site = _plain(plain.get("htmlurl", ""))
            if site:
                self.skipped.append(OpmlSkip(line, label or site, (
                    f"it has no xmlUrl, only the web site {site}; run `newstui add {site}` to "
                    "find its feed")))
                return ""
            if plain.get("type", "").lower() in ("rss", "atom"):
                self.skipped.append(OpmlSkip(line, label or "(untitled)",
                                             "a feed outline without an xmlUrl"))
                return ""
            if len(self.folders) >= MAX_FOLDER_DEPTH:
                return ""
            return normalise_topic(label)[:MAX_NAME] or ""
        self.entries.append(self.entry(label, url, plain, ours, line))
        return ""

    def entry(self, label: str, url: str, plain: dict[str, str], ours: dict[str, str],
              line: int) -> OpmlEntry:
        exact = _json_topics(ours.get("topics"))
        if exact is not None:
            topics = exact
        else:
            topics = [*self.folders, *_category_topics(plain.get("category", ""))]
        unique = list(dict.fromkeys(t[:MAX_NAME] for t in topics if t))
        if len(unique) > MAX_TOPICS:
            self.warnings.append(f"line {line}: {label or url}: only the first {MAX_TOPICS} "
                                 f"of its {len(unique)} topics are kept")
        settings, problems = _settings(ours)
        for problem in problems:
            self.warnings.append(f"line {line}: {label or url}: {problem}")
        feed = Feed(name=label[:MAX_NAME], url=url, topics=tuple(unique[:MAX_TOPICS]), **settings)
        return OpmlEntry(feed, line, _plain(plain.get("htmlurl", "")))


def _feed_scheme(url: str) -> str:
    """Old exports write ``feed://host/rss`` or ``feed:https://host/rss``: the http(s) URL meant."""
    lower = url.lower()
    if lower.startswith("feed://"):
        return "http://" + url[7:]
    if lower.startswith(("feed:http://", "feed:https://")):
        return url[5:]
    return url


def _plain(value: str) -> str:
    """One clean line: no control, format (bidi, zero-width) or line-separator character, which
    feeds.toml refuses (a zero-width joiner inside an emoji stays), runs of spaces as one."""
    value = clean_text(value)
    if not value.isascii():
        value = "".join(ch for ch in value if ch == "\u200d" or unicodedata.category(ch)
                        not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
        value = " ".join(value.split())
    return value


def _text(value: str) -> str:
    """An attribute's text as one clean line; entities that were escaped twice are decoded."""
    value = _plain(value)
    if "&" in value:
        value = _ESCAPED_ENTITY.sub(lambda m: html.unescape(m.group(0)), value)
        value = _plain(value)
    return value


def _category_topics(category: str) -> list[str]:
    """``"/Tech/Linux,News"`` → ``["tech", "linux", "news"]``: tags and every path segment."""
    topics: list[str] = []
    for entry in category.split(","):
        for segment in entry.split("/"):
            topic = normalise_topic(_text(segment))
            if topic:
                topics.append(topic)
    return topics


def _json_topics(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        return None
    return [normalise_topic(_plain(t)) for t in value]


def _settings(ours: dict[str, str]) -> tuple[dict[str, object], list[str]]:
    """The other keys of a feed (``enabled``, ``refresh_minutes``, ...: every field of
    :class:`Feed` but name, url and topics) from ``newstui:*`` attributes, read by the field's type.
    A value that is not of that type is dropped, with a note; feeds.toml checks the rest."""
    from newstui.core.feeds_file import extra_keys

    kinds = {f.name: str(f.type) for f in fields(Feed)}
    values: dict[str, object] = {}
    problems: list[str] = []
    for key in extra_keys():
        raw = ours.get(key)
        if raw is None:
            continue
        value = _typed(raw.strip(), kinds[key])
        if value is None:
            problems.append(f"newstui:{key}={raw[:20]!r} ignored (not {kinds[key]})")
        else:
            values[key] = value
    return values, problems


def _typed(raw: str, kind: str) -> object:
    """``raw`` read as ``kind`` (a field's annotation: "bool", "int | None", "tuple[str, ...]",
    "str | None"); None when it is not one."""
    if kind.startswith("bool"):
        return {"true": True, "false": False}.get(raw.lower())
    if kind.startswith("tuple"):
        listed = _json_topics(raw)
        return tuple(listed) if listed is not None else None
    if kind.startswith("int"):
        return int(raw) if re.fullmatch(r"-?[0-9]{1,12}", raw) else None
    if kind.startswith("str"):
        return _plain(raw) or None
    return None


# --------------------------------------------------------------------------- writing


def write_opml(feeds: Iterable[Feed], *, title: str = "newstui feeds") -> str:
    """OPML 2.0 text for ``feeds`` (every one, disabled ones too), which :func:`parse_opml` reads
    back to the same names, URLs, topics and settings. No date is written: the same feeds give
    the same file."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<opml version="2.0" xmlns:newstui="{NAMESPACE}">',
        "  <head>",
        f"    <title>{_escape(title)}</title>",
        "    <docs>http://opml.org/spec2.opml</docs>",
        "  </head>",
        "  <body>",
    ]
    folder = None
    for feed in feeds:
        first = feed.topics[0] if feed.topics else None
        if first != folder:
            if folder is not None:
                lines.append("    </outline>")
            if first is not None:
                lines.append(f'    <outline text="{_escape(first)}" title="{_escape(first)}">')
            folder = first
        indent = "      " if folder is not None else "    "
        lines.append(indent + _feed_outline(feed))
    if folder is not None:
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _feed_outline(feed: Feed) -> str:
    attrs = [("type", "rss"), ("text", feed.name), ("title", feed.name), ("xmlUrl", _xml_url(feed.url))]
    plain = [t for t in feed.topics if "," not in t and "/" not in t]
    if plain:
        attrs.append(("category", ",".join(plain)))
    if len(plain) != len(feed.topics):
        attrs.append(("newstui:topics", json.dumps(list(feed.topics), ensure_ascii=False)))
    from newstui.core.feeds_file import feed_block

    for key, value in list(feed_block(feed).items())[3 if feed.topics else 2:]:
        if isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, list):
            value = json.dumps(value, ensure_ascii=False)
        attrs.append((f"newstui:{key}", str(value)))
    return "<outline " + " ".join(f'{k}="{_escape(v)}"' for k, v in attrs) + "/>"


def _xml_url(url: str) -> str:
    """A feed's address as a URL: local paths become ``file://`` URLs."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https", "file"):
        return url
    path = Path(url)
    return path.as_uri() if path.is_absolute() else url


def _escape(value: str) -> str:
    value = _NOT_XML_CHAR.sub("", value)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    )
