"""The grant portfolio as an IATI 2.03 activity file: one `iati-activity` per grant.

Why one activity per grant and not a programme with grants as child activities: the grant is what has a donor,
an amount, dates, a city and indicators; ISD's programmes have no budget or results of their own in the data, so
a parent activity would be an empty shell, and tools that add up both levels of a hierarchy would count the
money twice. The programme travels as a tag of ISD's own vocabulary, the theme as a sector of ISD's own
vocabulary beside the DAC sector, so an import gets both back.

Confidential member cities are never published: `portfolio` has already dropped everything that names or places
them (IATI's exclusion policy allows leaving out sensitive locations while publishing the money; see
docs/standards.md). Their activities keep money, dates, SCN region and results.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pandas as pd
from lxml import etree

from data_pipeline.standards import mapping as m
from data_pipeline.standards.portfolio import Portfolio

IATI_VERSION = "2.03"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def number(value) -> str:
    """A number as xsd:decimal wants it: no exponent, no trailing '.0' (1e-05 -> '0.00001', 4.0 -> '4')."""
    text = format(Decimal(str(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()
                                            if v is not None})
    if text is not None:
        _narrative(element, text)
    return element


def _narrative(parent: etree._Element, text: str) -> None:
    etree.SubElement(parent, "narrative").text = str(text)


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA


def activity_id(grant_id: str, reporting_ref: str) -> str:
    """The activity's identifier: the reporting organisation's identifier, a hyphen, the grant's id."""
    return f"{reporting_ref}-{grant_id}"


def budget_periods(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The grant's span cut into equal periods of at most 365 days (IATI: a budget period is at most a year, and
    starts before it ends; cutting whole years off the start could leave a one-day last period)."""
    days = (end - start).days + 1
    count = max(1, math.ceil(days / 365))
    edges = [start + dt.timedelta(days=round(i * days / count)) for i in range(count + 1)]
    return [(edges[i], edges[i + 1] - dt.timedelta(days=1)) for i in range(count)]


def _budgets(activity: etree._Element, grant) -> None:
    """The award spread over its periods by days, each amount rounded, the last taking the remainder."""
    periods = budget_periods(grant.start_date, grant.end_date)
    days = sum((b - a).days + 1 for a, b in periods)
    total, left = Decimal(str(float(grant.amount_awarded))), Decimal(str(float(grant.amount_awarded)))
    for i, (first, last) in enumerate(periods):
        share = left if i == len(periods) - 1 else (total * ((last - first).days + 1) / days).quantize(Decimal("1"))
        left -= share
        budget = _sub(activity, "budget", type="1", status="2")
        _sub(budget, "period-start", iso_date=first.isoformat())
        _sub(budget, "period-end", iso_date=last.isoformat())
        _sub(budget, "value", currency=grant.currency, value_date=first.isoformat()).text = number(share)


def _transaction(activity: etree._Element, kind: str, on: dt.date, amount, currency: str, *,
                 reporting: m.Organisation, receiver: str | None) -> None:
    transaction = _sub(activity, "transaction")
    _sub(transaction, "transaction-type", code=kind)
    _sub(transaction, "transaction-date", iso_date=on.isoformat())
    _sub(transaction, "value", currency=currency, value_date=on.isoformat()).text = number(amount)
    _sub(transaction, "provider-org", reporting.name, ref=reporting.ref, type=reporting.type)
    if receiver:
        _sub(transaction, "receiver-org", receiver, type=m.IMPLEMENTER_TYPE)


def _described(own: dict) -> str:
    """The indicator's rules in words, for a person reading the file ('Lower is better; values: latest value.')."""
    direction = own.get("direction")
    if direction == "range":
        rule = f"Kept between {number(own.get('range_low'))} and {number(own.get('range_high'))}"
    else:
        rule = "Lower is better" if direction == "lower" else "Higher is better"
    unit = f"; unit: {own['unit']}" if own.get("unit") else ""
    adds = {"cumulative": "cumulative to date", "latest": "the latest value", "sum": "the sum of periods"}
    return f"{rule}{unit}; values across periods: {adds.get(own.get('aggregation'), own.get('aggregation'))}."


def _results(activity: etree._Element, portfolio: Portfolio, grant_id: str) -> None:
    fields = m.INDICATOR_FIELDS
    for ind in portfolio.indicators_of(grant_id):
        result = _sub(activity, "result", type=fields["result_type"].to_iati(ind.result_type))
        _sub(result, "title", ind.title)
        direction = fields["direction"]
        ascending = direction.to_iati(ind.direction) if ind.direction in direction.codes else None
        indicator = _sub(result, "indicator", measure=fields["measure"].to_iati(ind.measure), ascending=ascending)
        _sub(indicator, "title", ind.title)
        own = {column: getattr(ind, column) for column in m.INDICATOR_OWN_COLUMNS if _present(getattr(ind, column))}
        _sub(indicator, "description", _described(own))
        _sub(indicator, "reference", vocabulary=m.INDICATOR_VOCABULARY_OWN, code=ind.indicator_id)
        for column, value in own.items():
            value = number(value) if isinstance(value, float) else value
            _sub(indicator, "reference", vocabulary=m.INDICATOR_VOCABULARY_OWN, code=m.own_reference(column, value))
        if _present(ind.baseline_value) and _present(ind.baseline_year):
            _sub(indicator, "baseline", year=int(ind.baseline_year), value=number(ind.baseline_value))
        periods: dict[tuple[dt.date, dt.date], list] = {}
        for row in portfolio.values_of(ind.indicator_id):
            periods.setdefault((row.period_start, row.period_end), []).append(row)
        for (start, end), rows in sorted(periods.items()):
            period = _sub(indicator, "period")
            _sub(period, "period-start", iso_date=start.isoformat())
            _sub(period, "period-end", iso_date=end.isoformat())
            for kind in ("target", "actual"):  # the schema's order: every target, then every actual
                for row in (r for r in rows if r.kind == kind):
                    value = _sub(period, kind, value=number(row.value))
                    if _present(row.dimension):
                        _sub(value, "dimension", name=row.dimension, value=row.dimension_value)


