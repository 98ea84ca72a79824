"""Bad config is explained: one message naming the file, the line, the key and the fix; exit status 2
from the CLI; nothing half-applied (no store touched, no feed fetched)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newstui.cli import main
from newstui.core.config import ConfigError, load_config

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FEED = '[[feed]]\nname = "A"\nurl = "http://a.test/feed"\n'


def error_for(tmp_path: Path, text: str) -> str:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:"), message  # the file, then the line
    assert not CONTROL.search(message), repr(message)  # shown, never obeyed
    return message


@pytest.mark.parametrize(("text", "line", "words"), [
    ('[[feed]]\nname = "Red\\u001b[31m"\nurl = "http://a.test/"\n', 2,
     ["feed #1", "'name'", "U+001B", "at character 4", "Remove it", "\\x1b[31m"]),
    ('[[feed]]\nname = "A"\nurl = "http://a.test/\\u001b]52;c;SGk=\\u0007"\n', 3, ["'url'", "U+001B"]),
    ('[[feed]]\nname = "A\\u202eB"\nurl = "http://a.test/"\n', 2, ["right-to-left override (U+202E)", "\\u202e"]),
    ('[[feed]]\nname = "A\\u200bB"\nurl = "http://a.test/"\n', 2, ["zero width space (U+200B)"]),
    ('[[feed]]\nname = """two\nlines"""\nurl = "http://a.test/"\n', 2, ["a line break (U+000A)"]),
    ('[[feed]]\nname = "A"\nurl = "http://a.test/"\ntopics = ["ok", "b\\u0007d"]\n', 4, ["'topics' item #2", "U+0007"]),
    ('[topics.japan]\nkeywords = ["Tokyo\\u001b[2J"]\n', 2, ["[topics.japan]", "'keywords' item #1"]),
    ('[settings]\nbrowser = "firefox\\u001b"\n', 2, ["[settings]", "'browser'"]),
    ('[settings]\n"refresh\\u001bminutes" = 3\n', 2, ["the key 'refresh\\x1bminutes'"]),
])
def test_control_and_invisible_characters_are_refused_and_shown_escaped(tmp_path, text, line, words):
    message = error_for(tmp_path, text)
    assert f"feeds.toml:{line}:" in message, message
    for word in words:
        assert word in message, (word, message)


@pytest.mark.parametrize(("text", "words"), [
    ("[settings]\ntimeout_seconds = nan\n", "'timeout_seconds'"),
    ("[settings]\ntimeout_seconds = inf\n", "'timeout_seconds'"),
    ("[settings]\ntimeout_seconds = 86400\n", "at most 3,600"),
    ("[settings]\nmax_feed_bytes = 99999999999999999999999\n", "at most 1,000,000,000"),
    ("[settings]\nrefresh_minutes = 99999999999\n", "at most 527,040"),
    ("[settings]\nmax_age_days = 9999999999\n", "at most 36,500"),
    ("[settings]\nconcurrency = 100000\n", "at most 256"),
    ("[settings]\nhost_concurrency = 1000\n", "at most 64"),
    (FEED + "refresh_minutes = 99999999999\n", "0 to 527,040 (a year)"),
    (FEED + "max_age_days = 10000000\n", "0 to 36,500"),
    (FEED + "max_articles = 10000000000\n", "1 to 1,000,000"),
])
def test_numbers_that_would_overflow_a_date_or_a_socket_are_refused(tmp_path, text, words):
    message = error_for(tmp_path, text)
    assert words in message and (":2:" in message or ":4:" in message), message


def test_limits_that_were_accepted_before_still_are(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text("[settings]\ntimeout_seconds = 3600\nrefresh_minutes = 527040\nmax_age_days = 36500\n"
                    "concurrency = 256\nhost_concurrency = 64\nmax_feed_bytes = 1_000_000_000\n"
                    + FEED + "max_articles = 1000000\n")
    config = load_config(path)
    assert config.settings.timeout_seconds == 3600.0 and config.feeds[0].max_articles == 1_000_000


# Every kind of bad config through the CLI: exit status 2, one message with file:line and the fix,
# no traceback, and nothing done: no store created, no feed fetched.
CASES = {
    "invalid TOML": ('[[feed]]\nname = "A\nurl = "x"\n', ":2:", "invalid TOML"),
    "wrong type": ("[settings]\nrefresh_minutes = \"ten\"\n", ":2:", "Write e.g. refresh_minutes = 30"),
    "unknown key": (FEED + "colour = 3\n", ":4:", "unknown key 'colour'"),
    "duplicate name": (FEED + '\n[[feed]]\nname = "a"\nurl = "http://b.test/"\n', ":6:", "duplicate name"),
    "duplicate url": (FEED + '\n[[feed]]\nname = "B"\nurl = "HTTP://A.test/feed"\n', ":7:", "duplicate url"),
    "unsupported scheme": ('[[feed]]\nname = "A"\nurl = "gopher://a.test/"\n', ":3:", "unsupported url scheme 'gopher:'"),
    "javascript scheme": ('[[feed]]\nname = "A"\nurl = "javascript:alert(1)"\n', ":3:", "unsupported url scheme"),
    "control character": ('[[feed]]\nname = "\\u001b[2J"\nurl = "http://a.test/"\n', ":2:", "U+001B"),
    "not UTF-8": (b'[[feed]]\nname = "\xff"\n', ":2:", "not valid UTF-8"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_cli_explains_bad_config_exits_2_and_does_nothing(tmp_path, capsys, case):
    text, where, words = CASES[case]
    config = tmp_path / "feeds.toml"
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text, encoding="utf-8")
    db = tmp_path / "data" / "db.json"
    for command in (["refresh"], ["list"], []):
        assert main([*command, "--config", str(config), "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"newstui: {config}{where}") and words in err, err
        assert "Traceback" not in err and not CONTROL.search(err)
        assert err.count("\n") == 1 or case == "invalid TOML"  # one message (TOML adds a caret line)
    assert not db.parent.exists()  # nothing half-applied: the store was never opened


def test_an_unreadable_config_is_explained(tmp_path, capsys, monkeypatch):
    config = tmp_path / "feeds.toml"
    config.write_text(FEED)

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert main(["list", "--config", str(config), "--db", str(tmp_path / "db.json")]) == 2
    err = capsys.readouterr().err
    assert "cannot read config file: permission denied" in err and f"chmod u+r {config}" in err
