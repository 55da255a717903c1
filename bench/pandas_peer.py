"""The same marts the dashboard shows, computed the usual way: read the CSVs with pandas, merge, group, write.

This is the benchmark's yardstick for the DuckDB pipeline, so it is written the way a competent team would
write it in plain pandas: vectorised (no Python loops over rows), the pyarrow CSV reader, one `groupby` per
aggregate, `merge_asof` for exchange rates. It trusts its input (no validation, no data tests, no atomic
publish), which the DuckDB build does on top; the ratio in `bench/results.md` is therefore a conservative one.
`tests/bench/test_bench_peer.py` checks that it produces the same numbers as the marts, or the ratio means nothing.

Run alone: `python -m bench.pandas_peer SOURCE_DIR OUT_DIR` writes one Parquet file per mart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
KNOWN_GENDERS = ("female", "male", "non-binary")
DATES = {
    "cities": ["joined_on", "left_on"], "events": ["start_date", "end_date"],
    "grants": ["award_date", "start_date", "end_date"], "disbursements": ["paid_on"], "fx_rates": ["valid_on"],
    "milestones": ["achieved_on"], "steering_terms": ["term_start", "term_end"],
    "indicator_values": ["period_start", "period_end"],
}
IDS = ("city_id", "event_id", "participant_id", "grant_id", "donor_id", "indicator_id")
MARTS = ("city_engagement", "kpi_by_period", "grant_portfolio", "indicator_achievement",
         "regional_activity_quarterly")


def read_sources(source: Path) -> dict[str, pd.DataFrame]:
    """Every source CSV, dates parsed, ids as strings."""
    frames = {}
    for name in ("cities", "steering_terms", "participants", "events", "attendance", "donors", "grants",
                 "disbursements", "indicators", "indicator_values", "milestones", "fx_rates"):
        frame = pd.read_csv(source / f"{name}.csv", engine="pyarrow")
        for column in frame.columns.intersection(IDS):  # an id column that happens to be empty reads as float
            if frame[column].dtype != "str":
                frame[column] = frame[column].astype("str").where(frame[column].notna())
        for column in DATES.get(name, []):
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").astype("datetime64[s]")
        frames[name] = frame
    return frames


def _reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


def _usd(frame: pd.DataFrame, date_column: str, rates: pd.DataFrame) -> pd.Series:
    """The USD rate valid on each row's date (latest rate on or before it); USD itself is 1."""
    order = frame[date_column].argsort(kind="stable")
    ordered = frame.iloc[order][[date_column, "currency"]].reset_index()
    matched = pd.merge_asof(ordered, rates, left_on=date_column, right_on="valid_on", by="currency")
    return pd.Series(matched["usd_per_unit"].to_numpy(), index=matched["index"]).reindex(frame.index)


def _period(dates: pd.Series, grain: str) -> pd.Series:
    return dates.dt.to_period({"month": "M", "quarter": "Q", "year": "Y"}[grain]).dt.start_time


def _as_of(src: dict[str, pd.DataFrame], today: dt.date) -> pd.Timestamp:
    events, attendance = src["events"], src["attendance"]
    attended = events[events.event_id.isin(attendance.event_id.unique())]
    latest = max(d for d in (attended.start_date.max(), src["disbursements"].paid_on.max(),
                             src["milestones"].achieved_on.max(), src["cities"].joined_on.max(),
                             src["cities"].left_on.max()) if pd.notna(d))
    return min(latest, pd.Timestamp(today))


