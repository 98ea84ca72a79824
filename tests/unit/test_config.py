"""feeds.toml loading: the bundled default loads; every mistake gets a precise, actionable error."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from newstui.core.config import ConfigError, load_config
from newstui.core.models import Config, Feed, Settings, TopicRule


def write(tmp_path: Path, text: str, name: str = "feeds.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


def message(path: Path) -> str:
    return str(error_for(path))


GOOD = """\
[settings]
refresh_minutes = 15
timeout_seconds = 7.5
browser = "firefox"

[topics.Asia]
keywords = ["Asia", "  Seoul  "]

[topics."Central  Banks"]
keywords = ["central bank", "interest rate"]

[[feed]]
name = "World"
url = "https://news.example/world.xml"
topics = ["World", "asia"]

[[feed]]
name = "Local file"
url = "feeds/local.xml"
enabled = false
"""


# --------------------------------------------------------------------------- loading


def test_bundled_default_loads() -> None:
    default = files("newstui").joinpath("default_feeds.toml")
    config = load_config(str(default))
    assert isinstance(config, Config)
    assert 12 <= len(config.feeds) <= 18
    assert all(f.url.startswith("https://") for f in config.feeds)
    assert all(f.topics for f in config.feeds)
    assert {"world", "japan", "business", "technology", "science"} <= set(config.declared_topics)
    assert config.settings == Settings()  # the file spells out the defaults


def test_repo_root_feeds_toml_is_the_default() -> None:
    root = Path(__file__).resolve().parents[2]
    link = root / "feeds.toml"
    assert link.is_symlink()
    assert link.resolve() == (root / "src" / "newstui" / "default_feeds.toml").resolve()
    assert load_config(link).feeds == load_config(link.resolve()).feeds


def test_good_config(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    config = load_config(path)
    assert config.path == str(path.resolve())
    assert config.settings == Settings(refresh_minutes=15, timeout_seconds=7.5, browser="firefox")
    assert config.topics == (
        TopicRule("asia", ("Asia", "Seoul")),
        TopicRule("central banks", ("central bank", "interest rate")),
    )
    assert config.feeds == (
        Feed("World", "https://news.example/world.xml", ("world", "asia"), True),
        Feed("Local file", str(tmp_path / "feeds" / "local.xml"), (), False),
    )
    assert config.declared_topics == ("asia", "central banks", "world")


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "# nothing yet\n"))
    assert config.settings == Settings()
    assert config.feeds == () and config.topics == ()


def test_timeout_accepts_integer_and_stores_float(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[settings]\ntimeout_seconds = 3\n"))
    assert config.settings.timeout_seconds == 3.0
    assert isinstance(config.settings.timeout_seconds, float)


def test_refresh_zero_means_manual(tmp_path: Path) -> None:
    assert (
        load_config(write(tmp_path, "[settings]\nrefresh_minutes = 0\n")).settings.refresh_minutes
        == 0
    )


def test_topic_names_normalised_and_merged(tmp_path: Path) -> None:
    text = """\
[topics.Asia]
keywords = ["Seoul"]

[topics." ASIA "]
keywords = ["seoul", "Manila"]

[[feed]]
name = "a"
url = "https://a.example/rss"
topics = ["  Far   East ", "far east"]
"""
    config = load_config(write(tmp_path, text))
    assert config.topics == (TopicRule("asia", ("Seoul", "Manila")),)
    assert config.feeds[0].topics == ("far east",)


def test_url_forms(tmp_path: Path) -> None:
    absolute = tmp_path / "abs.xml"
    text = f"""\
[[feed]]
name = "http"
url = "http://a.example/rss"

[[feed]]
name = "file url"
url = "file:///srv/feeds/x.xml"

[[feed]]
name = "absolute"
url = "{absolute.as_posix()}"

[[feed]]
name = "dotted"
url = "./sub/../feeds/y.xml"

