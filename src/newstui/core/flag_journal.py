"""Read and starred flags: a small TinyDB file plus an append-only journal beside it.

Marking an article read appends one line to ``<store>.flags.log`` and syncs it (well under a
millisecond here), instead of rewriting any file: the article bodies and headlines are never
touched by a flag. Every so often (and when the store is closed) the journal is folded into
``<store>.flags.json``, written atomically, and emptied. Each journal line sets flags to values
(never toggles), so replaying a line twice changes nothing: a crash between writing the folded
file and emptying the journal loses nothing. A line cut short by a crash is ignored, and cut off
before the next line is appended, so it can never swallow the next one.

Flags have their own lock file, so marking an article read never waits for a refresh writing
new articles, in this process or another.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from newstui.core.storage import AtomicOrjsonStorage, Recover

TABLE = "flags"
FOLD_AFTER = 4096  # journal lines before they are folded into the flags file


class Flags:
    def __init__(self, base: Path, journal: Path, lock: Path, recover: Recover | None = None) -> None:
        """``recover``: what to do with a damaged flags file (see :class:`AtomicOrjsonStorage`)."""
        self._base = AtomicOrjsonStorage(base, recover)
        self.journal = journal
        self._lock_path = lock
        self._lock_file = None
        self._thread_lock = threading.RLock()
        self._depth = 0  # re-entry: only the outermost holder takes and releases the flock
        self._read: set[str] = set()
        self._starred: set[str] = set()
        self._stamp: tuple[int, int, int] | None = None  # the base file's, when last loaded
        self._offset = 0  # journal bytes applied so far
        self._lines = 0

    # -- locking -------------------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._lock_file is None:
                self._lock_file = open(self._lock_path, "a+b")  # noqa: SIM115
            if self._depth == 0:
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)

    # -- reading -------------------------------------------------------------------------------

    def _load(self) -> None:
        """Bring the sets up to date with the files: the new journal lines only, unless the base
        file changed or the journal was folded (by this process or another)."""
        stamp = self._base._file_stamp()
        try:
            size = os.stat(self.journal).st_size
        except FileNotFoundError:
            size = 0
        if stamp != self._stamp or size < self._offset:
            data = self._base.read() or {}
            doc = next(iter((data.get(TABLE) or {}).values()), {})
            self._read = set(doc.get("read") or ())
            self._starred = set(doc.get("starred") or ())
            self._stamp, self._offset, self._lines = stamp, 0, 0
        if size > self._offset:
            with open(self.journal, "rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read(size - self._offset)
            end = chunk.rfind(b"\n") + 1  # a last line without its newline is still being written
            for line in chunk[:end].splitlines():
                try:
                    self._apply(orjson.loads(line))
                except (orjson.JSONDecodeError, TypeError, AttributeError):
                    continue  # a damaged line: skip it, keep the rest
                self._lines += 1
            self._offset += end

    def _apply(self, op: dict) -> None:
        ids = op["ids"]
        for name, target in (("read", self._read), ("starred", self._starred)):
            value = op.get(name)
            if value is True:
                target.update(ids)
            elif value is False:
                target.difference_update(ids)
        if op.get("forget"):
            self._read.difference_update(ids)
            self._starred.difference_update(ids)

    def current(self) -> tuple[set[str], set[str]]:
        """(read ids, starred ids) as stored now, by any process. Copies: safe to keep."""
        with self.locked():
            self._load()
            return set(self._read), set(self._starred)

    def starred(self) -> set[str]:
        """Starred ids; the caller holds :meth:`locked`."""
        self._load()
        return self._starred

    # -- writing -------------------------------------------------------------------------------

    def set(self, ids: Iterable[str], *, read: bool | None = None, starred: bool | None = None,
            forget: bool = False) -> None:
        """Persist one change for ``ids``: one journal line, synced before this returns."""
        ids = list(dict.fromkeys(ids))
        if not ids or (read is None and starred is None and not forget):
            return
        op: dict = {"ids": ids}
        if read is not None:
            op["read"] = read
        if starred is not None:
            op["starred"] = starred
        if forget:
            op["forget"] = True
        with self.locked():
            self._load()
            self._append(orjson.dumps(op) + b"\n")
            self._apply(op)
            self._lines += 1
            if self._lines >= FOLD_AFTER:
                self._fold()

    def _append(self, line: bytes) -> None:
        fd = os.open(self.journal, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size > self._offset:
                # Bytes past the last whole line: a write cut short by a crash. Cut them off, or
                # the line appended now would be glued to them and lost.
                os.ftruncate(fd, self._offset)
            os.lseek(fd, self._offset, os.SEEK_SET)
            os.write(fd, line)
            os.fdatasync(fd)
        finally:
            os.close(fd)
        self._offset += len(line)

    def fold(self) -> None:
        """Write the flags file from the journal and empty the journal."""
        with self.locked():
            self._load()
            if self._offset:
                self._fold()

    def _fold(self) -> None:
        doc = {"read": sorted(self._read), "starred": sorted(self._starred)}
        self._base.write({TABLE: {"1": doc}})
        # Replaying the journal over the new file would change nothing: empty it now.
        fd = os.open(self.journal, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            os.ftruncate(fd, 0)
            os.fsync(fd)
        finally:
            os.close(fd)
        self._stamp, self._offset, self._lines = self._base._file_stamp(), 0, 0

    def close(self) -> None:
        with self._thread_lock:
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None
