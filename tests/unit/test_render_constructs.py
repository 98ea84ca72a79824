"""One test (or a few) per HTML construct the article pane must show well.

Everything is checked through what a reader sees, ``RenderedHTML.plain(width)``, line by line, and
through the numbered references in ``.links``; styles through the spans of the ``Text`` blocks.
"""

from __future__ import annotations

import re

import pytest
from rich.text import Text

from newstui.core.render import Link, html_to_text, render_html

BASE = "https://news.example.org/world/story-1.html"
PANGRAM = (
    "The quick brown fox jumps over the lazy dog while a cautious cat watches from a sunny "
    "windowsill, unimpressed by the commotion below."
)


def lines(html: str, width: int = 80, base_url: str = BASE) -> list[str]:
    return render_html(html, base_url=base_url).plain(width).splitlines()


def styles(block: object) -> dict[str, str]:
    """The style of each styled piece of a Text block, by its text."""
    assert isinstance(block, Text)
    return {block.plain[span.start : span.end]: str(span.style) for span in block.spans}


def no_blank_runs(out: list[str]) -> bool:
    return all(out[i] or out[i + 1] for i in range(len(out) - 1))


# -- paragraphs and wrapping ------------------------------------------------------------------


@pytest.mark.parametrize("width", [20, 40, 80, 200])
def test_paragraphs_wrap_at_any_width_without_losing_words(width: int) -> None:
    html = f"<p>{PANGRAM}</p><p>Second <b>bold</b> paragraph.</p><p>{PANGRAM * 3}</p>"
    out = lines(html, width)
    assert all(len(line) <= width for line in out)
    assert " ".join(out).split() == f"{PANGRAM} Second bold paragraph. {PANGRAM * 3}".split()
    assert no_blank_runs(out)
    assert out.count("") == 2  # one blank line between paragraphs, none inside them
    assert all(line == line.strip() for line in out)


def test_paragraph_wraps_exactly_at_twenty_columns() -> None:
    assert lines(f"<p>{PANGRAM}</p>", 20) == [
        "The quick brown fox",
        "jumps over the lazy",
        "dog while a cautious",
        "cat watches from a",
        "sunny windowsill,",
        "unimpressed by the",
        "commotion below.",
    ]
    assert lines(f"<p>{PANGRAM}</p>", 200) == [PANGRAM]


def test_a_word_longer_than_the_width_is_folded_without_blank_lines() -> None:
    out = lines("<p>a supercalifragilisticexpialidocious word</p>", 10)
    assert out == ["a", "supercalif", "ragilistic", "expialidoc", "ious word"]


# -- headings ---------------------------------------------------------------------------------


def test_headings_h1_to_h6_are_lines_of_their_own_and_styled() -> None:
    html = "".join(f"<h{n}>Heading {n}</h{n}>" for n in range(1, 7)) + "<p>Body text.</p>"
    rendered = render_html(html)
    assert rendered.plain().splitlines() == [
        "Heading 1", "", "Heading 2", "", "Heading 3", "", "Heading 4", "", "Heading 5", "",
        "Heading 6", "", "Body text.",
    ]  # fmt: skip
    heads = rendered.blocks[:6]
    assert all(isinstance(block, Text) for block in heads)
    assert [str(block.style) for block in heads] == ["bold underline"] * 2 + ["bold"] * 4
    assert str(rendered.blocks[6].style) == ""


def test_a_heading_inside_a_paragraph_still_gets_its_own_line() -> None:
    html = "<p>Before <h2>Middle <em>part</em></h2> after</p>"
    rendered = render_html(html)
    assert rendered.plain().splitlines() == ["Before", "", "Middle part", "", "after"]
    assert styles(rendered.blocks[1]) == {"part": "italic"}
    assert str(rendered.blocks[1].style) == "bold underline"


def test_a_long_heading_wraps_like_a_paragraph() -> None:
    out = lines("<h2>A heading that is long enough to wrap at twenty</h2>", 20)
    assert out == ["A heading that is", "long enough to wrap", "at twenty"]


# -- lists ------------------------------------------------------------------------------------


def test_unordered_and_ordered_lists() -> None:
    html = "<ul><li>milk</li><li>eggs</ul><ol><li>mix</li><li>bake</li></ol>"
    assert lines(html) == ["  • milk", "  • eggs", "", "  1. mix", "  2. bake"]


