"""Any web page through the reader view, for ``newstui extract``: load it (URL or file), and show
what :func:`~newstui.core.extract.extract` found the way the article pane shows an article."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newstui.core.article_view import ArticleView, render_article
from newstui.core.fulltext import without_title
from newstui.core.models import Article, FullText, Settings
from newstui.core.pubdate import parse_date

if TYPE_CHECKING:
    from newstui.core.extract import Extracted


def load_page(source: str, settings: Settings | None = None) -> tuple[bytes, str, str]:
    """(the page's bytes, its URL, "" — or an error in words) for an http(s) URL, a file:// URL
    or a path. Redirects are followed; the URL returned is the final one."""
    from newstui.core.fetch import PAGE_ACCEPT, fetch, is_http, local_path, make_client
    from newstui.core.fulltext import MAX_PAGE_BYTES, explain_fetch

    settings = settings or Settings()
    if is_http(source):
        async def get() -> Any:
            client = make_client(settings.timeout_seconds, 1)
            try:
                return await fetch(client, source, max_bytes=MAX_PAGE_BYTES,
                                   timeout=settings.timeout_seconds, accept=PAGE_ACCEPT)
            finally:
                await client.close()

        got = asyncio.run(get())
        if got.error or got.body is None:
            return b"", source, explain_fetch(got, settings)[0].removesuffix(": press f to try again").removesuffix(": press f later")
        return got.body, got.final_url or source, ""
    path = local_path(source)
    try:
        return path.read_bytes()[:MAX_PAGE_BYTES], path.resolve().as_uri(), ""
    except FileNotFoundError:
        return b"", source, f"no such file: {path}"
    except IsADirectoryError:
        return b"", source, f"is a directory, not a page: {path}"
    except OSError as exc:
        return b"", source, f"cannot read {path}: {exc.strerror or exc}"


def page_view(found: Extracted) -> ArticleView:
    """The extraction as an article: site (or host) as the source, byline, date, text."""
    site = found.site or urlsplit(found.url).hostname or ""
    full = FullText(found.url, datetime.now(UTC), html=without_title(found.html, found.title) or "<p></p>", title=found.title,
                    byline=found.byline, date=found.date, site=site, words=found.words,
                    see_also=found.see_also)
    article = Article(id="", feed=site, title=found.title, link=found.url, author=found.byline,
                      published=parse_date(found.date) if found.date else None, full_text=full,
                      read=True)
    return render_article(article, source_note=False)


def page_json(found: Extracted, view: ArticleView, width: int) -> dict[str, Any]:
    return {
        "url": found.url, "title": found.title, "byline": found.byline, "date": found.date or None,
        "site": found.site, "words": found.words, "minutes": max(1, round(found.words / 230)),
        "is_article": found.is_article, "reason": found.reason,
        "text": view.body.plain(width),
        "links": [{"number": link.number, "url": link.url, "text": link.text} for link in view.links],
        "see_also": [{"url": url, "text": text} for url, text in view.see_also],
    }  # fmt: skip
