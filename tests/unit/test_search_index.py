"""The FTS5 search index, on a real SQLite file: ranking, phrases, exclusions, hostile input,
updates, staleness, and damaged files rebuilt."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

import newstui.core.search_index as search_index
from newstui.core.models import Article, FullText
from newstui.core.search import matches, parse_query
from newstui.core.search_index import (
    IndexUnavailable,
    SearchIndex,
    SearchResults,
    SearchRow,
    article_row,
    text_of,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def day(n: int) -> float:
    return datetime(2026, 5, n, 12, 0, tzinfo=UTC).timestamp()


ROWS = [
    SearchRow("a", "BBC News", "Climate talks stall", "The sea level rises. A storm is ahead.", day(1)),
    SearchRow("b", "Ars Technica", "Chip shortage deepens", "Climate change hits chip plants by the sea.", day(2)),
    SearchRow("c", "BBC Sport", "Storm of goals in the final", "Sea level unaffected, level with the sea.", day(3)),
    SearchRow("d", "BBC Sport", "Undated climate piece", "", None),
    SearchRow("e", "Le Monde", "Le café à Łódź", "Naïve résumé of the sea change.", day(4)),
    SearchRow("f", "Mars Daily", "Rover finds sea level data", "AND OR NOT NEAR stars * ^ quotes\"", day(5)),
]


@pytest.fixture(params=["sorted", "bits"])
def index(tmp_path, request, monkeypatch):
    """A built index; both ways of ranking (few matches sorted, many as bit sets)."""
    monkeypatch.setattr(search_index, "SPARSE", 10**9 if request.param == "sorted" else 0)
    built = SearchIndex(tmp_path / "newstui.search.sqlite")
    assert built.rebuild(ROWS, stamp="s1") == len(ROWS)
    yield built
    built.close()


def ids(index: SearchIndex, text: str, **kw: object) -> list[str]:
    return [aid for aid, _ in index.search(parse_query(text, now=NOW), **kw)]


def ranked(index: SearchIndex, text: str) -> list[tuple[str, float]]:
    return list(index.search(parse_query(text, now=NOW)))


# -- answers -----------------------------------------------------------------------------------


def test_title_matches_rank_above_text_matches_then_newest_first(index):
    assert ranked(index, "climate") == [("a", 2.0), ("d", 2.0), ("b", 0.0)]
    assert ranked(index, "sea") == [("f", 2.0), ("e", 0.0), ("c", 0.0), ("b", 0.0), ("a", 0.0)]


def test_all_words_in_the_title_rank_above_some(index):
    # c has "storm" in its title and "sea" in its text; f has "sea" in its title only... and no storm.
    assert ranked(index, "sea level") == [("f", 2.0), ("c", 0.0), ("a", 0.0)]
    assert ranked(index, "storm sea") == [("c", 1.0), ("a", 0.0)]


def test_phrase_versus_words(index):
    assert ids(index, '"sea level"') == ["f", "c", "a"]
    assert ids(index, '"level sea"') == []
    assert ids(index, '"level with the sea"') == ["c"]
    assert ids(index, "level sea") == ["f", "c", "a"]


def test_exclusions(index):
    assert ids(index, "sea -storm") == ["f", "e", "b"]
    assert ids(index, 'sea -"sea level"') == ["e", "b"]
    assert ids(index, "climate -talks") == ["d", "b"]  # excluded by a word of the title


def test_only_exclusions_list_every_other_article_newest_first(index):
    assert ids(index, "-storm") == ["f", "e", "b", "d"]
    assert ids(index, '-"sea level" -café') == ["b", "d"]
    assert index.excluded(parse_query("-storm -cafe")) == {"a", "c", "e"}
    assert index.excluded(parse_query("storm")) == set()


def test_no_text_lists_everything_newest_first_undated_last(index):
    assert ids(index, "") == ["f", "e", "c", "b", "a", "d"]


def test_accents_and_case_are_ignored(index):
    assert ids(index, "CAFE ŁODZ naive resume") == ["e"]
    assert ids(index, "lodz") == []  # Ł is a letter of its own (unicode61 agrees)
    assert ids(index, "Café") == ["e"]


@pytest.mark.parametrize(
    "typed",
    ["AND", "OR", "NOT", "NEAR(", "NEAR(sea level, 2)", '"', '""', "*", "^", "^sea", "sea*", "title:sea",
     "{title}:sea", "{title text}: sea", "(", ")", "a AND", "sea OR storm", "sea NOT storm", "+sea", "'",
     "'sea'", ":", "-", "--", "stars * ^", 'quotes"', 'x" OR "y', "col:", "rowid", "\\", "%", "_", "NEAR",
     "sea; DROP TABLE meta", "\x00", "\u200b", "日本語"],
)
def test_fts5_syntax_typed_is_searched_as_words(index, typed):
    """Nothing typed is FTS5 syntax: no error, and the same answer as the Python matcher."""
    query = parse_query(typed, now=NOW)
    expected = {r.article_id for r in ROWS if matches(query, r.title, r.text, r.feed, (), r.published)}
    assert set(ids(index, typed)) == expected


@pytest.mark.parametrize(
    "typed",
    ["climate", "sea", "sea level", '"sea level"', "sea -storm", "-storm", "-sea -climate", "the",
     'the -"the sea"', "feed:bbc", "feed:bbc sea", "-feed:sport sea", "feed:ars feed:mars",
     "after:2026-05-03", "before:2026-05-03", "after:2026-05-02 before:2026-05-04 sea", "after:3d",
     "chip change", "le", "zzz", "-zzz"],
)
def test_the_index_answers_as_the_python_matcher(index, typed):
    query = parse_query(typed, now=NOW)
    expected = {r.article_id for r in ROWS if matches(query, r.title, r.text, r.feed, (), r.published)}
    assert set(ids(index, typed)) == expected


def test_feed_and_date_qualifiers(index):
    assert ids(index, "feed:bbc") == ["c", "a", "d"]
    assert ids(index, "sea feed:bbc -feed:sport") == ["a"]
    assert ids(index, "after:2026-05-03") == ["f", "e", "c"]
    assert ids(index, "before:2026-05-03") == ["b", "a"]


def test_topics_are_left_to_the_caller(index):
    assert ids(index, "climate topic:asia") == ids(index, "climate")


def test_limit(index):
    found = index.search(parse_query("sea"), limit=2)
    assert list(found) == [("f", 2.0), ("e", 0.0)] and found.counts == (1, 0, 1)
    assert list(index.search(parse_query("sea"), limit=0)) == []
    assert ids(index, "-storm", limit=3) == ["f", "e", "b"]


def test_results_are_a_sequence_of_pairs(index):
    found = index.search(parse_query("sea"))
    assert isinstance(found, SearchResults)
    assert len(found) == 5 and found[0] == ("f", 2.0) and found[-1] == ("a", 0.0)
    assert found[1:3] == [("e", 0.0), ("c", 0.0)]
    assert found.ids == ["f", "e", "c", "b", "a"] and found == list(found)
    assert "5 in all" in repr(found)


def test_feeds(index):
    assert sorted(index.feeds()) == sorted({r.feed for r in ROWS})
    assert len(index) == len(ROWS)


# -- writing -----------------------------------------------------------------------------------


def test_update_replaces_adds_and_removes(index):
    assert index.update([SearchRow("a", "BBC News", "Budget vote", "Nothing about the weather.", day(6)),
                         SearchRow("g", "BBC News", "Glacier melt", "The sea level rises again.", day(7))],
                        remove=["c"], stamp="s2", expect="s1")
    assert ids(index, "climate") == ["d", "b"]  # a's old text no longer matches
    assert ids(index, "budget") == ["a"]
    assert ids(index, '"sea level"') == ["f", "g"]  # newest first: f has it in its title
    assert ids(index, "goals") == []
    assert len(index) == 6
    assert index.stale("s2") == ""


def test_an_article_listed_twice_is_indexed_once(index):
    assert index.update([SearchRow("h", "X", "First", "", day(8)), SearchRow("h", "X", "Second", "", day(8))])
    assert ids(index, "second") == ["h"] and ids(index, "first") == []
    index.rebuild([*ROWS, SearchRow("a", "X", "Dup", "", day(9))])
    assert len(index) == len(ROWS) and ids(index, "dup") == []


def test_remove(index):
    assert index.remove(["a", "b", "nope"], stamp="s2", expect="s1")
    assert ids(index, "climate") == ["d"] and len(index) == len(ROWS) - 2


def test_an_update_on_a_stale_index_is_refused(index):
    assert not index.update([SearchRow("z", "X", "Zebra", "", day(9))], stamp="s3", expect="s2")
    assert ids(index, "zebra") == []
    assert index.stale("s3") == "the store changed"
    assert index.update([SearchRow("z", "X", "Zebra", "", day(9))])  # no expect: written, stamp kept
    assert ids(index, "zebra") == ["z"] and index.stale("s1") == ""


def test_dead_rows_ask_for_a_rebuild(index, monkeypatch):
    monkeypatch.setattr(search_index, "DEAD_MIN", 2)
    index.update([SearchRow("a", "BBC News", "Climate talks resume", "", day(1))], stamp="s2")
    assert index.stale("s2") == ""
    index.remove(["b", "c"], stamp="s3")
    assert index.stale("s3") == "dead rows"
    index.rebuild(ROWS, stamp="s4")
    assert index.stale("s4") == ""


def test_a_search_during_a_rebuild_answers_from_the_live_index(index):
    seen = []

    def rows():
        yield SearchRow("n", "X", "Nebula", "", day(9))
        seen.append(ids(index, "climate"))
        assert index.stale("s1") == ""

    assert index.rebuild(rows(), stamp="s2") == 1
    assert seen == [["a", "d", "b"]]
    assert ids(index, "climate") == [] and ids(index, "nebula") == ["n"]


def test_a_failed_rebuild_leaves_the_live_index(index, tmp_path):
    def rows():
        yield SearchRow("n", "X", "Nebula", "", day(9))
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        index.rebuild(rows(), stamp="s2")
    assert ids(index, "climate") == ["a", "d", "b"] and index.stale("s1") == ""
    with sqlite3.connect(tmp_path / "newstui.search.sqlite") as db:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert sum(n.startswith("docs_") for n in names) == 1  # the new generation's tables dropped


def test_two_processes_share_the_file(index, tmp_path):
    other = SearchIndex(tmp_path / "newstui.search.sqlite")  # as `newstui refresh` from cron
    assert other.update([SearchRow("k", "Cron", "Kelp forests", "", day(9))], stamp="s2", expect="s1")
    assert ids(index, "kelp") == ["k"] and index.stale("s2") == ""
    other.rebuild([SearchRow("m", "Cron", "Moon base", "", day(9))], stamp="s3")
    assert ids(index, "moon") == ["m"] and ids(index, "kelp") == []
    other.close()


def test_threads_search_while_another_writes(index):
    errors = []
    stop = threading.Event()

    def search():
        while not stop.is_set():
            try:
                assert set(ids(index, "climate")) >= {"d", "b"}
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(search) for _ in range(2)]
        for i in range(20):
            index.update([SearchRow(f"t{i}", "T", f"Climate thread {i}", "", day(10))])
        stop.set()
        for future in futures:
            future.result()
    assert not errors
    assert len(ids(index, "thread")) == 20


# -- never built, damaged, outdated ------------------------------------------------------------


def test_a_new_index_is_not_built(tmp_path):
    index = SearchIndex(tmp_path / "new.sqlite")
    assert index.stale("s1") == "not built" and len(index) == 0
    with pytest.raises(IndexUnavailable, match="not built"):
        index.search(parse_query("climate"))
    assert not index.update(ROWS, stamp="s1")  # nothing to update until built
    index.warm()  # harmless
    assert index.rebuild([], stamp="s1") == 0
    assert index.stale("s1") == "" and ids(index, "climate") == [] and ids(index, "-x") == []


def many_rows(n: int = 600) -> list[SearchRow]:
    words = "climate storm sea level budget vote chip rover glacier café".split()
    return [SearchRow(f"id{i}", f"Feed {i % 7}", f"{words[i % 10]} {words[(i * 3) % 10]} {i}",
                      " ".join(words[(i + j) % 10] for j in range(60)) + f" number{i}", day(1 + i % 20))
            for i in range(n)]


def test_a_file_that_is_not_a_database_is_thrown_away_and_rebuilt(tmp_path):
    path = tmp_path / "newstui.search.sqlite"
    path.write_bytes(b"this is not SQLite at all" * 100)
    index = SearchIndex(path)
    assert index.stale("s1") == "not built"
    assert "not a database" in index.damage
    assert index.rebuild(ROWS, stamp="s1") == len(ROWS)
    assert ids(index, "climate") == ["a", "d", "b"]


def test_a_file_cut_short_is_thrown_away_and_rebuilt(tmp_path):
    path = tmp_path / "newstui.search.sqlite"
    with SearchIndex(path) as index:
        index.rebuild(many_rows(), stamp="s1")
    size = path.stat().st_size
    assert size > 100_000 and not (tmp_path / "newstui.search.sqlite-wal").exists()
    with open(path, "r+b") as handle:
        handle.truncate(size // 2)
    index = SearchIndex(path)
    assert index.stale("s1") == "not built" and "cut short" in index.damage
    index.rebuild(many_rows(), stamp="s1")
    assert len(ids(index, "number7")) == 1


def test_damaged_pages_are_found_when_read(tmp_path):
    path = tmp_path / "newstui.search.sqlite"
    with SearchIndex(path) as index:
        index.rebuild(many_rows(), stamp="s1")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = b"\xa5" * (len(data) - page)  # every page but the first (the schema) garbled
    path.write_bytes(bytes(data))
    index = SearchIndex(path)
    with pytest.raises(IndexUnavailable, match="damaged"):
        index.search(parse_query("climate"))
    assert index.stale("s1") == "not built"
    index.rebuild(ROWS, stamp="s1")
    assert ids(index, "climate") == ["a", "d", "b"]


def test_another_format_version_is_rebuilt(tmp_path):
    path = tmp_path / "newstui.search.sqlite"
    with SearchIndex(path) as index:
        index.rebuild(ROWS, stamp="s1")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
    index = SearchIndex(path)
    assert index.stale("s1") == "not built"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == search_index.SCHEMA
        names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert names <= {"meta", "sqlite_sequence"}
    index.rebuild(ROWS, stamp="s1")
    assert ids(index, "climate") == ["a", "d", "b"]


def test_a_deleted_file_is_noticed(tmp_path):
    path = tmp_path / "newstui.search.sqlite"
    index = SearchIndex(path)
    index.rebuild(ROWS, stamp="s1")
    index.close()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"newstui.search.sqlite{suffix}").unlink(missing_ok=True)
    assert index.stale("s1") == "not built"


# -- rows from articles ------------------------------------------------------------------------


def test_text_of_drops_tags_and_repeats():
    summary = "<p>The sea &amp; the <b>storm</b>.</p>"
    assert text_of(summary) == "The sea & the storm ."
    assert text_of(summary, f"<div>{summary}<p>More.</p></div>") == "The sea & the storm . More."
    assert text_of("<p>Other teaser</p>", "<p>Body</p>", "<p>Page</p>") == "Page\nBody\nOther teaser"
    assert text_of() == ""


def test_article_row_uses_the_fetched_page():
    page = FullText(url="http://x/1", fetched=NOW, html="<p>Page text about kelp.</p>")
    article = Article("id1", "F", "Title", summary="<p>Teaser</p>", content="", published=NOW, full_text=page)
    row = article_row(article)
    assert row == SearchRow("id1", "F", "Title", "Page text about kelp.\nTeaser", NOW.timestamp())
    failed = FullText(url="http://x/1", fetched=NOW, error="HTTP 403")
    assert article_row(Article("id2", "F", "T", summary="S", full_text=failed)).text == "S"
    assert article_row(Article("id3", "F", "T")).published is None


def bulky_rows(n: int, tag: str) -> list[SearchRow]:
    words = "harbour comet tunnel ledger orbit tariff quarry lantern meadow glacier".split()
    return [SearchRow(f"{tag}{i}", "Feed", f"{words[i % 10]} {tag} report {i}",
                      " ".join(f"{words[(i + j) % 10]}{j % 97}" for j in range(300)), day(1 + i % 28))
            for i in range(n)]


def test_a_rebuild_gives_the_old_pages_back_and_cuts_the_wal(tmp_path):
    """A rebuild writes the new index beside the live one: after the switch the old one's pages
    are returned to the file system and the WAL that carried the writes is cut back, so the
    files don't keep twice the index's size (or the whole rebuild in the WAL) for good."""
    path = tmp_path / "newstui.search.sqlite"
    wal = path.with_name(path.name + "-wal")
    with SearchIndex(path) as index:
        index.rebuild(bulky_rows(3_000, "a"), stamp="s1")
        first = path.stat().st_size
        assert first > 4 * search_index.WAL_LIMIT_BYTES // 8  # big enough to tell
        for stamp in ("s2", "s3"):
            index.rebuild(bulky_rows(3_000, "b"), stamp=stamp)
            assert path.stat().st_size < 1.3 * first, (path.stat().st_size, first)
            assert not wal.exists() or wal.stat().st_size <= search_index.WAL_LIMIT_BYTES
        assert ids(index, "harbour") and ids(index, "b") and not ids(index, "a")


def test_an_older_index_file_is_emptied_into_incremental_vacuum_mode(tmp_path):
    path = tmp_path / "newstui.search.sqlite"
    with SearchIndex(path) as index:
        index.rebuild(bulky_rows(2_000, "a"), stamp="s1")
    with sqlite3.connect(path) as db:  # as an index made before auto_vacuum was used
        db.execute("PRAGMA auto_vacuum = NONE")
        db.execute("VACUUM")
        db.execute("PRAGMA user_version = 1")
    old = path.stat().st_size
    with SearchIndex(path) as index:
        assert index.stale("s1") == "not built"
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
        assert path.stat().st_size < old / 4  # the old tables' pages are gone with them
        index.rebuild(bulky_rows(2_000, "b"), stamp="s1")
        assert ids(index, "b")
