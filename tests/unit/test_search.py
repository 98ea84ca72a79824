"""The search syntax: parsing each element, errors, the Python matcher and highlight spans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newstui.core.search import Query, QueryError, fold, folded_words, highlight_spans, matches, parse_query, tokens

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def q(text: str) -> Query:
    return parse_query(text, now=NOW)


def spans(query: str, text: str) -> list[str]:
    return [text[a:b] for a, b in highlight_spans(q(query), text)]


# -- words and phrases -----------------------------------------------------------------------


def test_words_are_folded_and_deduplicated():
    query = q("Climate  STORM climate Café")
    assert query.words == ("climate", "storm", "cafe")
    assert query.phrases == () and query.excluded == ()
    assert query.source == "Climate  STORM climate Café"


def test_exact_phrases_keep_their_order_and_collapse_spaces():
    query = q('"Sea   Level" rise "level sea"')
    assert query.phrases == ("sea level", "level sea")
    assert query.words == ("rise",)
    assert query.terms == ("rise", "sea level", "level sea")


def test_a_quoted_single_word_is_a_word():
    assert q('"climate"').words == ("climate",) and q('"climate"').phrases == ()


def test_exclusions_of_words_and_phrases():
    query = q('storm -Rain -"big wave" --hail')
    assert query.words == ("storm",)
    assert query.excluded == ("rain", "big wave", "hail")
    assert not query.only_exclusions and query.has_text


def test_only_exclusions():
    query = q("-rain")
    assert query.only_exclusions and query.has_text and query.terms == ()


def test_a_lone_dash_is_ignored():
    assert q("storm - rain") == q("storm rain")


@pytest.mark.parametrize(
    ("typed", "phrase"),
    [("e-mail", "e mail"), ("covid-19", "covid 19"), ("example.com", "example com"),
     ("foo:bar", "foo bar"), ("http://x.org/a", "http x org a"), ("don't", "don t")],
)
def test_words_with_punctuation_inside_are_phrases_of_their_parts(typed, phrase):
    assert q(typed).phrases == (phrase,)


@pytest.mark.parametrize("typed", ["*", "^", "&", "(", ")", '""', "-*", "+", ":"])
def test_what_has_no_letter_or_digit_is_ignored(typed):
    assert q(typed) == Query() and not q(typed)


def test_fts_operators_are_plain_words():
    assert q("AND OR NOT NEAR(").words == ("and", "or", "not", "near")


def test_an_unclosed_quote_runs_to_the_end():
    query = q('climate "sea lev')
    assert query.words == ("climate",) and query.phrases == ("sea lev",)
    assert q('-"big wa').excluded == ("big wa",)


def test_folding_drops_accents_from_latin_letters_only():
    assert fold("Łódź") == "łodz" and fold("CAFÉ") == "cafe" and fold("naïve") == "naive"
    assert fold("ΣΊΣΥΦΟΣ") == "σίσυφοσ"  # as unicode61 folds it: Greek keeps its accents
    assert tokens("İstanbul's café_bar") == ["istanbul", "s", "cafe", "bar"]


# -- qualifiers ------------------------------------------------------------------------------


def test_feed_qualifiers():
    query = q('climate feed:BBC feed:"Ars  Technica" -feed:sport')
    assert query.words == ("climate",)
    assert query.feeds == ("bbc", "ars technica") and query.not_feeds == ("sport",)


@pytest.mark.parametrize(
    ("typed", "feed", "ok"),
    [("feed:bbc", "BBC News", True), ("feed:news", "BBC News", True), ("feed:ne", "BBC News", True),
     ('feed:"bbc ne"', "BBC News", True), ('feed:"bbc world"', "BBC News", False),
     ("feed:ars", "Mars Daily", False), ("feed:ars", "Ars Technica", True),
     ("feed:tech", "Ars Technica", True), ("feed:café", "Le Café", True),
     ("-feed:sport", "BBC Sport", False), ("-feed:sport", "BBC News", True),
     ("feed:bbc -feed:sport", "BBC Sport", False), ("feed:bbc feed:ars", "Ars Technica", True)],
)
def test_feed_matches_words_of_the_name_the_last_maybe_cut_short(typed, feed, ok):
    assert q(typed).feed_ok(feed) is ok


def test_topic_qualifiers_need_every_topic():
    query = q('topic:Asia topic:"Climate  Change" -topic:sport')
    assert query.topics == ("asia", "climate change") and query.not_topics == ("sport",)
    assert query.topics_ok(["asia", "Climate Change", "world"])
    assert not query.topics_ok(["asia"])
    assert not query.topics_ok(["asia", "climate change", "sport"])
    assert Query().topics_ok([])


def test_qualifier_names_are_case_insensitive():
    query = q("FEED:bbc Topic:asia AFTER:3d")
    assert query.feeds == ("bbc",) and query.topics == ("asia",) and query.after is not None


def test_unknown_qualifier_is_a_plain_word():
    query = q("author:smith")
    assert query.phrases == ("author smith",) and not query.has_qualifiers


def test_dates_are_days_from_midnight():
    query = q("after:2026-05-01 before:2026-05-03")
    assert query.after == datetime(2026, 5, 1, tzinfo=UTC).timestamp()
    assert query.before == datetime(2026, 5, 3, tzinfo=UTC).timestamp()
    assert query.date_ok(datetime(2026, 5, 1, 0, 0, tzinfo=UTC))  # after: includes its day
    assert query.date_ok(datetime(2026, 5, 2, 23, 59, tzinfo=UTC))
    assert not query.date_ok(datetime(2026, 5, 3, 0, 0, tzinfo=UTC))  # before: doesn't
    assert not query.date_ok(datetime(2026, 4, 30, 23, 59, tzinfo=UTC))
    assert not query.date_ok(None)  # undated articles never pass a date qualifier
    assert Query().date_ok(None)


def test_dates_in_the_time_zone_of_now():
    plus2 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=2)))
    query = parse_query("after:2026-05-01", now=plus2)
    assert query.after == datetime(2026, 4, 30, 22, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("typed", "ago"),
    [("3d", timedelta(days=3)), ("12h", timedelta(hours=12)), ("2w", timedelta(weeks=2)),
     ("1y", timedelta(days=365)), ("3D", timedelta(days=3))],
)
def test_relative_ages(typed, ago):
    assert q(f"after:{typed}").after == (NOW - ago).timestamp()
    assert q(f"before:{typed}").before == (NOW - ago).timestamp()


def test_today_and_yesterday():
    assert q("after:today").after == datetime(2026, 6, 1, tzinfo=UTC).timestamp()
    assert q("after:yesterday").after == datetime(2026, 5, 31, tzinfo=UTC).timestamp()


def test_repeated_dates_keep_the_narrowest():
    query = q("after:2026-01-01 after:2026-03-01 before:2026-05-01 before:2026-04-01")
    assert query.after == datetime(2026, 3, 1, tzinfo=UTC).timestamp()
    assert query.before == datetime(2026, 4, 1, tzinfo=UTC).timestamp()
    assert query.after_label == "2026-03-01" and query.before_label == "2026-04-01"


@pytest.mark.parametrize(
    ("typed", "says"),
    [("after:2026-13-01", "after:2026-13-01 is not a date"), ("before:2026-02-30", "not a date"),
     ("after:soon", "after:2026-05-01"), ("before:3x", "h hours, d days"), ("after:", "needs a date"),
     ('after:""', "needs a date"), ("feed:", "feed: needs a name"), ('feed:"--"', "feed: needs a name"),
     ('topic:""', "topic: needs a name"), ("-after:3d", "write before:3d instead"),
     ("-before:2026-05-01", "write after:2026-05-01 instead")],
)
def test_malformed_qualifiers_raise_a_message_to_show(typed, says):
    with pytest.raises(QueryError) as error:
        q(typed)
    assert says in str(error.value)
    assert isinstance(error.value, ValueError)


def test_describe_for_a_status_line():
    query = q('climate "sea level" -storm -"big wave" feed:bbc -feed:sport topic:asia after:3d '
              "before:2026-05-01")
    assert query.describe() == (
        "climate “sea level” −storm −“big wave” · feed bbc · not feed sport · topic asia · "
        "after 3 days ago · before 2026-05-01"
    )
    assert q("after:1w").describe() == "after 1 week ago"
    assert Query().describe() == ""


def test_queries_compare_by_meaning_not_by_spelling():
    assert q("Climate  storm") == q("climate STORM")
    assert hash(q("a b")) == hash(q("a  b"))


# -- the Python matcher ----------------------------------------------------------------------

T = datetime(2026, 5, 20, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("query", "ok"),
    [("climate", True), ("CLIMATE talks", True), ("climate storm", False), ('"sea level"', True),
     ('"level sea"', False), ("sea -storm", True), ("sea -rises", False), ("-rises", False),
     ('-"sea rises"', True), ("talks -stall", False), ("", True), ("feed:bbc climate", True),
     ("feed:ars climate", False), ("topic:world", True), ("topic:asia", False),
     ("after:2026-05-01", True), ("before:2026-05-01", False), ("cafe", True), ("lev", False)],
)
def test_matches(query, ok):
    assert matches(q(query), "Climate talks stall", "The sea level rises at the café.", "BBC News",
                   ("world",), T) is ok


def test_a_phrase_does_not_run_from_the_title_into_the_text():
    assert not matches(q('"stall the"'), "Climate talks stall", "The sea level rises.")
    assert matches(q("stall the"), "Climate talks stall", "The sea level rises.")


def test_an_undated_article_fails_date_qualifiers_only():
    assert matches(q("climate"), "Climate", "", published=None)
    assert not matches(q("climate after:3d"), "Climate", "", published=None)


# -- highlighting ----------------------------------------------------------------------------


def test_highlight_whole_words_case_insensitively():
    assert spans("storm", "Storms brewing; a STORM, a storm-front.") == ["STORM", "storm"]


def test_highlight_a_phrase_as_one_span():
    text = "The sea  level rises; sea and level apart."
    assert spans('"sea level"', text) == ["sea  level"]
    assert highlight_spans(q('"sea level"'), text) == [(4, 14)]


def test_highlight_words_and_their_phrase_together():
    assert spans('sea "sea level"', "sea level, sea.") == ["sea level", "sea"]


def test_excluded_words_are_not_highlighted():
    assert spans("sea -level", "sea level") == ["sea"]
    assert spans("-sea", "sea level") == []


def test_highlight_ignores_accents_and_punctuation_words():
    assert spans("cafe", "Le Café, le cafe.") == ["Café", "cafe"]
    assert spans("e-mail", "Send an E-Mail or email.") == ["E-Mail"]


def test_highlight_spans_are_sorted_and_do_not_overlap():
    got = highlight_spans(q('level "sea level" sea'), "sea level sea level")
    assert got == [(0, 9), (10, 19)]
    assert highlight_spans(Query(), "anything") == [] and highlight_spans(q("x"), "") == []


@given(st.text())
def test_folded_words_are_the_tokens(text):
    """The titles-only search's fast fold (ASCII at C speed) finds exactly the index's tokens."""
    assert folded_words(text) == " ".join(tokens(text))
    ascii_text = text.encode("ascii", "replace").decode()
    assert folded_words(ascii_text) == " ".join(tokens(ascii_text))


def test_a_word_being_typed_is_a_prefix_from_its_second_letter():
    assert parse_query("ea", typing=True).prefix == "ea"
    assert parse_query("ea", typing=True).words == ()
    first = parse_query("e", typing=True)
    assert (first.prefix, first.words) == ("", ()) and not first  # nothing to search yet
    after_a_word = parse_query("storm e", typing=True)
    assert (after_a_word.words, after_a_word.prefix) == (("storm",), "")
    assert parse_query("e").words == ("e",)  # a finished one-letter word is searched whole
    assert parse_query("storm e ", typing=True).words == ("storm", "e")  # so is one followed by a space


def test_the_status_says_when_a_first_letter_waits_for_the_next():
    from newstui.core.filters import Filter  # noqa: PLC0415

    assert Filter(query="c", typing=True).describe() == "all · search “c” (from 2 letters)"
    assert Filter(query="storm c", typing=True).describe().endswith("search “storm c” (from 2 letters)")
    assert Filter(query="co", typing=True).describe() == "all · search “co”"
    assert Filter(query="c").describe() == "all · search “c”"  # kept with Enter: searched whole
    assert Filter(query="c ", typing=True).describe() == "all · search “c ”"