[[feed]]
name = "home"
url = "~/feeds/z.xml"
"""
    feeds = load_config(write(tmp_path, text)).feeds
    assert feeds[0].url == "http://a.example/rss"
    assert feeds[1].url == "file:///srv/feeds/x.xml"
    assert feeds[2].url == str(absolute)
    assert feeds[3].url == str(tmp_path / "feeds" / "y.xml")
    assert feeds[4].url == str(Path("~/feeds/z.xml").expanduser())


def test_relative_path_is_relative_to_config_not_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    confdir = tmp_path / "conf"
    confdir.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write(confdir, '[[feed]]\nname = "x"\nurl = "local.xml"\n')
    monkeypatch.chdir(elsewhere)
    config = load_config(Path("..") / "conf" / "feeds.toml")
    assert config.feeds[0].url == str(confdir / "local.xml")
    assert os.path.isabs(config.path)


# --------------------------------------------------------------------------- syntax errors


def test_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feed]]\nname = "a"\nurl = https://a.example\n')
    err = error_for(path)
    text = str(err)
    assert text.startswith(f"{path}:3:7: invalid TOML: ")
    assert err.line == 3
    assert "url = https://a.example" in text  # the offending line is quoted
    assert "double quotes" in text  # the hint
    assert "(at line" not in text  # tomllib's suffix is reformatted, not repeated


def test_syntax_error_unclosed_header(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feed]]\nname = "a"\n\n[[feed]\n')
    assert message(path).startswith(f"{path}:4:")


def test_duplicate_key_is_a_syntax_error_with_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feed]]\nname = "a"\nname = "b"\nurl = "https://a.example"\n')
    assert message(path).startswith(f"{path}:3:")


# --------------------------------------------------------------------------- file problems


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    text = message(path)
    assert text.startswith(f"{path}: config file not found.")
    assert "Check the path" in text


def test_directory_instead_of_file(tmp_path: Path) -> None:
    text = message(tmp_path)
    assert str(tmp_path) in text and "directory" in text


@pytest.mark.skipif(
    sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="root (and Windows) can read files without read permission",
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    path.chmod(0)
    try:
        text = message(path)
    finally:
        path.chmod(0o644)
    assert str(path) in text and "permission denied" in text and "chmod" in text


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_bytes(b'[[feed]]\nname = "Caf\xe9"\n')
    text = message(path)
    assert text.startswith(f"{path}:2:")
    assert "not valid UTF-8" in text and "0xe9" in text and "Save the file" in text


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_bytes(b'\xef\xbb\xbf[[feed]]\nname = "a"\nurl = "https://a.example/"\n')
    assert load_config(path).feeds[0].name == "a"


# --------------------------------------------------------------------------- unknown keys


def test_unknown_feed_key_suggests(tmp_path: Path) -> None:
    text = """\
[[feed]]
name = "One"
url = "https://one.example/rss"