def _masked(titles: pd.Series, cities: pd.DataFrame) -> pd.Series:
    """Titles with confidential members' names (as written and without accents) replaced, as the build does."""
    names = cities.loc[cities.confidential, "city_name"].dropna()
    forms = {form for name in names for form in
             (name, "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)))}
    if not forms:
        return titles.copy()
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
                         + r")(?![^\W_])", re.IGNORECASE)
    return titles.map(lambda t: pattern.sub("[confidential member]", t) if isinstance(t, str) else t)


def staging(src: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Cities with country names, events and participants placed, amounts converted to USD; cities and grants
    flagged `confidential` (the city is a confidential member)."""
    countries = _reference("countries.csv")[["iso3", "name"]].rename(columns={"iso3": "country_iso3",
                                                                               "name": "country_name"})
    cities = src["cities"].merge(countries, on="country_iso3", how="left")
    cities["confidential"] = cities.visibility == "confidential"
    places = cities[["city_id", "city_name", "region", "country_iso3"]]
    events = src["events"].merge(places.rename(columns={"region": "city_region"}), on="city_id", how="left")
    events["region"] = events["region"].fillna(events.pop("city_region"))
    participants = src["participants"].merge(places[["city_id", "region", "country_iso3"]], on="city_id",
                                             how="left")
    rates = src["fx_rates"][src["fx_rates"].currency != "USD"]
    usd = pd.DataFrame({"currency": ["USD"], "valid_on": pd.to_datetime(["1900-01-01"]).astype("datetime64[s]"),
                        "usd_per_unit": [1.0]})
    rates = pd.concat([rates, usd], ignore_index=True).sort_values("valid_on")
    grants = src["grants"].merge(cities[["city_id", "city_name", "region", "country_iso3", "confidential"]].rename(
        columns={"region": "city_region"}), on="city_id", how="left")
    grants["region"] = grants["region"].fillna(grants.pop("city_region"))
    grants["confidential"] = grants.confidential.fillna(False).astype(bool)
    grants["title_public"] = _masked(grants.title, cities)
    grants["awarded_usd"] = grants.amount_awarded * _usd(grants, "award_date", rates)
    payments = src["disbursements"].copy()
    payments["amount_usd"] = payments.amount * _usd(payments, "paid_on", rates)
    return {"cities": cities, "events": events, "participants": participants, "grants": grants,
            "payments": payments}


def facts(src: dict[str, pd.DataFrame], stg: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """One row per attendance (placed where the participant works, else where the event was), per event."""
    events, participants = stg["events"], stg["participants"]
    attendance = src["attendance"].merge(
        events[["event_id", "start_date", "event_type", "modality", "topic", "hours", "city_id", "region",
                "country_iso3"]].rename(columns={"city_id": "event_city_id", "region": "event_region",
                                                 "country_iso3": "event_country"}), on="event_id"
    ).merge(participants.rename(columns={"city_id": "participant_city_id"}), on="participant_id")
    attendance["region"] = attendance["region"].fillna(attendance.pop("event_region"))
    attendance["country_iso3"] = attendance["country_iso3"].fillna(attendance.pop("event_country"))
    attendance["month"] = _period(attendance.start_date, "month")
    attendance["quarter"] = _period(attendance.start_date, "quarter")
    attendance["gain"] = attendance.post_score - attendance.pre_score

    per_event = attendance.groupby("event_id").agg(attendances=("event_id", "size"))
    fct_events = events.merge(per_event, on="event_id", how="left")
    fct_events["attendances"] = fct_events.attendances.fillna(0).astype("int64")
    fct_events["quarter"] = _period(fct_events.start_date, "quarter")

    grants = stg["grants"][["grant_id", "donor_id", "city_id", "region", "country_iso3"]]
    payments = stg["payments"].merge(grants, on="grant_id")
    return {"attendance": attendance, "events": fct_events, "payments": payments}


def indicator_achievement(src: dict[str, pd.DataFrame], stg: dict[str, pd.DataFrame],
                          as_of: pd.Timestamp) -> pd.DataFrame:
    """Target and actual of every indicator per reporting period (totals only), the totals to date they are judged
    on, progress and status, by the rules of docs/marts.md."""
    values = src["indicator_values"]
    totals = values[values.dimension.isna()]
    totals = totals.pivot_table(index=["indicator_id", "period_end"], columns="kind", values="value", aggfunc="max",
                                ).reindex(columns=["target", "actual"]).join(
        totals.groupby(["indicator_id", "period_end"]).period_start.min()).reset_index()
    indicators = src["indicators"].copy()
    if "direction" not in indicators:
        indicators["direction"] = np.nan
    indicators["direction"] = indicators.direction.fillna(indicators.ascending.map({True: "higher", False: "lower"}))
    is_range = indicators.direction == "range"
    low, high = indicators.get("range_low"), indicators.get("range_high")
    indicators["range_low"] = np.fmin(low, high).where(is_range)
    indicators["range_high"] = np.fmax(low, high).where(is_range)
    indicators["aggregation"] = indicators.get("aggregation", pd.Series(np.nan, index=indicators.index)).fillna(
        indicators.measure.map({"percentage": "latest"}).fillna("cumulative"))
    grants = stg["grants"][["grant_id", "donor_id", "city_id", "region", "country_iso3", "confidential"]]
    frame = indicators.merge(grants, on="grant_id").merge(totals, on="indicator_id")
    frame["title_public"] = _masked(frame.title, stg["cities"])
    frame = frame.sort_values(["indicator_id", "period_end"], kind="stable").reset_index(drop=True)
    reported = frame.actual.notna()
    by = frame.groupby("indicator_id")
    actual_sum = by.actual.cumsum()
    target_sum = frame.target.where(reported).fillna(0).groupby(frame.indicator_id).cumsum()
    targets = frame.target.where(reported).notna().astype(int).groupby(frame.indicator_id).cumsum()
    summed = frame.aggregation == "sum"
    frame["target_to_date"] = np.where(
        ~summed, frame.target,
        np.where(reported, target_sum.where(targets > 0), target_sum + frame.target))
    frame["actual_to_date"] = np.where(summed & reported, actual_sum, frame.actual)
    start = np.where(summed, 0.0, frame.baseline_value)
    target, actual = frame.target_to_date, frame.actual_to_date
    met = np.select([frame.direction == "higher", frame.direction == "lower"],
                    [actual >= target, actual <= target],
                    (actual >= frame.range_low) & (actual <= frame.range_high))
    has_target = np.where(frame.direction == "range", frame.range_low.notna(), target.notna())
    way = ((frame.direction == "higher") & (target > start)) | ((frame.direction == "lower") & (target < start))
    frame["target_met"] = pd.Series(met, dtype="boolean").where(has_target & actual.notna())
    frame["progress"] = ((actual - start) / (target - start)).where(way & has_target)
    frame["status"] = np.select(
        [actual.isna() & (frame.period_end > as_of), actual.isna(), ~has_target,
         frame.target_met.fillna(False).astype(bool) | (frame.progress >= 0.9)],
        ["not due", "awaiting data", "no target", "on track"], "off track")
    latest_end = frame.period_end.where(reported).groupby(frame.indicator_id).transform("max")
    frame["is_latest"] = reported & (frame.period_end == latest_end)
    return frame


def grant_portfolio(src: dict[str, pd.DataFrame], stg: dict[str, pd.DataFrame],
                    indicators: pd.DataFrame) -> pd.DataFrame:
    """One row per grant: awarded and disbursed in USD, and its indicators at their latest report."""
    paid = stg["payments"].groupby("grant_id").amount_usd.sum().rename("disbursed_usd")
    latest = indicators.assign(
        on=indicators.is_latest & (indicators.status == "on track"),
        off=indicators.is_latest & (indicators.status == "off track"),
    ).groupby("grant_id").agg(indicators=("indicator_id", "nunique"), indicators_on_track=("on", "sum"),
                              indicators_off_track=("off", "sum"))
    frame = stg["grants"].merge(src["donors"], on="donor_id").merge(paid, on="grant_id", how="left")
    frame = frame.merge(latest, on="grant_id", how="left")
    frame["disbursed_usd"] = frame.disbursed_usd.fillna(0.0)
    frame["disbursed_share"] = frame.disbursed_usd / frame.awarded_usd.replace(0, np.nan)
    for column in ("indicators", "indicators_on_track", "indicators_off_track"):
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def city_engagement(src: dict[str, pd.DataFrame], stg: dict[str, pd.DataFrame], fct: dict[str, pd.DataFrame],
                    grants: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per city: membership at as_of, what it did, and whether it has gone quiet."""
    events = fct["events"]
    held = events[events.city_id.notna() & (events.start_date <= as_of)]
    hosted = held.groupby("city_id").agg(events_hosted=("event_id", "size"), last_hosted_on=("start_date", "max"))
    attendance = fct["attendance"]
    reached = attendance[attendance.participant_city_id.notna() & (attendance.start_date <= as_of)]
    attended = reached.groupby("participant_city_id").agg(
        events_attended=("event_id", "nunique"), participants=("participant_id", "nunique"),
        attendances=("event_id", "size"), participant_hours=("hours", "sum"),
        last_attended_on=("start_date", "max"))
    attended.index.name = "city_id"
    funded = grants[grants.city_id.notna()].groupby("city_id").agg(
        grants=("grant_id", "size"), awarded_usd=("awarded_usd", "sum"), disbursed_usd=("disbursed_usd", "sum"))
    payments = fct["payments"]
    paid = payments[payments.city_id.notna()].groupby("city_id").paid_on.max().rename("last_paid_on")
    steps = {m: i for i, m in enumerate(_milestones(), start=1)}
    milestones = src["milestones"].assign(step=src["milestones"].milestone.map(steps))
    ladder = milestones.sort_values("step").groupby("city_id").agg(
        milestones_reached=("milestone", "size"), highest_milestone=("milestone", "last"),
        last_milestone_on=("achieved_on", "max"))
    terms = src["steering_terms"]
    current = terms[(terms.term_start <= as_of) & (terms.term_end.isna() | (terms.term_end >= as_of))]
    seats = current.sort_values("term_start").groupby("city_id").role.last().rename("steering_role")

    frame = stg["cities"].set_index("city_id")
    frame["is_member"] = (frame.joined_on <= as_of) & (frame.left_on.isna() | (frame.left_on > as_of))
    frame = frame.join([seats, hosted, attended, funded, paid, ladder])
    frame["on_steering_committee"] = frame.steering_role.notna()
    for column in ("events_hosted", "events_attended", "participants", "attendances", "grants",
                   "milestones_reached"):
        frame[column] = frame[column].fillna(0).astype("int64")
    for column in ("participant_hours", "awarded_usd", "disbursed_usd"):
        frame[column] = frame[column].fillna(0.0)
    frame["last_activity_on"] = frame[["last_hosted_on", "last_attended_on", "last_milestone_on",
                                       "last_paid_on"]].max(axis=1)
    quiet = frame.last_activity_on.fillna(frame.joined_on) < as_of - pd.Timedelta(days=365)
    frame["dormant"] = frame.is_member & quiet
    return frame.reset_index()


def _milestones() -> tuple[str, ...]:
    from data_pipeline.contract import MILESTONES

    return MILESTONES


def _month_starts(first: pd.Timestamp, as_of: pd.Timestamp, months: int) -> pd.DatetimeIndex:
    return pd.date_range(first, as_of, freq=pd.DateOffset(months=months))


def regional_activity_quarterly(stg: dict[str, pd.DataFrame], fct: dict[str, pd.DataFrame],
                                as_of: pd.Timestamp) -> pd.DataFrame:
    """Each region's activity per quarter from the network's launch, zeros included."""
    cities = stg["cities"]
    quarters = _month_starts(cities.joined_on.min().to_period("Q").start_time, as_of, 3)
    spine = pd.MultiIndex.from_product([_reference("regions.csv").region, quarters], names=["region", "quarter"])
    events = fct["events"]
    events = events[events.region.notna() & (events.start_date <= as_of)].groupby(["region", "quarter"]).size()
    attendance = fct["attendance"][fct["attendance"].region.notna()]
    reach = attendance.groupby(["region", "quarter"]).agg(
        attendances=("event_id", "size"), unique_participants=("participant_id", "nunique"),
        participant_hours=("hours", "sum"))
    joins = cities.groupby(["region", _period(cities.joined_on, "quarter").rename("quarter")]).size()
    grants = stg["grants"][stg["grants"].region.notna()]
    awards = grants.groupby(["region", _period(grants.award_date, "quarter").rename("quarter")]).awarded_usd.sum()
    frame = pd.DataFrame(index=spine).join([events.rename("events").to_frame(), reach,
                                            joins.rename("joins").to_frame(), awards.to_frame()])
    return frame.fillna(0).astype({"events": "int64", "attendances": "int64", "unique_participants": "int64",
                                   "joins": "int64"}).reset_index()


def _by_period(frame: pd.DataFrame, date_column: str, grain: str, aggregate) -> pd.DataFrame:
    """`aggregate(groupby)` per (period, region) and per period over the whole network ('All regions')."""
    period = _period(frame[date_column], grain).rename("period_start")
    region = frame["region"].fillna("No region")
    regional = aggregate(frame.groupby([period, region])).reset_index()
    network = aggregate(frame.groupby(period)).reset_index().assign(region="All regions")
    return pd.concat([regional, network], ignore_index=True).assign(grain=grain)


def kpi_by_period(stg: dict[str, pd.DataFrame], fct: dict[str, pd.DataFrame], indicators: pd.DataFrame,
                  as_of: pd.Timestamp) -> pd.DataFrame:
    """Headline KPIs per month, quarter and year, per region and for the whole network."""
    cities = stg["cities"]
    steps = _month_starts(cities.joined_on.min().to_period("M").start_time, as_of, 1).to_series()
    periods = pd.concat([pd.DataFrame({"grain": g, "period_start": _period(steps, g).unique()})
                         for g in ("month", "quarter", "year")], ignore_index=True)
    length = periods.grain.map({"month": 1, "quarter": 3, "year": 12})
    periods["period_end"] = [(s + pd.DateOffset(months=n) - pd.Timedelta(days=1))
                             for s, n in zip(periods.period_start, length, strict=True)]
    periods["period_end"] = periods.period_end.clip(upper=as_of)
    regions = pd.DataFrame({"region": [*_reference("regions.csv").region, "All regions"]})
    spine = periods.merge(regions, how="cross")

    grid = spine.merge(cities[["city_id", "region", "joined_on", "left_on"]].rename(columns={"region": "city_region"}),
                       how="cross")
    grid = grid[(grid.region == "All regions") | (grid.region == grid.city_region)]
    membership = grid.assign(
        members=(grid.joined_on <= grid.period_end) & (grid.left_on.isna() | (grid.left_on > grid.period_end)),
        joins=grid.joined_on.between(grid.period_start, grid.period_end),
        exits=grid.left_on.between(grid.period_start, grid.period_end),
    ).groupby(["grain", "period_start", "region"])[["members", "joins", "exits"]].sum()

    events = fct["events"][fct["events"].start_date <= as_of]
    attendance = fct["attendance"]
    people = attendance[["participant_id", "region", "start_date", "completed", "hours", "gain", "satisfaction"]]
    people = people.assign(female=attendance.gender == "female", known=attendance.gender.isin(KNOWN_GENDERS))
    rated = indicators.assign(on=indicators.status == "on track",
                              rated=indicators.status.isin(["on track", "off track"]))
    keys = ["grain", "period_start", "region"]

    def reach(groups):
        return groups.agg(participant_hours=("hours", "sum"), completion_rate=("completed", "mean"),
                          knowledge_gain=("gain", "mean"), satisfaction=("satisfaction", "mean"))

    def on_track(groups):
        sums = groups[["on", "rated"]].sum()
        return (sums["on"] / sums["rated"].replace(0, np.nan)).rename("indicators_on_track_share")

    parts = []
    for grain in ("month", "quarter", "year"):
        parts.append(pd.concat([
            _by_period(events, "start_date", grain, lambda g: g.size().rename("events")).set_index(keys),
            _by_period(people, "start_date", grain, reach).set_index(keys),
            _unique_participants(people, grain).set_index(keys),
            _by_period(stg["grants"], "award_date", grain, lambda g: g.awarded_usd.sum()).set_index(keys),
            _by_period(fct["payments"], "paid_on", grain,
                       lambda g: g.amount_usd.sum().rename("disbursed_usd")).set_index(keys),
            _by_period(rated, "period_end", grain, on_track).set_index(keys),
        ], axis=1))
    measures = pd.concat(parts)
    frame = spine.drop(columns="period_end").set_index(["grain", "period_start", "region"])
    frame = frame.join(membership).join(measures)
    for column in ("events", "unique_participants"):
        frame[column] = frame[column].fillna(0).astype("int64")
    for column in ("participant_hours", "awarded_usd", "disbursed_usd"):
        frame[column] = frame[column].fillna(0.0)
    return frame.reset_index()


def _unique_participants(people: pd.DataFrame, grain: str) -> pd.DataFrame:
    """Participants counted once per period and region (and once per period for the network), with the share
    of women among those whose gender is known."""
    frame = people[["participant_id", "female", "known"]].assign(
        period_start=_period(people.start_date, grain), region=people.region.fillna("No region"))
    regional = frame.drop_duplicates(["period_start", "region", "participant_id"])
    network = frame.drop_duplicates(["period_start", "participant_id"]).assign(region="All regions")
    counts = pd.concat([regional, network]).groupby(["period_start", "region"]).agg(
        unique_participants=("participant_id", "size"), women=("female", "sum"), known=("known", "sum"))
    counts["women_share"] = counts.women / counts.known.replace(0, np.nan)
    return counts[["unique_participants", "women_share"]].reset_index().assign(grain=grain)


def compute(source: Path, today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Every peer mart from the CSVs in `source`, keyed by mart name."""
    src = read_sources(Path(source))
    as_of = _as_of(src, today or dt.date.today())
    stg = staging(src)
    fct = facts(src, stg)
    indicators = indicator_achievement(src, stg, as_of)
    grants = grant_portfolio(src, stg, indicators)
    return {
        "city_engagement": city_engagement(src, stg, fct, grants, as_of),
        "kpi_by_period": kpi_by_period(stg, fct, indicators, as_of),
        "grant_portfolio": grants,
        "indicator_achievement": indicators,
        "regional_activity_quarterly": regional_activity_quarterly(stg, fct, as_of),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    marts = compute(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in marts.items():
        frame.to_parquet(args.out / f"{name}.parquet", index=False)
    print(f"{sum(len(f) for f in marts.values()):,} mart rows in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
