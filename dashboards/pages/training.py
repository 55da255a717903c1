"""Training & reach: events by type and modality, people reached, topics, who took part, what they learned
(completion, knowledge gain, satisfaction) and where they came from."""

from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from dashboards import components as ui
from dashboards import filters, ids, notes
from dashboards import formatting as fmt
from dashboards.figures import overview as ofig
from dashboards.figures import training as fig
from dashboards.figures.common import explained
from dashboards.i18n import N_, _, ngettext
from dashboards.queries import common
from dashboards.queries import overview as oq
from dashboards.queries import training as q
from dashboards.security import allowed
from dashboards.shell import chart_downloads, click_to_filter, language

dash.register_page(__name__, path="/training", name=N_("Training & reach"), order=2,
                   title=language.page_title(N_("Training & reach")), nav=True)

PAGE = ids.PageIds("training")
EVENTS, PEOPLE, TOPICS, WHO, LEARNING, REGIONS = "events", "people", "topics", "who", "learning", "regions"

KPIS = (
    ui.Measure("attendances", N_("Attendances")),
    ui.Measure("participants", N_("Unique participants")),
    ui.Measure("completion_rate", N_("Completion rate"), fmt.share, fmt.points_change),
    ui.Measure("knowledge_gain", N_("Knowledge gain"), lambda v: _("{value} pts").format(value=fmt.number(v, 1))),
    ui.Measure("satisfaction", N_("Satisfaction"), lambda v: _("{value} / 5").format(value=fmt.number(v, 2))),
)


def layout(**_query) -> html.Div:
    return html.Div([
        ui.page_header(_("Training & reach"), _("Events and the people they reached, what they learned and how "
                       "satisfied they were. People are counted once however many events they attended.")),
        ui.kpi_row(PAGE("kpis")),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, EVENTS, _("Events over time"), height=360, controls=ui.segmented(
                PAGE("events-by"), fig.BY, "event_type", N_("Split events by"))), lg=6, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, PEOPLE, _("People reached over time"), height=360), lg=6, class_name="mb-3"),
        ]),
        dbc.Row(dbc.Col(ui.chart_card(PAGE, WHO, _("Who took part"), height=380), class_name="mb-3")),
        dbc.Row(dbc.Col(ui.chart_card(PAGE, LEARNING, _("Learning results by event type"), height=340),
                        class_name="mb-3")),
        dbc.Row([
            dbc.Col(ui.chart_card(PAGE, TOPICS, _("Topics"), height=400), lg=6, class_name="mb-3"),
            dbc.Col(ui.chart_card(PAGE, REGIONS, _("Reach by region"), height=400), lg=6, class_name="mb-3"),
        ]),
    ])


@callback(Output(PAGE("kpis"), "children"), Input(ids.URL, "search"))
def show_kpis(search):
    chosen = filters.from_query(search)
    win = common.window(chosen)
    return ui.kpi_cards(ui.compared(q.learning_kpis(chosen), KPIS, win.previous.label if win.previous else ""))


@callback(Output(PAGE.graph(EVENTS), "figure"), Output(PAGE.note(EVENTS), "children"),
          Input(ids.URL, "search"), Input(PAGE("events-by"), "value"))
def show_events(search, by):
    chosen = filters.from_query(search)
    win = common.window(chosen)
    df = q.events_over_time(chosen)
    return (explained(partial(fig.events_over_time, df, by=by), lambda: common.nothing_in("events", chosen)),
            notes.based_on(n := int(df["events"].sum()), ngettext("event", "events", n),
                           extra=notes.partial_periods(df, win, win.grain)))


@callback(Output(PAGE.graph(PEOPLE), "figure"), Output(PAGE.note(PEOPLE), "children"), Input(ids.URL, "search"))
def show_people(search):
    chosen = filters.from_query(search)
    win = common.window(chosen)
    df = q.attendance_over_time(chosen)
    return (explained(partial(fig.attendance_over_time, df), lambda: common.nothing_in("attendances", chosen)),
            notes.based_on(n := int(df["attendances"].sum()), ngettext("attendance", "attendances", n),
                           extra=_("People are counted once per period, so the line does not add up across "
                                   "periods.") + " " + notes.partial_periods(df, win, win.grain)))


@callback(Output(PAGE.graph(WHO), "figure"), Output(PAGE.note(WHO), "children"), Input(ids.URL, "search"))
def show_who(search):
    chosen = filters.from_query(search)
    df = q.people(chosen)
    total = int(df.loc[df["dimension"] == "gender", "participants"].sum())
    undisclosed = int(df.loc[(df["dimension"] == "gender") & (df["value"] == "undisclosed"), "participants"].sum())
    return (explained(partial(fig.breakdown, df), lambda: common.nothing_in("participants", chosen)),
            notes.based_on(total, ngettext("unique participant", "unique participants", total),
                           extra=ngettext("{n} did not disclose their gender.", "{n} did not disclose their gender.",
                                          undisclosed).format(n=fmt.number(undisclosed)) if undisclosed else ""))


@callback(Output(PAGE.graph(LEARNING), "figure"), Output(PAGE.note(LEARNING), "children"), Input(ids.URL, "search"))
def show_learning(search):
    chosen = filters.from_query(search)
    df = q.learning(chosen)
    return (explained(partial(fig.learning, df), lambda: common.nothing_in("attendances", chosen)),
            notes.based_on(n := int(df["attendances"].sum()), ngettext("attendance", "attendances", n),
                           extra=_learning_sources(int(df["scored"].sum()), int(df["rated"].sum()))))


def _learning_sources(scored: int, rated: int) -> str:
    """Which attendances the learning chart's two measures come from, each counted in the reader's language."""
    return " ".join((
        ngettext("Knowledge gain from {n} attendance with both test scores.",
                 "Knowledge gain from {n} attendances with both test scores.", scored).format(n=fmt.number(scored)),
        ngettext("Satisfaction from {n} rating.", "Satisfaction from {n} ratings.", rated).format(
            n=fmt.number(rated))))


@callback(Output(PAGE.graph(TOPICS), "figure"), Output(PAGE.note(TOPICS), "children"), Input(ids.URL, "search"))
def show_topics(search):
    chosen = filters.from_query(search)
    df = q.topics(chosen)
    return explained(partial(fig.topics, df), lambda: common.nothing_in("events", chosen)), notes.based_on(
        n := int(df["events"].sum()), ngettext("event", "events", n),
        extra=_("Someone who took part in two topics counts in both.") if len(df) > 1 else "")


@callback(Output(PAGE.graph(REGIONS), "figure"), Output(PAGE.note(REGIONS), "children"), Input(ids.URL, "search"))
def show_regions(search):
    chosen = filters.from_query(search)
    df = oq.by_region(chosen)
    return (explained(partial(ofig.region_bars, df, measure="participants",
                              title=_("Reach by region: unique participants")),
                      lambda: common.nothing_in("participants", chosen)),
            notes.by_region("participants", df, oq.people_count(chosen)))


allowed.declare(PAGE("events-by"), "value", allowed.one_of(fig.BY, none=False))
chart_downloads(PAGE, {EVENTS: q.events_over_time, PEOPLE: q.attendance_over_time, WHO: q.people,
                       LEARNING: q.learning, TOPICS: q.topics, REGIONS: oq.by_region})
click_to_filter(PAGE.graph(REGIONS))
