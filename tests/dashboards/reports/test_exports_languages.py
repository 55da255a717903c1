"""Downloads for people speak the reader's language (#18): a chart's CSV and a grid's Excel file have their header
row, sheet names and "about" words in French or Arabic, with the same numbers (Excel cells still typed numbers);
an English file is as it was; files for programs (IATI, 360Giving) are the same bytes in every language."""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import load_workbook

from dashboards import filters
from dashboards.i18n import using
from dashboards.queries import overview, standards
from dashboards.reports import exports

ABOUT = {"Source": "SCN Impact Dashboard", "Filters": "All", "Data as of": "2026-10-31", "Built at": "2026-11-01"}


def _csv(df: pd.DataFrame, lang: str) -> list[list[str]]:
    with using(lang):
        payload = exports.csv_download(df, "x.csv")
    return list(csv.reader(io.StringIO(payload["content"].lstrip("\ufeff"))))


def _book(df: pd.DataFrame, lang: str):
    with using(lang):
        return load_workbook(io.BytesIO(exports.xlsx_bytes(df, about=ABOUT)))


def test_a_french_chart_csv_has_french_headers_and_the_same_numbers(dashboard_db):
    frame = overview.by_region(filters.from_query(""))
    english, french = _csv(frame, "en"), _csv(frame, "fr")
    assert english[0] == list(frame.columns)  # unchanged for English readers
    assert french[0][:4] == ["Région", "Villes membres", "Nouvelles villes membres", "Événements"]
    assert "Montant accordé (USD)" in french[0]
    assert french[1:] == english[1:]


def test_an_arabic_excel_file_has_arabic_headers_and_typed_numbers(dashboard_db):
    frame = overview.by_region(filters.from_query(""))
    english, arabic = _book(frame, "en"), _book(frame, "ar")
    assert english.sheetnames == ["data", "about"]
    assert arabic.sheetnames == ["البيانات", "حول الملف"]
    data_en, data_ar = english.worksheets[0], arabic.worksheets[0]
    assert [c.value for c in data_ar[1]][:2] == ["المنطقة", "المدن الأعضاء"]
    assert "المبلغ الممنوح (دولار أمريكي)" in [c.value for c in data_ar[1]]
    members = frame.columns.get_loc("members") + 1
    cells = [data_ar.cell(row=r, column=members) for r in range(2, len(frame) + 2)]
    assert [c.value for c in cells] == frame["members"].tolist()
    assert {c.data_type for c in cells} == {"n"}
    assert [[c.value for c in row] for row in data_ar.iter_rows(min_row=2)] == \
        [[c.value for c in row] for row in data_en.iter_rows(min_row=2)]
    about = {row[0].value: row[1].value for row in arabic.worksheets[1].iter_rows()}
    assert about == {"المصدر": "SCN Impact Dashboard", "عوامل التصفية": "All", "البيانات حتى": "2026-10-31",
                     "تاريخ الإنشاء": "2026-11-01"}


def test_a_grid_header_and_an_unknown_column_in_french():
    grid = exports.grid_frame([{"a": 1, "zz_new": 2}], [{"field": "a", "headerName": "Awarded (USD)"},
                                                        {"field": "zz_new"}])
    assert _csv(grid, "fr")[0] == ["Montant accordé (USD)", "zz_new"]
    assert _csv(grid, "fr")[1] == ["1", "2"]


def test_standards_files_keep_their_machine_names_in_every_language(dashboard_db):
    for kind in ("360giving-csv", "iati"):
        with using("en"):
            english = standards.standard_file(kind)
        with using("ar"):
            arabic = standards.standard_file(kind)
        assert english.data is not None
        first = (english.data.decode("utf-8-sig").splitlines()[0])
        assert first == arabic.data.decode("utf-8-sig").splitlines()[0], kind
        assert len(english.data) == len(arabic.data), kind


def test_the_downloads_payload_is_text_not_bytes():
    """A CSV download is still text (UTF-8 with its BOM) in Arabic."""
    with using("ar"):
        payload = exports.csv_download(pd.DataFrame({"region": ["Europe"]}), "x.csv")
    assert payload["base64"] is False and payload["content"].startswith("\ufeffالمنطقة")  # noqa: RUF001
