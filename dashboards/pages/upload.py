"""New data from the browser (admins only, on /data): upload CSV or XLSX files, read what they would change and
the validation report, confirm when they remove data, publish; the list of published versions, and rollback.

The callbacks are adapters over dashboards/services/publishing.py (which checks the viewer may upload, runs the
pipeline's own upload and version functions, audits and clears the cache) and only turn its outcome into
components.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboards import components as ui
from dashboards import ids, settings
from dashboards.i18n import N_, _, ngettext
from dashboards.queries.db import current_viewer
from dashboards.reports import problems_text
from dashboards.reports.exports import csv_download, grid_frame
from dashboards.reports.template import template_bytes
from dashboards.services import publishing
from data_pipeline import uploads, versions

PAGE = ids.PageIds("data")
# Columns of a validation report (the upload's here, the published build's on the data-quality page).
REPORT_COLUMNS = [
    {"field": "severity", "headerName": N_("Severity"), "maxWidth": 120},
    {"field": "file", "headerName": N_("File"), "maxWidth": 240},
    {"field": "line", "headerName": N_("Line"), "maxWidth": 100},
    {"field": "column", "headerName": N_("Column"), "maxWidth": 180},
    {"field": "message", "headerName": N_("Problem"), "minWidth": 320, "wrapText": True, "autoHeight": True},
]
_COUNT = {"type": "numericColumn", "filter": "agNumberColumnFilter", "maxWidth": 130,
          "valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"}}
CHANGE_COLUMNS = [
    {"field": "table", "headerName": N_("Table")},
    {"field": "before", "headerName": N_("Rows before"), **_COUNT},
    {"field": "after", "headerName": N_("Rows after"), **_COUNT},
    {"field": "added", "headerName": N_("Added"), **_COUNT},
    {"field": "removed", "headerName": N_("Removed"), **_COUNT},
    {"field": "changed", "headerName": N_("Changed"), **_COUNT},
]
VERSION_COLUMNS = [
    {"field": "published_at", "headerName": N_("Published (UTC)"), "minWidth": 200},
    {"field": "actor", "headerName": N_("By"), "minWidth": 180},
    {"field": "how", "headerName": N_("How"), "maxWidth": 130},
    {"field": "rows", "headerName": N_("Rows"), **_COUNT},
    {"field": "warnings", "headerName": N_("Warnings"), **_COUNT},
    {"field": "as_of", "headerName": N_("Data as of"), "maxWidth": 130},
    {"field": "status", "headerName": N_("Status"), "maxWidth": 110},
    {"field": "note", "headerName": N_("Note"), "minWidth": 200, "wrapText": True, "autoHeight": True},
    {"field": "tables", "headerName": N_("Rows per table"), "minWidth": 260, "wrapText": True, "autoHeight": True},
    {"field": "id", "headerName": N_("Version"), "maxWidth": 220},
]


def section() -> html.Div | None:
    """The upload card, for viewers who may upload; None for everyone else."""
    if not current_viewer().can_upload:
        return None
    return dbc.Card(dbc.CardBody([
        html.H2(_("Upload new data"), className="section-title"),
        html.P([_("Upload one or more source files (CSV named after its table, such as grants.csv, or an Excel "
                  "workbook with a sheet per table). They replace those tables in the current sources; everything "
                  "is checked exactly as the command line would, and nothing changes until you publish."), " ",
                html.Button(_("Download the Excel template"), id=PAGE("template-button"),
                            className="btn btn-link btn-sm p-0 align-baseline"),
                dcc.Download(id=PAGE("template"))], className="small"),
        dcc.Upload(id=PAGE("upload"), multiple=True, max_size=settings.get().upload_max_mb * 1024 * 1024,
                   accept=".csv,.xlsx", className="upload-drop",
                   children=html.Div([_("Drop files here or"), " ", html.A(_("choose files"))])),
        dcc.Loading(html.Div(id=PAGE("upload-result"), className="mt-3")),
        dcc.Store(id=PAGE("staged")),
        html.Div(dbc.Checkbox(id=PAGE("confirm"), value=False, label=_(
            "I have checked the rows this upload removes: publish it anyway.")), id=PAGE("confirm-box"),
            hidden=True, className="mt-2"),
        dbc.Button(_("Publish this data"), id=PAGE("publish"), color="danger", class_name="mt-2", disabled=True),
        dcc.Loading(html.Div(id=PAGE("publish-result"), className="mt-2")),
    ]), class_name="mb-3")


def versions_section() -> html.Div | None:
    """Published versions (who, when, rows, warnings), each one's report, and rollback for administrators."""
    viewer = current_viewer()
    if not viewer.sees_quality:
        return None
    rows = [v.as_row() for v in versions.history(settings.get().sources_store)]
    options = [{"label": _("{when} · {how} by {who} ({rows} rows)").format(
                    when=r["published_at"], how=r["how"], who=r["actor"], rows=f"{r['rows']:,}"), "value": r["id"]}
               for r in rows if r["status"] != "pruned"]
    rollback = [
        dbc.Checkbox(id=PAGE("rollback-confirm"), value=False, class_name="ms-3",
                     label=_("Publish this earlier version again, for everyone")),
        dbc.Button(_("Roll back to this version"), id=PAGE("rollback"), color="warning", size="sm", class_name="ms-2"),
    ] if viewer.can_upload else []
    return dbc.Card(dbc.CardBody([
        ui.data_grid(PAGE, "versions", _("Published versions"), VERSION_COLUMNS, row_data=rows, page_size=15)
        if rows else html.Div([html.H2(_("Published versions"), className="section-title"),
                               ui.empty_state(_("Nothing has been published from an upload or the command line "
                                                "yet."))]),
        html.Div([
            dcc.Dropdown(id=PAGE("version"), options=options, placeholder=_("Choose a version"), clearable=False,
                         className="version-pick", style={"minWidth": "28rem"}),
            dbc.Button(_("Download its report"), id=PAGE("version-report-button"), color="secondary", outline=True,
                       size="sm", class_name="ms-2"),
            dcc.Download(id=PAGE("version-report")),
            *rollback,
        ], className="d-flex align-items-center flex-wrap gap-1 mt-2") if options else None,
        dcc.Loading(html.Div(id=PAGE("rollback-result"), className="mt-2")) if options and rollback else None,
    ]), class_name="mb-3")