def test_lists_nested_three_deep_have_markers_and_indentation_by_depth() -> None:
    html = (
        "<ul><li>Fruit<ul><li>Apples<ol><li>Cox</li><li>Gala</li></ol></li>"
        "<li>Pears<ul><li>Conference</li></ul></li></ul></li><li>Vegetables</li></ul>"
    )
    assert lines(html) == [
        "  • Fruit",
        "    ◦ Apples",
        "      1. Cox",
        "      2. Gala",
        "    ◦ Pears",
        "      ▪ Conference",
        "  • Vegetables",
    ]


def test_list_items_with_paragraphs_and_unclosed_items() -> None:
    html = "<ul><li><p>para one</p><p>para two</p><li>no end tag<li>last</ul><p>after</p>"
    assert lines(html) == ["  • para one", "    para two", "  • no end tag", "  • last", "", "after"]


def test_ordered_list_start_reversed_and_type() -> None:
    assert lines('<ol start="3"><li>c</li><li>d</li></ol>') == ["  3. c", "  4. d"]
    assert lines("<ol reversed><li>x</li><li>y</li><li>z</li></ol>") == [
        "  3. x",
        "  2. y",
        "  1. z",
    ]
    assert lines('<ol reversed start="10"><li>x</li><li>y</li></ol>') == ["  10. x", "   9. y"]
    assert lines('<ol type="a"><li>x</li><li>y</li></ol>') == ["  a. x", "  b. y"]
    assert lines('<ol type="A" start="27"><li>x</li></ol>') == ["  AA. x"]
    assert lines('<ol type="i" start="3"><li>x</li><li>y</li></ol>') == ["  iii. x", "   iv. y"]
    assert lines('<ol type="I"><li>x</li><li value="9">y</li></ol>') == ["   I. x", "  IX. y"]
    assert lines('<ol type="a" start="0"><li>x</li></ol>') == ["  0. x"]  # no letter for 0


# -- quotes -----------------------------------------------------------------------------------


def test_blockquotes_have_a_bar_and_nest() -> None:
    html = (
        "<p>He said:</p><blockquote><p>It was the best of times.</p>"
        "<blockquote>It was the worst of times.</blockquote></blockquote><p>End.</p>"
    )
    rendered = render_html(html)
    assert rendered.plain().splitlines() == [
        "He said:",
        "",
        "▌ It was the best of times.",
        "▌",
        "▌ ▌ It was the worst of times.",
        "",
        "End.",
    ]


def test_a_quote_wraps_with_the_bar_on_every_line() -> None:
    out = lines(f"<blockquote>{PANGRAM}</blockquote>", 30)
    assert len(out) > 3
    assert all(line.startswith("▌ ") and len(line) <= 30 for line in out)
    assert " ".join(line[2:] for line in out).split() == PANGRAM.split()


# -- code -------------------------------------------------------------------------------------


def test_pre_keeps_indentation_blank_lines_and_line_breaks() -> None:
    html = "<pre><code>def f(x):\n    if x:\n\n        return  x\n\treturn 0</code></pre>"
    assert lines(html) == [
        "  def f(x):",
        "      if x:",
        "",
        "          return  x",
        "          return 0",
    ]
    assert "\t" not in render_html(html).plain()


def test_pre_lines_longer_than_the_width_are_folded_not_joined() -> None:
    out = lines("<pre>" + "x" * 30 + "\n  short</pre>", 20)
    assert out == ["  " + "x" * 18, "  " + "x" * 12, "    short"]


def test_inline_code_is_styled_and_in_line() -> None:
    rendered = render_html("<p>Call <code>run(x)</code> then <kbd>Ctrl</kbd>.</p>")
    assert rendered.plain() == "Call run(x) then Ctrl."
    assert styles(rendered.blocks[0]) == {"run(x)": "cyan", "Ctrl": "cyan"}


# -- tables -----------------------------------------------------------------------------------


def test_a_table_with_thead_has_a_header_rule_and_aligned_columns() -> None:
    html = (
        "<table><thead><tr><th>City</th><th>Temp</th></tr></thead>"
        "<tbody><tr><td>Oslo</td><td>-3</td></tr><tr><td>Rome</td><td>14</td></tr></tbody></table>"
    )
    assert lines(html) == [" City   Temp", "─────────────", " Oslo   -3", " Rome   14"]


