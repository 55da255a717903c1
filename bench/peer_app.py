"""The peer of the callbacks benchmark: the same charts built "the usual way", pandas inside each callback.

A minimal Dash app (no sign-in, no pages) that loads the built database's fact and mart tables into pandas
DataFrames once at start, as a typical dashboard would load its CSVs, and in every callback filters and groups
the full frames for the chosen filters. The callbacks have the same output ids and the same `url.search` input
as the dashboard's, compute the same numbers (same filter semantics: see dashboards/queries/) and hand the
frames to the dashboard's own figure functions, so the only difference measured is where the data work runs:
pandas on the raw rows per request, against DuckDB queries through a cached query layer. The pandas work is in
peer_frames.py; this module is the app: its layout and callbacks.

Run: `SCN_DB=<db> python -m bench.peer_app --port 8390`.
"""

from __future__ import annotations

import argparse
import os

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from bench.peer_frames import (
    DATA,
    attendance,
    attendance_over_time,
    by_region,
    chosen,
    events_over_time,
    kpis,
    learning_frame,
    load,
    member_map,
    members_over_time,
    people,
    portfolio,
    topics,
    trend,
)
from dashboards import components as ui
from dashboards import formatting as fmt
from dashboards.figures import grants as gfig
from dashboards.figures import maps
from dashboards.figures import membership as mfig
from dashboards.figures import overview as ofig
from dashboards.figures import training as tfig

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
