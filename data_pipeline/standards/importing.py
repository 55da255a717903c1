"""How an imported file joins the data: rows mapped to the contract are merged into a copy of the current source
set, which the normal build validates and publishes.

A donor's file rarely carries what the contract needs beside its grants (member cities, exchange rates), so an
import never starts from nothing:

1. the importer (`iati_import`, `giving360_import`) maps the file to rows of grants, disbursements, indicators
   and indicator values, each remembering where it came from (`Origin`: the file, its line, the element's or
   field's path), and matches organisations and places against the current source set (`Base`): donors by
   identifier or name (a donor not found is added), member cities by their identifier, their point or their name
   and country (a grant with no member city is a regional grant of the hub its country belongs to);
2. anything it cannot map is a problem at its origin; one error and nothing is written or published;
3. `merge` writes the source set to a new folder: every table as it was, except that an imported grant replaces
   the grant of the same id (appended when new), its payments are the file's when the file reports any, its
   indicators and their values are the file's when the file has results for it; a new donor is appended;
4. the build checks the merged set against the contract like any upload; a problem in an imported row is
   reported at the row's origin in the file, not at a line of a CSV file the person never saw. Only a clean build
   publishes, atomically; without a database to publish to, the import is a check and nothing is published.

A grant whose city in the current set is confidential keeps that city and its title when the file has no city:
our own exports withhold both (docs/standards.md), so re-importing one must not lose them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from data_pipeline.bounds import Bounds
from data_pipeline.build import DEMO_MARKER, BuildResult, build
from data_pipeline.contract import TABLES_BY_NAME
from data_pipeline.load import find_sources, load
from data_pipeline.problems import NO_LINE, BySeverity, Problem, ProblemLog
from data_pipeline.reference import countries, currencies, regions
from data_pipeline.standards import codelists
from data_pipeline.standards import mapping as m

MERGED = ("donors", "grants", "disbursements", "indicators", "indicator_values")
BASE_TABLES = (*MERGED, "cities")
IMPORT_MARKER = ".scn-import"
# A point this close to a member city's centre is that city (a city's own point, or a district of it).
CITY_RADIUS_KM = 30.0
# At most this many problems of one kind are listed; then one line says how many more there were.
PER_KIND = 20


@dataclass(frozen=True)
class Origin:
    """Where a mapped row came from: file, line (or '-') and the element's or field's path."""

    file: str
    line: int | str
    path: str

    def problem(self, message: str, severity: str = "error") -> Problem:
        return Problem(self.file, self.line if self.line else NO_LINE, self.path, message, severity)


@dataclass
class Mapped(BySeverity):
    """What an importer made of a file: rows per contract table with their origins, and its problems."""

    file: str
    rows: dict[str, list[tuple[dict, Origin]]] = field(default_factory=lambda: {t: [] for t in MERGED})
    problems: list[Problem] = field(default_factory=list)
    # grants whose payments / indicators the file reports (so they replace the current ones)
    paid: set[str] = field(default_factory=set)
    with_results: set[str] = field(default_factory=set)
    _kinds: dict[str, list] = field(default_factory=dict)  # kind -> [count, severity]

    def add(self, table: str, row: dict, origin: Origin) -> None:
        self.rows[table].append((row, origin))

    def report(self, origin: Origin, kind: str, message: str, severity: str = "error") -> None:
        """A problem at `origin`; past PER_KIND of one `kind`, only counted (see `finish`)."""
        seen = self._kinds.setdefault(kind, [0, severity])
        seen[0] += 1
        if seen[0] <= PER_KIND:
            self.problems.append(origin.problem(message, severity))

    def finish(self) -> Mapped:
        for kind, (count, severity) in self._kinds.items():
            if count > PER_KIND:
                self.problems.append(Problem(self.file, NO_LINE, "-", f"... and {count - PER_KIND:,} more like "
                                                                      f"this ({kind})", severity))
        return self


# --- the current source set ------------------------------------------------------------------------------------

def _read_base(source: Path) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[Problem]]:
    """The current source set's tables the import needs, as text with each row's `_line`, through the same loader
    the build uses (CSV in any encoding, workbooks, Parquet)."""
    log = ProblemLog()
    found = find_sources(source, log)
    frames, labels = {}, {}
    con = duckdb.connect(":memory:")
    try:
        for table in BASE_TABLES:
            if table not in found:
                continue
            item = load(con, found[table], log)
            if item is None:
                continue
            frames[table] = con.execute(f"select * from {item.relation}").df()
            labels[table] = item.source.label
    finally:
        con.close()
    missing = [p for p in log.problems if p.severity == "error"]
    return frames, labels, missing


def _value(row, key: str) -> str | None:
    value = row.get(key)
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


class Base:
    """The current source set, looked up by what donor files carry: names, identifiers, countries, points; and
    what the person importing chose for grants the file leaves open: `months` (how long a grant without an end
    date runs from its start) and `region` (the SCN hub of a grant the file does not place)."""

    def __init__(self, source: Path, *, months: int | None = None, region: str | None = None) -> None:
        self.source = Path(source)
        self.months = months
        self.frames, self.labels, self.problems = _read_base(self.source)
        donors = self.frames.get("donors", pd.DataFrame(columns=["donor_id", "donor_name", "donor_type"]))
        self.donor_ids = {str(r["donor_id"]) for _, r in donors.iterrows()}
        self.donors_by_name = {m.name_key(r["donor_name"]): str(r["donor_id"]) for _, r in donors.iterrows()}
        cities = self.frames.get("cities", pd.DataFrame())
        self.cities = [
            {k: _value(r, k) for k in ("city_id", "city_name", "country_iso3", "latitude", "longitude", "region",
                                       "visibility")} for _, r in cities.iterrows()]
        self.city_by_id = {c["city_id"]: c for c in self.cities}
        grants = self.frames.get("grants", pd.DataFrame(columns=["grant_id"]))
        self.grants = {str(r["grant_id"]): {k: _value(r, k) for k in grants.columns} for _, r in grants.iterrows()}
        indicators = self.frames.get("indicators", pd.DataFrame(columns=["indicator_id", "grant_id"]))
        self.indicator_grant = dict(zip(indicators["indicator_id"].astype(str), indicators["grant_id"].astype(str),
                                        strict=True))
        ref = countries()
        self.iso2_to_iso3 = dict(zip(ref["iso2"], ref["iso3"], strict=True))
        self.region_of_country = dict(zip(ref["iso3"], ref["region"], strict=True))
        names = {m.name_key(n): i for n, i in zip(ref["name"], ref["iso3"], strict=True)}
        names |= {m.name_key(n): self.iso2_to_iso3.get(c) for c, n in codelists.get().countries.items()
                  if self.iso2_to_iso3.get(c)}
        names |= {m.name_key(n): i for n, i in zip(ref["iso3"], ref["iso3"], strict=True)}
        names |= {m.name_key(n): i for n, i in zip(ref["iso2"], ref["iso3"], strict=True)}
        # what grant files write for the United Kingdom; "UK" is not an ISO code
        names |= {"uk": "GBR", "great-britain": "GBR", "england": "GBR", "scotland": "GBR", "wales": "GBR",
                  "northern-ireland": "GBR", "usa": "USA", "united-states-of-america": "USA"}
        self.country_by_name = names
        self.regions = {m.name_key(r): r for r in regions()} | {m.slug(r): r for r in regions()}
        self.currencies = currencies()
        self.fallback_region = self.region(region) if region else None
        if region and self.fallback_region is None:
            raise ValueError(f"'{region}' is not an SCN hub; one of: {', '.join(regions())}")

    def donor(self, mapped: Mapped, origin: Origin, *, ref: str | None, name: str | None,
              org_type: str | None) -> str | None:
        """The donor_id of a funder: an existing donor whose id is the identifier or whose name matches, else a
        new donor (id: the identifier, else one made from the name) added to the import."""
        ref, name = (ref or "").strip() or None, (name or "").strip() or None
        if ref and ref in self.donor_ids:
            return ref
        if name and m.name_key(name) in self.donors_by_name:
            return self.donors_by_name[m.name_key(name)]
        if not (ref or name):
            mapped.report(origin, "funder without identifier or name",
                          "the funding organisation has neither an identifier nor a name")
            return None
        donor_id = ref or f"DON-{m.slug(name)[:40]}"
        donor_type = m.IATI_TO_DONOR_TYPE.get((org_type or "").strip(), "other")
        mapped.add("donors", {"donor_id": donor_id, "donor_name": name or ref, "donor_type": donor_type}, origin)
        self.donor_ids.add(donor_id)
        if name:
            self.donors_by_name[m.name_key(name)] = donor_id
        mapped.report(origin, "new donor", f"funder '{name or ref}' is not among the donors: added as {donor_id}",
                      "warning")
        return donor_id

    def country(self, text: str | None) -> str | None:
        """ISO3 of a country written as an ISO2 or ISO3 code or an English name ('UGANDA', 'United Kingdom')."""
        text = (text or "").strip()
        if not text:
            return None
        if len(text) == 2 and text.upper() in self.iso2_to_iso3:
            return self.iso2_to_iso3[text.upper()]
        return self.country_by_name.get(m.name_key(text))

    def city(self, *, city_id: str | None = None, name: str | None = None, country: str | None = None,
             point: tuple[float, float] | None = None) -> dict | None:
        """The member city an identifier, a point (within CITY_RADIUS_KM) or a name (and country) names."""
        if city_id and city_id in self.city_by_id:
            return self.city_by_id[city_id]
        if point:
            near = [(c, _distance_km(point[0], point[1], float(c["latitude"]), float(c["longitude"])))
                    for c in self.cities if c["latitude"] and c["longitude"]
                    and (country is None or c["country_iso3"] == country)]
            near = [(c, d) for c, d in near if d <= CITY_RADIUS_KM]
            if near:
                return min(near, key=lambda pair: pair[1])[0]
        if name:
            named = [c for c in self.cities if m.name_key(c["city_name"]) == m.name_key(name)
                     and (country is None or c["country_iso3"] == country)]
            if len(named) == 1:
                return named[0]
        return None

    def region(self, text: str | None) -> str | None:
        return self.regions.get(m.name_key(text)) or self.regions.get(m.slug(text or "")) if text else None

    def keep_confidential(self, grant: dict) -> None:
        """A grant the file gives no city, whose city here is confidential: keep the city and the title."""
        before = self.grants.get(grant["grant_id"])
        if grant.get("city_id") or not before or not before.get("city_id"):
            return
        city = self.city_by_id.get(before["city_id"])
        if city and city["visibility"] == "confidential":
            grant["city_id"], grant["title"] = before["city_id"], before["title"]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def place(base: Base, mapped: Mapped, origin: Origin, grant: dict, *, cities: list[dict],
          countries: list[str], region_names: list[str]) -> None:
    """Set the grant's city_id and region from the member cities found, else its country, else a named hub."""
    distinct = {c["city_id"]: c for c in cities if c}
    if len(distinct) == 1:
        city = next(iter(distinct.values()))
        grant["city_id"], grant["region"] = city["city_id"], city["region"]
        return
    if len(distinct) > 1:
        mapped.report(origin, "several member cities", "names several member cities "
                      f"({', '.join(sorted(c['city_name'] for c in distinct.values()))}): a grant has one city, "
                      "so it is imported as a regional grant", "warning")
    hubs = {base.region_of_country.get(c) for c in countries if c} | {base.region(r) for r in region_names}
    hubs.discard(None)
    if len(hubs) == 1:
        grant["region"] = hubs.pop()
        return
    if base.fallback_region:
        grant["region"] = base.fallback_region
        mapped.report(origin, "region chosen", f"placed in {base.fallback_region}, the hub chosen for the import"
                      + (f" (its countries lie in {', '.join(sorted(hubs))})" if hubs else ""), "warning")
    elif hubs:
        mapped.report(origin, "several hubs", f"its countries lie in several SCN hubs ({', '.join(sorted(hubs))}); "
                      "name one recipient country, or import with --region HUB")
    else:
        mapped.report(origin, "no place", "names no member city, recipient country or SCN hub: add a "
                      "recipient-country (IATI) or a beneficiaryLocation with a countryCode (360Giving), or "
                      "import with --region HUB")