def refusal(exc: publishing.Refused):
    """A refused step as the page shows it: an empty state for a viewer who may not, an alert otherwise."""
    if exc.kind == "forbidden":
        return ui.empty_state(str(exc))
    return dbc.Alert(str(exc), color="warning" if exc.kind == "incomplete" else "danger")


@callback(Output(PAGE("template"), "data"), Input(PAGE("template-button"), "n_clicks"), prevent_initial_call=True)
def download_template(clicks):
    if not clicks:
        return no_update
    return dcc.send_bytes(template_bytes(), "scn-data-template.xlsx")


@callback(Output(PAGE("upload-result"), "children"), Output(PAGE("staged"), "data"),
          Output(PAGE("publish"), "disabled"), Output(PAGE("confirm-box"), "hidden"), Output(PAGE("confirm"), "value"),
          Input(PAGE("upload"), "contents"), State(PAGE("upload"), "filename"), prevent_initial_call=True)
def check_upload(contents, names):
    """Check the dropped files; offer to publish them only when the check allows it."""
    try:
        checked = publishing.check(current_viewer(), names, contents)
    except publishing.Refused as exc:
        return refusal(exc), None, True, True, False
    staged = checked.staged.id if checked.publishable else None
    return check_view(checked), staged, not checked.publishable, checked.verdict != "confirm", False


def check_view(checked: uploads.CheckedUpload) -> list:
    """The verdict, what each replaced table would change, and the validation report of a checked upload."""
    result, replaced = checked.result, checked.staged.replaced
    verdict = {
        "errors": (ngettext("{n} error: fix it and upload again. Nothing was published.",
                            "{n} errors: fix them and upload again. Nothing was published.",
                            len(result.errors)).format(n=f"{len(result.errors):,}"), "danger"),
        "confirm": (_("This upload removes data: the report below says which table loses rows or which months "
                      "empty. Check it, and confirm below to publish it anyway."), "warning"),
        "ok": (_("No errors ({warnings} warnings). Replaces: {tables}. Publish to make it the data everyone "
                 "sees.").format(warnings=f"{len(result.warnings):,}",
                                 tables=_(", ").join(_("{table} from {source}").format(table=t, source=s)
                                                     for t, s in replaced.items())), "success"),
    }[checked.verdict]
    rows = problems_text.rows(result.problems)
    return [
        dbc.Alert(verdict[0], color=verdict[1], id=PAGE("upload-verdict")),
        ui.data_grid(PAGE, "upload-changes", _("What the upload changes"), CHANGE_COLUMNS,
                     row_data=[d.as_dict() for d in checked.diffs]) if checked.diffs else None,
        ui.data_grid(PAGE, "upload-report", _("Validation report of the upload"), REPORT_COLUMNS,
                     row_data=rows) if rows else None,
    ]


@callback(Output(PAGE("publish-result"), "children"), Output(PAGE("publish"), "disabled", allow_duplicate=True),
          Input(PAGE("publish"), "n_clicks"), State(PAGE("staged"), "data"), State(PAGE("confirm"), "value"),
          prevent_initial_call=True)
def publish(clicks, staged_id, confirmed):
    """Publish the checked upload; a missing confirmation can be given and the button pressed again."""
    try:
        done = publishing.publish(current_viewer(), staged_id if clicks else None, confirmed=confirmed is True)
    except publishing.Refused as exc:
        return refusal(exc), not exc.retry
    return (published(done, "published"), True) if done else (no_update, no_update)


@callback(Output(PAGE("rollback-result"), "children"), Input(PAGE("rollback"), "n_clicks"),
          State(PAGE("version"), "value"), State(PAGE("rollback-confirm"), "value"), prevent_initial_call=True)
def rollback(clicks, version_id, confirmed):
    """Publish the chosen earlier version again, once the box is ticked."""
    try:
        done = publishing.rollback(current_viewer(), version_id if clicks else None, confirmed=confirmed is True)
    except publishing.Refused as exc:
        return refusal(exc)
    return published(done, "rolled-back") if done else no_update


@callback(Output(PAGE("version-report"), "data"), Input(PAGE("version-report-button"), "n_clicks"),
          State(PAGE("version"), "value"), prevent_initial_call=True)
def download_version_report(clicks, version_id):
    if not clicks or not version_id or not current_viewer().sees_quality:
        return no_update
    try:
        problems = versions.problems_of(settings.get().sources_store, version_id)
    except versions.VersionRefused:
        return no_update
    return csv_download(grid_frame(problems_text.rows(problems), REPORT_COLUMNS), f"scn-report-{version_id}")


def published(done: publishing.Published, answer_id: str):
    """The answer to a publish or rollback: its failure, or when the data is from now on."""
    if not done.ok:
        return dbc.Alert(_("The build failed; the data everyone sees is unchanged."), color="danger")
    return dbc.Alert([_("Published in {seconds} s: data as of {day}.").format(seconds=f"{done.seconds:.1f}",
                                                                               day=done.as_of), " ",
                      html.A(_("Reload to see it"), href="/data")], color="success", id=PAGE(answer_id))
