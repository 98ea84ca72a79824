"""Article body rendering: parse + layout of a 5,000-word article, as the reader's pane does it.

Builds a realistic article (paragraphs with inline styles, headings, lists, a quote, a table, about
100 links, images) and times, per width, the code the pane runs (without Textual's event loop):

* ``parse``: :func:`newstui.core.render.render_html` (what ``render_article`` does for the body);
* ``first``: what ``ArticlePane.show`` does before the first paint: the view (header, rule, body)
  laid out with :class:`newstui.ui.widgets.article.ArticleLines` until the pane's ``--height``
  rows and a margin are filled, and the rows on screen made strips;
* ``rest``: laying out the rest (what the pane does in slices after the first paint);
* ``open→first`` (parse + first: the target, ≤ 30 ms) and ``open→all`` (parse + first + rest);
* ``eager``: the whole view through ``console.render_lines`` into strips, as the pane did before
  it laid out lazily (for comparison with ``first + rest``).

    python bench/render_bench.py [--runs 30] [--words 5000] [--widths 80,120] [--height 40]
                                 [--cpu] [--profile] [--app]

``--cpu`` times with the process's CPU clock, steadier than wall time when other work shares
the machine. ``--app`` also times a real ``ArticlePane`` in a headless app (wall time, from
``render_article`` and ``show`` to the first screen and until the layout is complete).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import statistics
import time
from datetime import datetime, timezone

from rich.console import Console, Group
from rich.rule import Rule
from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip

from newstui.core.models import Article
from newstui.core.render import render_html
from newstui.ui.widgets.article import MARGIN, ArticleLines

TARGET_MS = 30.0
_WORDS = (
    "the government said on tuesday that its new budget would raise spending on schools and "
    "hospitals while cutting taxes for small firms economists were sceptical arguing that the "
    "numbers did not add up and that borrowing would have to rise officials insisted the plan "
    "was fully costed and pointed to stronger than expected growth in the last quarter critics "
    "in parliament called it a gamble with public money several regions reported shortages of "
    "teachers nurses and engineers which the minister blamed on the previous administration"
).split()


def article_html(words: int = 5000, seed: int = 7) -> str:
    """About ``words`` words of article HTML with the constructs a news page has."""
    rng = random.Random(seed)
    out: list[str] = []
    count = links = images = 0
    section = 0

    def sentence() -> str:
        nonlocal links
        parts = []
        for _ in range(rng.randint(12, 24)):
            word = rng.choice(_WORDS)
            roll = rng.random()
            if roll < 0.012 and links < 100:
                links += 1
                word = f'<a href="/story/{links}">{word} {rng.choice(_WORDS)}</a>'
            elif roll < 0.02:
                word = f"<em>{word}</em>"
            elif roll < 0.026:
                word = f"<strong>{word}</strong>"
            elif roll < 0.028:
                word = f"{word}&nbsp;&amp;"
            parts.append(word)
        return " ".join(parts).capitalize() + "."

    while count < words:
        paragraph = " ".join(sentence() for _ in range(rng.randint(3, 6)))
        out.append(f"<p>{paragraph}</p>\n")
        count += len(paragraph.split())
        block = len(out)
        if block % 9 == 0:
            section += 1
            out.append(f"<h{2 + section % 2}>Section {section}: {rng.choice(_WORDS)}</h{2 + section % 2}>\n")
        elif block % 13 == 0:
            items = "".join(f"<li>{sentence()}</li>" for _ in range(4))
            nested = f"<ul><li>{sentence()}</li><li>{sentence()}</li></ul>"
            tag = "ol" if block % 2 else "ul"
            out.append(f"<{tag}>{items}<li>{sentence()}{nested}</li></{tag}>\n")
            count += 60
        elif block % 17 == 0:
            out.append(f"<blockquote><p>{sentence()} {sentence()}</p><p>— A. Source</p></blockquote>\n")
            count += 40
        elif block % 23 == 0 or block == 30:
            rows = "".join(
                f"<tr><td>{rng.choice(_WORDS).title()}</td><td>{rng.randint(1, 999)}</td>"
                f"<td>{rng.randint(1, 99)}.{rng.randint(0, 9)}%</td><td>{sentence()}</td></tr>"
                for _ in range(6)
            )
            out.append(
                "<table><caption>Figures</caption><thead><tr><th>Region</th><th>Count</th>"
                f"<th>Change</th><th>Note</th></tr></thead><tbody>{rows}</tbody></table>\n"
            )
            count += 100
        elif block % 11 == 0:
            images += 1
            out.append(
                f'<figure><img src="/img/{images}.jpg" alt="Photo {images}: {rng.choice(_WORDS)}">'
                f"<figcaption>Caption for photo {images}.</figcaption></figure>\n"
            )
    while links < 100:
        links += 1
        out.append(f'<p>See also <a href="https://other.example.org/{links}">item {links}</a>.</p>\n')
    return '<article><h1>Budget &amp; the economy</h1>\n' + "".join(out) + "</article>"


def app_console() -> Console:
    """A Console configured like Textual's ``App.console`` (see textual/app.py)."""
    return Console(
        color_system="truecolor",
        file=io.StringIO(),
        markup=True,
        highlight=False,
        emoji=False,
        legacy_windows=False,
        _environ={},
        force_terminal=True,
        safe_box=False,
        soft_wrap=False,
    )


def make_article(html: str) -> Article:
    return Article(
        id="bench",
        feed="Bench News",
        title="Budget & the economy",
        link="https://news.example.org/2024/budget.html",
        author="A. Reporter",
        published=datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc),
        content=html,
        topics=("economy",),
    )