[[feed]]
name = "NHK World"
urll = "https://nhk.example/rss"
"""
    path = write(tmp_path, text)
    err = error_for(path)
    assert str(err) == (
        f"{path}:7: feed #2 \"NHK World\": unknown key 'urll' — did you mean 'url'? "
        "Valid keys: name, url, topics, enabled, refresh_minutes, max_articles, max_age_days, full_text, "
        "categories, exclude_topics."
    )
    assert err.line == 7


def test_unknown_setting_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "# settings\n\n[settings]\nrefresh_minute = 5\n")
    text = message(path)
    assert text.startswith(f"{path}:4: [settings]: unknown key 'refresh_minute'")
    assert "did you mean 'refresh_minutes'?" in text
    assert "max_articles_per_feed" in text  # the list of valid keys


def test_unknown_key_without_close_match_lists_valid_keys(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feed]]\nname = "a"\nurl = "https://a.example"\ncolour = "red"\n')
    text = message(path)
    assert text.startswith(f"{path}:4: feed #1 \"a\": unknown key 'colour'")
    assert "did you mean" not in text
    assert "remove it" in text and "name, url, topics, enabled" in text


def test_unknown_top_level_table(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feeds]]\nname = "a"\nurl = "https://a.example"\n')
    text = message(path)
    assert text.startswith(f"{path}:1: top level: unknown table or key 'feeds'")
    assert "did you mean 'feed'?" in text and "[[feed]]" in text


def test_unknown_topic_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[topics.japan]\nkeyword = ["Japan"]\n')
    text = message(path)
    assert text.startswith(f"{path}:2: [topics.japan]: unknown key 'keyword'")
    assert "did you mean 'keywords'?" in text


# --------------------------------------------------------------------------- wrong types and values


def test_bool_for_int_is_a_type_error(tmp_path: Path) -> None:
    path = write(tmp_path, "[settings]\nconcurrency = 4\nrefresh_minutes = true\n")
    text = message(path)
    assert text.startswith(f"{path}:3: [settings]: 'refresh_minutes'")
    assert "must be a whole number ≥ 0" in text
    assert "found true (a boolean)" in text
    assert "Write e.g. refresh_minutes = 30" in text


def test_string_for_int(tmp_path: Path) -> None:
    path = write(tmp_path, '[settings]\nmax_articles_per_feed = "200"\n')
    text = message(path)
    assert text.startswith(f"{path}:2: [settings]: 'max_articles_per_feed'")
    assert 'found "200" (a string)' in text and "(no quotes)" in text


def test_float_for_int(tmp_path: Path) -> None:
    text = message(write(tmp_path, "[settings]\nconcurrency = 2.5\n"))
    assert ":2: [settings]: 'concurrency'" in text and "found 2.5" in text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("refresh_minutes = -1", "≥ 0"),
        ("max_articles_per_feed = 0", "≥ 1"),
        ("timeout_seconds = 0", "> 0"),
        ("max_feed_bytes = 0", "> 0"),
        ("concurrency = 0", "≥ 1"),
    ],
)
def test_out_of_range(tmp_path: Path, line: str, expected: str) -> None:
    key = line.split()[0]
    path = write(tmp_path, f"[settings]\n{line}\n")
    text = message(path)
    assert text.startswith(f"{path}:2: [settings]: '{key}'")
    assert expected in text and "Write e.g." in text


def test_bool_setting_as_string(tmp_path: Path) -> None:
    text = message(write(tmp_path, '[settings]\nmark_read_on_open = "yes"\n'))
    assert ":2: [settings]: 'mark_read_on_open' " in text
    assert "must be true or false" in text and "(no quotes)" in text


def test_browser_must_be_string(tmp_path: Path) -> None:
    text = message(write(tmp_path, "[settings]\nbrowser = 1\n"))
    assert ":2: [settings]: 'browser'" in text and "must be a string" in text


def test_settings_not_a_table(tmp_path: Path) -> None:
    text = message(write(tmp_path, "settings = 3\n"))
    assert ":1: settings: expected a table" in text and "[settings]" in text


def test_keywords_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, '[topics.japan]\n\nkeywords = "Japan"\n')
    text = message(path)
    assert text.startswith(f"{path}:3: [topics.japan]: 'keywords' must be a list of strings")
    assert 'found "Japan" (a string)' in text
    assert 'keywords = ["Japan", "Tokyo"]' in text


def test_keyword_item_empty(tmp_path: Path) -> None:
    path = write(tmp_path, '[topics.japan]\nkeywords = [\n  "Japan",\n  "",\n]\n')
    text = message(path)
    assert text.startswith(f"{path}:2: [topics.japan]: 'keywords' item #2 must be a non-empty")


def test_topic_not_a_table(tmp_path: Path) -> None:
    text = message(write(tmp_path, '[topics]\njapan = ["Japan"]\n'))
    assert ":2: [topics.japan]: expected a table with a 'keywords' key" in text


def test_feed_topics_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feed]]\nname = "a"\nurl = "https://a.example"\ntopics = "world"\n')
    text = message(path)
    assert text.startswith(f"{path}:4: feed #1 \"a\": 'topics' must be a list of strings")
    assert 'topics = ["world"]' in text


def test_feed_enabled_not_bool(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feed]]\nname = "a"\nurl = "https://a.example"\nenabled = "no"\n')
    text = message(path)
    assert text.startswith(f"{path}:4: feed #1 \"a\": 'enabled' must be true or false")
    assert "enabled = false" in text


def test_feed_written_as_table_not_array(tmp_path: Path) -> None:
    path = write(tmp_path, '[feed]\nname = "a"\nurl = "https://a.example"\n')
    text = message(path)
    assert text.startswith(f"{path}:1: feed: expected an array of tables")
    assert "[[feed]]" in text


# ------------------------------------------------------------------ required keys, duplicates


def test_missing_name(tmp_path: Path) -> None:
    text_in = (
        '[[feed]]\nname = "a"\nurl = "https://a.example"\n\n[[feed]]\nurl = "https://b.example"\n'
    )
    path = write(tmp_path, text_in)
    text = message(path)
    assert text.startswith(
        f"{path}:5: feed #2 (url https://b.example): missing required key 'name'"
    )
    assert 'name = "My Feed"' in text


def test_empty_name(tmp_path: Path) -> None:
    text = message(write(tmp_path, '[[feed]]\nname = "  "\nurl = "https://a.example"\n'))
    assert ":2: feed #1 (url https://a.example): 'name' must be a non-empty string" in text
    assert "(a blank string)" in text


def test_missing_url(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[feed]]\nname = "a"\nurl = "https://a.example"\n[[feed]]\nname = "b"\n'
    )
    text = message(path)
    assert text.startswith(f"{path}:4: feed #2 \"b\": missing required key 'url'")
    assert "url = " in text and "[[feed]]" in text


def test_duplicate_name(tmp_path: Path) -> None:
    text_in = """\
