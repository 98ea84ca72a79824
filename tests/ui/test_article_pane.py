"""The article pane lays a long article out lazily: the first screen at once, the rest in slices
after each repaint, or at once when a key scrolls past what is laid out. Whatever the timing, the
pane shows exactly the lines Rich gives for the whole article at its width."""

from __future__ import annotations

import pytest
from pilot_helpers import wait_until
from textual.app import App, ComposeResult

from newstui.core.article_view import ArticleView, render_article
from newstui.core.models import Article
from newstui.ui.widgets import article as article_module
from newstui.ui.widgets.article import ArticlePane


def long_article(name: str, paragraphs: int = 120) -> ArticleView:
    body = "".join(
        f"<p>{name} paragraph {n}: the council said on tuesday that its budget would raise "
        f"spending on <a href='/story/{n}'>schools</a> and <em>hospitals</em> while cutting taxes "
        f"for small firms, and economists were sceptical about the numbers. End of {n}.</p>"
        for n in range(paragraphs)
    )
    link = "https://example.test/a"
    article = Article(id=name, feed="Pane News", title=f"{name} title", link=link, content=body)
    return render_article(article)


class PaneApp(App):
    def compose(self) -> ComposeResult:
        yield ArticlePane()


@pytest.fixture
def no_slices(monkeypatch):
    """No layout in the background: only what the keys ask for (as when they come first)."""
    monkeypatch.setattr(ArticlePane, "_more", lambda pane, layout: None)


def expected(pane: ArticlePane, view: ArticleView) -> list[str]:
    """The whole article at the pane's width, laid out by Rich at once."""
    console = pane.app.console
    width = pane.scrollable_content_region.width
    options = console.options.update(width=width, height=None)
    lines = console.render_lines(view.renderable(), options, pad=False)
    return ["".join(segment.text for segment in line).rstrip() for line in lines]


def visible(pane: ArticlePane) -> list[str]:
    return [
        "".join(segment.text for segment in pane.render_line(y)).rstrip()
        for y in range(pane.scrollable_content_region.height)
    ]


def shown_from(pane: ArticlePane, lines: list[str]) -> None:
    """The pane shows ``lines`` from its scroll position on."""
    top = round(pane.scroll_y)
    height = pane.scrollable_content_region.height
    want = lines[top : top + height]
    assert visible(pane) == want + [""] * (height - len(want))


async def test_g_reaches_the_true_end_while_the_rest_is_being_laid_out(no_slices):
    app = PaneApp()
    app.animation_level = "none"
    async with app.run_test(size=(80, 30)) as pilot:
        pane = app.query_one(ArticlePane)
        pane.focus()
        view = long_article("first")
        pane.show(view)
        lines = expected(pane, view)
        layout = pane._layout
        height = pane.scrollable_content_region.height
        assert height <= len(layout.lines) < len(lines) // 4  # the first screen only
        assert not layout.done
        assert pane.virtual_size.height == len(layout.lines)
        shown_from(pane, lines)

        await pilot.press("G")
        await pilot.pause()
        assert layout.done and pane.virtual_size.height == len(lines)
        assert pane.scroll_y == pane.max_scroll_y == len(lines) - height
        shown_from(pane, lines)
        assert visible(pane)[-1] == lines[-1] and "https://example.test/story/119" in lines[-1]

        await pilot.press("g")
        await pilot.pause()
        shown_from(pane, lines)
        assert visible(pane)[0] == "first title"


async def test_space_pages_through_the_whole_article(no_slices):
    app = PaneApp()
    app.animation_level = "none"
    async with app.run_test(size=(80, 30)) as pilot:
        pane = app.query_one(ArticlePane)
        pane.focus()
        view = long_article("paged")
        pane.show(view)
        lines = expected(pane, view)
        height = pane.scrollable_content_region.height
        seen: list[str] = []
        for _ in range(len(lines)):
            top = round(pane.scroll_y)
            shown_from(pane, lines)
            seen[top:] = visible(pane)
            if top + height >= len(lines):
                break
            await pilot.press("space")
            await pilot.pause()
            assert round(pane.scroll_y) == min(top + height, len(lines) - height)  # never held back
        assert seen[: len(lines)] == lines
        for _ in range(3):
            await pilot.press("j")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y


async def test_another_article_mid_layout_shows_only_the_new_one(monkeypatch):
    monkeypatch.setattr(article_module, "SLICE", 0.0)  # a piece per slice
    app = PaneApp()
    app.animation_level = "none"
    async with app.run_test(size=(80, 30)) as pilot:
        pane = app.query_one(ArticlePane)
        pane.show(long_article("first"))
        old = pane._layout
        laid = len(old.lines)
        second = long_article("second", paragraphs=60)
        pane.show(second)
        await wait_until(pilot, lambda: pane._layout.done)
        assert len(old.lines) == laid and not old.done  # the first article's slices never ran
        lines = expected(pane, second)
        assert pane.virtual_size.height == len(lines)
        assert not any("first" in line for line in lines)
        pane.scroll_to(y=len(lines) // 2, animate=False, immediate=True)
        await pilot.pause()
        shown_from(pane, lines)
        assert pane.text.startswith("second title")


async def test_the_rest_is_laid_out_in_the_background(monkeypatch):
    monkeypatch.setattr(article_module, "SLICE", 0.0)
    app = PaneApp()
    app.animation_level = "none"
    async with app.run_test(size=(80, 30)) as pilot:
        pane = app.query_one(ArticlePane)
        view = long_article("background")
        pane.show(view)
        layout = pane._layout
        first = len(layout.lines)
        await wait_until(pilot, lambda: layout.done)
        lines = expected(pane, view)
        assert first < len(lines) == len(layout.lines) == pane.virtual_size.height
        assert pane.max_scroll_y == len(lines) - pane.scrollable_content_region.height
        shown_from(pane, lines)


async def test_a_resize_lays_the_article_out_again_at_the_new_width(no_slices):
    app = PaneApp()
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.query_one(ArticlePane)
        pane.focus()
        view = long_article("wide")
        pane.show(view)
        await pilot.pause()
        wide = expected(pane, view)
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        width = pane.scrollable_content_region.width
        assert width < 50 and pane._layout.width == width
        narrow = expected(pane, view)
        assert len(narrow) > len(wide) and max(map(len, narrow)) <= width
        shown_from(pane, narrow)
        await pilot.press("G")
        await pilot.pause()
        assert pane.virtual_size.height == len(narrow)
        shown_from(pane, narrow)
        assert visible(pane)[-1] == narrow[-1]
