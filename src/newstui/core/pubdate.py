"""Publication dates as feeds really write them → aware UTC datetimes.

feedparser reads the standard forms but silently takes any zone it does not know (CEST, JST, MSK,
``GMT+2``, ``UTC+0200``) as UTC, ignores ``PM``, and gives up on dates without a zone, on RFC 850
(``Tuesday, 10-Jun-03``), on a missing space after the comma and on month names in other languages.
:func:`parse_date` reads all of those; the caller falls back to feedparser's own result when it
returns ``None``.

Rules: the day name is ignored (feeds often get it wrong); a date without a zone is UTC; two-digit
years follow RFC 5322 (00-49 → 2000s, 50-99 → 1900s); ``24:00`` is the next midnight; ``d.m.Y``
is European and ``m/d/Y`` American (as JavaScript and most US feeds read it); a bare 9-10 digit
number is a Unix time. Anything else gives ``None``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "jan january januar jänner janv janvier ene enero gen gennaio janeiro januari янв января январь",
        "feb february februar fév févr fev fevr février fevrier febrero febbraio fevereiro februari фев февраля февраль",
        "mar march mär märz maerz mrz mars marzo março marco maart мар марта март",
        "apr april avr avril abr abril aprile апр апреля апрель",
        "may mai maj mayo mag maggio maio mei мая май",
        "jun june juni juin junio giu giugno junho июн июня июнь",
        "jul july juli juil juillet julio lug luglio julho июл июля июль",
        "aug august août aout ago agosto augustus авг августа август",
        "sep sept september septembre septiembre setiembre set settembre setembro сен сент сентября сентябрь",
        "oct october okt oktober octobre octubre ott ottobre out outubro окт октября октябрь",
        "nov november novembre noviembre novembro ноя нояб ноября ноябрь",
        "dec december dez dezember déc decembre décembre dic diciembre dicembre dezembro дек декабря декабрь",
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names.split(), _number))

# Zone abbreviations feeds use, in hours east of UTC. Ambiguous ones take their most common meaning
# in feeds: IST is India, BST British Summer Time, CST US Central.
_ZONES = {
    "ut": 0, "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 1, "bst": 1, "ist": 5.5,
    "cet": 1, "cest": 2, "met": 1, "mest": 2, "mez": 1, "mesz": 2, "eet": 2, "eest": 3, "msk": 3,
    "sast": 2, "pkt": 5, "ict": 7, "wib": 7, "hkt": 8, "sgt": 8, "awst": 8, "pht": 8, "cst": -6,
    "jst": 9, "kst": 9, "acst": 9.5, "acdt": 10.5, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
    "est": -5, "edt": -4, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "akst": -9,
    "akdt": -8, "hst": -10, "ast": -4, "adt": -3, "nst": -3.5, "ndt": -2.5, "brt": -3, "art": -3,
}  # fmt: skip

_ISO = re.compile(
    r"(\d{4})-?(\d\d)-?(\d\d)(?:[t\s]+(\d\d):?(\d\d)(?::?(\d\d)(?:[.,]\d+)?)?)?\s*(.*)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,]\d+)?)?(?:\s*([ap])\.?m\.?\b)?", re.IGNORECASE
)
_OFFSET = re.compile(r"(?:\b(?:gmt|utc|ut)\s*)?([+-])(\d{1,2})(?::?(\d\d))?\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NUMERIC = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})")


# The form nearly every RSS feed uses, "Tue, 24 Nov 2026 08:00:00 GMT": read at once, without the
# general search below (the same answer, a fifth of the time; dates are a third of a parse).
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? "
    r"(GMT|UTC|UT|Z|[+-]\d{4})"
)


def parse_date(value: str) -> datetime | None:
    """A feed's date string as an aware UTC datetime, or ``None`` when it is not a date."""
    common = _RFC822.fullmatch(value.strip()) if value else None
    if common:
        day, month, year, hour, minute, second, zone = common.groups()
        number = _MONTHS.get(month.lower())
        offset = _offset(zone)
        if number is not None and offset is not None:
            return _build(int(year), number, int(day), int(hour), int(minute), int(second or 0), offset)
    text = re.sub(r"\([^)]*\)", " ", value or "").strip()  # "(CEST)" comments
    if not text:
        return None
    if re.fullmatch(r"\d{9,10}", text):
        return datetime.fromtimestamp(int(text), UTC)
    iso = _ISO.fullmatch(text)
    if iso:
        year, month, day, hour, minute, second, rest = iso.groups()
        offset = _offset(rest)
        if offset is None:
            return None
        return _build(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            offset,
        )
    return _loose(text)


def _loose(text: str) -> datetime | None:
    """RFC 822 and its relatives: day, month name, year, time and zone in any usual order."""
    text = re.sub(r"^\s*[^\W\d_]+\.?\s*,", " ", text)  # "Tue," "Mar.," "Dienstag,": ignored
    hour = minute = second = 0
    offset = 0.0
    time = _TIME.search(text)
    if time:
        hour, minute, second = int(time[1]), int(time[2]), int(time[3] or 0)
        if time[4]:  # 4:00 PM
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if time[4].lower() == "p" else 0)
        rest = text[time.end() :]  # the zone, and in asctime or Twitter's form the year
        zone = _offset(rest)
        offset = zone or 0.0  # an unknown zone name is taken as UTC, as every parser does
        text = text[: time.start()] + " " + _OFFSET.sub(" ", rest)
    numeric = _NUMERIC.search(text)
    if numeric:
        first, sep, middle, last = numeric.groups()
        if len(first) == 4:  # 2003/06/10
            year, month, day = int(first), int(middle), int(last)
        elif sep == "/" and int(first) <= 12:  # 06/10/2003: American
            year, month, day = _year(last), int(first), int(middle)
        else:  # 10.06.2003, 10-06-2003, 13/06/2003: European
            year, month, day = _year(last), int(middle), int(first)
        return _build(year, month, day, hour, minute, second, offset)
    months = [_MONTHS[w] for w in _WORD.findall(text.lower()) if w in _MONTHS]
    numbers = re.findall(r"\d+", text)
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if not months or not days or not (years or len(days) >= 2):
        return None
    year = int(years[0]) if years else _year(days[1])
    # The last month name: in "mar 10 juin 2003" the first one is a French day name.
    return _build(year, months[-1], int(days[0]), hour, minute, second, offset)


def _offset(text: str) -> float | None:
    """Hours east of UTC from what follows the time: ``+0200``, ``GMT+2``, ``CEST``, ``Z``, nothing."""
    text = text.strip()
    if not text:
        return 0.0
    match = _OFFSET.search(text)
    if match:
        sign, hours, minutes = match.groups()
        if int(hours) > 14:
            return None
        value = int(hours) + int(minutes or 0) / 60
        return -value if sign == "-" else value
    for word in _WORD.findall(text.lower()):
        if word in _ZONES:
            return float(_ZONES[word])
    return None


def _year(text: str) -> int:
    value = int(text)
    if len(text) <= 2:
        value += 2000 if value < 50 else 1900
    return value


def _build(
    year: int, month: int, day: int, hour: int, minute: int, second: int, offset: float
) -> datetime | None:
    extra = timedelta(0)
    if hour == 24 and minute == 0 and second == 0:
        hour, extra = 0, timedelta(days=1)
    second = min(second, 59)  # a leap second
    try:
        local = datetime(
            year, month, day, hour, minute, second, tzinfo=timezone(timedelta(hours=offset))
        )
    except (ValueError, OverflowError):
        return None
    return (local + extra).astimezone(UTC)
