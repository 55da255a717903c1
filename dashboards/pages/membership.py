"""Membership: how the network grows (joins and exits by region), where its members are, who sits on the
steering committee, how far cities have climbed the engagement ladder, and which members have gone quiet."""

from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashboards import components as ui
from dashboards import filters, ids, notes
from dashboards import formatting as fmt
from dashboards.figures import maps
from dashboards.figures import membership as fig
from dashboards.figures.common import explained
from dashboards.i18n import N_, _, ngettext
from dashboards.queries import common
from dashboards.queries import membership as q
from dashboards.security import allowed
from dashboards.shell import chart_downloads, click_to_filter, language

dash.register_page(__name__, path="/membership", name=N_("Membership"), order=1,
                   title=language.page_title(N_("Membership")), nav=True)

PAGE = ids.PageIds("membership")
GROWTH, FLOWS, MAP, TERMS, SEATS, LADDER, DORMANT = (
    "growth", "flows", "map", "terms", "seats", "ladder", "dormant")

DORMANT_COLUMNS = [
    ui.city_column(),
    {"field": "country_name", "headerName": N_("Country")},
    {"field": "region", "headerName": N_("Region")},
    {"field": "membership", "headerName": N_("Membership")},
    {"field": "joined_on", "headerName": N_("Joined")},
    {"field": "last_activity_on", "headerName": N_("Last activity")},
    {"field": "days_quiet", "headerName": N_("Days quiet"), "type": "numericColumn", "filter": "agNumberColumnFilter"},
    {"field": "milestones_reached", "headerName": N_("Milestones"), "type": "numericColumn",
     "filter": "agNumberColumnFilter"},
]


def layout(**_query) -> html.Div:
    return html.Div([
        ui.page_header(_("Membership"), _("Members over time by region, where they are, the steering committee, the "
                       "engagement ladder and members with no activity in the last 12 months.")),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, GROWTH, _("Members by region"), height=380), lg=7, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, FLOWS, _("Joins and exits"), height=380), lg=5, class_name="mb-3"),
        ]),
        dbc.Row(dbc.Col(ui.chart_card(PAGE, MAP, _("Member cities map"), height=480, controls=ui.segmented(
            PAGE("colour-by"), maps.COLOUR_BY, "region", N_("Colour the cities by"))), class_name="mb-3")),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, TERMS, _("Steering committee terms"), height=420), lg=8, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, SEATS, _("Current steering committee by region"), height=420), lg=4,
                    class_name="mb-3"),
        ]),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, LADDER, _("Engagement ladder"), height=320), lg=5, class_name="mb-3"),
            dbc.Col(ui.data_grid(PAGE, DORMANT, _("Dormant members: no activity in the last 12 months"),
                                 DORMANT_COLUMNS, note_id=PAGE.note(DORMANT)), lg=7, class_name="mb-3"),
        ]),
    ])


@callback(Output(PAGE.graph(GROWTH), "figure"), Output(PAGE.note(GROWTH), "children"),
          Output(PAGE.graph(FLOWS), "figure"), Output(PAGE.note(FLOWS), "children"), Input(ids.URL, "search"))
def show_growth(search):
    chosen = filters.from_query(search)
    df = q.members_over_time(chosen)
    flows = explained(partial(fig.joins_and_exits, df), lambda: common.nothing_in("joins", chosen))
    growth_note, flow_note = _growth_notes(df, chosen)
    return fig.members_by_region(df), growth_note, flows, flow_note


def _growth_notes(df, chosen) -> tuple[str, str]:
    """What the members chart counts (the cities at the last period's end) and what the joins and exits count."""
    win = common.window(chosen)
    members = int(df.loc[df["period"] == df["period"].max(), "members"].sum()) if len(df) else 0
    growth_note = notes.based_on(members, ngettext("member city at the last period's end",
                                                   "member cities at the last period's end", members),
                                 extra=_("Members are counted at the end of each period."),
                                 ignored=common.CITIES.ignores(chosen))
    moves = int(df["joins"].sum() + df["exits"].sum()) if len(df) else 0
    flow_note = notes.based_on(moves, ngettext("join or exit", "joins and exits", moves),
                               ignored=common.CITIES.ignores(chosen),
                               extra=notes.partial_periods(df, win, win.grain))
    return growth_note, flow_note


