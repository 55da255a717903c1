"""How numbers, money, shares and dates read in the app: one place, so every page says them the same way."""

from __future__ import annotations

import datetime as dt
import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, digits: int = 0) -> str:
    """1204 -> "1,204"; None -> "–"."""
    if _missing(value):
        return "–"
    return f"{value:,.{digits}f}"


def compact(value) -> str:
    """1_204_000 -> "1.2M"; 12_400 -> "12.4k"; small numbers as they are."""
    if _missing(value):
        return "–"
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:,.1f}{suffix}".replace(".0" + suffix, suffix)
    return f"{value:,.0f}" if float(value).is_integer() or size >= 10 else f"{value:,.1f}"


def usd(value) -> str:
    """Money in US dollars, compact: "$1.2M"."""
    if _missing(value):
        return "–"
    return ("-" if value < 0 else "") + "$" + compact(abs(value))


def share(value, digits: int = 0) -> str:
    """0.4567 -> "46%"."""
    if _missing(value):
        return "–"
    return f"{value * 100:.{digits}f}%"


def day(value: dt.date | None) -> str:
    """A date as people write it in reports: "6 Aug 2025"."""
    if value is None:
        return "–"
    return f"{value.day} {value:%b %Y}"


def period(start: dt.date | None, end: dt.date | None) -> str:
    """"1 Jan 2025 – 6 Aug 2025", or "up to 6 Aug 2025" when there is no start."""
    if start is None:
        return f"up to {day(end)}"
    return f"{day(start)} – {day(end)}"


def change(current, previous) -> tuple[str, str]:
    """The change from `previous` to `current` in words and its direction ('up', 'down', 'flat', 'none')."""
    if _missing(current) or _missing(previous):
        return "no comparison", "none"
    if previous == 0:
        return ("new", "up") if current > 0 else ("no change", "flat")
    ratio = (current - previous) / abs(previous)
    if abs(ratio) < 0.005:
        return "no change", "flat"
    return f"{ratio * 100:+.0f}%", "up" if ratio > 0 else "down"


def points_change(current, previous) -> tuple[str, str]:
    """The change between two shares in percentage points: "+3 pts"."""
    if _missing(current) or _missing(previous):
        return "no comparison", "none"
    diff = (current - previous) * 100
    if abs(diff) < 0.5:
        return "no change", "flat"
    return f"{diff:+.0f} pts", "up" if diff > 0 else "down"
