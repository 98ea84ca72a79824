"""A fast path for well-formed RSS and Atom: lxml instead of feedparser's SAX handlers.

feedparser spends 50-80 ms on a 120 KB feed of 50 items (a Python callback per element and per
text chunk); with lxml the whole parse_feed of it takes ~11 ms. A refresh of hundreds of feeds is
mostly parsing, so this is what makes it fast.

It returns entries shaped like feedparser's (``title``, ``link``, ``id``, raw dates, ``summary``,
``content``, ``tags``, ``author_detail``...), built by the same rules feedparser applies to
well-formed feeds, so :mod:`newstui.core.parse` treats both alike and an article gets the same id
whichever path read it. Anything unusual returns None and feedparser takes over: XML that is not
well-formed (feedparser recovers what it can), undeclared HTML entities, a DOCTYPE, xml:base,
base64, an element feedparser would read that this module does not. ``tests/unit/test_fastfeed.py``
checks that both paths give the same articles on every fixture and on the shared corpus.
"""

from __future__ import annotations

import html.entities
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from newstui.core.feedparser_tables import ACCEPTABLE_ELEMENTS, CP1252, HANDLED, PREFIXES

if TYPE_CHECKING:
    from lxml import etree

ATOM10 = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS10 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
XHTML = "http://www.w3.org/1999/xhtml"
# feedburner:origLink, the item's own URL when FeedBurner rewrote <link> (feedparser matches the
# namespace without regard to case, and files it as "feedburner_origlink").
ORIGLINK = "{http://rssnamespace.org/feedburner/ext/1.0}origlink"

_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)
_CLOSE_TAG = re.compile(r"</(\w+)>")
_ENTITY = re.compile(r"&#?\w+;")
_ANY_TAG = re.compile(r"</?(\w+)")
_NAMED_ENTITY = re.compile(r"&(\w+);")
_XML_BASE_OR_BASE64 = re.compile(rb"xml:base\s*=|mode\s*=\s*[\"']base64")
_HTML_TYPES = {"text/html", "application/xhtml+xml", "html", "xhtml"}


def _parser() -> etree.XMLParser:
    from lxml import etree

    # No DTDs, no entity expansion, no network: a feed can't read local files (XXE) or expand
    # a billion laughs. A fresh parser per call: lxml parsers are not shared across threads.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True, recover=False,
    )


def fast_parse(data: bytes | str) -> dict[str, Any] | None:
    """Parse a well-formed RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 document, or return None."""
    if isinstance(data, str):
        # lxml refuses str input with an encoding declaration; the text is decoded already.
        data = data.encode("utf-8")
        data = re.sub(rb"^\s*<\?xml[^>]*\?>", b'<?xml version="1.0" encoding="utf-8"?>', data, count=1)
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in head:
        return None
    if _XML_BASE_OR_BASE64.search(data):
        return None  # feedparser rewrites URLs inside the HTML against xml:base; decodes base64
    from lxml import etree  # imported on first use: a refresh of 304s never needs it

    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    utf8 = (root.getroottree().docinfo.encoding or "utf-8").lower() in ("utf-8", "utf8")
    reader = _Reader(utf8)
    tag = root.tag
    try:
        if tag == "rss":
            return reader.rss(root)
        if tag == f"{{{ATOM10}}}feed":
            return reader.atom(root, ATOM10)
        if tag == f"{{{ATOM03}}}feed":
            return reader.atom(root, ATOM03)
        if tag == f"{{{RDF}}}RDF":
            return reader.rdf(root)
    except _Unusual:
        return None
    return None


class _Unusual(Exception):
    """Something feedparser handles by rules too intricate to copy: let it."""


# Elements feedparser reads but whose values newstui never uses: harmless on the fast path.
_HARMLESS = frozenset({
    "enclosure", "comments", "source", "media_content", "media_thumbnail", "media_player",
    "media_rating", "media_restriction", "media_license", "media_credit", "media_price",
    "media_hash", "media_text", "media_peerlink", "media_status", "media_embed", "media_copyright",
    "itunes_image", "itunes_duration", "itunes_explicit", "itunes_block", "itunes_episode",
    "itunes_episodetype", "itunes_season", "itunes_subtitle", "itunes_link", "itunes_owner",
    "slash_comments", "wfw_comment", "wfw_commentrss", "georss_point", "georss_line",
    "georss_polygon", "georss_box", "georss_where", "gml_point", "gml_pos", "geo_lat", "geo_long",
    "geo_point", "cc_license", "creativecommons_license", "rights", "copyright", "dc_rights",
    "thr_total", "thr_in-reply-to", "license", "psc_chapters", "psc_chapter", "feedburner_browserfriendly",
})


