"""The search index kept up to date with the store, from the outside: the store writes as it
always did, and whoever searches (the reader, in a thread after its first paint and after each
reload; ``newstui list --search``, before it searches) brings the index up to it.

The index records the store's headline stamp it was last brought up to
(:meth:`SearchIndex.stale`). When they differ, the articles the store has and the index lacks
are indexed and those it no longer has are dropped; a missing or damaged index, or one with too
many dead entries, is built again from every article. An article whose page text arrives is
indexed again at once (:func:`index_article`).

Not caught: an article whose text changed under the same id (a feed that edits an item) keeps
its old words in the index until the next full build.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newstui.core.search_index import SearchIndex, SearchRow, article_row, text_of

if TYPE_CHECKING:
    from newstui.core.models import Article
    from newstui.core.store import Store


def index_path(store: Store) -> Path:
    """``newstui.search.sqlite`` beside ``newstui.json``."""
    return store.path.with_name(f"{store.path.stem}.search.sqlite")


def search_rows(store: Store, only: set[str] | None = None) -> Iterator[SearchRow]:
    """The index rows of the stored articles (of ``only``, when given), shard by shard."""
    for doc in store.headline_docs():
        feed = doc["feed"]
        if only is not None and not any(map(only.__contains__, doc["id"])):
            continue
        for i, aid, record in store.shards.records(doc):
            if only is not None and aid not in only:
                continue
            full = record.get("full") or {}
            page = full.get("html", "") if isinstance(full, dict) and not full.get("error") else ""
            yield SearchRow(aid, feed, doc["title"][i],
                            text_of(record.get("summary", ""), record.get("content", ""), page),
                            doc["published"][i])


def sync(index: SearchIndex, store: Store) -> str:
    """Bring the index up to the store; what was done ("" when nothing was needed)."""
    stamp = store.headlines_stamp()  # first: a write meanwhile leaves the index stale, not wrong
    why = index.stale(stamp)
    if not why:
        return ""
    if why != "the store changed":
        count = index.rebuild(search_rows(store), stamp=stamp)
        index.warm()
        return f"built ({why}): {count:,} articles"
    have = index.ids()
    stored = {aid for doc in store.headline_docs() for aid in doc["id"]}
    new, gone = stored - have, have - stored
    index.update(search_rows(store, new), remove=gone, stamp=stamp)
    index.warm()
    return f"updated: {len(new):,} added, {len(gone):,} dropped"


def index_article(index: SearchIndex, article: Article) -> None:
    """Index an article again (its page's text arrived)."""
    index.update([article_row(article)])

