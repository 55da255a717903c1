"""Read 360Giving grants (a JSON package, or its flat CSV form) into contract rows.

360Giving files carry dates as publishers wrote them: ISO dates and date-times, "26/03/2001 00:00" (day first,
as in the UK), "08/2013" (a month: the award counts from its first day, an end from its last), "31 March 2014".
Each grant maps to a grant (the funder as donor, the recipient or beneficiary location as member city or region,
the grant programme as programme, planned dates or a duration in months as start and end) and its dated
disbursement transactions. Status, theme and sector come from the classifications our own export writes
(`mapping`); a file without them gets the status its planned dates imply and its first classification or
programme as theme, with a warning. 360Giving has no results: an import leaves a grant's indicators as they are.

Every value that cannot be read is an error at the grant's path in the file (and its line, in a CSV file).
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import itertools
import json
import re
from decimal import Decimal, InvalidOperation

from data_pipeline.standards import mapping as m
from data_pipeline.standards.giving360_export import flat_headings, grant_schema
from data_pipeline.standards.iati_export import number
from data_pipeline.standards.importing import Base, Mapped, Origin, add_months, place

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}


def parse_date(text, *, end: bool = False) -> tuple[dt.date | None, str | None]:
    """A 360Giving date as publishers write it -> (date, note when only a month was given); (None, None) if not
    a date. `end`: a month alone means its last day."""
    value = str(text or "").strip()
    if not value:
        return None, None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?", value):
            return dt.date.fromisoformat(value[:10]), None
        if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})( \d{1,2}:\d{2}(:\d{2})?)?", value):
            return dt.date(int(match[3]), int(match[2]), int(match[1])), None
        if match := re.fullmatch(r"(\d{1,2})[/-](\d{4})|(\d{4})-(\d{1,2})", value):
            year, month = (int(match[2]), int(match[1])) if match[1] else (int(match[3]), int(match[4]))
            day = calendar.monthrange(year, month)[1] if end else 1
            return dt.date(year, month, day), f"'{value}' is a month: its {'last' if end else 'first'} day is used"
        if match := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})", value):
            if match[2].lower() in MONTHS:
                return dt.date(int(match[3]), MONTHS[match[2].lower()], int(match[1])), None
        if (match := re.fullmatch(r"([A-Za-z]+),? (\d{4})", value)) and match[1].lower() in MONTHS:
            year, month = int(match[2]), MONTHS[match[1].lower()]
            day = calendar.monthrange(year, month)[1] if end else 1
            return dt.date(year, month, day), f"'{value}' is a month: its {'last' if end else 'first'} day is used"
    except ValueError:
        return None, None
    return None, None


def _months(value) -> int | None:
    """A duration in months: 12, '12', '12 months'."""
    match = re.fullmatch(r"\s*(\d+)(\.0+)?\s*(months?)?\s*", str(value or ""), flags=re.IGNORECASE)
    return int(match[1]) if match else None


def _amount(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip()) if value is not None else None
    except InvalidOperation:
        return None
    return amount if amount is not None and amount.is_finite() else None


def _first(grant: dict, key: str) -> dict:
    items = grant.get(key)
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


class _Grant:
    """One grant being read: where it is in the file, and how to report about it."""

    def __init__(self, record: dict, index: int, name: str, line: int | str, mapped: Mapped) -> None:
        self.record, self.mapped = record, mapped
        label = str(record.get("id") or "")[:60]
        self.origin = Origin(name, line, f"grants[{index}]" + (f" ({label})" if label else ""))

    def at(self, field: str) -> Origin:
        return Origin(self.origin.file, self.origin.line, f"{self.origin.path}.{field}")

    def error(self, field: str, kind: str, message: str) -> None:
        self.mapped.report(self.at(field), kind, message)

    def warn(self, field: str, kind: str, message: str) -> None:
        self.mapped.report(self.at(field), kind, message, "warning")

    def date(self, field: str, value, *, end: bool = False, required: bool = True) -> dt.date | None:
        day, note = parse_date(value, end=end)
        if day is None and (value not in (None, "") or required):
            self.error(field, "bad date", f"'{value}' is not a date: expected YYYY-MM-DD, DD/MM/YYYY or MM/YYYY"
                       if value not in (None, "") else "is missing")
        if note:
            self.warn(field, "month only", note)
        return day


def read_360giving(data: bytes, *, name: str, base: Base, prefix: str = m.GIVING360_PREFIX,
                   today: dt.date | None = None) -> Mapped:
    """Map every grant of a 360Giving JSON package or flat CSV file (`name` ends .json or .csv) to contract rows."""
    mapped = Mapped(name)
    today = today or dt.date.today()
    try:
        records = _csv_grants(data) if name.lower().endswith(".csv") else _json_grants(data)
    except ValueError as exc:
        mapped.report(Origin(name, getattr(exc, "line", "-"), "-"), "unreadable", str(exc))
        return mapped.finish()
    seen: set[str] = set()
    for index, (record, line) in enumerate(records):
        grant = _Grant(record, index, name, line, mapped)
        _read_grant(grant, base, prefix, today, seen)
    return mapped.finish()


class _Unreadable(ValueError):
    def __init__(self, message: str, line: int | str = "-") -> None:
        super().__init__(message)
        self.line = line


def _json_grants(data: bytes) -> list[tuple[dict, str]]:
    try:
        package = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _Unreadable("is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"is not valid JSON: {exc.msg}", exc.lineno) from exc
    grants = package.get("grants") if isinstance(package, dict) else None
    if not isinstance(grants, list):
        raise _Unreadable("is not a 360Giving package: expected an object with a \"grants\" list")
    return [(g if isinstance(g, dict) else {}, "-") for g in grants]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _Unreadable("is neither UTF-8 nor Windows-1252 text")


def _schema_type(path: tuple) -> set[str]:
    """The JSON types the 360Giving grant schema allows at a field path ('amountAwarded' -> {'number'})."""
    schema = grant_schema()
    node = {"properties": schema["properties"]}
    for key in (p for p in path if not isinstance(p, int)):
        prop = (node.get("properties") or {}).get(key)
        if prop is None:
            return set()
        target = prop.get("items", prop) if prop.get("type") == "array" else prop
        node = schema["$defs"][target["$ref"].rsplit("/", 1)[1]] if "$ref" in target else target
    kind = node.get("type", [])
    return {kind} if isinstance(kind, str) else set(kind)


def _typed(path: tuple, text: str):
    """A cell as the schema wants it: numbers as numbers (left as text when they are not, for the schema to
    report), everything else as text."""
    if {"number", "integer"} & _schema_type(path):
        try:
            number_ = float(text.replace(",", ""))
        except ValueError:
            return text
        return int(number_) if number_.is_integer() else number_
    return text


def _csv_grants(data: bytes) -> list[tuple[dict, int]]:
    """The flat form unflattened: column titles ('Recipient Org:Name') or field paths ('classifications/1/code')
    into nested grants typed as the schema says, each with its line in the file."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = next(reader, None)
    if not header:
        raise _Unreadable("is empty: expected a header row of 360Giving column titles", 1)
    titles = {t.lower(): p for t, p in flat_headings().items()}
    paths = []
    for heading in header:
        text = heading.strip().lstrip("\ufeff")
        if text.lower() in titles:
            paths.append(titles[text.lower()])
        elif "/" in text:
            paths.append(tuple(int(p) if p.isdigit() else p for p in text.split("/")))
        else:
            paths.append(None)  # a publisher's own column: not part of the standard, not read
    if "id" not in {p[0] for p in paths if p}:
        raise _Unreadable("has no Identifier column: is this a 360Giving file?", 1)
    grants = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        grant: dict = {}
        for path, cell in zip(paths, row, strict=False):
            if path and cell.strip():
                _put(grant, path, _typed(path, cell.strip()))
        grants.append((grant, reader.line_num))
    return grants


