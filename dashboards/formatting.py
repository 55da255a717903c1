"""How numbers, money, shares and dates read in the app: one place, so every page says them the same way.

Every function speaks the reader's language (`dashboards.i18n.current_language()`). English reads as it always
has ("1,204", "$1.2M", "6 Aug 2025", "Q3 2025"); French and Arabic are written by Babel from CLDR, the Unicode
locale data: French "1 204,5" with the narrow no-break space (U+202F) between thousands, "46 %", "6 août 2025",
"T3 2026"; Arabic with Arabic month names ("6 أغسطس 2025") and quarters ("الربع الثالث 2025").

Arabic figures are written in Latin digits (0-9), which is what CLDR's generic Arabic locale "ar" uses by default
(Babel: `Locale.parse("ar").default_numbering_system == "latn"`): the network's Arabic-speaking members run from
Morocco to the Gulf, and the Maghreb writes Latin digits; the charts' axes (Plotly) and every export print Latin
digits, so a figure in a sentence reads the same as the bar beside it and the cell in the download.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

import pandas as pd
from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from dashboards.i18n import DEFAULT, N_, current_language
from dashboards.i18n import _ as translate


def _foreign() -> str | None:
    """The current language when it is not English (whose formats are this module's own), else None."""
    lang = current_language()
    return None if lang == DEFAULT else lang


@lru_cache(maxsize=16)
def _pattern(lang: str, kind: str, digits: int) -> str:
    """The locale's own number pattern of `kind` ("decimal", "percent", "currency") with exactly `digits`
    decimals: "#,##0.0\u00a0%" for French shares with one decimal."""
    locale = Locale.parse(lang)
    pattern = {"decimal": "#,##0", "percent": locale.percent_formats[None].pattern,
               "currency": locale.currency_formats["standard"].pattern}[kind]
    decimals = "." + "0" * digits if digits else ""
    return ";".join(part.replace("#,##0.00", "#,##0").replace("#,##0", "#,##0" + decimals)
                   for part in pattern.split(";"))


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value, digits: int = 0) -> str:
    """1204 -> "1,204"; None -> "–"."""
    if _missing(value):
        return "–"
    if lang := _foreign():
        return babel_numbers.format_decimal(value, format=_pattern(lang, "decimal", digits), locale=lang)
    return f"{value:,.{digits}f}"


def compact(value) -> str:
    """1_204_000 -> "1.2M"; 12_400 -> "12.4k"; small numbers as they are."""
    if _missing(value):
        return "–"
    size = abs(value)
    if lang := _foreign():
        if size >= 1e3:
            return babel_numbers.format_compact_decimal(value, locale=lang, fraction_digits=1)
        return number(value, 0 if float(value).is_integer() or size >= 10 else 1)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:,.1f}{suffix}".replace(".0" + suffix, suffix)
    return f"{value:,.0f}" if float(value).is_integer() or size >= 10 else f"{value:,.1f}"


def usd(value) -> str:
    """Money in US dollars, compact: "$1.2M"."""
    if _missing(value):
        return "–"
    if _foreign():
        return money(value, "USD", short=True)
    return ("-" if value < 0 else "") + "$" + compact(abs(value))


def money(value, currency: str | None, *, short: bool = False) -> str:
    """An amount in its own currency, by its ISO code: "GBP 250,000", or "GBP 1.2M" when `short`; US dollars as
    `usd` writes them. A missing currency (None, NaN: a group of grants in several) is read as US dollars."""
    if _missing(value):
        return "–"
    currency = None if _missing(currency) or not currency else str(currency)
    if lang := _foreign():
        if short and abs(value) >= 1e3:
            return babel_numbers.format_compact_currency(value, currency or "USD", locale=lang, fraction_digits=1)
        return babel_numbers.format_currency(value, currency or "USD", format=_pattern(lang, "currency", 0),
                                             currency_digits=False, locale=lang)
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
    if lang := _foreign():
        return babel_numbers.format_percent(value, format=_pattern(lang, "percent", digits), locale=lang)
    return f"{value * 100:.{digits}f}%"


percent = share


def day(value: dt.date | None) -> str:
    """A date as people write it in reports: "6 Aug 2025" ("6 août 2025", "6 أغسطس 2025")."""
    if value is None:
        return "–"
    if lang := _foreign():
        return babel_dates.format_date(value, "d MMM y", locale=lang)
    return f"{value.day} {value:%b %Y}"


