"""Topic suggestions (newstui.core.topic_infer) measured on the BBC five-topic set.

    python bench/topics_eval.py              # the report (~1 min on 2 busy cores)
    python bench/topics_eval.py --seeds 10   # more splits for the mean/min (default 5)
    python bench/topics_eval.py --json       # one JSON object on stdout instead of the report
    python bench/topics_eval.py --extra      # also a logistic regression over the digests (slow)
    python bench/topics_eval.py --no-scale   # skip the 100,000-digest timing

Reads ../shared/corpus/topics/bbc-news-5topic (beside the repository, never copied into it; when
absent: a message and exit 0) and, for the off-topic check, ../shared/corpus/related/wikiref220.

Method
  * Load: <topic>/NNN.txt, line 1 the headline, the rest the text (a file that is not UTF-8 is
    read as cp1252). De-duplicate before any split: exact duplicates are texts equal once lower-
    cased and reduced to their words; near duplicates are pairs where >= 60% of the shorter text's
    5-word shingles occur in the other (re-edited versions of one story); of each group the first
    file (topic, name order) is kept.
  * Each article's digest is made as the store makes it (store_records.article_digest): the text
    as HTML paragraphs, ``html_to_line`` of its first 12,000 characters, then
    ``digest_terms(title, text)``. Classifiers read digests only, except the full-text baseline.
  * Split: per topic, a seeded shuffle, the first half labelled ("from topical feeds"), the other
    half inferred. Seed 0 is reported in detail; accuracy is also given as mean/min over seeds.
  * Accuracy = the first-ranked topic is the label (every article ranked, no abstention). For the
    inferrer also: coverage (share given a suggestion) and precision (first suggestion right),
    the share given a second topic, and the same at other thresholds.
  * Methods: the inferrer (naive Bayes, equal priors, ranked by lift; it abstains below its
    ``min_lift`` and gives two topics when half of each explains the words better than the first
    alone by ``second_gain``: see newstui.core.topic_infer); complement naive Bayes;
    TF-IDF nearest centroid over the digests (TermStats of the labelled digests); a 15-nearest-
    neighbour vote (cosine-weighted) over the digests; the baseline, plain TF-IDF nearest centroid
    over the full texts (every \\w+ word lower-cased, raw tf x ln(N/df), centroid of unit vectors);
    with --extra, softmax regression (AdaGrad, 10 epochs) over the digests' TF-IDF vectors.
  * Off-topic: (a) leave one topic out: the labelled half without topic T, its inferred-half
    articles should get no suggestion (share abstained); (b) WikiRef220 with all of BBC labelled:
    per story, what is suggested (Paris attacks, MH370, Tohoku, Hawking are none of the five).
  * Timing: build on the labelled half and per-article ``suggest`` (first pass, then the best of 3
    passes with the word cache filled); then
    100,000 labelled digests: the corpus's digests repeated, the words outside the 5,000 commonest
    renamed per copy (20 variants) so that the vocabulary grows as a real store's does.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import math
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from related_corpus import BBC, WIKIREF, _decode, load as load_wikiref  # noqa: E402

from newstui.core.related import TEXT_CHARS, TermStats, cosine, digest_terms, parse_digest  # noqa: E402
from newstui.core.text import html_to_line  # noqa: E402
from newstui.core.topic_infer import TopicInferrer  # noqa: E402

TARGET = 0.98
NEAR_SHARE = 0.6  # of the shorter text's 5-word shingles found in the other: a near duplicate
SHINGLE = 5
THRESHOLDS = (0.0, 0.025, 0.05, 0.1, 0.2)
WIKIREF_EXPECTED = {  # WikiRef220 story -> the BBC topic it belongs to (None: none of the five)
    "premier.league": "sport", "NBA.draft": "sport", "samsung.galaxy.s5": "tech", "smartphone": "tech",
    "U2": "entertainment", "Rolling.Stones": "entertainment", "greek.elections": "politics",
    "barack.obama": "politics", "debt.crisis.greece": "business", "cypriot.financial.crisis": "business",
    "wall.street": "business", "michelle.obama": "politics or entertainment",
    "ParisAttacks2015": None, "malaysia.airlines.flight": None, "tohoku.earthquake.tsunami": None,
    "stephen.hawking": None,
}
Scorer = Callable[[int], dict[str, float]]  # article number -> score per topic (higher is likelier)


@dataclass
class Item:
    topic: str
    name: str
    title: str
    text: str  # the article's text as the store has it (one line)
    raw: str  # title and text as in the file (for duplicates and the full-text baseline)
    digest: str = ""


def say(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def store_digest(title: str, paragraphs: Sequence[str]) -> tuple[str, str]:
    """(text, digest) as the store makes them from a feed's HTML content."""
    content = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    text = html_to_line(content[: TEXT_CHARS * 2])
    return text, digest_terms(title, text)


