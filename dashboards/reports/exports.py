"""Turning a table into a file people download: CSV for charts' data, Excel for tables (built on the server,
since the free AG Grid has no Excel export). Pure: DataFrame in, bytes or a dcc.Download dict out.

Every text cell that leaves the app in a file goes through `neutral` first (spreadsheet formula injection, as
OWASP describes it): text starting with = + - @ or a tab, carriage return or line feed (also after leading
spaces) gets a leading apostrophe, so no spreadsheet opening the file runs it as a formula. The stored value is
unchanged; numbers stay numbers. The grid's in-browser CSV does the same (assets/shell.js, exportGridCsv) and
so does the impact PDF's text.

A file for people speaks the reader's language (`current_language()`): its header row (reports/columns.py), its
sheet names and the words of its "about" sheet; its values are the data as they are. Files for programs (the IATI
and 360Giving files, the source template) are made elsewhere and keep their machine names.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from dash import dcc
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboards.i18n import N_, _, pgettext
from dashboards.reports.columns import for_reader


def filename(*parts: str, ext: str) -> str:
    """"scn", "overview", "trend" -> "scn-overview-trend.csv"."""
    stem = "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts if p)
    return f"{stem}.{ext}"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutral(value):
    """`value` as a spreadsheet will read it as text: a leading apostrophe before text a spreadsheet would
    take for a formula; anything else as it is."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or value.lstrip(" ").startswith(FORMULA_START)):
        return "'" + value
    return value


def neutral_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every text cell (and header) through `neutral`; number, date and boolean columns untouched."""
    out = df.rename(columns={c: neutral(c) for c in df.columns if isinstance(c, str)})
    for i in range(out.shape[1]):
        values = out.iloc[:, i]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            out.isetitem(i, values.map(neutral, na_action="ignore").astype(object))
    return out


def csv_download(df: pd.DataFrame, name: str) -> dict:
    """A dcc.Download payload with `df` as UTF-8 CSV (with BOM, so Excel shows accents right), its header row in
    the reader's language."""
    return dcc.send_string("\ufeff" + neutral_frame(for_reader(df)).to_csv(index=False), name, type="text/csv")


# The words of an Excel file's "about" sheet (dashboards/shell/downloads.py writes them in English).
ABOUT_WORDS = (N_("Source"), N_("Filters"), N_("Data as of"), N_("Built at"))


def xlsx_bytes(df: pd.DataFrame, *, sheet: str = "data", about: dict[str, str] | None = None) -> bytes:
    """An Excel workbook: `df` on one sheet with a bold, frozen header; `about` (filters, build date) on a
    second sheet so the data sheet stays a clean table. Header, sheet names and the about sheet's words are in
    the reader's language."""
    df = for_reader(df)
    book = Workbook()
    data = book.active
    data.title = (pgettext("Excel sheet", "data") if sheet == "data" else sheet)[:31]
    data.append([neutral(str(c)) for c in df.columns])
    for row in df.itertuples(index=False):
        data.append([None if _missing(v) else neutral(v) for v in row])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    for i, column in enumerate(df.columns, start=1):
        longest = max([len(str(column))] + [len(str(v)) for v in df[column].head(200)])
        data.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 60)
    if about:
        info = book.create_sheet(pgettext("Excel sheet", "about")[:31])
        for key, value in about.items():
            info.append([neutral(_(key) if key else key), neutral(value)])
        info.column_dimensions["A"].width = 18
        info.column_dimensions["B"].width = 90
    for sheet in book:  # text is text: openpyxl writes a string starting with "=" as a formula otherwise
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or other container: not missing
        return False


def xlsx_download(df: pd.DataFrame, name: str, *, about: dict[str, str] | None = None) -> dict:
    return dcc.send_bytes(xlsx_bytes(df, about=about), name)


def grid_frame(rows: list[dict] | None, column_defs: list[dict] | None) -> pd.DataFrame:
    """The rows a grid shows (after its sorting and filtering), with its column headers and order."""
    fields = [(c["field"], c.get("headerName", c["field"])) for c in column_defs or [] if "field" in c]
    df = pd.DataFrame(rows or [], columns=[f for f, _ in fields])
    return df.rename(columns=dict(fields))
