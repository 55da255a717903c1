"""The shell's Views menu: save the page and filters you are looking at, open your saved views and those shared
with your role, share one with a role and stop sharing it (staff), remove one of your own (after a question: it
cannot be undone), write a note on one of the page's charts, and make a pack.

Every action is checked on the server by the store it calls, as the signed-in viewer (never a role the browser
names): dashboards/state/saved_views.py (who saves, shares and opens what; a view's URL checked by the filter bar's own
allowed-values rules) and dashboards/state/annotations.py (who writes which note). The callbacks here only read the
controls, call them and say what happened. A saved view is listed as a link: opening it is opening its URL, so the
page narrows it to the viewer's limits with the shell's notice.
"""

from __future__ import annotations

import datetime as dt

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboards import ids
from dashboards.i18n import N_, _, codes
from dashboards.queries.db import current_viewer
from dashboards.reports.charts import CHARTS
from dashboards.security import allowed
from dashboards.security.access import REGION, ROLES, Viewer
from dashboards.shell import language
from dashboards.state import annotations
from dashboards.state import saved_views as views
from data_pipeline.contract import REGIONS

SHARE_ROLES = tuple(r for r in ROLES if r != "public")
TEXT = {  # translated where shown
    "saved": N_("Saved “{name}”."),
    "shared": N_("“{name}” is shared with {role}."),
    "none": N_("No saved views yet: name this page and its filters above."),
    "note_added": N_("Note added to {chart} for {period}."),
    "pick_view": N_("Choose one of your views to share."),
    "removed": N_("Removed “{name}”."),
    "unshared": N_("“{name}” is no longer shared with {role}."),
}


def _view_id(value, _viewer) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**53)


def _one_view(i: dict) -> bool:
    return set(i) == {"type", "view"} and i["view"] is not None and _view_id(i["view"], None)


allowed.ids_of(ids.VIEWS_OPEN_ONE, lambda i: set(i) == {"type", "view"} and isinstance(i["view"], int))
for _kind in (ids.VIEWS_REMOVE, ids.VIEWS_REMOVE_YES, ids.VIEWS_REMOVE_NO):
    allowed.ids_of(_kind, _one_view)
allowed.ids_of(ids.VIEWS_UNSHARE, lambda i: set(i) == {"type", "view", "role"} and i["view"] is not None
               and _view_id(i["view"], None) and i["role"] in SHARE_ROLES)
allowed.declare(ids.VIEWS_NAME, "value", allowed.text(views.MAX_NAME + 20))
allowed.declare(ids.VIEWS_SHARE_VIEW, "value", allowed.Allowed(_view_id, lambda _v: None, "a saved view's number"))
allowed.declare(ids.VIEWS_SHARE_ROLE, "value", allowed.one_of(SHARE_ROLES))
allowed.declare(ids.NOTE_CHART, "value", allowed.one_of(lambda viewer: [c.id for c in CHARTS.values()
                                                                         if viewer.may_open(c.page)]))
allowed.declare(ids.NOTE_PERIOD, "value", allowed.text(40, example="2026-Q3"))
allowed.declare(ids.NOTE_AUDIENCE, "value", allowed.one_of(annotations.AUDIENCES))
allowed.declare(ids.NOTE_REGION, "value", allowed.one_of(allowed.regions))
allowed.declare(ids.NOTE_TEXT, "value", allowed.text(annotations.MAX_TEXT + 100))


def nav_item(viewer: Viewer) -> dbc.NavItem | None:
    """The top bar's button opening the menu (people who sign in only: the public saves nothing)."""
    if viewer.kind is None or viewer.role == "public":
        return None
    # the panel (a dialog) exists only while open: aria-controls would name an id that is not there
    return dbc.NavItem(html.Button(_("Views"), id=ids.VIEWS_OPEN, n_clicks=0,
                                   className="btn btn-sm btn-outline-light ms-2", **{"aria-haspopup": "dialog"}))