class _Reader:
    def __init__(self, utf8: bool) -> None:
        self.utf8 = utf8

    @staticmethod
    def _looks_like_html(value: str) -> bool:
        """feedparser's guess that an RSS text element holds HTML (a close tag or an entity, and
        only tags it knows)."""
        if not (_CLOSE_TAG.search(value) or _ENTITY.search(value)):
            return False
        if any(t.lower() not in ACCEPTABLE_ELEMENTS for t in _ANY_TAG.findall(value)):
            return False
        return all(e in html.entities.entitydefs for e in _NAMED_ENTITY.findall(value))

    def guard(self, element: etree._Element, known: frozenset[str]) -> None:
        """Fall back to feedparser if ``element`` holds anything feedparser would read that we
        don't: a media:description standing in for a summary, an itunes:author...)."""
        for child in element.iter():
            tag = child.tag
            if child is element or not isinstance(tag, str):
                continue
            if tag.startswith("{"):
                uri, local = tag[1:].split("}", 1)
                prefix = PREFIXES.get(uri.lower())
                if prefix is None:
                    continue  # a namespace feedparser does not know: it keeps it under its own name
                name = f"{prefix}_{local}" if prefix else local
            else:
                name = tag
            name = name.lower()
            if name in known or name in _HARMLESS:
                continue
            if name in HANDLED:
                raise _Unusual

    # -- text as feedparser delivers it ----------------------------------------------------------

    def text(self, value: str) -> str:
        value = value.strip()
        if self.utf8:
            # feedparser undoes UTF-8 read as Latin-1 ("cafÃ©" → "café"); do the same.
            try:
                value = value.encode("iso-8859-1").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
        return value.translate(CP1252)

    def plain(self, element: etree._Element | None) -> str:
        if element is None:
            return ""
        if len(element):
            raise _Unusual  # markup inside an element that should hold text
        return self.text(element.text or "")

    def date(self, entry: dict[str, Any], key: str, element: etree._Element) -> None:
        """The raw date under ``key``: parse.py reads it (with feedparser's reader as fallback)."""
        entry[key] = self.plain(element)

    def author(self, entry: dict[str, Any], value: str) -> None:
        """feedparser's split of ``mail@example.com (Name)`` into name and email."""
        if not value:
            return
        entry["author"] = value
        author, email = value, None
        match = _EMAIL.search(author)
        if match:
            email = match.group(0)
            author = author.replace(email, "").replace("()", "").replace("<>", "")
            author = author.replace("&lt;&gt;", "").strip()
            if author and author[0] == "(":
                author = author[1:]
            if author and author[-1] == ")":
                author = author[:-1]
            author = author.strip()
        detail: dict[str, str] = {}
        if author:
            detail["name"] = author
        if email:
            detail["email"] = email
        if detail:
            entry["author_detail"] = detail

    def tag(self, entry: dict[str, Any], term: str | None, scheme: str | None, label: str | None) -> None:
        if not term and not scheme and not label:
            return
        value = {"term": term, "scheme": scheme, "label": label}
        tags = entry.setdefault("tags", [])
        if value not in tags:
            tags.append(value)

    @staticmethod
    def resolve(element: etree._Element, value: str) -> str:
        base = element.base
        return urljoin(base, value) if base and value else value

    def link_text(self, element: etree._Element) -> str:
        value = self.resolve(element, self.plain(element))
        value = value.replace("&amp;", "&")
        return re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)

    def rss_text(self, element: etree._Element, kind: str) -> tuple[str, str]:
        """An RSS text element and its content type, as feedparser guesses it."""
        value = self.plain(element)
        if kind == "text/plain" and self._looks_like_html(value):
            kind = "text/html"
        return value, kind

    # -- RSS 2.0 / 0.9x and RSS 1.0 / 0.90 -------------------------------------------------------

    def rss(self, root: etree._Element) -> dict[str, Any]:
        channel = root.find("channel")
        if channel is None:
            raise _Unusual
        items = channel.findall("item") or root.findall("item")
        feed = self.channel(channel, "")
        return {"feed": feed, "entries": [self.item(i, "") for i in items], "version": "rss20", "bozo": False}

    def rdf(self, root: etree._Element) -> dict[str, Any]:
        ns = RSS090
        if root.find(f"{{{RSS10}}}item") is not None or root.find(f"{{{RSS10}}}channel") is not None:
            ns = RSS10
        channel = root.find(f"{{{ns}}}channel")
        if channel is None:
            raise _Unusual
        feed = self.channel(channel, f"{{{ns}}}")
        entries = [self.item(i, f"{{{ns}}}") for i in root.findall(f"{{{ns}}}item")]
        version = "rss10" if ns == RSS10 else "rss090"
        return {"feed": feed, "entries": entries, "version": version, "bozo": False}

    def channel(self, channel: etree._Element, ns: str) -> dict[str, Any]:
        feed: dict[str, Any] = {}
        for child in channel:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            local = tag[len(ns):] if ns and tag.startswith(ns) else tag
            if local == "title" or tag == f"{{{DC}}}title":
                if not feed.get("title"):  # the first title that says something wins
                    value, kind = self.rss_text(child, "text/plain")
                    feed["title"], feed["title_detail"] = value, {"type": kind}
            elif local == "link":
                if child.attrib:
                    raise _Unusual  # an Atom-style link: feedparser's rules
                feed["link"] = self.link_text(child)  # the last one wins, as in feedparser
            elif tag in (f"{{{ATOM10}}}link", f"{{{ATOM03}}}link"):
                rel = child.get("rel", "alternate")
                kind = child.get("type", "text/html")
                href = child.get("href")
                if rel == "alternate" and kind in _HTML_TYPES and href is not None:
                    feed["link"] = self.resolve(child, href.strip())
            elif local == "ttl":
                feed["ttl"] = self.plain(child)
        return feed

    def item(self, item: etree._Element, ns: str) -> dict[str, Any]:
        self.guard(item, _RSS_KNOWN)
        entry: dict[str, Any] = {}
        about = item.get(f"{{{RDF}}}about")
        if about:
            entry["id"] = about
        guid_is_link = False
        described = False
        for child in item:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            local = tag[len(ns):] if ns and tag.startswith(ns) else tag
            if local == "title":
                if "title" not in entry:
                    value, kind = self.rss_text(child, "text/plain")
                    if value:
                        entry["title"], entry["title_detail"] = value, {"type": kind}
            elif local == "link":
                if child.attrib:
                    raise _Unusual  # an Atom-style link: feedparser's rules
                entry["link"] = self.link_text(child)
                entry.setdefault("links", []).append({"rel": "alternate", "href": entry["link"]})
            elif local == "guid":
                guid_is_link = child.get("isPermaLink", "true") == "true"
                entry["id"] = self.plain(child)
                if guid_is_link and "link" not in entry:
                    entry["link"] = entry["id"]  # feedparser copies a permalink guid (see parse._entry)
            elif local == "pubDate" or tag == f"{{{DCTERMS}}}issued":
                self.date(entry, "published", child)
            elif tag in (f"{{{DC}}}date", f"{{{DCTERMS}}}modified"):
                self.date(entry, "updated", child)
            elif tag == f"{{{DCTERMS}}}created":
                self.date(entry, "created", child)
            elif local == "description":
                if described:
                    raise _Unusual  # feedparser turns a second description into content
                described = True
                entry["summary"], _ = self.rss_text(child, "text/html")
            elif tag == f"{{{CONTENT}}}encoded":
                value, _ = self.rss_text(child, "text/html")
                entry.setdefault("content", []).append({"value": value, "type": "text/html"})
                entry.setdefault("summary", value)
            elif local == "category" or tag == f"{{{DC}}}subject":
                self.tag(entry, self.plain(child) or None, child.get("domain"), None)
            elif local == "author" or tag in (f"{{{DC}}}creator", f"{{{DC}}}author"):
                if "author" in entry:
                    raise _Unusual  # several authors: feedparser's rules
                self.author(entry, self.plain(child))
            elif tag in (f"{{{ATOM10}}}link", f"{{{ATOM03}}}link"):
                # Only <atom:link rel="canonical"> is read: feedparser lists it among the links
                # (parse.py takes the canonical link from there). Other rels are not read here.
                rel = child.get("rel", "alternate")
                if rel.strip().lower() == "canonical":
                    href = child.get("href")
                    if href is None:
                        raise _Unusual  # feedparser would read the element's text instead
                    link = {"rel": rel, "href": self.resolve(child, href)}
                    entry.setdefault("links", []).append(link)
            elif tag.lower() == ORIGLINK:
                entry["feedburner_origlink"] = self.plain(child)  # the last one wins
        return entry

    # -- Atom 1.0 / 0.3 ---------------------------------------------------------------------------

    def atom(self, root: etree._Element, ns: str) -> dict[str, Any]:
        feed: dict[str, Any] = {}
        title = root.find(f"{{{ns}}}title")
        if title is not None:
            feed["title"], feed["title_detail"] = self.atom_text(title, ns)
        link = self.atom_link(root, ns)
        feed_id = root.find(f"{{{ns}}}id")
        if link:
            feed["link"] = link
        elif feed_id is not None and self.plain(feed_id):
            feed["link"] = self.plain(feed_id)  # feedparser lets the feed's id stand in
        entries = [self.atom_entry(entry, ns) for entry in root.findall(f"{{{ns}}}entry")]
        version = "atom10" if ns == ATOM10 else "atom03"
        return {"feed": feed, "entries": entries, "version": version, "bozo": False}

    def atom_text(self, element: etree._Element, ns: str) -> tuple[str, dict[str, str]]:
        kind = (element.get("type") or "text").lower()
        kind = {"text": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}.get(kind, kind)
        if ns == ATOM03 and element.get("mode") not in (None, "xml", "escaped"):
            raise _Unusual  # base64 content
        if kind not in ("text/plain", "text/html") or len(element):
            raise _Unusual  # inline XHTML (feedparser serialises it its own way) or base64
        return self.text(element.text or ""), {"type": kind}

    def atom_link(self, parent: etree._Element, ns: str) -> str:
        found = ""
        for link in parent.findall(f"{{{ns}}}link"):
            rel = link.get("rel", "alternate")
            kind = link.get("type", "text/html")
            href = link.get("href")
            if rel == "alternate" and kind in _HTML_TYPES and href is not None:
                found = self.resolve(link, href.strip())  # the last one wins, as in feedparser
        return found

    def atom_entry(self, element: etree._Element, ns: str) -> dict[str, Any]:
        self.guard(element, _ATOM_KNOWN)
        entry: dict[str, Any] = {}
        links = []
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == f"{{{DC}}}subject":
                self.tag(entry, self.plain(child) or None, None, None)
                continue
            if tag == f"{{{DC}}}date":
                self.date(entry, "updated", child)
                continue
            if not tag.startswith(f"{{{ns}}}"):
                if tag.lower() == ORIGLINK:
                    entry["feedburner_origlink"] = self.plain(child)  # the last one wins
                continue
            local = tag.split("}", 1)[1]
            if local == "title":
                if "title" not in entry:
                    entry["title"], entry["title_detail"] = self.atom_text(child, ns)
            elif local == "id":
                entry["id"] = self.plain(child)
            elif local == "link":
                links.append(child)
            elif local in ("published", "issued"):
                self.date(entry, "published", child)
            elif local in ("updated", "modified"):
                self.date(entry, "updated", child)
            elif local == "created":
                self.date(entry, "created", child)
            elif local == "summary":
                entry["summary"], _ = self.atom_text(child, ns)
            elif local == "content":
                if child.get("src"):
                    raise _Unusual
                value, detail = self.atom_text(child, ns)
                entry.setdefault("content", []).append({"value": value, **detail})
                if detail["type"] in ("text/plain", "text/html"):
                    entry.setdefault("summary", value)
            elif local == "category":
                self.tag(entry, child.get("term"), child.get("scheme"), child.get("label"))
                text = self.plain(child)
                if text:  # <category>word</category>: feedparser takes the text as the term
                    tags = entry.get("tags") or []
                    if tags and not tags[-1]["term"]:
                        tags[-1]["term"] = text
                    else:
                        self.tag(entry, text, None, None)
            elif local == "author":  # the last author wins, as in feedparser
                entry.pop("author_detail", None)
                entry.pop("author", None)
                name = child.find(f"{{{ns}}}name")
                email = child.find(f"{{{ns}}}email")
                detail = {}
                if name is not None and self.plain(name):
                    detail["name"] = self.plain(name)
                if email is not None and self.plain(email):
                    detail["email"] = self.plain(email)
                if detail:
                    entry["author_detail"] = detail
                    entry["author"] = detail.get("name") or detail.get("email", "")
        if links:
            entry["links"] = [
                {"rel": link.get("rel", "alternate"), "href": link.get("href", "")}
                for link in links
            ]
            link = self.atom_link(element, ns)
            if link:
                entry["link"] = link
        return entry


# What the readers above take from an item; anything else feedparser reads sends the item back.
_RSS_KNOWN = frozenset({
    "title", "link", "guid", "pubdate", "description", "content_encoded", "category", "author",
    "dc_creator", "dc_author", "dc_date", "dc_subject", "dcterms_issued", "dcterms_modified",
    "dcterms_created",
})
_ATOM_KNOWN = frozenset({
    "title", "id", "link", "published", "issued", "updated", "modified", "created", "summary",
    "content", "category", "author", "name", "email", "uri", "dc_subject", "dc_date",
})