def load_bbc(folder: Path) -> tuple[list[Item], int]:
    items, not_utf8 = [], 0
    for path in sorted(folder.glob("*/*.txt")):
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            not_utf8 += 1
        lines = [line.strip() for line in _decode(data).splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        text, digest = store_digest(lines[0], lines[1:])
        items.append(Item(path.parent.name, path.name, lines[0], text, "\n".join(lines), digest))
    return items, not_utf8


def deduplicate(items: list[Item]) -> tuple[list[Item], dict]:
    words = [re.findall(r"\w+", it.raw.lower()) for it in items]
    first: dict[str, int] = {}
    exact = []
    for n, w in enumerate(words):
        key = hashlib.sha1(" ".join(w).encode()).hexdigest()
        if key in first:
            exact.append(n)
        else:
            first[key] = n
    alive = sorted(first.values())
    shingles = {n: {" ".join(words[n][k:k + SHINGLE]) for k in range(len(words[n]) - SHINGLE + 1)}
                for n in alive}
    postings: dict[str, list[int]] = defaultdict(list)
    for n in alive:
        for s in shingles[n]:
            postings[s].append(n)
    shared: Counter[tuple[int, int]] = Counter()
    for plist in postings.values():
        if 1 < len(plist) <= 50:  # a shingle in more than 50 texts is boilerplate, not copying
            for i, a in enumerate(plist):
                for b in plist[i + 1:]:
                    shared[a, b] += 1
    parent = {n: n for n in alive}

    def root(n: int) -> int:
        while parent[n] != n:
            n = parent[n]
        return n

    cross = 0
    for (a, b), c in shared.items():
        if c >= NEAR_SHARE * min(len(shingles[a]), len(shingles[b])):
            ra, rb = root(a), root(b)
            cross += items[a].topic != items[b].topic
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    kept = [n for n in alive if root(n) == n]
    cross += sum(items[n].topic != items[first[hashlib.sha1(" ".join(words[n]).encode()).hexdigest()]].topic
                 for n in exact)
    info = {"files": len(items), "exact_duplicates": len(exact), "near_duplicates": len(alive) - len(kept),
            "kept": len(kept), "cross_topic_duplicates": cross,
            "how": f"exact: equal word sequences (lower-cased); near: >= {NEAR_SHARE:.0%} of the shorter "
                   f"text's {SHINGLE}-word shingles in the other"}
    return [items[n] for n in kept], info


def split(items: list[Item], seed: int) -> tuple[list[int], list[int]]:
    rng = random.Random(seed)
    labelled, held = [], []
    for topic in sorted({it.topic for it in items}):
        idx = [n for n, it in enumerate(items) if it.topic == topic]
        rng.shuffle(idx)
        half = len(idx) // 2
        labelled += idx[:half]
        held += idx[half:]
    return labelled, held


# --------------------------------------------------------------------------- the other methods


def unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in vec.values())) or 1.0
    return {w: x / norm for w, x in vec.items()}


def centroid(items: list[Item], labelled: list[int], vectors: list[dict[str, float]]) -> Scorer:
    sums: dict[str, Counter[str]] = defaultdict(Counter)
    for n in labelled:
        sums[items[n].topic].update(vectors[n])
    cents = {t: unit(dict(c)) for t, c in sums.items()}
    return lambda n: {t: cosine(vectors[n], c) for t, c in cents.items()}


