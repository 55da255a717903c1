"""Check an IATI activity file or a 360Giving package offline: the standard's schema, then the standard's own
data-quality rules that matter for results and money.

IATI: the 2.03 XSD (data/reference/iati/schema-2.03/) and a subset of IATI's rules, ported: quantitative
indicators give a value in every baseline, target and actual; periods start before they end; sector percentages
add up to 100 per vocabulary, and recipient countries and regions together; a budget period is at most a year;
no transaction lies in the future; an activity's identifier starts with its reporting organisation's; codes are
on IATI's code lists. 360Giving: the package schema (data/reference/360giving/), then the checks 360Giving's own
tool makes that fit this data: zero amounts, award dates in the future, titles equal to descriptions, grants
without a beneficiary location.

Every finding is a `Problem`: FILE, LINE (the XML line, or '-' in JSON), COLUMN (the element's or field's path).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import jsonschema
import referencing
from lxml import etree
from referencing.jsonschema import DRAFT202012

from data_pipeline.problems import NO_LINE, Problem
from data_pipeline.standards import codelists
from data_pipeline.standards.safexml import RefusedXml, parse, path_of

REFERENCE = Path(__file__).resolve().parent.parent.parent / "data" / "reference"
IATI_XSD = REFERENCE / "iati" / "schema-2.03" / "iati-activities-schema.xsd"
GIVING360_DIR = REFERENCE / "360giving"
QUANTITATIVE = {"1", "2"}


# --- IATI --------------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _iati_schema() -> etree.XMLSchema:
    # The schema includes iati-common.xsd and imports xml.xsd by relative path, beside it: nothing is fetched.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(IATI_XSD), parser))


def validate_iati(data: bytes, *, name: str, today: dt.date | None = None) -> list[Problem]:
    """Every problem of the IATI 2.03 activity file `data` (named `name` in messages): XSD, then the rules."""
    try:
        tree = parse(data)
    except RefusedXml as exc:
        return [Problem(name, exc.line or NO_LINE, "-", str(exc))]
    schema = _iati_schema()
    problems = []
    if not schema.validate(tree):
        for error in schema.error_log:
            problems.append(Problem(name, error.line, _short(error.path), f"IATI 2.03 schema: {error.message}"))
    return problems + iati_rules(tree, name=name, today=today or dt.date.today())


def _short(path: str | None) -> str:
    """The path lxml gives ('/iati-activities/iati-activity[3]/budget[1]') as 'iati-activity[3]/budget[1]'."""
    return (path or "-").removeprefix("/iati-activities/") or "-"


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").strip())
    except InvalidOperation:
        return None


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def iati_rules(tree: etree._ElementTree, *, name: str, today: dt.date) -> list[Problem]:
    """IATI's own data-quality rules for results and money, on a parsed activity file."""
    problems: list[Problem] = []

    def add(element: etree._Element, message: str) -> None:
        problems.append(Problem(name, element.sourceline or NO_LINE, path_of(element), message))

    for activity in tree.getroot().iter("iati-activity"):
        _identifier_rule(activity, add)
        _percentage_rules(activity, add)
        _period_rules(activity, add)
        _money_rules(activity, add, today)
        _result_rules(activity, add)
        _code_rules(activity, add)
    return problems


def _identifier_rule(activity, add) -> None:
    identifier = (activity.findtext("iati-identifier") or "").strip()
    reporting = activity.find("reporting-org")
    ref = (reporting.get("ref") or "").strip() if reporting is not None else ""
    if ref and identifier and not identifier.startswith(f"{ref}-"):
        add(activity.find("iati-identifier"),
            f"identifier '{identifier}' does not start with the reporting organisation's '{ref}-'")


def _percentage_rules(activity, add) -> None:
    by_vocabulary: dict[str, list] = {}
    for sector in activity.findall("sector"):
        by_vocabulary.setdefault(sector.get("vocabulary", "1"), []).append(sector)
    for vocabulary, sectors in by_vocabulary.items():
        shares = [_decimal(s.get("percentage")) for s in sectors]
        if (len(sectors) > 1 or shares[0] is not None) and sum(s or 0 for s in shares) != 100:
            add(sectors[0], f"sector percentages of vocabulary {vocabulary} add up to "
                            f"{sum(s or 0 for s in shares)}, not 100")
    places = activity.findall("recipient-country") + activity.findall("recipient-region")
    shares = [_decimal(p.get("percentage")) for p in places]
    if (len(places) > 1 or (places and shares[0] is not None)) and sum(s or 0 for s in shares) != 100:
        add(places[0], f"recipient country and region percentages add up to {sum(s or 0 for s in shares)}, not 100")


def _period_rules(activity, add) -> None:
    for period in [*activity.iter("period"), *activity.findall("budget")]:
        start, end = (_date(edge.get("iso-date")) if (edge := period.find(name)) is not None else None
                      for name in ("period-start", "period-end"))
        if start and end and start >= end:
            add(period, f"period starts {start} and ends {end}: it must start before it ends")
        if period.tag == "budget" and start and end and end >= _one_year_after(start):
            add(period, f"budget period {start} to {end} is longer than a year")
    dates = {d.get("type"): _date(d.get("iso-date")) for d in activity.findall("activity-date")}
    if dates.get("1") and dates.get("3") and dates["1"] > dates["3"]:
        add(activity, f"planned start {dates['1']} is after the planned end {dates['3']}")


