from newstui.core.text import clean_text, html_to_line, strip_controls


def test_escape_sequences_and_controls_removed():
    assert clean_text("a\x1b[31mred\x1b[0m b") == "ared b"
    assert clean_text("x\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\y") == "xlinky"
    assert clean_text("c\x1b]52;c;SGVsbG8=\x07d") == "cd"
    assert clean_text("\u202egnp.exe\u200b") == "gnp.exe"
    assert clean_text("\x9b2Jz\x85") == "z"


def test_whitespace_collapsed_but_newlines_kept_by_strip_controls():
    assert clean_text("  a \n\t b  ") == "a b"
    assert strip_controls("a\n\tb\x00") == "a\n\tb"


def test_markup_looking_text_is_left_alone_for_literal_display():
    assert clean_text("[bold]x[/] [link=http://e]y[/link]") == "[bold]x[/] [link=http://e]y[/link]"


def test_html_to_line():
    assert html_to_line("<b>Tokyo</b> &amp; <i>Osaka</i>") == "Tokyo & Osaka"
    assert clean_text(None) == ""