def _current_quarter() -> str:
    today = dt.date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _note_form(viewer: Viewer) -> html.Section:
    # Shown to those who write notes; there for everyone else too, hidden, because Dash refuses a callback some of
    # whose inputs are missing. Who may write is the server's decision (annotations.add), not the form's.
    staff_only = viewer.scope == REGION
    regions = viewer.regions if staff_only else REGIONS
    return html.Section([
        html.H2(_("Note on a chart"), className="h6 mt-4"),
        html.P(_("A short dated note shown beside the chart and printed in packs, to the readers you choose."),
               className="small text-muted"),
        dbc.Label(_("Chart"), html_for=ids.NOTE_CHART),
        dcc.Dropdown(id=ids.NOTE_CHART, options=[], placeholder=_("A chart of this page"), clearable=False),
        dbc.Label(_("Period (2026-Q3, 2026-09, 2026 or 2026-07-01..2026-09-30)"), html_for=ids.NOTE_PERIOD,
                  class_name="mt-2"),
        dbc.Input(id=ids.NOTE_PERIOD, value=_current_quarter(), maxLength=40),
        dbc.Label(_("Readers"), html_for=ids.NOTE_AUDIENCE, class_name="mt-2"),
        dcc.Dropdown(id=ids.NOTE_AUDIENCE, clearable=False, value=annotations.STAFF, disabled=staff_only,
                     options=[{"label": _("Staff only"), "value": annotations.STAFF},
                              {"label": _("Staff and donors"), "value": annotations.DONORS},
                              {"label": _("Everyone (public)"), "value": annotations.PUBLIC}]),
        dbc.Label(_("About"), html_for=ids.NOTE_REGION, class_name="mt-2"),
        dcc.Dropdown(id=ids.NOTE_REGION, options=codes.options("region", regions),
                     value=regions[0] if staff_only else None,
                     clearable=not staff_only, placeholder=_("The whole network")),
        dbc.Label(_("Note"), html_for=ids.NOTE_TEXT, class_name="mt-2"),
        dbc.Textarea(id=ids.NOTE_TEXT, maxLength=annotations.MAX_TEXT, rows=3,
                     placeholder=_("Q3 dip: elections in two hub countries")),
        html.Button(_("Add the note"), id=ids.NOTE_ADD, n_clicks=0, className="btn btn-sm btn-primary mt-2"),
        html.P(id=ids.NOTE_MESSAGE, className="small mt-2", role="status"),
    ], hidden=viewer.role not in annotations.WRITERS)


def panel(viewer: Viewer) -> html.Div | None:
    """The menu itself, built for the viewer (the share and note parts shown to those who may use them), and the
    place above the page where opening a view says what the viewer's limits left out."""
    if nav_item(viewer) is None:
        return None
    share = html.Section([
        html.H2(_("Share a view"), className="h6 mt-4"),
        dcc.Dropdown(id=ids.VIEWS_SHARE_VIEW, options=[], placeholder=_("One of your views")),
        dcc.Dropdown(id=ids.VIEWS_SHARE_ROLE, options=[{"label": codes.role_name(r), "value": r} for r in SHARE_ROLES],
                     placeholder=_("with everyone of the role"), className="mt-2"),
        html.Button(_("Share"), id=ids.VIEWS_SHARE, n_clicks=0, className="btn btn-sm btn-outline-primary mt-2"),
    ], hidden=viewer.role not in views.SHARERS)  # there but hidden for the others, as the note form
    return html.Div([dbc.Offcanvas([
        html.Section([
            dbc.Label(_("Name this page and its filters"), html_for=ids.VIEWS_NAME),
            dbc.InputGroup([dbc.Input(id=ids.VIEWS_NAME, maxLength=views.MAX_NAME,
                                      placeholder=_("MENA, this year, trainings")),
                            html.Button(_("Save"), id=ids.VIEWS_SAVE, n_clicks=0, className="btn btn-primary")]),
            html.P(id=ids.VIEWS_MESSAGE, className="small mt-2", role="status"),
            html.H2(_("Saved views"), className="h6 mt-3"),
            html.Ul(id=ids.VIEWS_LIST, className="saved-views list-unstyled"),
            html.Div(id=ids.VIEWS_CONFIRM, **{"aria-live": "polite"}),
        ]),
        share,
        _note_form(viewer),
        html.P(html.A(_("Make a pack (PDF) …"), href="/pack", id="views-pack-link"), className="mt-4"),
    ], id=ids.VIEWS_PANEL, title=_("Views, notes and packs"), placement="end", is_open=False,
        class_name="d-print-none"), html.Div(id=ids.VIEWS_NOTICE, className="views-notice d-print-none")])


def view_items(viewer: Viewer) -> tuple[list, list[dict]]:
    """The list of the viewer's views (each a button that opens it, with its URL to copy, and on their own its
    Remove and Stop sharing buttons) and the options of the share picker (their own views)."""
    found = views.list_for(viewer)
    items = [html.Li([html.Button(v.name, id={"type": ids.VIEWS_OPEN_ONE, "view": v.id}, n_clicks=0,
                                  className="btn btn-link p-0 saved-view-link"),
                      html.Span(_view_about(viewer, v), className="small text-muted"),
                      html.Div(v.url, className="small text-muted saved-view-url"),
                      _view_tools(viewer, v)]) for v in found]
    return items or [html.Li(_(TEXT["none"]), className="small text-muted")], \
        [{"label": v.name, "value": v.id} for v in found if v.mine(viewer)]


def _view_about(viewer: Viewer, view) -> str:
    """" · overview · shared by …": the page a saved view shows and who shared it, or with whom it is shared."""
    about = _(" · {page}").format(page=view.page)
    if not view.mine(viewer):
        about += _(" · shared by {owner}").format(owner=view.owner)
    elif view.shared_with:
        about += _(" · shared with {roles}").format(roles=_(", ").join(codes.role_name(r) for r in view.shared_with))
    return about


