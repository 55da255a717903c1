"""The grant portfolio as 360Giving data: a JSON package, and its flat CSV form (one row per grant).

Each grant's funder is the donor whose money it is; its recipient is the member city (ISD itself for a regional
grant, which ISD's hub delivers). Status, theme and the DAC sector have no field in 360Giving and travel as
classifications (vocabularies in `mapping`). A confidential member city is never published: its grant's recipient
is named only as a confidential member city, its location is the SCN region (see `portfolio`).

The flat form follows 360Giving's spreadsheet convention as flatten-tool reads it: column titles from the schema
("Recipient Org:Name") for a list's first item, and field paths ("classifications/1/code") for the items after it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from functools import lru_cache

from data_pipeline.standards import codelists
from data_pipeline.standards import mapping as m
from data_pipeline.standards.iati_export import number
from data_pipeline.standards.portfolio import Portfolio
from data_pipeline.standards.quality import GIVING360_DIR

SCHEMA_VERSION = "1.4"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def grant_id(grant: str, prefix: str = m.GIVING360_PREFIX) -> str:
    """A grant's 360Giving identifier: the organisation prefix, a hyphen, our grant id."""
    return f"{prefix}-{grant}"


def _amount(value) -> int | float:
    """A JSON number: 490000.0 -> 490000, 12.5 stays."""
    text = number(value)
    return float(text) if "." in text else int(text)


def _recipient(grant, reporting: m.Organisation, prefix: str) -> dict:
    if grant.confidential:
        return {"id": f"{prefix}-org-confidential-member", "name": m.GIVING360_CONFIDENTIAL_RECIPIENT}
    if grant.city_id:
        return {"id": f"{prefix}-city-{grant.city_id}", "name": grant.city_name, "addressCountry":
                grant.country_name or grant.country_iso3}
    return {"id": reporting.ref, "name": reporting.name}


def _location(grant) -> dict:
    if grant.city_id:
        place = {"id": grant.city_id, "name": grant.city_name, "countryCode": grant.country_iso2}
        if grant.latitude is not None:
            place |= {"latitude": float(grant.latitude), "longitude": float(grant.longitude)}
        return place
    return {"id": m.slug(grant.region), "name": grant.region}


def _grant(grant, portfolio: Portfolio, reporting: m.Organisation, prefix: str, modified: str) -> dict:
    sector = m.THEME_SECTORS.get(grant.theme, m.DEFAULT_SECTOR)
    payments = portfolio.payments_of(grant.grant_id)
    record = {
        "id": grant_id(grant.grant_id, prefix),
        "title": grant.title,
        "description": f"Strong Cities Network grant {grant.grant_id} ({grant.programme}, theme: {grant.theme}).",
        "currency": grant.currency,
        "amountAwarded": _amount(grant.amount_awarded),
        "awardDate": grant.award_date.isoformat(),
        "plannedDates": [{"startDate": grant.start_date.isoformat(), "endDate": grant.end_date.isoformat()}],
        "recipientOrganization": [_recipient(grant, reporting, prefix)],
        "fundingOrganization": [{"id": f"{prefix}-donor-{grant.donor_id}", "name": grant.donor_name}],
        "beneficiaryLocation": [_location(grant)],
        "grantProgramme": [{"code": m.slug(grant.programme), "title": grant.programme}],
        "classifications": [
            {"vocabulary": m.GIVING360_STATUS_VOCABULARY, "code": grant.status, "title": grant.status},
            {"vocabulary": m.GIVING360_THEME_VOCABULARY, "code": m.slug(grant.theme), "title": grant.theme},
            {"vocabulary": m.GIVING360_SECTOR_VOCABULARY, "code": sector,
             "title": codelists.get().sectors.get(sector, sector)},
        ],
        "dateModified": modified,
    }
    if payments and all(p.currency == grant.currency for p in payments):
        record["amountDisbursed"] = _amount(sum(float(p.amount) for p in payments))
    if payments:
        record["disbursementTransaction"] = [
            {"id": f"{record['id']}-payment-{i}", "transactionDate": p.paid_on.isoformat(),
             "value": _amount(p.amount), "currency": p.currency}
            for i, p in enumerate(payments, start=1)]
    return record


