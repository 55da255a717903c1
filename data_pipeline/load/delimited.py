"""Load a CSV (or tab- or semicolon-separated text) into `raw_<table>`, each record on the line the file has it.

DuckDB reads the file (in parallel, the fast path ten million attendance rows take); Python only looks at it first:
what it really is (`sniff.what_is`), one pass over its bytes (`sniff.scan`), its encoding (text that is not UTF-8
is decoded line by line into a UTF-8 copy), and its first lines: an Excel `sep=` line, the separator, and the
header row, found by the contract's column names even below title rows.

A record's line is the file's physical line (header = 1 when the header is the first line). When every record is
one line and no line is blank, that is its position plus the lines above the first record; otherwise (blank lines,
cells holding line breaks) the lines are counted from the bytes (`_line_units`).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from data_pipeline.contract import TABLES, Table
from data_pipeline.load import cells, sniff
from data_pipeline.load.source import LoadedSource, Source, checked_columns
from data_pipeline.problems import NO_COLUMN, NO_LINE, Problem, ProblemLog

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars"}
HEAD_LINES = 40
# Most rows ragged: the file's separator or quoting is wrong; one line says so instead of a line per row.
FLOOD_MIN_ROWS = 10
FLOOD_EXAMPLES = 3
_SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)


@dataclass
class _Layout:
    delimiter: str
    skip: int  # lines before the header
    names: list[str]

    @property
    def header_line(self) -> int:
        return self.skip + 1


def load_delimited(con: duckdb.DuckDBPyConnection, source: Source, log: ProblemLog) -> LoadedSource | None:
    """Load one delimited text file into `raw_<table>`; None (with a problem logged) when it cannot be read."""
    path, label, table = source.path, source.label, _table(source.table)
    kind = sniff.what_is(path)
    if kind.kind == "empty":
        log.add(Problem(label, 1, NO_COLUMN, "file is empty; expected a header row"))
        return None
    refusal = kind.refusal(path)
    if refusal:
        log.add(Problem(label, NO_LINE, NO_COLUMN, refusal))
        return None
    facts = sniff.scan(path)
    readable, encoding = _readable(path, kind, facts, label, log)
    try:
        if readable != path:  # what DuckDB reads is the UTF-8 copy; the checksum stays the file's
            sha256, facts = facts.sha256, sniff.scan(readable)
            facts.sha256 = sha256
        layout = _layout(readable, table, label, log)
        if layout is None:
            return None
        return _read(con, source, table, readable, layout, facts, encoding, log)
    finally:
        if readable != path:
            readable.unlink(missing_ok=True)


def _table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


def _readable(path: Path, kind: sniff.Kind, facts: sniff.Scan, label: str, log: ProblemLog) -> tuple[Path, str]:
    """The file as UTF-8 DuckDB can read (the file itself, or a transcoded copy), and the encoding it was in."""
    if kind.encoding and kind.encoding.startswith(("utf-16", "utf-32")):
        text = path.read_bytes().decode(kind.encoding, errors="replace").lstrip("\ufeff")
        return _write_utf8(text), "utf-16" if "16" in kind.encoding else "utf-32"
    if not facts.non_ascii:
        return path, "ascii"
    if sniff.is_utf8(path):
        return path, kind.encoding or "utf-8"
    decoded = sniff.decode_legacy(path.read_bytes())
    if decoded.utf8_lines and decoded.legacy_lines:
        name = sniff.ENCODING_NAMES[decoded.legacy]
        rows = [(line, f"line is not UTF-8 like the rest of the file; read as {name}: '{_excerpt(text)}'; save the "
                       "file as CSV UTF-8") for line, text in decoded.legacy_lines]
        log.add_rows(label, NO_COLUMN, rows[: log.per_kind], len(rows) - log.per_kind, "warning")
        return _write_utf8(decoded.text), f"utf-8+{decoded.legacy}"
    return _write_utf8(decoded.text), decoded.legacy


def _excerpt(text: str) -> str:
    word = re.search(r"[^\s,;\t]*[^\x00-\x7f][^\s,;\t]*", text)
    return word.group() if word else text[:40]


def _write_utf8(text: str) -> Path:
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", delete=False, newline="")
    with handle:
        handle.write(text)
    return Path(handle.name)


def _layout(path: Path, table: Table, label: str, log: ProblemLog) -> _Layout | None:
    """The separator, the header row and the column names, from the first lines of the file."""
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        # (a line is cut at 64 KB: a header is shorter, and Python's csv refuses longer fields)
        lines = [line[:65536] for _, line in zip(range(HEAD_LINES), handle, strict=False)]
    start, candidates = 0, DELIMITERS
    sep = _SEP_LINE.match(lines[0].rstrip("\r\n")) if lines else None
    if sep:
        start, candidates = 1, (sep.group(1),)
    if not "".join(lines[start:]).strip():
        log.add(Problem(label, start + 1, NO_COLUMN, "file is empty; expected a header row"))
        return None
    found = []
    for delimiter in candidates:
        rows = list(csv.reader(io.StringIO("".join(lines[start:])), delimiter=delimiter))
        index = cells.find_header(rows, table)
        if index is not None:
            found.append((index, -len(rows[index]), delimiter, rows[index]))
    if found:
        index, _, delimiter, header = min(found, key=lambda f: f[:2])
    else:
        first = lines[start]
        delimiter = max(candidates, key=lambda d: (first.count(d), -candidates.index(d)))
        index, header = 0, next(csv.reader(io.StringIO(first), delimiter=delimiter))
    if index:
        cells.header_moved(label, start + index + 1, start + 1, log)
    while header and not header[-1].strip():
        header = header[:-1]  # Excel pads a header with empty cells as wide as the widest row
    names = checked_columns(label, start + index + 1, header, log)
    return None if names is None else _Layout(delimiter, start + index, names)


def _read(con: duckdb.DuckDBPyConnection, source: Source, table: Table, path: Path, layout: _Layout,
          facts: sniff.Scan, encoding: str, log: ProblemLog) -> LoadedSource:
    relation, label = f"raw_{source.table}", source.label
    scan_table, names = f"{relation}_scan", layout.names
    unicode = facts.invisible  # the cleaning's regular expressions run only where such characters are
    positional = {f"c{i}": "VARCHAR" for i in range(len(names))}
    selected = ", ".join(f"{cells.clean(f'c{i}', unicode=unicode)} as {cells.ident(name)}"
                         for i, name in enumerate(names))
    # The scan keeps the file's record order (the build preserves insertion order while loading), so a record's
    # rowid is its position among the records the reader kept: the line numbers come from it.
    con.execute(
        f"""create or replace temp table {scan_table} as
            select {selected} from read_csv($path, header = true, skip = {layout.skip}, auto_detect = false,
                                   columns = $columns, delim = $delim, quote = '"', escape = '"',
                                   all_varchar = true, null_padding = false, ignore_errors = true,
                                   store_rejects = true, rejects_table = '{relation}_rejects',
                                   rejects_scan = '{relation}_scans')""",
        {"path": str(path), "columns": positional, "delim": layout.delimiter},
    ).fetchall()
    rejected = _rejected_records(con, relation, layout)
    kept = con.execute(f"select count(*) from {scan_table}").fetchall()[0][0]
    units = kept + len(rejected)
    # as many lines as records (and the lines above them): each record on one line, none blank, and the lines
    # are the records' positions; otherwise they are counted from the bytes
    exact = None if facts.lines == layout.header_line + units else _line_units(path)
    line_of = _physical(exact, layout)
    blank_rows = {line for line, fields in rejected.items() if not any(f.strip() for f in fields)}
    ragged = {line_of(line): fields for line, fields in rejected.items() if line not in blank_rows}
    _report_ragged(label, ragged, len(names), kept + len(ragged), layout.delimiter, log)

    empty = " and ".join(f"{cells.ident(n)} is null" for n in names)
    # a row of empty cells has an empty first cell: counting those reads only the column's null mask
    has_empty = con.execute(f"select count(*) > count({cells.ident(names[0])}) from {scan_table}").fetchall()[0][0]
    has_empty = has_empty and con.execute(f"select count_if({empty}) > 0 from {scan_table}").fetchall()[0][0]
    keep = f"where not ({empty})" if has_empty else ""
    select = ", ".join(f"t.{cells.ident(n)}" for n in names)
    physical = scan_table
    if exact is None and not rejected:
        # A view, not a copy: ten million rows of text are not written twice to name the columns.
        con.execute(f"create or replace temp view {relation} as select t.rowid + {layout.header_line + 1} as _line, "
                    f"{select} from {scan_table} t {keep}").fetchall()
    else:
        lines = _kept_lines(exact, layout, set(rejected), kept)
        _renumber(con, relation, scan_table, select, lines, keep)
        physical = relation
    rows = con.execute(f"select count(*) from {relation}").fetchall()[0][0]
    unread = _unread_keys(con, relation, table, names, ragged)
    prior = {";": ",", ",": "."}.get(layout.delimiter)
    if layout.delimiter != "," or facts.has_quote or facts.has_space:
        cells.normalise_numbers(con, physical, relation, table, names, label, log, prior=prior)
    cells.check_text(con, relation, table, names, label, log, controls=bool(facts.control_bytes),
                     unicode=facts.mojibake)
    return LoadedSource(source, names, rows, facts.sha256, encoding, sorted(ragged), unread=unread)


def _rejected_records(con: duckdb.DuckDBPyConnection, relation: str, layout: _Layout) -> dict[int, list[str]]:
    """DuckDB's line number of each record it could not read -> the record's fields as Python's csv reads them."""
    rejects = con.execute(f"select line, any_value(csv_line) from {relation}_rejects group by line order by line"
                          ).fetchall()
    return {int(line): _fields((text or "").lstrip("\r\n"), layout.delimiter) for line, text in rejects}