def unflatten(data: bytes) -> dict:
    """A flat 360Giving CSV as the package it stands for (what the schema is checked against)."""
    return {"grants": [grant for grant, _ in _csv_grants(data)]}


def _put(target: dict, path: tuple, value) -> None:
    node = target
    for key, nxt in itertools.pairwise(path):
        if isinstance(key, int):
            while len(node) <= key:
                node.append({})
            node = node[key]
        else:
            node = node.setdefault(key, [] if isinstance(nxt, int) else {})
    node[path[-1]] = value


def _own(text: str | None, prefix: str, kind: str) -> str | None:
    """'360G-isd-city-SCN-0007' -> 'SCN-0007' for kind 'city' (an identifier our own export wrote)."""
    marker = f"{prefix}-{kind}-"
    return text[len(marker):] if text and text.startswith(marker) else None


def _read_grant(g: _Grant, base: Base, prefix: str, today: dt.date, seen: set[str]) -> None:
    record = g.record
    identifier = str(record.get("id") or "").strip()
    if not identifier:
        g.error("id", "no id", "grant has no id")
        return
    grant_id = identifier[len(prefix) + 1:] if identifier.startswith(f"{prefix}-") else identifier
    if grant_id in seen:
        g.error("id", "duplicate id", f"id '{identifier}' appears twice")
        return
    seen.add(grant_id)
    grant = {"grant_id": grant_id, "title": str(record.get("title") or "").strip() or None}
    if not grant["title"]:
        g.error("title", "no title", "grant has no title")
    _money(g, grant)
    _dates(g, base, grant)
    funder = _first(record, "fundingOrganization")
    if not funder:
        found = ", ".join(k for k in record if "fund" in k.lower()) or "none"
        g.error("fundingOrganization", "no funder", "grant has no fundingOrganization (columns about the "
                f"funder found: {found})")
    else:
        donor_id = _own(str(funder.get("id") or ""), prefix, "donor")
        grant["donor_id"] = donor_id if donor_id in base.donor_ids else base.donor(
            g.mapped, g.at("fundingOrganization[0]"), ref=None if donor_id else funder.get("id"),
            name=funder.get("name"), org_type=None)
    _where(g, base, grant, prefix)
    _classify(g, grant, today)
    base.keep_confidential(grant)
    g.mapped.add("grants", grant, g.origin)
    _payments(g, grant)


