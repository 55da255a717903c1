"""The notes on the numbers beside each chart: one callback fills every chart card's notes on the page.

Which notes a person reads is decided by dashboards/state/annotations.py on the server (`for_chart`): staff notes never
reach donors or the public, a hub lead reads those about their regions, and a note on a chart of a page the role
may not open is never read. The chart ids come from the browser (the cards' own ids), so each is checked by its
allowed-values rule and again by `for_chart`; an id that names no chart of the pack's registry gets no notes.
A note its reader may remove (annotations.removable: its author, or an administrator) has a Remove button; the
removal is the store's, as the signed-in viewer, whatever note number a request names.
"""

from __future__ import annotations

import re

from dash import ALL, Input, Output, State, callback, ctx, html, no_update

from dashboards import filters, ids
from dashboards.i18n import N_, _
from dashboards.queries.db import current_viewer
from dashboards.reports.charts import CHARTS
from dashboards.security import allowed
from dashboards.security.access import chosen_regions
from dashboards.state import annotations
from data_pipeline.contract import REGIONS

_CHART_ID = re.compile(r"[a-z_]{1,40}/[a-z0-9_-]{1,40}")
AUDIENCE_LABEL = {annotations.DONORS: N_("for donors"), annotations.PUBLIC: N_("public")}


def _is_card(value) -> bool:
    return (isinstance(value, dict) and set(value) == {"type", "chart"} and value["type"] == ids.CHART_NOTES
            and isinstance(value["chart"], str) and _CHART_ID.fullmatch(value["chart"]) is not None)


allowed.ids_of(ids.CHART_NOTES, _is_card)
allowed.declare(ids.CHART_NOTES, "id", allowed.Allowed(lambda v, _viewer: _is_card(v),
                                                       lambda _viewer: ids.chart_notes("overview/map"),
                                                       "a chart card's notes id"))
allowed.ids_of(ids.NOTE_REMOVE, lambda i: set(i) == {"type", "note"} and isinstance(i["note"], int)
               and not isinstance(i["note"], bool) and 0 < i["note"] < 2**53)
allowed.declare(ids.NOTES_CHANGED, "data", allowed.Allowed(
    lambda v, _viewer: v is None or (isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2**31),
    lambda _viewer: 0, "a count"))


def notes_block(found: list[annotations.Note], viewer=None) -> list:
    """The notes as the card shows them: dated, with their audience when it is not staff only, and a Remove
    button on those `viewer` may remove."""
    if not found:
        return []
    # h2: a page's sections have no heading between its h1 and a card, so an h3 here broke the heading order
    return [html.H2(_("Notes"), className="chart-notes-title"), html.Ul([
        html.Li([html.Span(n.dated, className="chart-note-date"),
                 html.Span(_(AUDIENCE_LABEL[n.audience]), className="badge text-bg-light ms-1")
                 if n.audience in AUDIENCE_LABEL else None,
                 html.Span(n.text, className="chart-note-text"),
                 remove_button(n) if viewer is not None and annotations.removable(viewer, n) else None],
                className="chart-note-item")
        for n in found], className="chart-notes-list")]


def remove_button(note: annotations.Note) -> html.Button:
    return html.Button(_("Remove"), id={"type": ids.NOTE_REMOVE, "note": note.id}, n_clicks=0,
                       className="btn btn-link btn-sm p-0 ms-2 chart-note-remove d-print-none",
                       **{"aria-label": _("Remove the note “{text}”").format(text=note.text[:60])})


def notes_for(viewer, chart_id: str, search: str | None) -> list[annotations.Note]:
    """The notes `viewer` reads on `chart_id` under the filters of `search` (none for a chart not in the pack's
    registry: the city and data pages' charts)."""
    if chart_id not in CHARTS:
        return []
    chosen = filters.from_query(search or "", allowed_regions=chosen_regions(viewer) or REGIONS)
    return annotations.for_chart(viewer, chart_id, chosen)


@callback(Output({"type": ids.CHART_NOTES, "chart": ALL}, "children"),
          Input(ids.URL, "search"), Input(ids.NOTES_CHANGED, "data"),
          State({"type": ids.CHART_NOTES, "chart": ALL}, "id"))
def show_chart_notes(search, _changed, cards):
    viewer = current_viewer()
    return [notes_block(notes_for(viewer, card["chart"], search), viewer) for card in cards]


def removed(viewer, note_id: int) -> bool:
    """Remove the note as `viewer` (annotations.remove decides); whether the notes are to be read again: yes when
    it was removed or was no longer there, no when the viewer may not remove it."""
    try:
        annotations.remove(viewer, note_id)
    except annotations.NoteRefused:
        return False
    return True


@callback(Output(ids.NOTES_CHANGED, "data", allow_duplicate=True),
          Input({"type": ids.NOTE_REMOVE, "note": ALL}, "n_clicks"), State(ids.NOTES_CHANGED, "data"),
          prevent_initial_call=True)
def remove_note(_clicks, changed):
    if not ctx.triggered_id or not ctx.triggered[0]["value"]:  # the notes were drawn again, nothing clicked
        return no_update
    return (changed or 0) + 1 if removed(current_viewer(), ctx.triggered_id["note"]) else no_update