def test_a_table_with_th_but_no_thead_and_one_without_headers() -> None:
    with_th = "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
    assert lines(with_th) == [" A   B", "───────", " 1   2"]
    without = "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
    assert lines(without) == [" a   b", " c   d"]


def test_sloppy_tables_colspan_ragged_rows_and_missing_end_tags() -> None:
    html = (
        "<table><tr><th>City<th>Temp"
        "<tr><td>Oslo<td>-3"
        "<tr><td colspan=2>Rome, no data"
        "<tr><td>Lima<td>19<td>extra"
        "</table><p>after</p>"
    )
    assert lines(html) == [
        " City            Temp",
        "─" * 30,
        " Oslo            -3",
        " Rome, no data",
        " Lima            19     extra",
        "",
        "after",
    ]


def test_a_table_cell_wraps_in_its_column() -> None:
    html = (
        "<table><tr><th>Name</th><th>Note</th></tr>"
        f"<tr><td>alpha</td><td>{PANGRAM}</td></tr></table>"
    )
    out = lines(html, 40)
    assert all(len(line) <= 40 for line in out)
    assert out[0].split() == ["Name", "Note"]
    note = out[0].index("Note")
    assert out[2].startswith(" alpha") and out[2][note:].startswith("The quick")
    assert all(line[:note].strip() == "" for line in out[3:])
    assert " ".join(line[note:] for line in out[2:]).split() == PANGRAM.split()


def test_layout_tables_are_shown_as_paragraphs() -> None:
    one_column = "<table><tr><td>first</td></tr><tr><td>second</td></tr></table>"
    assert lines(one_column) == ["first", "", "second"]
    layout = (
        "<table width='100%'><tr><td><h2>Site name</h2><ul><li>Home</li><li>News</li></ul></td>"
        "<td><p>The story starts here.</p><p>And goes on.</p>"
        "<table><tr><td>in1</td><td>in2</td></tr></table></td></tr></table>"
    )
    assert lines(layout) == [
        "Site name",
        "• Home",
        "• News",
        "",
        "The story starts here.",
        "And goes on.",
        "in1 in2",
    ]


def test_a_caption_is_shown_above_the_table() -> None:
    html = "<table><caption>Results</caption><tr><td>a</td><td>b</td></tr></table>"
    assert lines(html) == ["Results", " a   b"]


# -- links and images -------------------------------------------------------------------------


def test_links_get_numbers_in_order_and_a_references_list() -> None:
    html = (
        '<p>See <a href="https://a.example/1">first</a>, <a href="https://b.example/2">second</a>'
        ' and <a href="https://c.example/3">third <b>one</b></a>.</p>'
    )
    rendered = render_html(html)
    assert rendered.plain().splitlines() == [
        "See first[1], second[2] and third one[3].",
        "",
        "References",
        "[1] https://a.example/1",
        "[2] https://b.example/2",
        "[3] https://c.example/3",
    ]
    assert rendered.links == (
        Link(1, "https://a.example/1", "first"),
        Link(2, "https://b.example/2", "second"),
        Link(3, "https://c.example/3", "third one"),
    )


def test_reference_numbers_are_aligned_past_nine_and_long_urls_fold_under_the_url() -> None:
    html = "".join(f'<a href="https://e.org/{n}">l{n}</a> ' for n in range(1, 11))
    html += '<a href="https://e.org/a-very-long-path/that/does/not/fit/in/thirty">long</a>'
    out = lines(html, 30)
    refs = out[out.index("References") + 1 :]
    assert refs[0] == " [1] https://e.org/1"
    assert refs[9] == "[10] https://e.org/10"
    assert refs[10:] == [  # a long URL is folded, under itself
        "[11] https://e.org/a-very-long",
        "     -path/that/does/not/fit/i",
        "     n/thirty",
    ]


def test_the_same_url_twice_keeps_one_number() -> None:
    html = '<a href="https://e.org/x">A</a> and <a href="/x">again</a> <a href="https://e.org/y">B</a>'
    rendered = render_html(html, base_url="https://e.org/")
    assert rendered.plain().splitlines()[0] == "A[1] and again[1] B[2]"
    assert rendered.links == (Link(1, "https://e.org/x", "A"), Link(2, "https://e.org/y", "B"))