def _money(g: _Grant, grant: dict) -> None:
    record = g.record
    currency = str(record.get("currency") or "").strip().upper()
    amount = _amount(record.get("amountAwarded"))
    if not currency:
        g.error("currency", "no currency", "grant has no currency")
    grant["currency"] = currency or None
    if amount is None:
        g.error("amountAwarded", "bad amount", f"amountAwarded '{record.get('amountAwarded')}' is not a number"
                if record.get("amountAwarded") not in (None, "") else "amountAwarded is missing")
    elif amount < 0:
        g.error("amountAwarded", "negative amount", f"amountAwarded {number(amount)} is negative")
    else:
        grant["amount_awarded"] = number(amount)


def _dates(g: _Grant, base: Base, grant: dict) -> None:
    record = g.record
    award = g.date("awardDate", record.get("awardDate"))
    planned = _first(record, "plannedDates")
    start = g.date("plannedDates[0].startDate", planned.get("startDate"), required=False)
    end = g.date("plannedDates[0].endDate", planned.get("endDate"), end=True, required=False)
    if start is None and award is not None:
        start = award
        g.warn("plannedDates", "start from award", "no planned start date: the award date is used")
    if end is None and start is not None and planned.get("duration") not in (None, ""):
        months = _months(planned.get("duration"))
        if months is None and not base.months:
            g.error("plannedDates[0].duration", "bad duration", f"duration '{planned.get('duration')}' is not a "
                    "number of months; correct it, or import with --months N for grants without one")
        elif months is not None:
            end = add_months(start, months) - dt.timedelta(days=1)
    if end is None and start is not None and base.months:
        end = add_months(start, base.months) - dt.timedelta(days=1)
        g.warn("plannedDates", "duration chosen", f"no planned end date or duration: runs {base.months} months, "
                                                  "as chosen for the import")
    if end is None and start is not None:
        g.error("plannedDates", "no end", "no planned end date or duration: the contract needs the end of the "
                                          "funded work; add plannedDates, or import with --months N")
    grant["award_date"] = award and award.isoformat()
    grant["start_date"] = start and start.isoformat()
    grant["end_date"] = end and end.isoformat()


