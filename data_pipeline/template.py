"""The Excel template for source data, generated from the data contract.

One sheet per contract table, named after it, with the contract's columns as its header row: the loader reads a
sheet named after a table in any workbook as that table, so a filled template is a source set on its own or an
upload on the data page. A "Data dictionary" sheet lists every column with its type and rules, and a "Read me"
sheet says how to fill it in. Both carry a mark (the sheet-scoped name contract.TEMPLATE_NOTES) by which the loader
and the upload page pass over them silently, whatever language titles them. Both are written
from `contract.py`, so they can't drift from what validation enforces.

The words people read (the read-me, the dictionary's header, descriptions and rules, the header notes, the titles of
the read-me and dictionary sheets) can be given in another language: `template_bytes(translate=...)` passes each
through `translate`, which the app gives in the reader's language (dashboards/reports/template.py). What the loader
reads never changes: the table sheets' names, their header row (the contract's column names), the drop-downs' codes.
The words are marked with `N_` for the app's `reports` catalog (tools/translations_reports.py); the contract's own
descriptions and TYPE_WORDS are read from the contract by that tool, so the contract stays as it is.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from data_pipeline import __version__
from data_pipeline.contract import FALSE_WORDS, TABLES, TEMPLATE_NOTES, TRUE_WORDS, Column, Table
from data_pipeline.contract_doc import TYPE_WORDS

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark `message` for the app's `reports` catalog; it is translated where it is written, through `translate`."""
    return message


def _same(message: str) -> str:
    return message


DICTIONARY_SHEET = N_("Data dictionary")
README_SHEET = N_("Read me")
DICTIONARY_HEADER = (N_("table"), N_("column"), N_("type"), N_("required"), N_("description"),
                     N_("allowed values / format"), N_("references"))
EXCEL_LAST_ROW = 1_048_576

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EEF4")
# Columns Excel must leave as typed text: ids such as 007 keep their zeros, codes such as 1-2 stay codes.
_TEXT_TYPES = ("id", "text", "code", "iso3", "currency")
_TYPE_WIDTHS = {"id": 14, "text": 30, "integer": 10, "number": 12, "date": 12, "boolean": 10, "code": 16,
                "iso3": 8, "currency": 9}

README_LINES = (
    N_("SCN source data template"),
    N_("Generated from the SCN data contract (data_pipeline/contract.py, pipeline {version})."),
    "",
    N_("How to fill it in"),
    N_("• One sheet per table. Keep the sheet names and the header row (row 1) as they are; every header cell has a "
       "note saying what the column holds, and the Data dictionary sheet lists them all."),
    N_("• One row per record, from row 2 down. No merged cells, subtotals or extra header rows."),
    N_("• Dates as YYYY-MM-DD, e.g. 2025-03-31 (a cell formatted as a date works too)."),
    N_("• Yes/no columns: true or false. Columns with a fixed list of values offer a drop-down."),
    N_("• Numbers without thousands separators or currency signs; the currency goes in its own column."),
    N_("• Identifiers must match across sheets: every city_id in events must be in cities, every grant_id in "
       "disbursements in grants (the references column of the Data dictionary)."),
    N_("• Indicators: say which way is better (direction: higher, lower, or range with range_low and range_high), "
       "what a value counts (unit) and how values add up across reporting periods (aggregation: cumulative, latest "
       "or sum). Leave baseline_value empty when it is not known: an empty baseline is judged as unknown, never as "
       "0. docs/marts.md says how each indicator is judged against its target."),
    N_("• On the Data page, a sheet left with only its header row keeps the current data of that table. A sheet "
       "with rows replaces that whole table, so give all of its rows, not only new or changed ones."),
    N_("• No personal data: no names, e-mail addresses, phone numbers or postal addresses of people. Participants "
       "are pseudonymous ids. Columns or values that look like personal data are refused."),
    "",
    N_("Sending it"),
    N_("• Upload the workbook on the Data page (/data). You see every problem as file, line, column and message; "
       "publishing is possible once there are no errors, and the dashboard keeps serving the current data until "
       "then."),
    N_("• Or, on the command line, put it in a source folder and run: python -m data_pipeline build --source "
       "<folder>. There every sheet counts: fill them all, or delete the sheets of tables given as CSV files."),
)


