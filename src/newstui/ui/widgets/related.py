"""The related-stories pane: other articles ranked by shared significant words, then "See also":
links the article's text pointed to from boilerplate ("Related:", "See also …") that was cleaned out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from rich.text import Text
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newstui.core.dates import age
from newstui.core.library import Headline
from newstui.core.related import RelatedStory
from newstui.ui.widgets.quiet import QUIET_VIRTUAL_SIZE


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

    def show(self, related: Sequence[tuple[Headline, RelatedStory]] | None,
             see_also: Sequence[tuple[str, str]] = ()) -> None:
        self._related = related
        self._see_also = see_also
        if related is None:
            self.set_options([Option(Text("Open an article to see related stories.", style="dim italic"), disabled=True)])
            return
        options: list[Option] = []
        if related:
            now = self._clock()
            options += (Option(self._prompt(a, s, now), id=a.id) for a, s in related)
        elif not see_also:
            options.append(Option(Text("No related stories in the store yet.", style="dim italic"), disabled=True))
        if see_also:
            options.append(Option(Content.styled("See also", "bold"), disabled=True))
            options += (Option(self._link_prompt(url, text), id=f"link:{n}") for n, (url, text) in enumerate(see_also))
        self.set_options(options)

    def show_see_also(self, see_also: Sequence[tuple[str, str]]) -> None:
        """The same related stories, with new "see also" links (the page's text arrived)."""
        if self._related is not None and tuple(see_also) != tuple(self._see_also):
            self.show(self._related, see_also)

    @staticmethod
    def _link_prompt(url: str, text: str) -> Content:
        host = urlsplit(url).hostname or url
        parts: list[tuple[str, str]] = [("see also · ", "dim"), (host, "bold cyan")]
        parts += [("\n", ""), (text or url, "")]
        return Content.assemble(*parts)

    @staticmethod
    def _prompt(article: Headline, story: RelatedStory, now: datetime) -> Content:
        """Source, age, title and the shared words: Textual Content assembled from plain strings
        (never parsed as markup; a Rich Text would be converted to Content by the list anyway)."""
        parts: list[tuple[str, str]] = [
            (article.feed, "bold cyan"),
            (f" · {age(article.published, now)}", "dim"),
        ]
        if article.read:
            parts.append((" · read", "dim"))
        parts += [("\n", ""), (article.title, "dim" if article.read else "bold")]
        if story.shared:
            parts += [("\n", ""), ("shared: " + ", ".join(story.shared), "italic magenta")]
        return Content.assemble(*parts)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id
        if key and key.startswith("link:"):
            self.post_message(self.OpenLink(self._see_also[int(key[5:])][0]))
        elif key:
            self.post_message(self.Open(key))
