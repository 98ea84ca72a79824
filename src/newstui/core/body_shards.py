"""Article bodies (summary, full text, guid, author, dates) in small TinyDB files, one per shard.

A feed's articles go, in the order they arrive, into shards of at most
:data:`~newstui.core.headline_table.CHUNK_ROWS` articles: ``<store>.bodies/<feed key>-<n>.json``.
Opening an article reads one shard (a few hundred KB at most), a refresh writes only the shards
that take its new articles, and no write ever touches every body. Each file is written like the
others (temporary file, fsync, rename), so it is always the old or the new version.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from newstui.core.storage import AtomicOrjsonStorage

TABLE = "bodies"
CACHED = 16  # shards kept parsed: moving through one feed's articles reads its shard once


def feed_key(feed: str) -> str:
    """A file-name-safe key for a feed name (names are free text from feeds.toml)."""
    return hashlib.sha1(feed.encode()).hexdigest()[:12]


class BodyShards:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._storages: OrderedDict[str, AtomicOrjsonStorage] = OrderedDict()

    def path(self, feed: str, chunk: int) -> Path:
        return self.folder / f"{feed_key(feed)}-{chunk}.json"

    def _storage(self, feed: str, chunk: int) -> AtomicOrjsonStorage:
        name = f"{feed_key(feed)}-{chunk}"
        storage = self._storages.get(name)
        if storage is None:
            storage = self._storages[name] = AtomicOrjsonStorage(self.folder / f"{name}.json")
            while len(self._storages) > CACHED:
                self._storages.popitem(last=False)
        else:
            self._storages.move_to_end(name)
        return storage

    def read(self, feed: str, chunk: int) -> dict[str, dict[str, Any]]:
        """Article id → body record of one shard (empty when the file does not exist).
        The returned dict is a copy: changing it changes nothing on disk or in the cache."""
        data = self._storage(feed, chunk).read() or {}
        return {record["id"]: record for record in (data.get(TABLE) or {}).values()}

    def get(self, feed: str, chunk: int, article_id: str) -> dict[str, Any] | None:
        data = self._storage(feed, chunk).read() or {}
        for record in (data.get(TABLE) or {}).values():
            if record.get("id") == article_id:
                return record
        return None

    def write(self, feed: str, chunk: int, records: dict[str, dict[str, Any]]) -> None:
        """Replace one shard with ``records`` (id → record); an empty shard's file is removed."""
        storage = self._storage(feed, chunk)
        if not records:
            try:
                os.unlink(storage.path)
            except FileNotFoundError:
                pass
            storage.forget()
            return
        storage.write({TABLE: {str(n): rec for n, rec in enumerate(records.values(), 1)}})

    def forget(self) -> None:
        self._storages.clear()
