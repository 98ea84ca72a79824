"""The reader's feeds: refreshing them in the background (all, the due ones, one), taking in
what a refresh stored, the feed health screen and the add-feed dialog; a mixin of
:class:`~newstui.ui.screens.main.MainScreen`, like :class:`~newstui.ui.screens.habits.ReaderHabits`.

Its message handlers go by name (``on_feed_refreshed``): Textual's ``@on`` registers only the
handlers of a message pump's own class body.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work

from newstui.core.models import Feed
from newstui.ui.messages import FeedRefreshed, RefreshFinished
from newstui.ui.screens import still_open
from newstui.ui.widgets.status import StatusLine

if TYPE_CHECKING:
    from newstui.core.fetch import Client
    from newstui.core.refresh import FeedResult
    from newstui.ui.screens.add_feed import AddedFeed
    from newstui.ui.screens.feeds import FeedHealthScreen


class FeedRefreshing:
    """Mixed into MainScreen: uses its library, clock, status line and views."""

    refreshing: bool
    _refresh_failures: list[str]
    _refresh_next: list[Feed]  # feeds to refresh once the running refresh is over
    _reload_pending: bool
    _http_client: Client | None

    def _init_refreshing(self) -> None:
        self.refreshing = False
        self._refresh_failures = []
        self._http_client = None
        self._reload_pending = False
        self._refresh_next = []

    _feed_health: FeedHealthScreen | None = None

    def action_feed_health(self) -> None:
        # Imported on first use: the screen and its DataTable cost ~30 ms, not spent before first paint.
        from newstui.ui.screens.feeds import FeedHealthScreen

        self._feed_health = FeedHealthScreen(
            self.library.config, self.library.store, clock=self._clock,
            retry=lambda feed: self.start_refresh([feed], mode="force"),
        )
        self.app.push_screen(self._feed_health)

    async def action_add_feed(self) -> None:
        # Imported on first use, in a thread: with the HTTP client it costs ~0.1 s when no refresh ran yet.
        dialog = await asyncio.to_thread(importlib.import_module, "newstui.ui.screens.add_feed")
        if still_open(self):  # type: ignore[arg-type]
            self.app.push_screen(dialog.AddFeedScreen(self.library.config), self._feed_added)

    def _feed_added(self, added: AddedFeed | None) -> None:
        """The add-feed dialog wrote a feed to feeds.toml: the reader takes the file's feeds
        (settings, topic rules and [keys] are read at the next start) and fetches the new one."""
        if added is None:
            return
        self.use_feeds(added.config.feeds)
        self.notify(f'Added "{added.feed.name}" to {added.config.path}; fetching it…', markup=False, timeout=4)
        self.refresh_feed(added.feed.name)

    def use_feeds(self, feeds: Sequence[Feed]) -> None:
        """Read ``feeds`` from now on (names, URLs, topics), instead of the ones started with."""
        self.library.use_feeds(feeds)
        self._show_counts()

    def current_feed(self) -> Feed | None:
        """The feed of the article under the cursor (or open), if feeds.toml still has it."""
        article = self._current()
        return self.library.config.feed(article.feed) if article is not None else None

    def refresh_feed(self, name: str) -> None:
        """Fetch one feed now (the palette's "Refresh feed", a feed just added); after the running
        refresh if there is one."""
        feed = self.library.config.feed(name)
        if feed is None:
            self.notify(f"No feed {name!r} in feeds.toml.", severity="warning", markup=False)
        elif not feed.enabled:
            self.notify(f"{feed.name} is disabled in feeds.toml.", severity="warning", markup=False)
        elif self.refreshing:
            self._refresh_next.append(feed)
            self.notify(f"{feed.name}: fetched when the running refresh is over.", markup=False, timeout=3)
        else:
            self.start_refresh([feed], mode="force")

    def _refresh_waiting(self) -> None:
        waiting = list({f.name: f for f in self._refresh_next}.values())
        if waiting and self.start_refresh(waiting, mode="force"):
            self._refresh_next = []

    def _feed_health_screen(self) -> FeedHealthScreen | None:
        """The feed health screen if it is open (it shows refresh results as they arrive)."""
        screen = self._feed_health
        return screen if screen is not None and screen in self.app.screen_stack else None

    # -- refresh -------------------------------------------------------------------------------

    def _refresh_if_due(self) -> None:
        if self.refreshing:
            return
        if self.library.changed_on_disk():
            self._reload()  # another process (a cron `newstui refresh`) stored articles
        self.start_refresh(mode="due", quiet=True)

    def action_refresh(self) -> None:
        self.start_refresh()

    def start_refresh(
        self, feeds: Sequence[Feed] | None = None, *, mode: str = "manual", quiet: bool = False
    ) -> bool:
        """Refresh ``feeds`` (default: every enabled feed) in the background.

        ``mode`` is "manual" (skips only feeds a server asked us to leave alone), "due" (only
        feeds whose time has come) or "force" (everything). A quiet refresh that finds nothing
        due says nothing. Returns False when a refresh is already running.
        """
        if self.refreshing:
            if not quiet:
                self.notify("A refresh is already running.", timeout=2)
            return False
        self.refreshing = True
        self._refresh_failures = []
        chosen = [f for f in (feeds if feeds is not None else self.library.config.feeds) if f.enabled]
        if not quiet:
            self.query_one(StatusLine).set_progress(f"refreshing 0/{len(chosen)} feeds…")
        self._refresh_worker(chosen, mode, quiet)
        return True

    @work(exclusive=True, group="refresh")
    async def _refresh_worker(self, feeds: list[Feed], mode: str, quiet: bool) -> None:
        """Runs on the app's event loop (so quitting cancels it at once); parsing and store writes
        happen off the loop inside refresh_feeds, so the reader stays responsive."""
        # urllib3 and feedparser cost ~150 ms to import: done in a thread, not before first paint.
        refresh = await asyncio.to_thread(importlib.import_module, "newstui.core.refresh")
        fetch = importlib.import_module("newstui.core.fetch")  # loaded by refresh already
        config = self.library.config
        if self._http_client is None and any(fetch.is_http(f.url) for f in feeds):
            settings = config.settings
            # One session for the reader's lifetime (made on this loop, which will use it):
            # connections are reused between refreshes.
            self._http_client = fetch.make_client(settings.timeout_seconds, settings.concurrency)
        done = 0
        total = len(feeds)

        def report(result: FeedResult) -> None:
            nonlocal done
            done += 1
            self.post_message(FeedRefreshed(result, done, total, quiet=quiet))

        try:
            results = await refresh.refresh_feeds(
                config, self.library.store, feeds=feeds, mode=mode, on_result=report,
                client=self._http_client,
            )
        except Exception as exc:  # keep the reader alive whatever happens in a refresh
            self.post_message(RefreshFinished([], error=f"refresh failed: {exc}", quiet=quiet))
            return
        self.post_message(RefreshFinished(results, quiet=quiet))

    async def on_unmount(self) -> None:
        if self._http_client is not None:
            await self._http_client.close()

    def on_feed_refreshed(self, event: FeedRefreshed) -> None:
        status = event.result.status
        if health := self._feed_health_screen():
            health.show_status(status)
        if not status.ok:
            self._refresh_failures.append(f"{event.result.feed.name}: {status.summary}")
        error = ""
        if self._refresh_failures:
            more = len(self._refresh_failures) - 1
            error = self._refresh_failures[-1] + (f" (+{more} more failed)" if more else "")
        if not event.quiet or error:
            self.query_one(StatusLine).set_progress(f"refreshing {event.done}/{event.total} feeds…", error)
        if event.result.new_ids and not self._reload_pending:
            # Headlines stream in as feeds finish, but coalesced so many fast feeds cost one reload.
            self._reload_pending = True
            self.set_timer(0.3, self._reload)

    @work(exclusive=True, group="reload")
    async def _reload(self) -> None:
        await self._reload_now()

    async def _reload_now(self) -> bool:
        """Read the store again in a thread (a few hundred ms at 100k articles) and show it;
        flags set meanwhile are carried over. False if the reader closed meanwhile."""
        self._reload_pending = False
        since = self.library.flag_seq
        snapshot = await asyncio.to_thread(self.library.load)
        if not still_open(self):  # type: ignore[arg-type]
            return False  # the reader closed while the store was read
        self.library.install(snapshot, since=since)
        self._show_counts()
        self._show_view()
        self.library.index_related()  # in a thread, before the next open needs it (and guesses use it)
        self._index_search()
        self._guess_topics()
        self.announce_new()
        return True

    def on_refresh_finished(self, event: RefreshFinished) -> None:
        self.refreshing = False
        if self._refresh_next:  # feeds asked for while it ran (one just added, say)
            self.call_later(self._refresh_waiting)
        if health := self._feed_health_screen():
            health.reload()
        results = [r for r in event.results if not r.skipped]
        skipped = [r for r in event.results if r.skipped]
        failed = [r for r in results if not r.status.ok]
        new = sum(len(r.new_ids) for r in results)
        if event.quiet and not results and not event.error:
            return  # an automatic check that found nothing due
        text = f"{new} new from {len(results)} feeds"
        if skipped:
            text += f", {len(skipped)} waiting (server asked us to slow down, or backing off)"
        error = event.error
        if failed and not error:
            names = ", ".join(r.feed.name for r in failed[:3]) + (" …" if len(failed) > 3 else "")
            error = f"{len(failed)} failed: {names}"
        self.query_one(StatusLine).set_progress(text, error)
        if event.quiet:  # a background refresh: a toast for its news, once they are loaded
            self.announce_after_reload([i for r in results for i in r.new_ids])
        self._reload()
        if any(r.fresh for r in results):
            self._prefetch(results)

    @work(group="full-text", exit_on_error=False)
    async def _prefetch(self, results: list[FeedResult]) -> None:
        """Pages of the new articles of full_text = "always" feeds, fetched politely and stored."""
        refresh = importlib.import_module("newstui.core.refresh")
        await refresh.prefetch_pages(self.library.config, self.library.store, results, self._web_client())
