"""The read-only commands: ``list``, ``related`` and ``show`` (stored articles), ``feeds`` (each
feed's health) and ``extract`` (the reader view of any web page). The work is done in core
(:mod:`newstui.core.library`, :mod:`newstui.core.article_view`, :mod:`newstui.core.health`,
:mod:`newstui.core.extract`); this module parses arguments and prints text or JSON Lines (the keys
are documented in docs/cli.md).

Exit status: 0 done; 1 no such article (or more than one), a failing feed with ``feeds --failing``,
a page that can't be read or holds no article; 2 a bad ``--search`` or an unknown ``--view``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TextIO

Command = Callable[..., argparse.ArgumentParser]


def add_commands(command: Command) -> None:
    """Register the commands with ``build_parser``'s ``command(name, func, help, example, status)``."""
    p = command("list", cmd_list, "list stored articles, newest first",
                "newstui list --topic asia --unread\n"
                "  newstui list --search '\"rate cut\" feed:Reuters after:3d' --limit 20\n"
                "  newstui list --json | jq -r .title   # JSON Lines: keys in docs/cli.md",
                "0 when done (also when nothing matches); 2 for a bad --search or an unknown --view")
    p.add_argument("--topic", help="only articles with this topic")
    p.add_argument("--feed", help="only articles from this feed (its name in feeds.toml)")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--starred", action="store_true", help="only starred articles")
    p.add_argument("--search", metavar="QUERY", default="",
                   help='words, "exact phrases", -excluded, feed:NAME, topic:NAME, after:2026-05-01, '
                   "before:3d (see docs/search.md); ranked by relevance, then newest first")
    p.add_argument("--view", metavar="NAME", help="a saved [views.NAME] of feeds.toml (other options add to it)")
    p.add_argument("--muted", action="store_true", help="only the articles [mute] rules hide")
    p.add_argument("--limit", type=int, default=0, help="at most this many (0: all)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--stories", action="store_true",
                   help="one line per story: its newest article, with how many articles and sources it has")
    p = command("related", cmd_related,
                "list the articles related to one: same story, earlier and later coverage",
                "newstui related 3fa2c1\n"
                "  newstui related 3fa2c1 --json | jq -r 'select(.section == \"same\") | .title'",
                "0 when done (also when nothing is related); 1 when no article, or more than one, has that id")
    p.add_argument("id", help="article id, or a unique prefix of one (see `newstui list`)")
    p.add_argument("--limit", type=int, default=10, help="at most this many beyond the same story (default 10)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per line: section, id, score, reason, copy, feed, title, published")
    p = command("show", cmd_show, "print one article as rendered text",
                "newstui show 3fa2c1 --width 72 | less\n"
                "  newstui show 3fa2c1 --json | jq -r '.links[].url'",
                "0 when done; 1 when no article, or more than one, has that id")
    p.add_argument("id", help="article id, or a unique prefix of one (see `newstui list`)")
    p.add_argument("--json", action="store_true", help="the article and its rendered text as JSON")
    p.add_argument("--width", type=int, default=0, help="wrap width (default: the terminal's)")
    from newstui.core.health import SORT_KEYS

    p = command("feeds", cmd_feeds, "show each feed's health: errors, redirects, warnings, articles, timings",
                "newstui feeds --sort time                 # the slowest feeds first\n"
                "  newstui feeds --failing --sort failures   # only the feeds that need a look (cron)\n"
                "  newstui feeds --json | jq -r 'select(.state != \"ok\") | .feed'",
                "0 when done; 1 with --failing when any feed is failing (for cron)")
    p.add_argument("--sort", choices=SORT_KEYS, metavar="KEY",
                   help="order by KEY, worst first, ties by name: " + ", ".join(SORT_KEYS)
                   + " (fetch + parse); default: the order of feeds.toml")
    p.add_argument("--failing", action="store_true",
                   help="only feeds whose last refresh failed; prints nothing and exits 0 when none is")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per feed and line, every field; times in ISO 8601 UTC")
    p = command("extract", cmd_extract, "print the main text of a web page or HTML file, as the reader shows it",
                "newstui extract https://example.com/news/story.html --width 72\n"
                "  newstui extract saved-page.html --json | jq -r .text",
                "0 when the page holds an article; 1 when it can't be fetched or read, or holds no "
                "article (what was found is still printed)")
    p.add_argument("source", metavar="URL|FILE", help="an http(s) URL, a file:// URL or a path")
    p.add_argument("--json", action="store_true",
                   help="title, byline, date, site, url, words, is_article, reason, text, links, see_also")
    p.add_argument("--width", type=int, default=0, help="wrap width (default: the terminal's)")


