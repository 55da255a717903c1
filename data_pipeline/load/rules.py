"""What reading a file checks, at which level, within which bounds: rendered into docs/data-contract.md.

Every bound is the constant the code uses, so the page and the loader cannot disagree.
"""

from __future__ import annotations

from data_pipeline.contract import MAX_LENGTH
from data_pipeline.load import delimited, sheet_xml, workbook
from data_pipeline.load.sniff import ENCODING_NAMES, LEGACY_ENCODINGS
from data_pipeline.problems import QUOTE_LIMIT, ProblemLog


def file_rules() -> list[tuple[str, str, str]]:
    """(what is checked, level, the rule and its bounds), in the order a file is read."""
    from data_pipeline import upload_files  # its bounds only

    legacy = " or ".join(ENCODING_NAMES[e] for e in LEGACY_ENCODINGS)
    lengths = ", ".join(f"{kind} {limit}" for kind, limit in MAX_LENGTH.items())
    delimiters = ", ".join(delimited.DELIMITER_NAMES.values())
    return [
        ("what the file is", "error",
         "Recognised by its first bytes, whatever its name: a workbook renamed `.csv`, an old `.xls` (or a "
         "password-protected workbook), a web page saved as CSV, a PDF, a zip, a Parquet or OpenDocument file is "
         "named as what it is, with what to do. A `.xls`, `.xlsm`, `.xlsb`, `.ods` or `.numbers` file named after a "
         "table is named too, not reported missing. A zip given as the source folder is named as a zip."),
        ("encoding", "read; warning",
         "UTF-8 with or without BOM; UTF-16 or UTF-32 (Excel's \"Unicode Text\", with a BOM or told by its NUL "
         f"bytes); otherwise {legacy}, whichever gives letters that fit where they stand (`Bihać`, not `Bihaæ`). A "
         "file mixing UTF-8 lines with others is read line by line, each line in its own encoding, with a warning "
         f"for each line that is not UTF-8 (the first {ProblemLog().per_kind} listed)."),
        ("separator", "read",
         f"An Excel `sep=` first line is obeyed; otherwise {delimiters}, whichever splits a row into the table's "
         "column names. Tab-separated files may also be named `.tsv` or `.txt`."),
        ("header row", "warning",
         f"The first of the first {delimited.HEAD_LINES} lines (of a sheet, {workbook.HEADER_ROWS} rows holding "
         "anything) naming at least half the table's required columns (at least two) is the header; title lines "
         "above it are not read, with a warning. If no line qualifies, the first line is the header."),
        ("blank rows and line numbers", "read",
         "Blank lines and rows of empty cells (`,,,,` as Excel writes formatted rows) are skipped, in CSV as in "
         "workbooks. LINE is the file's physical line (or the sheet's row): blank lines, title lines, a `sep=` line "
         "and cells holding line breaks all count."),
        ("ragged rows", "error",
         "A row with more or fewer fields than the header. When at least "
         f"{delimited.FLOOD_MIN_ROWS} rows and most of the file are ragged, one line gives the likely cause "
         f"(unquoted decimal commas, another separator) and {delimited.FLOOD_EXAMPLES} rows follow as examples. "
         "Keys on a ragged row (the fields before the first missing or extra one) still count as known to the "
         "tables referring to them: the row is reported once, not again as unknown references."),
        ("numbers", "read; error",
         "Thousands separators (`.`, `,`, space, `'`) and decimal commas are read per number column, from what its "
         "values show (`45,5`, `1.234,5`, `1.234.567`), else from the file's other number columns, else from the "
         "separator (semicolons: decimal commas, as Excel writes them where commas are decimal; commas: decimal "
         "points). Refused: a column showing both conventions, and a value that could be either (`196.000` in a "
         "whole-number column of a file writing decimal points, or where nothing says which)."),
        ("invisible characters", "read",
         "Zero-width spaces and joiners, BOMs and soft hyphens are removed from every cell; no-break and other "
         "Unicode spaces become spaces; then the value is trimmed. `P-0001`, ` P-0001` and `P-0001` followed by "
         "a zero-width space are one id."),
        ("text length", "error", f"Characters a value may hold, by column type: {lengths} (identifiers, text, "
         "codes; a value of another type that long fails its type check)."),
        ("control characters", "error",
         "NUL bytes, terminal escape sequences and other control characters (but tab and line breaks) in "
         "identifier, text and code columns. Every message shows such characters as escapes (`\\x1b`), and a "
         f"quoted value over {QUOTE_LIMIT} characters is shortened."),
        ("garbled text", "error",
         "A value that is UTF-8 text once read as Windows-1252 and saved again (`ZÃ¼rich`); the message says "
         "what it should read."),
        ("which sheet", "warning", workbook.SHEET_RULE + " A hidden sheet named after a table, and a table read "
         "from a sheet not named after it in a workbook with other visible sheets, are warned about."),
        ("sheet size", "error",
         f"A sheet over {sheet_xml.MAX_SHEET_BYTES // 2**20} MB of XML or {sheet_xml.MAX_SHEET_CELLS:,} cells is "
         f"refused before it is parsed (uploads: {upload_files.UPLOAD_MAX_SHEET_BYTES // 2**20} MB, "
         f"{upload_files.UPLOAD_MAX_CELLS:,} cells); a sheet is parsed only to its last row holding a value, and its "
         "rows are read whatever its `<dimension>` record says."),
        ("percent cells", "read",
         "A number formatted as a percentage is read as the number shown: 0.45 shown as 45% is 45, the unit of "
         "indicator values measured in `percentage`."),
        ("formulas without a value", "error",
         "A formula cell saved without its computed value (written by a script, never opened in Excel) is named by "
         "its cell, not read as empty."),
        ("merged cells", "error",
         "A merged range over data rows holds its value in its first cell only: the message says where Excel shows "
         "it and which rows read as empty."),
        ("Parquet time zones", "read",
         "A timestamp with a time zone is read as the date and time on its zone's clock (midnight of 1 March in "
         "Berlin is 1 March, not 29 February 23:00 UTC)."),
        ("macro workbooks (uploads)", "error",
         "An uploaded workbook holding VBA code (an `.xlsm` renamed `.xlsx`) is refused."),
    ]