def to_360giving(portfolio: Portfolio, *, reporting: m.Organisation = m.REPORTING_ORG,
                 prefix: str = m.GIVING360_PREFIX, generated: dt.datetime | None = None) -> dict:
    """The portfolio as a 360Giving package (a dict ready for json.dumps)."""
    generated = (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    stamp = generated.isoformat().replace("+00:00", "Z")
    scope = f" funded by {portfolio.donor}" if portfolio.donor else ""
    return {
        "version": SCHEMA_VERSION,
        "title": f"Strong Cities Network grants{scope}",
        "description": "Grants of the Strong Cities Network, published by the Institute for Strategic Dialogue. "
                       "Confidential member cities are not named or located.",
        "issued": generated.date().isoformat(),
        "modified": stamp,
        "identifier": f"{prefix}-grants{'-' + m.slug(portfolio.donor) if portfolio.donor else ''}",
        "publisher": {"identifier": reporting.ref, "name": reporting.name},
        "license": LICENCE,
        "grants": [_grant(g, portfolio, reporting, prefix, stamp) for g in portfolio.grants.itertuples(index=False)],
    }


def to_json(package: dict) -> bytes:
    """A 360Giving package as the UTF-8 JSON file a donor downloads (non-ASCII kept, indented)."""
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")


# --- the flat form -----------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def grant_schema() -> dict:
    """The 360Giving grant schema (shipped in data/reference/360giving/)."""
    return json.loads((GIVING360_DIR / "360-giving-schema.json").read_text(encoding="utf-8"))


def _title(path: tuple[str, ...]) -> str | None:
    """The schema's column title of a field path such as ('recipientOrganization', 'name'), or None."""
    schema, defs, titles = grant_schema(), grant_schema()["$defs"], []
    node = {"properties": schema["properties"]}
    for key in path:
        prop = (node.get("properties") or {}).get(key)
        if prop is None:
            return None
        title = prop.get("title") or (defs[prop["$ref"].rsplit("/", 1)[1]].get("title") if "$ref" in prop else None)
        if not title:
            return None
        titles.append(title)
        target = prop.get("items", prop)
        node = defs[target["$ref"].rsplit("/", 1)[1]] if "$ref" in target else target
    return ":".join(titles)


def flat_headings() -> dict[str, tuple]:
    """Column title -> field path (with index 0 for a list's first item), for every field the flat form carries
    in title form ('Recipient Org:Name' -> ('recipientOrganization', 0, 'name')); the CSV import reads it."""
    out = {}
    for key, prop in grant_schema()["properties"].items():
        listed = prop.get("type") == "array"
        target = prop.get("items", prop)
        ref = target.get("$ref", "")
        sub = grant_schema()["$defs"].get(ref.rsplit("/", 1)[1], {}) if ref else target
        leaves = [((key, 0, k) if listed else (key, k)) for k in sub.get("properties", {})] \
            if sub.get("properties") else [(key,)]
        for path in leaves:
            title = _title(tuple(p for p in path if not isinstance(p, int)))
            if title:
                out[title] = path
    return out


def _flatten(value, path: tuple, row: dict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, (*path, key), row)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _flatten(item, (*path, i), row)
    else:
        keys = tuple(p for p in path if not isinstance(p, int))
        first_items = all(p == 0 for p in path if isinstance(p, int))
        title = _title(keys) if first_items else None
        row[title or "/".join(map(str, path))] = value


def to_flat_csv(package: dict) -> bytes:
    """The package's grants as 360Giving's flat CSV (UTF-8 with BOM, so Excel shows accents right)."""
    rows = []
    for grant in package["grants"]:
        row: dict = {}
        _flatten(grant, (), row)
        rows.append(row)
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
