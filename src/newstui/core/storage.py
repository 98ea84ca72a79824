"""A TinyDB storage that is fast, atomic and aware of other processes.

* orjson instead of the stdlib json: several times faster to load and dump;
* every write goes to a temporary file that is fsync'ed and renamed over the store, so a crash
  leaves the old file or the new one, never a torn one;
* the parsed file is kept in memory and only re-read when its size or mtime changed, that is when
  another process (``newstui refresh`` from cron) wrote it;
* a damaged file (truncated or garbled by something else: a copy cut short, a disk error) raises
  :class:`StoreCorrupt`, unless the owner passed ``recover``: then it is handed that callback, which
  may move the file aside (:func:`move_aside`) so the read finds no file and starts afresh.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage


class StoreCorrupt(Exception):
    """The store file exists but is not a readable TinyDB JSON document."""


# Called with the storage and what is wrong with its file; True when it dealt with the file (moved
# it aside, or found it replaced by a good one): the read is then tried once more.
Recover = Callable[["AtomicOrjsonStorage", str], bool]


def move_aside(path: Path, stamp: tuple[int, int, int] | None) -> Path | None:
    """Rename the damaged ``path`` to ``<name>.damaged-<UTC time>`` beside it, if it is still the
    file that was found damaged (``stamp``: inode, mtime, size). None when it was not moved."""
    when = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{when}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{when}-{n}")
    try:
        info = os.stat(path)
        if stamp is not None and (info.st_ino, info.st_mtime_ns, info.st_size) != stamp:
            return None  # replaced meanwhile (by another process's atomic write): not ours to move
        os.rename(path, aside)
    except FileNotFoundError:
        return None
    return aside


class AtomicOrjsonStorage(Storage):
    def __init__(self, path: str | os.PathLike[str], recover: Recover | None = None) -> None:
        self.path = Path(path)
        self.recover = recover
        self._data: dict[str, dict[str, Any]] | None = None
        self._stamp: tuple[int, int, int] | None = None
        self.damaged_stamp: tuple[int, int, int] | None = None  # of the file last found damaged

    def _file_stamp(self) -> tuple[int, int, int] | None:
        # Every write renames a new file into place, so the inode changes on each write; mtime and
        # size guard against an inode being reused.
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (info.st_ino, info.st_mtime_ns, info.st_size)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            return self._read()
        except StoreCorrupt as exc:
            if self.recover is None or not self.recover(self, str(exc)):
                raise
        return self._read()  # the damaged file is gone (or was replaced): read what is there now

    def _read(self) -> dict[str, dict[str, Any]] | None:
        stamp = self._file_stamp()
        if self._data is not None and stamp == self._stamp:
            return self._data
        if stamp is None:
            self._data, self._stamp = None, None
            return None
        raw = self.path.read_bytes()
        if not raw.strip():
            self._data, self._stamp = None, stamp
            return None
        self._data, self._stamp = None, None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            self.damaged_stamp = stamp
            raise StoreCorrupt(f"{self.path} is not valid JSON ({exc})") from exc
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            self.damaged_stamp = stamp
            raise StoreCorrupt(f"{self.path} does not hold a TinyDB database")
        self._data, self._stamp = data, stamp
        return data

    def looks_whole(self) -> bool:
        """A cheap check that reads only the file's ends: False when it cannot be a whole JSON
        object (cut short, or garbage at either end). A missing or empty file looks whole."""
        try:
            with open(self.path, "rb") as handle:
                head = handle.read(64).lstrip()
                size = handle.seek(0, os.SEEK_END)
                handle.seek(max(size - 64, 0))
                tail = handle.read().rstrip()
        except FileNotFoundError:
            return True
        return not head or (head[:1] == b"{" and tail[-1:] == b"}")

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = orjson.dumps(data)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            # TinyDB mutated our cached copy before asking us to write it: forget it, so the next
            # read comes from the file that is still intact on disk.
            self._data, self._stamp = None, None
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        self._data, self._stamp = data, self._file_stamp()

    def forget(self) -> None:
        """Drop the cached copy: the next read comes from the file."""
        self._data, self._stamp = None, None

    def close(self) -> None:
        self._data = None