def header(article: Article) -> Text:
    """Roughly the article view's header (title, feed, byline, date, link, topics)."""
    text = Text()
    text.append(article.title, style="bold")
    text.append("\n")
    text.append(article.feed, style="bold cyan")
    text.append(f" · {article.author} · 1 May 2024 09:30 · 22 min read\n")
    text.append(article.link, style="underline blue")
    text.append("\ntopics: ", style="dim")
    text.append(", ".join(article.topics), style="magenta")
    return text


def once(
    article: Article, console: Console, width: int, height: int = 40, clock=time.perf_counter
) -> tuple[float, float, float, int]:
    """Seconds to parse, to lay out the first ``height`` rows at ``width`` (as strips), to lay out
    the rest; and the number of lines.

    As ``render_article`` and ``ArticlePane.show`` do it, without the boilerplate cleaning (not
    the renderer's) that ``render_article`` does first."""
    start = clock()
    body = render_html(article.body_html, base_url=article.link)
    view = Group(header(article), Rule(style="dim"), body)
    parsed = clock()
    layout = ArticleLines(console, view, width)
    layout.fill(height + MARGIN)  # as ArticlePane.show
    for index in range(min(height, len(layout.lines))):
        layout.strip(index)
    first = clock()
    layout.finish()
    done = clock()
    return parsed - start, first - parsed, done - first, len(layout.lines)


def eager(article: Article, console: Console, width: int, clock=time.perf_counter) -> float:
    """Seconds to lay out the whole view into strips, as the pane did before (parsed already)."""
    view = Group(header(article), Rule(style="dim"), render_html(article.body_html, article.link))
    start = clock()
    options = console.options.update(width=width, height=None)
    lines = console.render_lines(view, options, pad=False)
    [Strip(Segment.adjust_line_length(line, width), width) for line in lines]
    return clock() - start


def summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  min {ms[0]:6.2f} ms"


def in_app(
    article: Article, width: int, height: int, runs: int
) -> tuple[int, list[float], list[float]]:
    """A real ``ArticlePane`` in a headless app: wall seconds from ``render_article`` + ``show``
    to the first screen laid out (``show`` returning), and until the whole article is laid out
    (slices run between other events). The boilerplate cleaning is cached after the first run."""
    import asyncio

    from textual.app import App, ComposeResult

    from newstui.core.article_view import render_article
    from newstui.ui.widgets.article import ArticlePane

    class PaneApp(App):
        def compose(self) -> ComposeResult:
            yield ArticlePane()

    async def run() -> tuple[int, list[float], list[float]]:
        first: list[float] = []
        whole: list[float] = []
        app = PaneApp()
        async with app.run_test(size=(width + 2, height)) as pilot:  # + the scrollbar
            pane = app.query_one(ArticlePane)
            for index in range(runs + 3):
                start = time.perf_counter()
                pane.show(render_article(article))
                shown = time.perf_counter()
                layout = pane._layout
                while not layout.done:
                    await asyncio.sleep(0)
                done = time.perf_counter()
                if index >= 3:  # warm-up runs left out
                    first.append(shown - start)
                    whole.append(done - start)
                await pilot.pause()
            return pane.scrollable_content_region.width, first, whole

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--widths", default="80,120")
    parser.add_argument("--height", type=int, default=40, help="rows the pane shows")
    parser.add_argument("--profile", action="store_true", help="cProfile one width, top 25")
    parser.add_argument(
        "--cpu", action="store_true", help="time with the process's CPU clock (on a busy machine)"
    )
    parser.add_argument("--app", action="store_true", help="also time a real pane (wall time)")
    args = parser.parse_args()

    html = article_html(args.words)
    article = make_article(html)
    rendered = render_html(html, article.link)
    words = len(rendered.plain(10_000).split())
    print(
        f"article: {len(html):,} bytes of HTML, {words:,} words shown, "
        f"{len(rendered.blocks)} blocks, {len(rendered.links)} links"
    )
    console = app_console()
    widths = [int(w) for w in args.widths.split(",")]

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            once(article, console, widths[0], args.height)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return

    clock = time.process_time if args.cpu else time.perf_counter
    print(
        f"clock: {'process CPU time' if args.cpu else 'wall time'}, {args.runs} runs per width, "
        f"a pane {args.height} rows high"
    )
    for _ in range(3):  # warm up: imports, caches
        for width in widths:
            once(article, console, width, args.height)
            eager(article, console, width)
    worst = 0.0
    for width in widths:
        times: dict[str, list[float]] = {}
        for _ in range(args.runs):
            p, f, r, count = once(article, console, width, args.height, clock)
            e = eager(article, console, width, clock)
            row = {"parse": p, "first": f, "rest": r, "eager": e}
            row |= {"open→first": p + f, "open→all": p + f + r}
            for name, value in row.items():
                times.setdefault(name, []).append(value)
        print(f"width {width:>3} ({count} lines)")
        for name, values in times.items():
            print(f"  {name:<11} {summary(values)}")
        worst = max(worst, statistics.median(times["open→first"]) * 1000)
    verdict = "meets" if worst <= TARGET_MS else "MISSES"
    print(f"worst median open→first {worst:.2f} ms: {verdict} the {TARGET_MS:.0f} ms target")

    if args.app:
        print(f"a real ArticlePane in a headless app (wall time, render_article + show), "
              f"{args.runs} runs")
        for width in widths:
            pane_width, first, whole = in_app(article, width, args.height, args.runs)
            print(f"width {pane_width:>3}")
            print(f"  show→first {summary(first)}")
            print(f"  show→all   {summary(whole)}")


if __name__ == "__main__":
    main()