def cmd_list(args: argparse.Namespace) -> int:
    from datetime import datetime

    from newstui.cli import open_services
    from newstui.core.library import Filter, Library
    from newstui.core.search import QueryError, parse_query

    services = open_services(args)
    library = Library(services.config, services.store)
    try:
        parse_query(args.search)
    except QueryError as problem:
        print(f"newstui: --search {args.search!r}: {problem}", file=sys.stderr)
        return 2
    view = Filter(stories=args.stories)
    if args.view:
        found = library.view(args.view, datetime.now().astimezone(), view)
        if found is None:
            names = ", ".join(v.name for v in services.config.views) or "none: add [views.NAME] tables"
            print(f"newstui: no saved view {args.view!r} in {services.config.path} (views: {names})",
                  file=sys.stderr)
            return 2
        view = found
    view = replace(
        view, topic=args.topic, feed=args.feed, unread_only=args.unread or view.unread_only,
        starred=args.starred or view.starred, muted=args.muted,
        query=" ".join(q for q in (view.query, args.search) if q),
    )
    library.add_guessed(library.guess_topics())  # suggested topics count in filters and reasons
    if args.search and not library.wait_for_search():
        print("newstui: the search index is not ready: titles searched only", file=sys.stderr)
    articles = library.headlines(view)
    if args.limit > 0:
        articles = articles[: args.limit]
    out = sys.stdout
    if args.json:
        for article in articles:
            data = article_json(article, library.link(article.id))
            full = library.get(article.id)
            if full is not None:
                reasons = library.explain(full)
                data["topic_reasons"] = [{"topic": r.topic, "source": r.source, "detail": r.detail}
                                         for r in reasons if r.topic]
                data["muted_by"] = next((r.detail for r in reasons if r.source == "mute"), None)
            _json_line(out, data)
        return 0
    for article in articles:
        marker = " " if article.read else "●"
        star = "★" if article.starred else " "
        out.write(f"{marker}{star} {_headline_line(article)}{_sources(article)}\n")
    return 0


def _headline_line(article) -> str:
    """Id prefix, age, feed and title: one headline as `list` and `related` print it."""
    from newstui.core.dates import age

    return f"{article.id[:8]}  {age(article.published):>5}  {article.feed[:18]:<18}  {article.title}"


def _sources(article) -> str:
    if article.grouped:
        return f"  [{article.grouped} articles · {article.sources} sources]"
    return f"  [{article.copies} sources]" if article.copies > 1 else ""


SECTIONS = {"same": "Same story", "earlier": "Earlier coverage", "later": "Later coverage"}


def cmd_related(args: argparse.Namespace) -> int:
    from newstui.cli import open_services
    from newstui.core.library import Library

    services = open_services(args)
    library = Library(services.config, services.store)
    found = _one_article(library, args.id)
    if found is None:
        return 1
    rows = library.related(found.id, limit=max(args.limit, 1))
    out = sys.stdout
    if args.json:
        for headline, story in rows:
            data = {"section": story.section, "id": headline.id, "score": story.score,
                    "reason": list(story.shared), "copy": story.copy}
            data.update({k: v for k, v in article_json(headline, library.link(headline.id)).items() if k != "id"})
            _json_line(out, data)
        return 0
    out.write(f"{found.title}\n")
    section = None
    for headline, story in rows:
        if story.section != section:
            section = story.section
            out.write(f"\n{SECTIONS[section]}\n")
        why = "same article" if story.copy else ", ".join(story.shared)
        out.write(f"  {_headline_line(headline)}  ({why})\n")
    if not rows:
        out.write("\nNo related articles in the store.\n")
    return 0