[[feed]]
name = "World"
url = "https://a.example/rss"

[[feed]]
name = "world"
url = "https://b.example/rss"
"""
    path = write(tmp_path, text_in)
    text = message(path)
    assert text.startswith(f'{path}:6: feed #2 "world": duplicate name: feed #1 "World" (line 1)')
    assert "Give each feed a different name" in text


def test_duplicate_url(tmp_path: Path) -> None:
    text_in = """\
[[feed]]
name = "One"
url = "https://A.example/rss"

[[feed]]
name = "Two"
url = "https://a.example/rss"
"""
    path = write(tmp_path, text_in)
    text = message(path)
    assert text.startswith(f'{path}:7: feed #2 "Two": duplicate url: feed #1 "One" (line 1)')
    assert "Delete one of the two blocks" in text


def test_duplicate_url_file_url_and_path(tmp_path: Path) -> None:
    target = tmp_path / "x.xml"
    text_in = (
        f'[[feed]]\nname = "a"\nurl = "x.xml"\n[[feed]]\nname = "b"\nurl = "{target.as_uri()}"\n'
    )
    assert "duplicate url" in message(write(tmp_path, text_in))


# --------------------------------------------------------------------------- url schemes


@pytest.mark.parametrize(
    "url", ["ftp://files.example/feed.xml", "javascript:alert(1)", "mailto:news@example.com"]
)
def test_bad_scheme(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, f'[[feed]]\nname = "x"\n\nurl = "{url}"\n')
    text = message(path)
    assert text.startswith(f'{path}:4: feed #1 "x": unsupported url scheme')
    assert "http://" in text and "https://" in text and "file://" in text and "path" in text


def test_host_without_scheme(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feed]]\nname = "x"\nurl = "www.example.com/feed.xml"\n')
    text = message(path)
    assert text.startswith(f"{path}:3: feed #1 \"x\": 'url'")
    assert 'url = "https://www.example.com/feed.xml"' in text


def test_host_and_port_without_scheme(tmp_path: Path) -> None:
    text = message(write(tmp_path, '[[feed]]\nname = "x"\nurl = "localhost:8080/rss"\n'))
    assert "Did you mean http://localhost:8080/rss?" in text


def test_http_without_host(tmp_path: Path) -> None:
    text = message(write(tmp_path, '[[feed]]\nname = "x"\nurl = "https:///feed"\n'))
    assert ":3: feed #1 \"x\": 'url' 'https:///feed' has no host name" in text


def test_relative_file_url(tmp_path: Path) -> None:
    text = message(write(tmp_path, '[[feed]]\nname = "x"\nurl = "file://feeds/x.xml"\n'))
    assert ":3: " in text and "must be absolute" in text and "three slashes" in text


def test_url_not_a_string(tmp_path: Path) -> None:
    text = message(write(tmp_path, '[[feed]]\nname = "x"\nurl = 42\n'))
    assert ":3: feed #1 \"x\": 'url' must be a non-empty string, found 42 (an integer)" in text


# --------------------------------------------------------------------------- line finding


def test_line_found_for_later_block_with_multiline_values(tmp_path: Path) -> None:
    text_in = """\
