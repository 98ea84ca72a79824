"""The bench's feeds: N RSS 2.0 feeds of M items made from a seed (same bytes on every machine).

Each feed has a 'base' version and, for a share of the feeds, a 'changed' one that carries
NEW_ITEMS newer items and drops as many of its oldest, with a new ETag and Last-Modified.
"""

from __future__ import annotations

import hashlib
import html
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

BASE_TIME = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
NEW_ITEMS = 5  # per changed feed
CHANGED_SHARE = 0.10

WORD_TEXT = (
    "government minister election parliament budget council economy market shares inflation bank "
    "rates climate storm flood drought energy power grid wind solar coast river city village "
    "school hospital doctors nurses patients study research scientists university report data "
    "police court judge trial appeal ruling law reform tax workers union strike talks deal trade "
    "exports imports port shipping airline rail bridge road housing rents prices farmers harvest "
    "water health vaccine cancer heart software startup chip phone network security breach "
    "privacy regulator fine museum festival film music book author artist team league final "
    "season coach record match victory defeat summit leaders border refugees aid talks ceasefire "
    "protest crowd mayor governor senator president officials residents families children"
)
WORDS = tuple(WORD_TEXT.split())
PLACES = ("Lisbon", "Nairobi", "Osaka", "Lima", "Oslo", "Manila", "Accra", "Quebec", "Perth")
VERBS = ("approves", "rejects", "delays", "warns over", "backs", "unveils", "cuts", "expands")
AUTHORS = ("Ana Costa", "James Okoro", "Mei Tanaka", "Luis Quispe", "Ingrid Dahl", "Ravi Menon")


@dataclass(frozen=True, slots=True)
class FeedDoc:
    """One feed as served: its bytes and validators."""

    body: bytes
    etag: str
    last_modified: datetime

    @property
    def last_modified_http(self) -> str:
        return format_datetime(self.last_modified, usegmt=True)


def _sentence(rng: random.Random, lo: int = 8, hi: int = 18) -> str:
    words = rng.choices(WORDS, k=rng.randint(lo, hi))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(PLACES))
    return " ".join(words).capitalize() + "."


def _item_xml(seed: int, feed: int, index: int) -> str:
    """Item ``index`` of feed ``feed``: the same text whichever version of the feed carries it."""
    rng = random.Random(f"{seed}/{feed}/{index}")
    place, subject = rng.choice(PLACES), rng.choice(WORDS).capitalize()
    title = f"{place} {rng.choice(WORDS)} {rng.choice(VERBS)} {rng.choice(WORDS)} {rng.choice(WORDS)} plan"
    if rng.random() < 0.3:
        title = f"{subject} & {rng.choice(WORDS)}: {title.lower()}"
    published = BASE_TIME + timedelta(minutes=index * 41 - feed * 3)
    slug = "-".join(title.lower().replace("&", "and").replace(":", "").split()[:8])
    link = f"https://news{feed:03d}.bench.example/{published:%Y/%m/%d}/{slug}-{index}"
    parts = []
    if rng.random() < 0.5:
        parts.append(
            f'<figure><img src="https://img.bench.example/{feed}/{index}.jpg" '
            f'alt="{html.escape(_sentence(rng, 4, 8))}" width="640" height="360"></figure>'
        )
    size, target = 0, rng.randint(1400, 1900)
    while size < target:
        text = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.5:
            words = text.split(" ")
            at = rng.randrange(len(words) - 3)
            words[at] = f'<a href="https://ref.bench.example/{rng.randrange(10**6)}">{words[at]}'
            words[at + 2] += "</a>"
            words[at + 3] = f"<strong>{words[at + 3]}</strong>"
            text = " ".join(words)
        paragraph = f"<p>{text}</p>"
        parts.append(paragraph)
        size += len(paragraph)
    author = rng.choice(AUTHORS)
    return (
        "<item>\n"
        f"  <title>{html.escape(title, quote=False)}</title>\n"
        f"  <link>{link}</link>\n"
        f'  <guid isPermaLink="false">urn:bench:{seed}:{feed:03d}:{index:05d}</guid>\n'
        f"  <pubDate>{format_datetime(published)}</pubDate>\n"
        f"  <author>{author.split()[0].lower()}@bench.example ({author})</author>\n"
        f"  <category>{rng.choice(WORDS)}</category>\n"
        f"  <description>{html.escape(''.join(parts), quote=False)}</description>\n"
        "</item>\n"
    )


def build_feed(seed: int, feed: int, items: int, newest: int, last_modified: datetime) -> FeedDoc:
    """Feed ``feed`` carrying items newest-``items``+1 .. ``newest`` (a sliding window), newest first."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>Bench Daily {feed:03d}</title>\n<link>https://news{feed:03d}.bench.example/</link>\n"
        f"<description>Generated news feed {feed} for the refresh benchmark</description>\n"
        f"<language>en</language>\n<lastBuildDate>{format_datetime(last_modified)}</lastBuildDate>\n"
    )
    body = head + "".join(_item_xml(seed, feed, i) for i in range(newest, newest - items, -1))
    data = (body + "</channel>\n</rss>\n").encode()
    return FeedDoc(data, '"' + hashlib.sha1(data).hexdigest()[:20] + '"', last_modified)


def feed_path(feed: int) -> str:
    return f"/feed/{feed:03d}.xml"


def build_versions(
    seed: int, feeds: int, items: int
) -> tuple[dict[str, dict[str, FeedDoc]], list[int]]:
    """The 'base' and 'changed' versions of every feed path, and which feeds change."""
    base: dict[str, FeedDoc] = {}
    for f in range(feeds):
        base[feed_path(f)] = build_feed(seed, f, items, items - 1, BASE_TIME - timedelta(minutes=f))
    changed_feeds = sorted(
        random.Random(seed).sample(range(feeds), max(1, round(feeds * CHANGED_SHARE)))
    )
    changed = dict(base)
    for f in changed_feeds:
        lm = BASE_TIME + timedelta(hours=2)
        changed[feed_path(f)] = build_feed(seed, f, items, items - 1 + NEW_ITEMS, lm)
    return {"base": base, "changed": changed}, changed_feeds
