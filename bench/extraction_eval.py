"""Evaluate :func:`newstui.core.extract.extract` on the shared extraction corpus.

Two sets from ``../shared/corpus/extraction`` (beside the repository; never copied into it):

1. ``trafilatura-eval/``: 990 pages with hand-picked snippets that must ("with") or must not
   ("without") appear in the main text. Whitespace is normalised in both the text and the
   snippets; a "with" snippet found is a true positive (else a false negative), a "without"
   snippet found is a false positive. Micro-summed P = TP/(TP+FP), R = TP/(TP+FN),
   F1 = 2TP/(2TP+FP+FN). A crash counts as a miss (every "with" snippet a false negative).
   The time is measured around ``extract()`` alone, after a warm-up call.
   ``--baseline`` also scores plain ``trafilatura.extract(page, url=url)`` with default settings.
2. ``readability-pages/``: metadata agreement with Readability.js's expected output, and the
   "is this an article" decision against its ``readerable`` flag.

Usage: python bench/extraction_eval.py [--corpus DIR] [--limit N] [--baseline] [--markdown] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


@dataclass
class Score:
    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    pages: int = 0
    crashes: int = 0
    times_ms: list[float] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 0.0

    def percentile(self, q: float) -> float:
        if not self.times_ms:
            return 0.0
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name, "pages": self.pages, "crashes": self.crashes,
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "median_ms": round(statistics.median(self.times_ms), 1) if self.times_ms else 0.0,
            "p95_ms": round(self.percentile(0.95), 1),
        }  # fmt: skip


def _norm_ws(text: str) -> str:
    return " ".join(text.split())


def _read(path: Path) -> bytes | None:
    for candidate in (path.with_name(path.name + ".gz"), path):
        if candidate.exists():
            data = candidate.read_bytes()
            return gzip.decompress(data) if candidate.suffix == ".gz" else data
    return None


def load_trafilatura_eval(root: Path, limit: int | None) -> list[tuple[str, bytes, dict]]:
    evaldata = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    cases = []
    for url, item in evaldata.items():
        page = _read(root / "cache" / item["file"]) or _read(root / "eval" / item["file"])
        if page is None:
            print(f"missing page for {url}: {item['file']}", file=sys.stderr)
            continue
        cases.append((url, page, item))
        if limit and len(cases) >= limit:
            break
    return cases


def score_snippets(name: str, run: Callable[[bytes, str], str | None], cases) -> Score:
    score = Score(name)
    for url, page, item in cases:
        score.pages += 1
        start = time.perf_counter()
        try:
            text = run(page, url)
        except Exception:  # noqa: BLE001 - a crash is a miss
            text = None
            score.crashes += 1
        score.times_ms.append((time.perf_counter() - start) * 1000)
        result = _norm_ws(text or "")
        for snippet in item.get("with", []):
            if text is not None and _norm_ws(snippet) in result:
                score.tp += 1
            else:
                score.fn += 1
        for snippet in item.get("without", []):
            if text is not None and _norm_ws(snippet) in result:
                score.fp += 1
            else:
                score.tn += 1
    return score


# --- readability-pages: metadata ------------------------------------------------------------

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212-]+")


def norm_title(value: str | None) -> str:
    """Agreement key: NFKC, HTML-free, casefolded, quotes and dashes unified, whitespace collapsed."""
    value = unicodedata.normalize("NFKC", value or "").translate(_QUOTES)
    return " ".join(_DASHES.sub("-", value).casefold().split())


def same_day(ours: str, expected: str) -> bool:
    try:
        a = datetime.fromisoformat(ours[:10]).date() if ours else None
        match = re.match(r"\d{4}-\d{2}-\d{2}", expected.strip())
        b = datetime.fromisoformat(match.group(0)).date() if match else None
    except ValueError:
        return False
    return a is not None and a == b


def score_metadata(root: Path, extract: Callable, limit: int | None) -> dict[str, object]:
    counts = {"pages": 0, "title": 0, "byline": 0, "date": 0, "dated": 0, "site": 0, "crashes": 0}
    confusion = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}  # positive = "is an article"
    misses: list[str] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        page = _read(folder / "source.html")
        meta_path = folder / "expected-metadata.json"
        if page is None or not meta_path.exists():
            continue
        expected = json.loads(meta_path.read_text(encoding="utf-8"))
        counts["pages"] += 1
        try:
            got = extract(page, f"http://fakehost/test/{folder.name}/")
        except Exception:  # noqa: BLE001
            counts["crashes"] += 1
            continue
        title_ok = norm_title(got.title) == norm_title(expected.get("title"))
        counts["title"] += title_ok
        if not title_ok:
            misses.append(f"{folder.name}: {got.title!r} != {expected.get('title')!r}")
        counts["byline"] += norm_title(got.byline) == norm_title(expected.get("byline"))
        counts["site"] += norm_title(got.site) == norm_title(expected.get("siteName"))
        if expected.get("publishedTime"):
            counts["dated"] += 1
            counts["date"] += same_day(got.date, expected["publishedTime"])
        want = bool(expected.get("readerable"))
        confusion[("t" if got.is_article == want else "f") + ("p" if got.is_article else "n")] += 1
        if limit and counts["pages"] >= limit:
            break
    pages = max(1, counts["pages"])
    return {
        **{f"{k}_pct": round(100 * counts[k] / pages, 1) for k in ("title", "byline", "site")},
        "date_pct": round(100 * counts["date"] / max(1, counts["dated"]), 1),
        "dated_pages": counts["dated"],
        "pages": counts["pages"],
        "crashes": counts["crashes"],
        "is_article_accuracy_pct": round(100 * (confusion["tp"] + confusion["tn"]) / pages, 1),
        "is_article_confusion": confusion,
        "title_misses": misses,
    }


# --- output -------------------------------------------------------------------------------------

AGREEMENT = (
    "agreement = equal after NFKC, casefold, curly/straight quotes and all dashes unified, "
    "whitespace collapsed (absent == empty); date = same calendar day, over the pages where "
    "Readability gives a publishedTime"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus root folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages per set")
    parser.add_argument("--baseline", action="store_true", help="also score plain trafilatura")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--misses", action="store_true", help="list the title disagreements")
    parser.add_argument("--only", choices=("snippets", "metadata"), help="run one set only")
    args = parser.parse_args(argv)

    extraction = args.corpus / "extraction"
    if not extraction.is_dir():
        print(
            f"corpus not found: {extraction}\n(expected ../shared/corpus beside the repository, "
            "or pass --corpus DIR)",
            file=sys.stderr,
        )
        return 2

    sys.path.insert(0, str(REPO / "src"))
    from newstui.core.extract import extract

    import trafilatura  # warm-up: both imports, and one call, before any timing

    warm = b"<html><body><article><p>" + b"Warm up text. " * 40 + b"</p></article></body></html>"
    extract(warm, "http://example.com/warm")
    trafilatura.extract(warm)

    results: dict[str, object] = {"agreement": AGREEMENT}
    scores: list[Score] = []
    if args.only != "metadata":
        cases = load_trafilatura_eval(extraction / "trafilatura-eval", args.limit)
        scores.append(score_snippets("newstui extract()", lambda p, u: extract(p, u).text, cases))
        if args.baseline:
            scores.append(
                score_snippets(
                    f"trafilatura {trafilatura.__version__} extract() defaults",
                    lambda p, u: trafilatura.extract(p, url=u),
                    cases,
                )
            )
        results["snippets"] = [s.summary() for s in scores]
    if args.only != "snippets":
        results["metadata"] = score_metadata(extraction / "readability-pages", extract, args.limit)

    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    _print(results, args.markdown, args.misses)
    return 0


def _print(results: dict, markdown: bool, misses: bool) -> None:
    snippets = results.get("snippets") or []
    if snippets:
        head = ("extractor", "pages", "crashes", "P", "R", "F1", "median ms", "p95 ms")
        rows = [
            (s["name"], s["pages"], s["crashes"], f"{s['precision']:.3f}", f"{s['recall']:.3f}",
             f"{s['f1']:.3f}", s["median_ms"], s["p95_ms"])
            for s in snippets
        ]  # fmt: skip
        print("trafilatura-eval (snippet P/R/F1, time per page around extract() only)")
        _table(head, rows, markdown)
    meta = results.get("metadata")
    if meta:
        c = meta["is_article_confusion"]
        print(f"\nreadability-pages ({meta['pages']} pages, {meta['crashes']} crashes)")
        print(f"({results['agreement']})")
        head = ("title %", "byline %", f"date % (of {meta['dated_pages']})", "site %",
                "is-article acc %", "TP/FP/FN/TN")
        row = (meta["title_pct"], meta["byline_pct"], meta["date_pct"], meta["site_pct"],
               meta["is_article_accuracy_pct"], f"{c['tp']}/{c['fp']}/{c['fn']}/{c['tn']}")  # fmt: skip
        _table(head, [row], markdown)
        print("(is-article: positive = an article; expected = Readability's readerable flag)")
        if misses:
            print("\ntitle disagreements:")
            for line in meta["title_misses"]:
                print("  " + line)


def _table(head: tuple, rows: list[tuple], markdown: bool) -> None:
    cells = [tuple(str(c) for c in head)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    if markdown:
        print("| " + " | ".join(h.ljust(w) for h, w in zip(cells[0], widths)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for r in cells[1:]:
            print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
    else:
        for r in cells:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    sys.exit(main())