def _view_tools(viewer: Viewer, view) -> html.Div | None:
    """Remove (the owner's own views only) and, for staff, Stop sharing with each role it is shared with; a view
    shared with the viewer by someone else has neither."""
    if not view.mine(viewer):
        return None
    unshare = [html.Button(_("Stop sharing with {role}").format(role=codes.role_name(r)), n_clicks=0,
                           id={"type": ids.VIEWS_UNSHARE, "view": view.id, "role": r},
                           className="btn btn-link btn-sm p-0 me-3 saved-view-unshare")
               for r in view.shared_with if viewer.role in views.SHARERS and r in SHARE_ROLES]
    remove = html.Button(_("Remove"), id={"type": ids.VIEWS_REMOVE, "view": view.id}, n_clicks=0,
                         className="btn btn-link btn-sm p-0 text-danger saved-view-remove",
                         **{"aria-label": _("Remove “{name}”").format(name=view.name)})
    return html.Div([*unshare, remove], className="saved-view-tools")


def asked(viewer: Viewer, view_id: int) -> html.Div:
    """The question before a view is removed (it cannot be undone), or why it cannot be removed."""
    try:
        view = views.get(viewer, view_id)
        if not view.mine(viewer):
            raise views.ViewRefused("not_owner", id=view_id)
    except views.ViewRefused as exc:
        return html.P(_("Not removed: {reason}.").format(reason=exc), className="small text-danger")
    return html.Div([
        html.P(_("Remove “{name}”? This cannot be undone.").format(name=view.name), className="small mb-2"),
        html.Button(_("Remove it"), id={"type": ids.VIEWS_REMOVE_YES, "view": view.id}, n_clicks=0,
                    className="btn btn-sm btn-danger"),
        html.Button(_("Keep it"), id={"type": ids.VIEWS_REMOVE_NO, "view": view.id}, n_clicks=0,
                    className="btn btn-sm btn-outline-secondary ms-2"),
    ], className="saved-view-confirm border rounded p-2 mt-2")


def changed(viewer: Viewer, button: dict) -> str:
    """Remove or stop sharing the view `button` names, as `viewer` (the store refuses a view not theirs); what to
    tell the person."""
    removing = button["type"] == ids.VIEWS_REMOVE_YES
    try:
        if removing:
            return _(TEXT["removed"]).format(name=views.remove(viewer, button["view"]).name)
        view = views.unshare(viewer, button["view"], button["role"])
        return _(TEXT["unshared"]).format(name=view.name, role=codes.role_name(button["role"]))
    except views.ViewRefused as exc:
        return (_("Not removed: {reason}.") if removing else _("Not unshared: {reason}.")).format(reason=exc)


def _clicked() -> bool:
    """Whether a pattern's button was clicked: a list drawn again calls its buttons' callbacks with no click."""
    return bool(ctx.triggered_id) and bool(ctx.triggered[0]["value"])


def act(viewer: Viewer, action: str | None, url: str, name: str | None, view_id: int | None,
        role: str | None) -> str | None:
    """Save or share as asked; what to tell the person (the store's refusal, in its words)."""
    try:
        if action == ids.VIEWS_SAVE:
            return _(TEXT["saved"]).format(name=views.save(viewer, name or "", url).name)
        if action == ids.VIEWS_SHARE:
            if view_id is None:
                return _(TEXT["pick_view"])
            shared = views.share(viewer, view_id, role or "")
            return _(TEXT["shared"]).format(name=shared.name, role=codes.role_name(role))
    except views.ViewRefused as exc:
        return (_("Not saved: {reason}.") if action == ids.VIEWS_SAVE else _("Not shared: {reason}.")).format(
            reason=exc)
    return None


@callback(Output(ids.VIEWS_PANEL, "is_open"), Input(ids.VIEWS_OPEN, "n_clicks"), prevent_initial_call=True)
def open_menu(_clicks):
    return True


@callback(Output(ids.VIEWS_LIST, "children"), Output(ids.VIEWS_MESSAGE, "children"),
          Output(ids.VIEWS_SHARE_VIEW, "options"),
          Input(ids.VIEWS_OPEN, "n_clicks"), Input(ids.VIEWS_SAVE, "n_clicks"), Input(ids.VIEWS_SHARE, "n_clicks"),
          State(ids.URL, "pathname"), State(ids.URL, "search"), State(ids.VIEWS_NAME, "value"),
          State(ids.VIEWS_SHARE_VIEW, "value"), State(ids.VIEWS_SHARE_ROLE, "value"), prevent_initial_call=True)
