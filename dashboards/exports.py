"""Turning a table into a file people download: CSV for charts' data, Excel for tables (built on the server,
since the free AG Grid has no Excel export). Pure: DataFrame in, bytes or a dcc.Download dict out."""

from __future__ import annotations

import io
import re

import pandas as pd
from dash import dcc
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter


def filename(*parts: str, ext: str) -> str:
    """"scn", "overview", "trend" -> "scn-overview-trend.csv"."""
    stem = "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts if p)
    return f"{stem}.{ext}"


def csv_download(df: pd.DataFrame, name: str) -> dict:
    """A dcc.Download payload with `df` as UTF-8 CSV (with BOM, so Excel shows accents right)."""
    return dcc.send_string("\ufeff" + df.to_csv(index=False), name, type="text/csv")


def xlsx_bytes(df: pd.DataFrame, *, sheet: str = "data", about: dict[str, str] | None = None) -> bytes:
    """An Excel workbook: `df` on one sheet with a bold, frozen header; `about` (filters, build date) on a
    second sheet so the data sheet stays a clean table."""
    book = Workbook()
    data = book.active
    data.title = sheet[:31]
    data.append([str(c) for c in df.columns])
    for row in df.itertuples(index=False):
        data.append([None if pd.isna(v) else v for v in row])
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    for i, column in enumerate(df.columns, start=1):
        longest = max([len(str(column))] + [len(str(v)) for v in df[column].head(200)])
        data.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 60)
    if about:
        info = book.create_sheet("about")
        for key, value in about.items():
            info.append([key, value])
        info.column_dimensions["A"].width = 18
        info.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_download(df: pd.DataFrame, name: str, *, about: dict[str, str] | None = None) -> dict:
    return dcc.send_bytes(xlsx_bytes(df, about=about), name)


def grid_frame(rows: list[dict] | None, column_defs: list[dict] | None) -> pd.DataFrame:
    """The rows a grid shows (after its sorting and filtering), with its column headers and order."""
    fields = [(c["field"], c.get("headerName", c["field"])) for c in column_defs or [] if "field" in c]
    df = pd.DataFrame(rows or [], columns=[f for f, _ in fields])
    return df.rename(columns=dict(fields))