def _where(g: _Grant, base: Base, grant: dict, prefix: str) -> None:
    record = g.record
    recipient = _first(record, "recipientOrganization")
    countries, regions, cities = [], [], []
    for i, location in enumerate(record.get("beneficiaryLocation") or []):
        if not isinstance(location, dict):
            continue
        code = location.get("countryCode")
        iso3 = base.country(code) if code else None
        if code and iso3 is None:
            g.error(f"beneficiaryLocation[{i}].countryCode", "unknown country", f"countryCode '{code}' is not an "
                    "ISO 3166-1 alpha-2 code")
        name = str(location.get("name") or "").strip() or None
        if base.region(name):
            regions.append(name)
        elif iso3 is None and name and base.country(name):
            iso3 = base.country(name)
        countries.append(iso3)
        point = None
        try:
            if location.get("latitude") not in (None, "") and location.get("longitude") not in (None, ""):
                point = (float(location["latitude"]), float(location["longitude"]))
        except (TypeError, ValueError):
            g.error(f"beneficiaryLocation[{i}]", "bad point", "latitude/longitude are not numbers")
        cities.append(base.city(city_id=str(location.get("id") or "") or None, name=name, country=iso3,
                                point=point))
    country = base.country(recipient.get("addressCountry")) if recipient.get("addressCountry") else None
    known = [c for c in countries if c]
    cities.append(base.city(city_id=_own(str(recipient.get("id") or ""), prefix, "city"),
                            name=recipient.get("name"), country=country or (known[0] if len(set(known)) == 1
                                                                            else None)))
    if not known and country:
        countries.append(country)
    place(base, g.mapped, g.origin, grant, cities=cities, countries=countries, region_names=regions)


def _classify(g: _Grant, grant: dict, today: dt.date) -> None:
    record = g.record
    classes = [c for c in record.get("classifications") or [] if isinstance(c, dict)]
    by_vocabulary = {str(c.get("vocabulary") or ""): c for c in classes}
    programme = _first(record, "grantProgramme")
    funder = _first(record, "fundingOrganization").get("name")
    grant["programme"] = (str(programme.get("title") or "").strip() or f"360Giving: {funder or 'unknown funder'}")
    theme = by_vocabulary.get(m.GIVING360_THEME_VOCABULARY) or (classes[0] if classes else {})
    grant["theme"] = (str(theme.get("title") or theme.get("code") or "").strip()
                      or str(programme.get("title") or "").strip() or "not given")
    status = by_vocabulary.get(m.GIVING360_STATUS_VOCABULARY)
    if status:
        code = str(status.get("code") or "").strip().lower()
        if code not in m.GRANT_STATUS_TO_IATI:
            g.error("classifications", "unknown status", f"status '{code}' is not one of "
                    f"{', '.join(m.GRANT_STATUS_TO_IATI)}")
        grant["status"] = code
        return
    start, end = (dt.date.fromisoformat(grant[k]) if grant.get(k) else None for k in ("start_date", "end_date"))
    grant["status"] = ("completed" if end and end < today else "pipeline" if start and start > today else "active")
    g.warn("classifications", "status from dates", f"no status: '{grant['status']}' from its planned dates")


def _payments(g: _Grant, grant: dict) -> None:
    record = g.record
    payments = [p for p in record.get("disbursementTransaction") or [] if isinstance(p, dict)]
    for i, payment in enumerate(payments):
        field = f"disbursementTransaction[{i}]"
        on = g.date(f"{field}.transactionDate", payment.get("transactionDate") or payment.get("valueDate"))
        amount = _amount(payment.get("value"))
        if amount is None or amount < 0:
            g.error(f"{field}.value", "bad payment", f"value '{payment.get('value')}' is not a payment amount")
            continue
        currency = str(payment.get("currency") or grant.get("currency") or "").strip().upper()
        if on is not None:
            g.mapped.add("disbursements", {"grant_id": grant["grant_id"], "paid_on": on.isoformat(),
                                           "amount": number(amount), "currency": currency or None},
                         g.at(field))
    if payments:
        g.mapped.paid.add(grant["grant_id"])
    elif record.get("amountDisbursed") not in (None, "", 0):
        g.warn("amountDisbursed", "undated disbursed", "amountDisbursed without dated disbursementTransaction: "
                                                       "not imported (a payment needs a date)")
