"""Overview: the network at a glance. Headline KPIs against the period before, the member map, trends and
regions, for the period and places chosen in the filter bar."""

from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashboards import components as ui
from dashboards import filters, ids, notes
from dashboards import formatting as fmt
from dashboards.figures import maps
from dashboards.figures import overview as fig
from dashboards.figures.common import explained
from dashboards.i18n import N_, _, ngettext
from dashboards.queries import common
from dashboards.queries import membership as mq
from dashboards.queries import overview as q
from dashboards.security import allowed
from dashboards.shell import chart_downloads, click_to_filter, language

dash.register_page(__name__, path="/", name=N_("Overview"), order=0, title=language.page_title(N_("Overview")),
                   nav=True, description=language.translated(
                       N_("Strong Cities Network: members, training reach, grants and results at a glance.")))

PAGE = ids.PageIds("overview")
TREND, MAP, REGIONS = "trend", "map", "regions"
MEASURES = {"participants": N_("Participants"), "events": N_("Events"), "members": N_("Members"),
            "awarded_usd": N_("USD")}

KPIS = (
    ui.Measure("members", N_("Member cities"), hint=N_("at the period's end")),
    ui.Measure("new_members", N_("New members"), hint=N_("joined in the period")),
    ui.Measure("active_cities", N_("Cities active"), hint=N_("hosted or sent someone to an event")),
    ui.Measure("events", N_("Events")),
    ui.Measure("participants", N_("Unique participants")),
    ui.Measure("participant_hours", N_("Participant-hours"), fmt.compact, hint=N_("learning hours, all participants")),
    ui.Measure("women_share", N_("Women among participants"), fmt.share, fmt.points_change, "neutral",
               N_("of participants of known gender")),
    ui.Measure("awarded_usd", N_("Grants awarded"), fmt.usd, hint=N_("USD, awarded in the period")),
    ui.Measure("disbursed_usd", N_("Disbursed"), fmt.usd, hint=N_("USD, paid in the period")),
    ui.Measure("on_track_share", N_("Indicators on track"), fmt.share, fmt.points_change,
               hint=N_("of indicator reports due in the period")),
)


def layout(**_query) -> html.Div:
    return html.Div([
        ui.page_header(_("Overview"), _("The network at a glance for the chosen period, compared with the period "
                                        "before. Click a region or a country to filter; click a city to open its "
                                        "profile.")),
        ui.kpi_row(PAGE("kpis")),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, MAP, _("Member cities map"), height=440), lg=7, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, REGIONS, _("Activity by region"), height=440, controls=ui.segmented(
                PAGE("region-measure"), MEASURES, "participants", N_("Measure shown by region"))), lg=5,
                class_name="mb-3"),
        ]),
        dbc.Row(dbc.Col(ui.chart_card(PAGE, TREND, _("Main KPIs over time"), height=420), class_name="mb-3")),
    ])


@callback(Output(PAGE("kpis"), "children"), Input(ids.URL, "search"))
def show_kpis(search):
    chosen = filters.from_query(search)
    win = common.window(chosen)
    return ui.kpi_cards(ui.compared(q.kpis(chosen), KPIS, win.previous.label if win.previous else ""))


@callback(Output(PAGE.graph(MAP), "figure"), Output(PAGE.note(MAP), "children"), Input(ids.URL, "search"))
def show_map(search):
    chosen = filters.from_query(search)
    df = mq.member_map(chosen)
    note = notes.based_on(len(df), ngettext("member city at the period's end", "member cities at the period's end",
                                            len(df)),
                          extra=_("Point size: people from the city who took part in events in the period.") + " "
                                + notes.not_shown(mq.members_not_shown(chosen)))
    return maps.member_map(df, fit=bool(chosen.regions or chosen.countries)), note


@callback(Output(PAGE.graph(REGIONS), "figure"), Output(PAGE.note(REGIONS), "children"),
          Input(ids.URL, "search"), Input(PAGE("region-measure"), "value"))
def show_regions(search, measure):
    chosen = filters.from_query(search)
    df = q.by_region(chosen)
    people = q.people_count(chosen) if measure == "participants" else None
    return (explained(partial(fig.region_bars, df, measure=measure), lambda: common.nothing_in(measure, chosen)),
            notes.by_region(measure, df, people))


@callback(Output(PAGE.graph(TREND), "figure"), Output(PAGE.note(TREND), "children"), Input(ids.URL, "search"))
def show_trend(search):
    chosen = filters.from_query(search)
    win = common.window(chosen)
    df = q.trend(chosen)
    grain = df["grain"].iloc[0] if len(df) else win.grain
    note = " ".join(filter(None, (trend_note(grain, df), notes.partial_periods(df, win, grain))))
    return explained(partial(fig.kpi_trend, df), lambda: common.nothing_in("events", chosen)), note


def trend_note(grain: str, df) -> str:
    """What the trend adds up to, as in the key figures, and why its participants do not add up."""
    events, members = int(df["events"].sum()), int(df["new_members"].sum())
    per = {"month": _("Per month"), "quarter": _("Per quarter"), "year": _("Per year")}.get(grain, grain)
    return _("{per}: {events}, {members}, {awarded} awarded, as in the key figures. Participants are counted once per "
             "period, so the bars do not add up to the period's total.").format(
        per=per, awarded=fmt.usd(df["awarded_usd"].sum()),
        events=ngettext("{n} event", "{n} events", events).format(n=fmt.number(events)),
        members=ngettext("{n} new member", "{n} new members", members).format(n=fmt.number(members)))


allowed.declare(PAGE("region-measure"), "value", allowed.one_of(MEASURES, none=False))
chart_downloads(PAGE, {MAP: mq.member_map, REGIONS: q.by_region, TREND: q.trend})
click_to_filter(PAGE.graph(MAP))
click_to_filter(PAGE.graph(REGIONS))