def _one_article(library, prefix: str):
    """The headline whose id starts with ``prefix``, or None (having said why on stderr)."""
    matches = library.find(prefix)
    if not matches:
        print(f"newstui: no article with id {prefix!r}; `newstui list` shows the ids", file=sys.stderr)
        return None
    if len(matches) > 1:
        print(f"newstui: {prefix!r} matches {len(matches)} articles; give more of the id", file=sys.stderr)
        return None
    return matches[0]


def cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from newstui.cli import open_services
    from newstui.core.article_view import render_article
    from newstui.core.library import Library

    services = open_services(args)
    library = Library(services.config, services.store)
    found = _one_article(library, args.id)
    if found is None:
        return 1
    article = library.get(found.id)
    assert article is not None
    view = render_article(article, reasons=library.explain(article))
    width = args.width or shutil.get_terminal_size((80, 24)).columns
    if args.json:
        text = view.body.plain(width)
        data = article_json(view.article, view.article.link)
        data.update(story=found.story, copies=found.copies)  # the full article doesn't carry them
        data.update(author=view.article.author, text=text,
                    links=[{"number": link.number, "url": link.url, "text": link.text} for link in view.links])
        _json_line(sys.stdout, data)
        return 0
    console = Console(file=sys.stdout, width=width, markup=False, emoji=False, highlight=False)
    console.print(view.renderable())
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from newstui.core.page_view import load_page, page_json, page_view

    page, url, error = load_page(args.source)
    if error:
        print(f"newstui: {args.source}: {error}", file=sys.stderr)
        return 1
    from newstui.core.extract import extract

    found = extract(page, url)
    width = args.width or shutil.get_terminal_size((80, 24)).columns
    view = page_view(found)
    if args.json:
        _json_line(sys.stdout, page_json(found, view, width))
    else:
        from rich.console import Console

        Console(file=sys.stdout, width=width, markup=False, emoji=False, highlight=False).print(view.renderable())
    if found.reason:
        print(f"newstui: {args.source}: {found.reason}", file=sys.stderr)
    return 0 if found.words and not found.reason else 1


def cmd_feeds(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from newstui.cli import open_services
    from newstui.core.health import feed_health, health_json, health_table, sort_health

    services = open_services(args)
    store = services.store
    now = datetime.now(UTC)
    rows = feed_health(services.config, store.feed_statuses(), store.feed_stats(), now)
    if args.sort:
        rows = sort_health(rows, args.sort)
    if args.failing:
        rows = [row for row in rows if row.failing]
    out = sys.stdout
    if args.json:
        for row in rows:
            _json_line(out, health_json(row))
    elif rows:
        # 100 columns, or the terminal's width when printing to one
        width = shutil.get_terminal_size((100, 24)).columns if out.isatty() else 100
        for line in health_table(rows, now, width):
            out.write(line + "\n")
    return 1 if args.failing and rows else 0


def article_json(article, link: str) -> dict:
    return {
        "id": article.id,
        "feed": article.feed,
        "title": article.title,
        "link": link,
        "published": article.published.isoformat() if article.published else None,
        "topics": list(article.topics),
        "read": article.read,
        "starred": article.starred,
        "story": getattr(article, "story", 0),
        "copies": getattr(article, "copies", 1),
        **({"grouped": article.grouped, "sources": article.sources} if getattr(article, "grouped", 0) else {}),
    }


def _json_line(out: TextIO, data: dict) -> None:
    import orjson

    out.write(orjson.dumps(data).decode() + "\n")
