"""HTML → terminal text: what a reader sees, checked through ``RenderedHTML.plain(width)``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from rich.text import Text

from newstui.core.render import Link, RenderedHTML, html_to_text, render_html


def lines(html: str, width: int = 80, base_url: str = "") -> list[str]:
    return render_html(html, base_url=base_url).plain(width).splitlines()


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    assert lines("<p>First.</p><div>Second.</div><section><p>Third.</p></section>") == [
        "First.",
        "",
        "Second.",
        "",
        "Third.",
    ]


def test_whitespace_is_collapsed_like_a_browser() -> None:
    html = "<p>  A   <b>bold</b>\n\t word,<i> italic </i>end.  </p>"
    assert lines(html) == ["A bold word, italic end."]


def test_br_breaks_the_line_and_runs_of_br_give_at_most_one_blank_line() -> None:
    assert lines("<p>one<br>two<br/><br><br><br>three</p>") == ["one", "two", "", "three"]


def test_paragraphs_wrap_to_the_width() -> None:
    rendered = render_html("<p>" + "word " * 40 + "</p>")
    assert all(isinstance(block, Text) for block in rendered.blocks)
    out = rendered.plain(30).splitlines()
    assert len(out) > 5
    assert all(len(line) <= 30 for line in out)


def test_headings_are_shown_and_bold() -> None:
    rendered = render_html("<h1>Big &amp; bold</h1><p>Body</p><h3>Smaller</h3>")
    assert rendered.plain().splitlines() == ["Big & bold", "", "Body", "", "Smaller"]
    h1, _, h3 = rendered.blocks
    assert isinstance(h1, Text) and "bold" in str(h1.style) and "underline" in str(h1.style)
    assert isinstance(h3, Text) and "bold" in str(h3.style)


def test_nested_lists_are_indented_with_bullets_by_depth() -> None:
    html = "<ul><li>one</li><li>two<ul><li>two.a<ul><li>deep</li></ul></li></ul></li><li>three</ul>"
    assert lines(html) == [
        "  • one",
        "  • two",
        "    ◦ two.a",
        "      ▪ deep",
        "  • three",
    ]


def test_wrapped_list_items_hang_under_their_text() -> None:
    html = "<ul><li>An item long enough to wrap onto more lines at forty columns</li></ul>"
    out = lines(html, width=40)
    assert out[0].startswith("  • An item")
    assert len(out) > 1
    assert all(line.startswith("    ") and line[4] != " " for line in out[1:])
    assert all(len(line) <= 40 for line in out)


def test_ordered_lists_honour_start_and_align_numbers() -> None:
    out = lines('<ol start="9"><li>nine</li><li>ten, which wraps at this width ok</li></ol>', 30)
    assert out[0] == "   9. nine"
    assert out[1].startswith("  10. ten")
    assert out[2].startswith("      ")  # hanging indent under "ten"


def test_blockquote_has_a_bar_on_every_line_and_nests() -> None:
    html = (
        "<blockquote><p>A quotation that is long enough to wrap at forty columns.</p>"
        "<blockquote>inner</blockquote></blockquote>"
    )
    out = lines(html, width=40)
    assert len(out) >= 4
    assert all(line.startswith("▌") for line in out)
    assert out[-1] == "▌ ▌ inner"


def test_pre_keeps_whitespace_and_line_breaks() -> None:
    html = "<p>Code:</p><pre>\ndef f(x):\n    return  x   # spaced\n</pre>"
    out = lines(html)
    assert "def f(x):" in out[2]
    assert out[3].endswith("    return  x   # spaced")
    assert out[3].index("return") - out[2].index("def") == 4


def test_inline_formatting_is_styled_not_marked_up() -> None:
    (block,) = render_html("<p>a <strong>b</strong> <em>c</em> <code>d()</code></p>").blocks
    assert isinstance(block, Text)
    assert block.plain == "a b c d()"
    styles = {block.plain[span.start : span.end]: str(span.style) for span in block.spans}
    assert "bold" in styles["b"] and "italic" in styles["c"] and styles["d()"]


def test_links_are_numbered_and_listed_under_references() -> None:
    html = (
        '<p>Read <a href="https://example.com/a">the report</a> and '
        '<a href="https://example.com/b">the reply</a>.</p>'
    )
    rendered = render_html(html)
    assert rendered.plain().splitlines() == [
        "Read the report[1] and the reply[2].",
        "",
        "References",
        "[1] https://example.com/a",
        "[2] https://example.com/b",
    ]
    assert rendered.links == (
        Link(1, "https://example.com/a", "the report"),
        Link(2, "https://example.com/b", "the reply"),
    )


def test_the_same_url_reuses_its_number() -> None:
    html = (
        '<a href="https://x.org/">one</a> <a href="/other">two</a> '
        '<a href="https://x.org/">again</a>'
    )
    rendered = render_html(html)
    assert "one[1] two[2] again[1]" in rendered.plain()
    assert [link.number for link in rendered.links] == [1, 2]


def test_relative_urls_are_resolved_against_the_base_url() -> None:
    rendered = render_html(
        '<a href="/story/2">next</a> <a href="img.html">same dir</a>',
        base_url="https://news.example.org/world/story-1.html",
    )
    assert [link.url for link in rendered.links] == [
        "https://news.example.org/story/2",
        "https://news.example.org/world/img.html",
    ]
    assert "[1] https://news.example.org/story/2" in rendered.plain()


def test_unsafe_and_in_page_links_keep_their_text_but_get_no_number() -> None:
    html = (
        '<a href="javascript:alert(1)">js</a> <a href="JaVa&#x0A;Script:x">js2</a> '
        '<a href="data:text/html,hi">data</a> <a href="#top">top</a> <a>plain</a> '
        '<a href="mailto:tips@example.org">mail</a>'
    )
    rendered = render_html(html, base_url="https://example.org/")
    out = rendered.plain()
    assert out.splitlines()[0] == "js js2 data top plain mail[1]"
    assert rendered.links == (Link(1, "mailto:tips@example.org", "mail"),)
    assert "javascript" not in out.lower() and "data:" not in out


def test_a_link_whose_text_is_its_url_still_gets_a_number() -> None:
    rendered = render_html('<p>See <a href="https://e.org/x">https://e.org/x</a></p>')
    assert "See https://e.org/x[1]" in rendered.plain()
    assert rendered.links == (Link(1, "https://e.org/x", "https://e.org/x"),)


def test_links_without_text_are_not_numbered() -> None:
    rendered = render_html('<p>a<a href="https://e.org/"></a> b</p>')
    assert rendered.plain() == "a b"
    assert rendered.links == ()


def test_images_show_a_placeholder_and_their_source_is_a_reference() -> None:
    html = (
        '<p><img src="/photos/cat.jpg" alt="A cat"> and <img src="https://cdn.e.org/dog.png">'
        '<img src="https://t.e.org/pixel.gif" width="1" height="1"></p>'
    )
    rendered = render_html(html, base_url="https://e.org/news/")
    assert "[image: A cat][1] and [image][2]" in rendered.plain()
    assert rendered.links == (
        Link(1, "https://e.org/photos/cat.jpg", "image: A cat"),
        Link(2, "https://cdn.e.org/dog.png", "image"),
    )


def test_tables_show_their_cells_in_columns() -> None:
    html = (
        "<table><thead><tr><th>Team</th><th>Points</th></tr></thead>"
        "<tbody><tr><td>Reds</td><td>12</td></tr><tr><td>Blues</td><td>9</td></tr></tbody></table>"
    )
    out = lines(html)
    assert out[0].split() == ["Team", "Points"]
    assert out[-2].split() == ["Reds", "12"]
    assert out[-1].split() == ["Blues", "9"]
    assert out[-2].index("12") == out[0].index("Points")


def test_a_one_column_layout_table_is_just_paragraphs() -> None:
    assert lines("<table><tr><td>first</td></tr><tr><td>second</td></tr></table>") == [
        "first",
        "",
        "second",
    ]


def test_hr_is_a_rule_across_the_width() -> None:
    assert lines("<p>a</p><hr><p>b</p>", width=20) == ["a", "", "─" * 20, "", "b"]


def test_entities_are_decoded_and_nbsp_is_a_plain_space() -> None:
    html = "<p>AT&amp;T&nbsp;&amp;&nbsp;co &#8217;n&#x2019; &lt;tag&gt; &eacute;t&eacute; &copy;"
    assert lines(html) == ["AT&T & co ’n’ <tag> été ©"]


def test_scripts_styles_and_page_furniture_are_dropped() -> None:
    html = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<script>document.write('<p>evil</p>')</script><nav><a href='/'>Home</a></nav>"
        "<p>Story</p><noscript>enable js</noscript><template><p>tpl</p></template>"
        "<svg><text>svg text</text></svg><button>Share</button></body></html>"
    )
    rendered = render_html(html)
    assert rendered.plain() == "Story"
    assert rendered.links == ()


def test_text_that_looks_like_rich_markup_is_shown_literally() -> None:
    html = "<p>[bold]not bold[/] [link=https://e.org]x[/link] :smile: [red]</p>"
    rendered = render_html(html)
    assert rendered.plain() == "[bold]not bold[/] [link=https://e.org]x[/link] :smile: [red]"
    (block,) = rendered.blocks
    assert isinstance(block, Text) and block.spans == []


@pytest.mark.parametrize(
    "evil",
    ["\x1b]52;c;SGVsbG8=\x07", "\x1b[2J", "\x1b[31m", "\x9b2J", "\u202e", "\x00", "\x1bP1$q\x1b\\"],
)
def test_escape_sequences_and_controls_never_reach_the_output(evil: str) -> None:
    html = (
        f'<p>be{evil}fore</p><a href="https://e.org/{evil}x">li{evil}nk</a>'
        f'<img src="/i.png" alt="al{evil}t"><pre>co{evil}de</pre>'
    )
    rendered = render_html(html, base_url="https://e.org/")
    out = rendered.plain()
    assert "before" in out
    assert "li" in out and "nk" in out and "code" in out
    for char in ("\x1b", "\x07", "\x9b", "\u202e", "\x00"):
        assert char not in out
        assert all(char not in link.url + link.text for link in rendered.links)
    assert "SGVsbG8" not in out and "2J" not in out


def test_escape_sequences_hidden_in_entities_are_removed() -> None:
    out = render_html("<p>a&#27;[2Jb &#x202E;c&#x200B;d</p>").plain()
    assert "\x1b" not in out and "\u202e" not in out and "\u200b" not in out
    assert out.startswith("a") and "cd" in out


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<",
        "<<<>>>",
        "</p></div></li></ul></table>",
        "<p><b><i>unclosed",
        "<ul><li>a<li>b</ol>text after",
        "<table><td>a<td>b<tr><td>c</table>",
        "<td>stray cell</td><tr>row</tr>",
        "<b>bold<p>para</b>still</p>",
        "<a href='x'>link<p>across</p>blocks",
        "<![if !mso]>x<![endif]> <![weird ]> <!DOCTYPE [ <?xml x?>",
        "<![CDATA[<p>inside</p>]]>",
        "text <a href='unterminated",
        "<pre>never closed\n  indented",
        "<blockquote>" * 500 + "deep",
        "<ul><li>" * 500 + "deep",
        "<table><tr><td>" * 50 + "deep",
        "<a href='http://[::1'>bad ipv6</a>",
        "&#0; &#xD800; &#x110000; &bogus; &",
        "\x00\x01\x02 \ud800 garbage \ufffd",
    ],
)
def test_broken_html_never_raises_and_never_shows_tags(html: str) -> None:
    rendered = render_html(html, base_url="https://e.org/a/")
    for width in (1, 10, 40, 100):
        out = rendered.plain(width)
        assert "<p>" not in out and "<td>" not in out and "<a " not in out
    html_to_text(html)


def test_deep_nesting_still_shows_the_text() -> None:
    assert render_html("<blockquote>" * 500 + "deep").plain(80).endswith("deep")
    assert render_html("<ul><li>" * 500 + "deep").plain(80).endswith("deep")


def test_plain_text_input_is_split_into_paragraphs_on_blank_lines() -> None:
    text = "First paragraph,\nhard wrapped.\n\nSecond one.\r\n\r\n\r\n   Third & last."
    assert lines(text) == [
        "First paragraph, hard wrapped.",
        "",
        "Second one.",
        "",
        "Third & last.",
    ]


def test_empty_input_renders_nothing() -> None:
    for html in ("", "   \n ", "<p></p><div> </div>", "<script>x()</script>"):
        rendered = render_html(html)
        assert rendered == RenderedHTML((), ())
        assert rendered.plain() == ""


def test_html_to_text_gives_one_line_per_paragraph() -> None:
    html = (
        "<h2>Title</h2><p>Some <b>bold</b>&nbsp;text with a <a href='/x'>link</a>"
        " and <img src='a.png' alt='pic'>.</p><ul><li>one</li><li>two<br>lines</li></ul>"
        "<pre>a\n  b</pre><table><tr><td>c1</td><td>c2</td></tr></table>"
        "<script>var x = '<p>no</p>';</script><p>AT&amp;T [bold]</p>"
    )
    assert html_to_text(html) == "\n".join(
        [
            "Title",
            "Some bold text with a link and .",
            "one",
            "two lines",
            "a b",
            "c1 c2",
            "AT&T [bold]",
        ]
    )
    assert html_to_text("") == ""
    assert html_to_text("plain words\n\nmore") == "plain words\nmore"


def test_the_renderer_does_not_import_textual() -> None:
    code = "import sys, newstui.core.render; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
