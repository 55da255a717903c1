"""What every loader does to the cells it read, whatever the format: clean them, find the header, read numbers
written the European way, and refuse text no report or page should hold.

Cleaning happens in the SQL that creates the raw table (`clean`), once per cell. The rest runs over the raw table
just created, one aggregate query per table, and only the checks a file can fail run at all: a CSV of plain ASCII
(every attendance export) cannot hold mojibake, a comma-separated file without quotes or spaces cannot hold a
decimal comma or a thousands separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from data_pipeline.contract import Column, Table
from data_pipeline.problems import NO_COLUMN, Problem, ProblemLog

# Zero-width characters, the BOM and the soft hyphen are removed from every cell; no-break and other Unicode spaces
# become plain spaces. So `SCN-0001`, `SCN-0001` followed by a zero-width space and ` SCN-0001 ` are one city.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_SEPARATORS = re.compile(r"[\s\-./]+")
# C0 and C1 control characters but tab, line feed and carriage return (a quoted CSV cell may hold line breaks).
CONTROL_SQL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]"
TEXT_TYPES = ("id", "text", "code")
# A character UTF-8 writes as two or three bytes, read back one byte at a time as Windows-1252 or Latin-1: a lead
# byte (Ã, Â, Å, â, ...) then a continuation byte, which those code pages show as one of these.
_CONTINUATION = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019"
                 "\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122")
MOJIBAKE_SQL = f"[\u00c2-\u00f4][{_CONTINUATION}]"


def literal(text: str) -> str:
    """`text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A column name as a quoted SQL identifier (header names come from files)."""
    return '"' + name.replace('"', '""') + '"'


def normalise_header(name: object) -> str:
    """`" City ID"` -> `city_id`: strips BOMs, zero-width characters and spacing people add by hand."""
    text = _INVISIBLE_RE.sub("", str(name if name is not None else "")).strip().lower()
    return _SEPARATORS.sub("_", text).strip("_")


def clean(value_sql: str, *, unicode: bool) -> str:
    """SQL for a cell as every later step reads it: invisible characters out (when the file has any non-ASCII),
    trimmed, NULL when nothing is left."""
    if unicode:
        # the regular expressions only where the cell has a non-ASCII character (bytes > characters): a file with
        # a few accented names does not pay them on every cell
        value_sql = (f"case when strlen({value_sql}) = length({value_sql}) then {value_sql} else "
                     f"regexp_replace(regexp_replace({value_sql}, '[{INVISIBLE}]', '', 'g'), "
                     f"'[{SPACES}]', ' ', 'g') end")
    return f"nullif(trim({value_sql}), '')"


def find_header(rows: list[list[object]], table: Table) -> int | None:
    """Index of the first of `rows` that names enough of the table's columns to be its header, None if none does.

    Enough is half the columns a file must have (at least two): a title row above the header ("SCN grants 2026")
    names none, a header with one misspelt column still names most.
    """
    names = set(table.column_names)
    need = max(2, (sum(c.header_required for c in table.columns) + 1) // 2)
    for index, row in enumerate(rows):
        if len({normalise_header(cell) for cell in row if cell not in (None, "")} & names) >= need:
            return index
    return None


def header_moved(label: str, header_line: int, first_line: int, log: ProblemLog) -> None:
    """Warn that the header was found below title rows, which are not read."""
    above = header_line - first_line
    log.add(Problem(label, header_line, NO_COLUMN,
                    f"the header is on line {header_line}, not line {first_line}; the {above} line"
                    f"{'s' if above > 1 else ''} above it (a title?) {'are' if above > 1 else 'is'} not read",
                    "warning"))


# --- numbers written with thousands separators or decimal commas ------------------------------------------------

_SIGN = "[+-]?"
NUMBER_PATTERNS = {
    # a decimal point (45.5, 0.25, 60.3913; 1,234.5), or thousands commas no decimal comma can explain (1,234,567)
    "point": f"{_SIGN}[0-9]*\\.([0-9]{{1,2}}|[0-9]{{4,}})|{_SIGN}[0-9]{{1,3}}([, '][0-9]{{3}})+\\.[0-9]+"
             f"|{_SIGN}[0-9]{{1,3}}(,[0-9]{{3}}){{2,}}",
    # a decimal comma (45,5, 0,25; 1.234,5), or thousands dots no decimal point can explain (1.234.567)
    "comma": f"{_SIGN}[0-9]*,([0-9]{{1,2}}|[0-9]{{4,}})|{_SIGN}[0-9]{{1,3}}([. '][0-9]{{3}})+,[0-9]+"
             f"|{_SIGN}[0-9]{{1,3}}(\\.[0-9]{{3}}){{2,}}",
    # one group of three after a dot or a comma: 196.000 is 196 or 196000, 1,500 is 1.5 or 1500
    "ambiguous": f"{_SIGN}[0-9]{{1,3}}[.,][0-9]{{3}}",
}
# What each convention turns into canonical text, and which values it applies to.
_CANONICAL = {
    ",": (f"{_SIGN}([0-9]{{1,3}}([. '][0-9]{{3}})+|[0-9]*)(,[0-9]+)?", "[. ']", True),
    ".": (f"{_SIGN}([0-9]{{1,3}}([, '][0-9]{{3}})+|[0-9]*)(\\.[0-9]+)?", "[, ']", False),
}
_DECIMAL_WORDS = {".": "a decimal point", ",": "a decimal comma"}


@dataclass
class _Evidence:
    column: Column
    point: tuple | None  # (count, first line, its value)
    comma: tuple | None
    ambiguous: tuple | None


def normalise_numbers(con: duckdb.DuckDBPyConnection, physical: str, relation: str, table: Table,
                      columns: list[str], label: str, log: ProblemLog, *, prior: str | None) -> None:
    """Rewrite the number columns of `physical` (the table under `relation`) as canonical text: `196.000` in a file
    that writes decimal commas becomes `196000`, `45,5` becomes `45.5`, `1 234` becomes `1234`.

    The convention is decided per column from what its values show (a decimal point, a decimal comma, thousands
    groups only one convention explains), else from the other number columns of the file, else from `prior` (the
    separator of a semicolon-separated file is Excel's for locales that write decimal commas). A column showing
    both conventions, and a value that could be either (`196.000` in a whole-number column of a file that uses
    decimal points) are refused; the value stays as written and later checks quote it.
    """
    present = [table.column(c) for c in columns if c in table.column_names
               and table.column(c).type in ("number", "integer")]
    if not present:
        return
    maybe = ", ".join(
        f"count_if(contains({ident(c.name)}, ',') or contains({ident(c.name)}, ' ') or contains({ident(c.name)}, '''')"
        f" or {ident(c.name)} like '%.___' or {ident(c.name)} like '%.%.%')" for c in present)
    counts = con.execute(f"select {maybe} from {relation}").fetchall()[0]
    present = [c for c, n in zip(present, counts, strict=True) if n]
    if not present:
        return
    parts = []
    for column in present:
        v = ident(column.name)
        for pattern in NUMBER_PATTERNS.values():
            cond = f"regexp_full_match({v}, {literal(pattern)})"
            parts.append(f"count_if({cond}), min(_line) filter (where {cond}), "
                         f"arg_min({v}, _line) filter (where {cond})")
    row = con.execute(f"select {', '.join(parts)} from {relation}").fetchall()[0]
    evidence = []
    for index, column in enumerate(present):
        found = [row[index * 9 + k * 3: index * 9 + k * 3 + 3] for k in range(3)]
        evidence.append(_Evidence(column, *[f if f[0] else None for f in found]))
    file_point = any(e.point for e in evidence)
    file_comma = any(e.comma for e in evidence)
    file_decimal = "." if file_point and not file_comma else "," if file_comma and not file_point else None
    for e in evidence:
        name = e.column.name
        if e.point and e.comma:
            first, other = sorted((("." , e.point), (",", e.comma)), key=lambda item: item[1][1])
            log.add(Problem(label, other[1][1], name,
                            f"'{other[1][2]}' has {_DECIMAL_WORDS[other[0]]}, but line {first[1][1]} has "
                            f"{_DECIMAL_WORDS[first[0]]} ('{first[1][2]}'); write every number of the column "
                            "the same way"))
            continue
        decimal = "." if e.point else "," if e.comma else file_decimal or prior
        whole = e.column.type == "integer"
        if e.ambiguous and (decimal is None or (decimal == "." and whole and not e.point)):
            why = (f"this file writes decimal points (e.g. line {_first_line(evidence, 'point')})"
                   if decimal == "." else "nothing else in the file says which")
            _refuse_ambiguous(con, relation, name, label, log, why)
            continue
        if decimal is None:
            decimal = "."
        pattern, separators, comma = _CANONICAL[decimal]
        v = ident(name)
        replaced = f"regexp_replace({v}, {literal(separators)}, '', 'g')"
        if comma:
            replaced = f"replace({replaced}, ',', '.')"
        con.execute(f"update {physical} set {v} = {replaced} where regexp_matches({v}, '[.,'' ]') "
                    f"and regexp_full_match({v}, {literal(pattern)})").fetchall()


def _first_line(evidence: list[_Evidence], kind: str) -> str:
    found = min((getattr(e, kind) for e in evidence if getattr(e, kind)), key=lambda f: f[1])
    return f"{found[1]} '{found[2]}'"


def _refuse_ambiguous(con: duckdb.DuckDBPyConnection, relation: str, name: str, label: str, log: ProblemLog,
                      why: str) -> None:
    v = ident(name)
    cond = f"regexp_full_match({v}, {literal(NUMBER_PATTERNS['ambiguous'])})"
    total = con.execute(f"select count(*) from {relation} where {cond}").fetchall()[0][0]
    rows = con.execute(f"select _line, {v} from {relation} where {cond} order by _line limit {log.per_kind}"
                       ).fetchall()
    log.add_rows(label, name, [
        (line, f"'{value}' could be {_read_as(value, '.')} or {_read_as(value, ',')} ({why}); write numbers "
               "without thousands separators") for line, value in rows], total - len(rows))


def _read_as(value: str, decimal: str) -> str:
    digits = value.replace("," if decimal == "." else ".", "").replace(",", ".")
    return f"{float(digits):g}" if decimal == "." else digits.replace(".", "")


# --- text no report should hold ----------------------------------------------------------------------------------

def check_text(con: duckdb.DuckDBPyConnection, relation: str, table: Table, columns: list[str], label: str,
               log: ProblemLog, *, controls: bool, unicode: bool) -> None:
    """Refuse values longer than their column's bound, values holding control characters (when the file may hold
    any), and values that look like mojibake (when it holds non-ASCII text): one scan of the raw table."""
    present = [table.column(c) for c in columns if c in table.column_names]
    checks: list[tuple[Column, str, str]] = []
    for column in present:
        v, limit = ident(column.name), column.length_limit
        if limit is not None:
            # strlen counts bytes (free to read), never fewer than the characters length() has to count
            checks.append((column, "length", f"case when strlen({v}) > {limit} then length({v}) > {limit} end"))
        if column.type in TEXT_TYPES and controls:
            checks.append((column, "control", f"regexp_matches({v}, '{CONTROL_SQL}')"))
        if column.type in TEXT_TYPES and unicode:
            checks.append((column, "mojibake", f"case when strlen({v}) <> length({v}) "
                                               f"then regexp_matches({v}, '{MOJIBAKE_SQL}') end"))
    if not checks:
        return
    counts = con.execute("select " + ", ".join(f"count_if(coalesce({cond}, false))" for _, _, cond in checks)
                         + f" from {relation}").fetchall()[0]
    for (column, kind, cond), count in zip(checks, counts, strict=True):
        if not count:
            continue
        v = ident(column.name)
        limit = log.per_kind if kind != "mojibake" else 1000
        rows = con.execute(f"select _line, {v}, length({v}) from {relation} where {cond} order by _line "
                           f"limit {limit}").fetchall()
        if kind == "length":
            messages = [(line, f"value is {n:,} characters long; at most {column.length_limit} are allowed here")
                        for line, _, n in rows]
        elif kind == "control":
            messages = [(line, f"'{value}' holds control characters (shown as \\x.. escapes); remove them")
                        for line, value, _ in rows]
        else:
            messages = _mojibake(rows)
            count = len(messages)
            messages = messages[: log.per_kind]
        log.add_rows(label, column.name, messages, count - len(messages))


def _mojibake(rows: list[tuple]) -> list[tuple[int, str]]:
    import ftfy  # here: only files with suspect text need it

    found = []
    for line, value, _ in rows:
        fixed = ftfy.fix_encoding(value)
        if fixed != value:
            found.append((line, f"'{value}' looks garbled: text saved as UTF-8 was read as Windows-1252 somewhere "
                                f"and saved again; it should probably read '{fixed}'; correct it in the file"))
    return found
