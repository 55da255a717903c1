"""What a downloaded table's columns are called for the person reading it.

The queries name their columns for programs (`awarded_usd`, `participant_hours`); a chart's CSV or a grid's Excel
file is read by people, so a French or Arabic reader gets the column's name in their language ("Montant accordé
(USD)"). An English reader's file keeps the names it always had, which scripts written against it may read.
Only the header row changes: values are the data as they are (numbers stay numbers, codes and names as stored).

Files meant for a program keep their machine names in every language and never pass through here: the IATI and
360Giving files (data_pipeline/standards), the source template's sheets and the validation report's codes
(docs/translating.md, "Reports, exports and PDF").
"""

from __future__ import annotations

import pandas as pd

from dashboards.i18n import N_, _, current_language

# One entry per column name the chart and grid downloads carry; a name not listed keeps its machine name.
HEADERS = {
    "region": N_("Region"), "quarter": N_("Quarter"), "period": N_("Period"), "grain": N_("Period length"),
    "period_start": N_("Period start"), "period_end": N_("Period end"), "partial": N_("Partial period"),
    "events": N_("Events"), "event_type": N_("Event type"), "modality": N_("Modality"), "topic": N_("Topic"),
    "without_region": N_("Events without a region"), "attendances": N_("Attendances"),
    "participants": N_("Participants"), "unique_participants": N_("Unique participants"),
    "participant_hours": N_("Participant hours"), "completion_rate": N_("Completion rate"),
    "scored": N_("Attendances with scores"), "knowledge_gain": N_("Knowledge gain"),
    "pre_score": N_("Score before"), "post_score": N_("Score after"), "rated": N_("Attendances with ratings"),
    "satisfaction": N_("Satisfaction"), "dimension": N_("Breakdown"), "value": N_("Value"),
    "gender": N_("Gender"), "role": N_("Role"),
    "members": N_("Member cities"), "new_members": N_("New member cities"), "joins": N_("Cities joined"),
    "exits": N_("Cities left"), "cities": N_("Cities"), "city_id": N_("City ID"), "city_name": N_("City"),
    "country": N_("Country"), "country_name": N_("Country"), "country_iso3": N_("Country code (ISO3)"),
    "iso3": N_("Country code (ISO3)"), "latitude": N_("Latitude"), "longitude": N_("Longitude"),
    "membership": N_("Membership"), "visibility": N_("Visibility"),
    "on_steering_committee": N_("On the International Steering Committee"), "events_hosted": N_("Events hosted"),
    "milestones": N_("Milestones"), "milestone": N_("Milestone"), "step": N_("Step"), "in_period": N_("In the period"),
    "term_start": N_("Term start"), "term_end": N_("Term end"), "is_current": N_("Current"),
    "grants": N_("Grants"), "grant_id": N_("Grant ID"), "title": N_("Title"), "donor_name": N_("Donor"),
    "programme": N_("Programme"), "theme": N_("Theme"), "status": N_("Status"), "currency": N_("Currency"),
    "amount_awarded": N_("Amount awarded"), "awarded_original": N_("Awarded (original currency)"),
    "awarded_usd": N_("Awarded (USD)"), "disbursed_usd": N_("Disbursed (USD)"),
    "disbursed_share": N_("Share disbursed"), "award_date": N_("Award date"), "start_date": N_("Start date"),
    "end_date": N_("End date"), "indicators": N_("Indicators"), "indicators_on_track": N_("Indicators on track"),
    "indicators_off_track": N_("Indicators off track"), "indicator_id": N_("Indicator ID"),
    "result_type": N_("Result level"), "measure": N_("Measure"), "unit": N_("Unit"), "direction": N_("Direction"),
    "aggregation": N_("Aggregation"), "range_low": N_("Range low"), "range_high": N_("Range high"),
    "baseline_value": N_("Baseline"), "baseline_year": N_("Baseline year"), "target": N_("Target"),
    "actual": N_("Actual"), "target_to_date": N_("Target to date"), "actual_to_date": N_("Actual to date"),
    "target_met": N_("Target met"), "progress": N_("Progress"),
    "table_name": N_("Table"), "file": N_("File"), "format": N_("Format"), "encoding": N_("Encoding"),
    "rows": N_("Rows"), "min_date": N_("First date"), "max_date": N_("Last date"),
}


def header(name: object) -> object:
    """A column's name for the reader: translated in French and Arabic when HEADERS knows it, else as it is."""
    if current_language() == "en" or not isinstance(name, str) or not name:
        return name
    if name in HEADERS:
        return _(HEADERS[name])
    return _(name)  # a grid's own header ("Awarded (USD)"): translated when a catalog has it


def for_reader(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with its header row in the reader's language; the values untouched."""
    if current_language() == "en":
        return df
    return df.rename(columns={c: header(c) for c in df.columns})
