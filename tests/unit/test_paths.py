"""Where the config and the database live, and the first-run creation of the user's feeds.toml."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import platformdirs
import pytest

from newstui.core import paths
from newstui.core.config import load_config


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    config_dir = tmp_path / "config" / "newstui"
    data_dir = tmp_path / "data" / "newstui"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.setenv("NEWSTUI_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("NEWSTUI_DATA_DIR", str(data_dir))
    return config_dir, data_dir, cwd


def test_defaults_follow_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSTUI_CONFIG_DIR", raising=False)
    monkeypatch.setenv("NEWSTUI_DATA_DIR", "")  # empty counts as unset
    assert (
        paths.default_config_path() == Path(platformdirs.user_config_dir("newstui")) / "feeds.toml"
    )
    assert paths.default_db_path() == Path(platformdirs.user_data_dir("newstui")) / "newstui.json"


def test_env_overrides(dirs: tuple[Path, Path, Path]) -> None:
    config_dir, data_dir, _ = dirs
    assert paths.default_config_path() == config_dir / "feeds.toml"
    assert paths.default_db_path() == data_dir / "newstui.json"


def test_explicit_config_wins_even_if_missing(dirs: tuple[Path, Path, Path]) -> None:
    config_dir, _, cwd = dirs
    (cwd / "feeds.toml").write_text("")
    missing = cwd / "other.toml"
    assert paths.resolve_config_path(str(missing), cwd=cwd) == missing
    assert not config_dir.exists()  # nothing created


def test_explicit_config_expands_user(dirs: tuple[Path, Path, Path]) -> None:
    assert paths.resolve_config_path("~/x.toml") == Path("~/x.toml").expanduser()


def test_cwd_feeds_toml_before_user_config(dirs: tuple[Path, Path, Path]) -> None:
    config_dir, _, cwd = dirs
    local = cwd / "feeds.toml"
    local.write_text("")
    assert paths.resolve_config_path(None, cwd=cwd) == local
    assert not config_dir.exists()


def test_cwd_defaults_to_process_cwd(
    dirs: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, cwd = dirs
    (cwd / "feeds.toml").write_text("")
    monkeypatch.chdir(cwd)
    assert paths.resolve_config_path(None).resolve() == (cwd / "feeds.toml").resolve()


def test_first_run_creates_user_config_from_bundled_default(dirs: tuple[Path, Path, Path]) -> None:
    config_dir, _, cwd = dirs
    result = paths.resolve_config_path(None, cwd=cwd)
    assert result == config_dir / "feeds.toml"
    bundled = files("newstui").joinpath("default_feeds.toml").read_bytes()
    assert result.read_bytes() == bundled
    assert len(load_config(result).feeds) >= 12


def test_existing_user_config_is_not_overwritten(dirs: tuple[Path, Path, Path]) -> None:
    config_dir, _, cwd = dirs
    config_dir.mkdir(parents=True)
    mine = config_dir / "feeds.toml"
    mine.write_text('[[feed]]\nname = "mine"\nurl = "https://mine.example/rss"\n')
    assert paths.resolve_config_path(None, cwd=cwd) == mine
    assert "mine" in mine.read_text()


def test_db_path_default_creates_parent(dirs: tuple[Path, Path, Path]) -> None:
    _, data_dir, _ = dirs
    result = paths.resolve_db_path(None)
    assert result == data_dir / "newstui.json"
    assert data_dir.is_dir()
    assert not result.exists()  # the store creates the file itself


def test_db_path_explicit_creates_parent(tmp_path: Path, dirs: tuple[Path, Path, Path]) -> None:
    explicit = tmp_path / "deep" / "er" / "news.json"
    assert paths.resolve_db_path(str(explicit)) == explicit
    assert explicit.parent.is_dir()
