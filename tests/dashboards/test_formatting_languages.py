"""Numbers, money, shares and dates read in the reader's language: French and Arabic by CLDR (Babel), English as
before."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboards import formatting as fmt
from dashboards.i18n import using

NNBSP = "\u202f"  # CLDR's French thousands separator, the narrow no-break space
NBSP = "\u00a0"


def test_english_reads_as_before() -> None:
    with using("en"):
        assert fmt.number(1234.5, 1) == "1,234.5"
        assert fmt.compact(12_400) == "12.4k"
        assert fmt.usd(1_234_000) == "$1.2M"
        assert fmt.share(0.4567) == "46%"
        assert fmt.day(dt.date(2025, 8, 6)) == "6 Aug 2025"
        assert fmt.quarter(dt.date(2026, 2, 1)) == "Q1 2026"
        assert fmt.period(None, dt.date(2025, 8, 6)) == "up to 6 Aug 2025"


def test_french_numbers_use_the_narrow_no_break_space_and_a_decimal_comma() -> None:
    with using("fr"):
        assert fmt.number(1234.5, 1) == f"1{NNBSP}234,5"
        assert fmt.number(1_204) == f"1{NNBSP}204"
        assert fmt.share(0.4567) == f"46{NBSP}%"
        assert fmt.share(0.4567, 1) == f"45,7{NBSP}%"
        assert fmt.compact(1_234_000) == f"1,2{NBSP}M"
        assert fmt.money(250_000, "GBP") == f"250{NNBSP}000{NBSP}£GB"
        assert fmt.usd(1_234_000) == f"1,2{NBSP}M{NBSP}$US"


def test_french_dates_and_quarters() -> None:
    with using("fr"):
        assert fmt.day(dt.date(2025, 8, 6)) == "6 août 2025"
        assert fmt.month(dt.date(2026, 1, 3)) == "janv. 2026"
        assert fmt.quarter(dt.date(2026, 2, 1)) == "T1 2026"
        assert fmt.period(None, dt.date(2025, 8, 6)) == "jusqu'au 6 août 2025"
        assert fmt.indicator_target(200, "higher", unit="people") == "au moins 200 people"


def test_arabic_uses_latin_digits_and_arabic_month_names() -> None:
    with using("ar"):
        assert fmt.number(1234.5, 1) == "1,234.5"
        assert fmt.day(dt.date(2025, 8, 6)) == "6 أغسطس 2025"
        assert fmt.quarter(dt.date(2025, 8, 6)) == "الربع الثالث 2025"
        assert fmt.compact(1_200_000) == f"1.2{NBSP}مليون"
        assert fmt.change(110, 100) == ("+10%", "up")
        assert fmt.change(None, 100)[0] == "لا مقارنة"


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_missing_values_are_a_dash_in_every_language(lang: str) -> None:
    with using(lang):
        assert {fmt.number(None), fmt.usd(None), fmt.share(None), fmt.day(None), fmt.quarter(None)} == {"–"}


def test_money_without_a_currency_is_us_dollars_in_every_language() -> None:
    # a group of grants in several currencies has none (NaN): Babel's compact currency raised on it (HTTP 500
    # on the grants page's portfolio by region in French and Arabic)
    for lang in ("en", "fr", "ar"):
        with using(lang):
            assert fmt.money(1_250_000, float("nan"), short=True) == fmt.money(1_250_000, "USD", short=True)
            assert fmt.money(250, None) == fmt.money(250, "USD")
