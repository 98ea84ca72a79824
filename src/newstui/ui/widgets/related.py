"""The related-stories pane, in sections: "Same story" (the article through other feeds, then the
story's other articles), "Earlier coverage" and "Later coverage" (other articles on the subject),
each row saying why it is there; then "See also": links the article's text pointed to from
boilerplate ("Related:", "See also …") that was cleaned out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from rich.text import Text
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from newstui.core.dates import age
from newstui.core.library import Headline
from newstui.core.related import RelatedStory
from newstui.ui.widgets.quiet import QUIET_VIRTUAL_SIZE

SECTIONS = {"same": "Same story", "earlier": "Earlier coverage", "later": "Later coverage"}
SECTION_ROWS = 30  # rows listed per section (a story can have thousands of articles)
OTHER_SECTION = "Related"  # a section core may add that this pane does not name yet


class RelatedList(OptionList):
    DEFAULT_CSS = "RelatedList { overflow-y: scroll; }"
    virtual_size = QUIET_VIRTUAL_SIZE  # a new list repaints this pane, not the screen
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="related.down"),
        Binding("k", "cursor_up", "Up", show=False, id="related.up"),
    ]

    class Open(Message):
        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class OpenLink(Message):
        """A "see also" link was chosen: open it in the browser."""

        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    def __init__(self, *, clock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._related: Sequence[tuple[Headline, RelatedStory]] | None = None
        self._see_also: Sequence[tuple[str, str]] = ()
        self._shown: dict[str, Headline] = {}  # the articles listed, as they were drawn
        self._pending = False  # an article is open, its related stories not found yet

    @property
    def see_also(self) -> Sequence[tuple[str, str]]:
        return self._see_also

    @property
    def pending(self) -> bool:
        """Whether the pane waits for the related index (see :meth:`show_pending`)."""
        return self._pending

    def show_pending(self, see_also: Sequence[tuple[str, str]] = ()) -> None:
        """The article is open but the related index is still being built: say so (with its
        "see also" links) until :meth:`show` gives the stories."""
        self._related, self._see_also, self._shown, self._pending = None, see_also, {}, True
        options = [Option(Text("Finding related stories…", style="dim italic"), disabled=True)]
        self.set_options(options + self._see_also_options(see_also, first=False))

    def show(self, related: Sequence[tuple[Headline, RelatedStory]] | None,
             see_also: Sequence[tuple[str, str]] = ()) -> None:
        self._related = related
        self._see_also = see_also
        self._shown = {}
        self._pending = False
        if related is None:
            self.set_options([Option(Text("Open an article to see related stories.", style="dim italic"), disabled=True)])
            return
        options: list[Option] = []
        if related:
            now = self._clock()
            sections: dict[str, list[tuple[Headline, RelatedStory]]] = {}
            for pair in related:  # core sorts them by section
                sections.setdefault(pair[1].section, []).append(pair)
            for section, rows in sections.items():
                options.append(self._header(SECTIONS.get(section, OTHER_SECTION), first=not options))
                self._shown.update((a.id, a) for a, _ in rows[:SECTION_ROWS])
                options += (Option(self._prompt(a, s, now), id=a.id) for a, s in rows[:SECTION_ROWS])
                if len(rows) > SECTION_ROWS:
                    more = f"… and {len(rows) - SECTION_ROWS:,} more"
                    options.append(Option(Text(more, style="dim italic"), disabled=True))
        elif not see_also:
            options.append(Option(Text("No related stories in the store yet.", style="dim italic"), disabled=True))
        self.set_options(options + self._see_also_options(see_also, first=not options))

    def _see_also_options(self, see_also: Sequence[tuple[str, str]], first: bool) -> list[Option]:
        if not see_also:
            return []
        return [self._header("See also", first=first),
                *(Option(self._link_prompt(url, text), id=f"link:{n}") for n, (url, text) in enumerate(see_also))]

    def show_see_also(self, see_also: Sequence[tuple[str, str]]) -> None:
        """The same related stories, with new "see also" links (the page's text arrived)."""
        if tuple(see_also) == tuple(self._see_also):
            return
        if self._pending:
            self.show_pending(see_also)
        elif self._related is not None:
            highlighted = self.highlighted_id
            self.show(self._related, see_also)
            self.restore(highlighted)

    def show_flags(self, headline: Callable[[str], Headline | None]) -> None:
        """Redraw the rows whose read or starred flags changed (``headline`` gives them as they
        are now): the same rows, the same highlighted row."""
        if not self._related:
            return
        changed: dict[str, Headline] = {}
        for option in self.options:  # the rows listed (up to SECTION_ROWS a section)
            if option.id and option.id in self._shown:
                old, new = self._shown[option.id], headline(option.id)
                if new is not None and (new.read, new.starred) != (old.read, old.starred):
                    changed[new.id] = new
        if changed:
            highlighted = self.highlighted_id
            self.show([(changed.get(a.id, a), s) for a, s in self._related], self._see_also)
            self.restore(highlighted)

    # -- the highlighted row (kept by the screen's back trail) ---------------------------------

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted row (an article id, or ``link:n``), if a row is highlighted."""
        option = self.highlighted_option
        return None if option is None or option.disabled else option.id

    def restore(self, option_id: str | None) -> None:
        """Highlight the row ``option_id`` again (nothing is highlighted if it is gone)."""
        if option_id is None:
            return
        try:
            self.highlighted = self.get_option_index(option_id)
        except OptionDoesNotExist:
            pass

    # -- prompts: Content assembled from plain strings, never parsed as markup ------------------

    @staticmethod
    def _header(title: str, first: bool) -> Option:
        """A section's title (after a blank line, below another section)."""
        return Option(Content.assemble(("" if first else "\n", ""), (title, "bold underline")), disabled=True)

    @staticmethod
    def _link_prompt(url: str, text: str) -> Content:
        host = urlsplit(url).hostname or url
        parts: list[tuple[str, str]] = [("see also · ", "dim"), (host, "bold cyan")]
        parts += [("\n", ""), (text or url, "")]
        return Content.assemble(*parts)

    @staticmethod
    def _prompt(article: Headline, story: RelatedStory, now: datetime) -> Content:
        """Source, age, title and why it is related: the very same article through another feed,
        or the words the two share. (A Rich Text would be converted to Content by the list anyway.)"""
        parts: list[tuple[str, str]] = [
            (article.feed, "bold cyan"),
            (f" · {age(article.published, now)}", "dim"),
        ]
        if article.read:
            parts.append((" · read", "dim"))
        parts += [("\n", ""), (article.title, "dim" if article.read else "bold")]
        if story.copy:
            parts += [("\n", ""), ("same article", "italic magenta")]
        elif story.shared:
            parts += [("\n", ""), ("shared: " + ", ".join(story.shared), "italic magenta")]
        return Content.assemble(*parts)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id
        if key and key.startswith("link:"):
            self.post_message(self.OpenLink(self._see_also[int(key[5:])][0]))
        elif key:
            self.post_message(self.Open(key))
