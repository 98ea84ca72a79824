"""Converters between the domain objects and what the store's files hold (plain JSON values)."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from newstui.core.headline_table import SEP
from newstui.core.models import Article, FeedStatus, FullText
from newstui.core.related import TEXT_CHARS, digest_terms
from newstui.core.text import html_to_line

if TYPE_CHECKING:
    from newstui.core.topics import TopicClassifier


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def epoch(value: datetime | None) -> float | int | None:
    if value is None:
        return None
    seconds = value.timestamp()
    return int(seconds) if seconds.is_integer() else seconds


def from_epoch(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def body_record(article: Article) -> dict[str, Any]:
    """What a body shard keeps for one article."""
    return {
        "id": article.id,
        "link": article.link,
        "summary": article.summary,
        "content": article.content,
        "guid": article.guid,
        "author": article.author,
        "published": iso(article.published),  # with the feed's own UTC offset
        "canonical": article.canonical,
        "fetched": iso(article.fetched),
    }


def body_hash(record: dict[str, Any]) -> str:
    """Changes when anything a refresh may update in the body record changes (not ``fetched``,
    which is the time the article was first stored)."""
    key = [record["summary"], record["content"], record["guid"], record["author"], record["published"],
           record["link"]]
    return hashlib.sha1(orjson.dumps(key)).hexdigest()[:12]


def headline_row(article: Article, kw: str, chunk: int) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "published": epoch(article.published),
        "categories": SEP.join(article.categories),
        "kw": kw,
        "chunk": chunk,
        "story": 0,
        "dup": 0,
    }


def to_article(feed: str, row: dict[str, Any], record: dict[str, Any] | None,
               read: bool, starred: bool) -> Article:
    """A headline row (id, title, published, categories, as the headline file keeps them) and its
    body record, as one Article (an article whose body record is missing, dropped meanwhile by
    another process, has no text)."""
    record = record or {}
    published = from_iso(record.get("published")) if record.get("published") else from_epoch(row["published"])
    categories = row["categories"]
    return Article(
        id=row["id"],
        feed=feed,
        title=row["title"],
        link=record.get("link", ""),
        guid=record.get("guid", ""),
        author=record.get("author", ""),
        published=published,
        summary=record.get("summary", ""),
        content=record.get("content", ""),
        categories=tuple(categories.split(SEP)) if categories else (),
        read=read,
        starred=starred,
        fetched=from_iso(record.get("fetched")),
        full_text=record_to_full(record.get("full")),
        canonical=record.get("canonical", ""),
    )


def full_to_record(full: FullText) -> dict[str, Any]:
    """What a body record keeps of an article's fetched page (under ``"full"``)."""
    return {
        "url": full.url, "fetched": iso(full.fetched), "html": full.html, "error": full.error,
        "title": full.title, "byline": full.byline, "date": full.date, "site": full.site,
        "words": full.words, "see_also": [list(pair) for pair in full.see_also],
    }  # fmt: skip


def record_to_full(doc: dict[str, Any] | None) -> FullText | None:
    if not isinstance(doc, dict) or not doc.get("fetched"):
        return None
    try:
        return FullText(
            url=str(doc.get("url", "")), fetched=from_iso(doc["fetched"]),  # type: ignore[arg-type]
            html=str(doc.get("html", "")), error=str(doc.get("error", "")),
            title=str(doc.get("title", "")), byline=str(doc.get("byline", "")),
            date=str(doc.get("date", "")), site=str(doc.get("site", "")),
            words=int(doc.get("words") or 0),
            see_also=tuple((str(u), str(t)) for u, t in doc.get("see_also") or ()),
        )
    except (TypeError, ValueError):
        return None  # a damaged entry: as if never fetched


def article_digest(article: Article, classifier: TopicClassifier | None) -> tuple[str, str]:
    """(the ``[topics.NAME]`` and ``[mute]`` rules it matches, ``\x1f``-joined; the words it is
    related by), from title and text (the feed's full content when it sends one, else the
    summary). Made where
    the article is parsed (a refresh's parser workers, on the other cores) or, failing that, by
    the store when it is written."""
    summary = html_to_line(article.summary)
    text = html_to_line(article.content[: TEXT_CHARS * 2]) if article.content else summary
    kw = classifier.rule_matches(article.title, summary or text, article.feed) if classifier else ()
    return SEP.join(kw), digest_terms(article.title, text)


def legacy_article(doc: dict[str, Any]) -> Article:
    """An article of a store before 0.3 (one document per article, flags inside)."""
    return Article(
        id=doc["id"],
        feed=doc.get("feed", ""),
        title=doc.get("title", ""),
        link=doc.get("link", ""),
        guid=doc.get("guid", ""),
        author=doc.get("author", ""),
        published=from_iso(doc.get("published")),
        summary=doc.get("summary", ""),
        content=doc.get("content", ""),
        categories=tuple(doc.get("categories") or ()),
        read=bool(doc.get("read")),
        starred=bool(doc.get("starred")),
        fetched=from_iso(doc.get("fetched")),
    )


_STATUS_FIELDS = {f.name: f for f in fields(FeedStatus)}
_STATUS_DATES = ("checked_at", "last_success", "retry_at", "next_due")


def status_to_doc(status: FeedStatus) -> dict[str, Any]:
    doc = {name: getattr(status, name) for name in _STATUS_FIELDS}
    for name in _STATUS_DATES:
        doc[name] = iso(doc[name])
    doc["warnings"] = list(status.warnings)
    return doc


def doc_to_status(doc: dict[str, Any]) -> FeedStatus:
    """A stored status; fields missing from older stores take their defaults."""
    values = {k: v for k, v in doc.items() if k in _STATUS_FIELDS}
    for name in _STATUS_DATES:
        if name in values:
            values[name] = from_iso(values[name])
    values["checked_at"] = values.get("checked_at") or datetime.min.replace(tzinfo=UTC)
    values["warnings"] = tuple(values.get("warnings") or ())
    values.setdefault("url", "")
    values.setdefault("ok", False)
    return FeedStatus(**values)
