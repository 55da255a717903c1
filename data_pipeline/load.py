"""Load source files into DuckDB as text, keeping the row number a spreadsheet would show.

Every source table becomes `raw_<table>`: one VARCHAR column per header column (names normalised to
lower_snake_case) plus `_line`, the spreadsheet row of the record (header = 1). Each value is trimmed of spaces,
and an empty cell is NULL (`_clean`): done once here, as the file is read, and not again by each check and cast
(at ten million rows trimming every read cost ~2 s more than trimming once). Nothing is typed or judged here:
validation reads these tables and reports `FILE:LINE:COLUMN` problems; staging casts them afterwards.
The raw text is scratch, dropped before publishing, so it lives in DuckDB's temporary catalog (memory, spilled to
the build's temp directory under the memory limit) and never costs a write to the database file.
CSV may be UTF-8, UTF-8 with BOM, or cp1252/Latin-1 (Excel's "CSV" on Windows); XLSX and Parquet load too.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from data_pipeline.contract import TABLES, TABLES_BY_NAME
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog

FORMATS = ("csv", "xlsx", "parquet")
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00a0]")
_SEPARATORS = re.compile(r"[\s\-./]+")


@dataclass
class Source:
    """Where one contract table comes from: a file, and for a workbook the sheet."""

    table: str
    path: Path
    format: str
    sheet: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


@dataclass
class LoadedSource:
    """A source loaded into `raw_<table>`, with what the data-quality page shows about it."""

    source: Source
    columns: list[str]
    rows: int
    sha256: str
    encoding: str | None = None
    rejected_lines: list[int] = field(default_factory=list)

    @property
    def relation(self) -> str:
        return f"raw_{self.source.table}"


def _clean(text: str) -> str:
    """SQL for a text value as every later step reads it: trimmed of spaces, NULL when nothing is left."""
    return f"nullif(trim({text}), '')"


def normalise_header(name: object) -> str:
    """`" City ID"` -> `city_id`: strips BOMs, zero-width characters and spacing people add by hand."""
    text = _INVISIBLE.sub("", str(name if name is not None else "")).strip().lower()
    return _SEPARATORS.sub("_", text).strip("_")


def find_sources(source_dir: Path, log: ProblemLog) -> dict[str, Source]:
    """Match files in `source_dir` to contract tables, reporting missing and ambiguous ones.

    A table may come from `<table>.csv`, `<table>.parquet`, `<table>.xlsx` (the sheet named after the table,
    else its first sheet) or a sheet named after the table in any other workbook (the Excel template).
    """
    found: dict[str, list[Source]] = {t.name: [] for t in TABLES}
    for path in sorted(source_dir.iterdir()) if source_dir.is_dir() else []:
        suffix = path.suffix.lower().lstrip(".")
        if path.name.startswith((".", "~$")) or suffix not in FORMATS:
            continue
        stem = normalise_header(path.stem)
        if suffix == "xlsx":
            for sheet in _sheet_names(path, log):
                table = normalise_header(sheet)
                if table in found:
                    found[table].append(Source(table, path, "xlsx", sheet))
                elif stem in found and len(_sheet_names(path, log)) == 1:
                    found[stem].append(Source(stem, path, "xlsx", sheet))
        elif stem in found:
            found[stem].append(Source(stem, path, suffix))

    chosen: dict[str, Source] = {}
    for table, sources in found.items():
        if not sources:
            if TABLES_BY_NAME[table].required:
                log.add(Problem(f"{table}.csv", NO_LINE, NO_COLUMN,
                                f"file is missing; expected {table}.csv, {table}.xlsx or {table}.parquet"))
        elif len(sources) > 1:
            names = ", ".join(s.label for s in sources)
            log.add(Problem(sources[1].label, NO_LINE, NO_COLUMN,
                            f"more than one source for table {table} ({names}); keep one"))
        else:
            chosen[table] = sources[0]
    return chosen


def _sheet_names(path: Path, log: ProblemLog) -> list[str]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        log.add(Problem(path.name, NO_LINE, NO_COLUMN, f"cannot be opened as an Excel workbook ({exc})"))
        return []
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def load(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    """Load one source into `raw_<table>`; None (with a problem logged) when the file cannot be read."""
    loader = {"csv": _load_csv, "xlsx": _load_xlsx, "parquet": _load_parquet}[source.format]
    return loader(con, source, log)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as such, else cp1252 (Latin-1 for its gaps)."""
    with path.open("rb") as handle:
        head = handle.read(3)
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"


