"""The open article, for :class:`~newstui.ui.screens.main.MainScreen`: showing it, fetching its
whole text from the page (by itself for teasers, or with ``f``), and opening its links by number.

A mixin so that main.py stays about coordinating the panes; it uses only the screen's library,
panes and settings.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import work
from textual.timer import Timer

from newstui.core.article_view import ArticleView, render_article
from newstui.core.fulltext import can_fetch, mode_for, teaser_reason, wants_full_text
from newstui.core.models import Article, FullText
from newstui.core.store import StoreError
from newstui.ui.link_keys import LinkKeys, Outcome
from newstui.ui.screens import still_open
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.related import RelatedList
from newstui.ui.widgets.status import StatusLine

if TYPE_CHECKING:
    from newstui.core.fetch import Client
    from newstui.core.library import Headline, Library
    from newstui.core.related import RelatedStory

# What opening an article waits for the related index at most: a store of a few thousand
# articles builds it in a few ms (no "finding…" flashes by); 100,000 take ~1 s, not waited for.
RELATED_WAIT_SECONDS = 0.02
RELATED_WAIT_SMALL_SECONDS, SMALL_STORE_ARTICLES = 1.0, 5_000


class ArticleText:
    """Mixed into MainScreen (a Screen): ``self`` is the screen."""

    library: Library
    open_id: str | None
    _http_client: Client | None

    def _init_article_text(self) -> None:
        self._fetching: dict[str, str] = {}  # article id → why its page is being fetched
        self._passing: dict[str, FullText] = {}  # failures not worth storing (timeout, 5xx, ...)
        self._link_keys = LinkKeys()
        self._link_timer: Timer | None = None

    # -- showing -------------------------------------------------------------------------------

    def open_article(self, article_id: str) -> None:
        headline = self.library.headline(article_id)
        if headline is None:
            return
        if not headline.read and self.library.config.settings.mark_read_on_open:
            self._set_flags(headline, redraw_article=False, read=True)  # type: ignore[attr-defined]
        article = self.library.get(article_id)
        if article is None:
            return
        self.open_id = article.id
        self._link_keys.reset()
        mode = self._mode(article)
        if article.id not in self._passing and article.id not in self._fetching and wants_full_text(article, mode):
            self._start_full_text(article, teaser_reason(article) if mode == "auto" else "")
        view = self.show_article(article)
        self.show_related(article.id, view.see_also)

    def show_related(self, article_id: str, see_also: Sequence[tuple[str, str]],
                     then: Callable[[list[tuple[Headline, RelatedStory]]], None] | None = None) -> None:
        """The related pane for the open article, then ``then(its rows)``. Opening an article
        never waits long for the related index: it is built in a thread after the first paint
        and after each reload (~1 s at 100,000 articles, which froze the reader when an article
        was opened meanwhile). A small store's is waited for (it takes ms); else the pane says
        it is finding them and fills in when the index is ready."""
        library = self.library
        if not library.related_ready:
            library.index_related()
            small = len(library) <= SMALL_STORE_ARTICLES
            library.wait_for_related(RELATED_WAIT_SMALL_SECONDS if small else RELATED_WAIT_SECONDS)
        if library.related_ready:
            self._fill_related(article_id, see_also, then)
        else:
            self.query_one(RelatedList).show_pending(see_also)  # type: ignore[attr-defined]
            self._related_when_ready(article_id, then)

    def _fill_related(self, article_id: str, see_also: Sequence[tuple[str, str]],
                      then: Callable[[list[tuple[Headline, RelatedStory]]], None] | None) -> None:
        rows = self.library.related(article_id) if self.library.related_ready else []
        self.query_one(RelatedList).show(rows, see_also=see_also)  # type: ignore[attr-defined]
        if then is not None:
            then(rows)

    @work(exclusive=True, group="related")
    async def _related_when_ready(self, article_id: str,
                                  then: Callable[[list[tuple[Headline, RelatedStory]]], None] | None) -> None:
        library = self.library
        for _ in range(3):  # a reload meanwhile starts the index again; a build that fails, ends
            if library.related_ready:
                break
            library.index_related()
            await asyncio.to_thread(library.wait_for_related)
            if not still_open(self) or self.open_id != article_id:  # type: ignore[arg-type]
                return  # closed, or another article opened meanwhile (it has its own wait)
        self._fill_related(article_id, self.query_one(RelatedList).see_also, then)  # type: ignore[attr-defined]

    def show_article(self, article: Article, *, keep_scroll: bool = False) -> ArticleView:
        """Render ``article`` in the article pane with its full-text state."""
        offer = ""
        failed = self._passing.get(article.id)  # fetched this session but not stored
        if failed is not None and failed.ok:
            article, failed = replace(article, full_text=failed), None
        loading = self._fetching.get(article.id)
        if loading is None and failed is None and article.full_text is None and can_fetch(article):
            if self._mode(article) == "never":
                offer = teaser_reason(article)
        query = self.view.parsed if self.view.query else None  # type: ignore[attr-defined]
        view = render_article(article, loading=loading, failed=failed, offer=offer,
                              reasons=self.library.explain(article), highlight=query)
        self.query_one(ArticlePane).show(view, keep_scroll=keep_scroll)  # type: ignore[attr-defined]
        return view

    def _mode(self, article: Article) -> str:
        config = self.library.config
        return mode_for(config.feed(article.feed), config.settings)

    # -- the whole text ------------------------------------------------------------------------

    def action_full_text(self) -> None:
        article = self.library.get(self.open_id) if self.open_id else None
        if article is None:
            self.notify("Open an article first (Enter on a headline).", severity="warning")  # type: ignore[attr-defined]
            return
        if not can_fetch(article):
            self.notify("This article has no web link to fetch its page from.", severity="warning")  # type: ignore[attr-defined]
            return
        if article.id in self._fetching:
            self.notify("Already fetching this article's page…", timeout=2)  # type: ignore[attr-defined]
            return
        self._passing.pop(article.id, None)
        self._start_full_text(article, "")
        self.show_article(article, keep_scroll=True)

    def _start_full_text(self, article: Article, reason: str) -> None:
        self._fetching[article.id] = reason
        self._fetch_full_text(article.id, article.link)

    @work(group="full-text", exit_on_error=False)
    async def _fetch_full_text(self, article_id: str, url: str) -> None:
        # urllib3 and trafilatura load here, in a thread, the first time: never before first paint.
        fulltext = await asyncio.to_thread(importlib.import_module, "newstui.core.fulltext")
        await asyncio.to_thread(importlib.import_module, "newstui.core.extract")
        settings = self.library.config.settings
        try:
            try:
                full = await fulltext.fetch_full_text(self._web_client(), url, settings)
            except Exception as exc:  # noqa: BLE001 - a bug here must not take the reader down
                full = FullText(url, datetime.now(UTC), error=f"the page could not be read ({type(exc).__name__})",
                                lasting=False)
            stored, problem = False, ""
            if full.ok or full.lasting:
                try:
                    stored = await asyncio.to_thread(self.library.store.save_full_text, article_id, full)
                except StoreError as exc:  # shown this session all the same
                    problem = f"the page's text could not be stored: {exc}"
            if stored and full.ok:
                self.library.page_saved(article_id)
            if not stored:
                self._passing[article_id] = full
        finally:
            self._fetching.pop(article_id, None)
        if not still_open(self):  # type: ignore[arg-type]
            return
        if self.open_id == article_id and (article := self.library.get(article_id)) is not None:
            view = self.show_article(article, keep_scroll=True)
            self.query_one(RelatedList).show_see_also(view.see_also)  # type: ignore[attr-defined]
        elif not full.ok and not problem:
            return
        if not full.ok or problem:
            self.query_one(StatusLine).set_progress("", f"whole article: {problem or full.error}")  # type: ignore[attr-defined]

    def _web_client(self) -> Client:
        """The screen's HTTP session (shared with refreshes), made on first use."""
        if self._http_client is None:
            fetch = importlib.import_module("newstui.core.fetch")
            settings = self.library.config.settings
            self._http_client = fetch.make_client(settings.timeout_seconds, settings.concurrency)
        return self._http_client

    # -- links by number -----------------------------------------------------------------------

    def _reference_count(self) -> int:
        view = self.query_one(ArticlePane).view  # type: ignore[attr-defined]
        return len(view.links) if view is not None and view.article.id == self.open_id else 0

    def action_link_digit(self, digit: str) -> None:
        self._act_on_link(self._link_keys.digit(digit, self._reference_count()))

    def action_open_link(self) -> None:
        current = self._current()  # type: ignore[attr-defined]
        if current is not None and current.id != self.open_id and not self._link_keys.pending:
            self._open_page()  # the headline under the cursor is not the open article
            return
        self._act_on_link(self._link_keys.o(self._reference_count()))

    def _link_wait_over(self) -> None:
        self._link_timer = None
        self._act_on_link(self._link_keys.expire())

    def _act_on_link(self, outcome: Outcome) -> None:
        if self._link_timer is not None:
            self._link_timer.stop()
            self._link_timer = None
        status = self.query_one(StatusLine)  # type: ignore[attr-defined]
        if outcome.wait:
            self._link_timer = self.set_timer(outcome.wait, self._link_wait_over)  # type: ignore[attr-defined]
        if outcome.message:
            if outcome.wait:
                status.set_progress(outcome.message)
            else:
                self.notify(outcome.message, severity="warning", timeout=3, markup=False)  # type: ignore[attr-defined]
        elif status.progress_text.startswith(("link [", "o: ")):
            status.set_progress("")
        if outcome.page:
            self._open_page()
        elif outcome.number:
            view = self.query_one(ArticlePane).view  # type: ignore[attr-defined]
            links = view.links if view is not None else ()
            if 0 < outcome.number <= len(links):
                self.open_url(links[outcome.number - 1].url)

    def _open_page(self) -> None:
        article = self._current()  # type: ignore[attr-defined]
        if article is None:
            self.notify("No article selected.", severity="warning")  # type: ignore[attr-defined]
            return
        link = self.library.link(article.id)
        if not link:
            self.notify("This article has no link.", severity="warning")  # type: ignore[attr-defined]
            return
        self.open_url(link)

    def open_url(self, url: str) -> None:
        try:
            self._open_url(url)  # type: ignore[attr-defined]
        except Exception as exc:  # a broken browser setting must not take the reader down
            self.notify(f"Could not open the browser: {exc}", severity="error", markup=False)  # type: ignore[attr-defined]
            return
        self.notify(f"Opened {url}", markup=False, timeout=3)  # type: ignore[attr-defined]
