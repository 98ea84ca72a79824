"""The articles of bench/scale.py: N articles over F feeds from a seed, and the store built from them.

Sizes follow real news feeds: titles of 60-90 characters, summaries of 300-600 characters of HTML,
a full body of 3-5 KB of HTML on 40% of the articles, 0-3 categories from the feed's sections, an
author on 90%, publication times spread over the year before ``NOW``. Words are drawn from a
Zipf-shaped vocabulary of ~12,000 words (real news words first, then made-up ones), so that
searches, topic rules and related stories see the skewed word frequencies of real text rather
than a handful of words repeated everywhere.

The store is built through the store's public interface only, as a refresh would write it:
``Store(path).apply_refresh([FeedUpdate(status, articles, keep=None), ...])``, BATCH_FEEDS feeds
per call. The same articles are written as RSS 2.0 files (``feeds/NNN.xml``), which feeds.toml
points at and which newsboat reads through file:// URLs.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from newstui.core.config import load_config
from newstui.core.models import Article, FeedStatus
from newstui.core.store import FeedUpdate, Store
from newstui.core.topics import TopicClassifier

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # "now" of the generated store: newest article
SEED = 4  # issue 4
BATCH_FEEDS = 20  # feeds per Store.apply_refresh call (one store write each)
CONTENT_SHARE = 0.40
STORE_NAME = "newstui.json"

NEWS_WORDS = """government minister election parliament budget council economy market shares
inflation bank rates climate storm flood drought energy power grid wind solar coast river city
village school hospital doctors nurses patients study research scientists university data police
court judge trial appeal ruling law reform tax workers union strike talks deal trade exports imports
port shipping airline rail bridge road housing rents prices farmers harvest water health vaccine
cancer heart software startup chip phone network security breach privacy regulator fine museum
festival film music book author artist team league final season coach record match victory defeat
summit leaders border refugees aid ceasefire protest crowd mayor governor senator president
officials residents families children emissions carbon wildfire heatwave glacier renewable
semiconductor smartphone browser cloud ransomware malware hackers phishing vulnerability
encryption rocket orbit asteroid telescope astronaut spacecraft physics biology genome fossil
earnings profit revenue stocks merger acquisition tariff recession interest investors billion
million plan plans talks vote votes campaign coalition opposition party leader cabinet ministry
agency inquiry investigation scandal resignation bill spending deficit debt bonds currency yen
dollar euro oil gas prices fuel electricity nuclear plant factory jobs unemployment wages
pensions migrants asylum army military troops drone missile attack strike sanctions embassy
diplomat treaty alliance negotiations crisis emergency rescue earthquake tsunami typhoon
hurricane evacuation damage victims survivors hospitalised outbreak virus cases testing
treatment drug approval trial results findings journal species ocean forest wildlife pollution
plastic recycling transport buses trains airport flights passengers tourism hotels restaurants
food supply shortage exports growth forecast quarter annual record surge slump rally decline
"""
KEYWORD_WORDS = """China Chinese Korea Taiwan Singapore Indonesia Vietnam India Beijing Seoul
Japan Japanese Tokyo Osaka Kyoto Nikkei NATO G20 AI chatbot LLM NASA Mars Moon Linux GDP IPO"""
PLACES = """Lisbon Nairobi Osaka Lima Oslo Manila Accra Quebec Perth Cairo Dakar Hanoi Jakarta
Madrid Warsaw Vienna Prague Athens Ankara Tehran Karachi Dhaka Kolkata Chennai Bangkok Seoul
Sapporo Auckland Sydney Santiago Bogota Caracas Havana Toronto Denver Chicago Boston Dublin
Glasgow Lagos Kinshasa Addis Kampala Harare Luanda Rabat Tunis Beirut Amman Doha Riyadh"""
FUNCTION_WORDS = "the of and to in a for on with as by at from after over about into than"
SECTIONS = """World Politics Business Markets Technology Science Health Sport Football Culture Film
Music Books Opinion Climate Environment Energy Education Asia Europe Americas Africa Middle-East
Economy Media Travel Food Law Crime Transport Housing Space Security Finance Property Weather
Cities Rural Defence Diplomacy Elections Tennis Cricket Rugby Motoring Gaming Design Art
Theatre Television Radio Religion Society Obituaries Local"""
FIRST = "Ana James Mei Luis Ingrid Ravi Amara Tomas Yuki Sofia Kwame Elena Omar Priya Lars Hana"
LAST = "Costa Okoro Tanaka Quispe Dahl Menon Novak Silva Mensah Ivanova Haddad Rao Berg Kim Diaz"
OUTLETS = "Herald Courier Gazette Post Times Daily Wire Tribune Observer Chronicle Review Ledger"
SYLLABLES = "ba ko ri ten sa lu mor vi da ne qu ost ar ily pen gra tho zel fa wick hu ren cal dor"
PLACES, FUNCTION_WORDS, SECTIONS, FIRST, LAST, OUTLETS, SYLLABLES = (
    tuple(text.split())
    for text in (PLACES, FUNCTION_WORDS, SECTIONS, FIRST, LAST, OUTLETS, SYLLABLES)
)


@dataclass(frozen=True, slots=True)
class FeedPlan:
    index: int
    name: str
    host: str
    sections: tuple[str, ...]
    count: int


class Words:
    """A Zipf-shaped vocabulary and a pool of ready sentences (for the long bodies)."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}/words")
        real = list(dict.fromkeys([*NEWS_WORDS.split(), *KEYWORD_WORDS.split(), *PLACES]))
        rng.shuffle(real)
        made: dict[str, None] = {}
        while len(made) < 12_000 - len(real):
            made.setdefault("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))), None)
        self.vocabulary = real + list(made)
        self.cumulative = list(
            itertools.accumulate(1 / (rank + 8) ** 1.07 for rank in range(len(self.vocabulary)))
        )
        self.pool = [self.sentence(rng) for _ in range(4000)]

    def words(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.vocabulary, cum_weights=self.cumulative, k=k)

    def sentence(self, rng: random.Random, lo: int = 8, hi: int = 18) -> str:
        words = self.words(rng, rng.randint(lo, hi))
        for at in range(1, len(words), 3):
            words.insert(at, rng.choice(FUNCTION_WORDS))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def title(self, rng: random.Random) -> str:
        target = rng.randint(60, 90)
        words = [rng.choice(PLACES)] if rng.random() < 0.5 else []
        while len(" ".join(words)) < target:
            words.extend(
                self.words(rng, 1) if rng.random() < 0.75 else [rng.choice(FUNCTION_WORDS)]
            )
        text = " ".join(words)[:90].rstrip()
        return text[0].upper() + text[1:]

    def summary(self, rng: random.Random, host: str) -> str:
        target = rng.randint(300, 600)
        parts: list[str] = []
        size = len("<p></p>")
        while size < target - 30:
            parts.append(self.sentence(rng, 6, 14))
            size += len(parts[-1]) + 1
        if rng.random() < 0.3 and len(parts) > 1:
            parts[-1] = f'<a href="https://{host}/related/{rng.randrange(10**6)}">{parts[-1]}</a>'
        return "<p>" + " ".join(parts) + "</p>"

    def body(self, rng: random.Random, host: str) -> str:
        target = rng.randint(3000, 5000)
        parts, size = [], 0
        if rng.random() < 0.5:
            parts.append(
                f'<figure><img src="https://{host}/img/{rng.randrange(10**7)}.jpg" alt="photo" '
                f'width="1024" height="576"><figcaption>{rng.choice(self.pool)}</figcaption></figure>'
            )
        while size < target:
            roll = rng.random()
            if roll < 0.08:
                block = f"<h2>{rng.choice(self.pool)[:60]}</h2>"
            elif roll < 0.14:
                block = (
                    "<ul>" + "".join(f"<li>{s}</li>" for s in rng.sample(self.pool, 3)) + "</ul>"
                )
            elif roll < 0.18:
                block = f"<blockquote><p>{rng.choice(self.pool)}</p></blockquote>"
            else:
                text = " ".join(rng.sample(self.pool, rng.randint(3, 5)))
                if rng.random() < 0.4:
                    text = text.replace(
                        " ", f' <a href="https://{host}/{rng.randrange(10**6)}">', 1
                    )
                    text = text.replace(".", ".</a>", 1)
                block = f"<p>{text}</p>"
            parts.append(block)
            size += len(block)
        return "".join(parts)


def plan_feeds(seed: int, articles: int, feeds: int) -> list[FeedPlan]:
    rng = random.Random(f"{seed}/feeds")
    each, extra = divmod(articles, feeds)
    return [
        FeedPlan(
            i,
            f"{rng.choice(PLACES)} {rng.choice(OUTLETS)} {i:03d}",
            f"news{i:03d}.scale.example",
            tuple(rng.sample(SECTIONS, 6)),
            each + (1 if i < extra else 0),
        )
        for i in range(feeds)
    ]


def make_articles(words: Words, seed: int, feed: FeedPlan) -> list[Article]:
    """The articles of one feed, newest first (the same on every machine for the same seed)."""
    rng = random.Random(f"{seed}/feed/{feed.index}")
    authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(8)]
    ages = sorted(rng.uniform(0, 365 * 86400) for _ in range(feed.count))
    out = []
    for n, seconds in enumerate(ages):
        published = NOW - timedelta(seconds=round(seconds))
        title = words.title(rng)
        slug = "-".join(title.lower().split()[:7])
        link = f"https://{feed.host}/{published:%Y/%m/%d}/{slug}-{n}"
        out.append(
            Article(
                id=hashlib.sha1(f"{feed.name}\n{link}".encode()).hexdigest()[:16],
                feed=feed.name,
                title=title,
                link=link,
                guid=link,
                author=rng.choice(authors) if rng.random() < 0.9 else "",
                published=published,
                summary=words.summary(rng, feed.host),
                content=words.body(rng, feed.host) if rng.random() < CONTENT_SHARE else "",
                categories=tuple(rng.sample(feed.sections, rng.choice((0, 1, 1, 2, 2, 3)))),
                fetched=min(published + timedelta(minutes=rng.randint(5, 60)), NOW),
            )
        )
    return out


