"""The jobs the command line and the grants page share: make a checked file, check a file, import a file.

A file is only handed out when its standard's checks find no error: an export that fails them is a bug of ours
or a fault in the data, and a donor must not receive it either way.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from data_pipeline.bounds import Bounds
from data_pipeline.problems import BySeverity, Problem
from data_pipeline.standards import mapping as m
from data_pipeline.standards.giving360_export import to_360giving, to_flat_csv, to_json
from data_pipeline.standards.giving360_import import read_360giving, unflatten
from data_pipeline.standards.iati_export import to_iati
from data_pipeline.standards.iati_import import read_iati
from data_pipeline.standards.importing import Base, ImportResult, run_import
from data_pipeline.standards.portfolio import Portfolio
from data_pipeline.standards.quality import validate_360, validate_iati

STANDARDS = ("iati", "360giving")


@dataclass
class Made(BySeverity):
    """A file made for a standard, with what its checks found; `data` is None when they found an error."""

    data: bytes | None
    name: str
    problems: list[Problem] = field(default_factory=list)
    grants: int = 0


def filename(standard: str, donor: str | None, *, flat: bool = False) -> str:
    """The download's file name: the standard, the donor it is scoped to if any, and its format's extension."""
    scope = f"-{m.slug(donor)}" if donor else ""
    ext = "xml" if standard == "iati" else ("csv" if flat else "json")
    return f"scn-grants{scope}-{standard}.{ext}"


def make_iati(portfolio: Portfolio, *, reporting: m.Organisation = m.REPORTING_ORG,
              today: dt.date | None = None) -> Made:
    """The IATI 2.03 file of `portfolio`, checked against the XSD and IATI's rules."""
    name = filename("iati", portfolio.donor)
    data = to_iati(portfolio, reporting=reporting)
    problems = validate_iati(data, name=name, today=today)
    ok = not any(p.severity == "error" for p in problems)
    return Made(data if ok else None, name, problems, len(portfolio.grants))


def make_360giving(portfolio: Portfolio, *, flat: bool = False, reporting: m.Organisation = m.REPORTING_ORG,
                   today: dt.date | None = None) -> Made:
    """The 360Giving package (or its flat CSV form) of `portfolio`, checked against the schema: the CSV is read
    back into a package and checked as such, as 360Giving's own tool does."""
    name = filename("360giving", portfolio.donor, flat=flat)
    package = to_360giving(portfolio, reporting=reporting)
    data = to_flat_csv(package) if flat else to_json(package)
    problems = validate_360(unflatten(data) if flat else package, name=name, today=today)
    ok = not any(p.severity == "error" for p in problems)
    return Made(data if ok else None, name, problems, len(portfolio.grants))


def check_file(path: Path, standard: str, *, today: dt.date | None = None) -> list[Problem]:
    """Every problem the standard's checks find in a file (a 360Giving file may be .json or .csv)."""
    data = path.read_bytes()
    if standard == "iati":
        return validate_iati(data, name=path.name, today=today)
    if path.suffix.lower() == ".csv":
        return validate_360(unflatten(data), name=path.name, today=today)
    try:
        package = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Problem(path.name, getattr(exc, "lineno", "-"), "-", f"is not JSON: {exc}")]
    return validate_360(package, name=path.name, today=today)


def import_file(path: Path, standard: str, *, source: Path, out: Path, db: Path | None, months: int | None = None,
                region: str | None = None, today: dt.date | None = None, bounds: Bounds | None = None) -> ImportResult:
    """Import a donor's file into a copy of the source set at `source`, written to `out`, and build it (published
    into `db` when given and clean; the money checks within `bounds`, default the shipped ones)."""
    base = Base(source, months=months, region=region)
    if standard == "iati":
        mapped = read_iati(path.read_bytes(), name=path.name, base=base)
    else:
        mapped = read_360giving(path.read_bytes(), name=path.name, base=base, today=today)
    return run_import(mapped, base, out=out, db=db, today=today, bounds=bounds)
