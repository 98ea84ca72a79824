"""Dates for people: relative ages in the headline list, absolute dates in the article header."""

from __future__ import annotations

from datetime import UTC, datetime


def age(when: datetime | None, now: datetime | None = None) -> str:
    """Compact relative age: ``now``, ``5m``, ``3h``, ``2d``, ``6w``, then the date."""
    if when is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 86400 * 14:
        return f"{int(seconds // 86400)}d"
    if seconds < 86400 * 60:
        return f"{int(seconds // (86400 * 7))}w"
    return when.strftime("%Y-%m-%d")


def long_date(when: datetime | None) -> str:
    """``Fri 27 Nov 2026 21:40`` in local time."""
    if when is None:
        return "date unknown"
    return when.astimezone().strftime("%a %d %b %Y %H:%M")