def _fields(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    except csv.Error:  # a field over Python's csv limit (128 KB): DuckDB's count is what matters here
        return text.split(delimiter)


def _report_ragged(label: str, ragged: dict[int, list[str]], width: int, records: int, delimiter: str,
                   log: ProblemLog) -> None:
    if not ragged:
        return
    lines = sorted(ragged)
    if len(lines) >= FLOOD_MIN_ROWS and len(lines) * 2 > records:
        counts: dict[int, int] = {}
        for fields in ragged.values():
            counts[len(fields)] = counts.get(len(fields), 0) + 1
        usual = max(counts, key=counts.get)  # type: ignore[arg-type]
        cause = (f"a column holds unquoted {DELIMITER_NAMES.get(delimiter, repr(delimiter))} (decimal commas such "
                 "as 1,5, or thousands separators), or the values are not separated the way the header is"
                 if usual > width else
                 f"the rows are not separated by {DELIMITER_NAMES.get(delimiter, repr(delimiter))} as the header is, "
                 "or the header has columns the rows do not")
        log.add(Problem(label, lines[0], NO_COLUMN,
                        f"{len(lines):,} of {records:,} rows do not have the header's {width} fields (most have "
                        f"{usual}): {cause}; fix the export rather than the rows"))
        shown = lines[:FLOOD_EXAMPLES]
    else:
        shown = lines[: log.per_kind]
    rows = [(line, f"row has {len(ragged[line])} fields; expected {width} as in the header") for line in shown]
    log.add_rows(label, NO_COLUMN, rows, len(lines) - len(shown))


def _unread_keys(con: duckdb.DuckDBPyConnection, relation: str, table: Table, names: list[str],
                 ragged: dict[int, list[str]]) -> str | None:
    """Keep the keys other tables refer to from the rows that could not be read, in `<relation>_unread`.

    A participant on a ragged line is still a participant: attendance referring to it is not reported as an
    unknown participant_id as well (the ragged line is the one problem). The fields before a ragged row's first
    missing or extra separator are where the header says; the keys are the first columns of every table.
    """
    targets = sorted({c.references.split(".")[1] for t in TABLES for c in t.columns
                      if c.references and c.references.split(".")[0] == table.name} & set(names))
    if not ragged or not targets:
        return None
    unread = f"{relation}_unread"
    con.execute(f"create or replace temp table {unread} (_line bigint, "
                + ", ".join(f"{cells.ident(c)} varchar" for c in targets) + ")").fetchall()
    positions = [names.index(c) for c in targets]
    con.executemany(f"insert into {unread} values ({', '.join('?' * (len(targets) + 1))})",
                    [[line] + [(fields[p].strip() or None) if p < len(fields) else None for p in positions]
                     for line, fields in ragged.items()])
    return unread


def _physical(exact: tuple | None, layout: _Layout):
    """A function from DuckDB's line number of a record to the file's physical line."""
    if exact is None:
        return lambda line: line
    starts, _ = exact
    return lambda line: int(starts[line - 1]) if 0 < line <= len(starts) else line


def _kept_lines(exact: tuple | None, layout: _Layout, rejected: set[int], kept: int):
    """The physical line of each record DuckDB kept, in order."""
    import numpy as np

    if exact is None:
        # DuckDB's line numbers are physical lines here; the kept records fill the lines it did not reject.
        candidates = np.arange(layout.header_line + 1, layout.header_line + 1 + kept + len(rejected))
        keep = candidates[~np.isin(candidates, np.fromiter(rejected, dtype=np.int64, count=len(rejected)))]
        return keep[:kept]
    starts, blank = exact
    units = np.arange(1, len(starts) + 1)
    mask = (units > layout.header_line) & ~blank
    if rejected:
        mask &= ~np.isin(units, np.fromiter(rejected, dtype=np.int64, count=len(rejected)))
    lines = starts[mask]
    if len(lines) != kept:  # a stray quote the count reads otherwise than DuckDB: keep DuckDB's numbering
        return np.arange(layout.header_line + 1, layout.header_line + 1 + kept)
    return lines


def _renumber(con: duckdb.DuckDBPyConnection, relation: str, scan: str, select: str, lines, keep: str) -> None:
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"row": np.arange(len(lines), dtype="int64"), "line": np.asarray(lines, dtype="int64")})
    con.register("kept_lines", frame)
    try:
        con.execute(f"create or replace temp table {relation} as select k.line as _line, {select} "
                    f"from {scan} t join kept_lines k on k.row = t.rowid {keep} order by k.line").fetchall()
    finally:
        con.unregister("kept_lines")
    con.execute(f"drop table {scan}").fetchall()