def test_relative_urls_are_resolved_against_the_base() -> None:
    html = (
        '<a href="/top">a</a> <a href="sibling.html">b</a> <a href="../up/">c</a> '
        '<a href="?page=2">d</a> <a href="//cdn.example.net/x">e</a> <a href="http://abs.org/">f</a>'
    )
    rendered = render_html(html, base_url=BASE)
    assert [link.url for link in rendered.links] == [
        "https://news.example.org/top",
        "https://news.example.org/world/sibling.html",
        "https://news.example.org/up/",
        "https://news.example.org/world/story-1.html?page=2",
        "https://cdn.example.net/x",
        "http://abs.org/",
    ]


def test_javascript_data_and_other_unsafe_urls_are_not_offered() -> None:
    html = (
        '<a href="javascript:void(0)">js</a> <a href=" JAVASCRIPT:alert(1)">js2</a> '
        '<a href="java\tscript:x">js3</a> <a href="data:text/html;base64,PHA+">data</a> '
        '<a href="vbscript:x">vb</a> <a href="file:///etc/passwd">file</a> '
        '<img src="data:image/png;base64,iVBOR" alt="inline"> <a href="https://ok.org/">ok</a>'
    )
    rendered = render_html(html)
    assert rendered.plain().splitlines()[0] == "js js2 js3 data vb file [image: inline] ok[1]"
    assert rendered.links == (Link(1, "https://ok.org/", "ok"),)


def test_images_are_placeholders_with_their_url_in_the_references() -> None:
    html = (
        '<p>Look: <img src="/img/cat.jpg" alt="A &quot;cat&quot;"> '
        '<img src="https://cdn.example.net/dog.png"> <img alt="no source"> '
        '<img data-src="lazy.webp" alt="lazy"></p>'
    )
    rendered = render_html(html, base_url=BASE)
    assert rendered.plain().splitlines()[0] == (
        'Look: [image: A "cat"][1] [image][2] [image: no source] [image: lazy][3]'
    )
    assert rendered.links == (
        Link(1, "https://news.example.org/img/cat.jpg", 'image: A "cat"'),
        Link(2, "https://cdn.example.net/dog.png", "image"),
        Link(3, "https://news.example.org/world/lazy.webp", "image: lazy"),
    )


def test_an_image_inside_a_link() -> None:
    rendered = render_html('<a href="/story"><img src="/i.png" alt="pic"></a>', base_url=BASE)
    assert rendered.plain().splitlines()[0] == "[image: pic][1][2]"
    assert rendered.links == (
        Link(1, "https://news.example.org/i.png", "image: pic"),
        Link(2, "https://news.example.org/story", "image: pic"),
    )


def test_link_markers_are_dim_and_link_text_underlined() -> None:
    (block,) = render_html('<p>a <a href="https://e.org/">link</a></p>').blocks
    assert styles(block) == {"link": "underline", "[1]": "dim"}


# -- entities and whitespace ------------------------------------------------------------------


def test_entities_named_and_numeric_are_decoded_once() -> None:
    html = (
        "<p>Fish &amp; chips&nbsp;&ndash; it&#8217;s caf&eacute; time &#x263A; &lt;b&gt; "
        "&copy;&#169; &amp;amp; &amp;lt;p&amp;gt; &unknown; 5 &lt 6</p>"
    )
    assert lines(html) == [
        "Fish & chips – it’s café time ☺ <b> ©© &amp; &lt;p&gt; &unknown; 5 < 6"
    ]


def test_whitespace_is_normalised_everywhere_but_pre() -> None:
    html = "\n  <p>\n\tLots   of\n\n  space\u00a0\u00a0here\r\n </p>\n\n  <p>  \n </p><p>next</p>  "
    assert lines(html) == ["Lots of space here", "", "next"]


def test_old_mac_and_windows_line_endings_do_not_glue_words() -> None:
    assert lines("<p>one\rtwo\r\nthree</p>") == ["one two three"]
    assert lines("first\r\rsecond") == ["first", "", "second"]
    assert lines("<pre>a\rb\r\nc</pre>") == ["  a", "  b", "  c"]


