"""The pandas peer's data work: the built database's tables loaded whole into DataFrames, filtered and grouped.

The pandas twins of the dashboard's query functions (dashboards/queries/), with the same filter semantics, for the
peer app (peer_app.py) to hand to the dashboard's own figure functions. `DATA` is filled once at start-up by
`load` and read-only afterwards, as a typical dashboard holds its CSVs.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from dashboards import filters as flt
from data_pipeline.contract import REGIONS

TABLES = ("fct_attendance", "fct_events", "city_engagement", "grant_portfolio", "fct_disbursements",
          "indicator_achievement", "city_milestones", "ref_regions")


def load(db: str) -> dict[str, pd.DataFrame]:
    """Every table the charts need, whole, as DataFrames (DuckDB hands dates over as datetime64)."""
    con = duckdb.connect(db, read_only=True)
    try:
        frames = {t: con.execute(f"select * from {t}").df() for t in TABLES}
        # the raw attendance names people by their text id and carries their sex, age band and role, as a pandas
        # app would hold it (the fact table counts them by an integer key and leaves those to stg_participants)
        ids = con.execute("select participant_key, participant_id, gender, age_band, role from stg_participants"
                          ).df()
        frames["fct_attendance"] = frames["fct_attendance"].merge(ids, on="participant_key", how="left")
        as_of = con.execute("select as_of from meta_build").fetchone()[0]
    finally:
        con.close()
    frames["as_of"] = as_of
    return frames


DATA: dict = {}  # filled once at start-up, read-only afterwards


def _ts(day) -> pd.Timestamp:
    return pd.Timestamp(day)


def chosen(search):
    f = flt._from_query(search)  # no viewer in the peer: the admin view of everything
    return f, flt.resolve(f, DATA["as_of"])


def mask(df, f, win, date=None, *, date_end=None, region="region", country="country_iso3", event=None,
         topic=None, dates=True):
    """The rows of `df` the filters select (the pandas twin of dashboards.queries.common.where)."""
    m = pd.Series(True, index=df.index)
    if dates and win is not None and date:
        m &= df[date] <= _ts(win.end)
        if win.start is not None:
            m &= (df[date_end].fillna(_ts(win.end)) if date_end else df[date]) >= _ts(win.start)
    for col, values in ((region, f.regions), (country, f.countries), (event, f.event_types), (topic, f.topics)):
        if col and values:
            m &= df[col].isin(values)
    return df[m]


def members_at(f, end):
    c = DATA["city_engagement"]
    c = mask(c, f, None)
    end = _ts(end)
    return c[(c["joined_on"] <= end) & (c["left_on"].isna() | (c["left_on"] > end))]


def trunc(series: pd.Series, grain: str) -> pd.Series:
    return series.dt.to_period("M" if grain == "month" else "Q").dt.start_time


def spine(win, grain) -> pd.DataFrame:
    first = DATA["city_engagement"]["joined_on"].min()
    start = _ts(win.start) if win.start else first
    start = trunc(pd.Series([start]), grain).iloc[0]
    return pd.DataFrame({"period": pd.date_range(start, _ts(win.end), freq="MS" if grain == "month" else "QS")})


# --- overview -------------------------------------------------------------------------------------------------------

def kpis(f, win) -> dict:
    att = mask(DATA["fct_attendance"], f, win, "start_date", event="event_type", topic="topic")
    ev = mask(DATA["fct_events"], f, win, "start_date", event="event_type", topic="topic")
    cities = mask(DATA["city_engagement"], f, None)
    host = mask(DATA["fct_events"], f, win, "start_date", region=None, country=None, event="event_type", topic="topic")
    sent = mask(DATA["fct_attendance"], f, win, "start_date", region=None, country=None, event="event_type",
                topic="topic")
    active = cities["city_id"].isin(set(host["city_id"].dropna()) | set(sent["participant_city_id"].dropna()))
    known = att[att["gender"].isin(["female", "male", "non-binary"])]["participant_id"].nunique()
    ind = mask(DATA["indicator_achievement"], f, win, "period_end")
    ind = ind[ind["status"].isin(["on track", "off track"])]
    return {
        "members": len(members_at(f, win.end)),
        "new_members": len(mask(DATA["city_engagement"], f, win, "joined_on")),
        "active_cities": int(active.sum()),
        "events": len(ev),
        "participants": att["participant_id"].nunique(),
        "participant_hours": att["hours"].sum(),
        "women_share": att.loc[att["gender"] == "female", "participant_id"].nunique() / known if known else None,
        "awarded_usd": mask(DATA["grant_portfolio"], f, win, "award_date")["awarded_usd"].sum(),
        "disbursed_usd": mask(DATA["fct_disbursements"], f, win, "paid_on")["amount_usd"].sum(),
        "on_track_share": (ind["status"] == "on track").mean() if len(ind) else None,
    }


def by_region(f, win) -> pd.DataFrame:
    no = "No region"
    mem = members_at(f, win.end).groupby("region").size().rename("members")
    jo = mask(DATA["city_engagement"], f, win, "joined_on").groupby("region").size().rename("new_members")
    ev = mask(DATA["fct_events"], f, win, "start_date", event="event_type", topic="topic")
    ev = ev["region"].fillna(no).value_counts().rename("events")
    att = mask(DATA["fct_attendance"], f, win, "start_date", event="event_type", topic="topic")
    att = att.assign(region=att["region"].fillna(no))
    pa = att.groupby("region").agg(participants=("participant_id", "nunique"), participant_hours=("hours", "sum"))
    aw = mask(DATA["grant_portfolio"], f, win, "award_date")
    aw = aw.assign(region=aw["region"].fillna(no)).groupby("region")["awarded_usd"].sum()
    out = pd.DataFrame({"region": [*list(REGIONS), no]}).set_index("region")
    out = out.join([mem, jo, ev, pa, aw]).fillna(0).reset_index()
    out["participant_hours"] = out["participant_hours"].round(1)
    out["awarded_usd"] = out["awarded_usd"].round()
    return out[out["region"].isin(f.regions)] if f.regions else out


def trend(f, win) -> pd.DataFrame:
    grain = win.grain
    ev = mask(DATA["fct_events"], f, win, "start_date", event="event_type", topic="topic")
    att = mask(DATA["fct_attendance"], f, win, "start_date", event="event_type", topic="topic")
    jo = mask(DATA["city_engagement"], f, win, "joined_on")
    aw = mask(DATA["grant_portfolio"], f, win, "award_date")
    parts = [ev.groupby(trunc(ev["start_date"], grain)).size().rename("events"),
             att.groupby(trunc(att["start_date"], grain))["participant_id"].nunique().rename("participants"),
             jo.groupby(trunc(jo["joined_on"], grain)).size().rename("new_members"),
             aw.groupby(trunc(aw["award_date"], grain))["awarded_usd"].sum().round().rename("awarded_usd")]
    for part in parts:
        part.index.name = "period"
    out = spine(win, grain).set_index("period").join(parts).fillna(0).reset_index()
    return out.assign(grain=grain)


def member_map(f, win) -> pd.DataFrame:
    att = mask(DATA["fct_attendance"], f, win, "start_date", region=None, country=None, event="event_type",
               topic="topic")
    reach = att.dropna(subset=["participant_city_id"]).groupby("participant_city_id")["participant_id"].nunique()
    ev = mask(DATA["fct_events"], f, win, "start_date", region=None, country=None, event="event_type", topic="topic")
    hosted = ev.dropna(subset=["city_id"]).groupby("city_id").size()
    ms = DATA["city_milestones"]
    ladder = ms[ms["achieved_on"] <= _ts(win.end)].groupby("city_id").size()
    c = members_at(f, win.end)[["city_id", "city_name", "country_iso3", "country_name", "region", "latitude",
                                "longitude", "membership", "visibility", "on_steering_committee"]].copy()
    c["participants"] = c["city_id"].map(reach).fillna(0).astype(int)
    c["events_hosted"] = c["city_id"].map(hosted).fillna(0).astype(int)
    c["milestones"] = c["city_id"].map(ladder).fillna(0).astype(int)
    return c.sort_values("city_name")


def members_over_time(f, win) -> pd.DataFrame:
    grain = win.grain
    periods = spine(win, grain)["period"]
    step = pd.offsets.MonthBegin(1) if grain == "month" else pd.offsets.QuarterBegin(1, startingMonth=1)
    start = _ts(win.start) if win.start else DATA["city_engagement"]["joined_on"].min()
    cities = mask(DATA["city_engagement"], f, None)
    rows = []
    for period in periods:
        end = min(period + step - pd.Timedelta(days=1), _ts(win.end))
        begin = max(period, trunc(pd.Series([start]), grain).iloc[0])
        for region, c in cities.groupby("region"):
            rows.append({"period": period, "region": region,
                         "members": int(((c["joined_on"] <= end) & (c["left_on"].isna() | (c["left_on"] > end))).sum()),
                         "joins": int(c["joined_on"].between(begin, end).sum()),
                         "exits": int(c["left_on"].between(begin, end).sum())})
    return pd.DataFrame(rows, columns=["period", "region", "members", "joins", "exits"])


# --- training -------------------------------------------------------------------------------------------------------

def attendance(f, win):
    return mask(DATA["fct_attendance"], f, win, "start_date", event="event_type", topic="topic")


def learning_frame(att: pd.DataFrame, by) -> pd.DataFrame:
    att = att.assign(gain=att["post_score"] - att["pre_score"],
                     both=att["pre_score"].notna() & att["post_score"].notna())
    g = att.groupby(by)
    out = pd.DataFrame({
        "attendances": g.size(),
        "participants": g["participant_id"].nunique(),
        "completion_rate": g["completed"].sum() / g.size(),
        "scored": g["both"].sum(),
        "knowledge_gain": g["gain"].mean(),
        "pre_score": att[att["post_score"].notna()].groupby(by)["pre_score"].mean(),
        "post_score": att[att["pre_score"].notna()].groupby(by)["post_score"].mean(),
        "rated": g["satisfaction"].count(),
        "satisfaction": g["satisfaction"].mean(),
    })
    return out.rename_axis("event_type").reset_index().round(
        {"completion_rate": 4, "knowledge_gain": 2, "pre_score": 2, "post_score": 2, "satisfaction": 2})


def people(f, win) -> pd.DataFrame:
    att = attendance(f, win)
    parts = [att.groupby(col, dropna=False)["participant_id"].nunique().rename("participants").rename_axis("value")
             .reset_index().assign(dimension=col if col != "gender" else "gender")
             for col in ("gender", "age_band", "role")]
    return pd.concat(parts)[["dimension", "value", "participants"]]


def attendance_over_time(f, win) -> pd.DataFrame:
    grain = win.grain
    att = attendance(f, win)
    g = att.groupby(trunc(att["start_date"], grain))
    per = pd.DataFrame({"attendances": g.size(), "participants": g["participant_id"].nunique(),
                        "participant_hours": g["hours"].sum().round(1)})
    per.index.name = "period"
    return spine(win, grain).set_index("period").join(per).fillna(0).reset_index().assign(grain=grain)


def events_over_time(f, win) -> pd.DataFrame:
    grain = win.grain
    ev = mask(DATA["fct_events"], f, win, "start_date", event="event_type", topic="topic")
    ev = ev.assign(period=trunc(ev["start_date"], grain), no_region=ev["region"].isna())
    out = ev.groupby(["period", "event_type", "modality"]).agg(
        events=("event_id", "size"), attendances=("attendances", "sum"), without_region=("no_region", "sum"))
    return out.reset_index().assign(grain=grain)


def topics(f, win) -> pd.DataFrame:
    ev = mask(DATA["fct_events"], f, win, "start_date", event="event_type", topic="topic").groupby("topic").size()
    att = attendance(f, win).groupby("topic").agg(attendances=("participant_id", "size"),
                                                  participants=("participant_id", "nunique"))
    out = ev.rename("events").to_frame().join(att).fillna(0).reset_index()
    return out.sort_values(["participants", "events", "topic"], ascending=[False, False, True])


# --- grants ---------------------------------------------------------------------------------------------------------

GRANT_BY = {"donor_name": "Donor", "programme": "Programme", "theme": "Theme", "status": "Status",
            "region": "Region"}


def portfolio(f, win) -> pd.DataFrame:
    active = mask(DATA["grant_portfolio"], f, win, "start_date", date_end="end_date")
    parts = []
    for dim, label in GRANT_BY.items():
        g = active.assign(value=active[dim].astype("string").fillna(f"No {label.lower()}")).groupby("value").agg(
            grants=("grant_id", "size"), awarded_usd=("awarded_usd", "sum"), disbursed_usd=("disbursed_usd", "sum"))
        parts.append(g.round().reset_index().assign(dimension=dim))
    out = pd.concat(parts)[["dimension", "value", "grants", "awarded_usd", "disbursed_usd"]]
    return out.sort_values(["dimension", "awarded_usd"], ascending=[True, False])
