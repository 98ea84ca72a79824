"""Adding feeds to feeds.toml: what the user wrote stays as it was, the result always loads, and a
change that would not is never written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from newstui.core import feeds_file
from newstui.core.config import ConfigError, load_config
from newstui.core.feeds_file import (
    FeedsFileError,
    append_feeds,
    list_feeds,
    plan_additions,
    unique_name,
)
from newstui.core.models import Feed

ORIGINAL = """\
# My feeds — edited by hand, please keep this comment
[settings]
refresh_minutes = 30   # half-hourly

[topics.japan]
keywords = ["Tokyo"]

[[feed]]
name    = "World"           # aligned, on purpose
url     = "https://world.example/rss"
topics  = [ "world" ]

# [[feed]]
# name = "Commented out"
"""

NEW = [
    Feed("Tech", "https://tech.example/feed", ("tech", "linux")),
    Feed('Quotes "and" \\ back', "https://q.example/rss?a=1&b=2", enabled=False, refresh_minutes=0),
]


def write(tmp_path: Path, text: str | bytes, name: str = "feeds.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_feeds_are_appended_and_everything_else_is_kept_byte_for_byte(tmp_path):
    path = write(tmp_path, ORIGINAL)
    appended = append_feeds(path, NEW)
    config = appended.config
    assert appended.added == tuple(NEW) and appended.rejected == ()
    text = path.read_text(encoding="utf-8")
    assert text.startswith(ORIGINAL)
    assert text[len(ORIGINAL):] == (
        "\n[[feed]]\n"
        'name = "Tech"\n'
        'url = "https://tech.example/feed"\n'
        'topics = ["tech", "linux"]\n'
        "\n[[feed]]\n"
        'name = "Quotes \\"and\\" \\\\ back"\n'
        'url = "https://q.example/rss?a=1&b=2"\n'
        "enabled = false\n"
        "refresh_minutes = 0\n"
    )
    assert [f.name for f in config.feeds] == ["World", "Tech", 'Quotes "and" \\ back']
    assert load_config(path) == config
    assert list_feeds(path) == config.feeds
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.toml"]  # no temporary file left


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("", '[[feed]]\nname = "Tech"\n'),
        ("# only a comment", '# only a comment\n\n[[feed]]\nname = "Tech"\n'),
        ('[settings]\r\nrefresh_minutes = 5\r\n', '[settings]\r\nrefresh_minutes = 5\r\n\r\n[[feed]]\r\nname = "Tech"\r\n'),
        ("[settings]\nrefresh_minutes = 5\n\n", '[settings]\nrefresh_minutes = 5\n\n[[feed]]\nname = "Tech"\n'),
    ],
)
def test_file_endings_newlines_and_empty_files(tmp_path, original, expected):
    path = write(tmp_path, original)
    append_feeds(path, NEW[:1])
    assert path.read_bytes().decode().startswith(expected)


def test_a_byte_order_mark_is_kept(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + ORIGINAL.encode())
    append_feeds(path, NEW[:1])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf# My feeds")
    assert len(load_config(path).feeds) == 2


def test_feeds_split_by_other_tables_and_an_inline_array(tmp_path):
    split = write(tmp_path, ORIGINAL + '\n[topics.asia]\nkeywords = ["Seoul"]\n')
    config = append_feeds(split, NEW[:1]).config
    assert [f.name for f in config.feeds] == ["World", "Tech"]
    assert [t.name for t in config.topics] == ["japan", "asia"]
    inline = write(tmp_path, '# inline\nfeed = [{ name = "A", url = "https://a.example/" }]\n', "inline.toml")
    config = append_feeds(inline, NEW[:1]).config
    assert [f.name for f in config.feeds] == ["A", "Tech"]
    assert inline.read_text().startswith('# inline\nfeed = [{ name = "A", url = "https://a.example/" }, {name = "Tech"')


def test_dry_run_checks_everything_and_writes_nothing(tmp_path):
    path = write(tmp_path, ORIGINAL)
    config = append_feeds(path, NEW, dry_run=True).config
    assert len(config.feeds) == 3 and config.path == str(path)
    assert path.read_text() == ORIGINAL
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.toml"]


def test_feeds_the_file_would_refuse_are_left_out_and_the_rest_added(tmp_path):
    path = write(tmp_path, ORIGINAL)
    feeds = [
        Feed("Bad keep", "https://bad1.example/", max_articles=0),
        NEW[0],
        Feed("world", "https://other.example/"),  # not planned: a duplicate name
        Feed("Bad minutes", "https://bad2.example/", refresh_minutes=-5),
        NEW[1],
    ]
    appended = append_feeds(path, feeds)
    assert appended.added == tuple(NEW)
    # the reasons are feeds.toml's own messages, without the file, line and feed number
    assert [(r.feed.name, r.reason.split(" ")[0]) for r in appended.rejected] == [
        ("Bad keep", "'max_articles'"), ("world", "duplicate"), ("Bad minutes", "'refresh_minutes'"),
    ]
    assert [f.name for f in load_config(path).feeds] == ["World", "Tech", 'Quotes "and" \\ back']
    assert path.read_text().startswith(ORIGINAL)
    only_bad = write(tmp_path, ORIGINAL, "other.toml")
    appended = append_feeds(only_bad, feeds[:1])
    assert appended.added == () and len(appended.rejected) == 1 and only_bad.read_text() == ORIGINAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds.toml", "other.toml"]  # no temporary file


def test_an_inline_array_that_would_not_load_is_not_written(tmp_path):
    inline = write(tmp_path, 'feed = [{ name = "A", url = "https://a.example/" }]\n')
    with pytest.raises(FeedsFileError) as info:
        append_feeds(inline, [Feed("B", "https://b.example/", max_articles=0)])
    assert str(info.value).startswith(f"{inline}: the new feeds would make the file invalid, so nothing was "
                                      f"written: {inline}:")
    assert ".tmp" not in str(info.value)
    assert inline.read_text() == 'feed = [{ name = "A", url = "https://a.example/" }]\n'
    assert [p.name for p in tmp_path.iterdir()] == ["feeds.toml"]


def test_a_broken_feeds_toml_is_reported_as_a_config_error(tmp_path):
    path = write(tmp_path, ORIGINAL + "oops = \n")
    with pytest.raises(ConfigError, match=r"feeds.toml:15:8: invalid TOML"):
        append_feeds(path, NEW)
    assert path.read_text() == ORIGINAL + "oops = \n"


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    path = write(tmp_path, ORIGINAL)
    real_load = feeds_file.load_config

    def load_and_meddle(file):  # the editor saves while the new text is being checked
        config = real_load(file)
        if str(file).endswith(".tmp"):
            path.write_text(ORIGINAL + "# edited\n")
        return config

    monkeypatch.setattr(feeds_file, "load_config", load_and_meddle)
    with pytest.raises(FeedsFileError, match="changed on disk"):
        append_feeds(path, NEW)
    assert path.read_text() == ORIGINAL + "# edited\n"


def test_a_symlinked_file_stays_a_link_and_keeps_its_mode(tmp_path):
    real = write(tmp_path, ORIGINAL, "dotfiles-feeds.toml")
    os.chmod(real, 0o600)
    link = tmp_path / "feeds.toml"
    link.symlink_to(real)
    append_feeds(link, NEW[:1])
    assert link.is_symlink()
    assert "Tech" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_plan_skips_duplicates_by_url_key_and_name_and_unusable_addresses(tmp_path):
    config = load_config(write(tmp_path, ORIGINAL))
    candidates = [
        Feed("World again", "HTTPS://WORLD.EXAMPLE/rss"),  # same URL (scheme and host ignore case)
        Feed("WORLD", "https://elsewhere.example/rss"),  # same name, ignoring case
        Feed("New", "https://new.example/rss "),
        Feed("New copy", "https://new.example/rss"),  # repeats a candidate
        Feed("Piped", "|~/fetch.py"),
        Feed("Exec", "exec:~/bin/feed"),
        Feed("Path", "/etc/passwd"),
        Feed("No host", "https:///feed"),
        Feed("", "https://nameless.example/"),
    ]
    plan = plan_additions(config, candidates, [f"line {i}" for i in range(len(candidates))])
    assert [(f.name, f.url) for f in plan.added] == [("New", "https://new.example/rss")]
    assert [(r.where, r.duplicate) for r in plan.duplicates] == [("line 0", True), ("line 1", True), ("line 3", True)]
    assert plan.duplicates[0].reason == 'same URL as feed "World"'
    assert plan.duplicates[1].reason.startswith('feed "World" (https://world.example/rss) already has this name')
    assert [r.where for r in plan.unusable] == ["line 4", "line 5", "line 6", "line 7", "line 8"]
    assert plan.unusable[0].reason.startswith("unsupported address '|~/fetch.py'")
    assert "no host name" in plan.unusable[3].reason
    local = plan_additions(config, [Feed("Path", "/srv/feed.xml")], web_only=False)
    assert [f.url for f in local.added] == ["/srv/feed.xml"]


def test_unique_name():
    assert unique_name("News", ["Other"]) == "News"
    assert unique_name("News", ["news", "NEWS (2)"]) == "News (3)"
