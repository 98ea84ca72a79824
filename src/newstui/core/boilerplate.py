"""Removal of the boilerplate that survives main-text extraction, and that feeds send as content.

Works on any HTML fragment (a feed item's content or summary, or the HTML of an extracted page)
and removes whole blocks only, each recognised by its *entire* text, never by a word inside a
longer paragraph:

* "See also" / "Related:" / "Read more" / "Continue reading" / "More on this story" blocks, and
  the lists of links that follow such a heading: their links are kept as ``see_also``;
* share / subscribe / follow-us / newsletter / "sign up" prompts, and lists of social networks;
* images that are logos, icons, avatars or 1x1 tracking pixels;
* WordPress's "The post X appeared first on Y.";
* empty paragraphs.

German, French and Spanish equivalents of the common prompts are recognised too. Only lxml is
used (no trafilatura), so importing this module is cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree, html as lxml_html

from newstui.core.text import clean_text


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The HTML without its boilerplate blocks, the links those blocks held, and how many."""

    html: str
    see_also: tuple[tuple[str, str], ...]
    removed: int


# A heading (or a lead-in ending in ":") that introduces links to other stories.
_SEE_ALSO = re.compile(
    r"""^(?:
        see\ also | related(?:\ (?:articles?|stories|posts?|content|coverage|reading|links?|news))? |
        (?:read|more)\ (?:more|also)(?:\ (?:on|about)\ (?:this|that)(?:\ (?:story|topic))?)? |
        also\ read | further\ reading | recommended(?:\ (?:reading|for\ you|articles?|stories))? |
        more\ (?:on|about)\ this(?:\ (?:story|topic))? | more\ (?:stories|news|articles) |
        you\ (?:may|might)\ also\ (?:like|enjoy|be\ interested\ in) | don'?t\ miss | most\ (?:read|popular) |
        (?:lesen\ sie\ (?:auch|mehr|hier)|auch\ lesen|mehr\ zum\ thema|mehr\ themen|weitere\ themen|
           weitere\ (?:artikel|beiträge|meldungen|nachrichten)(?:\ zum\ thema)?|auch\ interessant|
           siehe\ auch|passend\ zum\ thema|das\ könnte\ sie\ (?:auch\ )?interessieren|
           (?:zum\ )?weiterlesen|mehr\ dazu|meistgelesen|schon\ gelesen\??) |
        (?:(?:à\ )?lire\ (?:aussi|également)|voir\ aussi|(?:à\ )?voir\ aussi|sur\ le\ même\ sujet|
           lire\ la\ suite|articles?\ similaires?|en\ savoir\ plus|à\ lire) |
        (?:le[ae]\ (?:también|más)|lee\ más|ve[ar]\ también|(?:te|le)\ puede\ interesar|
           (?:noticias|notas)\ relacionadas|contenidos?\ relacionados?|artículos?\ relacionados?|
           leer\ más|seguir\ leyendo|más\ información|puedes\ ver|mira|mire|lea) |
        (?:leia\ (?:também|mais)|veja\ também|saiba\ mais|notícias\ relacionadas)
    )\s*[:.…»›→>\-–—]*$""",
    re.IGNORECASE | re.VERBOSE,
)
# A "continue reading" prompt: the whole block is the prompt, maybe followed by the title it links.
_CONTINUE = re.compile(
    r"""^(?:continue\ reading|read\ more|read\ the\ (?:full|rest|whole)(?:\ of\ the)?\ (?:story|article|post)|
        keep\ reading|full\ story|weiterlesen|mehr\ lesen|lire\ la\ suite|seguir\ leyendo|leer\ más)
        \b""",
    re.IGNORECASE | re.VERBOSE,
)
# Share / subscribe / follow / newsletter prompts, matched against a whole short block.
_PROMPT = re.compile(
    r"""^(?:
        share(?:\ (?:this|on|via|article|story|post|the\ (?:article|story|post|page))\b.*|\s*[:!]?.{0,3}) |
        click\ to\ (?:share|email|print|tweet)\b.* | tweet\ this\b.* | like\ us\ on\b.* |
        follow\ (?:us|me)\b.* | follow\ .{1,40}\ on\ (?:twitter|x|facebook|instagram|linkedin|mastodon)\b.* |
        subscribe\b.* | sign\ up\b.* | get\ (?:our|the)\ .{0,30}newsletter\b.* |
        (?:join|receive|try)\ our\ .{0,30}newsletter\b.* | newsletter\b.{0,80} | .{0,40}\bnewsletter |
        (?:teilen|jetzt\ teilen|artikel\ teilen|folgen\ sie\ uns|folge\ uns|newsletter\ abonnieren|
           jetzt\ abonnieren|abonnieren\ sie)\b.* |
        (?:partager|partagez|suivez[-\ ]nous|abonnez[-\ ]vous|inscrivez[-\ ]vous)\b.* |
        (?:compartir|compártelo|s[ií]guenos|suscr[ií]bete|reg[ií]strate)\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_PROMPT_MAX = 160  # longer blocks are content, whatever they start with
_SOCIAL = frozenset(
    "facebook twitter x linkedin whatsapp telegram reddit pinterest tumblr email e-mail mail "
    "print drucken imprimer imprimir share teilen partager compartir copy link mastodon bluesky "
    "threads flipboard pocket xing messenger sms".split()
)
_WP_POST = re.compile(r"^the post .+ appeared first on .+$", re.IGNORECASE | re.DOTALL)
_ICON_ALT = re.compile(r"\b(?:logo|icon|avatar|gravatar|spacer|tracking|pixel|emoji)\b", re.I)
_BOILER_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share(?:daddy|-?buttons?|-?bar|-?links?|-?tools?)|social-?(?:share|links|media|icons)|"
    r"addtoany|a2a_kit|jp-relatedposts|related-?(?:posts?|articles?|stories|content)|"
    r"newsletter-?(?:signup|form|box|promo)|feedflare)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCKS = (
    "p", "div", "section", "aside", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "figure", "footer", "header", "nav", "dl", "table",
)  # fmt: skip
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "strong", "b", "dt"))
_MEDIA = ("img", "iframe", "video", "audio", "picture", "object", "embed", "svg", "hr", "table")
_DOCUMENT = re.compile(r"^\s*(?:<!doctype|<\?xml|<html|<head)", re.IGNORECASE)


def strip_boilerplate(html: str, base_url: str = "") -> Cleaned:
    """``html`` without its boilerplate blocks (see the module docstring). Never raises."""
    if not isinstance(html, str) or not html.strip():
        return Cleaned("" if not isinstance(html, str) else html, (), 0)
    try:
        return _Stripper(base_url or "").run(html)
    except Exception:  # noqa: BLE001 - unparseable input is returned as it came
        return Cleaned(html, (), 0)


class _Stripper:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.links: dict[str, str] = {}
        self.removed = 0

    def run(self, source: str) -> Cleaned:
        if _DOCUMENT.match(source):
            root = lxml_html.document_fromstring(source)
            body = root.find("body")
            container = body if body is not None else root
        else:
            container = lxml_html.fragment_fromstring(source, create_parent="div")
        for comment in container.xpath(".//comment()|.//processing-instruction()"):
            _drop(comment)
        self.clean(container)
        if not self.removed:
            return Cleaned(source, (), 0)
        text = _escape(container.text or "")
        out = text + "".join(etree.tostring(c, encoding="unicode", method="html") for c in container)
        return Cleaned(out.strip(), tuple(self.links.items()), self.removed)

    # -- passes -----------------------------------------------------------------------------

    def clean(self, container: lxml_html.HtmlElement) -> None:
        for element in list(container.iter(*_BLOCKS)):
            if element is container or not _attached(element, container):
                continue
            if self._by_class(element):
                continue
            text = _text(element)
            if not text:
                continue
            if _SEE_ALSO.match(text) and element.tag in _HEADINGS:
                self._following_links(self._remove(element, keep_links=True))
            elif self._lead_in(element, text) or self._prompt(element, text):
                continue
        for img in list(container.iter("img")):
            if _attached(img, container) and _is_icon(img):
                self._remove(img, keep_links=False)
        for element in list(container.iter("a")):  # a bare "Read more »" link inside a paragraph
            if _attached(element, container) and _is_continue(_text(element)):
                self._remove(element, keep_links=True)
        for element in list(container.iter("p", "div", "li")):
            if _attached(element, container) and _is_empty(element):
                self._remove(element, keep_links=False)

    def _by_class(self, element: lxml_html.HtmlElement) -> bool:
        marks = f"{element.get('class', '')} {element.get('id', '')}"
        if marks.strip() and _BOILER_CLASS.search(marks):
            related = "related" in marks.lower()
            self._remove(element, keep_links=related)
            return True
        return False

    def _lead_in(self, element: lxml_html.HtmlElement, text: str) -> bool:
        """"Related: <a>…</a>", "Read more: <a>…</a>", "Continue reading <a>…</a>" paragraphs."""
        if element.tag not in ("p", "div", "li", "h2", "h3", "h4", "h5", "h6"):
            return False
        head, sep, rest = text.partition(":")
        linked = _link_share(element)
        if sep and _SEE_ALSO.match(head.strip()) and len(text) <= 400 and (
            _link_chars(element) >= 0.6 * len("".join(rest.split()))
        ):
            pass
        elif _is_continue(text) or (
            _CONTINUE.match(text) and len(text) <= 200 and (linked >= 0.5 or text.endswith(("→", "»", "…")))
        ):
            pass
        elif _WP_POST.match(text) and len(text) <= 400:
            self._remove(element, keep_links=False)
            return True
        else:
            return False
        self._remove(element, keep_links=True)
        return True

    def _prompt(self, element: lxml_html.HtmlElement, text: str) -> bool:
        if len(text) > _PROMPT_MAX or element.tag in ("table", "blockquote", "figure"):
            return False
        words = set(re.findall(r"[\w-]+", text.casefold()))
        social = bool(words) and words <= _SOCIAL and len(words) >= 2
        if social and element.tag not in ("p", "h1", "h2", "h3", "h4", "h5", "h6") or (
            _PROMPT.match(text) and (len(text) <= 80 or _link_share(element) >= 0.3 or social)
        ):
            self._remove(element, keep_links=False)
            return True
        return False

    def _following_links(self, sibling: lxml_html.HtmlElement | None) -> None:
        """After a "See also" heading: the link lists and link-only paragraphs that follow it."""
        while sibling is not None:
            after = sibling.getnext()
            if isinstance(sibling.tag, str) and (
                (sibling.tag in ("ul", "ol", "dl") and _link_share(sibling) >= 0.6)
                or (sibling.tag in ("p", "div", "li") and _link_share(sibling) >= 0.8)
            ):
                self._remove(sibling, keep_links=True)
                sibling = after
            else:
                break

    def _remove(self, element: lxml_html.HtmlElement, keep_links: bool) -> etree._Element | None:
        """Drop the element (collecting its links if asked); returns its next sibling."""
        after = element.getnext()
        if keep_links:
            for link in element.iter("a"):
                href = (link.get("href") or "").strip()
                if not href or href.startswith(("#", "javascript:", "mailto:", "data:")):
                    continue
                url = clean_text(urljoin(self.base_url, href) if self.base_url else href)
                if url and url != self.base_url and url not in self.links:
                    self.links[url] = clean_text(link.text_content())
        _drop(element)
        self.removed += 1
        return after


def _drop(node: etree._Element) -> None:
    """Remove a node, keeping its tail text in place."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def _attached(element: etree._Element, container: etree._Element) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is container:
            return True
    return False


def _text(element: lxml_html.HtmlElement) -> str:
    """The element's text, with a space wherever a tag was (so list items do not run together)."""
    return " ".join(" ".join(element.itertext()).split())


def _link_chars(element: lxml_html.HtmlElement) -> int:
    return sum(len("".join(a.text_content().split())) for a in element.iter("a"))


def _link_share(element: lxml_html.HtmlElement) -> float:
    """The share of the element's text that is link text."""
    total = len("".join(element.text_content().split()))
    return min(1.0, _link_chars(element) / total) if total else 0.0


def _is_continue(text: str) -> bool:
    """The whole text is a "read more" prompt, with at most arrows or ellipses around it."""
    core = text.strip(" .…»›→>«‹←<[]()-–—|:")
    return bool(core) and len(core) <= 40 and bool(_CONTINUE.match(core)) and (
        _CONTINUE.match(core).end() >= len(core) - 1  # type: ignore[union-attr]
    )


def _is_icon(img: lxml_html.HtmlElement) -> bool:
    if _ICON_ALT.search(img.get("alt", "")):
        return True
    sizes = [img.get("width", ""), img.get("height", "")]
    try:
        return all(float(s.strip().rstrip("px") or "9") <= 1 for s in sizes)
    except ValueError:
        return False


def _is_empty(element: lxml_html.HtmlElement) -> bool:
    if element.text_content().strip(" \t\r\n\xa0\u200b"):
        return False
    return next(element.iter(*_MEDIA), None) is None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
