"""An IATI activity's results: its quantitative indicators, their baseline, and each period's targets and actuals.

An indicator whose measure is not a number (qualitative, nominal, ordinal) or whose result has no level in the
contract (type "other") is left out with a warning; a value that cannot be read is an error at its element. A
target or actual split by one dimension is kept as a dimension row; split by several at once, it is left out.
"""

from __future__ import annotations

from lxml import etree

from data_pipeline.standards import mapping as m
from data_pipeline.standards.iati_activity import Activity, date_of, decimal, iso_date
from data_pipeline.standards.iati_export import number


def read_results(a: Activity, grant_id: str, own: bool) -> None:
    """Add the activity's numeric indicators and their values under `grant_id`. `own`: an activity of the
    reporting organisation itself, whose indicator references carry the indicator's id and contract columns."""
    fields = m.INDICATOR_FIELDS
    found = False
    for r_index, result in enumerate(a.element.findall("result"), start=1):
        result_type = fields["result_type"].from_iati(result.get("type") or "")
        if result_type is None:
            a.warn(result, "result type", f"result of type '{result.get('type')}' has no level in the contract "
                                          "(output, outcome, impact): left out")
            continue
        for i_index, indicator in enumerate(result.findall("indicator"), start=1):
            code = (indicator.get("measure") or "1").strip()
            measure = fields["measure"].from_iati(code)
            if measure is None:
                kind = m.NOT_NUMERIC_MEASURES.get(code, f"measure '{code}'")
                a.warn(indicator, "not numeric", f"{kind} indicator left out: the contract holds numbers only")
                continue
            reference = [r for r in indicator.findall("reference")
                         if r.get("vocabulary") == m.INDICATOR_VOCABULARY_OWN and r.get("code")]
            indicator_id = reference[0].get("code") if own and reference else f"{grant_id}-R{r_index}-I{i_index}"
            ascending = m.IATI_BOOLEAN.get((indicator.get("ascending") or "1").strip().lower())
            if ascending is None:
                a.error(indicator, "bad ascending", f"ascending '{indicator.get('ascending')}' is not a boolean")
                continue
            direction = fields["direction"].from_iati("1" if ascending == "true" else "0")
            codes = [m.read_own_reference(r.get("code")) for r in reference[1:]] if own else []
            own_columns = dict(code for code in codes if code)
            direction = own_columns.get("direction", direction)
            row = {"indicator_id": indicator_id, "grant_id": grant_id, "result_type": result_type,
                   "measure": measure, **own_columns, "direction": direction, "ascending": m.ascending_of(direction),
                   "title": a.text(indicator.find("title")) or a.text(result.find("title"))}
            if not row["title"]:
                a.error(indicator, "no indicator title", "indicator has no title (nor has its result)")
            _baseline(a, indicator, row)
            a.mapped.add("indicators", row, a.origin(indicator))
            found = True
            for period in indicator.findall("period"):
                _period(a, period, indicator_id)
    if found:
        a.mapped.with_results.add(grant_id)


def _baseline(a: Activity, indicator: etree._Element, row: dict) -> None:
    baselines = [b for b in indicator.findall("baseline") if b.find("dimension") is None]
    if not baselines:
        return
    baseline = baselines[0]
    value, year = baseline.get("value"), (baseline.get("year") or "").strip()
    if value is not None and value.strip():
        if decimal(value) is None:
            a.error(baseline, "bad number", f"baseline value '{value}' is not a number")
        else:
            row["baseline_value"] = number(decimal(value))
    if year:
        if not year.isdigit():
            a.error(baseline, "bad year", f"baseline year '{year}' is not a year")
        else:
            row["baseline_year"] = year


def _period(a: Activity, period: etree._Element, indicator_id: str) -> None:
    start, end = (iso_date(date_of(period.find(edge))) for edge in ("period-start", "period-end"))
    if start is None or end is None:
        a.error(period, "bad period", "period has no start or end date (period-start/period-end @iso-date)")
        return
    for kind in ("target", "actual"):
        for element in period.findall(kind):
            value = element.get("value")
            if value is None or not value.strip():
                a.warn(element, "no value", f"{kind} without a value left out")
                continue
            if decimal(value) is None:
                a.error(element, "bad number", f"{kind} value '{value}' is not a number")
                continue
            dimensions = element.findall("dimension")
            if len(dimensions) > 1:
                a.warn(element, "several dimensions", f"{kind} split by {len(dimensions)} dimensions at once left "
                                                      "out: the contract holds one dimension per value")
                continue
            row = {"indicator_id": indicator_id, "period_start": start.isoformat(), "period_end": end.isoformat(),
                   "kind": kind, "value": number(decimal(value))}
            if dimensions:
                row |= {"dimension": dimensions[0].get("name"), "dimension_value": dimensions[0].get("value")}
            a.mapped.add("indicator_values", row, a.origin(element))
