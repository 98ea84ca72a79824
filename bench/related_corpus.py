"""WikiRef220 for bench/related_eval.py: the files as RSS feeds, a local server, the metrics.

* :func:`load` reads the 220 files (title = first non-empty line, story = the file-name prefix).
* :func:`write_feeds` turns them into RSS 2.0 files, round-robin over ``FEEDS`` outlets, published
  over one day in a deterministic shuffle (stories interleave as a day of news does).
* :class:`Server` serves a folder on 127.0.0.1 from a thread (http.server), counting requests.
* :func:`bcubed`, :func:`precision_at`, :class:`PlainTfidf` (the baseline: raw tf x log idf,
  cosine, no stopwords, no stemming; written here, sklearn is not installed).
"""

from __future__ import annotations

import html
import math
import random
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
WIKIREF = CORPUS / "related" / "wikiref220" / "WikiRef220"
BBC = CORPUS / "topics" / "bbc-news-5topic"

FEEDS = 10  # outlets the files are spread over, round-robin
DAY = datetime(2025, 11, 13, tzinfo=UTC)  # the day they are published (in the past: the parser
# clamps future dates to now)
SHUFFLE_SEED = "wikiref220"
HOST = "wikiref.example"  # fictional: full_text = "never", so nothing is ever fetched from it
BIG = 6  # a story with at least this many files has 5 others to find (P@5 is over those)

_PREFIX = re.compile(r"(?: \(\d+\)|\.\d+)?\.txt$")


def story_of(name: str) -> str:
    """``ParisAttacks2015 (12).txt`` → ``ParisAttacks2015``; ``premier.league.5.txt`` → ``premier.league``."""
    return _PREFIX.sub("", name)


@dataclass(frozen=True, slots=True)
class Doc:
    name: str  # the file name
    story: str  # its prefix
    title: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """Title and text, one line (what the baselines read)."""
        return " ".join((self.title, *self.paragraphs))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # "windows-1252-ish": 0x81 etc. replaced


def load(folder: Path = WIKIREF) -> list[Doc]:
    docs = []
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in _decode(path.read_bytes()).splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        docs.append(Doc(path.name, story_of(path.name), lines[0], tuple(lines[1:])))
    return docs


# --------------------------------------------------------------------------- the feeds


@dataclass(frozen=True, slots=True)
class Item:
    doc: Doc
    feed: int  # outlet number, 0-based
    published: datetime
    link: str


def plan_items(docs: Sequence[Doc]) -> list[Item]:
    """Each file's outlet, publication time and link: the files in a seeded shuffle are published
    at even steps over :data:`DAY` and dealt to the outlets in turn."""
    order = list(docs)
    random.Random(SHUFFLE_SEED).shuffle(order)
    step = 86400 / len(order)
    items = []
    for n, doc in enumerate(order):
        published = DAY + timedelta(seconds=round((n + 0.5) * step))
        feed = n % FEEDS
        slug = re.sub(r"[^a-z0-9]+", "-", doc.title.lower()).strip("-")[:60]
        link = f"https://outlet{feed + 1:02d}.{HOST}/{published:%Y/%m/%d}/{slug}-{n:03d}"
        items.append(Item(doc, feed, published, link))
    return items


def feed_name(feed: int) -> str:
    return f"Outlet {feed + 1:02d}"


def rss(feed: int, items: Iterable[Item]) -> str:
    """RSS 2.0: title, link, guid, pubDate and the text as escaped HTML paragraphs."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{feed_name(feed)}</title>\n<link>https://outlet{feed + 1:02d}.{HOST}/</link>\n"
        "<description>WikiRef220 articles for bench/related_eval.py</description>\n"
    ]
    for item in sorted(items, key=lambda i: i.published, reverse=True):
        body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in item.doc.paragraphs)
        out.append(
            f"<item><title>{escape(item.doc.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="true">{escape(item.link)}</guid>'
            f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>"
            f"<description>{escape(body)}</description></item>\n"
        )
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def write_feeds(folder: Path, items: Sequence[Item]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for feed in range(FEEDS):
        path = folder / f"outlet{feed + 1:02d}.xml"
        path.write_text(rss(feed, [i for i in items if i.feed == feed]), encoding="utf-8")
        paths.append(path)
    return paths


def write_config(path: Path, urls: Sequence[str]) -> None:
    """feeds.toml: the outlets, no page fetching, every feed at once (one host: 127.0.0.1)."""
    lines = [
        "[settings]",
        "refresh_minutes = 0",
        'full_text = "never"',
        f"concurrency = {len(urls)}",
        f"host_concurrency = {len(urls)}  # every outlet is on 127.0.0.1 here",
        "",
    ]
    for n, url in enumerate(urls):
        lines += ["[[feed]]", f'name = "{feed_name(n)}"', f'url = "{url}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


class _Quiet(SimpleHTTPRequestHandler):
    counter: Callable[[str, int], None] = staticmethod(lambda path, code: None)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def log_request(self, code: object = "-", size: object = "-") -> None:
        type(self).counter(self.path, int(code) if str(code).isdigit() else 0)


class Server:
    """``folder`` over HTTP on 127.0.0.1 (a thread); ``hits`` lists (path, status)."""

    def __init__(self, folder: Path) -> None:
        self.hits: list[tuple[str, int]] = []
        handler = type("Handler", (_Quiet,), {"counter": staticmethod(lambda p, c: self.hits.append((p, c)))})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: Path) -> str:
        return f"http://127.0.0.1:{self.port}/{path.name}"

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


# --------------------------------------------------------------------------- metrics


def bcubed(predicted: Sequence[object], gold: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin), averaged over the items: an item's
    precision is the share of its cluster that has its label, its recall the share of its
    label's items that are in its cluster."""
    n = len(gold)
    if not n:
        return 0.0, 0.0, 0.0
    both = Counter(zip(predicted, gold))
    size_p, size_g = Counter(predicted), Counter(gold)
    p = sum(both[c, g] / size_p[c] for c, g in zip(predicted, gold)) / n
    r = sum(both[c, g] / size_g[g] for c, g in zip(predicted, gold)) / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def precision_at(ranked: Sequence[str], story: str, stories: dict[str, str], k: int = 5) -> float:
    """Share of the first ``k`` of ``ranked`` in ``story`` (fewer than ``k`` shown: misses)."""
    return sum(stories.get(x) == story for x in ranked[:k]) / k


_TOKEN = re.compile(r"\w+")


class PlainTfidf:
    """The baseline: every word (lower-cased ``\\w+``, no stopwords, no stemming), raw term
    frequency times ``ln(N / df)``, cosine; each document ranks all the others."""

    def __init__(self, texts: dict[str, str]) -> None:
        counts = {key: Counter(_TOKEN.findall(text.lower())) for key, text in texts.items()}
        df = Counter(w for c in counts.values() for w in c)
        n = len(texts)
        self.vectors = {}
        for key, c in counts.items():
            vec = {w: tf * math.log(n / df[w]) for w, tf in c.items()}
            norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
            self.vectors[key] = {w: x / norm for w, x in vec.items() if x}

    def ranked(self, key: str, k: int = 10) -> list[str]:
        mine = self.vectors[key]
        scores = []
        for other, vec in self.vectors.items():
            if other == key:
                continue
            small, large = (mine, vec) if len(mine) <= len(vec) else (vec, mine)
            scores.append((-sum(x * large.get(w, 0.0) for w, x in small.items()), other))
        scores.sort()
        return [other for _, other in scores[:k]]