def saved_views(_open, _save, _share, pathname, search, name, view_id, role):
    viewer = current_viewer()
    message = act(viewer, ctx.triggered_id, f"{pathname or '/'}{search or ''}", name, view_id, role)
    items, options = view_items(viewer)
    return items, message, options


def opened(viewer: Viewer, view_id: int) -> tuple[object, object]:
    """Where opening the view goes (its URL) and the notice above the page: what the viewer's limits left out of
    it (a hub lead opening a view of another region sees their own), or why it cannot be opened."""
    try:
        view = views.open_view(viewer, view_id)
    except views.ViewRefused as exc:
        return no_update, dbc.Alert(_("Not opened: {reason}.").format(reason=exc), color="warning", dismissable=True)
    notice = dbc.Alert(view.notice, color="info", dismissable=True, id="views-region-notice") if view.notice else None
    return view.url, notice


@callback(Output(ids.VIEWS_CONFIRM, "children"), Input({"type": ids.VIEWS_REMOVE, "view": ALL}, "n_clicks"),
          Input({"type": ids.VIEWS_REMOVE_NO, "view": ALL}, "n_clicks"), prevent_initial_call=True)
def ask_to_remove(_remove, _keep):
    if not _clicked():
        return no_update
    return asked(current_viewer(), ctx.triggered_id["view"]) if ctx.triggered_id["type"] == ids.VIEWS_REMOVE else None


@callback(Output(ids.VIEWS_LIST, "children", allow_duplicate=True),
          Output(ids.VIEWS_MESSAGE, "children", allow_duplicate=True),
          Output(ids.VIEWS_SHARE_VIEW, "options", allow_duplicate=True),
          Output(ids.VIEWS_CONFIRM, "children", allow_duplicate=True),
          Input({"type": ids.VIEWS_REMOVE_YES, "view": ALL}, "n_clicks"),
          Input({"type": ids.VIEWS_UNSHARE, "view": ALL, "role": ALL}, "n_clicks"), prevent_initial_call=True)
def change_view(_remove, _unshare):
    if not _clicked():
        return no_update, no_update, no_update, no_update
    viewer = current_viewer()
    message = changed(viewer, ctx.triggered_id)
    items, options = view_items(viewer)
    return items, message, options, None


@callback(Output(ids.NAV, "href", allow_duplicate=True), Output(ids.VIEWS_NOTICE, "children"),
          Output(ids.VIEWS_PANEL, "is_open", allow_duplicate=True),
          Input({"type": ids.VIEWS_OPEN_ONE, "view": ALL}, "n_clicks"), State(ids.URL, "search"),
          prevent_initial_call=True)
def open_saved_view(_clicks, search):
    if not ctx.triggered_id or not ctx.triggered[0]["value"]:  # the list was drawn again, nothing clicked
        return no_update, no_update, no_update
    url, notice = opened(current_viewer(), ctx.triggered_id["view"])
    return (language.kept(url, search) if isinstance(url, str) else url), notice, False


@callback(Output(ids.NOTE_CHART, "options"), Input(ids.URL, "pathname"))
def charts_of_page(pathname):
    return chart_options(current_viewer(), pathname)


def chart_options(viewer: Viewer, pathname: str | None) -> list[dict]:
    """The charts of the page at `pathname` the viewer may write a note on."""
    page = views.PAGE_PATHS.get(pathname or "/")
    return [{"label": _(c.label), "value": c.id} for c in CHARTS.values()
            if c.page == page and viewer.may_open(c.page)] if viewer.role in annotations.WRITERS else []


def add_note(viewer: Viewer, chart: str | None, period: str | None, audience: str | None, region: str | None,
             text: str | None) -> tuple[str, bool]:
    """Write the note as asked; (what to tell the person, whether it was written)."""
    try:  # region None: a note about the whole network (a hub lead's defaults to their first region)
        note = annotations.add(viewer, chart or "", period or "", text or "", audience or annotations.STAFF,
                               region=region)
    except annotations.NoteRefused as exc:
        return _("Not added: {reason}.").format(reason=exc), False
    return _(TEXT["note_added"]).format(chart=_(CHARTS[note.chart_id].label), period=note.period_name), True


@callback(Output(ids.NOTE_MESSAGE, "children"), Output(ids.NOTES_CHANGED, "data"), Input(ids.NOTE_ADD, "n_clicks"),
          State(ids.NOTE_CHART, "value"), State(ids.NOTE_PERIOD, "value"), State(ids.NOTE_AUDIENCE, "value"),
          State(ids.NOTE_REGION, "value"), State(ids.NOTE_TEXT, "value"), State(ids.NOTES_CHANGED, "data"),
          prevent_initial_call=True)
def note_form(_clicks, chart, period, audience, region, text, changed):
    message, written = add_note(current_viewer(), chart, period, audience, region, text)
    return message, (changed or 0) + 1 if written else no_update