def rss(feed: FeedPlan, articles: list[Article]) -> str:
    """RSS 2.0 with the same fields the store holds (content:encoded for the full bodies)."""
    out = [
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
            f"<title>{escape(feed.name)}</title>\n<link>https://{feed.host}/</link>\n"
            f"<description>Generated feed {feed.index} for bench/scale.py</description>\n"
        )
    ]
    for a in articles:
        out.append(
            f"<item><title>{escape(a.title)}</title><link>{escape(a.link)}</link>"
            f'<guid isPermaLink="true">{escape(a.guid)}</guid>'
            f"<pubDate>{format_datetime(a.published or NOW, usegmt=True)}</pubDate>"
            + (f"<dc:creator>{escape(a.author)}</dc:creator>" if a.author else "")
            + "".join(f"<category>{escape(c)}</category>" for c in a.categories)
            + f"<description>{escape(a.summary)}</description>"
            + (f"<content:encoded>{escape(a.content)}</content:encoded>" if a.content else "")
            + "</item>\n"
        )
    out.append("</channel>\n</rss>\n")
    return "".join(out)


TOPIC_RULES = {  # like the bundled default feeds.toml: keyword rules are part of a real setup
    "world": ["United Nations", "ceasefire", "refugees", "G20", "NATO"],
    "asia": [
        "China",
        "Chinese",
        "Korea",
        "Taiwan",
        "Singapore",
        "Indonesia",
        "Vietnam",
        "India",
        "Beijing",
        "Seoul",
    ],
    "japan": ["Japan", "Japanese", "Tokyo", "Osaka", "Kyoto", "yen", "Nikkei"],
    "business": [
        "earnings",
        "profit",
        "revenue",
        "stocks",
        "shares",
        "merger",
        "inflation",
        "GDP",
        "tariff",
    ],
    "technology": [
        "software",
        "smartphone",
        "semiconductor",
        "chip",
        "startup",
        "Linux",
        "browser",
    ],
    "ai": ["artificial intelligence", "AI", "machine learning", "LLM", "chatbot"],
    "security": ["ransomware", "malware", "data breach", "vulnerability", "hackers", "phishing"],
    "science": ["scientists", "researchers", "physics", "biology", "genome", "fossil"],
    "space": ["NASA", "spacecraft", "rocket", "orbit", "asteroid", "Mars", "Moon", "telescope"],
    "climate": ["climate", "emissions", "carbon", "heatwave", "wildfire", "drought", "glacier"],
}


