"""``newstui import / export / add / completion`` run through ``main()`` against temporary files and a
127.0.0.1 server: the messages, the exit statuses, and a feeds.toml that keeps its comments."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newstui.cli import build_parser, main
from newstui.core.config import load_config
from newstui.core.config_values import url_key

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NEWSBOAT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds" / "newsboat"
corpus = pytest.mark.skipif(not NEWSBOAT.is_dir(), reason="no ../shared/corpus/feeds/newsboat")

FEEDS = """\
# My feeds: a comment that must survive
[settings]
timeout_seconds = 3   # keep tests quick

[[feed]]
name = "Example"      # the first one
url = "https://example.com/feed.xml"
topics = ["tech"]
"""


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(FEEDS)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def summary(path: Path) -> list[tuple[str, str, tuple[str, ...], bool]]:
    return [(f.name, url_key(f.url), f.topics, f.enabled) for f in load_config(path).feeds]


@pytest.fixture
def site() -> Iterator[str]:
    pages = {
        "/": ("text/html", b'<html><head><link rel="alternate" type="application/rss+xml" title="Posts" '
                           b'href="/posts.xml"><link rel="alternate" type="application/atom+xml" '
                           b'title="Asia" href="/asia.atom"></head><body></body></html>'),
        "/bare/": ("text/html", (FIXTURES / "feeds" / "page_without_feeds.html").read_bytes()),
        "/posts.xml": ("application/rss+xml", (FIXTURES / "world.xml").read_bytes()),
        "/asia.atom": ("application/atom+xml", (FIXTURES / "asia.atom").read_bytes()),
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            kind, body = pages.get(self.path, ("text/plain", b""))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


# -- import ------------------------------------------------------------------------------------

NESTED = """<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="2.0"><head><title>Caf\xe9 subscriptions</title></head><body>
  <outline text="Tech"><outline text="Linux">
    <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/rss" category="/Open/Source,News"/>
  </outline></outline>
  <outline type="rss" text="Example again" xmlUrl="HTTPS://EXAMPLE.COM/feed.xml"/>
  <outline type="rss" text="example" xmlUrl="https://another.example/rss"/>
  <outline text="Just a site" htmlUrl="https://site.example/"/>
  <outline type="rss" text="Piped" xmlUrl="|~/bin/tweets"/>