def _transcode_to_utf8(path: Path, encoding: str) -> Path:
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # cp1252 leaves five bytes undefined; Latin-1 maps every byte
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", delete=False, newline="")
    with handle:
        handle.write(text)
    return Path(handle.name)


def _read_header(path: Path, encoding: str) -> tuple[list[str], str] | None:
    with path.open("r", encoding=encoding, newline="") as handle:
        first = handle.readline()
    if not first.strip():
        return None
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return next(csv.reader(io.StringIO(first), delimiter=delimiter)), delimiter


def _checked_columns(source: Source, header: list, log: ProblemLog) -> list[str] | None:
    names = [normalise_header(h) or f"unnamed_{i + 1}" for i, h in enumerate(header)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            log.add(Problem(source.label, 1, name, "column appears twice in the header; keep one"))
            return None
        seen.add(name)
    return names


def _load_csv(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    path = source.path
    sha = _sha256(path)
    if path.stat().st_size == 0:
        log.add(Problem(source.label, 1, NO_COLUMN, "file is empty; expected a header row"))
        return None
    encoding = _detect_encoding(path)
    readable = path if encoding.startswith("utf-8") else _transcode_to_utf8(path, encoding)
    try:
        header = _read_header(readable, "utf-8-sig")
        if header is None:
            log.add(Problem(source.label, 1, NO_COLUMN, "file is empty; expected a header row"))
            return None
        names = _checked_columns(source, header[0], log)
        if names is None:
            return None
        positional = {f"c{i}": "VARCHAR" for i in range(len(names))}
        relation = f"raw_{source.table}"
        scan = f"{relation}_scan"
        # The scan keeps the file's record order (the build preserves insertion order while loading), so a
        # record's rowid is its position among the records the reader kept: the line numbers come from it.
        cleaned = ", ".join(f"{_clean(f'c{i}')} as c{i}" for i in range(len(names)))
        con.execute(
            f"""create or replace temp table {scan} as
                select {cleaned} from read_csv($path, header = true, auto_detect = false, columns = $columns,
                                       delim = $delim, quote = '"', escape = '"', all_varchar = true,
                                       ignore_errors = true, store_rejects = true,
                                       rejects_table = '{relation}_rejects', rejects_scan = '{relation}_scans')""",
            {"path": str(readable), "columns": positional, "delim": header[1]},
        ).fetchall()
        rejects = con.execute(
            f"select line, error_type, csv_line from {relation}_rejects order by line"
        ).fetchall()
        rejected_lines = sorted({int(line) for line, _, _ in rejects})
        for line, error_type, csv_line in rejects:
            found = len(next(csv.reader(io.StringIO(csv_line or ""), delimiter=header[1]), []))
            if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
                message = f"row has {found} fields; expected {len(names)} as in the header"
            else:
                message = f"row cannot be read as CSV ({str(error_type).lower()})"
            log.add(Problem(source.label, int(line), NO_COLUMN, message))
        select = ", ".join(f't.c{i} as "{name}"' for i, name in enumerate(names))
        rows = con.execute(f"select count(*) from {scan}").fetchall()[0][0]
        if rejected_lines:
            _renumber_around_rejects(con, relation, scan, select, rows, rejected_lines)
        else:
            # A view, not a copy: ten million rows of text are not written twice to name the columns.
            con.execute(f"create or replace temp view {relation} as select t.rowid + 2 as _line, {select} "
                        f"from {scan} t").fetchall()
        return LoadedSource(source, names, rows, sha, encoding, rejected_lines)
    finally:
        if readable != path:
            readable.unlink(missing_ok=True)


def _renumber_around_rejects(con: duckdb.DuckDBPyConnection, relation: str, scan: str, select: str, rows: int,
                             rejected: list[int]) -> None:
    """Rows after a rejected line sit lower in the sheet than their position says; give them their real line.

    The k-th kept row (rowid k - 1 of the scan) is on the k-th line (counting from 2) that was not rejected.
    """
    import numpy as np
    import pandas as pd

    kept = np.setdiff1d(np.arange(2, rows + len(rejected) + 2), np.asarray(rejected))[:rows]
    con.register("kept_lines", pd.DataFrame({"row": np.arange(rows, dtype="int64"), "line": kept.astype("int64")}))
    try:
        con.execute(
            f"""create or replace temp table {relation} as
                select k.line as _line, {select} from {scan} t join kept_lines k on k.row = t.rowid"""
        ).fetchall()
    finally:
        con.unregister("kept_lines")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _load_xlsx(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    import openpyxl

    workbook = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    try:
        rows = workbook[source.sheet].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or all(cell is None for cell in header):
            log.add(Problem(source.label, 1, NO_COLUMN, "sheet is empty; expected a header row"))
            return None
        while header and header[-1] is None:
            header = header[:-1]
        names = _checked_columns(source, list(header), log)
        if names is None:
            return None
        records, lines = [], []
        for line, row in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in row[: len(names)]]
            if not any(cells) and not any(v is not None for v in row[len(names):]):
                continue  # blank rows are how people space out a sheet, not records
            if any(v is not None for v in row[len(names):]):
                log.add(Problem(source.label, line, NO_COLUMN,
                                f"row has values beyond the {len(names)} named columns"))
            records.append(cells + [""] * (len(names) - len(cells)))
            lines.append(line)
    finally:
        workbook.close()
    import pandas as pd  # here, not at the top: a CSV build never needs it, and it is ~0.3 s of start-up

    frame = pd.DataFrame(records, columns=names, dtype="string")
    frame.insert(0, "_line", pd.Series(lines, dtype="int64"))
    relation = f"raw_{source.table}"
    con.register("xlsx_frame", frame)
    casts = ", ".join(_clean(f'cast("{n}" as varchar)') + f' as "{n}"' for n in names)
    con.execute(f"create or replace temp table {relation} as select _line, {casts} from xlsx_frame order by _line"
                ).fetchall()
    con.unregister("xlsx_frame")
    return LoadedSource(source, names, len(records), _sha256(source.path))


def _load_parquet(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    try:
        schema = con.execute("describe select * from read_parquet($p)", {"p": str(source.path)}).fetchall()
    except duckdb.Error as exc:
        log.add(Problem(source.label, NO_LINE, NO_COLUMN, f"cannot be read as Parquet ({exc})"))
        return None
    names = _checked_columns(source, [row[0] for row in schema], log)
    if names is None:
        return None
    casts = []
    for (original, kind, *_), name in zip(schema, names, strict=True):
        col = f'"{original}"'
        if kind.startswith("TIMESTAMP"):
            text = (f"case when cast({col} as time) = time '00:00:00' then cast(cast({col} as date) as varchar)"
                    f" else cast({col} as varchar) end")
        elif kind == "BOOLEAN":
            text = f"case when {col} then 'true' when not {col} then 'false' end"
        else:
            text = f"cast({col} as varchar)"
        casts.append(f'{_clean(text)} as "{name}"')
    relation = f"raw_{source.table}"
    con.execute(
        f"""create or replace temp table {relation} as
            select file_row_number + 2 as _line, {", ".join(casts)}
            from read_parquet($p, file_row_number = true) order by file_row_number""",
        {"p": str(source.path)},
    ).fetchall()
    rows = con.execute(f"select count(*) from {relation}").fetchall()[0][0]
    return LoadedSource(source, names, rows, _sha256(source.path), None)
