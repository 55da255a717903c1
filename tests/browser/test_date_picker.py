"""The date picker's calendar speaks the page's language (#18): dash 4's dcc.DatePickerRange names months and
weekdays with the date-fns locale it finds in window.dateFns.locale, which assets/date_locales.js gives it for the
page's language only, whatever the browser's (these tabs are English, en-US)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel import Locale
from playwright.sync_api import Page

from dashboards import formatting as fmt
from dashboards.i18n import _, using
from tools.screenshots import wait_until_drawn

pytestmark = pytest.mark.browser

START = dt.date(2026, 1, 5)
ARABIC = re.compile(r"^[\u0600-\u06FF\s]+$")


def _open_calendar(page: Page, lang: str) -> tuple[str, list[str], list[str]]:
    """(the start date as the picker writes it, the 12 month names it knows, its weekday headers)."""
    page.goto(f"{page.app_url}/?period=custom&from={START}&to=2026-03-31&lang={lang}")  # type: ignore[attr-defined]
    wait_until_drawn(page)
    start = page.locator(".filter-range input.dash-datepicker-start-date")
    written = start.input_value()
    start.click()
    calendar = page.locator(".dash-datepicker-content")
    calendar.wait_for()
    months = calendar.locator(".dash-datepicker-month-sizer").all_text_contents()
    # the table's headers: each month's caption ("octobre 2026"), then its weekdays
    days = [d.strip() for d in calendar.locator("th").all_text_contents() if d.strip() and not re.search(r"\d", d)]
    return written, months, days


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_date_pickers_months_and_days_are_in_the_pages_language(dash_page: Page, lang: str) -> None:
    written, months, days = _open_calendar(dash_page, lang)
    with using(lang):
        assert written == fmt.day(START)  # "5 janv. 2026", "5 يناير 2026": the app's own date words
        labels = [_("Start date"), _("End date")]
    inputs = dash_page.locator(".filter-range input.dash-datepicker-input")
    assert [inputs.nth(i).get_attribute("aria-label") for i in (0, 1)] == labels  # not dash's "Start Date"
    assert months == [Locale(lang).months["stand-alone"]["wide"][m] for m in range(1, 13)]
    assert days and not {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"} & set(days), days
    if lang == "fr":
        assert days[:7] == ["lu", "ma", "me", "je", "ve", "sa", "di"]  # the week starts on Monday (first_day_of_week)
    else:
        assert all(ARABIC.match(d) for d in days), days


def test_the_date_picker_stays_english_on_an_english_page(dash_page: Page) -> None:
    written, months, days = _open_calendar(dash_page, "en")
    assert written == "5 Jan 2026"
    assert months[0] == "January" and days[:7] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