def write_config(path: Path, feeds: list[FeedPlan], per_feed: int) -> None:
    """feeds.toml for the store: every feed (a local RSS file), the topic rules, no automatic refresh."""
    lines = [
        "[settings]",
        "refresh_minutes = 0  # only on request: nothing may refresh while the bench measures",
        f"max_articles_per_feed = {max(500, per_feed)}",
        "",
    ]
    for name, keywords in TOPIC_RULES.items():
        lines += [
            f"[topics.{name}]",
            "keywords = [" + ", ".join(f'"{k}"' for k in keywords) + "]",
            "",
        ]
    for feed in feeds:
        topic = feed.sections[0].lower()
        lines += [
            "[[feed]]",
            f'name = "{feed.name}"',
            f'url = "feeds/{feed.index:03d}.xml"',
            f'topics = ["{topic}"]',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


@dataclass
class Built:
    articles: int = 0
    feeds: int = 0
    generate_seconds: float = 0.0  # making the text (this script, not newstui)
    rss_seconds: float = 0.0  # writing the RSS files (for newsboat)
    store_seconds: float = 0.0  # all Store.apply_refresh calls
    open_seconds: float = 0.0  # Store(path)
    writes: list[float] = field(default_factory=list)  # seconds of each apply_refresh call


def build(root: Path, seed: int, articles: int, feeds: int, *, say=print) -> Built:
    """Generate the feeds into ``root/feeds``, feeds.toml into ``root``, the store into ``root/store``."""
    plans = plan_feeds(seed, articles, feeds)
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    write_config(root / "feeds.toml", plans, max(p.count for p in plans))
    urls = {f.name: f.url for f in load_config(root / "feeds.toml").feeds}
    built = Built(articles, feeds)
    started = time.perf_counter()
    words = Words(seed)
    built.generate_seconds += time.perf_counter() - started
    started = time.perf_counter()
    # As `newstui refresh` opens it: with the config's topic rules, matched as articles are stored.
    store = Store(root / "store" / STORE_NAME, classifier=TopicClassifier(load_config(root / "feeds.toml")))
    built.open_seconds = time.perf_counter() - started
    for first in range(0, len(plans), BATCH_FEEDS):
        updates = []
        for plan in plans[first : first + BATCH_FEEDS]:
            started = time.perf_counter()
            items = make_articles(words, seed, plan)
            built.generate_seconds += time.perf_counter() - started
            started = time.perf_counter()
            (root / "feeds" / f"{plan.index:03d}.xml").write_text(
                rss(plan, items), encoding="utf-8"
            )
            built.rss_seconds += time.perf_counter() - started
            status = FeedStatus(
                feed=plan.name,
                url=urls[plan.name],
                ok=True,
                checked_at=NOW,
                http_status=200,
                last_success=NOW,
                title=plan.name,
                entries=len(items),
            )
            updates.append(FeedUpdate(status, items, keep=None))
        started = time.perf_counter()
        store.apply_refresh(updates)
        built.writes.append(time.perf_counter() - started)
        say(
            f"  {min(first + BATCH_FEEDS, len(plans))}/{len(plans)} feeds stored "
            f"({built.writes[-1]:.2f} s for this batch's apply_refresh)"
        )
    started = time.perf_counter()
    store.close()
    built.store_seconds = sum(built.writes) + time.perf_counter() - started
    return built


def store_files(store_path: Path) -> dict[str, int]:
    """Every file of the store: those in its folder whose name starts with the store's stem
    (a folder of them, like the body shards, counts as one entry with the size of its files)."""
    stem = store_path.name.split(".")[0]
    out = {}
    for p in sorted(store_path.parent.iterdir()):
        if p.name.split(".")[0] != stem:
            continue
        if p.is_dir():
            files = [f for f in p.rglob("*") if f.is_file()]
            out[f"{p.name}/ ({len(files)} files)"] = sum(f.stat().st_size for f in files)
        elif p.is_file():
            out[p.name] = p.stat().st_size
    return out


def search_words(seed: int, count: int) -> list[str]:
    """Words a user might search for: real words of middling frequency (ranks 40-400)."""
    known = {*NEWS_WORDS.split(), *KEYWORD_WORDS.split(), *PLACES}
    real = [w for w in Words(seed).vocabulary[40:400] if w in known and len(w) >= 4]
    return random.Random(f"{seed}/search").sample(real, count)