def _line_units(path: Path):
    """For each record or blank line of the file in order (what DuckDB numbers as lines): the physical line it
    starts on, and whether it is blank. A line break inside a quoted cell does not end a record."""
    import numpy as np

    starts, blanks = [], []
    newlines_before = 0
    parity = 0
    previous_end = -1  # byte position of the terminator that ended the previous unit
    last_line = 0  # physical line of the previous terminator
    offset = 0
    last_byte = b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(sniff.CHUNK), b""):
            data = np.frombuffer(chunk, dtype=np.uint8)
            newline = np.flatnonzero(data == 10)
            quotes = np.cumsum(data == 34, dtype=np.int64) + parity
            outside = (quotes[newline] & 1) == 0
            ends = newline[outside]
            end_lines = newlines_before + np.flatnonzero(outside) + 1
            unit_starts = np.concatenate(([last_line + 1], end_lines[:-1] + 1)) if len(ends) else np.array([])
            begin = np.concatenate(([previous_end - offset + 1], ends[:-1] + 1)) if len(ends) else np.array([])
            length = ends - begin
            blank = (length == 0) | ((length == 1) & (data[np.maximum(ends - 1, 0)] == 13))
            starts.append(unit_starts.astype(np.int64))
            blanks.append(blank)
            if len(ends):
                previous_end, last_line = int(ends[-1]) + offset, int(end_lines[-1])
            parity = int(quotes[-1]) & 1 if len(quotes) else parity
            newlines_before += len(newline)
            offset += len(chunk)
            last_byte = chunk[-1:]
    if last_byte and last_byte != b"\n":
        starts.append(np.array([last_line + 1], dtype=np.int64))
        blanks.append(np.array([False]))
    return np.concatenate(starts) if starts else np.array([], dtype=np.int64), \
        np.concatenate(blanks) if blanks else np.array([], dtype=bool)