</body></opml>
"""


def test_import_adds_new_feeds_with_topics_and_keeps_the_comments(capsys, config, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_bytes(NESTED.encode("latin-1"))
    code, out, err = run(capsys, "import", "--config", str(config), str(opml))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f'{opml} ("Café subscriptions"): 4 feeds',
        "  added     LWN  https://lwn.net/headlines/rss  [tech, linux, open, source, news]",
        '  skip      line 6 "Example again": same URL as feed "Example"',
        '  skip      line 7 "example": feed "Example" (https://example.com/feed.xml) already has this name; '
        "to keep both, run `newstui add https://another.example/rss --name NEW-NAME`",
        "  can't use line 9 \"Piped\": unsupported address '|~/bin/tweets': only http(s) and file:// feeds "
        "can be imported",
        '  can\'t use line 8 "Just a site": it has no xmlUrl, only the web site https://site.example/; run '
        "`newstui add https://site.example/` to find its feed",
        f"added 1 feed to {config}; 2 duplicates skipped; 2 could not be used",
    ]
    text = config.read_text()
    assert text.startswith(FEEDS)
    assert text[len(FEEDS):] == (
        '\n[[feed]]\nname = "LWN"\nurl = "https://lwn.net/headlines/rss"\n'
        'topics = ["tech", "linux", "open", "source", "news"]\n'
    )
    code, out, _ = run(capsys, "import", "--config", str(config), str(opml))  # again: nothing new
    assert code == 0 and out.splitlines()[-1] == f"added 0 feeds to {config}; 3 duplicates skipped; 2 could not be used"


def test_import_dry_run_writes_nothing(capsys, config, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_bytes(NESTED.encode("latin-1"))
    code, out, _ = run(capsys, "import", "--dry-run", "--config", str(config), str(opml))
    assert code == 0
    assert "  would add LWN  https://lwn.net/headlines/rss" in out
    assert out.splitlines()[-1].endswith("(dry run: nothing written)")
    assert out.splitlines()[-1].startswith(f"would add 1 feed to {config}")
    assert config.read_text() == FEEDS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "{opml}: no such file. Give the path of an OPML file"),
        (b"<opml><body><outline></body>", "{opml}: not well-formed XML at line 1, column 24 (mismatched tag). "
                                          "Check that this is the OPML file your reader exported."),
        (b"<rss version='2.0'/>", "{opml}: not an OPML file: the document is <rss>, not <opml>."),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><opml/>', "{opml}: the file declares an XML entity ('a')"),
    ],
)
def test_import_errors_are_one_line_and_exit_2(capsys, config, tmp_path, content, message):
    opml = tmp_path / "subs.opml"
    if content is not None:
        opml.write_bytes(content)
    code, out, err = run(capsys, "import", "--config", str(config), str(opml))
    assert code == 2 and out == ""
    assert err.startswith("newstui: " + message.format(opml=opml)) and err.count("\n") == 1
    assert config.read_text() == FEEDS


def test_import_into_a_broken_or_missing_feeds_toml(capsys, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text(NESTED)
    broken = tmp_path / "broken.toml"
    broken.write_text('[[feed]]\nname = "A"\nurl = https://a.example/\n')
    code, out, err = run(capsys, "import", "--config", str(broken), str(opml))
    assert code == 2 and out == ""
    assert err.startswith(f"newstui: {broken}:3:7: invalid TOML")
    code, _, err = run(capsys, "import", "--config", str(tmp_path / "nope.toml"), str(opml))
    assert code == 2 and f"{tmp_path / 'nope.toml'}: config file not found" in err
    code, _, err = run(capsys, "--demo", "import", str(opml))
    assert code == 2 and "--demo uses a temporary copy" in err


@corpus
def test_import_the_newsboat_corpus_one_file_after_another(capsys, config):
    results = {}
    for name in ("example.opml", "example2.opml", "category.opml", "filtered.opml", "piped.opml",
                 "test-urls+.opml"):
        code, out, _ = run(capsys, "import", "--config", str(config), str(NEWSBOAT / name))
        assert code == 0
        results[name] = out.splitlines()[-1].split(f" to {config}")
    assert results == {
        "example.opml": ["added 6 feeds", "; 1 duplicate skipped"],  # https://example.com/feed.xml
        "example2.opml": ["added 7 feeds", ""],
        "category.opml": ["added 1 feed", ""],
        "filtered.opml": ["added 1 feed", "; 1 duplicate skipped"],  # a name example.opml has
        "piped.opml": ["added 0 feeds", "; 1 duplicate skipped; 1 could not be used"],
        "test-urls+.opml": ["added 3 feeds", "; 1 duplicate skipped"],
    }
    feeds = {f.name: f.topics for f in load_config(config).feeds}
    assert len(feeds) == 1 + 6 + 7 + 1 + 1 + 3
    assert feeds["Notes by Mike"] == ("blogs", "friends")
    assert feeds["Really?"] == ("rant boards", "humans")
    assert feeds["feeds.bbci.co.uk/news/business/rss.xml?edition=int"] == ("tag one", "tag_two", "tag", "three")
    assert feeds["One more feed"] == ("tag1", "tag3")
    assert config.read_text().startswith(FEEDS)
    for name in ("body-element-missing.opml", "opml-element-missing.opml"):
        code, _, err = run(capsys, "import", "--config", str(config), str(NEWSBOAT / name))
        assert code == 2 and err.count("\n") == 1


# -- export ------------------------------------------------------------------------------------


def test_export_to_stdout_and_to_a_file_then_import_gives_the_same_feeds(capsys, config, tmp_path):
    with config.open("a") as out:
        out.write('\n[[feed]]\nname = "Off, for now"\nurl = "local/feed.xml"\ntopics = ["a/b", "world"]\n'
                  "enabled = false\nmax_age_days = 30\n")
    code, out, _ = run(capsys, "export", "--config", str(config))
    assert code == 0 and out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"')
    target = tmp_path / "out.opml"
    code, out, _ = run(capsys, "export", "--config", str(config), str(target))
    assert (code, out) == (0, f"exported 2 feeds to {target}\n")
    assert target.read_text() == run(capsys, "export", "--config", str(config))[1]
    fresh = tmp_path / "fresh.toml"
    fresh.write_text("# empty\n")
    code, _, _ = run(capsys, "import", "--config", str(fresh), str(target))
    assert code == 0
    assert summary(fresh) == summary(config)
    assert load_config(fresh).feeds[1].max_age_days == 30
    code, _, err = run(capsys, "export", "--config", str(config), str(tmp_path / "no" / "such" / "dir.opml"))
    assert code == 2 and "cannot write" in err


# -- add ---------------------------------------------------------------------------------------


def test_add_a_feed_url(capsys, config, site):
    code, out, err = run(capsys, "add", f"{site}/posts.xml", "--topics", " World, ASIA ,,", "--config", str(config))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"fetching {site}/posts.xml ...",
        f'{site}/posts.xml: RSS feed "Fixture World", 3 items',
        f'added "Fixture World" to {config}, topics: world, asia',
    ]
    assert config.read_text() == FEEDS + (
        f'\n[[feed]]\nname = "Fixture World"\nurl = "{site}/posts.xml"\ntopics = ["world", "asia"]\n'
    )
    code, out, err = run(capsys, "add", f"{site}/posts.xml", "--config", str(config))
    assert code == 2 and err == f'newstui: {site}/posts.xml is already in {config} as feed "Fixture World"; nothing added.\n'


def test_add_a_page_takes_the_first_feed_when_not_on_a_terminal(capsys, config, site):
    code, out, _ = run(capsys, "add", f"{site}/", "--name", "Posts", "--config", str(config))
    assert code == 0
    assert out.splitlines() == [
        f"fetching {site}/ ...",
        f"{site}/ is a web page; feeds found for it:",
        f'  1. {site}/posts.xml  (RSS "Posts")',
        f'  2. {site}/asia.atom  (Atom "Asia")',
        "taking 1 (not a terminal); to add another, run `newstui add` with its URL",
        f'{site}/posts.xml: RSS feed "Fixture World", 3 items',
        f'added "Posts" to {config}',
    ]


def test_add_a_page_asks_which_feed_on_a_terminal(capsys, config, site, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("7\n2\n"))
    code, out, _ = run(capsys, "add", f"{site}/", "--config", str(config))
    assert code == 0
    assert "type a number from 1 to 2, or q" in out
    assert out.splitlines()[-1] == f'added "Fixture Asia" to {config}'
    monkeypatch.setattr("sys.stdin", Terminal("q\n"))
    code, out, err = run(capsys, "add", f"{site}/", "--config", str(config))
    assert (code, err) == (1, "newstui: nothing added.\n")
    monkeypatch.setattr("sys.stdin", Terminal(""))
    code, out, err = run(capsys, "add", f"{site}/", "--yes", "--config", str(config))
    assert code == 0 and "taking 1 (--yes)" in out


def test_add_names_are_unique_and_an_explicit_taken_name_is_refused(capsys, config, site):
    config.write_text(FEEDS + '\n[[feed]]\nname = "fixture world"\nurl = "https://other.example/"\n')
    code, out, _ = run(capsys, "add", f"{site}/posts.xml", "--config", str(config))
    assert code == 0 and out.splitlines()[-1] == f'added "Fixture World (2)" to {config}'
    code, _, err = run(capsys, "add", f"{site}/asia.atom", "--name", "EXAMPLE", "--config", str(config))
    assert code == 2 and err == (f"newstui: {config}: feed \"Example\" already has the name 'EXAMPLE'; "
                                 "choose another with --name.\n")


def test_add_failures(capsys, config, site, tmp_path):
    code, _, err = run(capsys, "add", f"{site}/missing.xml", "--config", str(config))
    assert (code, err) == (1, f"newstui: cannot fetch {site}/missing.xml: HTTP 404 Not Found\n")
    code, _, err = run(capsys, "add", f"{site}/bare/", "--config", str(config))
    assert code == 1 and err.startswith(f"newstui: no feed found: {site}/bare/ is a web page that advertises no feed")
    code, _, err = run(capsys, "add", "not a url", "--config", str(config))
    assert code == 2 and "not a web address nor an existing file" in err
    broken = tmp_path / "broken.toml"
    broken.write_text("[[feed]\n")
    code, _, err = run(capsys, "add", f"{site}/posts.xml", "--config", str(broken))
    assert code == 2 and err.startswith(f"newstui: {broken}:1:")
    assert config.read_text() == FEEDS


def test_add_a_local_file(capsys, config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.atom").write_bytes((FIXTURES / "asia.atom").read_bytes())
    code, out, _ = run(capsys, "add", "mine.atom", "--config", str(config))
    assert code == 0 and out.splitlines()[-1] == f'added "Fixture Asia" to {config}'
    assert load_config(config).feeds[-1].url == str(tmp_path / "mine.atom")


# -- completion and help -----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["import", "export", "add", "completion"])
def test_every_new_command_has_help_with_an_example(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "\nexamples:\n  newstui " + command in capsys.readouterr().out


def test_completion_scripts_name_every_command_and_option(capsys):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for shell in ("bash", "zsh", "fish"):
        code, script, _ = run(capsys, "completion", shell)
        assert code == 0
        for flag in ("--no-refresh", "--version", "--config", "--db", "--demo"):  # before a command
            assert flag[2:] in script, (shell, flag)
        for name, command in sub.choices.items():
            assert name in script
            for action in command._actions:
                for flag in action.option_strings:
                    if flag.startswith("--"):
                        assert flag[2:] in script, (shell, name, flag)


def complete(script: str, words: list[str]) -> list[str]:
    """What bash offers after ``words`` (the last one being completed)."""
    line = " ".join(f"'{w}'" for w in words)
    program = (f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}\n"
               "_newstui; printf '%s\\n' \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, timeout=20)
    assert done.stderr == ""
    return done.stdout.split()


def test_bash_completion_works(capsys, tmp_path, monkeypatch):
    _, script, _ = run(capsys, "completion", "bash")
    assert {"import", "export", "add", "completion", "refresh"} <= set(complete(script, ["newstui", ""]))
    assert sorted(complete(script, ["newstui", "ex"])) == ["export", "extract"]
    assert complete(script, ["newstui", "add", "--t"]) == ["--topics"]
    assert complete(script, ["newstui", "refresh", "--p"]) == ["--plain"]
    assert "-q" in complete(script, ["newstui", "refresh", "-"])
    assert complete(script, ["newstui", "completion", ""]) == ["bash", "zsh", "fish"]
    assert complete(script, ["newstui", "feeds", "--sort", "na"]) == ["name"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "subs.opml").write_text("")
    assert complete(script, ["newstui", "import", "su"]) == ["subs.opml"]
    assert complete(script, ["newstui", "--config", "su"]) == ["subs.opml"]
    assert complete(script, ["newstui", "add", "--name", ""]) == []


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completion_works(capsys, tmp_path):
    _, script, _ = run(capsys, "completion", "fish")
    (tmp_path / "newstui.fish").write_text(script)

    def offered(line: str) -> list[str]:
        program = f"source {tmp_path / 'newstui.fish'}; complete -C '{line}'"
        done = subprocess.run(["fish", "--no-config", "-c", program], capture_output=True, text=True, timeout=20)
        assert done.stderr == ""
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert offered("newstui ex") == ["export", "extract"]
    assert offered("newstui completion ") == ["bash", "fish", "zsh"]
    assert offered("newstui add --t") == ["--topics"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_is_valid_zsh(capsys, tmp_path):
    _, script, _ = run(capsys, "completion", "zsh")
    assert script.startswith("#compdef newstui\n")
    (tmp_path / "_newstui").write_text(script)
    done = subprocess.run(["zsh", "-n", str(tmp_path / "_newstui")], capture_output=True, text=True, timeout=20)
    assert (done.returncode, done.stderr) == (0, "")
    assert "'*:feed: '" in script and "'::FILE:_files'" in script and "'--sort[" in script


def test_import_leaves_out_what_feeds_toml_refuses_and_handles_a_big_file(capsys, config, tmp_path):
    outlines = "".join(f'<outline text="Feed {i}" xmlUrl="https://f{i}.example/rss" category="c{i % 7}"/>'
                       for i in range(1000))
    bad = '<outline text="Keeps none" xmlUrl="https://bad.example/" newstui:max_articles="0"/>'
    opml = tmp_path / "big.opml"
    opml.write_text(f'<opml version="2.0" xmlns:newstui="https://pypi.org/project/newstui/#opml"><body>'
                    f"{bad}{outlines}</body></opml>")
    code, out, _ = run(capsys, "import", "--config", str(config), str(opml))
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == f"added 1000 feeds to {config}; 1 could not be used"
    assert [line for line in lines if line.startswith("  can't use")] == [
        next(line for line in lines if line.startswith("  can't use line 1 \"Keeps none\": 'max_articles'"))
    ]
    feeds = load_config(config).feeds
    assert len(feeds) == 1001 and feeds[-1].topics == ("c5",)  # 999 % 7
    assert config.read_text().startswith(FEEDS)