# --- merge, write, build ---------------------------------------------------------------------------------------

@dataclass
class ImportResult(BySeverity):
    """What an import did: its problems (at their origins), where the merged source set is, the build."""

    problems: list[Problem]
    out: Path | None = None
    build: BuildResult | None = None
    published: bool = False
    counts: dict[str, int] = field(default_factory=dict)


def _frame(rows: list[dict], table: str) -> pd.DataFrame:
    columns = list(TABLES_BY_NAME[table].column_names)
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)


def merge(base: Base, mapped: Mapped) -> tuple[dict[str, pd.DataFrame], dict[str, list[Origin]]]:
    """The merged tables (text, contract columns) and, per table, each written row's origin in order."""
    tables: dict[str, pd.DataFrame] = {}
    origins: dict[str, list[Origin]] = {}
    imported_grants = {r["grant_id"] for r, _ in mapped.rows["grants"]}
    replaced = {
        "grants": imported_grants,
        "disbursements": mapped.paid,
        "indicators": mapped.with_results,
    }
    dropped_indicators = {i for i, g in base.indicator_grant.items() if g in mapped.with_results}
    for table in MERGED:
        columns = list(TABLES_BY_NAME[table].column_names)
        frame = base.frames.get(table, pd.DataFrame(columns=["_line", *columns]))
        label = base.labels.get(table, f"{table}.csv")
        if table == "indicator_values":
            keep = ~frame["indicator_id"].isin(dropped_indicators)
        elif table in replaced:
            keep = ~frame["grant_id"].astype(str).isin(replaced[table])
        else:
            keep = pd.Series(True, index=frame.index)
        kept = frame[keep]
        rows = [{c: _value(r, c) for c in columns} for _, r in kept.iterrows()]
        where = [Origin(label, int(line), table) for line in kept["_line"]]
        for row, origin in mapped.rows[table]:
            rows.append(row)
            where.append(origin)
        tables[table], origins[table] = _frame(rows, table), where
    return tables, origins


