"""The reader's habits (issue 9): next/previous unread, mark all read with undo, links to the
clipboard, the layout toggles and "since last visit"; a mixin of :class:`MainScreen`, like
:class:`~newstui.ui.screens.article_text.ArticleText`.

Its bindings are listed in MainScreen.BINDINGS (Textual reads BINDINGS of widget classes only).
"""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual.binding import Binding

from newstui.core.library import Headline, HeadlineRows, TopicCount
from newstui.ui.widgets.headlines import HeadlineList
from newstui.ui.widgets.topics import SINCE

if TYPE_CHECKING:
    from newstui.ui.app import NewsApp
    from newstui.ui.screens.main import MainScreen

LAYOUTS = ("hide_related", "wide_article", "zen")  # UiState fields, and CSS classes -hide-related...

HABIT_BINDINGS = [
    Binding("x", "toggle_unread", "Hide read", tooltip="hide the read articles on/off (as u)", show=False,
            id="hide_read"),
    Binding("n", "next_unread", "Next unread", tooltip="open the next unread headline", show=False,
            id="next_unread"),
    Binding("p", "previous_unread", "Previous unread", tooltip="open the previous unread headline",
            show=False, id="previous_unread"),
    Binding("A", "mark_all_read", "All read", tooltip="mark every article shown read (U undoes)",
            show=False, id="mark_all_read"),
    Binding("U", "undo_mark_all_read", "Undo all read", tooltip="undo the last A (mark all read)",
            show=False, id="undo_mark_all_read"),
    Binding("y", "copy_link", "Copy link", tooltip="copy the article's link to the clipboard", show=False,
            id="copy_link"),
    Binding("Y", "share_link", "Share", tooltip="copy the article as Markdown: [title](link), feed, date",
            show=False, id="share_link"),
    Binding("R", "toggle_layout('hide_related')", "Related pane", tooltip="hide / show the related pane",
            show=False, id="toggle_related"),
    Binding("w", "toggle_layout('wide_article')", "Wide article",
            tooltip="wide article: the article takes the topic and related panes' room", show=False,
            id="wide_article"),
    Binding("z", "toggle_layout('zen')", "Zen", tooltip="zen mode: only the article, on/off", show=False,
            id="zen"),
]