@callback(Output(PAGE.graph(MAP), "figure"), Output(PAGE.note(MAP), "children"),
          Input(ids.URL, "search"), Input(PAGE("colour-by"), "value"))
def show_map(search, colour_by):
    chosen = filters.from_query(search)
    df = q.member_map(chosen)
    note = notes.based_on(len(df), ngettext("member city at the period's end", "member cities at the period's end",
                                            len(df)),
                          extra=_("Point size: people from the city who took part in events in the period; "
                                  "countries shaded by their number of member cities.") + " "
                                + notes.not_shown(q.members_not_shown(chosen)))
    return maps.member_map(df, colour_by=colour_by, fit=bool(chosen.regions or chosen.countries)), note


@callback(Output(PAGE.graph(TERMS), "figure"), Output(PAGE.graph(TERMS), "style"), Output(PAGE.note(TERMS), "children"),
          Output(PAGE.graph(SEATS), "figure"), Output(PAGE.note(SEATS), "children"), Input(ids.URL, "search"))
def show_committee(search):
    chosen = filters.from_query(search)
    df = q.steering_terms(chosen)
    as_of = common.as_of()
    ignored = common.CITIES.ignores(chosen)
    terms_note = notes.based_on(len(df), ngettext("term overlapping the period", "terms overlapping the period",
                                                  len(df)), ignored=ignored,
                                extra=_("Outlined bars are co-chair terms; the dotted line is the data's date."))
    seats = int(df["is_current"].sum())
    seats_note = notes.based_on(seats, ngettext("seat held at the data's date", "seats held at the data's date",
                                                seats), ignored=ignored)
    terms = fig.steering_timeline(df, as_of=as_of)
    return terms, ui.fitted(terms), terms_note, fig.committee_composition(df), seats_note


@callback(Output(PAGE.graph(LADDER), "figure"), Output(PAGE.note(LADDER), "children"), Input(ids.URL, "search"))
def show_ladder(search):
    chosen = filters.from_query(search)
    df = q.ladder(chosen)
    members = int(df["members"].iloc[0]) if len(df) else 0
    return fig.ladder(df), notes.based_on(members, ngettext("member city at the period's end",
                                                            "member cities at the period's end", members),
                                          extra=notes.not_shown(q.members_not_shown(chosen)),
                                          ignored=common.CITIES.ignores(chosen))


@callback(Output(PAGE.grid(DORMANT), "rowData"), Output(PAGE.note(DORMANT), "children"), Input(ids.URL, "search"))
def show_dormant(search):
    chosen = filters.from_query(search)
    df = q.dormant(chosen)
    note = ngettext("{n} member with no hosted or attended event, milestone or payment in the 365 days before the "
                    "data's date ({date}); the period filter does not apply.",
                    "{n} members with no hosted or attended event, milestone or payment in the 365 days before the "
                    "data's date ({date}); the period filter does not apply.", len(df)).format(
        n=fmt.number(len(df)), date=fmt.day(common.as_of()))
    return ui.grid_rows(df, DORMANT_COLUMNS, codes={"region": "region"}), note


allowed.declare(PAGE("colour-by"), "value", allowed.one_of(maps.COLOUR_BY, none=False))
chart_downloads(PAGE, {GROWTH: q.members_over_time, FLOWS: q.members_over_time, MAP: q.member_map,
                       TERMS: q.steering_terms, SEATS: q.steering_terms, LADDER: q.ladder})
for _chart in (MAP, TERMS, SEATS):
    click_to_filter(PAGE.graph(_chart))
