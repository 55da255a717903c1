"""Problems found in source files, phrased for the person who fixes the file."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

NO_LINE = "-"
NO_COLUMN = "-"
# Characters never printed as they are: C0/C1 controls (NUL, the ESC of terminal escape sequences) and the
# bidirectional overrides that reorder what a terminal or a page shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A quoted value longer than this is shortened in a message (a 1 MB title is not echoed whole).
QUOTE_LIMIT = 120
_LONG_QUOTE = re.compile(f"'([^']{{{QUOTE_LIMIT + 1},}})'")


def printable(text: str) -> str:
    r"""`text` safe to print on a terminal or a page: control characters shown as escapes (`\\x1b`), long quoted
    values shortened to their start and end."""
    text = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
    return _LONG_QUOTE.sub(lambda m: f"'{m.group(1)[:80]}…{m.group(1)[-20:]}' ({len(m.group(1)):,} characters)",
                           text)


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, printed as `FILE:LINE:COLUMN: message` like a compiler error.

    LINE is the row a spreadsheet shows for that record (header = 1), COLUMN the column name; either is `-`
    when the problem is not about one row or one column (a missing file, a ragged row).
    """

    file: str
    line: int | str
    column: str
    message: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        # Every message may quote a value from a file: made printable once, here, whoever wrote the message.
        for name in ("file", "column", "message"):
            object.__setattr__(self, name, printable(getattr(self, name)))

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


class BySeverity:
    """`errors` and `warnings` views over a `problems` list, for anything that carries one."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class ProblemLog(BySeverity):
    """Collects problems up to a cap, so one broken column cannot bury everything else.

    Each (file, column, message kind) keeps its first `per_kind` rows and then one line saying how many more
    there were; the whole log keeps at most `total` lines.
    """

    def __init__(self, *, per_kind: int = 20, total: int = 1000) -> None:
        self.per_kind = per_kind
        self.total = total
        self.problems: list[Problem] = []
        self.dropped = 0

    def add(self, problem: Problem) -> None:
        if len(self.problems) >= self.total:
            self.dropped += 1
            return
        self.problems.append(problem)

    def add_rows(self, file: str, column: str, rows: list[tuple[int, str]], more: int,
                 severity: Severity = "error") -> None:
        """Add one problem per (line, message), then a summary line if `more` rows were not listed."""
        for line, message in rows:
            self.add(Problem(file, line, column, message, severity))
        if more > 0:
            last_line = rows[-1][0] if rows else NO_LINE
            self.add(Problem(file, last_line, column, f"... and {more:,} more rows like this", severity))
