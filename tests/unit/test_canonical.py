"""Canonical article keys: the same article through two feeds has one key; different ones do not."""

from __future__ import annotations

import pytest

from newstui.core.canonical import canonical_url, same_article

BASE = "https://example.com/news/story"

SAME = [
    # scheme
    ("http://example.com/news/story", BASE),
    ("HTTPS://example.com/news/story", BASE),
    ("//example.com/news/story", BASE),
    ("  https://example.com/news/story \n", BASE),
    # host: case, trailing dot, www / mobile / AMP prefixes, ports, credentials
    ("https://EXAMPLE.com/news/story", BASE),
    ("https://example.com./news/story", BASE),
    ("https://www.example.com/news/story", BASE),
    ("https://m.example.com/news/story", BASE),
    ("https://mobile.example.com/news/story", BASE),
    ("https://amp.example.com/news/story", BASE),
    ("https://www.example.com:443/news/story", BASE),
    ("http://example.com:80/news/story", BASE),
    ("https://user:secret@example.com/news/story", BASE),
    ("https://m.bbc.co.uk/news/world-1", "https://www.bbc.co.uk/news/world-1"),
    # path: trailing slash, duplicate slashes, dot segments, index pages
    ("https://example.com/news/story/", BASE),
    ("https://example.com//news///story", BASE),
    ("https://example.com/news/./story", BASE),
    ("https://example.com/news/old/../story", BASE),
    ("https://example.com/news/story/index.html", BASE),
    ("https://example.com/news/story/index.htm", BASE),
    ("https://example.com/news/story/index.php", BASE),
    ("https://example.com/", "https://example.com"),
    ("https://example.com/index.html", "https://example.com"),
    # percent-encoding
    ("https://example.com/%7Euser/a", "https://example.com/~user/a"),
    ("https://example.com/%6Eews/story", BASE),
    ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
    ("https://example.com/café", "https://example.com/caf%C3%A9"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com/a?q=caf%c3%a9", "https://example.com/a?q=café"),
    # AMP path variants
    ("https://example.com/news/story/amp", BASE),
    ("https://example.com/news/story/amp/", BASE),
    ("https://example.com/amp/news/story", BASE),
    ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
    ("https://www.bbc.co.uk/news/world-1.amp", "https://www.bbc.co.uk/news/world-1"),
    # AMP caches
    ("https://example-com.cdn.ampproject.org/c/s/example.com/news/story", BASE),
    ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/story", BASE),
    ("https://example-com.cdn.ampproject.org/c/example.com/news/story", BASE),
    ("https://example-com.cdn.ampproject.org/v/s/example.com/news/story?amp_js_v=0.1", BASE),
    ("https://example-com.cdn.ampproject.org/c/s/example.com/news/story/amp?usqp=mq331AQ", BASE),
    ("https://gizmodo-com.cdn.ampproject.org/c/s/gizmodo.com/x", "https://gizmodo.com/x"),
    ("https://www.google.com/amp/s/example.com/news/story", BASE),
    ("https://www.google.com/amp/example.com/news/story", BASE),
    ("https://www.google.co.uk/amp/s/www.example.com/news/story.amp.html",
     "https://example.com/news/story.html"),
    # fragments
    ("https://example.com/news/story#comments", BASE),
    ("https://example.com/news/story#", BASE),
    ("https://example.com/news/story?#top", BASE),
    # query: tracking families
    ("https://example.com/news/story?utm_source=rss&utm_medium=feed&utm_campaign=x", BASE),
    ("https://example.com/news/story?UTM_Source=rss", BASE),
    ("https://example.com/news/story?utm_content=a&utm_term=b&utm_id=c", BASE),
    ("https://example.com/news/story?fbclid=IwAR0abc", BASE),
    ("https://example.com/news/story?gclid=abc&gclsrc=aw.ds&dclid=x", BASE),
    ("https://example.com/news/story?msclkid=1&yclid=2&twclid=3&igshid=4&ttclid=5", BASE),
    ("https://example.com/news/story?mc_cid=1&mc_eid=2", BASE),
    ("https://example.com/news/story?_hsenc=p2&_hsmi=5", BASE),
    ("https://example.com/news/story?mkt_tok=abc", BASE),
    ("https://example.com/news/story?oly_anon_id=1&oly_enc_id=2&vero_id=3&wickedid=4", BASE),
    ("https://example.com/news/story?ref=hn", BASE),
    ("https://example.com/news/story?ref_src=twsrc&ref_url=x&referrer=y", BASE),
    ("https://example.com/news/story?CMP=twt_gu", BASE),
    ("https://example.com/news/story?cmpid=rss", BASE),
    ("https://example.com/news/story?ito=1", BASE),
    ("https://example.com/news/story?at_medium=RSS&at_campaign=KARANGA", BASE),
    ("https://example.com/news/story?xtor=RSS-1", BASE),
    ("https://example.com/news/story?ns_mchannel=rss&ns_campaign=x", BASE),
    ("https://example.com/news/story?ocid=msn", BASE),
    ("https://example.com/news/story?sr_share=twitter", BASE),
    ("https://example.com/news/story?share=facebook", BASE),
    ("https://example.com/news/story?smid=tw-share", BASE),
    ("https://example.com/news/story?pk_campaign=a&mtm_source=b", BASE),
    ("https://example.com/news/story?_ga=2.1&_gl=1*x", BASE),
    # query: AMP and RSS switches
    ("https://example.com/news/story?amp", BASE),
    ("https://example.com/news/story?amp=1", BASE),
    ("https://example.com/news/story?outputType=amp", BASE),
    ("https://example.com/news/story?output=amp", BASE),
    ("https://example.com/news/story?rss", BASE),
    ("https://example.com/news/story?rss=1", BASE),
    ("https://example.com/news/story?from=rss", BASE),
    ("https://example.com/news/story?src=rss", BASE),
    ("https://example.com/news/story?partner=rss&emc=rss", BASE),
    ("https://example.com/news/story?source=rss----abc---4", BASE),
    ("https://www.youtube.com/watch?v=abc&feature=youtu.be", "https://youtube.com/watch?v=abc"),
    # query: twitter share tags
    ("https://twitter.com/u/status/1?s=20&t=abc", "https://twitter.com/u/status/1"),
    ("https://mobile.twitter.com/u/status/1?s=20", "https://twitter.com/u/status/1"),
    ("https://x.com/u/status/1?s=46", "https://x.com/u/status/1"),
    # query: order, blanks, empty pieces, double-escaped &
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?a=1&utm_source=x&b=2", "https://example.com/a?b=2&a=1"),
    ("https://example.com/a?k", "https://example.com/a?k="),
    ("https://example.com/a?a=1&&b=2&", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?a=1&amp;b=2", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?", "https://example.com/a"),
    ("https://example.com/news/story?id=5&utm_source=x", "https://example.com/news/story/?id=5"),
    # WordPress
    ("https://blog.example.com/?p=123&utm_medium=rss", "https://blog.example.com/?p=123"),
    ("https://blog.example.com/index.php?p=123", "https://blog.example.com/?p=123"),
]

DIFFERENT = [
    ("https://example.com/news/story", "https://example.com/news/other"),
    ("https://example.com/news/story", "https://example.com/news/story/2"),
    ("https://example.com/A", "https://example.com/a"),
    ("https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("https://example.com/a?id=1", "https://example.com/a"),
    ("https://blog.example.com/?p=123", "https://blog.example.com/?p=124"),
    ("https://example.com/?s=climate", "https://example.com/?s=sport"),  # WordPress search
    ("https://example.com/a?src=img1", "https://example.com/a?src=img2"),  # real src values
    ("https://example.com/a?page=2", "https://example.com/a?page=3"),
    ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abd"),
    ("https://news.example.com/a", "https://example.com/a"),
    ("https://www2.example.com/a", "https://example.com/a"),
    ("https://example.com/a", "https://example.org/a"),
    ("https://example.com:8080/a", "https://example.com/a"),
    ("https://amp.dev/a", "https://dev/a"),
    ("https://example.com/a%2Fb", "https://example.com/a/b"),  # an escaped slash is not a slash
    ("https://example.com/#!/story/1", "https://example.com/#!/story/2"),
    ("https://example.com/#!/story/1", "https://example.com/"),
    ("https://example.com/a", "ftp://example.com/a"),
    ("https://example.com/a", "example.com/a"),
    ("https://example.com/champion", "https://example.com/champ"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_same_article_has_one_key(a, b):
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_articles_keep_different_keys(a, b):
    assert canonical_url(a) != canonical_url(b)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://www.Example.com:80/a/b/?utm_source=x&z=1&y=#f", "https://example.com/a/b?y=&z=1"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com/#!/story/1", "https://example.com#!/story/1"),
        ("https://[::1]:443/a", "https://[::1]/a"),
        ("https://[2001:db8::1]:8080/a", "https://[2001:db8::1]:8080/a"),
    ],
)
def test_the_key_itself(url, key):
    assert canonical_url(url) == key


@pytest.mark.parametrize(
    "url",
    ["mailto:news@example.com", "javascript:alert(1)", "urn:uuid:1234", "/relative/path",
     "tag:example.com,2024:1", "ftp://Example.com/A/"],
)
def test_other_schemes_come_back_only_stripped(url):
    assert canonical_url(f"  {url}\t") == url


@pytest.mark.parametrize(
    "url",
    ["", " ", "http://", "https://", "https://[::1", "https://[::1]x/a", "http://host:port/a",
     "http://host:99999999999/a", "https://exa mple.com/a", "https://example.com/\udcff",
     "https://example.com/%zz%", "https://example.com/%", "http://@/", "https://:443",
     "https://example.com/../../..", "https://example.com/?&&&=&=", "\x00\x01", "%%%", "#!",
     "https://example-com.cdn.ampproject.org/c/s/", "https://www.google.com/amp/s/"],
)
def test_garbage_never_raises(url):
    assert isinstance(canonical_url(url), str)


def test_empty_input_has_an_empty_key():
    assert canonical_url("") == canonical_url("   ") == ""
    assert canonical_url(None) == ""  # type: ignore[arg-type]


def test_same_article():
    assert same_article("http://www.example.com/a/?utm_source=x", "https://example.com/a")
    assert not same_article("https://example.com/a", "https://example.com/b")
    assert not same_article("", "")
    assert not same_article("", "https://example.com/a")
    assert not same_article(" ", "  ")
