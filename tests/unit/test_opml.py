"""OPML: strangers' files read safely (nesting, categories, encodings, malformed and hostile XML),
and what newstui writes reads back to the same feeds and topics."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from newstui.core.models import Feed
from newstui.core.opml import (
    MAX_OPML_BYTES,
    OpmlError,
    name_for,
    parse_opml,
    read_opml,
    write_opml,
)

NEWSBOAT = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "feeds" / "newsboat"


def feeds_of(text: str | bytes) -> list[tuple[str, str, tuple[str, ...]]]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [(e.feed.name, e.feed.url, e.feed.topics) for e in parse_opml(data).entries]


def opml(body: str, head: str = "<head><title>t</title></head>") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">{head}<body>{body}</body></opml>'


def test_nested_folders_and_category_paths_and_tags_become_topics():
    text = opml(
        '<outline text="Tech" title="ignored: text wins for folders">'
        '  <outline text="Linux">'
        '    <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/rss" category="/Tech/Kernel,News"/>'
        "  </outline>"
        "</outline>"
        '<outline type="rss" title="Only a title" xmlUrl="https://b.example/feed" category="  World ,, /Asia/Japan/ "/>'
        '<outline type="rss" xmlUrl="https://c.example/feed"/>'
    )
    assert feeds_of(text) == [
        ("LWN", "https://lwn.net/headlines/rss", ("tech", "linux", "kernel", "news")),
        ("Only a title", "https://b.example/feed", ("world", "asia", "japan")),
        ("", "https://c.example/feed", ()),
    ]


def test_names_for_outlines_without_one_come_from_the_url():
    entries = parse_opml(opml(
        '<outline xmlUrl="https://www.example.com/news/feed/?x=1"/><outline xmlUrl="file:///tmp/a.xml"/>'
    ).encode()).entries
    assert [name_for(e) for e in entries] == ["example.com/news/feed?x=1", "file:///tmp/a.xml"]


def test_missing_xmlurl_and_htmlurl_only_are_reported_not_imported():
    document = parse_opml(opml(
        '<outline type="rss" text="No URL at all"/>'
        '<outline text="Site only" htmlUrl="https://site.example/"/>'
        '<outline text="Empty folder"/>'
        '<outline type="rss" text="Good" xmlUrl="https://good.example/rss"/>'
    ).encode())
    assert [e.feed.name for e in document.entries] == ["Good"]
    assert [(s.label, s.reason.split(";")[0]) for s in document.skipped] == [
        ("No URL at all", "a feed outline without an xmlUrl"),
        ("Site only", "it has no xmlUrl, only the web site https://site.example/"),
    ]
    assert "newstui add https://site.example/" in document.skipped[1].reason
    assert document.skipped[0].line == 2


def test_attribute_names_are_matched_without_case_and_text_is_cleaned():
    text = opml(
        '<outline TEXT="  Two\n  lines\x1b[31m " XMLURL=" https://x.example/rss " '
        'Category="A"/>'
        '<outline text="Caf&amp;eacute; &amp;amp; more" xmlUrl="https://y.example/rss"/>'
    ).replace("\x1b", "&#27;")
    with pytest.raises(OpmlError):  # &#27; is not allowed in XML 1.0: the file is malformed
        feeds_of(text)
    assert feeds_of(text.replace("&#27;", "")) == [
        ("Two lines[31m", "https://x.example/rss", ("a",)),
        ("Café & more", "https://y.example/rss", ()),  # escaped twice by the exporter
    ]


def test_the_old_feed_scheme_means_http():
    text = opml('<outline text="a" xmlUrl="feed://a.example/rss"/><outline text="b" xmlUrl="FEED:https://b.example/"/>')
    assert [url for _, url, _ in feeds_of(text)] == ["http://a.example/rss", "https://b.example/"]


def test_html_entities_and_bare_ampersands_are_repaired():
    text = opml('<outline text="Caf&eacute;&nbsp;Bar" xmlUrl="https://x.example/rss?a=1&b=2&amp;c=3"/>')
    assert feeds_of(text) == [("Café Bar", "https://x.example/rss?a=1&b=2&c=3", ())]


@pytest.mark.parametrize("encoding", ["iso-8859-1", "windows-1251", "utf-16", "shift_jis"])
def test_declared_encodings(encoding):
    name = {"windows-1251": "Новости", "shift_jis": "ニュース"}.get(encoding, "Café Zürich")
    text = opml(f'<outline text="{name}" xmlUrl="https://x.example/rss"/>').replace("UTF-8", encoding)
    assert feeds_of(text.encode(encoding)) == [(name, "https://x.example/rss", ())]


def test_latin1_without_a_declaration_and_a_utf8_bom():
    body = '<opml version="1.0"><body><outline text="Caf\u00e9" xmlUrl="https://x/"/></body></opml>'
    assert feeds_of(body.encode("latin-1"))[0][0] == "Café"
    assert feeds_of(b"\xef\xbb\xbf" + body.encode())[0][0] == "Café"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty"),
        (b"<opml><body><outline text='x'></body></opml>", "not well-formed XML at line 1, column 33 (mismatched tag)"),
        (b"<rss><channel/></rss>", "not an OPML file: the document is <rss>, not <opml>"),
        (b"<opml version='2.0'><head/></opml>", "the <opml> document has no <body>, so it lists no feeds"),
        (b"just text", "not well-formed XML at line 1, column 1 (syntax error)"),
        (b"<html><body><p>Sign in</p></body></html>", "not an OPML file: the document is <html>, not <opml>"),
    ],
)
def test_malformed_and_wrong_documents_say_why(data, expected):
    with pytest.raises(OpmlError) as info:
        parse_opml(data)
    assert str(info.value) == expected


def test_entity_bombs_and_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + ']><opml><body><outline text="&j;" xmlUrl="https://x/"/></body></opml>'
    )
    external = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY s SYSTEM "file://{secret}">]>'
        '<opml><body><outline text="&s;" xmlUrl="https://x/"/></body></opml>'
    )
    parameter = (
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
        '<opml><body/></opml>'
    )
    for text in (laughs, external, parameter):
        started = time.perf_counter()
        with pytest.raises(OpmlError) as info:
            parse_opml(text.encode())
        assert "entity" in str(info.value)
        assert "TOP SECRET" not in str(info.value)
        assert time.perf_counter() - started < 1


def test_a_doctype_without_entities_is_fine():
    text = '<?xml version="1.0"?><!DOCTYPE opml><opml><body><outline text="a" xmlUrl="https://x/"/></body></opml>'
    assert feeds_of(text) == [("a", "https://x/", ())]


def test_huge_and_deep_files(tmp_path):
    many = opml("".join(
        f'<outline text="Folder {i % 50}"><outline text="Feed {i}" xmlUrl="https://f{i}.example/rss"/></outline>'
        for i in range(20_000)
    ))
    started = time.perf_counter()
    entries = parse_opml(many.encode()).entries
    assert len(entries) == 20_000 and entries[-1].feed.topics == ("folder 49",)
    assert time.perf_counter() - started < 5  # generous: a shared machine; ~0.3 s here
    deep = opml('<outline text="f">' * 5000 + '<outline text="deep" xmlUrl="https://d/"/>' + "</outline>" * 5000)
    (entry,) = parse_opml(deep.encode()).entries
    assert entry.feed.topics == ("f",)  # the same label repeated: one topic
    levels = opml("".join(f'<outline text="l{i}">' for i in range(100)) + '<outline text="x" xmlUrl="https://d/"/>'
                  + "</outline>" * 100)
    (entry,) = parse_opml(levels.encode()).entries
    assert entry.feed.topics == tuple(f"l{i}" for i in range(20))  # 32 levels read, 20 topics kept
    too_big = tmp_path / "big.opml"
    with too_big.open("wb") as out:
        out.truncate(MAX_OPML_BYTES + 1)
    with pytest.raises(OpmlError, match="more than the 20,000,000 bytes"):
        read_opml(too_big)


def test_outlines_outside_the_body_and_head_title():
    text = (
        '<opml version="2.0"><head><title> My &amp; list </title>'
        '<outline text="in head" xmlUrl="https://head/"/></head>'
        '<body><outline text="in body" xmlUrl="https://body/"/></body></opml>'
    )
    document = parse_opml(text.encode())
    assert document.title == "My & list"
    assert [e.feed.name for e in document.entries] == ["in body"]


FEEDS = [
    Feed("World", "https://w.example/rss", ("world", "news")),
    Feed("World 2", "https://w2.example/rss", ("world",)),
    Feed("Plain", "https://p.example/rss"),
    Feed("Slashes & <commas>", "https://s.example/rss?a=1&b=2", ("tech/linux", "a,b", "news")),
    Feed("Off", "https://off.example/rss", ("world",), enabled=False, refresh_minutes=0, max_articles=7,
         max_age_days=3, full_text="never"),
    Feed("Local", "/tmp/feeds/local.xml", ("local",)),
    Feed('Quote " and tab\t', "https://q.example/rss", ("ünïcode topic",)),
]


def test_export_then_import_gives_the_same_feeds_and_topics():
    text = write_opml(FEEDS)
    back = [e.feed for e in parse_opml(text.encode()).entries]
    expected = [f if f.name != "Local" else Feed("Local", "file:///tmp/feeds/local.xml", ("local",))
                for f in FEEDS]
    assert [f.name for f in back] == [f.name.replace("\t", " ").strip() for f in expected]
    for got, want in zip(back, expected, strict=True):
        assert (got.url, got.topics, got.enabled, got.refresh_minutes, got.max_articles,
                got.max_age_days, got.full_text) == (want.url, want.topics, want.enabled,
                                                     want.refresh_minutes, want.max_articles,
                                                     want.max_age_days, want.full_text)


def test_every_other_feed_key_travels_in_newstui_attributes():
    """Whatever keys Feed has beyond name, url and topics (enabled, refresh_minutes, ...) come back."""
    from dataclasses import fields

    from newstui.core.feeds_file import extra_keys

    kinds = {f.name: str(f.type) for f in fields(Feed)}
    values = {}
    for key, default in extra_keys().items():
        kind = kinds[key]
        values[key] = (not default if kind.startswith("bool") else ("x, y", "z") if kind.startswith("tuple")
                       else 7 if kind.startswith("int") else "never")
    feed = Feed("All keys", "https://all.example/", ("t",), **values)
    (entry,) = parse_opml(write_opml([feed]).encode()).entries
    assert entry.feed == feed
    broken = write_opml([feed]).replace('newstui:enabled="false"', 'newstui:enabled="maybe"')
    document = parse_opml(broken.replace('="7"', '="seven"', 1).encode())
    assert document.entries[0].feed.enabled is True
    assert [w.split(": ", 2)[2].split("=")[0] for w in document.warnings][:1] == ["newstui:enabled"]


def test_hidden_characters_are_dropped_from_names_topics_and_urls():
    text = opml('<outline text="Zero\u200bwidth \u202eevil\u202c \U0001F468\u200d\U0001F469" '
                'xmlUrl="https://x.example/\u200brss" category="a\u2028b"/>')
    assert feeds_of(text) == [("Zerowidth evil \U0001F468\u200d\U0001F469", "https://x.example/rss", ("a b",))]


def test_export_nests_by_first_topic_and_lists_every_topic_in_category():
    text = write_opml(FEEDS[:3])
    assert text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<opml version="2.0" xmlns:newstui="https://pypi.org/project/newstui/#opml">\n'
        "  <head>\n    <title>newstui feeds</title>\n    <docs>http://opml.org/spec2.opml</docs>\n  </head>\n"
        "  <body>\n"
        '    <outline text="world" title="world">\n'
        '      <outline type="rss" text="World" title="World" xmlUrl="https://w.example/rss" category="world,news"/>\n'
        '      <outline type="rss" text="World 2" title="World 2" xmlUrl="https://w2.example/rss" category="world"/>\n'
        "    </outline>\n"
        '    <outline type="rss" text="Plain" title="Plain" xmlUrl="https://p.example/rss"/>\n'
        "  </body>\n</opml>\n"
    )
    # Another reader that ignores newstui's attributes still sees the folders and categories.
    plain = text.replace(' xmlns:newstui="https://pypi.org/project/newstui/#opml"', "")
    assert feeds_of(plain) == [(f.name, f.url, f.topics) for f in FEEDS[:3]]


def test_export_of_no_feeds_and_of_control_characters_is_still_well_formed():
    assert parse_opml(write_opml([]).encode()).entries == ()
    (entry,) = parse_opml(write_opml([Feed("bell\x07 name", "https://x/", ("t\x00",))]).encode()).entries
    assert entry.feed.name == "bell name"


# -- the newsboat corpus (../shared/corpus, not part of the repository) -------------------------

corpus = pytest.mark.skipif(not NEWSBOAT.is_dir(), reason="no ../shared/corpus/feeds/newsboat")


@corpus
@pytest.mark.parametrize(
    ("name", "count", "topics"),
    [
        ("example.opml", 7, {"John's musings": ("blogs",), "Notes by Mike": ("blogs", "friends"),
                             "Fred on everything": ("eloquent",)}),
        ("example2.opml", 7, {"Really?": ("rant boards", "humans"), "and another": ("rant boards",),
                              "another title": ()}),
        ("category.opml", 1, {"": ("tag one", "tag_two", "tag", "three")}),
        ("filtered.opml", 2, {"example.com website (Atom feed)": ("misc",), "Firehose": ()}),
        ("piped.opml", 2, {"Birdsite search": (), "example.com website (Atom feed)": ("tagged",)}),
        ("test-urls+.opml", 4, {"CC Test": ("tag1", "tag2"), "One more feed": ("tag1", "tag3")}),
    ],
)
def test_newsboat_corpus(name, count, topics):
    document = read_opml(NEWSBOAT / name)
    assert len(document.entries) == count and not document.skipped
    by_name = {e.feed.name: e.feed.topics for e in document.entries}
    for feed, expected in topics.items():
        assert by_name[feed] == expected


@corpus
def test_newsboat_corpus_broken_files():
    with pytest.raises(OpmlError, match="no <body>"):
        read_opml(NEWSBOAT / "body-element-missing.opml")
    with pytest.raises(OpmlError, match="the document is <not-opml>"):
        read_opml(NEWSBOAT / "opml-element-missing.opml")
    with pytest.raises(OpmlError, match="not an OPML file: the document is <rss>"):
        read_opml(NEWSBOAT / "rss20_1.xml")
    with pytest.raises(OpmlError, match="empty"):
        read_opml(NEWSBOAT / "empty.xml")
