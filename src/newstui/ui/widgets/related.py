"""The related-stories pane: other articles ranked by shared significant words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

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

    def __init__(self, *, clock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._clock = clock or (lambda: datetime.now(UTC))

    def show(self, related: Sequence[tuple[Headline, RelatedStory]] | None) -> None:
        if related is None:
            self.set_options([Option(Text("Open an article to see related stories.", style="dim italic"), disabled=True)])
            return
        if not related:
            self.set_options([Option(Text("No related stories in the store yet.", style="dim italic"), disabled=True)])
            return
        now = self._clock()
        self.set_options(Option(self._prompt(a, s, now), id=a.id) for a, s in related)

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
        if event.option.id:
            self.post_message(self.Open(event.option.id))
