"""A source of one contract table (a file, or a sheet of a workbook) and what loading it produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data_pipeline.load.cells import normalise_header
from data_pipeline.problems import Problem, ProblemLog


@dataclass
class Source:
    """Where one contract table comes from: a file, and for a workbook the sheet (and the open workbook)."""

    table: str
    path: Path
    format: str
    sheet: str | None = None
    book: Any = field(default=None, repr=False, compare=False)  # workbook.Book, opened once for all its sheets

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
    # `raw_<table>_unread`: the keys other tables refer to, salvaged from rows that could not be read
    unread: str | None = None

    @property
    def relation(self) -> str:
        return f"raw_{self.source.table}"


def checked_columns(label: str, line: int, header: list, log: ProblemLog) -> list[str] | None:
    """The header's names as lower_snake_case (`unnamed_N` for an empty one); None when a name appears twice."""
    names = [normalise_header(h) or f"unnamed_{i + 1}" for i, h in enumerate(header)]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            log.add(Problem(label, line, name, "column appears twice in the header; keep one"))
            return None
        seen.add(name)
    return names
