"""Regions: activity of every region per quarter, a summary per region, and the cities of a chosen region."""

from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from dashboards import components as ui
from dashboards import filters, ids, notes
from dashboards import formatting as fmt
from dashboards.figures import regions as fig
from dashboards.figures.common import explained
from dashboards.i18n import N_, _, codes, ngettext
from dashboards.queries import common
from dashboards.queries import regions as q
from dashboards.queries.membership import members_not_shown
from dashboards.security import allowed
from dashboards.shell import chart_downloads, click_to_filter, language
from data_pipeline.contract import REGIONS

dash.register_page(__name__, path="/regions", name=N_("Regions"), order=4, title=language.page_title(N_("Regions")),
                   nav=True)

PAGE = ids.PageIds("regions")
MEASURES = {"events": N_("Events"), "unique_participants": N_("Participants"), "participant_hours": N_("Hours"),
            "joins": N_("Joins"), "awarded_usd": N_("USD")}
HEATMAP, SUMMARY, CITIES = "heatmap", "summary", "cities"
_usd = {"valueFormatter": {"function": "d3.format(',.0f')(params.value)"}}
_num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}

SUMMARY_COLUMNS = [
    {"field": "region", "headerName": N_("Region"), "minWidth": 200, "pinned": "left"},
    {"field": "members", "headerName": N_("Members"), **_num},
    {"field": "new_members", "headerName": N_("New"), **_num},
    {"field": "dormant", "headerName": N_("Dormant"), **_num},
    {"field": "steering_seats", "headerName": N_("Steering seats"), **_num},
    {"field": "events", "headerName": N_("Events"), **_num},
    {"field": "participants", "headerName": N_("Participants"), **_num},
    {"field": "participant_hours", "headerName": N_("Participant-hours"), **_num, **_usd},
    {"field": "awarded_usd", "headerName": N_("Awarded (USD)"), **_num, **_usd},
    {"field": "disbursed_usd", "headerName": N_("Disbursed (USD)"), **_num, **_usd},
]
CITY_COLUMNS = [
    ui.city_column(),
    {"field": "country_name", "headerName": N_("Country")},
    {"field": "membership", "headerName": N_("Membership")},
    {"field": "member_at_end", "headerName": N_("Member"), "maxWidth": 110},
    {"field": "joined_on", "headerName": N_("Joined")},
    {"field": "events_hosted", "headerName": N_("Hosted"), **_num},
    {"field": "events_attended", "headerName": N_("Attended"), **_num},
    {"field": "participants", "headerName": N_("Participants"), **_num},
    {"field": "milestones_reached", "headerName": N_("Milestones"), **_num},
    {"field": "last_activity_on", "headerName": N_("Last activity")},
    {"field": "dormant", "headerName": N_("Dormant"), "maxWidth": 110},
]


def layout(**_query) -> html.Div:
    return html.Div([
        ui.page_header(_("Regions"), _("How active each region is, quarter by quarter, and the cities behind it. "
                                       "Click a row of the heatmap to filter every page to that region.")),
        dbc.Row(dbc.Col(ui.chart_card(PAGE, HEATMAP, _("Activity by region and quarter"), height=480,
                                      controls=ui.segmented(PAGE("measure"), MEASURES, "events",
                                                            N_("Measure shown in the heatmap"))), class_name="mb-3")),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, SUMMARY, _("Summary per region"), SUMMARY_COLUMNS,
                                     note_id=PAGE.note(SUMMARY), page_size=15), class_name="mb-3")),
        dbc.Row(dbc.Col(html.Div([
            html.Div([
                html.Label(_("Cities of the region"), htmlFor=PAGE("region-pick"), className="filter-label"),
                dcc.Dropdown(id=PAGE("region-pick"), options=codes.options("region", REGIONS), clearable=False,
                             className="region-pick"),
            ], className="mb-2", style={"maxWidth": "360px"}),
            ui.data_grid(PAGE, CITIES, _("Cities"), CITY_COLUMNS, note_id=PAGE.note(CITIES)),
        ]), class_name="mb-3")),
    ])


@callback(Output(PAGE.graph(HEATMAP), "figure"), Output(PAGE.note(HEATMAP), "children"),
          Input(ids.URL, "search"), Input(PAGE("measure"), "value"))
def show_heatmap(search, measure):
    chosen = filters.from_query(search)
    win = common.window(chosen)
    df = q.heatmap(chosen)
    quarters = df["quarter"].nunique()
    return (explained(partial(fig.heatmap, df, measure=measure),
                      lambda: common.nothing_in(measure, chosen, where=" in any region")),
            notes.based_on(quarters, ngettext("quarter overlapping the period", "quarters overlapping the period",
                                               quarters),
                           ignored=q.QUARTERLY.ignores(chosen), extra=" ".join(filter(None, (
                               notes.whole_quarters(df, win),
                               notes.partial_periods(df[df["partial"]], win, "quarter", "quarter",
                                                     drawn=N_("labelled “so far”")),
                               _("Activity without a region (global webinars, people from non-member cities) is "
                                 "not shown."))))))


@callback(Output(PAGE.grid(SUMMARY), "rowData"), Output(PAGE.note(SUMMARY), "children"), Input(ids.URL, "search"))
def show_summary(search):
    df = q.summary(filters.from_query(search))
    return ui.grid_rows(df, SUMMARY_COLUMNS, codes={"region": "region"}), " ".join(filter(None, (
        _("Members at the period's end; the rest in the period. Dormant: no activity in the 365 days before the "
          "data's date."),
        _("“No region”: global events and people from non-member cities, so that each column adds up to the "
          "network's total.") if (df["region"] == "No region").any() else "",
        _("Participants are counted in each region they took part in, so the column can add up to more than the "
          "number of different people."))))


allowed.declare(PAGE("measure"), "value", allowed.one_of(MEASURES, none=False))
allowed.declare(PAGE("region-pick"), "value", allowed.one_of(allowed.regions))


@callback(Output(PAGE("region-pick"), "value"), Input(ids.URL, "search"), Input(PAGE("region-pick"), "value"))
def pick_region(search, picked):
    """The region whose cities are listed: the filtered region when there is one, else the last picked."""
    chosen = filters.from_query(search)
    if chosen.regions and picked not in chosen.regions:
        return chosen.regions[0]
    return picked or REGIONS[0]


@callback(Output(PAGE.grid(CITIES), "rowData"), Output(PAGE.note(CITIES), "children"),
          Input(ids.URL, "search"), Input(PAGE("region-pick"), "value"))
def show_cities(search, region):
    chosen = filters.from_query(search)
    df = q.cities(chosen, region)
    members = int(df["member_at_end"].sum()) if len(df) else 0
    rows = ui.grid_rows(df, CITY_COLUMNS, limit=ui.GRID_LIMIT)
    cities = ngettext("city of {region}", "cities of {region}", len(df)).format(region=codes.name("region", region))
    return rows, notes.based_on(len(df), cities, extra=" ".join(filter(None, (
        ngettext("{n} member at the period's end; activity in the period.",
                 "{n} members at the period's end; activity in the period.", members).format(n=fmt.number(members)),
        notes.not_shown(members_not_shown(chosen, region)),
        notes.capped(len(rows), len(df), _("cities"))))))


chart_downloads(PAGE, {HEATMAP: q.heatmap})
click_to_filter(PAGE.graph(HEATMAP))