def _activity(root: etree._Element, grant, portfolio: Portfolio, reporting: m.Organisation,
              updated: str) -> None:
    activity = _sub(root, "iati-activity", last_updated_datetime=updated, default_currency=grant.currency,
                    hierarchy="1")
    activity.set(XML_LANG, "en")
    etree.SubElement(activity, "iati-identifier").text = activity_id(grant.grant_id, reporting.ref)
    _sub(activity, "reporting-org", reporting.name, ref=reporting.ref, type=reporting.type)
    _sub(activity, "title", grant.title)
    where = "a confidential member city" if grant.confidential else (grant.city_name or f"the {grant.region} hub")
    _sub(activity, "description",
         f"Strong Cities Network grant {grant.grant_id} ({grant.programme}, theme: {grant.theme}) "
         f"for work in {where}.", type="1")
    _sub(activity, "participating-org", grant.donor_name, role=m.FUNDING,
         type=m.DONOR_TYPE_TO_IATI.get(grant.donor_type))
    _sub(activity, "participating-org", reporting.name, ref=reporting.ref, role=m.EXTENDING, type=reporting.type)
    if grant.city_name:
        _sub(activity, "participating-org", grant.city_name, role=m.IMPLEMENTING, type=m.IMPLEMENTER_TYPE)
    elif not grant.confidential:  # a regional grant: ISD's hub does the work
        _sub(activity, "participating-org", reporting.name, ref=reporting.ref, role=m.IMPLEMENTING,
             type=reporting.type)
    _sub(activity, "activity-status", code=m.GRANT_STATUS_TO_IATI[grant.status])
    as_of = portfolio.as_of
    _sub(activity, "activity-date", type=m.PLANNED_START, iso_date=grant.start_date.isoformat())
    if grant.status in ("active", "completed", "suspended") and grant.start_date <= as_of:
        _sub(activity, "activity-date", type=m.ACTUAL_START, iso_date=grant.start_date.isoformat())
    _sub(activity, "activity-date", type=m.PLANNED_END, iso_date=grant.end_date.isoformat())
    if grant.status == "completed" and grant.end_date <= as_of:
        _sub(activity, "activity-date", type=m.ACTUAL_END, iso_date=grant.end_date.isoformat())
    if grant.country_iso2:
        _sub(activity, "recipient-country", code=grant.country_iso2, percentage="100")
    else:
        _sub(activity, "recipient-region", grant.region, code=m.slug(grant.region), vocabulary=m.OWN_VOCABULARY,
             percentage="100")
    if grant.city_name and _present(grant.latitude):
        location = _sub(activity, "location", ref=f"{grant.city_id}")
        _sub(location, "location-reach", code="1")
        _sub(location, "name", grant.city_name)
        point = _sub(location, "point", srsName=WGS84)
        etree.SubElement(point, "pos").text = f"{number(grant.latitude)} {number(grant.longitude)}"
        _sub(location, "exactness", code="1")
        _sub(location, "location-class", code="2")
        _sub(location, "feature-designation", code="PPL")
    _sub(activity, "sector", vocabulary=m.SECTOR_VOCABULARY_DAC,
         code=m.THEME_SECTORS.get(grant.theme, m.DEFAULT_SECTOR), percentage="100")
    _sub(activity, "sector", grant.theme, vocabulary=m.OWN_VOCABULARY, code=m.slug(grant.theme), percentage="100")
    _sub(activity, "tag", grant.programme, vocabulary=m.TAG_VOCABULARY_OWN, code=m.slug(grant.programme))
    _sub(activity, "default-finance-type", code=m.FINANCE_TYPE_GRANT)
    _sub(activity, "default-aid-type", code=m.AID_TYPE_PROJECT, vocabulary="1")
    _budgets(activity, grant)
    receiver = grant.city_name or None
    _transaction(activity, m.COMMITMENT, grant.award_date, grant.amount_awarded, grant.currency,
                 reporting=reporting, receiver=receiver)
    for paid in portfolio.payments_of(grant.grant_id):
        _transaction(activity, m.DISBURSEMENT, paid.paid_on, paid.amount, paid.currency, reporting=reporting,
                     receiver=receiver)
    _results(activity, portfolio, grant.grant_id)


def to_iati(portfolio: Portfolio, *, reporting: m.Organisation = m.REPORTING_ORG,
            generated: dt.datetime | None = None) -> bytes:
    """The portfolio as an IATI 2.03 `iati-activities` document (UTF-8 bytes with an XML declaration)."""
    generated = (generated or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    stamp = generated.isoformat().replace("+00:00", "Z")
    root = etree.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": stamp})
    for grant in portfolio.grants.itertuples(index=False):
        _activity(root, grant, portfolio, reporting, stamp)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