# -- what must never show ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a <custom-tag x='1'>b</custom-tag> c</p>", "a b c"),
        ("<p>a <svg viewBox='0 0 1 1'><text>svg</text><path d='M0'/></svg>b</p>", "a b"),
        ("<p>a<script>if (a < b) { x('<p>no</p>') }</script>b</p>", "ab"),
        ("<style>p { color: red }</style><p>styled</p>", "styled"),
        ("<p>a <!-- hidden <b>comment</b> --> b</p>", "a b"),
        ("<p>a <!-- unterminated comment", "a"),
        ("<p>x<![CDATA[ inside cdata ]]>y</p>", "x inside cdata y"),
        ("<p>unclosed <b>bold <i>italic", "unclosed bold italic"),
        ("<p>1 < 2 and 3 > 2, a<b</p>", "1 < 2 and 3 > 2, a"),
        ("<p>if a<b then</p>", "if a"),
        ("<p>text <span", "text"),
        ("<p>tag soup</b></i></span></div></p></p>", "tag soup"),
        ("<!DOCTYPE html><?xml version='1.0'?><p>doc</p>", "doc"),
        ("<math><mi>x</mi></math><p>after</p>", "after"),
        ("<p>a<br/>b<hr/>c</p>", "a\nb\n\n" + "─" * 40 + "\n\nc"),
    ],
)
def test_raw_tags_and_non_text_content_are_never_shown(html: str, expected: str) -> None:
    out = render_html(html).plain(40)
    assert out == expected
    assert not re.search(r"</?[a-zA-Z!?]", out.replace("<b>", ""))


def test_a_lone_less_than_sign_in_text_is_kept() -> None:
    assert lines("<p>x &lt; y and 2 < 3</p>") == ["x < y and 2 < 3"]


def test_plain_text_bodies_are_split_into_paragraphs_at_blank_lines() -> None:
    text = "First line\nstill first.\n\n\n  Second &amp; last\n \nThird <3"
    assert lines(text) == ["First line still first.", "", "Second & last", "", "Third <3"]


@pytest.mark.parametrize("width", [1, 2, 5, 10])
def test_very_narrow_widths_never_raise_and_keep_every_word(width: int) -> None:
    html = (
        "<h1>Title</h1><p>Some words here</p><ul><li>one<ol><li>two</li></ol></li></ul>"
        "<blockquote><blockquote>deep quote text</blockquote></blockquote><pre>  code\n x</pre>"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
        '<a href="https://e.org/long/url">link</a>'
    )
    rendered = render_html(html)
    out = rendered.plain(width).splitlines()
    assert all(len(line) <= width for line in out)
    joined = "".join("".join(out).split())
    for word in ("Title", "Somewordshere", "one", "two", "deepquotetext", "code", "link[1]"):
        assert word in joined


def test_at_ten_columns_deep_quotes_and_lists_keep_their_words_readable() -> None:
    html = "<blockquote><blockquote><ul><li>deep item text here</li></ul></blockquote></blockquote>"
    out = lines(html, 10)
    assert out == ["• deep", "  item", "  text", "  here"]
    assert no_blank_runs(out)
    assert lines("<ol><li>one</li></ol>", 10) == ["1. one"]  # the indent goes before the number
    assert lines("<ol><li>one</li></ol>", 12) == ["  1. one"]


def test_text_that_looks_like_markup_is_shown_literally() -> None:
    html = "<p>[bold]x[/] [link=https://evil.example]click[/link] [/] :joy: \\[b]</p>"
    rendered = render_html(html)
    assert rendered.plain() == "[bold]x[/] [link=https://evil.example]click[/link] [/] :joy: \\[b]"
    assert rendered.links == ()
    assert rendered.blocks[0].spans == []


@pytest.mark.parametrize("char", [chr(c) for c in [*range(0, 9), *range(11, 32), 127, *range(128, 160)]])
def test_control_characters_are_never_emitted(char: str) -> None:
    html = f"<p>a{char}b</p><pre>c{char}d</pre><img src='/x' alt='e{char}f'>"
    rendered = render_html(html)
    out = rendered.plain()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", out)
    for link in rendered.links:
        assert not re.search(r"[\x00-\x1f\x7f-\x9f]", link.url + link.text)
    if char not in "\t\x0b\x0c\r\x9b":  # (an 8-bit CSI takes the "b" as its final byte)
        assert out.splitlines()[0] == "ab"


def test_html_to_text_matches_what_is_shown_without_markers() -> None:
    html = "<h2>T</h2><ol><li>one</li></ol><p>a <a href='/x'>link</a> <img src='i.png' alt='pic'></p>"
    assert html_to_text(html) == "T\none\na link"