# a comment with [[feed]] in it
[settings]
refresh_minutes = 10   # name = "not a key"

[topics.japan]
keywords = [
  "Japan",
  "[[feed]]",
  "Tokyo",
]

[[feed]]
name = "a"
url = "https://a.example"
topics = [
  "asia",
]

[[feed]]
name = "b"
topics = ["x"]
url = "gopher://b.example"
"""
    path = write(tmp_path, text_in)
    err = error_for(path)
    assert err.line == 22
    assert str(err).startswith(f'{path}:22: feed #2 "b": unsupported url scheme')


def test_inline_feed_table_falls_back_to_array_line(tmp_path: Path) -> None:
    text_in = (
        'feed = [\n  { name = "a", url = "https://a.example" },\n'
        '  { name = "b", url = "ftp://b" },\n]\n'
    )
    err = error_for(write(tmp_path, text_in))
    assert err.line == 1
    assert 'feed #2 "b": unsupported url scheme' in str(err)


def test_errors_are_deterministic(tmp_path: Path) -> None:
    text_in = '[settings]\nconcurrency = 0\n[[feed]]\nname = "a"\nurll = "x"\n'
    path = write(tmp_path, text_in)
    assert message(path) == message(path)
    assert "concurrency" in message(path)  # settings are checked before feeds


def test_subtable_of_a_feed_points_at_its_header(tmp_path: Path) -> None:
    text_in = '[[feed]]\nname = "a"\nurl = "https://a.example"\n\n[feed.extra]\nx = 1\n'
    path = write(tmp_path, text_in)
    assert message(path).startswith(f"{path}:5: feed #1 \"a\": unknown key 'extra'")


def test_permission_error_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    text = message(path)
    assert text.startswith(f"{path}: cannot read config file: permission denied.")
    assert f"chmod u+r {path}" in text


def test_config_and_paths_do_not_import_textual() -> None:
    code = (
        "import sys, newstui.core.config, newstui.core.paths, newstui.demo; "
        "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_full_text_in_settings_and_per_feed(tmp_path: Path) -> None:
    path = write(tmp_path, """\
[settings]
full_text = "Always"

[[feed]]
name = "Teasers"
url = "https://t.example/rss"
full_text = "never"

