"""The text cleaner on what strangers send: escape sequences go whole, and nothing else goes with them.

Every case here failed before the cleaner learned it (a lone CR glued two words, an 8-bit CSI ate
the next letter, an unterminated OSC ate the rest of a body, a lone surrogate broke the store).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import orjson
import pytest
from hostile_server import ESCAPES

from newstui.core.models import Article
from newstui.core.store import Store
from newstui.core.text import clean_text, html_to_line, strip_controls

# Nothing that can drive a terminal, reorder text or hide it may come out of the cleaner.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2028\u2029"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_every_escape_payload_comes_out_harmless(name):
    payload = f"before {ESCAPES[name]} after"
    for cleaned in (strip_controls(payload), clean_text(payload), html_to_line(payload)):
        assert not FORBIDDEN.search(cleaned), (name, cleaned)
        assert "before" in cleaned and "after" in cleaned


def test_a_lone_carriage_return_separates_words_instead_of_gluing_them():
    assert strip_controls("one\rtwo") == "one\ntwo"
    assert strip_controls("one\r\ntwo\n\rthree") == "one\ntwo\n\nthree"
    assert clean_text("carriage\rreturn") == "carriage return"
    assert clean_text("line\u2028separator\u2029paragraph") == "line separator paragraph"


def test_an_8bit_csi_takes_its_parameters_not_the_next_letter():
    assert clean_text("\x9bHello") == "Hello"
    assert clean_text("\x9b31mred\x9b0m") == "red"
    assert clean_text("\x9b2Jz") == "z"
    assert clean_text("a\x9b") == "a"


def test_an_unterminated_osc_stops_at_the_end_of_its_line():
    body = "intro \x1b]8;;http://evil.test/\nthe rest of the article\nand more"
    assert strip_controls(body) == "intro \nthe rest of the article\nand more"
    assert strip_controls("x\x1b]52;c;AAAA\x9cy") == "xy"  # 8-bit string terminator
    assert strip_controls("x\x1bP1$qm\x9cy") == "xy"  # DCS


def test_invisible_and_reordering_characters_go():
    assert clean_text("\u202egnp.exe\u202c") == "gnp.exe"
    assert clean_text("a\u061cb\u180ec\u206ad") == "abcd"
    assert clean_text("ta\U000e0041\U000e0042g") == "tag"  # "tag" characters smuggle hidden text
    assert clean_text("an\ufff9notated\ufffb") == "annotated"
    assert clean_text("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # ZWJ stays: emoji need it


def test_a_lone_surrogate_becomes_a_replacement_character_and_the_store_takes_it(tmp_path):
    title = clean_text("bad \ud800 half")
    assert title == "bad \ufffd half"
    orjson.dumps(title)  # would raise on the surrogate
    store = Store(tmp_path / "db.json")
    store.upsert_articles([Article("s1", "F", title, summary=strip_controls("<p>\udc00</p>"),
                                   published=datetime(2026, 1, 1, tzinfo=UTC))])
    assert store.article("s1").title == "bad \ufffd half"
    store.close()


def test_cleaning_twice_changes_nothing():
    nasty = "".join(ESCAPES.values()) + "\x1b\x1b[[31m\x9b\x9b1m\r\r\n\ud800"
    once = strip_controls(nasty)
    assert strip_controls(once) == once
    assert clean_text(clean_text(nasty)) == clean_text(nasty)
