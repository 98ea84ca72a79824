"""Nothing is lost: a damaged store file is moved aside (and said so) instead of stopping the reader;
a full disk or a read-only data directory gives a clear error and keeps the old store; two
``newstui refresh`` processes at once lose nothing."""

from __future__ import annotations

import errno
import importlib.util
import os
import subprocess
import sys
from argparse import Namespace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newstui.cli import main, open_services, show_repairs
from newstui.core import storage
from newstui.core.models import Config, Feed, FullText, Settings
from newstui.core.refresh import refresh_all
from newstui.core.store import Store, StoreCorrupt, StoreError

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, tzinfo=UTC)


def world(fixtures_dir: Path) -> Config:
    return Config("feeds.toml", Settings(), (Feed("World", str(fixtures_dir / "world.xml")),
                                             Feed("Asia", str(fixtures_dir / "asia.atom"))))


def filled(path: Path, fixtures_dir: Path) -> dict:
    """A store with articles, statuses, flags (folded and in the journal) and a fetched page."""
    store = Store(path)
    refresh_all(world(fixtures_dir), store)
    ids = sorted(a.id for a in store.articles())
    store.set_flags(ids[:2], read=True)
    store.set_flags(ids[2:3], starred=True)
    store.save_full_text(ids[0], FullText("http://x/page", NOW, html="<p>The page of the story.</p>", words=5))
    store.close()  # the flags folded into their file
    store = Store(path)
    store.set_flags(ids[3:4], starred=True)  # in the journal
    before = {
        "articles": {a.id: (a.title, a.summary, a.read, a.starred) for a in store.articles()},
        "links": store.links(),
        "statuses": set(store.feed_statuses()),
        "pages": store.page_terms(),
        "journal": ids[3],
    }
    store.flags.close()  # let go as a killed process does: the last mark stays in the journal
    store._lock_file.close()
    return before


FILES = {
    "headlines": lambda p: p,
    "statuses": lambda p: p.with_name("db.feeds.json"),
    "details": lambda p: p.with_name("db.details.json"),
    "flags": lambda p: p.with_name("db.flags.json"),
    "pages": lambda p: p.with_name("db.pages.json"),
    "shard": lambda p: sorted((p.parent / "db.bodies").glob("*.json"))[0],
}
DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "garbage": lambda raw: b"\x00\xff" + raw[:40],
    "not a table": lambda raw: b"[1, 2, 3]",
}


def damage(path: Path, how: str) -> bytes:
    bad = DAMAGE[how](path.read_bytes())
    path.write_bytes(bad)
    return bad


def read_everything(store: Store) -> None:
    store.articles()
    store.links()
    store.feed_statuses()
    store.page_terms()
    store.flag_sets()


@pytest.mark.parametrize("how", sorted(DAMAGE))
@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_damaged_file_is_reported_and_left_as_it_is_without_recover(tmp_path, fixtures_dir, kind, how):
    path = tmp_path / "db.json"
    filled(path, fixtures_dir)
    target = FILES[kind](path)
    bad = damage(target, how)
    with pytest.raises(StoreCorrupt, match=target.name):
        read_everything(Store(path))
    assert target.read_bytes() == bad
    assert not list(tmp_path.rglob("*.damaged-*"))


@pytest.mark.parametrize("how", sorted(DAMAGE))
@pytest.mark.parametrize("kind", sorted(FILES))
def test_a_damaged_file_is_moved_aside_and_the_rest_is_kept(tmp_path, fixtures_dir, kind, how):
    path = tmp_path / "db.json"
    before = filled(path, fixtures_dir)
    target = FILES[kind](path)
    bad = damage(target, how)
    store = Store(path, recover=True)
    read_everything(store)
    [aside] = [p for p in target.parent.glob(target.name + ".damaged-*")]
    assert aside.read_bytes() == bad  # the damaged copy is kept, byte for byte
    assert len(store.recovered) == 1 and target.name in store.recovered[0] and aside.name in store.recovered[0]
    articles = {a.id: (a.title, a.summary, a.read, a.starred) for a in store.articles()}
    flags = {aid: row[2:] for aid, row in before["articles"].items()}
    if kind == "headlines":
        assert articles == {}
        assert "read and starred marks are kept" in store.recovered[0]
        refresh_all(world(fixtures_dir), store)  # the next refresh brings the articles back...
        articles = {a.id: (a.title, a.summary, a.read, a.starred) for a in store.articles()}
        assert articles == before["articles"]  # ...with their marks
    elif kind == "flags":
        assert {aid: row[:2] for aid, row in articles.items()} == {aid: row[:2] for aid, row in before["articles"].items()}
        assert articles[before["journal"]][3]  # the journal's marks survive the lost flags file
    elif kind == "shard":
        emptied = [aid for aid, row in articles.items() if not row[1]]
        assert emptied and {aid: (r[0], r[2], r[3]) for aid, r in articles.items()} == {
            aid: (r[0], r[2], r[3]) for aid, r in before["articles"].items()}
        refresh_all(world(fixtures_dir), store)  # the feeds still list them: their text is back
        articles = {a.id: (a.title, a.summary, a.read, a.starred) for a in store.articles()}
        assert articles == before["articles"]
    else:
        assert articles == before["articles"]
        assert {aid: row[2:] for aid, row in articles.items()} == flags
    if kind == "details":
        assert store.links() == before["links"]  # rebuilt from the bodies at once
    store.close()
    # The repaired store opens cleanly next time, with nothing to report.
    again = Store(path)
    read_everything(again)
    assert again.recovered == []
    again.close()


