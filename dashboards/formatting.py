"""How numbers, money, shares and dates read in the app: one place, so every page says them the same way."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


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


def money(value, currency: str | None, *, short: bool = False) -> str:
    """An amount in its own currency, by its ISO code: "GBP 250,000", or "GBP 1.2M" when `short`; US dollars as
    `usd` writes them."""
    if _missing(value):
        return "–"
    if not currency or currency == "USD":
        return usd(value) if short else f"${value:,.0f}"
    return f"{currency} {compact(value) if short else f'{value:,.0f}'}"


def original_amount(value, currency: str | None, *, short: bool = False) -> str:
    """The amount as awarded when that was not in US dollars ("GBP 250,000"), else "": shown beside the USD
    figure every page converts to."""
    return "" if not currency or currency == "USD" or _missing(value) else money(value, currency, short=short)


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


# --- words that depend on a count ----------------------------------------------------------------------------
# Every sentence that says "1 event" / "2 events" takes its noun from here, so that one function becomes
# ngettext when the strings move into translation catalogues.

def plural(count, singular: str, plural_form: str | None = None) -> str:
    """The noun for `count` things.

    `plural(1, "event")` is "event"; `plural(3, "city", "cities")` is "cities".
    """
    return singular if count == 1 else plural_form or singular + "s"


def counted(count, singular: str, plural_form: str | None = None, *, digits: int = 0) -> str:
    """A count with its noun: "1 event", "1,204 events", "0 cities"."""
    return f"{number(count, digits)} {plural(count, singular, plural_form)}"


# --- indicators --------------------------------------------------------------------------------------------------
# How an indicator's values, targets and progress read; the rules that judge them are in the
# indicator_achievement mart (docs/marts.md), never here.

# How an indicator's values add up across periods, and which way it is better, in words.
AGGREGATION_WORDS = {"cumulative": "total to date", "latest": "latest level", "sum": "sum of periods to date"}
DIRECTION_WORDS = {"higher": "higher is better", "lower": "lower is better", "range": "keep within the band"}


def indicator_value(value, measure: str | None = None, unit: str | None = None) -> str:
    """An indicator value in its measure and unit: "52.3%", "1,240 people", "1,240"."""
    if _missing(value):
        return "–"
    value = float(value)
    text = number(value, 0 if value.is_integer() else 1)
    if measure == "percentage":
        return text + "%"
    return f"{text} {unit}" if unit else text


def indicator_target(target, direction: str | None, measure: str | None = None, unit: str | None = None, *,
                     low=None, high=None) -> str:
    """The target as the rule reads it: "at least 200 people", "at most 776 incidents", "40% to 60%"."""
    if direction == "range":
        if _missing(low) or _missing(high):
            return "–"
        return f"{indicator_value(low, measure)} to {indicator_value(high, measure, unit)}"
    if _missing(target):
        return "–"
    word = {"higher": "at least", "lower": "at most"}.get(direction or "", "")
    return f"{word} {indicator_value(target, measure, unit)}".strip()


def indicator_progress(progress, target_met, direction: str | None = None) -> str:
    """Progress as shown beside an indicator: the share of the way to the target ("46%", "125%"), or, where there
    is no such way (no baseline, a range, a target to hold), whether the target is met."""
    if not _missing(progress):
        return share(progress)
    if _missing(target_met):
        return "–"
    if direction == "range":
        return "in range" if target_met else "out of range"
    return "met" if target_met else "not met"
