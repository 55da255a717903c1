"""Problems found in source files, phrased for the person who fixes the file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

NO_LINE = "-"
NO_COLUMN = "-"


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