def test_headless_commands_explain_the_damage_and_change_nothing(tmp_path, fixtures_dir, capsys):
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feed]]\nname = "World"\nurl = "{fixtures_dir / "world.xml"}"\n')
    db = tmp_path / "db.json"
    common = ["--config", str(config), "--db", str(db)]
    assert main(["refresh", *common]) == 0
    bad = damage(db, "truncated")
    capsys.readouterr()
    for command in (["list"], ["feeds"], ["show", "0000"]):
        assert main([*command, *common]) == 2
        err = capsys.readouterr().err
        assert "damaged" in err and "db.json" in err and "newstui refresh" in err and "Traceback" not in err
        assert db.read_bytes() == bad and not list(tmp_path.glob("*.damaged-*"))
    # `newstui refresh` repairs it: moved aside, said on stderr, articles fetched again.
    assert main(["refresh", *common]) == 0
    err = capsys.readouterr().err
    assert "moved aside" in err and "db.json.damaged-" in err
    assert main(["list", *common]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


@pytest.fixture
def damaged(tmp_path: Path, fixtures_dir: Path) -> tuple[Path, Path]:
    """(feeds.toml, a store whose headline file is cut short), in a folder named like markup."""
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feed]]\nname = "World"\nurl = "{fixtures_dir / "world.xml"}"\n')
    db = tmp_path / "[bold]data[/bold]" / "db.json"  # a path is text, never markup
    filled(db, fixtures_dir)
    damage(db, "truncated")
    return config, db


