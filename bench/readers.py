"""The two readers under test: how to run newstui and newsboat, and count what they stored."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Tool:
    """How to run one reader against a state directory, and count the items it stored there."""

    name: str
    argv: list[str]  # "{state}" is replaced by the state directory
    version: str
    stored_items: Callable[[Path], int]

    def command(self, state: Path) -> list[str]:
        return [a.replace("{state}", str(state)) for a in self.argv]


def newstui_tool(work: Path, urls: list[str], threads: int) -> Tool:
    exe = Path(sys.executable).parent / "newstui"
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "newstui.cli"]
    config = work / "feeds.toml"
    entries = "".join(
        f'\n[[feed]]\nname = "Bench {i:03d}"\nurl = "{u}"\n' for i, u in enumerate(urls)
    )
    config.write_text(
        f"[settings]\nconcurrency = {threads}\nhost_concurrency = {threads}\n{entries}"
    )
    version = subprocess.run([*base, "--version"], check=False, capture_output=True, text=True)

    def stored_items(state: Path) -> int:
        listing = [*base, "list", "--json", "--limit", "0", "--config", str(config)]
        out = subprocess.run(
            [*listing, "--db", str(state / "newstui.json")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return sum(1 for line in out.splitlines() if line.strip())

    refresh = [*base, "refresh", "--config", str(config), "--db", "{state}/newstui.json"]
    return Tool("newstui", refresh, version.stdout.strip() or "newstui ?", stored_items)


def newsboat_tool(work: Path, urls: list[str], threads: int) -> Tool | None:
    exe = shutil.which("newsboat")
    if exe is None:
        return None
    (work / "urls").write_text("".join(u + "\n" for u in urls))
    (work / "newsboat.conf").write_text(f"reload-threads {threads}\n")
    version = subprocess.run([exe, "--version"], check=False, capture_output=True, text=True)
    first = (version.stdout.splitlines() or ["newsboat ?"])[0]

    def stored_items(state: Path) -> int:
        with contextlib.closing(sqlite3.connect(state / "cache.db")) as db:
            return int(db.execute("SELECT COUNT(*) FROM rss_item").fetchone()[0])

    reload = [exe, "-x", "reload", "-u", str(work / "urls"), "-c", "{state}/cache.db"]
    return Tool(
        "newsboat",
        [*reload, "-C", str(work / "newsboat.conf")],
        first.split(" - ")[0],
        stored_items,
    )


def isolated_env(work: Path) -> dict[str, str]:
    """The same environment for both tools, with a throwaway HOME (neither touches the user's)."""
    home = work / "home"
    home.mkdir(exist_ok=True)
    return dict(
        os.environ,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )


def newstui_source() -> tuple[str, str]:
    """Where the newstui that runs is imported from, and that checkout's commit.

    The commit gets "+dirty" when its src/ has uncommitted changes; "?" outside git (for example
    a copy put first on PYTHONPATH to measure a fixed version).
    """
    where = subprocess.run(
        [sys.executable, "-c", "import newstui; print(newstui.__file__)"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if not where:
        return "?", "?"
    package = Path(where).parent
    git = ["git", "-C", str(package)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "."], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return str(package), "?"
    return str(package), head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