class ReaderHabits:
    """Mixed into MainScreen: uses its library, view, panes and _set_flags."""

    _undo_read: list[str]
    _news: list[str]  # ids a background refresh brought, announced after the reload

    def _init_habits(self: MainScreen) -> None:
        self._undo_read = []
        self._news = []

    @property
    def news_app(self: MainScreen) -> NewsApp:
        return self.app  # type: ignore[return-value]

    # -- next / previous unread --------------------------------------------------------------------

    def action_next_unread(self: MainScreen) -> None:
        self._step_unread(1)

    def action_previous_unread(self: MainScreen) -> None:
        self._step_unread(-1)

    def _step_unread(self: MainScreen, step: int) -> None:
        """The headline cursor to the next unread row below (or above) it, and that article opened."""
        headlines = self.query_one(HeadlineList)
        rows = headlines.articles
        index = headlines.cursor + step
        while 0 <= index < len(rows):
            row = rows[index]
            if not row.read:
                headlines.cursor = index
                self._trail.clear()
                self.open_article(row.id)
                return
            index += step
        where = "below" if step > 0 else "above"
        self.notify(f"No unread headline {where} this one.", timeout=2)

    # -- mark all read, and undo -------------------------------------------------------------------

    def _shown_unread(self: MainScreen) -> list[str]:
        rows = self.query_one(HeadlineList).articles
        assert isinstance(rows, HeadlineRows)  # the screen lists only the library's rows
        return rows.unread_ids()

    def action_mark_all_read(self: MainScreen) -> None:
        ids = self._shown_unread()
        first = self.library.headline(ids[0]) if ids else None
        if first is None:
            self.notify("Nothing unread here.", timeout=2)
            return
        self._set_flags(first, also=ids[1:], read=True)
        self._undo_read = ids
        undo = self._key_of("undo_mark_all_read") or "U"
        self.notify(f"{len(ids)} marked read. {undo} undoes.", timeout=6, markup=False)

    def action_undo_mark_all_read(self: MainScreen) -> None:
        ids, self._undo_read = self._undo_read, []
        first = self.library.headline(ids[0]) if ids else None
        if first is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self._set_flags(first, also=ids[1:], read=False)
        self.notify(f"{len(ids)} unread again.", timeout=3, markup=False)

    def key_for(self: MainScreen, binding: Binding) -> str:
        """The key of ``binding`` as it is bound now (after [keys]), as shown."""
        return (self._key_of(binding.id) if binding.id else "") or self.app.get_key_display(binding)

    def _key_of(self: MainScreen, binding_id: str) -> str:
        """The key (as shown) bound to ``binding_id`` right now ("" when none is)."""
        for key, active in self.active_bindings.items():
            if active.binding.id == binding_id:
                return self.app.get_key_display(active.binding)
        return ""

    # -- links out ---------------------------------------------------------------------------------

    def _link_of_current(self: MainScreen) -> tuple[Headline, str] | None:
        article = self._current()
        link = self.library.link(article.id) if article is not None else ""
        if article is None or not link:
            self.notify("This article has no link to copy.", severity="warning", timeout=3)
            return None
        return article, link

    def action_copy_link(self: MainScreen) -> None:
        found = self._link_of_current()
        if found is not None:
            self.app.copy_to_clipboard(found[1])
            self.notify(f"Link copied: {found[1]}", timeout=3, markup=False)

    def action_share_link(self: MainScreen) -> None:
        found = self._link_of_current()
        if found is not None:
            article, link = found
            self.app.copy_to_clipboard(share_markdown(article, link))
            self.notify(f"Copied as Markdown: {article.title}", timeout=3, markup=False)

    # -- layout --------------------------------------------------------------------------------------

    def _apply_layout(self: MainScreen) -> None:
        state = self.news_app.ui_state
        for name in LAYOUTS:
            self.set_class(getattr(state, name), "-" + name.replace("_", "-"))
        if state.zen:
            self.query_one("#article").focus()
        elif self.focused is None or not self.focused.display or not self.focused.parent.display:
            self.query_one(HeadlineList).focus()

    def action_toggle_layout(self: MainScreen, name: str) -> None:
        if name not in LAYOUTS:
            return
        state = self.news_app.ui_state
        self.news_app.save_ui_state(**{name: not getattr(state, name)})
        self._apply_layout()
        if name == "zen" and not state.zen:
            self.query_one(HeadlineList).focus()  # back from the article alone: to the headlines

    # -- since last visit --------------------------------------------------------------------------

    def since_last_visit(self: MainScreen) -> float | None:
        """When the reader was last closed (seconds since the epoch), if it ever was."""
        return self.news_app.ui_state.last_closed if hasattr(self.app, "ui_state") else None

    def since_count(self: MainScreen) -> TopicCount | None:
        """The topic list's "since last visit" row: the articles published after the last close,
        under the view's other filters."""
        since = self.since_last_visit()
        if since is None:
            return None
        view = replace(self.view, topic=None, topics=(), starred=False, muted=False, after=since)
        everything, _ = self.library.counts(view)
        return TopicCount(SINCE, everything.unread, everything.total)

    def announce_after_reload(self: MainScreen, ids: list[str]) -> None:
        self._news += ids

    def announce_new(self: MainScreen) -> None:
        """After a reload: a toast for the news of a background refresh, and settings.notify_command."""
        ids, self._news = self._news, []
        watched = self.library.config.settings.watch_topics
        news = [h for i in dict.fromkeys(ids) if (h := self.library.headline(i)) is not None]
        if watched:  # only the news in a watched topic
            watching = set(watched)
            news = [h for h in news if not watching.isdisjoint(h.topics)]
        titles = [h.title for h in news]
        if not titles:
            return
        more = f" (+{len(titles) - 3} more)" if len(titles) > 3 else ""
        where = f" in {', '.join(watched)}" if watched else ""
        self.notify("\n".join(titles[:3]) + more, title=f"{len(titles)} new{where}", timeout=6, markup=False)
        command = self.library.config.settings.notify_command
        if command:
            try:
                subprocess.Popen(
                    [*shlex.split(command), str(len(titles)), *titles[:20]],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except (OSError, ValueError) as problem:
                self.notify(f"notify_command failed: {problem}", severity="warning", markup=False)


def share_markdown(article: Headline, link: str) -> str:
    """``[title](link)`` and, under it, the feed and the date (Markdown-escaped title)."""
    title = article.title
    for ch in "\\[]":
        title = title.replace(ch, "\\" + ch)
    target = link.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    published = article.published
    when = published.astimezone(UTC).strftime("%Y-%m-%d") if isinstance(published, datetime) else ""
    return f"[{title}]({target})\n{article.feed}" + (f" · {when}" if when else "")