[[feed]]
name = "Default"
url = "https://d.example/rss"
""")
    config = load_config(path)
    assert config.settings.full_text == "always"
    assert [f.full_text for f in config.feeds] == ["never", None]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[settings]\nfull_text = "sometimes"\n', 2,
         "'full_text' (when to fetch an article's page for its whole text: \"auto\" (when the feed sends a "
         "teaser), \"always\" or \"never\") must be one of \"auto\", \"always\", \"never\", found \"sometimes\" "
         "(a string). Write e.g. full_text = \"auto\"."),
        ('[[feed]]\nname = "A"\nurl = "https://a.example/rss"\nfull_text = true\n', 4,
         "feed #1 \"A\": 'full_text' (when to fetch this feed's pages for their whole text) must be one of "
         "\"auto\", \"always\", \"never\", found true (a boolean). Write e.g. full_text = \"always\", or delete "
         "the line to use [settings]."),
    ],
)
def test_full_text_must_be_a_known_mode(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    err = str(error_for(path))
    assert err.startswith(f"{path}:{line}: ") and err.endswith(message), err


# -- [keys] and the issue 9 settings ----------------------------------------------------------


def test_keys_table_rebinds_by_binding_id(tmp_path):
    config = load_config(write(tmp_path, '[keys]\ntoggle_read = "x"\nrefresh = "ctrl+r, R"\nhelp = ["?", "f1"]\n'))
    assert config.keys == (("toggle_read", "x"), ("refresh", "ctrl+r,R"), ("help", "?,f1"))
    assert load_config(write(tmp_path, "")).keys == ()


def test_unknown_binding_id_names_the_file_line_and_closest_id(tmp_path):
    path = write(tmp_path, '[keys]\nquit = "ctrl+q"\ntogle_read = "x"\n')
    error = error_for(path)
    assert error.line == 3
    assert str(error).startswith(f"{path}:3: [keys]: unknown binding 'togle_read' — did you mean 'toggle_read'?")


@pytest.mark.parametrize(("keys", "problem"), [
    ('"ctrl+"', "'ctrl+' has no key after its '+'"),
    ('"pgdown"', "'pgdown' is not a key name — did you mean 'pagedown'?"),
    ('"cmd+x"', "'cmd' is not a modifier"),
    ('"x,,y"', "an empty key"),
    ("3", "must be a key or keys separated by commas, found 3 (an integer)"),
])
def test_invalid_key_names_are_errors(tmp_path, keys, problem):
    text = message(write(tmp_path, f"[keys]\nzen = {keys}\n"))
    assert text.startswith(f"{tmp_path / 'feeds.toml'}:2: [keys]: ") and problem in text, text


def test_named_and_modified_keys_are_accepted(tmp_path):
    text = '[keys]\nzen = "question_mark,f5,shift+tab,alt+enter,space,Z"\n'
    assert load_config(write(tmp_path, text)).keys == (("zen", "question_mark,f5,shift+tab,alt+enter,space,Z"),)


def test_theme_setting_is_checked_against_the_themes(tmp_path):
    assert load_config(write(tmp_path, '[settings]\ntheme = "Nord"\n')).settings.theme == "nord"
    text = message(write(tmp_path, '[settings]\ntheme = "nrod"\n'))
    assert text.startswith(f"{tmp_path / 'feeds.toml'}:2: [settings]: 'theme'")
    assert '"nord"' in text and '"textual-dark"' in text and 'found "nrod"' in text


def test_notify_command_is_a_string(tmp_path):
    config = load_config(write(tmp_path, '[settings]\nnotify_command = "notify-send newstui"\n'))
    assert config.settings.notify_command == "notify-send newstui"
    assert "'notify_command'" in message(write(tmp_path, "[settings]\nnotify_command = 1\n"))


def test_watch_topics_is_a_list_of_topic_names(tmp_path):
    config = load_config(write(tmp_path, '[settings]\nwatch_topics = ["Asia", " central   banks ", "asia"]\n'))
    assert config.settings.watch_topics == ("asia", "central banks")  # folded as topics are, no repeats
    assert load_config(write(tmp_path, "[settings]\nwatch_topics = []\n")).settings.watch_topics == ()
    assert load_config(write(tmp_path, "")).settings.watch_topics == ()
    text = message(write(tmp_path, '[settings]\nwatch_topics = "asia"\n'))
    assert text.startswith(f"{tmp_path / 'feeds.toml'}:2: [settings]: 'watch_topics'")
    assert 'watch_topics = ["asia"]' in text  # what to write instead
    text = message(write(tmp_path, '[settings]\nwatch_topics = ["asia", 3]\n'))
    assert "'watch_topics' item #2" in text and "3 (an integer)" in text
    assert "'watch_topics' item #1" in message(write(tmp_path, '[settings]\nwatch_topics = ["  "]\n'))
