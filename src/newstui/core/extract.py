"""Main-text extraction from an article page: the story's text and its metadata, as simple HTML.

The page is parsed once and goes through trafilatura (imported lazily: its import costs ~0.4 s)
in its balanced mode, without comments, with links and tables. Its XML body is converted to the
small HTML vocabulary of :mod:`newstui.core.render`, then:

* the *lead* (standfirst) is put back when trafilatura left it out: news templates often print
  the page's description as a teaser paragraph outside the article container. It is restored
  only when a visible element of the page holds that same text, and the text is not already in
  the extraction;
* :func:`~newstui.core.boilerplate.strip_boilerplate` removes the "see also" / share / newsletter
  blocks that survive extraction.

Metadata is read from the page's own declarations (meta tags, JSON-LD) through trafilatura's
cheap readers, the date with htmldate's fast mode, and the title is chosen the way Readability
does: declared title first (``og:title``, ``twitter:title``, Dublin Core, JSON-LD headline), else
the ``<title>`` element without the site name templates add to it, else a single ``<h1>``.

Every string handed back is free of terminal control characters.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from newstui.core.boilerplate import strip_boilerplate
from newstui.core.charset import decode_body
from newstui.core.render import html_to_text
from newstui.core.text import clean_text, strip_controls

MIN_WORDS = 50  # below this an extraction counts as "too little text"
_MAX_CHARS = 10_000_000  # the rest of a bigger page is ignored


@dataclass(frozen=True, slots=True)
class Extracted:
    """What :func:`extract` found on a page; ``reason`` says why it is not an article."""

    url: str
    title: str
    byline: str
    date: str  # ISO 8601 (YYYY-MM-DD) or ""
    site: str
    html: str  # p, h2-h6, lists, blockquote, pre/code, tables, a href, b/i, br, hr
    text: str  # one paragraph per line
    see_also: tuple[tuple[str, str], ...]
    words: int
    is_article: bool
    reason: str


def extract(page: bytes | str, url: str = "") -> Extracted:
    """The main text and metadata of an article page. Never raises on bad input."""
    url = clean_text(url) if isinstance(url, str) else ""
    try:
        return _extract(page, url)
    except Exception as error:  # noqa: BLE001 - a page must never break the reader
        logging.getLogger(__name__).debug("extraction failed for %s: %r", url, error)
        return _empty(url, "could not read the page")


def _empty(url: str, reason: str) -> Extracted:
    return Extracted(url, "", "", "", "", "", "", (), 0, False, reason)


def _extract(page: bytes | str, url: str) -> Extracted:
    if isinstance(page, (bytes, bytearray, memoryview)):
        page = decode_body(bytes(page)).text  # BOM, valid UTF-8, then the declared charset
    elif not isinstance(page, str):
        return _empty(url, "not a page")
    page = strip_controls(page[:_MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n"))
    if not page.strip():
        return _empty(url, "empty page")

    from trafilatura.utils import load_html

    tree = load_html(page)
    if tree is None or tree.find("body") is None:
        return _empty(url, "not an HTML page")
    meta = _metadata(tree, url)
    body_html, raw = main_html(tree, url)
    cleaned = strip_boilerplate(body_html, url)
    text = strip_controls(html_to_text(cleaned.html))
    words = count_words(text)
    is_article, reason = _judge(text, words, cleaned.html, raw, tree)
    return Extracted(
        url=url,
        html=strip_controls(cleaned.html),
        text=text,
        see_also=cleaned.see_also,
        words=words,
        is_article=is_article,
        reason=reason,
        **meta,
    )


# --- main text ----------------------------------------------------------------------------------

OPTIONS = {
    "include_comments": False,  # readers' comments are not the story
    "include_tables": True,
    "include_links": True,
    "include_images": False,  # images make trafilatura keep more boilerplate; we show no pictures
    "include_formatting": True,
}


FAST_ENOUGH = 1500  # characters of text from the fast pass that are trusted without the fallbacks


def main_html(tree, url: str) -> tuple[str, str]:  # noqa: ANN001 - an lxml tree
    """The main content of a parsed page as simple HTML, the lead restored, and its raw text
    (trafilatura's lines); ("", "") if none."""
    from trafilatura import bare_extraction
    from trafilatura.htmlprocessing import convert_to_html

    # Fast mode first (no comparison with readability/justext: ~10 ms less a page); the full
    # cascade only when that found little, which is where the comparison changes the result.
    document = bare_extraction(tree, url=url or None, fast=True, **OPTIONS)
    if document is None or document.body is None or len(document.text or "") < FAST_ENOUGH:
        document = bare_extraction(tree, url=url or None, **OPTIONS)
    if document is None or document.body is None:
        return "", ""
    raw = "\n".join([document.body.text or "", *("".join(c.itertext()) for c in document.body)])
    extracted = " ".join(raw.split())
    html = _to_html(convert_to_html(document.body))
    lead = _lead(tree, extracted)
    return (f"<p>{_escape(lead)}</p>{html}" if lead else html), raw


_ATTRS = {"a": ("href",), "img": ("src", "alt"), "ol": ("start",)}


def _to_html(root) -> str:  # noqa: ANN001 - an lxml element
    """trafilatura's HTML conversion, with only the attributes our renderer reads."""
    from lxml.etree import tostring

    body = root.find("body")
    if body is None:
        return ""
    for element in body.iter():
        keep = _ATTRS.get(element.tag, ())
        for name in list(element.attrib):
            if name not in keep:
                del element.attrib[name]
    html = "".join(tostring(child, encoding="unicode", method="html") for child in body)
    lines = (body.text or "").strip().splitlines()  # trafilatura's plain-text fallback
    return "".join(f"<p>{_escape(line)}</p>" for line in lines if line.strip()) + html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_DESCRIPTION = (
    '//head/meta[@property="og:description" or @name="description" '
    'or @name="twitter:description" or @property="twitter:description"]/@content'
)
_LEAD_BLOCKS = frozenset("p div h2 h3 h4 h5 h6 section header summary blockquote strong b".split())
_NOT_LEAD = frozenset("a nav footer aside form button select label script style noscript".split())


def _lead(tree, extracted: str) -> str:  # noqa: ANN001 - an lxml tree
    """The page's standfirst when the extraction left it out, else "".

    The description a page declares is usually its standfirst; it is restored only if a visible
    block of the page (not a link, a menu, a footer or a form) holds just that text."""
    descriptions = sorted({" ".join(str(d).split()) for d in tree.xpath(_DESCRIPTION)}, key=len)
    if not descriptions or len(descriptions[-1]) < 60:
        return ""
    description = descriptions[-1].rstrip(".…").removesuffix("...").strip()
    if description[:60] in extracted:
        return ""
    start = " ".join(description[:24].split())
    for element in tree.find("body").iter():
        if not isinstance(element.tag, str) or not element.text or start not in " ".join(element.text.split()):
            continue
        block = element
        while block is not None and block.tag not in _LEAD_BLOCKS:
            block = block.getparent()
        if block is None or _hidden(block):
            return ""
        text = " ".join(block.text_content().split())
        if text.startswith(description[:40]) and len(text) <= max(len(description) * 1.3, len(description) + 80):
            return text
        return ""
    return ""


def _hidden(element) -> bool:  # noqa: ANN001
    for node in (element, *element.iterancestors()):
        if node.tag in _NOT_LEAD or node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return True
        if "none" in node.get("style", "").replace(" ", "").partition("display:")[2][:5]:
            return True
    return False


# --- the "is this an article" decision ---------------------------------------------------------


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_LINK_TEXT = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def count_words(text: str) -> int:
    """Words separated by spaces, each Chinese, Japanese or Korean character counting as one."""
    cjk = len(_CJK.findall(text))
    return len(_CJK.sub(" ", text).split()) + cjk


def _anchor_texts(tree) -> set[str]:  # noqa: ANN001
    """The texts of the page's links, whitespace collapsed."""
    return {" ".join(a.text_content().split()) for a in tree.iter("a")} - {""}


def _judge(text: str, words: int, html: str, raw: str, tree) -> tuple[bool, str]:  # noqa: ANN001
    """Is there an article? Enough words, in paragraphs rather than a list of links.

    Link text is measured twice: as links in the extracted HTML, and as lines that are a link's
    whole text on the page (trafilatura's plain-text fallback drops the links themselves)."""
    if words < MIN_WORDS:
        return False, f"too little text ({words} words)"
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    total = sum(len(line) for line in lines) or 1
    linked = sum(len(" ".join(_TAGS.sub("", m).split())) for m in _LINK_TEXT.findall(html))
    raw_lines = [" ".join(line.split()) for line in raw.splitlines()]
    anchors = _anchor_texts(tree) if linked <= 0.5 * total else set()
    link_lines = sum(len(line) for line in raw_lines if line in anchors)
    if max(linked, link_lines) > 0.5 * total:
        return False, "not an article (a list of links)"
    if max((count_words(line) for line in lines), default=0) < 20:
        return False, "not an article (no paragraph of running text)"
    return True, ""


# --- metadata ----------------------------------------------------------------------------------
# Read the way Readability reads it: JSON-LD of an article type, then meta tags, then the page.

_PROPERTY = re.compile(
    r"\s*(article|dc|dcterm|og|twitter)\s*:\s*(author|creator|description|published_time|title|site_name)\s*",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"^\s*(?:(dc|dcterm|og|twitter|parsely|weibo:(?:article|webpage))\s*[-.:]\s*)?"
    r"(author|creator|pub-date|description|title|site_name)\s*$",
    re.IGNORECASE,
)
_ARTICLE_TYPE = re.compile(
    r"^Article|AdvertiserContentArticle|NewsArticle|AnalysisNewsArticle|AskPublicNewsArticle|"
    r"BackgroundNewsArticle|OpinionNewsArticle|ReportageNewsArticle|ReviewNewsArticle|Report|"
    r"SatiricalArticle|ScholarlyArticle|MedicalScholarlyArticle|SocialMediaPosting|BlogPosting|"
    r"LiveBlogPosting|DiscussionForumPosting|TechArticle|APIReference$"
)
_SCHEMA_ORG = re.compile(r"^https?://schema\.org/?$")


def _metadata(tree, url: str) -> dict[str, str]:  # noqa: ANN001 - an lxml tree
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        matched = False
        for match in _PROPERTY.finditer(element.get("property") or ""):
            values[re.sub(r"\s", "", match.group(0).lower())] = content.strip()
            matched = True
        name = element.get("name") or ""
        if not matched and name and _NAME.match(name):
            values[re.sub(r"\s", "", name.lower()).replace(".", ":")] = content.strip()
    ld = _json_ld(tree)
    title = ld.get("title") or next(
        (values[k] for k in _TITLE_KEYS if values.get(k)), ""
    ) or _title_element(tree)
    author = values.get("article:author", "")
    byline = ld.get("byline") or next((values[k] for k in _AUTHOR_KEYS if values.get(k)), "")
    if not byline and author and not author.startswith(("http:", "https:", "/")):
        byline = author
    return {
        "title": clean_text(title),
        "byline": clean_text(byline) or _byline(tree),
        "date": _date(tree, url, ld.get("date") or values.get("article:published_time") or values.get("parsely-pub-date", "")),
        "site": clean_text(ld.get("site") or values.get("og:site_name", "")),
    }


_TITLE_KEYS = (
    "dc:title", "dcterm:title", "og:title", "weibo:article:title", "weibo:webpage:title", "title",
    "twitter:title", "parsely-title",
)  # fmt: skip
_AUTHOR_KEYS = ("dc:creator", "dcterm:creator", "author", "parsely-author")


def _json_ld(tree) -> dict[str, str]:  # noqa: ANN001
    import json

    found: dict[str, str] = {}
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        text = re.sub(r"^\s*<!\[CDATA\[|\]\]>\s*$", "", script.text or "")
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        if isinstance(data, list):
            data = next((i for i in data if isinstance(i, dict) and _is_article(i)), None)
        if not isinstance(data, dict):
            continue
        context = data.get("@context")
        vocab = context.get("@vocab") if isinstance(context, dict) else context
        if not isinstance(vocab, str) or not _SCHEMA_ORG.match(vocab):
            continue
        if "@type" not in data and isinstance(data.get("@graph"), list):
            data = next((i for i in data["@graph"] if isinstance(i, dict) and _is_article(i)), None)
        if not isinstance(data, dict) or not _is_article(data):
            continue
        name, headline = data.get("name"), data.get("headline")
        if isinstance(name, str) and isinstance(headline, str) and name != headline:
            title = _title_element(tree)
            found["title"] = headline if _similar(headline, title) and not _similar(name, title) else name
        elif isinstance(name, str) or isinstance(headline, str):
            found["title"] = (name if isinstance(name, str) else headline).strip()
        author = data.get("author")
        if isinstance(author, dict) and isinstance(author.get("name"), str):
            found["byline"] = author["name"].strip()
        elif isinstance(author, list) and author and isinstance(author[0], dict):
            names = [a["name"].strip() for a in author if isinstance(a, dict) and isinstance(a.get("name"), str)]
            found["byline"] = ", ".join(names)
        publisher = data.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            found["site"] = publisher["name"].strip()
        if isinstance(data.get("datePublished"), str):
            found["date"] = data["datePublished"].strip()
    return found


def _is_article(item: dict) -> bool:
    kind = item.get("@type")
    return isinstance(kind, str) and bool(_ARTICLE_TYPE.search(kind))


def _similar(a: str, b: str) -> bool:
    """Readability's text similarity above 0.75: most of b's words are in a."""
    words_a = [w for w in re.split(r"\W+", a.lower()) if w]
    words_b = [w for w in re.split(r"\W+", b.lower()) if w]
    if not words_a or not words_b:
        return False
    unique_b = [w for w in words_b if w not in words_a]
    return 1 - len(" ".join(unique_b)) / len(" ".join(words_b)) > 0.75


_SEPARATOR = re.compile(r" [|\-–—\\/>»] ")
_HIERARCHY = re.compile(r" [\\/>»] ")


def _title_element(tree) -> str:  # noqa: ANN001
    """Readability's reading of ``<title>``: without a site name added before or after it."""
    element = tree.find(".//title")
    original = " ".join(element.text_content().split()) if element is not None else ""
    title, hierarchical = original, False
    separators = list(_SEPARATOR.finditer(original))
    if separators:
        hierarchical = bool(_HIERARCHY.search(original))
        title = original[: separators[-1].start()]
        if len(title.split()) < 3:
            title = re.sub(r"^[^|\-–—\\/>»]*[|\-–—\\/>»]", "", original)
    elif ": " in original:
        if not any(" ".join(h.text_content().split()) == original for h in tree.iter("h1", "h2")):
            title = original[original.rfind(":") + 1 :]
            if len(title.split()) < 3:
                title = original[original.find(":") + 1 :]
            elif len(original[: original.find(":")].split()) > 5:
                title = original
    elif len(original) > 150 or len(original) < 15:
        headings = tree.findall(".//h1")
        if len(headings) == 1:
            title = headings[0].text_content()
    title = " ".join(title.split())
    count = len(title.split())
    if count <= 4 and (
        not hierarchical or count != len(re.sub(r"[|\-–—\\/>»]+", "", original).split()) - 1
    ):
        title = original
    return title


_BYLINE = re.compile(r"byline|author|dateline|writtenby|p-author", re.IGNORECASE)


def _byline(tree) -> str:  # noqa: ANN001 - an lxml tree
    """A short element of the page marked as the byline (``rel=author``, a byline class), the
    first in document order. A plain walk: 2-3x faster than the equivalent XPath here."""
    body = tree.find("body")
    for element in body.iter() if body is not None else ():
        attrib = element.attrib
        if not attrib:
            continue
        marks = f"{attrib.get('class', '')} {attrib.get('id', '')}"
        if attrib.get("rel") == "author" or "author" in attrib.get("itemprop", "") or _BYLINE.search(marks):
            text = clean_text(element.text_content())
            if 0 < len(text) < 100:
                return text
    return ""


def _date(tree, url: str, declared: str) -> str:  # noqa: ANN001
    """The publication date as YYYY-MM-DD: the declared one, else htmldate's fast search."""
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", declared or "")
    if match:
        return match.group(1)
    from htmldate import find_date
    from trafilatura.settings import set_date_params

    try:
        return clean_text(find_date(tree, url=url or None, **set_date_params(False)) or "")
    except Exception:  # noqa: BLE001
        return ""
