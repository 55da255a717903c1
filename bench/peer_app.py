"""The peer of the callbacks benchmark: the same charts built "the usual way", pandas inside each callback.

A minimal Dash app (no sign-in, no pages) that loads the built database's fact and mart tables into pandas
DataFrames once at start, as a typical dashboard would load its CSVs, and in every callback filters and groups
the full frames for the chosen filters. The callbacks have the same output ids and the same `url.search` input
as the dashboard's, compute the same numbers (same filter semantics: see dashboards/queries/) and hand the
frames to the dashboard's own figure functions, so the only difference measured is where the data work runs:
pandas on the raw rows per request, against DuckDB queries through a cached query layer.

Run: `SCN_DB=<db> python -m bench.peer_app --port 8390`.
"""

from __future__ import annotations

import argparse
import os

import dash_bootstrap_components as dbc
import duckdb
import pandas as pd
from dash import Dash, Input, Output, dcc, html

from dashboards import components as ui
from dashboards import filters as flt
from dashboards import formatting as fmt
from dashboards.figures import grants as gfig
from dashboards.figures import maps
from dashboards.figures import membership as mfig
from dashboards.figures import overview as ofig
from dashboards.figures import training as tfig
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


KPI_SHOW = {"members": fmt.number, "new_members": fmt.number, "active_cities": fmt.number, "events": fmt.number,
            "participants": fmt.number, "participant_hours": fmt.compact, "women_share": fmt.share,
            "awarded_usd": fmt.usd, "disbursed_usd": fmt.usd, "on_track_share": fmt.share}


def cards(now: dict, before: dict | None, shows: dict, versus: str) -> list:
    out = []
    for key, show in shows.items():
        change, direction = fmt.change(now[key], before[key] if before else None)
        out.append(dbc.Col(ui.kpi_card(key.replace("_", " ").capitalize(), show(now[key]),
                                       change=change if before else "", direction=direction, versus=versus,
                                       hint=f"before: {show(before[key])}" if before else None),
                           xs=6, md=4, xl=True))
    return out


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


# --- the app --------------------------------------------------------------------------------------------------------

def graph(name):
    return html.Div([dcc.Graph(id=f"{name}-graph"), html.Div(id=f"{name}-note")])


NAMES = ("overview-map", "overview-regions", "overview-trend", "membership-growth", "membership-flows",
         "membership-map", "training-events", "training-people", "training-who", "training-learning",
         "training-topics", "training-regions", "grants-portfolio")
app = Dash(__name__, serve_locally=True, title="pandas peer")
server = app.server
app.layout = html.Div([dcc.Location(id="url"), html.Div(id="overview-kpis"), html.Div(id="training-kpis"),
                       html.Div(id="grants-kpis")] + [graph(n) for n in NAMES])
URL = Input("url", "search")


def based_on(n, what) -> str:
    return f"Based on {fmt.number(n)} {what}."


@app.callback(Output("overview-kpis", "children"), URL)
def overview_kpis(search):
    f, win = chosen(search)
    now = kpis(f, win)
    before = kpis(f, win.previous) if win.previous else None
    return cards(now, before, KPI_SHOW, win.previous.label if win.previous else "")


@app.callback(Output("overview-map-graph", "figure"), Output("overview-map-note", "children"), URL)
def overview_map(search):
    f, win = chosen(search)
    df = member_map(f, win)
    return maps.member_map(df, fit=bool(f.regions or f.countries)), based_on(len(df), "member cities")


@app.callback(Output("overview-regions-graph", "figure"), Output("overview-regions-note", "children"), URL)
def overview_regions(search):
    df = by_region(*chosen(search))
    return ofig.region_bars(df, measure="participants"), based_on(int(df["participants"].sum()), "people")


@app.callback(Output("overview-trend-graph", "figure"), Output("overview-trend-note", "children"), URL)
def overview_trend(search):
    df = trend(*chosen(search))
    return ofig.kpi_trend(df), based_on(int(df["events"].sum()), "events")


@app.callback(Output("membership-growth-graph", "figure"), Output("membership-growth-note", "children"),
              Output("membership-flows-graph", "figure"), Output("membership-flows-note", "children"), URL)
