"""City profile: one member city's membership and terms, engagement ladder, events hosted and attended, people
reached, grants and their indicators. Opened by clicking a city anywhere (maps, timelines, tables)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboards import components as ui
from dashboards import filters, ids, notes, theme
from dashboards import formatting as fmt
from dashboards.figures import city as fig
from dashboards.i18n import N_, _, codes, ngettext
from dashboards.queries import city as q
from dashboards.queries import common
from dashboards.queries.db import DatabaseMissing
from dashboards.security import allowed
from dashboards.shell import chart_downloads
from data_pipeline.contract import MILESTONES


def _title(city_id: str | None = None) -> str:
    return (_("City {city} · SCN Impact Dashboard").format(city=city_id) if city_id
            else _("City · SCN Impact Dashboard"))


dash.register_page(__name__, path_template="/city/<city_id>", name=N_("City profile"), title=_title, order=10)

PAGE = ids.PageIds("city")
ACTIVITY, EVENTS, GRANTS, INDICATORS = "activity", "events", "grants", "indicators"
_num = {"type": "numericColumn", "filter": "agNumberColumnFilter"}
_usd = {"valueFormatter": {"function": "d3.format(',.0f')(params.value)"}}

EVENT_COLUMNS = [
    {"field": "start_date", "headerName": N_("Date"), "maxWidth": 130, "sort": "desc"},
    {"field": "title", "headerName": N_("Event"), "minWidth": 200},
    {"field": "event_type", "headerName": N_("Type")},
    {"field": "modality", "headerName": N_("Modality")},
    {"field": "topic", "headerName": N_("Topic")},
    {"field": "involvement", "headerName": N_("The city")},
    {"field": "venue", "headerName": N_("Venue")},
    {"field": "from_city", "headerName": N_("From the city"), **_num},
    {"field": "attendances", "headerName": N_("All participants"), **_num},
]
GRANT_COLUMNS = [
    {"field": "grant_id", "headerName": N_("Grant"), "maxWidth": 110},
    {"field": "title", "headerName": N_("Title"), "minWidth": 200},
    {"field": "donor_name", "headerName": N_("Donor")},
    {"field": "programme", "headerName": N_("Programme")},
    {"field": "status", "headerName": N_("Status")},
    {"field": "awarded_usd", "headerName": N_("Awarded (USD)"), **_num, **_usd},
    {"field": "awarded_original", "headerName": N_("Awarded as"), "minWidth": 120,
     "headerTooltip": N_("The amount in the currency it was awarded in, when not US dollars")},
    {"field": "disbursed_usd", "headerName": N_("Disbursed (USD)"), **_num, **_usd},
    {"field": "start_date", "headerName": N_("Start")},
    {"field": "end_date", "headerName": N_("End")},
]
INDICATOR_COLUMNS = [
    {"field": "indicator_id", "headerName": N_("Indicator"), "maxWidth": 120},
    {"field": "grant_id", "headerName": N_("Grant"), "maxWidth": 110},
    {"field": "title", "headerName": N_("What is measured"), "minWidth": 180},
    *ui.indicator_result_columns(),
    {"field": "period_end", "headerName": N_("Reported to")},
]


def not_found(city_id: str) -> html.Div:
    return html.Div([
        ui.page_header(_("City not found")),
        ui.empty_state(_("There is no city with the id “{city}” in this database.").format(city=city_id),
                       detail=_("It may have been mistyped, or removed from the source data.")),
        html.P(dcc.Link(_("Browse the cities of each region"), href="/regions", className="mt-3 d-inline-block")),
    ], className="city-not-found")


def _status_badges(city: pd.Series) -> list:
    badges = [dbc.Badge(_("member") if city["is_member"] else _("former member") if pd.notna(city["left_on"])
                        else _("not yet a member"), color="success" if city["is_member"] else "secondary",
                        class_name="me-1"),
              dbc.Badge(codes.name("membership", city["membership"]), color="light", text_color="dark",
                        class_name="me-1")]
    if city["on_steering_committee"]:
        role = {"co-chair": _("steering committee co-chair"), "member": _("steering committee member")}
        badges.append(dbc.Badge(role.get(city["steering_role"], city["steering_role"]), color="primary",
                                class_name="me-1"))
    if city["dormant"]:
        badges.append(dbc.Badge(_("dormant: no activity in 12 months"), color="warning", text_color="dark",
                                class_name="me-1"))
    if city["visibility"] == "confidential":
        badges.append(dbc.Badge(_("confidential: never name publicly"), color="danger", class_name="me-1"))
    return badges


def header(city: pd.Series) -> html.Div:
    region = city["region"]
    facts = [
        (_("Country"), city["country_name"] or city["country_iso3"]),
        (_("Region"), html.Span([html.Span(className="chip-dot me-1",
                                           style={"background": theme.region_colour(region)}),
                                 codes.region_name(region)])),
        (_("Joined"), fmt.day(city["joined_on"])),
        (_("Left"), fmt.day(city["left_on"]) if pd.notna(city["left_on"]) else "–"),
        (_("Population"), fmt.number(city["population"]) if pd.notna(city["population"]) else "–"),
        (_("Last activity"), fmt.day(city["last_activity_on"]) if pd.notna(city["last_activity_on"])
         else _("none")),
    ]
    return html.Div([
        html.H1(city["city_name"], className="page-title"),
        html.Div(_status_badges(city), className="mb-2"),
        ui.facts(facts),
    ], className="page-header")


def ladder(steps: pd.DataFrame) -> html.Ol:
    return html.Ol([
        html.Li([html.Span(str(r.step), className="step"),
                 html.Span([codes.name("milestone", r.milestone), html.Br(),
                            html.Small(fmt.day(r.achieved_on) if pd.notna(r.achieved_on) else _("not reached"))])],
                className="reached" if pd.notna(r.achieved_on) else "missing")
        for r in steps.itertuples()
    ], className="ladder-list", **{"aria-label": _("Engagement ladder")})


def terms_list(terms: pd.DataFrame) -> html.Div:
    if terms.empty:
        return html.P(_("Has not served on the steering committee."), className="text-muted mb-0")
    return html.Ul([html.Li(_term(r)) for r in terms.itertuples()], className="mb-0")


def _term(r) -> str:
    """"co-chair: 1 Jan 2024 – serving (current)": a steering committee term in words."""
    role = {"co-chair": _("co-chair"), "member": _("member")}.get(r.role, r.role)
    end = fmt.day(r.term_end) if pd.notna(r.term_end) else _("serving")
    text = _("{role}: {start} – {end}").format(role=role, start=fmt.day(r.term_start), end=end)
    return _("{term} (current)").format(term=text) if r.is_current else text


def layout(city_id: str | None = None, **_query) -> html.Div:
    try:
        found = q.profile(city_id or "")
    except DatabaseMissing as exc:
        return ui.empty_state(_("No database yet."), detail=str(exc))
    if found.empty:
        return not_found(city_id or "")
    city = found.iloc[0]
    return html.Div([
        dcc.Store(id=PAGE("city-id"), data=city["city_id"]),
        header(city),
        ui.kpi_row(PAGE("kpis"), _("Key figures of the city")),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([
                html.H2(_("Engagement ladder: {reached} of {steps}").format(
                    reached=int(city["milestones_reached"]), steps=len(MILESTONES)), className="section-title"),
                ladder(q.milestones(city["city_id"])),
                html.H2(_("Steering committee"), className="section-title mt-3"),
                terms_list(q.terms(city["city_id"])),
            ]), class_name="h-100"), lg=4, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, ACTIVITY, _("Activity over time"), height=320), lg=8, class_name="mb-3"),
        ]),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, EVENTS, _("Events hosted and attended"), EVENT_COLUMNS,
                                     note_id=PAGE.note(EVENTS)), class_name="mb-3")),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, GRANTS, _("Grants"), GRANT_COLUMNS, note_id=PAGE.note(GRANTS)),
                        class_name="mb-3")),
        dbc.Row(dbc.Col(ui.data_grid(PAGE, INDICATORS, _("Indicators of these grants"), INDICATOR_COLUMNS,
                                     note_id=PAGE.note(INDICATORS)), class_name="mb-3")),
    ])


@callback(Output(PAGE("kpis"), "children"), Input(ids.URL, "search"), State(PAGE("city-id"), "data"))
def show_kpis(search, city_id):
    row = q.summary(filters.from_query(search), city_id).iloc[0]
    shown = {"events_hosted": _("Events hosted"), "events_attended": _("Events attended"),
             "participants": _("People who took part"), "participant_hours": _("Participant-hours")}
    return ui.kpi_cards([ui.Kpi(label, fmt.number(row[column]), hint=_("in the period"))
                         for column, label in shown.items()], ui.FOUR_PER_ROW)


@callback(Output(PAGE.graph(ACTIVITY), "figure"), Output(PAGE.note(ACTIVITY), "children"),
          Input(ids.URL, "search"), State(PAGE("city-id"), "data"))
def show_activity(search, city_id):
    chosen = filters.from_query(search)
    win = common.window(chosen)
    df = q.activity(chosen, city_id)
    name = q.profile(city_id)["city_name"].iloc[0]
    return fig.activity(df, city=name), notes.based_on(hosted := int(df["events_hosted"].sum()),
                                                       ngettext("event hosted", "events hosted", hosted),
                                                       ignored=q.ACTIVITY.ignores(chosen),
                                                       extra=notes.partial_periods(df, win, win.grain))


@callback(Output(PAGE.grid(EVENTS), "rowData"), Output(PAGE.note(EVENTS), "children"),
          Output(PAGE.grid(GRANTS), "rowData"), Output(PAGE.note(GRANTS), "children"),
          Output(PAGE.grid(INDICATORS), "rowData"), Output(PAGE.note(INDICATORS), "children"),
          Input(ids.URL, "search"), State(PAGE("city-id"), "data"))
def show_tables(search, city_id):
    chosen = filters.from_query(search)
    events, grants, indicators = q.events(chosen, city_id), q.grants(chosen, city_id), q.indicators(chosen, city_id)
    shown = ui.grid_rows(events, EVENT_COLUMNS, limit=ui.GRID_LIMIT, codes={"event_type": "event_type"})
    attended = int(q.summary(chosen, city_id)["events_attended"].iloc[0])
    return (shown, _events_note(chosen, events, len(shown), attended),
            ui.grid_rows(grants, GRANT_COLUMNS, codes=codes.GRANT_GRID),
            notes.based_on(len(grants), ngettext("grant whose work overlaps the period",
                                                 "grants whose work overlaps the period", len(grants)),
                           ignored=q.GRANTS.ignores(chosen)),
            ui.grid_rows(indicators, INDICATOR_COLUMNS, codes=codes.INDICATOR_GRID),
            notes.based_on(len(indicators), ngettext("indicator with a report up to the period's end",
                                                     "indicators with a report up to the period's end",
                                                     len(indicators)), ignored=q.GRANTS.ignores(chosen)))


def _events_note(chosen, events, shown: int, attended: int) -> str:
    """What the events table is based on: how many, hosted and attended, and whether the list is cut."""
    extra = " ".join(filter(None, (notes.hosted_and_attended(events["involvement"], attended),
                                   notes.capped(shown, len(events), _("events (latest first)")))))
    return notes.based_on(len(events), ngettext("event in the period", "events in the period", len(events)),
                          ignored=q.ACTIVITY.ignores(chosen), extra=extra)


# The city a profile shows: one whose profile the viewer may open (the layout only ever stores such a one).
allowed.declare(PAGE("city-id"), "data", allowed.Allowed(
    lambda city_id, viewer: (isinstance(city_id, str) and len(city_id) <= 40
                             and not q.profile(city_id, viewer=viewer).empty),
    lambda viewer: q.first_city(viewer=viewer), "a city the viewer may open"))
chart_downloads(PAGE, {ACTIVITY: lambda chosen, city_id: q.activity(chosen, city_id)},
                controls=(State(PAGE("city-id"), "data"),))
