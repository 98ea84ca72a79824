"""The headless commands, run through ``main()`` against a local HTTP server and real stores."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newstui.cli import build_parser, main

FEEDS = """
[settings]
timeout_seconds = 2

[topics.japan]
keywords = ["Tokyo"]

[[feed]]
name = "World"
url = "{world}"
topics = ["world"]

[[feed]]
name = "Asia"
url = "{asia}"
topics = ["asia"]
"""


@pytest.fixture
def setup(feed_server, tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text(FEEDS.format(world=feed_server.url("world.xml"), asia=feed_server.url("asia.atom")))
    return ["--config", str(config), "--db", str(tmp_path / "db.json")]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_refresh_prints_a_line_per_feed(capsys, setup):
    code, out, _ = run(capsys, "refresh", *setup)
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("ok  World: ok, 3 new") for line in lines)
    assert any(line.startswith("ok  Asia: ok, 2 new") for line in lines)
    assert lines[-1] == "2 feeds, 5 new articles, 0 failed"
    code, out, _ = run(capsys, "refresh", *setup)
    assert "World: not modified" in out


def test_refresh_exit_status_1_when_every_feed_failed(capsys, feed_server, tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feed]]\nname = "Gone"\nurl = "{feed_server.url("status/404")}"\n')
    code, out, _ = run(capsys, "refresh", "--config", str(config), "--db", str(tmp_path / "db.json"))
    assert code == 1
    assert "ERR Gone: HTTP 404 Not Found" in out


def test_list_plain_and_json_with_filters(capsys, setup):
    run(capsys, "refresh", *setup)
    code, out, _ = run(capsys, "list", *setup)
    assert code == 0 and len(out.splitlines()) == 5
    code, out, _ = run(capsys, "list", "--json", "--topic", "japan", *setup)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in rows] == [
        "Tokyo earthquake: trains resume after magnitude 6.1 tremor",
        "Strong earthquake shakes Tokyo, no tsunami warning",
    ]
    assert set(rows[0]) == {"id", "feed", "title", "link", "published", "topics", "read", "starred", "story", "copies",
                            "topic_reasons", "muted_by"}
    assert rows[0]["published"] == "2026-11-24T09:00:00+00:00"
    assert rows[0]["topics"] == ["asia", "japan"] and rows[0]["read"] is False


def test_show_renders_article_and_accepts_id_prefix(capsys, setup):
    run(capsys, "refresh", *setup)
    _, out, _ = run(capsys, "list", "--json", "--search", "strong earthquake", *setup)
    article_id = json.loads(out.splitlines()[0])["id"]
    code, out, _ = run(capsys, "show", article_id[:6], "--width", "60", *setup)
    assert code == 0
    assert "Strong earthquake shakes Tokyo" in out
    assert "Fixture World · Aiko Sato" in out or "World · Aiko Sato" in out
    assert "Trains stopped" in out and "<li>" not in out
    assert "https://example.test/map" in out  # links listed as references
    code, out, _ = run(capsys, "show", article_id, "--json", *setup)
    data = json.loads(out)
    assert data["id"] == article_id and "Trains stopped" in data["text"]
    assert data["links"][0]["url"] == "https://example.test/map"


def test_show_unknown_id(capsys, setup):
    code, _, err = run(capsys, "show", "zzzz", *setup)
    assert code == 1 and "no article with id 'zzzz'" in err


def test_feeds_before_any_refresh(capsys, setup):
    code, out, _ = run(capsys, "feeds", *setup)
    assert code == 0
    assert out.splitlines() == [
        "STATE  FEED   LAST OK ARTICLES  PROBLEM",
        "never  World    never        0  never refreshed",
        "never  Asia     never        0  never refreshed",
    ]
    code, out, _ = run(capsys, "feeds", "--json", *setup)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["feed"], r["ok"], r["status"], r["state"], r["checked_at"]) for r in rows] == [
        ("World", None, "never refreshed", "never", None),
        ("Asia", None, "never refreshed", "never", None),
    ]


@pytest.fixture
def with_broken(feed_server, tmp_path):
    """World and Asia as in ``setup``, plus a feed that answers 500 and one named like markup."""
    config = tmp_path / "broken.toml"
    config.write_text(
        FEEDS.format(world=feed_server.url("world.xml"), asia=feed_server.url("asia.atom"))
        + f'\n[[feed]]\nname = "Broken [bold]x[/]"\nurl = "{feed_server.url("status/500")}"\n'
    )
    return ["--config", str(config), "--db", str(tmp_path / "broken.json")]


def test_feeds_table_after_a_refresh(capsys, with_broken):
    run(capsys, "refresh", *with_broken)
    code, out, _ = run(capsys, "feeds", *with_broken)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["STATE", "FEED", "LAST", "OK", "HTTP", "FAILS", "ARTICLES", "NEWEST", "TIME",
                                "PROBLEM"]
    rows = [line for line in lines[1:] if not line.startswith(" ")]  # problems may take a line of their own
    assert [line.split()[0] for line in rows] == ["ok", "ok", "failing"]  # feeds.toml order
    assert [line.split()[1] for line in rows] == ["World", "Asia", "Broken"]
    assert all(len(line) <= 100 for line in lines)
    broken = rows[2]
    assert broken.startswith("failing  Broken [bold]x[/]  ")  # the name as written, not as markup
    assert " 500 " in broken and "HTTP 500 Internal Server Error" in out.split("failing  Broken", 1)[1]
    world = lines[1]
    assert " 200 " in world and " 3 " in world  # three articles stored


def test_feeds_json_keeps_the_old_keys_and_adds_every_field(capsys, with_broken):
    run(capsys, "refresh", *with_broken)
    code, out, _ = run(capsys, "feeds", "--json", *with_broken)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(r["feed"], r["ok"], r["http_status"], r["new_articles"], r["state"]) for r in rows] == [
        ("World", True, 200, 3, "ok"),
        ("Asia", True, 200, 2, "ok"),
        ("Broken [bold]x[/]", False, 500, 0, "failing"),
    ]
    old = {"feed", "url", "enabled", "ok", "status", "http_status", "error", "checked_at", "last_success",
           "new_articles"}
    new = {"state", "failing", "problem", "topics", "failures", "fetch_url", "moved_to", "redirected_to",
           "retry_at", "next_due", "warnings", "fetch_seconds", "parse_seconds", "not_modified", "unchanged",
           "title", "entries", "articles", "newest"}
    assert set(rows[0]) == old | new
    world, _, broken = rows
    assert world["checked_at"].endswith("+00:00") and world["next_due"].endswith("+00:00")
    assert world["articles"] == 3 and world["newest"].endswith("+00:00") and world["topics"] == ["world"]
    assert broken["error"] == "HTTP 500 Internal Server Error" and broken["failures"] == 1
    assert broken["last_success"] is None and broken["articles"] == 0


def test_feeds_failing_lists_only_failing_feeds_and_exits_1(capsys, with_broken, setup):
    code, out, _ = run(capsys, "feeds", "--failing", *with_broken)
    assert (code, out) == (0, "")  # never refreshed is not failing
    run(capsys, "refresh", *with_broken)
    code, out, _ = run(capsys, "feeds", "--failing", *with_broken)
    assert code == 1
    assert [line.split()[0] for line in out.splitlines()] == ["STATE", "failing"]
    code, out, _ = run(capsys, "feeds", "--failing", "--json", *with_broken)
    assert code == 1 and [json.loads(line)["feed"] for line in out.splitlines()] == ["Broken [bold]x[/]"]
    run(capsys, "refresh", *setup)  # a store where nothing fails
    code, out, _ = run(capsys, "feeds", "--failing", *setup)
    assert (code, out) == (0, "")


def test_feeds_sort(capsys, with_broken):
    run(capsys, "refresh", *with_broken)

    def names(*options: str) -> list[str]:
        code, out, _ = run(capsys, "feeds", "--json", *options, *with_broken)
        assert code == 0
        return [json.loads(line)["feed"] for line in out.splitlines()]

    assert names() == ["World", "Asia", "Broken [bold]x[/]"]
    assert names("--sort", "name") == ["Asia", "Broken [bold]x[/]", "World"]
    assert names("--sort", "state") == ["Broken [bold]x[/]", "Asia", "World"]
    assert names("--sort", "articles") == ["Broken [bold]x[/]", "Asia", "World"]  # 0, 2, 3: fewest first
    assert names("--sort", "failures") == ["Broken [bold]x[/]", "Asia", "World"]
    with pytest.raises(SystemExit) as exit_:
        main(["feeds", "--sort", "size", *with_broken])
    assert exit_.value.code == 2 and "invalid choice: 'size'" in capsys.readouterr().err


def test_bad_config_exits_2_without_traceback(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text('[[feed]]\nname = "X"\nurll = "http://x"\n')
    proc = subprocess.run(
        [sys.executable, "-m", "newstui.cli", "list", "--config", str(config), "--db", str(tmp_path / "d.json")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "feeds.toml:3" in proc.stderr and "did you mean 'url'" in proc.stderr


def test_corrupt_store_message(capsys, setup, tmp_path):
    (tmp_path / "db.json").write_text("{not json")
    code, _, err = run(capsys, "list", *setup)
    assert code == 2 and "damaged" in err and "db.json" in err


def test_demo_works_headless(capsys):
    code, out, _ = run(capsys, "list", "--demo", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) >= 30
    assert len({r["feed"] for r in rows}) == 4


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("newstui ")
    with pytest.raises(SystemExit):
        main(["show", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_demo_stories_headless_list_and_related(capsys, tmp_path):
    db = ["--demo", "--db", str(tmp_path / "demo.json")]
    code, out, _ = run(capsys, "list", *db, "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and all(isinstance(r["story"], int) and r["story"] > 0 and r["copies"] >= 1 for r in rows)
    quake = next(r for r in rows if "Sanriku residents" in r["title"])
    code, out, _ = run(capsys, "list", *db, "--stories", "--json")
    grouped = {r["id"]: r for r in (json.loads(line) for line in out.splitlines())}
    assert grouped[quake["id"]]["grouped"] == 3 and grouped[quake["id"]]["sources"] == 3
    code, out, _ = run(capsys, "related", *db, quake["id"][:8], "--json")
    related = [json.loads(line) for line in out.splitlines()]
    same = [r for r in related if r["section"] == "same"]
    assert code == 0 and len(same) == 2 and all(r["story"] == quake["story"] for r in same)
    assert {r["feed"] for r in same} | {quake["feed"]} == {"Harbour Gazette", "Pacific Wire", "Circuit & Cosmos"}
    assert all(set(r) >= {"section", "id", "score", "reason", "copy"} and r["reason"] for r in related)
    code, out, _ = run(capsys, "related", *db, quake["id"][:8])
    assert code == 0 and "Same story" in out and "Harbour Gazette" in out
    code, _, err = run(capsys, "related", *db, "zzzz")
    assert code == 1 and "no article" in err


# -- refresh on a terminal ---------------------------------------------------------------------


@pytest.fixture
def odd_server() -> Iterator[str]:
    """A server whose 503 carries a reason phrase with escape sequences (a window title, blinking)."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(503, "Down \x1b]2;pwned\x07 \x1b[5mblink\x1b[0m")
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    httpd.shutdown()
    httpd.server_close()


def in_terminal(*argv: str, **env: str) -> tuple[int, str]:
    """Run ``newstui ARGV`` with a pseudo-terminal (120 x 24) as stdin, stdout and stderr; its exit
    status and everything it wrote to the terminal, escape sequences included."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    environment.update({"TERM": "xterm-256color", **env})
    proc = subprocess.Popen([sys.executable, "-m", "newstui.cli", *argv], stdin=slave, stdout=slave,
                            stderr=slave, env=environment, close_fds=True)
    os.close(slave)
    chunks = []
    try:
        while select.select([master], [], [], 60)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the program has closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
        code = proc.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_refresh_on_a_terminal_shows_a_progress_bar(feed_server, odd_server, tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text(
        FEEDS.format(world=feed_server.url("world.xml"), asia=feed_server.url("asia.atom"))
        + f'\n[[feed]]\nname = "Broken [bold]x[/]"\nurl = "{feed_server.url("status/500")}"\n'
        + f'\n[[feed]]\nname = "Odd"\nurl = "{odd_server}"\n'
    )
    argv = ["refresh", "--config", str(config), "--db", str(tmp_path / "db.json")]
    code, screen = in_terminal(*argv)
    assert code == 0
    assert "refreshing" in screen and "4/4" in screen  # the bar, with feeds done of all
    assert "5 new" in screen and "2 failed" in screen
    assert "━" in screen  # the bar itself
    assert "ok  World" not in screen  # the fine feeds are counted, not listed
    assert "ERR Broken [bold]x[/]: HTTP 500 Internal Server Error" in screen  # literally, not as markup
    assert "ERR Odd: HTTP 503 Down" in screen
    assert "\x1b]2;" not in screen and "\x07" not in screen and "\x1b[5m" not in screen  # the server's escapes
    assert screen.rstrip().endswith("\n\x1b[?25h4 feeds, 5 new articles, 2 failed")  # cursor shown again
    # --plain, --quiet and TERM=dumb keep the plain lines on a terminal
    code, screen = in_terminal(*argv, "--plain")
    assert code == 0 and "refreshing" not in screen and "\x1b[" not in screen
    assert "ok  World: not modified" in screen and "ERR Broken [bold]x[/]: HTTP 500" in screen
    code, screen = in_terminal(*argv, "--quiet")
    assert "ok  World" not in screen and "ERR Odd: HTTP 503" in screen and "refreshing" not in screen
    code, screen = in_terminal(*argv, TERM="dumb")
    assert "refreshing" not in screen and "ok  Asia: not modified" in screen


def test_refresh_quiet_prints_failures_and_the_summary_only(capsys, with_broken):
    code, out, _ = run(capsys, "refresh", "--quiet", *with_broken)
    assert code == 0
    assert out.splitlines() == [
        next(line for line in out.splitlines() if line.startswith("ERR Broken [bold]x[/]: HTTP 500")),
        "3 feeds, 5 new articles, 1 failed",
    ]


def test_every_command_has_help_with_examples_and_exit_status(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) >= {"refresh", "list", "related", "show", "feeds", "extract", "import", "export",
                                "add", "completion"}
    for name in [*sub.choices, None]:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"] if name else ["--help"])
        out = capsys.readouterr().out
        assert exit_.value.code == 0, name
        assert "examples:\n  newstui " in out, name  # at least one realistic example
        assert "exit status: 0 " in out and "130" in out, name
