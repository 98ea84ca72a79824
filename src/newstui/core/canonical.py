"""Canonical article keys: the same article reached through two feeds has the same key.

:func:`canonical_url` is a *key* for "is this the same article", not a URL to open (it may not even
be fetchable). It is pure stdlib, never raises, and costs a few microseconds per URL. The rules:

* **Scheme.** http and https give the same key (written ``https://``); ``//host/x`` counts as web.
  Any other scheme, or no scheme at all, is not a web article: the URL comes back only stripped.
* **Host.** Lower-cased, trailing dot, user:password (never put credentials in a key) and the ports
  80 and 443 dropped. The prefixes ``www.``, ``m.``, ``mobile.`` and ``amp.`` go (``m.bbc.co.uk``
  = ``bbc.co.uk``), but only while a dot remains (``amp.dev`` stays). ``www2.`` and other
  subdomains stay: ``news.example.com`` is not ``example.com``. No IDNA beyond lower-casing.
* **AMP caches.** ``https://x-com.cdn.ampproject.org/c/s/x.com/a`` (``/v/`` too; without ``/s/``
  the page was http) and ``https://www.google.com/amp/s/x.com/a`` become the key of ``x.com/a``.
* **Path.** Case is kept (``/A`` is not ``/a``). Percent-encoding is normalised (unreserved
  characters decoded, other escapes in upper-case hex, non-ASCII and spaces encoded as UTF-8), as
  is the query's; ``//`` collapses, ``.`` and ``..`` segments resolve, a final ``index.html``,
  ``index.htm`` or ``index.php`` goes (servers answer ``/x/`` with it), then the trailing slash
  (``/`` alone becomes nothing). AMP variants: a last ``/amp`` segment, a first ``/amp/``
  segment and ``.amp`` before the extension or at the end (``story.amp.html``, BBC ``123.amp``).
  A section really named "amp" would merge with its parent: accepted, it is rare.
* **Query.** Tracking parameters go (names compared case-insensitively): every name starting
  ``utm_``, ``pk_`` or ``mtm_``, the click ids (``fbclid``, ``gclid``...), mailing and marketing
  ids (``mc_cid``, ``_hsenc``, ``mkt_tok``...), publishers' campaign tags (``CMP``, ``cmpid``,
  ``ito``, ``xtor``, ``at_medium``, ``ns_campaign``, ``ocid``, ``smid``...), referrer tags
  (``ref``, ``ref_src``, ``referrer``: on news sites these are Ghost, HN or partner tags), share
  markers (``share``, ``sr_share``) and AMP/RSS output switches (``amp``, ``rss``,
  ``outputType=amp``, ``output=amp``). Kept on purpose, as real content on some CMSes: ``src``,
  ``source``, ``from``, ``partner``, ``emc`` and ``feature`` unless their value says where the
  reader came from (``rss...``, ``feed``, ``atom``, ``share``); ``s`` (the WordPress search)
  except on twitter.com/x.com, where ``s`` and ``t`` are share tags; ``p``, ``id``, ``v``, ``page``
  and ``cid``. What remains is sorted (as ``k=v`` strings), a bare ``k`` is ``k=``, and an
  ``&amp;`` left over from a feed that escaped its links twice counts as ``&``.
* **Fragment.** Dropped (``#comments``, ``#more-12``), except a hash-bang route (``#!/story/1``):
  old single-page sites use it as the real path. Old weblogs whose posts were anchors in a day's
  page (Radio UserLand's ``#When:6:52:02PM``) merge: accepted, they are rare now.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["canonical_url", "same_article"]

_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_AMP_CACHE = re.compile(r"/[cv]/(s/)?([^/]+\.[^/]+)(.*)", re.DOTALL)  # /c/s/host.tld/path
_GOOGLE_AMP = re.compile(r"/amp/(s/)?([^/]+\.[^/]+)(.*)", re.DOTALL)
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SAFE = "!#$%&'()*+,/:;=?@[]~"  # quote() leaves these and the unreserved characters alone
_SLASHES = re.compile(r"//+")
_INDEX = re.compile(r"/index\.(?:html?|php)$")
_DOT_AMP = re.compile(r"\.amp(\.[A-Za-z0-9]{1,5})?$")
_TRACKING = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "igshid", "igsh", "li_fat_id", "epik", "srsltid", "_ga", "_gl",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking",
    "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "wickedid", "wt.mc_id",
    "ref", "ref_src", "ref_url", "referrer", "referer", "cmpid", "cmp", "icid", "ncid", "ito",
    "xtor", "at_medium", "at_campaign", "ns_mchannel", "ns_campaign", "ns_source", "ns_linkname",
    "ns_fee", "ocid", "smid", "smtyp", "sr_share", "share", "guccounter", "guce_referrer",
    "guce_referrer_sig", "amp", "rss", "usqp", "amp_js_v", "amp_gsa", "amp_ct", "amp_tf",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_ARRIVAL = ("rss", "feed", "atom", "share", "youtu.be")  # values saying where a reader came from
# name → None (always dropped) or the value prefixes that drop it
_RULES: dict[str, tuple[str, ...] | None] = {
    **dict.fromkeys(_TRACKING),
    "outputtype": ("amp",), "output": ("amp",),
    **dict.fromkeys(("src", "source", "from", "partner", "emc", "feature"), _ARRIVAL),
}
_TWITTER = frozenset({"twitter.com", "x.com"})
_TWITTER_RULES = {**_RULES, "s": None, "t": None}


def same_article(a: str, b: str) -> bool:
    """Whether two links name the same article (both non-empty, equal canonical keys)."""
    if not a or not b:
        return False
    key = canonical_url(a)
    return bool(key) and key == canonical_url(b)


def canonical_url(url: str) -> str:
    """The key of ``url`` for "is this the same article" (see the module docstring); never raises."""
    try:
        return _canonical(url, True)
    except Exception:  # a key must never break a refresh: the stripped input is a fair key
        return url.strip() if isinstance(url, str) else ""


def _canonical(url: str, unwrap: bool) -> str:
    url = url.strip()
    head = url[:8].lower()
    if head.startswith("https://"):
        rest = url[8:]
    elif head.startswith("http://"):
        rest = url[7:]
    elif head.startswith("//"):
        rest = url[2:]
    else:
        return url  # not a web URL (mailto:, urn:, a relative path...): nothing to normalise
    fragment = query = ""
    if "#" in rest:
        rest, _, fragment = rest.partition("#")
    if "?" in rest:
        rest, _, query = rest.partition("?")
    slash = rest.find("/")
    netloc, path = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    host = _host(netloc)
    if not host:
        return url
    if unwrap and (host.endswith(".cdn.ampproject.org") or host.startswith("google.")):
        found = (_GOOGLE_AMP if host.startswith("google.") else _AMP_CACHE).match(path)
        if found:
            inner = f"{'https' if found.group(1) else 'http'}://{found.group(2)}{found.group(3)}"
            return _canonical(inner + (f"?{query}" if query else ""), False)
    # Most paths need only the trailing slash gone: _path only when one of its rules can apply.
    if "%" in path or "/." in path or "//" in path or "amp" in path or "index." in path:
        path = _path(path)
    elif " " in path or not path.isascii():
        path = _path(path)
    else:
        path = path.rstrip("/")
    key = f"https://{host}{path}"
    if query:
        query = _query(query, host)
        if query:
            key += "?" + query
    if fragment and fragment[0] == "!":
        key += "#" + fragment
    return key


def _host(netloc: str) -> str:
    if "@" in netloc:
        netloc = netloc.rpartition("@")[2]
    host, port = netloc.lower(), ""
    if host[:1] == "[":  # IPv6: [::1]:8080
        end = host.find("]") + 1 or len(host)
        host, port = host[:end], host[end:].lstrip(":")
    elif ":" in host:
        host, _, port = host.partition(":")
    if host[-1:] == ".":
        host = host.rstrip(".")
    if host.startswith(_HOST_PREFIXES):
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and "." in host[len(prefix) :]:
                host = host[len(prefix) :]
    if port and port != "80" and port != "443" and host:
        host += ":" + port
    return host


def _escape(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _normalise_escapes(text: str) -> str:
    if not text.isascii() or " " in text:
        text = quote(text, safe=_SAFE)
    return _ESCAPE.sub(_escape, text) if "%" in text else text


def _path(path: str) -> str:
    path = _normalise_escapes(path)
    if "//" in path:
        path = _SLASHES.sub("/", path)
    if "/." in path:
        segments: list[str] = []
        for segment in path.split("/"):
            if segment == "..":
                if len(segments) > 1:
                    segments.pop()
            elif segment != ".":
                segments.append(segment)
        path = "/".join(segments) + ("/" if path.endswith(("/.", "/..")) else "")
    if "/index." in path:
        path = _INDEX.sub("/", path)
    path = path.rstrip("/")
    if "amp" in path:
        if path.endswith("/amp"):
            path = path[:-4]
        if path.startswith("/amp/") or path == "/amp":
            path = path[4:]
        if ".amp" in path:
            path = _DOT_AMP.sub(r"\1", path)
    return path


def _query(query: str, host: str) -> str:
    if "&amp;" in query:  # an HTML-escaped link: the feed escaped its & twice
        query = query.replace("&amp;", "&")
    rules = _TWITTER_RULES if host in _TWITTER else _RULES
    escape = "%" in query or " " in query or not query.isascii()
    kept = []
    for piece in query.split("&"):
        if not piece:
            continue
        name, equals, value = piece.partition("=")
        lower = name.lower()
        if lower in rules:
            values = rules[lower]
            if values is None or value.lower().startswith(values):
                continue
        elif lower.startswith(_TRACKING_PREFIXES):
            continue
        if escape:
            piece = _normalise_escapes(piece)
        kept.append(piece if equals else piece + "=")
    if len(kept) > 1:
        kept.sort()
    return "&".join(kept)
