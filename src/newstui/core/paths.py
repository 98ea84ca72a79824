"""Where newstui keeps its config and its database.

Defaults follow the platform's conventions (via platformdirs):

* config: ``user_config_dir("newstui")/feeds.toml`` (e.g. ``~/.config/newstui/feeds.toml``)
* data:   ``user_data_dir("newstui")/newstui.json`` (e.g. ``~/.local/share/newstui/newstui.json``)

Environment overrides (used by the tests, handy for portable setups):

* ``NEWSTUI_CONFIG_DIR`` — directory used instead of the user config directory
* ``NEWSTUI_DATA_DIR``   — directory used instead of the user data directory

An empty variable counts as unset.

Config resolution order (:func:`resolve_config_path`): an explicit path if one was given (even if
it does not exist: :func:`newstui.core.config.load_config` then reports it), else ``./feeds.toml``
in the working directory if present, else the user config file, which is created from the bundled
``newstui/default_feeds.toml`` on first run.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs

__all__ = [
    "APP_NAME",
    "CONFIG_FILENAME",
    "DB_FILENAME",
    "bundled_default_config",
    "config_dir",
    "data_dir",
    "default_config_path",
    "default_db_path",
    "resolve_config_path",
    "resolve_db_path",
]

APP_NAME = "newstui"
CONFIG_FILENAME = "feeds.toml"
DB_FILENAME = "newstui.json"
CONFIG_DIR_ENV = "NEWSTUI_CONFIG_DIR"
DATA_DIR_ENV = "NEWSTUI_DATA_DIR"


def _env_dir(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The directory of the user's config (``$NEWSTUI_CONFIG_DIR`` if set)."""
    return _env_dir(CONFIG_DIR_ENV) or Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The directory of the user's data (``$NEWSTUI_DATA_DIR`` if set)."""
    return _env_dir(DATA_DIR_ENV) or Path(platformdirs.user_data_dir(APP_NAME))


def default_config_path() -> Path:
    return config_dir() / CONFIG_FILENAME


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def bundled_default_config() -> bytes:
    """The text of the default feeds.toml shipped inside the package."""
    return files(APP_NAME).joinpath("default_feeds.toml").read_bytes()


def resolve_config_path(explicit: str | None, cwd: Path | None = None) -> Path:
    """The feeds.toml to use: explicit, else ``cwd/feeds.toml``, else the user's (made if new)."""
    if explicit:
        return Path(explicit).expanduser()
    local = (cwd if cwd is not None else Path.cwd()) / CONFIG_FILENAME
    if local.is_file():
        return local
    path = default_config_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Exclusive create: if another newstui wrote it a moment ago, keep theirs.
        try:
            with path.open("xb") as out:
                out.write(bundled_default_config())
        except FileExistsError:
            pass
    return path


def resolve_db_path(explicit: str | None) -> Path:
    """The database file to use (explicit or the default); its directory is created if missing."""
    path = Path(explicit).expanduser() if explicit else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