def digest_vectors(items: list[Item], labelled: list[int]) -> list[dict[str, float]]:
    stats = TermStats.of(items[n].digest for n in labelled)
    return [stats.vector(parse_digest(it.digest)) for it in items]


def fulltext_vectors(items: list[Item], labelled: list[int]) -> list[dict[str, float]]:
    counts = [Counter(re.findall(r"\w+", it.raw.lower())) for it in items]
    df: Counter[str] = Counter()
    for n in labelled:
        df.update(counts[n].keys())
    total = len(labelled)
    return [unit({w: c * math.log(total / df[w]) for w, c in cnt.items() if w in df}) for cnt in counts]


def complement_nb(items: list[Item], labelled: list[int], alpha: float = 1.0) -> Scorer:
    feats = [{w: 1 + math.log(c) for w, c in parse_digest(it.digest).items()} for it in items]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for n in labelled:
        counts[items[n].topic].update(feats[n])
    everything: Counter[str] = Counter()
    for c in counts.values():
        everything.update(c)
    vocab, grand = len(everything), sum(everything.values())
    models = {}
    for t, c in counts.items():
        den = grand - sum(c.values()) + alpha * vocab
        models[t] = ({w: math.log((everything[w] - c[w] + alpha) / den) for w in everything},
                     math.log(alpha / den))
    return lambda n: {t: -sum(x * lp.get(w, unk) for w, x in feats[n].items() if w in everything)
                      for t, (lp, unk) in models.items()}


def knn(items: list[Item], labelled: list[int], vectors: list[dict[str, float]], k: int = 15) -> Scorer:
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for n in labelled:
        for w, x in vectors[n].items():
            postings[w].append((n, x))
    topics = sorted({items[n].topic for n in labelled})

    def score(n: int) -> dict[str, float]:
        sims: Counter[int] = Counter()
        for w, x in vectors[n].items():
            for other, y in postings.get(w, ()):
                sims[other] += x * y
        votes = dict.fromkeys(topics, 0.0)
        for other, s in sims.most_common(k):
            votes[items[other].topic] += s
        return votes
    return score


def softmax_regression(items: list[Item], labelled: list[int], vectors: list[dict[str, float]],
                       epochs: int = 10, eta: float = 0.2, l2: float = 1e-5) -> Scorer:
    topics = sorted({items[n].topic for n in labelled})
    w: dict[str, dict[str, float]] = {t: {} for t in topics}
    g2: dict[str, dict[str, float]] = {t: {} for t in topics}
    bias = dict.fromkeys(topics, 0.0)
    order = list(labelled)
    rng = random.Random(0)
    for _ in range(epochs):
        rng.shuffle(order)
        for n in order:
            x = vectors[n]
            s = {t: bias[t] + sum(v * w[t].get(f, 0.0) for f, v in x.items()) for t in topics}
            top = max(s.values())
            e = {t: math.exp(s[t] - top) for t in topics}
            z = sum(e.values())
            for t in topics:
                g = e[t] / z - (t == items[n].topic)
                wt, gt = w[t], g2[t]
                for f, v in x.items():
                    gf = g * v + l2 * wt.get(f, 0.0)
                    gt[f] = gt.get(f, 0.0) + gf * gf
                    wt[f] = wt.get(f, 0.0) - eta * gf / math.sqrt(gt[f] + 1e-8)
                bias[t] -= 0.01 * g
    return lambda n: {t: bias[t] + sum(v * w[t].get(f, 0.0) for f, v in vectors[n].items()) for t in topics}


# --------------------------------------------------------------------------- metrics


def per_topic(pairs: list[tuple[str, str | None]], topics: list[str]) -> dict[str, dict[str, float]]:
    """(truth, guess or None) -> precision/recall/F1 per topic (a None guess is a miss)."""
    out = {}
    for t in topics:
        tp = sum(1 for y, g in pairs if y == t and g == t)
        guessed = sum(1 for _, g in pairs if g == t)
        actual = sum(1 for y, _ in pairs if y == t)
        p, r = tp / guessed if guessed else 0.0, tp / actual if actual else 0.0
        out[t] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "n": actual}
    return out