async def test_the_reader_starts_on_a_damaged_store_and_says_what_happened(damaged):
    from newstui.ui.app import make_app

    config, db = damaged
    services = open_services(Namespace(config=str(config), db=str(db), demo=False), recover=True)
    app = make_app(services.config, services.store, refresh_on_start=False)
    show_repairs(app, services.store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        [note] = list(app._notifications)
        assert note.severity == "warning" and not note.markup
        assert "[bold]data[/bold]" in note.message and "db.json.damaged-" in note.message
        assert "the next refresh brings back" in note.message
        # A damage found later (a body shard, when an article is opened) is told too.
        services.store.on_recovered("later: [b]x[/b]")
        await pilot.pause()
        assert any(n.message == "later: [b]x[/b]" for n in app._notifications)
    services.store.close()


# -- a full disk, a read-only data directory -------------------------------------------------------


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def disk_full(monkeypatch, tmp_path):
    """Every write of a store file under tmp_path fails with ENOSPC after half its bytes."""
    real_fdopen, real_write = os.fdopen, os.write

    def under_tmp(fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(str(tmp_path))
        except OSError:
            return False

    class Full:
        def __init__(self, handle):
            self._handle = handle

        def write(self, data):
            self._handle.write(data[: len(data) // 2])
            self._handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self._handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._handle.close()

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        return Full(handle) if under_tmp(fd) else handle

    def write(fd, data):
        if under_tmp(fd):
            real_write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(storage.os, "fdopen", fdopen)
    monkeypatch.setattr(os, "write", write)
    yield
    monkeypatch.undo()


def test_a_full_disk_fails_the_refresh_in_words_and_keeps_the_old_store(tmp_path, fixtures_dir, request):
    path = tmp_path / "data" / "db.json"
    before = filled(path, fixtures_dir)
    old = files_of(path.parent)
    store = Store(path)
    more = Config("feeds.toml", Settings(), (Feed("More", str(fixtures_dir / "feeds" / "jsonfeed_1_1.json")),))
    request.getfixturevalue("disk_full")
    [result] = refresh_all(more, store)
    assert not result.status.ok and "the disk is full" in result.status.error
    assert "the store on disk is unchanged" in result.status.error
    with pytest.raises(StoreError, match="disk is full"):
        store.set_flags([next(iter(before["articles"]))], starred=True)
    store.close()  # its fold fails too, quietly: the journal stays
    assert files_of(path.parent).keys() >= old.keys()
    for name, data in old.items():
        if not name.endswith(".flags.log"):
            assert files_of(path.parent)[name] == data, name
    assert not [n for n in files_of(path.parent) if n.endswith(".tmp")]  # no temporary file left


def test_after_the_disk_has_room_again_the_same_store_carries_on(tmp_path, fixtures_dir, monkeypatch):
    path = tmp_path / "db.json"
    before = filled(path, fixtures_dir)
    store = Store(path)
    more = Config("feeds.toml", Settings(), (Feed("More", str(fixtures_dir / "feeds" / "jsonfeed_1_1.json")),))
    monkeypatch.setattr(storage.tempfile, "mkstemp", _fail(errno.ENOSPC, "No space left on device"))
    [result] = refresh_all(more, store)
    assert "the disk is full" in result.status.error
    monkeypatch.undo()
    [result] = refresh_all(more, store)
    assert result.status.ok and result.status.new_articles > 0
    assert set(before["articles"]) < {a.id for a in store.articles()}
    store.close()


def _fail(code: int, words: str):
    def fail(*args, **kwargs):
        raise OSError(code, words, kwargs.get("dir") or (args[0] if args else ""))
    return fail


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS])
def test_a_read_only_data_directory_fails_writes_in_words_and_keeps_the_store(tmp_path, fixtures_dir,
                                                                             monkeypatch, code):
    path = tmp_path / "db.json"
    before = filled(path, fixtures_dir)
    old = files_of(tmp_path)
    store = Store(path)
    monkeypatch.setattr(storage.tempfile, "mkstemp", _fail(code, os.strerror(code)))
    more = Config("feeds.toml", Settings(), (Feed("More", str(fixtures_dir / "feeds" / "jsonfeed_1_1.json")),))
    [result] = refresh_all(more, store)
    assert not result.status.ok and "the data directory is not writable" in result.status.error
    assert {a.id for a in store.articles()} == set(before["articles"])  # still readable
    monkeypatch.undo()
    store._lock_file.close()
    assert files_of(tmp_path) == old


def test_a_data_directory_where_nothing_can_be_created_is_a_clear_cli_error(tmp_path, monkeypatch, capsys):
    config = tmp_path / "feeds.toml"
    config.write_text('[[feed]]\nname = "A"\nurl = "http://a.test/feed"\n')

    def no_open(file, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(file))

    monkeypatch.setattr("newstui.core.store.open", no_open, raising=False)
    code = main(["list", "--config", str(config), "--db", str(tmp_path / "ro" / "db.json")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot open the store" in err and "not writable" in err and "Traceback" not in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_really_read_only_directory(tmp_path, fixtures_dir):
    path = tmp_path / "db.json"
    before = filled(path, fixtures_dir)
    store = Store(path)
    tmp_path.chmod(0o555)
    try:
        more = Config("feeds.toml", Settings(), (Feed("More", str(fixtures_dir / "feeds" / "jsonfeed_1_1.json")),))
        [result] = refresh_all(more, store)
        assert "not writable" in result.status.error
        assert {a.id for a in store.articles()} == set(before["articles"])
    finally:
        tmp_path.chmod(0o755)


# -- two processes refreshing at once -----------------------------------------------------------------


def _kill_bench():
    spec = importlib.util.spec_from_file_location("kill_refresh", ROOT / "bench" / "kill_refresh.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["kill_refresh"] = module
    spec.loader.exec_module(module)
    return module


def test_two_refresh_processes_at_once_lose_nothing(tmp_path):
    bench = _kill_bench()
    feeds = bench.Feeds(feeds=10, items=12, delay=0.05)
    httpd = bench.serve(feeds)
    try:
        config, db = bench.make_template(tmp_path / "template", feeds)
        before = bench.contents(db)
        feeds.version = "b"
        env = {**os.environ, "NEWSTUI_PARSE_POOL": "0", "PYTHONPATH": str(ROOT / "src")}
        # Overlapping halves: feeds 0-6 and 3-9, so three feeds are written by both at once.
        names = [[f"Feed {n}" for n in range(0, 7)], [f"Feed {n}" for n in range(3, 10)]]
        procs = [subprocess.Popen([sys.executable, "-m", "newstui.cli", "refresh", "--config", str(config),
                                   "--db", str(db), *half], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for half in names]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [o[1].decode()[-500:] for o in outs]
        after = bench.contents(db)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert len(after) == 10 * (12 + bench.NEW)
    for aid, (title, read, starred) in before.items():
        assert aid in after, title
        assert (after[aid][1] or not read) and (after[aid][2] or not starred), title
    assert sum(1 for title, _, _ in after.values() if title.endswith("(updated)")) == 10 * len(range(0, 12 + bench.NEW, 3))