def write_source_set(base: Base, tables: dict[str, pd.DataFrame], out: Path) -> None:
    """`out` as a complete source set: the merged tables as CSV, every other table's file copied as it was (a
    workbook that also held a merged table is written out table by table instead)."""
    if out.resolve() == base.source.resolve() or base.source.resolve().is_relative_to(out.resolve()):
        raise FileExistsError(f"--out {out} would overwrite the source set it is made from: choose another folder")
    if out.exists():
        if any(out.iterdir()) and not (out / IMPORT_MARKER).exists():
            raise FileExistsError(f"{out} exists and is not an earlier import's folder: choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    log = ProblemLog()
    found = find_sources(base.source, log)
    merged_files = {found[t].path for t in MERGED if t in found}
    con = duckdb.connect(":memory:")
    try:
        for table, src in found.items():
            if table in MERGED:
                continue
            if src.path in merged_files:  # a sheet of a workbook we are replacing: write that table as CSV
                item = load(con, src, log)
                if item is not None:
                    con.execute(f"copy (select * exclude (_line) from {item.relation}) to $p (header, delimiter ',')",
                                {"p": str(out / f"{table}.csv")}).fetchall()
            elif not (out / src.path.name).exists():
                shutil.copy2(src.path, out / src.path.name)
    finally:
        con.close()
    for table, frame in tables.items():
        frame.to_csv(out / f"{table}.csv", index=False, encoding="utf-8", lineterminator="\n")
    if (base.source / DEMO_MARKER).exists():
        shutil.copy2(base.source / DEMO_MARKER, out / DEMO_MARKER)
    (out / IMPORT_MARKER).write_text("Source set written by `python -m data_pipeline import`.\n", encoding="utf-8")


def translate(problems: list[Problem], origins: dict[str, list[Origin]]) -> list[Problem]:
    """Build problems about lines of the written CSV files, told at the rows' origins instead."""
    out = []
    for problem in problems:
        table = problem.file.removesuffix(".csv")
        rows = origins.get(table) if problem.file.endswith(".csv") else None
        if rows and isinstance(problem.line, int) and 2 <= problem.line < len(rows) + 2:
            origin = rows[problem.line - 2]
            out.append(Problem(origin.file, origin.line or NO_LINE, origin.path,
                               f"{table}.{problem.column}: {problem.message}", problem.severity))
        else:
            out.append(problem)
    return out


def run_import(mapped: Mapped, base: Base, *, out: Path, db: Path | None, today: dt.date | None = None,
               bounds: Bounds | None = None) -> ImportResult:
    """Merge `mapped` into `base`, write the source set to `out`, and build it: into `db` (published only when
    clean), or into a throw-away database when `db` is None (a check), its money checks within `bounds` (default:
    the shipped bounds.toml). Nothing is written when mapping failed."""
    problems = list(base.problems) + list(mapped.problems)
    if any(p.severity == "error" for p in problems):
        return ImportResult(problems)
    tables, origins = merge(base, mapped)
    write_source_set(base, tables, out)
    counts = {t: len(mapped.rows[t]) for t in MERGED}
    if db is None:
        with tempfile.TemporaryDirectory(prefix="scn-import-check-") as scratch:
            result = build(out, Path(scratch) / "check.duckdb", today=today, bounds=bounds)
    else:
        result = build(out, db, today=today, bounds=bounds)
    problems += translate(result.problems, origins)
    return ImportResult(problems, out, result, published=result.ok and db is not None, counts=counts)
