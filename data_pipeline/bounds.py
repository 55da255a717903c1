"""The plausibility bounds of the money checks, per table and column, read from a TOML file.

The shipped defaults are `bounds.toml` beside this module. A deployment changes a bound without changing code:
a file holding only the bounds it changes, in the same layout (`[grants.amount_awarded]` then `max_usd = ...`),
named by SCN_BOUNDS (dashboards/settings.py reads it, as it reads SCN_CONFIRM_SHRINK_OVER), is read over the
defaults. Both files are checked when read: an unknown table, column or bound, or a value of the wrong kind, is a
BoundsError naming the file, the key and what was expected, so a typing slip never turns a check off silently.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULTS = Path(__file__).with_name("bounds.toml")


class BoundsError(ValueError):
    """A bounds file that cannot be used; the message names the file, the key and what was expected."""


@dataclass(frozen=True)
class AmountBounds:
    """An amount column's bounds: a ceiling in US dollars (error), and when an amount is an outlier (warning)."""

    max_usd: float
    outlier_z: float
    outlier_min_rows: int


@dataclass(frozen=True)
class RateBounds:
    """The exchange rates' bounds: how far a rate may jump, how old a rate an amount may be converted with."""

    jump_factor: float
    gap_factor: float
    max_age_days: int


# What each bound must be: (a test, the words for the message).
_EXPECTED = {
    "max_usd": (lambda v: _number(v) and v > 0, "a positive number of US dollars"),
    "outlier_z": (lambda v: _number(v) and v > 0, "a positive number (a robust z-score, such as 3.5)"),
    "outlier_min_rows": (lambda v: _whole(v) and v >= 3, "a whole number of amounts, at least 3"),
    "jump_factor": (lambda v: _number(v) and v > 1, "a number above 1 (1.5: half as high again, or two thirds)"),
    "gap_factor": (lambda v: _number(v) and v >= 1, "a number of at least 1 (times the usual spacing of rates)"),
    "max_age_days": (lambda v: _whole(v) and v >= 1, "a whole number of days, at least 1"),
}
# The columns that have bounds, and their kind.
SECTIONS: dict[tuple[str, str], type] = {
    ("grants", "amount_awarded"): AmountBounds,
    ("disbursements", "amount"): AmountBounds,
    ("fx_rates", "usd_per_unit"): RateBounds,
}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value  # not NaN


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Bounds:
    """Every column's bounds, and the files they were read from (the defaults first)."""

    columns: dict[tuple[str, str], AmountBounds | RateBounds]
    files: tuple[str, ...]

    def amount(self, table: str, column: str) -> AmountBounds:
        """The bounds of an amount column (`grants`, `amount_awarded`)."""
        found = self.columns[(table, column)]
        assert isinstance(found, AmountBounds), (table, column)
        return found

    @property
    def rates(self) -> RateBounds:
        """The bounds of the exchange rates."""
        found = self.columns[("fx_rates", "usd_per_unit")]
        assert isinstance(found, RateBounds)
        return found


def read(path: Path | str | None = None) -> Bounds:
    """The shipped bounds, with those of the file `path` (None: none) read over them.

    Raises BoundsError, naming the file and key, for a file that cannot be read or parsed, a table or column
    without bounds, an unknown bound, or a value of the wrong kind.
    """
    values = {key: {} for key in SECTIONS}
    files = [DEFAULTS, *([Path(path)] if path else [])]
    for file in files:
        for key, given in _sections(file).items():
            values[key].update(given)
    columns = {}
    for key, kind in SECTIONS.items():
        missing = [f.name for f in fields(kind) if f.name not in values[key]]
        if missing:  # only the shipped file can leave one out: an override's gaps are filled by it
            raise BoundsError(f"{DEFAULTS}: [{'.'.join(key)}] has no {', '.join(missing)}")
        columns[key] = kind(**values[key])
    return Bounds(columns, tuple(str(f) for f in files))


def _sections(file: Path) -> dict[tuple[str, str], dict[str, object]]:
    """The bounds one file gives, checked: (table, column) -> {bound: value}."""
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BoundsError(f"{file}: cannot be read ({exc.strerror or exc}); SCN_BOUNDS names a bounds file") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BoundsError(f"{file}: is not a TOML file ({exc})") from exc
    known = ", ".join(f"[{t}.{c}]" for t, c in SECTIONS)
    found: dict[tuple[str, str], dict[str, object]] = {}
    for table, columns in data.items():
        if not isinstance(columns, dict):
            raise BoundsError(f"{file}: {table} = ... : expected a table of columns such as {known}")
        for column, given in columns.items():
            key = (table, column)
            if key not in SECTIONS or not isinstance(given, dict):
                raise BoundsError(f"{file}: [{table}.{column}]: no such column with bounds; expected one of {known}")
            names = {f.name for f in fields(SECTIONS[key])}
            for name, value in given.items():
                if name not in names:
                    raise BoundsError(f"{file}: {table}.{column}.{name}: not a bound of this column; expected "
                                      f"{', '.join(sorted(names))}")
                test, words = _EXPECTED[name]
                if not test(value):
                    raise BoundsError(f"{file}: {table}.{column}.{name} = {value!r}: expected {words}")
            found[key] = dict(given)
    return found