def _money_rules(activity, add, today: dt.date) -> None:
    default_currency = activity.get("default-currency")
    for transaction in activity.findall("transaction"):
        on = _date(transaction.find("transaction-date").get("iso-date")
                   if transaction.find("transaction-date") is not None else None)
        if on and on > today:
            add(transaction, f"transaction dated {on} is after today ({today}): a transaction reports what has "
                             "happened")
    for value in [*activity.findall("budget/value"), *activity.findall("transaction/value")]:
        if not (value.get("currency") or default_currency):
            add(value, "value without a currency, and the activity has no default-currency")
        if _decimal(value.text) is None:
            add(value, f"value '{(value.text or '').strip()}' is not a number")


def _result_rules(activity, add) -> None:
    for indicator in activity.iter("indicator"):
        if indicator.get("measure") not in QUANTITATIVE:
            continue
        for element in [*indicator.findall("baseline"), *indicator.findall("period/target"),
                        *indicator.findall("period/actual")]:
            value = element.get("value")
            if value is None:
                add(element, f"{element.tag} of a quantitative indicator (measure {indicator.get('measure')}) "
                             "has no value")
            elif _decimal(value) is None:
                add(element, f"{element.tag} value '{value}' of a quantitative indicator is not a number")


def _code_rules(activity, add) -> None:
    lists = codelists.get()
    status = activity.find("activity-status")
    if status is not None and status.get("code") not in lists.activity_status:
        add(status, f"activity-status '{status.get('code')}' is not on IATI's ActivityStatus code list")
    for sector in activity.findall("sector"):
        if sector.get("vocabulary", "1") == "1" and sector.get("code") not in lists.sectors:
            add(sector, f"sector '{sector.get('code')}' is not a DAC 5-digit code on IATI's Sector code list")
    for country in activity.findall("recipient-country"):
        if country.get("code") not in lists.countries:
            add(country, f"recipient-country '{country.get('code')}' is not on IATI's Country code list")
    currencies = [activity.get("default-currency")] + [v.get("currency") for v in activity.iter("value")]
    for code in {c for c in currencies if c}:
        if code not in lists.currencies:
            add(activity, f"currency '{code}' is not on IATI's Currency code list")


# --- 360Giving ---------------------------------------------------------------------------------------------------

def _check_datetime(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value


@lru_cache(maxsize=1)
def _giving360_validator() -> jsonschema.protocols.Validator:
    grant = json.loads((GIVING360_DIR / "360-giving-schema.json").read_text(encoding="utf-8"))
    package = json.loads((GIVING360_DIR / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    # The package names the grant schema by a remote URL: point it at the local copy's own $id instead, and give
    # the registry only local resources, so validation never reaches the network.
    package["properties"]["grants"]["items"] = {"$ref": grant["$id"]}
    # Both say "$schema": "http://json-schema.org/draft/2020-12/schema" (http, not the dialect's https id), which
    # detection does not know: name the draft they are written in.
    registry = referencing.Registry().with_resource(grant["$id"], DRAFT202012.create_resource(grant))
    # jsonschema checks "date-time" only with an optional package; without it every string passes that branch of
    # the schema's oneOf(date-time, YYYY-MM-DD), so a plain date would match both and fail. Check it here.
    formats = jsonschema.FormatChecker()
    formats.checks("date-time")(_check_datetime)
    return jsonschema.Draft202012Validator(package, registry=registry, format_checker=formats)


def _json_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"


def _said(error: jsonschema.ValidationError) -> str:
    """A schema error in words: a date that is none of the allowed forms says so; a grant failing both of the
    schema's "recipient organisation or individual" branches says what the nearer branch misses."""
    branches = error.schema.get("oneOf") if isinstance(error.schema, dict) else None
    if error.validator == "oneOf" and branches and any(b.get("format") == "date-time" for b in branches):
        return f"'{error.instance}' is not a date: write YYYY-MM-DD or a full date-time (YYYY-MM-DDThh:mm:ssZ)"
    if error.context:
        return jsonschema.exceptions.best_match(error.context).message
    return error.message if len(error.message) < 300 else error.message[:297] + "..."


def validate_360(package: dict, *, name: str, today: dt.date | None = None) -> list[Problem]:
    """Every problem of a 360Giving package: the schema (each error at its JSON path), then the quality checks."""
    today = today or dt.date.today()
    problems = []
    for error in sorted(_giving360_validator().iter_errors(package), key=lambda e: list(map(str, e.path))):
        problems.append(Problem(name, NO_LINE, _json_path(error.absolute_path), f"360Giving schema: {_said(error)}"))
    return problems + giving360_quality(package, name=name, today=today)


def giving360_quality(package: dict, *, name: str, today: dt.date) -> list[Problem]:
    """360Giving's own quality checks that fit this data, as warnings (the file is valid; they are worth a look)."""
    found = []

    def warn(i: int, field: str, message: str) -> None:
        found.append(Problem(name, NO_LINE, f"grants[{i}].{field}", message, "warning"))

    for i, grant in enumerate(package.get("grants") or []):
        if not isinstance(grant, dict):
            continue
        amount = grant.get("amountAwarded")
        if isinstance(amount, (int, float)) and amount == 0:
            warn(i, "amountAwarded", "amount awarded is 0")
        award = _date(str(grant.get("awardDate") or ""))
        if award and award > today:
            warn(i, "awardDate", f"award date {award} is in the future")
        title, description = grant.get("title"), grant.get("description")
        if title and description and str(title).strip().lower() == str(description).strip().lower():
            warn(i, "description", "description is the same as the title")
        if not grant.get("beneficiaryLocation"):
            warn(i, "beneficiaryLocation", "no beneficiary location")
    return found