def month(value: dt.date | None) -> str:
    """A month: "Aug 2025" ("août 2025", "أغسطس 2025")."""
    if value is None:
        return "–"
    if lang := _foreign():
        return babel_dates.format_date(value, "MMM y", locale=lang)
    return f"{value:%b %Y}"


def quarter(value: dt.date | None) -> str:
    """The quarter a date falls in: "Q3 2025" ("T3 2025", "الربع الثالث 2025")."""
    if value is None:
        return "–"
    if lang := _foreign():
        return babel_dates.format_date(value, "QQQ y", locale=lang)
    return f"Q{(value.month - 1) // 3 + 1} {value.year}"


def period(start: dt.date | None, end: dt.date | None) -> str:
    """"1 Jan 2025 – 6 Aug 2025", or "up to 6 Aug 2025" when there is no start."""
    if start is None:
        return translate("up to {date}").format(date=day(end))
    return translate("{start} – {end}").format(start=day(start), end=day(end))


def change(current, previous) -> tuple[str, str]:
    """The change from `previous` to `current` in words and its direction ('up', 'down', 'flat', 'none')."""
    if _missing(current) or _missing(previous):
        return translate("no comparison"), "none"
    if previous == 0:
        return (translate("new"), "up") if current > 0 else (translate("no change"), "flat")
    ratio = (current - previous) / abs(previous)
    if abs(ratio) < 0.005:
        return translate("no change"), "flat"
    if _foreign():
        return ("+" if ratio > 0 else "-") + share(abs(ratio)), "up" if ratio > 0 else "down"
    return f"{ratio * 100:+.0f}%", "up" if ratio > 0 else "down"


def points_change(current, previous) -> tuple[str, str]:
    """The change between two shares in percentage points: "+3 pts"."""
    if _missing(current) or _missing(previous):
        return translate("no comparison"), "none"
    diff = (current - previous) * 100
    if abs(diff) < 0.5:
        return translate("no change"), "flat"
    if _foreign():
        points = ("+" if diff > 0 else "-") + number(abs(diff))
        return translate("{points} pts").format(points=points), "up" if diff > 0 else "down"
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
# Marked for the catalogs (N_): translate them where they are shown, with `_()`.
AGGREGATION_WORDS = {"cumulative": N_("total to date"), "latest": N_("latest level"),
                     "sum": N_("sum of periods to date")}
DIRECTION_WORDS = {"higher": N_("higher is better"), "lower": N_("lower is better"),
                   "range": N_("keep within the band")}


def indicator_value(value, measure: str | None = None, unit: str | None = None) -> str:
    """An indicator value in its measure and unit: "52.3%", "1,240 people", "1,240"."""
    if _missing(value):
        return "–"
    value = float(value)
    digits = 0 if value.is_integer() else 1
    if measure == "percentage" and _foreign():
        return share(value / 100, digits)
    text = number(value, digits)
    if measure == "percentage":
        return text + "%"
    return f"{text} {unit}" if unit else text


def indicator_target(target, direction: str | None, measure: str | None = None, unit: str | None = None, *,
                     low=None, high=None) -> str:
    """The target as the rule reads it: "at least 200 people", "at most 776 incidents", "40% to 60%"."""
    if direction == "range":
        if _missing(low) or _missing(high):
            return "–"
        return translate("{low} to {high}").format(low=indicator_value(low, measure),
                                                   high=indicator_value(high, measure, unit))
    if _missing(target):
        return "–"
    value = indicator_value(target, measure, unit)
    if direction == "higher":
        return translate("at least {value}").format(value=value)
    if direction == "lower":
        return translate("at most {value}").format(value=value)
    return value


def indicator_progress(progress, target_met, direction: str | None = None) -> str:
    """Progress as shown beside an indicator: the share of the way to the target ("46%", "125%"), or, where there
    is no such way (no baseline, a range, a target to hold), whether the target is met."""
    if not _missing(progress):
        return share(progress)
    if _missing(target_met):
        return "–"
    if direction == "range":
        return translate("in range") if target_met else translate("out of range")
    return translate("met") if target_met else translate("not met")
