"""Read an IATI activity file (2.01-2.03, and the 1.0x files older donors still publish) into contract rows.

Both syntaxes are read by one set of helpers (iati_activity.py): text comes from `<narrative>` (English first) or,
in 1.0x, from the element itself; codes are numeric in 2.0x and letters or words in 1.0x (`mapping` has both).
Versions may be mixed within one file (datastore downloads are). The results are read by iati_results.py.

Per activity: the grant (identifier, title, funder, status, planned or actual dates, the commitments as the
amount awarded and the first one's date as the award date, the city or region, the programme tag and the sector
as theme), its disbursements, and its results' quantitative indicators with baseline, periods, targets and
actuals (disaggregations kept as dimension rows). A value that cannot be read (a number that is not one, a date
that is not one, an unknown status or currency) is an error at the element's line and path, and nothing is
published. Parts the contract has no place for (qualitative indicators, results of type "other", expenditure
and incoming-funds transactions) are left out with a warning, since no edit of the file could make them fit.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from lxml import etree

from data_pipeline.standards import codelists
from data_pipeline.standards import mapping as m
from data_pipeline.standards.iati_activity import Activity, code, date_of, decimal, iso_date
from data_pipeline.standards.iati_export import number
from data_pipeline.standards.iati_results import read_results
from data_pipeline.standards.importing import Base, Mapped, Origin, add_months, place
from data_pipeline.standards.safexml import RefusedXml, parse


def read_iati(data: bytes, *, name: str, base: Base, reporting_ref: str = m.REPORTING_ORG.ref) -> Mapped:
    """Map every activity of the IATI file `data` (called `name` in messages) to contract rows."""
    mapped = Mapped(name)
    try:
        root = parse(data).getroot()
    except RefusedXml as exc:
        mapped.report(Origin(name, exc.line or "-", "-"), "refused", str(exc))
        return mapped.finish()
    if etree.QName(root).localname != "iati-activities":
        mapped.report(Origin(name, root.sourceline or "-", etree.QName(root).localname), "root",
                      f"the document is <{etree.QName(root).localname}>, not an IATI activity file "
                      "(<iati-activities>)")
        return mapped.finish()
    activities = root.findall("iati-activity")
    if not activities:
        mapped.report(Origin(name, root.sourceline or "-", "-"), "empty", "the file holds no iati-activity")
    seen: dict[str, Origin] = {}
    for index, element in enumerate(activities, start=1):
        activity = Activity(element, index, len(activities), name, mapped)
        _read_activity(activity, base, reporting_ref, seen)
    return mapped.finish()


def _read_activity(a: Activity, base: Base, reporting_ref: str, seen: dict[str, Origin]) -> None:
    el = a.element
    identifier_el = el.find("iati-identifier")
    identifier = (identifier_el.text or "").strip() if identifier_el is not None else ""
    if not identifier:
        a.error(el, "no identifier", "has no iati-identifier")
        return
    own = identifier.startswith(f"{reporting_ref}-")
    grant_id = identifier[len(reporting_ref) + 1:] if own else identifier
    if grant_id in seen:
        a.error(identifier_el, "duplicate identifier", f"iati-identifier '{identifier}' also names the activity at "
                f"line {seen[grant_id].line}")
        return
    seen[grant_id] = a.origin(identifier_el)
    children = [r for r in el.findall("related-activity") if (r.get("type") or "").strip() == "2"]
    money = el.find("transaction") is not None or el.find("budget") is not None
    if children and not money:
        a.warn(el, "parent left out", f"a parent activity without money of its own (its {len(children)} child "
                                      "activities carry it): left out")
        return
    grant = {"grant_id": grant_id, "title": a.text(el.find("title"))}
    if not grant["title"]:
        a.error(el, "no title", "has no title")
    _funder(a, base, grant)
    _status(a, grant)
    _dates(a, base, grant)
    currency = (el.get("default-currency") or "").strip().upper() or None
    _money(a, base, grant, currency)
    _where(a, base, grant)
    _programme_and_theme(a, grant)
    base.keep_confidential(grant)
    a.mapped.add("grants", grant, a.origin())
    read_results(a, grant_id, own)


def _funder(a: Activity, base: Base, grant: dict) -> None:
    el = a.element
    funders = [p for p in el.findall("participating-org") if code(p.get("role"), m.ORG_ROLE_V1) == m.FUNDING]
    org = funders[0] if funders else el.find("reporting-org")
    if org is None:
        a.error(el, "no funder", "has neither a funding participating-org nor a reporting-org")
        return
    if len(funders) > 1:
        names = ", ".join(a.text(f) or f.get("ref") or "?" for f in funders)
        a.warn(funders[1], "several funders", f"has several funders ({names}): the first is the grant's donor")
    grant["donor_id"] = base.donor(a.mapped, a.origin(org), ref=org.get("ref"), name=a.text(org),
                                   org_type=org.get("type"))


def _status(a: Activity, grant: dict) -> None:
    status = a.element.find("activity-status")
    code = (status.get("code") or "").strip() if status is not None else ""
    if status is not None and not code:  # 1.0x: the status as a word
        code = m.ACTIVITY_STATUS_V1.get((a.text(status) or "").strip().lower(), "")
    if status is None:
        a.error(a.element, "no status", "has no activity-status")
    elif code not in m.IATI_TO_GRANT_STATUS:
        a.error(status, "unknown status", f"activity-status '{code or a.text(status) or ''}' is not an IATI "
                                          "ActivityStatus code (1-6)")
    else:
        grant["status"] = m.IATI_TO_GRANT_STATUS[code]


def _dates(a: Activity, base: Base, grant: dict) -> None:
    found: dict[str, dt.date] = {}
    for element in a.element.findall("activity-date"):
        kind = code(element.get("type"), m.DATE_TYPE_V1)
        text = date_of(element)
        day = iso_date(text)
        if day is None:
            a.error(element, "bad date", "activity-date has no iso-date" + (f" (its text '{text}' is not a date)"
                                                                             if text else ""))
        elif kind not in found:
            found[kind] = day
    start = found.get(m.PLANNED_START) or found.get(m.ACTUAL_START)
    end = found.get(m.PLANNED_END) or found.get(m.ACTUAL_END)
    if start is None:
        a.error(a.element, "no start", "has no planned or actual start date (activity-date type 1 or 2)")
    if end is None and start is not None and base.months:
        end = add_months(start, base.months) - dt.timedelta(days=1)
        a.warn(a.element, "duration chosen", f"has no end date: runs {base.months} months, as chosen for the import")
    if end is None:
        a.error(a.element, "no end", "has no planned or actual end date (activity-date type 3 or 4): the "
                                     "contract needs the end of the funded work; import with --months N to give "
                                     "such activities a duration")
    grant["start_date"] = start and start.isoformat()
    grant["end_date"] = end and end.isoformat()


def _value(a: Activity, base: Base, holder: etree._Element, default_currency: str | None
           ) -> tuple[Decimal, str, dt.date | None] | None:
    """The amount, currency and value date of a transaction's or budget's <value>, or None (reported)."""
    value = holder.find("value")
    if value is None:
        a.error(holder, "no value", f"{holder.tag} has no value")
        return None
    amount = decimal(value.text)
    currency = (value.get("currency") or default_currency or "").strip().upper()
    if amount is None:
        a.error(value, "bad amount", f"value '{(value.text or '').strip()}' is not a number")
        return None
    if not currency:
        a.error(value, "no currency", "value has no currency and the activity has no default-currency")
        return None
    if currency not in base.currencies:
        known = currency in codelists.get().currencies
        a.error(value, "unknown currency", f"currency '{currency}' is "
                + ("withdrawn: the contract holds current ISO 4217 codes" if known else "not an ISO 4217 code"))
        return None
    return amount, currency, iso_date(value.get("value-date"))


def _money(a: Activity, base: Base, grant: dict, currency: str | None) -> None:
    """Commitments are the award (amount, currency, first date); disbursements are the payments."""
    commitments, payments, skipped, committed = [], [], {}, 0
    for transaction in a.element.findall("transaction"):
        kind_el = transaction.find("transaction-type")
        kind = code(kind_el.get("code") if kind_el is not None else None, m.TRANSACTION_V1)
        if kind not in (m.COMMITMENT, m.DISBURSEMENT):
            skipped[kind or "(none)"] = skipped.get(kind or "(none)", 0) + 1
            continue
        committed += kind == m.COMMITMENT
        value = _value(a, base, transaction, currency)
        date_el = transaction.find("transaction-date")
        if date_el is not None and date_of(date_el) and iso_date(date_of(date_el)) is None:
            a.error(date_el, "bad date", f"transaction-date '{date_of(date_el)}' is not a date (YYYY-MM-DD)")
            continue
        on = iso_date(date_of(date_el)) or (value[2] if value else None)
        if value is None:
            continue
        if on is None:
            a.error(transaction, "no transaction date", "transaction has no transaction-date or value-date")
            continue
        (commitments if kind == m.COMMITMENT else payments).append((transaction, value[0], value[1], on))
    if skipped:
        a.warn(a.element, "transactions left out", "transactions of type "
               + ", ".join(f"{k} (x{n})" for k, n in sorted(skipped.items(), key=lambda kv: str(kv[0])))
               + " left out: the contract holds the award (commitments) and disbursements only")
    if commitments:
        currencies = {c[2] for c in commitments}
        if len(currencies) > 1:
            a.error(commitments[0][0], "several currencies", f"commitments in {', '.join(sorted(currencies))}: "
                    "a grant has one currency; publish the commitments in one")
            return
        grant["amount_awarded"] = number(sum(c[1] for c in commitments))
        grant["currency"] = currencies.pop()
        grant["award_date"] = min(c[3] for c in commitments).isoformat()
    elif not committed:  # commitments that could not be read are reported already: no second guess
        _award_from_budgets(a, base, grant, currency)
    for transaction, amount, paid_currency, on in _netted(a, payments):
        a.mapped.add("disbursements", {"grant_id": grant["grant_id"], "paid_on": on.isoformat(),
                                       "amount": number(amount), "currency": paid_currency}, a.origin(transaction))
    if payments:
        a.mapped.paid.add(grant["grant_id"])


def _netted(a: Activity, payments: list) -> list:
    """Payments with each reversal (a negative disbursement) taken off the latest earlier payments in its currency:
    the contract holds what was paid, so a payment corrected later counts at what it came to."""
    kept = [list(p) for p in sorted(payments, key=lambda p: p[3]) if p[1] >= 0]
    for transaction, amount, currency, on in sorted((p for p in payments if p[1] < 0), key=lambda p: p[3]):
        left = -amount
        for payment in reversed([k for k in kept if k[2] == currency and k[3] <= on and k[1] > 0]):
            taken = min(left, payment[1])
            payment[1] -= taken
            left -= taken
            if left == 0:
                break
        if left > 0:
            a.error(transaction, "negative payment", f"disbursement of {number(amount)} {currency} reverses more "
                    "than was paid before it: the contract holds payments; correct the earlier disbursements")
        else:
            a.warn(transaction, "reversal netted", f"reversal of {number(-amount)} {currency} taken off the "
                                                   "payments before it")
    return [tuple(k) for k in kept if k[1] > 0]


def _award_from_budgets(a: Activity, base: Base, grant: dict, currency: str | None) -> None:
    budgets = [(b, _value(a, base, b, currency)) for b in a.element.findall("budget")]
    budgets = [(b, v) for b, v in budgets if v is not None]
    if not budgets:
        a.error(a.element, "no award", "has no commitment transaction (type 2) and no budget: the amount "
                                       "awarded is unknown")
        return
    currencies = {v[1] for _, v in budgets}
    if len(currencies) > 1:
        a.error(budgets[0][0], "several currencies", f"budgets in {', '.join(sorted(currencies))} and no "
                                                     "commitment: a grant has one currency")
        return
    grant["amount_awarded"] = number(sum(v[0] for _, v in budgets))
    grant["currency"] = currencies.pop()
    grant["award_date"] = grant.get("start_date")
    a.warn(a.element, "award from budgets", "has no commitment transaction: the amount awarded is the sum of its "
                                            "budgets and the award date its start date")


def _where(a: Activity, base: Base, grant: dict) -> None:
    el = a.element
    countries, regions, cities = [], [], []
    for country in el.findall("recipient-country"):
        iso3 = base.country(country.get("code"))
        if iso3 is None:
            a.error(country, "unknown country", f"recipient-country '{country.get('code')}' is not an ISO 3166-1 "
                                                "alpha-2 code")
        countries.append(iso3)
    if not countries:  # 2.0x lets each transaction name its country instead
        in_transactions = el.findall("transaction/recipient-country")
        countries = list(dict.fromkeys(base.country(c.get("code")) for c in in_transactions))
    only_country = countries[0] if len(countries) == 1 else None
    for region in el.findall("recipient-region"):
        vocabulary = (region.get("vocabulary") or "1").strip()
        if vocabulary == m.OWN_VOCABULARY:
            regions.append(a.text(region) or region.get("code"))
        elif vocabulary == "1" and (region.get("code") or "").strip() in m.DAC_REGION_HUBS:
            regions.append(m.DAC_REGION_HUBS[region.get("code").strip()])
    for location in el.findall("location"):
        point = None
        pos = location.findtext("point/pos") or location.findtext("coordinates")
        lat_lon = re.findall(r"-?\d+(?:\.\d+)?", pos or "")
        if len(lat_lon) == 2:
            point = (float(lat_lon[0]), float(lat_lon[1]))
        elif location.find("coordinates") is not None and location.find("coordinates").get("latitude"):
            coords = location.find("coordinates")  # 1.0x
            point = (float(coords.get("latitude")), float(coords.get("longitude")))
        city = base.city(city_id=location.get("ref"), name=a.text(location.find("name")), country=only_country,
                         point=point)
        cities.append(city)
    for org in el.findall("participating-org"):
        if code(org.get("role"), m.ORG_ROLE_V1) == m.IMPLEMENTING:
            cities.append(base.city(name=a.text(org), country=only_country))
    place(base, a.mapped, a.origin(), grant, cities=cities, countries=countries, region_names=regions)


def _programme_and_theme(a: Activity, grant: dict) -> None:
    el = a.element
    tags = [t for t in el.findall("tag") if t.get("vocabulary") == m.TAG_VOCABULARY_OWN]
    reporting = a.text(el.find("reporting-org")) or (el.find("reporting-org").get("ref")
                                                     if el.find("reporting-org") is not None else None)
    grant["programme"] = (a.text(tags[0]) if tags else None) or f"IATI: {reporting or 'unknown publisher'}"
    sectors = el.findall("sector") or el.findall("transaction/sector")
    own = [s for s in sectors if s.get("vocabulary") == m.OWN_VOCABULARY and a.text(s)]
    dac = [s for s in sectors if (s.get("vocabulary") or "1") in ("1", "2", "DAC", "DAC-3")]
    if own:
        grant["theme"] = a.text(own[0])
    elif dac:
        top = max(dac, key=lambda s: decimal(s.get("percentage")) or Decimal(0))
        code = (top.get("code") or "").strip()
        grant["theme"] = codelists.get().sectors.get(code) or a.text(top) or f"DAC sector {code}"
    else:
        grant["theme"] = "not given"
        a.warn(el, "no sector", "has no sector: its theme is imported as 'not given'")