def _number(value: float) -> str:
    """Plain digits, as Excel reads them in a validation formula: 50000000 and 0.000001, not 5e+07 and 1e-06."""
    return f"{value:.10f}".rstrip("0").rstrip(".")


def allowed_values(column: Column, translate: Translate = _same) -> str:
    """What a column accepts, in words: its codes, range, date format and the rules tying it to other columns."""
    t = translate
    rules = []
    if column.codes:
        rules.append(t(N_("one of: {codes}")).format(codes="; ".join(column.codes)))
    elif column.type == "boolean":
        pairs = ", ".join(f"{yes}/{no}" for yes, no in zip(TRUE_WORDS[1:], FALSE_WORDS[1:], strict=True))
        rules.append(t(N_("true or false (also {pairs})")).format(pairs=pairs))
    elif column.type == "date":
        rules.append("YYYY-MM-DD")
    elif column.type == "iso3":
        rules.append(t(N_("3-letter country code (ISO 3166-1 alpha-3), e.g. FRA")))
    elif column.type == "currency":
        rules.append(t(N_("3-letter currency code (ISO 4217), e.g. EUR")))
    if column.minimum is not None and column.maximum is not None:
        rules.append(t(N_("{low} to {high}")).format(low=_number(column.minimum), high=_number(column.maximum)))
    elif column.minimum is not None:
        rules.append(t(N_("at least {low}")).format(low=_number(column.minimum)))
    elif column.maximum is not None:
        rules.append(t(N_("at most {high}")).format(high=_number(column.maximum)))
    if column.not_before:
        rules.append(t(N_("not before {date}")).format(date=column.not_before))
    if column.max_future_days is not None:
        rules.append(t(N_("at most {days} days after today")).format(days=column.max_future_days))
    if column.requires:
        rules.append(t(N_("filled together with {column}")).format(column=column.requires))
    if not column.header_required:
        rules.append(t(N_("column may be left out")))
    return "; ".join(rules)


def dictionary_rows(translate: Translate = _same) -> list[tuple[str, str, str, str, str, str, str]]:
    """The Data dictionary sheet below its header: one row per contract column, in contract order."""
    t = translate
    return [(table.name, column.name, t(TYPE_WORDS[column.type]), t(N_("yes")) if column.required else t(N_("no")),
             t(column.description), allowed_values(column, t), column.references or "")
            for table in TABLES for column in table.columns]


def _header_row(sheet: Worksheet, names: tuple[str, ...]) -> None:
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"