def ranked_eval(items: list[Item], held: list[int], scorer: Scorer, topics: list[str]) -> dict:
    pairs = []
    for n in held:
        s = scorer(n)
        pairs.append((items[n].topic, max(sorted(s), key=s.__getitem__)))
    return {"accuracy": sum(y == g for y, g in pairs) / len(pairs), "per_topic": per_topic(pairs, topics)}


def inferrer_eval(items: list[Item], labelled: list[int], held: list[int], topics: list[str]) -> dict:
    started = time.perf_counter()
    model = TopicInferrer((str(n), items[n].digest, (items[n].topic,)) for n in labelled)
    build = time.perf_counter() - started
    ranked = {n: model.scores(items[n].digest) for n in held}
    forced = [(items[n].topic, ranked[n][0][0]) for n in held]
    out = {"accuracy": sum(y == g for y, g in forced) / len(held), "per_topic": per_topic(forced, topics),
           "build_seconds": build, "labelled": len(labelled), "thresholds": {}}
    for threshold in THRESHOLDS:
        model.min_lift = threshold
        sugg = {n: model.suggest(items[n].digest) for n in held}
        given = [n for n in held if sugg[n]]
        right = sum(sugg[n][0].topic == items[n].topic for n in given)
        out["thresholds"][threshold] = {
            "coverage": len(given) / len(held),
            "precision": right / len(given) if given else 0.0,
            "second_topic": sum(len(sugg[n]) > 1 for n in held) / len(held),
            "any_right": sum(any(s.topic == items[n].topic for s in sugg[n]) for n in given)
            / max(1, len(given)),
            "per_topic": per_topic([(items[n].topic, sugg[n][0].topic if sugg[n] else None) for n in held],
                                   topics),
        }
    model.min_lift = TopicInferrer().min_lift
    wrong = [n for n in held if ranked[n][0][0] != items[n].topic]
    unsure = [n for n in held if not model.suggest(items[n].digest) and n not in wrong]
    pairs = [n for n in held if len(model.suggest(items[n].digest)) > 1]
    out["examples"] = [
        (items[n].title, items[n].topic, [s.reason() for s in model.suggest(items[n].digest)])
        for n in [*held[:: max(1, len(held) // 3)][:3], *wrong[:2], *unsure[:2], *pairs[:2]]
    ]
    model.add("probe", items[labelled[0]].digest, (items[labelled[0]].topic,))  # empties the cache
    times = []
    for _ in range(4):  # the first pass fills the word cache
        started = time.perf_counter()
        for n in held:
            model.suggest(items[n].digest)
        times.append((time.perf_counter() - started) / len(held))
    out["suggest_seconds"] = {"first pass": times[0], "warm": min(times[1:])}
    return out


def one_seed(items: list[Item], seed: int, extra: bool) -> dict:
    topics = sorted({it.topic for it in items})
    labelled, held = split(items, seed)
    out = {"inferrer": inferrer_eval(items, labelled, held, topics)}
    dvec = digest_vectors(items, labelled)
    out["complement NB (digests)"] = ranked_eval(items, held, complement_nb(items, labelled), topics)
    out["TF-IDF centroid (digests)"] = ranked_eval(items, held, centroid(items, labelled, dvec), topics)
    out["15-NN vote (digests)"] = ranked_eval(items, held, knn(items, labelled, dvec), topics)
    out["baseline: TF-IDF centroid (full text)"] = ranked_eval(
        items, held, centroid(items, labelled, fulltext_vectors(items, labelled)), topics)
    if extra:
        out["softmax regression (digests)"] = ranked_eval(
            items, held, softmax_regression(items, labelled, dvec), topics)
    return out


def leave_one_out(items: list[Item]) -> dict:
    """Train without topic T (seed 0's labelled half): its articles should get no suggestion."""
    labelled, held = split(items, 0)
    out = {}
    for topic in sorted({it.topic for it in items}):
        model = TopicInferrer((str(n), items[n].digest, (items[n].topic,)) for n in labelled
                              if items[n].topic != topic)
        absent = [n for n in held if items[n].topic == topic]
        others = [n for n in held if items[n].topic != topic]
        row: dict = {"abstained": {}}
        for threshold in THRESHOLDS:
            model.min_lift = threshold
            quiet = sum(not model.suggest(items[n].digest) for n in absent)
            row["abstained"][threshold] = quiet / len(absent)
        model.min_lift = TopicInferrer().min_lift
        sugg_absent = [model.suggest(items[n].digest) for n in absent]
        sugg_other = {n: model.suggest(items[n].digest) for n in others}
        given = [n for n in others if sugg_other[n]]
        row["then_suggested"] = dict(Counter(s[0].topic for s in sugg_absent if s).most_common())
        row["others_coverage"] = len(given) / len(others)
        right = sum(sugg_other[n][0].topic == items[n].topic for n in given)
        row["others_precision"] = right / max(1, len(given))
        out[topic] = row
    return out


def learning_curve(items: list[Item], seeds: int = 3) -> dict:
    """The inferrer with only the first K labelled articles of each topic (seeds 0-2)."""
    out = {}
    for per_topic in (10, 20, 50, 100, 0):
        accs, covs, precs = [], [], []
        for seed in range(seeds):
            labelled, held = split(items, seed)
            taken: Counter[str] = Counter()
            rows = []
            for n in labelled:
                if not per_topic or taken[items[n].topic] < per_topic:
                    taken[items[n].topic] += 1
                    rows.append((str(n), items[n].digest, (items[n].topic,)))
            model = TopicInferrer(rows, min_examples=1)
            right = sum(model.scores(items[n].digest)[0][0] == items[n].topic for n in held)
            accs.append(right / len(held))
            sugg = [(model.suggest(items[n].digest), n) for n in held]
            given = [(s, n) for s, n in sugg if s]
            covs.append(len(given) / len(held))
            precs.append(sum(s[0].topic == items[n].topic for s, n in given) / max(1, len(given)))
        out[per_topic or "all"] = {"accuracy": statistics.mean(accs), "coverage": statistics.mean(covs),
                                   "precision": statistics.mean(precs)}
    return out


def wikiref(items: list[Item]) -> dict | None:
    if not WIKIREF.is_dir():
        return None
    model = TopicInferrer((str(n), it.digest, (it.topic,)) for n, it in enumerate(items))
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in load_wikiref():
        sugg = model.suggest(store_digest(doc.title, doc.paragraphs)[1])
        groups[doc.story]["(none)" if not sugg else "+".join(s.topic for s in sugg)] += 1
    return {story: {"expected": WIKIREF_EXPECTED.get(story, "?"), "suggested": dict(c.most_common())}
            for story, c in sorted(groups.items(), key=lambda p: -sum(p[1].values()))}


def machine() -> dict:
    """How fast this machine runs Python now: timings scale with it (sum(range(1000)) takes
    ~10 us on an idle recent x86 core)."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(1000):
            sum(range(1000))
        runs.append((time.perf_counter() - started) / 1000)
    return {"sum_range_1000_us": min(runs) * 1e6, "load_average": os.getloadavg()[0],
            "cpus": os.cpu_count()}


def scale(items: list[Item], size: int = 100_000) -> dict:
    common = {w for w, _ in Counter(w for it in items for w in parse_digest(it.digest)).most_common(5000)}
    rows = []
    copy = 0
    while len(rows) < size:
        for it in items:
            if len(rows) >= size:
                break
            words = parse_digest(it.digest)
            digest = " ".join((w if w in common else f"{w}{copy % 20}") + (f":{c}" if c > 1 else "")
                              for w, c in words.items())
            rows.append((f"{copy}-{len(rows)}", digest, (it.topic,)))
        copy += 1
    out: dict = {"labelled": size, "machine": machine()}
    for label, budget in (("default budget", TopicInferrer().budget), ("no budget", size * len(rows))):
        builds = []
        for _ in range(3):  # the fastest of 3 (a shared machine is noisy)
            started = time.perf_counter()
            model = TopicInferrer(rows, budget=budget)
            builds.append(time.perf_counter() - started)
        build = min(builds)
        queries = [it.digest for it in items[:1000]]
        passes = []
        for _ in range(2):  # the first fills the word cache, the second finds it full
            started = time.perf_counter()
            for d in queries:
                model.suggest(d)
            passes.append((time.perf_counter() - started) / len(queries))
        started = time.perf_counter()
        for aid, digest, topics in rows[-500:]:
            model.remove(aid)
            model.add(aid, digest, topics)
        change = (time.perf_counter() - started) / 500
        out[label] = {"used": len(model), "vocabulary": len(model._vocabulary), "build_seconds": build,
                      "suggest_cold_seconds": passes[0], "suggest_warm_seconds": passes[1],
                      "remove_add_seconds": change}
    return out


# --------------------------------------------------------------------------- the report


def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def report(out: dict) -> None:
    d = out["dedup"]
    print(f"BBC five topics: {d['files']} files ({out['not_utf8']} not UTF-8, read as cp1252); removed "
          f"{d['exact_duplicates']} exact and {d['near_duplicates']} near duplicates ({d['how']}; "
          f"{d['cross_topic_duplicates']} across topics) -> {d['kept']} articles")
    print("  per topic: " + ", ".join(f"{t} {n}" for t, n in out["topics"].items()))
    first = out["seeds"][0]
    inf = first["inferrer"]
    print(f"\nSeed 0: {inf['labelled']} labelled, {sum(out['topics'].values()) - inf['labelled']} inferred "
          "(accuracy: first-ranked topic, every article ranked)")
    for name, res in first.items():
        print(f"  {name:40s} accuracy {res['accuracy']:.4f}   P/R: " + "  ".join(
            f"{t[:5]} {v['precision']:.2f}/{v['recall']:.2f}" for t, v in res["per_topic"].items()))
    print(f"\nAccuracy over seeds 0-{len(out['seeds']) - 1} (target >= {TARGET}):")
    for name in first:
        accs = [s[name]["accuracy"] for s in out["seeds"]]
        print(f"  {name:40s} mean {statistics.mean(accs):.4f}  min {min(accs):.4f}  max {max(accs):.4f}")
    accs = [s["inferrer"]["accuracy"] for s in out["seeds"]]
    default = TopicInferrer().min_lift
    precs = [s["inferrer"]["thresholds"][default]["precision"] for s in out["seeds"]]
    covs = [s["inferrer"]["thresholds"][default]["coverage"] for s in out["seeds"]]
    print(f"  -> target {TARGET}: every article ranked, mean {statistics.mean(accs):.4f} "
          f"({'met' if statistics.mean(accs) >= TARGET else 'NOT met'}); "
          f"the suggestions made (min_lift {default}, "
          f"coverage {pct(statistics.mean(covs))}): first one right {statistics.mean(precs):.4f} "
          f"({'met' if statistics.mean(precs) >= TARGET else 'NOT met'})")
    print("\nInferrer per topic, seed 0 (forced first topic; then with the default threshold):")
    for t, v in inf["per_topic"].items():
        w = inf["thresholds"][default]["per_topic"][t]
        print(f"  {t:14s} P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f}   |   "
              f"suggested: P {w['precision']:.3f} R {w['recall']:.3f} F1 {w['f1']:.3f}  (n={v['n']})")
    print("\nAbstention, seed 0 (min_lift = threshold on the lift; precision = first suggestion right):")
    for th, v in inf["thresholds"].items():
        mark = "  <- default" if th == default else ""
        print(f"  min_lift {th:<6} coverage {pct(v['coverage']):>6}  precision {v['precision']:.4f}  "
              f"second topic {pct(v['second_topic']):>5}  one of them right {v['any_right']:.4f}{mark}")
    at = [s["inferrer"]["thresholds"][default] for s in out["seeds"]]
    print(f"  over seeds, default threshold: coverage mean {pct(statistics.mean(c['coverage'] for c in at))}, "
          f"precision mean {statistics.mean(c['precision'] for c in at):.4f} "
          f"min {min(c['precision'] for c in at):.4f}, "
          f"second topic {pct(statistics.mean(c['second_topic'] for c in at))}")
    print("\nLeave one topic out (labelled half without topic T; T's articles should get no suggestion):")
    for t, v in out["leave_one_out"].items():
        ab = v["abstained"]
        print(f"  without {t:14s} abstained on {pct(ab[default]):>6} (min_lift " + ", ".join(
            f"{th}: {pct(x)}" for th, x in ab.items()) + f"); else {v['then_suggested']}; "
            f"others: coverage {pct(v['others_coverage'])}, precision {v['others_precision']:.3f}")
    print("\nLearning curve (first K labelled articles per topic, mean of seeds 0-2, default threshold):")
    for k, v in out["learning_curve"].items():
        print(f"  K = {k!s:4s} accuracy {v['accuracy']:.4f}  coverage {pct(v['coverage']):>6}  "
              f"precision {v['precision']:.4f}")
    if out.get("wikiref"):
        print("\nWikiRef220 (2012-2015, other outlets) with all of BBC labelled:")
        for story, v in out["wikiref"].items():
            print(f"  {story:26s} expected {v['expected']!s:26s} suggested {v['suggested']}")
    print("\nExamples (seed 0):")
    for title, topic, reasons in inf["examples"]:
        print(f"  [{topic}] {title[:48]!r}: {'; '.join(reasons) or '(no suggestion)'}")
    print(f"\nTiming: build from {inf['labelled']} labelled digests {inf['build_seconds'] * 1000:.1f} ms, "
          f"suggest {inf['suggest_seconds']['first pass'] * 1e6:.0f} us per article on the first pass, "
          f"{inf['suggest_seconds']['warm'] * 1e6:.0f} us once its words are cached")
    if out.get("scale"):
        s = out["scale"]
        m = s["machine"]
        print(f"  (this machine now: sum(range(1000)) {m['sum_range_1000_us']:.1f} us, load average "
              f"{m['load_average']:.1f} on {m['cpus']} CPUs)")
        for label in ("default budget", "no budget"):
            v = s[label]
            print(f"  {s['labelled']:,} labelled digests, {label}: model of {v['used']:,} "
                  f"({v['vocabulary']:,} words) "
                  f"built in {v['build_seconds']:.2f} s; suggest {v['suggest_cold_seconds'] * 1e6:.0f} us cold, "
                  f"{v['suggest_warm_seconds'] * 1e6:.0f} us warm; "
                  f"remove+add {v['remove_add_seconds'] * 1e6:.0f} us")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="splits for mean/min accuracy (default 5)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--extra", action="store_true", help="also softmax regression (slow)")
    parser.add_argument("--no-scale", action="store_true", help="skip the 100,000-digest timing")
    args = parser.parse_args(argv)
    if not BBC.is_dir():
        print(f"topics_eval: corpus not found: {BBC} (expected ../shared/corpus beside the repository); "
              "nothing measured", file=sys.stderr)
        return 0
    say("loading and de-duplicating...")
    items, not_utf8 = load_bbc(BBC)
    items, dedup = deduplicate(items)
    out: dict = {"dedup": dedup, "not_utf8": not_utf8,
                 "topics": dict(sorted(Counter(it.topic for it in items).items())), "seeds": []}
    for seed in range(max(1, args.seeds)):
        say(f"seed {seed}...")
        out["seeds"].append(one_seed(items, seed, args.extra))
    say("off-topic checks...")
    out["leave_one_out"] = leave_one_out(items)
    out["learning_curve"] = learning_curve(items)
    out["wikiref"] = wikiref(items)
    if not args.no_scale:
        say("100,000 labelled digests...")
        out["scale"] = scale(items)
    if args.json:
        json.dump(out, sys.stdout, indent=1, default=str)
        print()
    else:
        report(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
