"""The ``--json`` outputs are an interface: scripts read them. Each command's output is checked
against a schema here (exact key set, value types), and every key must be documented in
docs/cli.md: a change to the output fails these tests until both are updated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newstui.cli import main
from pages import story_page

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
NULL = type(None)


@dataclass(frozen=True)
class Absent:
    """A key that may be left out (``list --stories``: ``grouped``/``sources`` for stories only)."""

    schema: Any


ARTICLE = {
    "id": str, "feed": str, "title": str, "link": str, "published": (str, NULL), "topics": [str],
    "read": bool, "starred": bool, "story": int, "copies": int,
    "grouped": Absent(int), "sources": Absent(int),
}
LINK = {"number": int, "url": str, "text": str}
SCHEMAS: dict[str, dict[str, Any]] = {
    "list": {
        **ARTICLE,
        "topic_reasons": [{"topic": str, "source": str, "detail": str}],
        "muted_by": (str, NULL),
    },
    "related": {"section": str, "id": str, "score": float, "reason": [str], "copy": bool, **ARTICLE},
    "show": {**ARTICLE, "author": str, "text": str, "links": [LINK]},
    "feeds": {
        "feed": str, "url": str, "enabled": bool, "ok": (bool, NULL), "status": str, "http_status": (int, NULL),
        "error": str, "checked_at": (str, NULL), "last_success": (str, NULL), "new_articles": int,
        "state": str, "failing": bool, "problem": str, "topics": [str], "failures": int, "fetch_url": str,
        "moved_to": str, "redirected_to": str, "retry_at": (str, NULL), "next_due": (str, NULL),
        "warnings": [str], "fetch_seconds": (float, int), "parse_seconds": (float, int),
        "not_modified": bool, "unchanged": bool, "title": str, "entries": int, "articles": int,
        "newest": (str, NULL),
    },
    "extract": {
        "url": str, "title": str, "byline": str, "date": (str, NULL), "site": str, "words": int,
        "minutes": int, "is_article": bool, "reason": str, "text": str, "links": [LINK],
        "see_also": [{"url": str, "text": str}],
    },
}
ENUMS = {  # keys whose values are one of a few words
    ("related", "section"): {"same", "earlier", "later"},
    ("feeds", "state"): {"failing", "waiting", "never", "ok", "off"},
    ("list", "topic_reasons.source"): {"feed", "category", "keyword", "regex", "inferred"},
}


def problems(value: Any, schema: Any, where: str) -> list[str]:
    """What in ``value`` does not fit ``schema`` (empty when it fits)."""
    if isinstance(schema, Absent):
        return problems(value, schema.schema, where)
    if isinstance(schema, tuple):
        found = [problems(value, option, where) for option in schema]
        return [] if any(not f for f in found) else [f"{where}: {value!r} is none of {schema}"]
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        required = {k for k, v in schema.items() if not isinstance(v, Absent)}
        wrong = [f"{where}: missing key {k!r}" for k in required - set(value)]
        wrong += [f"{where}: unexpected key {k!r} (document it in docs/cli.md)" for k in set(value) - set(schema)]
        for key in set(value) & set(schema):
            wrong += problems(value[key], schema[key], f"{where}.{key}")
        return wrong
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        return [p for item in value for p in problems(item, schema[0], f"{where}[]")]
    return [] if type(value) is schema else [f"{where}: {value!r} is not {schema.__name__}"]


def json_lines(capsys, *argv: str) -> list[dict[str, Any]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, argv
    assert out == "" or (out.endswith("\n") and "\n\n" not in out)  # JSON Lines: one object a line
    return [json.loads(line) for line in out.splitlines()]


def fits(command: str, rows: list[dict[str, Any]]) -> None:
    assert rows, command
    wrong = [p for row in rows for p in problems(row, SCHEMAS[command], command)]
    assert not wrong, "\n".join(wrong[:20])
    for (name, key), words in ENUMS.items():
        if name == command:
            head, _, tail = key.partition(".")
            values = [item[tail] for r in rows for item in r[head]] if tail else [r[key] for r in rows]
            assert set(values) <= words, (key, set(values) - words)


@pytest.fixture
def with_broken(feed_server, tmp_path) -> list[str]:
    """A feed that works and one that answers 500."""
    config = tmp_path / "feeds.toml"
    config.write_text(f'[settings]\ntimeout_seconds = 2\n\n[[feed]]\nname = "World"\nurl = "{feed_server.url("world.xml")}"\n'
                      f'\n[[feed]]\nname = "Broken"\nurl = "{feed_server.url("status/500")}"\n')
    return ["--config", str(config), "--db", str(tmp_path / "db.json")]


@pytest.fixture
def demo(tmp_path) -> list[str]:
    return ["--demo", "--db", str(tmp_path / "demo.json")]


def test_list_json(capsys, demo):
    rows = json_lines(capsys, "list", "--json", *demo)
    fits("list", rows)
    assert len(rows) >= 30 and not any("grouped" in r for r in rows)  # only with --stories
    stories = json_lines(capsys, "list", "--json", "--stories", *demo)
    fits("list", stories)
    assert any("grouped" in r for r in stories) and any("grouped" not in r for r in stories)
    assert all(r["grouped"] >= 2 and r["sources"] >= 1 for r in stories if "grouped" in r)
    assert json_lines(capsys, "list", "--json", "--search", "zzzznothing", *demo) == []  # no output at all


def test_related_show_and_feeds_json(capsys, demo):
    rows = json_lines(capsys, "list", "--json", *demo)
    grouped = next(r for r in rows if any(o["story"] == r["story"] for o in rows if o is not r))
    related = json_lines(capsys, "related", grouped["id"][:8], "--json", *demo)
    fits("related", related)
    assert "same" in {r["section"] for r in related}
    shown = json_lines(capsys, "show", grouped["id"], "--json", *demo)
    assert len(shown) == 1
    fits("show", shown)
    assert (shown[0]["story"], shown[0]["copies"]) == (grouped["story"], grouped["copies"])  # as list says
    feeds = json_lines(capsys, "feeds", "--json", *demo)
    fits("feeds", feeds)
    assert len(feeds) == 4


def test_feeds_json_before_and_after_failures(capsys, with_broken):
    fits("feeds", json_lines(capsys, "feeds", "--json", *with_broken))  # never refreshed: nulls
    main(["refresh", *with_broken])
    capsys.readouterr()
    rows = json_lines(capsys, "feeds", "--json", *with_broken)
    fits("feeds", rows)
    assert {type(r["http_status"]) for r in rows} == {int}


def test_extract_json(capsys, tmp_path):
    page = tmp_path / "story.html"
    page.write_text(story_page("Harbour cranes return", links=3))
    rows = json_lines(capsys, "extract", str(page), "--json")
    assert len(rows) == 1
    fits("extract", rows)
    assert rows[0]["is_article"] and rows[0]["words"] > 100


def test_every_key_is_documented():
    text = DOCS.read_text()
    sections = dict(re.findall(r"^## `newstui (\w+)`\n(.*?)(?=^## )", text + "\n## ", flags=re.M | re.S))
    for command, schema in SCHEMAS.items():
        assert command in sections, f"docs/cli.md has no section for {command}"
        keys = set(schema) | {f"{k}.{sub}" for k, v in schema.items() if isinstance(v, list)
                              and isinstance(v[0], dict) for sub in v[0]}
        missing = [k for k in sorted(keys) if f"`{k}`" not in sections[command]]
        assert not missing, f"docs/cli.md, newstui {command}: keys not documented: {missing}"
