"""The money checks' bounds are set per table and column in a TOML file, changed without code (SCN_BOUNDS), and a
bad bounds file is a clear error naming the file, the key and what was expected (issue #16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from data_pipeline import bounds
from data_pipeline.build import build
from tests.data_pipeline.test_changes import TODAY, cli, rows, write
from tests.paths import GOOD

BIG = "2500000000"  # 2.5 billion USD: over the shipped ceiling of 1 billion


def with_grant_amount(dest: Path, amount: str) -> Path:
    """The good sources with grant G-002 (awarded in USD) awarded `amount`."""
    shutil.copytree(GOOD, dest)
    grants = rows(dest / "grants.csv")
    row = next(r for r in grants if r[0] == "G-002")
    assert row[8] == "USD"
    row[7] = amount
    write(dest / "grants.csv", grants)
    return dest


def bounds_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


def test_a_raised_ceiling_lets_a_large_grant_through(tmp_path: Path) -> None:
    source = with_grant_amount(tmp_path / "src", BIG)
    raised = bounds.read(bounds_file(tmp_path / "bounds.toml", "[grants.amount_awarded]\nmax_usd = 5e9\n"))

    refused = build(source, tmp_path / "a" / "scn.duckdb", today=TODAY)
    published = build(source, tmp_path / "b" / "scn.duckdb", today=TODAY, bounds=raised)

    assert not refused.ok
    assert any("more than the plausible maximum of 1,000,000,000 USD for one grant" in m for m in messages(refused))
    assert published.ok, messages(published)
    assert raised.amount("disbursements", "amount").max_usd == 1_000_000_000  # the other bounds stay as shipped


def test_a_lowered_ceiling_refuses_a_grant_the_shipped_one_lets_through(tmp_path: Path) -> None:
    lowered = bounds.read(bounds_file(tmp_path / "bounds.toml", "[grants.amount_awarded]\nmax_usd = 100_000\n"))

    assert build(GOOD, tmp_path / "a" / "scn.duckdb", today=TODAY).ok
    result = build(GOOD, tmp_path / "b" / "scn.duckdb", today=TODAY, bounds=lowered)

    assert not result.ok
    assert "grants.csv:3:amount_awarded: 120,000 USD is about 120,000 USD, more than the plausible maximum of " \
           "100,000 USD for one grant; check the digits" in messages(result)


def test_a_lowered_jump_factor_warns_of_a_rate_the_shipped_one_accepts(tmp_path: Path) -> None:
    lowered = bounds.read(bounds_file(tmp_path / "bounds.toml", "[fx_rates.usd_per_unit]\njump_factor = 1.0001\n"))

    shipped = build(GOOD, tmp_path / "a" / "scn.duckdb", today=TODAY)
    jumpy = build(GOOD, tmp_path / "b" / "scn.duckdb", today=TODAY, bounds=lowered)

    assert not any("the rate before it" in m for m in messages(shipped))
    assert any("the rate before it" in m for m in messages(jumpy)), messages(jumpy)


@pytest.mark.parametrize(("text", "says"), [
    ('[grants.amount_awarded]\nmax_usd = "ten"\n',
     "grants.amount_awarded.max_usd = 'ten': expected a positive number of US dollars"),
    ("[grants.amount_awarded]\nmax_usd = -1\n", "grants.amount_awarded.max_usd = -1: expected a positive number"),
    ("[grants.amount_awarded]\noutlier_min_rows = 2.5\n",
     "grants.amount_awarded.outlier_min_rows = 2.5: expected a whole number of amounts, at least 3"),
    ("[grants.amount_awarded]\nceiling = 5\n",
     "grants.amount_awarded.ceiling: not a bound of this column; expected max_usd, outlier_min_rows, outlier_z"),
    ("[grants.amount]\nmax_usd = 5\n", "[grants.amount]: no such column with bounds; expected one of "
                                       "[grants.amount_awarded], [disbursements.amount], [fx_rates.usd_per_unit]"),
    ("[fx_rates.usd_per_unit]\njump_factor = 0.5\n",
     "fx_rates.usd_per_unit.jump_factor = 0.5: expected a number above 1"),
    ("[grants.amount_awarded\nmax_usd = 5\n", "is not a TOML file"),
    ("max_usd = 5\n", "max_usd = ... : expected a table of columns such as [grants.amount_awarded]"),
])
def test_a_bad_bounds_file_is_an_error_naming_the_file_key_and_what_was_expected(text: str, says: str,
                                                                                  tmp_path: Path) -> None:
    path = bounds_file(tmp_path / "my-bounds.toml", text)

    with pytest.raises(bounds.BoundsError) as raised:
        bounds.read(path)

    assert str(raised.value).startswith(f"{path}: "), raised.value
    assert says in str(raised.value)


def test_a_missing_bounds_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(bounds.BoundsError, match=r"nowhere\.toml: cannot be read"):
        bounds.read(tmp_path / "nowhere.toml")


def test_the_command_line_reads_the_bounds_file_scn_bounds_names(tmp_path: Path) -> None:
    source = with_grant_amount(tmp_path / "src", BIG)
    raised = bounds_file(tmp_path / "raised.toml", "[grants.amount_awarded]\nmax_usd = 5e9\n")
    # a folder name in brackets and a terminal 40 columns wide: the message is printed whole, on one line
    (tmp_path / "bounds [v2]").mkdir()
    bad = bounds_file(tmp_path / "bounds [v2]" / "bad.toml", '[grants.amount_awarded]\nmax_usd = "ten"\n')

    assert cli(source, tmp_path / "a" / "scn.duckdb").returncode == 1
    assert cli(source, tmp_path / "b" / "scn.duckdb", env={"SCN_BOUNDS": str(raised)}).returncode == 0
    refused = cli(source, tmp_path / "c" / "scn.duckdb", env={"SCN_BOUNDS": str(bad), "COLUMNS": "40"})

    assert refused.returncode == 2
    assert f"{bad}: grants.amount_awarded.max_usd = 'ten': expected a positive number of US dollars" \
           in refused.stderr.splitlines(), refused.stderr
    assert not (tmp_path / "c" / "scn.duckdb").exists()
