"""The reader: topics, headlines, article and related stories, and how they talk to each other.

Panes post messages up; this screen owns the filter, the open article and the trail of related
stories followed (Backspace goes back along it), and sets the panes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from newstui.core.library import Filter, Headline, Library, TopicCount
from newstui.core.related import RelatedStory
from newstui.ui.screens import still_open
from newstui.ui.screens.article_text import ArticleText
from newstui.ui.screens.habits import HABIT_BINDINGS, SINCE, ReaderHabits
from newstui.ui.screens.help import HelpScreen
from newstui.ui.screens.refreshing import FeedRefreshing
from newstui.ui.widgets.article import ArticlePane
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.keybar import KeyBar
from newstui.ui.widgets.related import RelatedList
from newstui.ui.widgets.search import SearchBox
from newstui.ui.widgets.status import StatusLine
from newstui.ui.widgets.topics import ALL, MUTED, STARRED, VIEW, TopicList

VIEW_FIELDS = ("topic", "topics", "feeds", "unread_only", "starred", "after", "before", "muted", "view")
AUTO_REFRESH_CHECK_SECONDS = 60.0
WARM_UP_DELAY_SECONDS = 0.1
# In a narrow terminal the key bar keeps these (by description): the way to every other key, and out.
ALWAYS_SHOWN_KEYS = ("Search", "Keys", "Quit")
TRAIL_LIMIT = 200  # related stories followed that Backspace can go back through


@dataclass(frozen=True, slots=True)
class Place:
    """Where the reader was when it opened a related story: what Backspace returns to."""

    article_id: str  # the open article
    focus: str | None  # the id of the pane that had the focus
    related_row: str | None  # the related pane's highlighted row (an option id)


class MainScreen(ArticleText, ReaderHabits, FeedRefreshing, Screen[None]):
    # Textual repaints the whole screen when the focus moves (~60-100 ms with these panes); the
    # two widgets whose focus changed restyle and repaint themselves, which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("r", "refresh", "Refresh", tooltip="refresh every feed in the background (conditional GET: cheap when nothing changed)", id="refresh"),
        Binding("u", "toggle_unread", "Unread", tooltip="unread only on/off", id="toggle_unread"),
        Binding("m", "toggle_read", "Read", tooltip="mark read / unread", id="toggle_read"),
        Binding("s", "toggle_star", "Star", tooltip="star / unstar", id="toggle_star"),
        Binding("c", "toggle_stories", "Group", tooltip="group stories on/off: one row for each story, from every feed", id="toggle_stories"),
        Binding("e", "toggle_story", "Expand", tooltip="open / close the story under the cursor", id="toggle_story"),
        Binding("backspace", "back", "Back", tooltip="back to the article you came from (after opening a related story)", id="back"),
        Binding("o", "open_link", "Browser", tooltip="open the page in the browser (o 3: link [3])", id="open_link"),
        Binding("f", "full_text", "Full text", tooltip="fetch the whole article from its page (again)", id="full_text"),
        *(Binding(str(n), f"link_digit('{n}')", f"Open link [{n}]", show=False, id=f"open_link_{n}") for n in range(10)),
        Binding("slash", "search", "Search", tooltip="search titles as you type", id="search"),
        Binding("escape", "clear_search", "Clear search", show=False, id="clear_search"),
        Binding("F", "feed_health", "Feeds", tooltip="each feed's health: errors, redirects, retry", id="feed_health"),
        Binding("a", "add_feed", "Add feed…", tooltip="add a feed: its URL or its site's",
                show=False, id="add_feed"),
        Binding("question_mark", "help", "Keys", tooltip="this list of keys", id="help"),
        *HABIT_BINDINGS,
    ]

    def __init__(
        self,
        library: Library,
        *,
        clock: Callable[[], datetime],
        open_url: Callable[[str], None],
        refresh_on_start: bool = True,
    ) -> None:
        super().__init__()
        self.library = library
        self.view = Filter(stories=library.config.settings.group_stories, typing=True)
        self.open_id: str | None = None
        self._trail: list[Place] = []  # where the related stories followed were opened from
        self._clock = clock
        self._open_url = open_url
        self._refresh_on_start = refresh_on_start
        self._unread = 0
        self._typed = ""  # what is typed in the search box (a saved view adds its own search)
        self._init_article_text()
        self._init_habits()
        self._init_refreshing()

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield TopicList(id="topics")
            with Vertical(id="reading"):
                yield HeadlineList(id="headlines", clock=self._clock)
                with Horizontal(id="lower"):
                    yield ArticlePane(id="article")
                    yield RelatedList(id="related", clock=self._clock)
        with Horizontal(id="bottom"):
            yield StatusLine(id="status")
            yield SearchBox(placeholder="/ search: words \"phrase\" -not feed: topic: after:", id="search")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#topics").border_title = "Topics"
        self.query_one("#headlines").border_title = "Headlines"
        self.query_one("#article").border_title = "Article"
        self.query_one("#related").border_title = "Related"
        self.query_one(RelatedList).show(None)
        self._show_counts()
        self._show_view()  # the first frame comes from the store, before any network
        self.query_one(HeadlineList).focus()
        self._apply_layout()
        self.call_after_refresh(self._show_keys)
        # Background work (the related index, a topic reindex) starts a moment after the first
        # frame is on screen, so that frame is not kept waiting for the interpreter lock by a
        # busy thread (a timer started here could fire before it: the first frame takes ~0.3 s).
        self.call_after_refresh(lambda: self.set_timer(WARM_UP_DELAY_SECONDS, self._after_first_paint))
        if self._refresh_on_start and self.library.config.feeds:
            # Only the feeds that are due: a cron refresh five minutes ago already fetched the rest.
            self.start_refresh(mode="due")
        # Each feed has its own due time (refresh_minutes, its <ttl>, Cache-Control, backoff):
        # checking once a minute fetches every feed close to when it falls due.
        self.set_interval(AUTO_REFRESH_CHECK_SECONDS, self._refresh_if_due)

    def _after_first_paint(self) -> None:
        if self.library.stale_topics:
            # The topic rules changed since the articles were stored (a small store was redone
            # at load already): match them again without holding up the reader.
            self.query_one(StatusLine).set_progress("matching the edited topic rules against every article…")
            self._reindex()
        else:
            self.library.index_related()  # in a thread: ready by the time an article is opened
            self._index_search()
            self._guess_topics()

    @work(exclusive=True, group="guess")
    async def _guess_topics(self) -> None:
        """Suggested topics for the articles nothing gives one, worked out in a thread."""
        guess = await asyncio.to_thread(self.library.guess_topics)
        if self.library.add_guessed(guess) and still_open(self):
            self._show_counts()
            self._show_view()

    def _index_search(self) -> None:
        """Bring the search index up to the store in a thread; a search shown meanwhile (over
        titles only) is run again when it is ready."""
        app = self.app

        def done(what: str) -> None:
            if what and app.is_running:
                try:
                    app.call_from_thread(self._search_ready, what)
                except RuntimeError:  # the reader closed meanwhile
                    pass

        self.library.index_search(done)

    def _search_ready(self, what: str) -> None:
        if not still_open(self):
            return
        if what.startswith("the search index could not"):
            self.query_one(StatusLine).set_progress(what)
        self.library.search_updated()
        if self.view.query:
            self._show_view()
            self._show_counts()

    @work(exclusive=True, group="reload")
    async def _reindex(self) -> None:
        await asyncio.to_thread(self.library.store.reindex)
        if not await self._reload_now():
            return
        self.query_one(StatusLine).set_progress("topics matched again")

    # -- the view ------------------------------------------------------------------------------

    def _show_view(self, keep: Sequence[str] | None = None) -> None:
        """Re-filter the headlines (the view changed, or the library did); the cursor stays on
        its article, or goes to the first of ``keep`` that is listed."""
        headlines = self.query_one(HeadlineList)
        if keep is None:
            keep = [headlines.current.id] if headlines.current else []
        view = self.view
        headlines.set_articles(
            self.library.headlines(view), keep=keep, grouped=view.stories, opened=view.opened
        )
        self._show_status()

    def _show_counts(self) -> None:
        """The topic list's counts, over what the view's other filters (feed, unread, search...)
        show: called when the view changes, after flags change and after a reload."""
        library, view = self.library, self.view
        everything, starred = library.counts(view)
        self._unread = everything.unread
        views = library.view_counts(self._now()) if library.config.views else ()
        muted = library.muted_count()
        self.query_one(TopicList).set_counts(
            everything, starred, library.topic_counts(view), views, TopicCount(MUTED, 0, muted) if muted else None,
            since=self.since_count(),
        )
        self._show_status()

    def _now(self) -> datetime:
        return self._clock() if self._clock else datetime.now().astimezone()

    def _show_status(self) -> None:
        shown = len(self.query_one(HeadlineList).articles)
        titles = " (titles only: the search index is being built)" if (
            self.view.query and self.library.search_titles_only) else ""
        self.query_one(StatusLine).set_view(
            f"{self.view.describe()}{titles} · {shown} shown · {self._unread} unread")

    def _set_view(self, **changes: object) -> None:
        self.view = replace(self.view, **changes)  # type: ignore[arg-type]
        self._show_view()
        self._show_counts()

    @on(TopicList.Changed)
    def _topic_changed(self, event: TopicList.Changed) -> None:
        key, view = event.key, self.view
        if key.startswith(VIEW):  # a saved view: its own filter (grouping and search kept)
            found = self.library.view(key.removeprefix(VIEW), self._now(), view)
            if found is not None:
                self._set_view(**{f: getattr(found, f) for f in VIEW_FIELDS}, query=self._query(found))
            return
        if view.view or view.muted:  # leaving a saved view or the muted articles: their filter goes
            view = self.view = replace(view, **{f: getattr(Filter(), f) for f in VIEW_FIELDS})
            self.view = replace(view, query=self._query(view))
        after = self.since_last_visit() if key == SINCE else None
        if key in (ALL, SINCE):
            self._set_view(topic=None, starred=False, after=after)
        elif key == STARRED:
            self._set_view(topic=None, starred=True, after=after)
        elif key == MUTED:
            self._set_view(topic=None, starred=False, muted=True, after=after)
        else:
            self._set_view(topic=key.removeprefix("topic:"), starred=False, after=after)

    # -- the palette's go-tos ----------------------------------------------------------------------

    def palette_bindings(self) -> list[Binding]:
        """The bindings the command palette lists: every action of the reader once."""
        seen: set[str] = set()
        out = []
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.id and not binding.id.startswith("open_link_") \
                    and binding.action not in seen:
                seen.add(binding.action)
                out.append(binding)
        return out

    def go_to(self, key: str) -> None:
        """Show a row of the topic list ("view:NAME", "topic:NAME", "muted", "all"...)."""
        topics = self.query_one(TopicList)
        try:
            topics.highlighted = topics.get_option_index(key)
        except KeyError:
            self.notify("Nothing to show there now.", severity="warning")
            return
        self.query_one(HeadlineList).focus()

    def go_to_feed(self, name: str | None) -> None:
        """Only this feed's articles (None: every feed again)."""
        self._set_view(feed=name)
        self.query_one(HeadlineList).focus()

    @on(TopicList.Chosen)
    def _topic_chosen(self) -> None:
        self.query_one(HeadlineList).focus()

    # -- opening -------------------------------------------------------------------------------

    @on(HeadlineList.Selected)
    def _headline_selected(self, event: HeadlineList.Selected) -> None:
        self._trail.clear()  # a fresh trail: Backspace goes back along related stories only
        self.open_article(event.article_id)

    @on(RelatedList.Open)
    def _related_open(self, event: RelatedList.Open) -> None:
        if self.open_id is not None and event.article_id != self.open_id:
            focused = self.focused
            related = self.query_one(RelatedList)
            self._trail.append(Place(self.open_id, focused.id if focused else None, related.highlighted_id))
            del self._trail[:-TRAIL_LIMIT]
        self.open_article(event.article_id)

    def action_back(self) -> None:
        """Backspace: back to the article the last related story was opened from, with the
        related pane's row and the focus as they were; the headline cursor follows it when it
        is listed. Nothing is marked read on the way back.

        The trail holds the related stories followed since an article was opened from the
        headline list: opening one there starts a new trail (the list is where a reading starts;
        its cursor, not Backspace, walks it), so Backspace never leaves the chain being read.
        """
        while self._trail:
            if self._go_back(self._trail.pop()):
                return
        self.notify("Nothing to go back to: Backspace returns from a related story you opened.", timeout=2)

    def _go_back(self, place: Place) -> bool:
        article = self.library.get(place.article_id)
        if article is None:
            return False  # gone from the store since (a reload)
        self.open_id = article.id
        self._link_keys.reset()
        view = self.show_article(article)

        def follow(rows: list[tuple[Headline, RelatedStory]]) -> None:
            self.query_one(RelatedList).restore(place.related_row)
            # The cursor follows it to its row, or to the row its copy (or its story) is listed as.
            headlines = self.query_one(HeadlineList)
            grouped = self.view.stories
            listed_as = [h.id for h, s in rows if s.copy or (grouped and s.section == "same")]
            index = headlines.find([article.id, *listed_as])
            if index is not None:
                headlines.cursor = index

        self.show_related(article.id, view.see_also, follow)
        if place.focus is not None:
            for pane in self.query(f"#{place.focus}"):
                if pane.focusable:
                    pane.focus()
        return True

    @on(RelatedList.OpenLink)
    def _related_link(self, event: RelatedList.OpenLink) -> None:
        self.open_url(event.url)

    def _current(self) -> Headline | None:
        """The article a key acts on: the headline under the cursor, else the open article."""
        headlines = self.query_one(HeadlineList)
        if headlines.has_focus or self.open_id is None:
            return headlines.current
        return self.library.headline(self.open_id)

    def _set_flags(self, article: Headline, *, redraw_article: bool = True, also: Sequence[str] = (),
                   **flags: bool) -> None:
        """Persist flags (of ``article`` and of the articles in ``also``), then redraw the rows,
        the counts and (unless told not to) the article.

        Marking an article read marks its copies in other feeds read too (the library does):
        then any of them may be on screen, as a headline (the list shows one copy), the open
        article or a related row, so each is redrawn if its flags changed."""
        self.library.set_flags([article.id, *also], **flags)
        updated = self.library.headline(article.id)
        if updated is None:
            return
        headlines = self.query_one(HeadlineList)
        if updated.copies > 1 or also:
            headlines.refresh()  # the rows on screen: whichever copy is listed
        else:
            headlines.update_article(updated)
        shown = self.query_one(ArticlePane).view
        if redraw_article and self.open_id is not None and shown is not None:  # (not an article being opened)
            opened = self.library.headline(self.open_id)
            flags = (shown.article.read, shown.article.starred)
            if opened is not None and (opened.read, opened.starred) != flags:
                full = self.library.get(opened.id)
                if full is not None:
                    self.show_article(full, keep_scroll=True)
            self.query_one(RelatedList).show_flags(self.library.headline)
        self._show_counts()

    # -- actions -------------------------------------------------------------------------------

    def action_toggle_unread(self) -> None:
        self._set_view(unread_only=not self.view.unread_only)

    def action_toggle_stories(self) -> None:
        """c: each story folded into one row, or every article listed. The cursor stays on its
        article, or goes to the row its story is folded into (the story's newest article: above
        it, as the grouped list keeps the order), else stays about where it was."""
        headlines = self.query_one(HeadlineList)
        current, at = headlines.current, headlines.cursor
        self.view = replace(self.view, stories=not self.view.stories)
        self._show_view()
        if current is not None and headlines.current is not None and headlines.current.id != current.id:
            found = headlines.find_story(current.story, at) if current.story else None
            headlines.cursor = found if found is not None else at

    def action_toggle_story(self) -> None:
        """e: open or close the story under the headline cursor (nothing when not grouping)."""
        self._fold(None)

    @on(HeadlineList.Fold)
    def _fold_key(self, event: HeadlineList.Fold) -> None:
        self._fold(event.opened)

    def _fold(self, opened: bool | None) -> None:
        """Open (True), close (False) or toggle (None) the story the cursor is on or in; the
        cursor stays on (or goes up to) the story's row."""
        if not self.view.stories:
            return
        headlines = self.query_one(HeadlineList)
        group = headlines.group_row()
        if group is None:
            return
        is_open = group.story in self.view.opened
        want = not is_open if opened is None else opened
        if want != is_open:
            self.view = replace(self.view, opened=self.view.opened ^ {group.story})
            self._show_view([group.id])
            if want:
                headlines.reveal(headlines.cursor, group.grouped)  # its articles in sight

    def action_toggle_read(self) -> None:
        """m: the article read or unread; on a closed story's row, every article it stands for."""
        article = self._current()
        if article is not None:
            headlines = self.query_one(HeadlineList)
            rows = headlines.articles
            also: list[str] = []
            if headlines.has_focus and article.grouped and hasattr(rows, "stands_for"):
                also = [i for i in rows.stands_for(article.id) if i != article.id]
            unread = any(not h.read for i in [article.id, *also] if (h := self.library.headline(i)))
            self._set_flags(article, also=also, read=unread)  # any unread: all read; else all unread

    def action_toggle_star(self) -> None:
        article = self._current()
        if article is not None:
            self._set_flags(article, starred=not article.starred)

    def action_search(self) -> None:
        # Always on screen, beside the status line: showing and hiding a widget lays out the
        # whole screen again (~100 ms), focusing one does not.
        search = self.query_one("#search", SearchBox)
        search.value = self._typed
        search.activate()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus or self._typed:
            search.value = ""
            self._typed = ""
            self._set_view(query=self._query(self.view))
            self.query_one(HeadlineList).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._typed = event.value.strip()
        self._set_view(query=self._query(self.view))

    def _query(self, view: Filter) -> str:
        """The search of ``view``: its saved view's (if any) and what is typed in the box."""
        saved = self.library.view(view.view, self._now()) if view.view else None
        return " ".join(q for q in (saved.query if saved else "", self._typed) if q)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one(HeadlineList).focus()  # the query stays, shown in the box

    def shown_bindings(self, *, screen_only: bool = False, long: bool = False) -> list[tuple[str, str]]:
        """(key, description) of the bindings meant to be shown, as they are bound right now.

        ``screen_only`` leaves out the focused pane's own keys; ``long`` prefers the tooltip.
        """
        rows: dict[tuple[str, str], None] = {}
        for active in self.active_bindings.values():
            binding = active.binding
            if screen_only and active.node not in (self, self.app):
                continue
            if binding.show and binding.description and not binding.system:
                text = (binding.tooltip or binding.description) if long else binding.description
                rows.setdefault((self.app.get_key_display(binding), text), None)
        return list(rows)

    def _show_keys(self) -> None:
        self.query_one(KeyBar).show(self.shown_bindings(screen_only=True), keep=ALWAYS_SHOWN_KEYS)

    def action_help(self) -> None:
        from newstui.ui.keymap import pane_rows, reader_rows  # noqa: PLC0415

        panes = [HeadlineList.BINDINGS, TopicList.BINDINGS, ArticlePane.BINDINGS, RelatedList.BINDINGS]
        self.app.push_screen(HelpScreen(reader_rows(self.app, [*self.app.BINDINGS, *self.BINDINGS]),
                                        pane_rows(self.app, panes)))