def membership_growth(search):
    df = members_over_time(*chosen(search))
    last = df[df["period"] == df["period"].max()]
    return (mfig.members_by_region(df), based_on(int(last["members"].sum()), "member cities"),
            mfig.joins_and_exits(df), based_on(int(df["joins"].sum() + df["exits"].sum()), "joins and exits"))


@app.callback(Output("membership-map-graph", "figure"), Output("membership-map-note", "children"), URL)
def membership_map(search):
    f, win = chosen(search)
    df = member_map(f, win)
    return maps.member_map(df, colour_by="region", fit=bool(f.regions or f.countries)), based_on(len(df), "cities")


LEARNING_SHOW = {"attendances": fmt.number, "participants": fmt.number, "completion_rate": fmt.share,
                 "knowledge_gain": lambda v: fmt.number(v, 1) + " pts", "satisfaction": lambda v: fmt.number(v, 2)}


@app.callback(Output("training-kpis", "children"), URL)
def training_kpis(search):
    f, win = chosen(search)

    def overall(w):
        df = learning_frame(attendance(f, w).assign(all="All event types"), "all")
        return df.iloc[0].to_dict() if len(df) else dict.fromkeys(LEARNING_SHOW, 0)

    before = overall(win.previous) if win.previous else None
    return cards(overall(win), before, LEARNING_SHOW, win.previous.label if win.previous else "")


@app.callback(Output("training-events-graph", "figure"), Output("training-events-note", "children"), URL)
def training_events(search):
    df = events_over_time(*chosen(search))
    return tfig.events_over_time(df, by="event_type"), based_on(int(df["events"].sum()), "events")


@app.callback(Output("training-people-graph", "figure"), Output("training-people-note", "children"), URL)
def training_people(search):
    df = attendance_over_time(*chosen(search))
    return tfig.attendance_over_time(df), based_on(int(df["attendances"].sum()), "attendances")


@app.callback(Output("training-who-graph", "figure"), Output("training-who-note", "children"), URL)
def training_who(search):
    df = people(*chosen(search))
    return tfig.breakdown(df), based_on(int(df.loc[df["dimension"] == "gender", "participants"].sum()), "people")


@app.callback(Output("training-learning-graph", "figure"), Output("training-learning-note", "children"), URL)
def training_learning(search):
    df = learning_frame(attendance(*chosen(search)), "event_type").sort_values("attendances", ascending=False)
    return tfig.learning(df), based_on(int(df["attendances"].sum()), "attendances")


@app.callback(Output("training-topics-graph", "figure"), Output("training-topics-note", "children"), URL)
def training_topics(search):
    df = topics(*chosen(search))
    return tfig.topics(df), based_on(int(df["events"].sum()), "events")


@app.callback(Output("training-regions-graph", "figure"), Output("training-regions-note", "children"), URL)
def training_regions(search):
    df = by_region(*chosen(search))
    return (ofig.region_bars(df, measure="participants", title="Reach by region: unique participants"),
            based_on(int(df["participants"].sum()), "people"))


@app.callback(Output("grants-kpis", "children"), Output("grants-portfolio-graph", "figure"),
              Output("grants-portfolio-note", "children"), URL)
def grants_portfolio(search):
    df = portfolio(*chosen(search))
    rows = df[df["dimension"] == "status"]
    awarded, paid = rows["awarded_usd"].sum(), rows["disbursed_usd"].sum()
    kpi = [dbc.Col(ui.kpi_card(label, value), xs=6, md=3) for label, value in (
        ("Grants active", fmt.number(rows["grants"].sum())), ("Awarded", fmt.usd(awarded)),
        ("Disbursed to date", fmt.usd(paid)), ("Disbursement rate", fmt.share(paid / awarded if awarded else None)))]
    return kpi, gfig.portfolio(df, dimension="donor_name", label="donor"), based_on(int(rows["grants"].sum()), "grants")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8390)
    parser.add_argument("--db", default=os.environ.get("SCN_DB"))
    args = parser.parse_args()
    DATA.update(load(args.db))
    app.run(host="127.0.0.1", port=args.port, debug=False)


if __name__ == "__main__":
    main()
