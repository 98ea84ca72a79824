"""Numbered links by keyboard: which digits open at once, which wait, and what o does."""

from __future__ import annotations

from newstui.ui.link_keys import O_WAIT_SECONDS, WAIT_SECONDS, LinkKeys, Outcome


def test_a_digit_opens_at_once_when_no_longer_number_exists():
    keys = LinkKeys()
    assert keys.digit("3", 9) == Outcome(number=3)
    assert keys.digit("3", 12) == Outcome(number=3)  # no [30]
    assert not keys.pending


def test_a_digit_that_may_start_a_longer_number_waits():
    keys = LinkKeys()
    waiting = keys.digit("1", 12)
    assert waiting.number == 0 and waiting.wait == WAIT_SECONDS and "link [1…]" in waiting.message
    assert keys.digit("2", 12) == Outcome(number=12)
    keys.digit("1", 12)
    assert keys.expire() == Outcome(number=1)
    keys.digit("1", 150)
    assert keys.digit("2", 150).wait  # [120]-[129] exist
    assert keys.digit("5", 150) == Outcome(number=125)


def test_o_opens_a_pending_number_or_waits_for_one():
    keys = LinkKeys()
    keys.digit("1", 12)
    assert keys.o(12) == Outcome(number=1)
    waiting = keys.o(12)
    assert waiting.wait == O_WAIT_SECONDS and not waiting.page
    assert keys.digit("4", 12) == Outcome(number=4)
    keys.o(12)
    assert keys.expire() == Outcome(page=True)
    keys.o(12)
    assert keys.o(12) == Outcome(page=True)  # oo: the page at once
    assert keys.o(0) == Outcome(page=True)  # no references: no wait


def test_numbers_that_do_not_exist_say_so():
    keys = LinkKeys()
    assert keys.digit("0", 5).message == "No link [0]: this article has links [1] to [5]."
    assert keys.digit("7", 5).message == "No link [7]: this article has links [1] to [5]."
    assert keys.digit("1", 0).message == "This article has no numbered links."
    keys.digit("1", 12)
    assert keys.digit("5", 12).message == "No link [15]: this article has links [1] to [12]."
    assert not keys.pending
    assert keys.expire() == Outcome()