def _note(table: Table, column: Column, t: Translate) -> Comment:
    lines = [t(column.description), "", t(N_("Type: {type}")).format(type=t(TYPE_WORDS[column.type])),
             t(N_("Required: yes")) if column.required else t(N_("Required: no, may be empty"))]
    if allowed := allowed_values(column, t):
        lines.append(t(N_("Allowed: {rules}")).format(rules=allowed))
    if column.references:
        lines.append(t(N_("Must exist in: {reference}")).format(reference=column.references))
    if column.name in table.key:
        lines.append(t(N_("Unique per row: ({columns})")).format(columns=", ".join(table.key)))
    comment = Comment("\n".join(lines), "SCN data contract")
    comment.width = 320
    comment.height = 40 + 18 * (len(lines) + sum(len(line) // 45 for line in lines))
    return comment


def _validation(column: Column, t: Translate) -> DataValidation | None:
    """An Excel drop-down or range check for the column, or None where Excel has nothing useful to offer."""
    if column.codes:
        # Inline lists are capped at 255 characters by Excel; the contract's longest is well under that.
        return DataValidation(type="list", formula1='"' + ",".join(column.codes) + '"',
                              allow_blank=not column.required, showErrorMessage=True, errorTitle=column.name,
                              error=t(N_("Pick one of the listed {column} values.")).format(column=column.name))
    if column.type == "boolean":
        # A warning, not a stop: yes/no and 1/0 are accepted too.
        return DataValidation(type="list", formula1='"true,false"', allow_blank=not column.required,
                              showErrorMessage=True, errorStyle="warning", errorTitle=column.name,
                              error=t(N_("Expected true or false.")))
    if column.type in ("integer", "number") and (column.minimum is not None or column.maximum is not None):
        kind = "whole" if column.type == "integer" else "decimal"
        if column.minimum is not None and column.maximum is not None:
            operator, formulas = "between", (_number(column.minimum), _number(column.maximum))
        elif column.minimum is not None:
            operator, formulas = "greaterThanOrEqual", (_number(column.minimum), None)
        else:
            operator, formulas = "lessThanOrEqual", (_number(column.maximum), None)
        return DataValidation(type=kind, operator=operator, formula1=formulas[0], formula2=formulas[1],
                              allow_blank=not column.required, showErrorMessage=True, errorTitle=column.name,
                              error=t(N_("Expected {rules}.")).format(rules=allowed_values(column, t)))
    return None


def _table_sheet(workbook: Workbook, table: Table, t: Translate) -> None:
    sheet = workbook.create_sheet(table.name)
    _header_row(sheet, table.column_names)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].comment = _note(table, column, t)
        longest_code = max((len(code) for code in column.codes), default=0)
        sheet.column_dimensions[letter].width = min(max(len(column.name), _TYPE_WIDTHS[column.type],
                                                        longest_code) + 2, 45)
        if column.type in _TEXT_TYPES:
            sheet.column_dimensions[letter].number_format = "@"
        elif column.type == "date":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
        if (validation := _validation(column, t)) is not None:
            validation.add(f"{letter}2:{letter}{EXCEL_LAST_ROW}")
            sheet.add_data_validation(validation)


def _dictionary_sheet(workbook: Workbook, t: Translate) -> None:
    sheet = workbook.active
    sheet.title = t(DICTIONARY_SHEET)[:31]
    _header_row(sheet, tuple(t(word) for word in DICTIONARY_HEADER))
    for row in dictionary_rows(t):
        sheet.append(list(row))
    for letter, width in zip("ABCDEFG", (18, 20, 18, 10, 60, 60, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.auto_filter.ref = sheet.dimensions
    _mark_notes(sheet)


def _readme_sheet(workbook: Workbook, t: Translate) -> None:
    sheet = workbook.create_sheet(t(README_SHEET)[:31])
    sheet.column_dimensions["A"].width = 120
    for line in README_LINES:
        sheet.append([t(line).format(version=__version__) if line else line])
    for row in sheet.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    for cell in (sheet["A1"], sheet["A4"], sheet[f"A{README_LINES.index('Sending it') + 1}"]):
        cell.font = _BOLD
    _mark_notes(sheet)


def _mark_notes(sheet: Worksheet) -> None:
    """Mark one of the template's own sheets so that, titled in any language, it is never taken for a table's."""
    sheet.defined_names[TEMPLATE_NOTES] = DefinedName(TEMPLATE_NOTES, attr_text=f"{quote_sheetname(sheet.title)}!$A$1")


def _workbook(translate: Translate = _same) -> Workbook:
    workbook = Workbook()
    _dictionary_sheet(workbook, translate)
    _readme_sheet(workbook, translate)
    for table in TABLES:
        _table_sheet(workbook, table, translate)
    return workbook


def write_template(path: Path) -> None:
    """Write the template workbook to `path`: Data dictionary, Read me, then one header-only sheet per table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _workbook().save(path)


def template_bytes(translate: Translate = _same) -> bytes:
    """The template workbook as bytes, for a download button; its words for people through `translate`."""
    buffer = io.BytesIO()
    _workbook(translate).save(buffer)
    return buffer.getvalue()
