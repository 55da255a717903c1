"""New data from the browser (admins only, on /data): upload CSV or XLSX files, read what they would change and
the validation report, confirm when they remove data, publish; the list of published versions, and rollback.

The callbacks are adapters over data_pipeline/uploads.py and versions.py, which run the same build as the command
line. Each one checks the signed-in viewer may upload (the page itself is also open to programme managers, who
may read the report and the versions but not change the data), and writes what happened to the audit log. No
server path is ever shown: sets are named by their version id.
"""

from __future__ import annotations

import base64
import binascii

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboards import components as ui
from dashboards import ids, settings
from dashboards.db import cache, current_viewer
from dashboards.reports.exports import csv_download, grid_frame
from dashboards.security import audit
from data_pipeline import uploads, versions
from data_pipeline.template import template_bytes

PAGE = ids.PageIds("data")
# Columns of a validation report (the upload's here, the published build's on the data-quality page).
REPORT_COLUMNS = [
    {"field": "severity", "headerName": "Severity", "maxWidth": 120},
    {"field": "file", "headerName": "File", "maxWidth": 240},
    {"field": "line", "headerName": "Line", "maxWidth": 100},
    {"field": "column", "headerName": "Column", "maxWidth": 180},
    {"field": "message", "headerName": "Problem", "minWidth": 320, "wrapText": True, "autoHeight": True},
]
_COUNT = {"type": "numericColumn", "filter": "agNumberColumnFilter", "maxWidth": 130,
          "valueFormatter": {"function": "params.value == null ? '' : d3.format(',')(params.value)"}}
CHANGE_COLUMNS = [
    {"field": "table", "headerName": "Table"},
    {"field": "before", "headerName": "Rows before", **_COUNT},
    {"field": "after", "headerName": "Rows after", **_COUNT},
    {"field": "added", "headerName": "Added", **_COUNT},
    {"field": "removed", "headerName": "Removed", **_COUNT},
    {"field": "changed", "headerName": "Changed", **_COUNT},
]
VERSION_COLUMNS = [
    {"field": "published_at", "headerName": "Published (UTC)", "minWidth": 200},
    {"field": "actor", "headerName": "By", "minWidth": 180},
    {"field": "how", "headerName": "How", "maxWidth": 130},
    {"field": "rows", "headerName": "Rows", **_COUNT},
    {"field": "warnings", "headerName": "Warnings", **_COUNT},
    {"field": "as_of", "headerName": "Data as of", "maxWidth": 130},
    {"field": "status", "headerName": "Status", "maxWidth": 110},
    {"field": "note", "headerName": "Note", "minWidth": 200, "wrapText": True, "autoHeight": True},
    {"field": "tables", "headerName": "Rows per table", "minWidth": 260, "wrapText": True, "autoHeight": True},
    {"field": "id", "headerName": "Version", "maxWidth": 220},
]


def section() -> html.Div | None:
    """The upload card, for viewers who may upload; None for everyone else."""
    if not current_viewer().can_upload:
        return None
    return dbc.Card(dbc.CardBody([
        html.H2("Upload new data", className="section-title"),
        html.P(["Upload one or more source files (CSV named after its table, such as grants.csv, or an Excel "
                "workbook with a sheet per table). They replace those tables in the current sources; everything is "
                "checked exactly as the command line would, and nothing changes until you publish. ",
                html.Button("Download the Excel template", id=PAGE("template-button"),
                            className="btn btn-link btn-sm p-0 align-baseline"),
                dcc.Download(id=PAGE("template"))], className="small"),
        dcc.Upload(id=PAGE("upload"), multiple=True, max_size=settings.get().upload_max_mb * 1024 * 1024,
                   accept=".csv,.xlsx", className="upload-drop",
                   children=html.Div(["Drop files here or ", html.A("choose files")])),
        dcc.Loading(html.Div(id=PAGE("upload-result"), className="mt-3")),
        dcc.Store(id=PAGE("staged")),
        html.Div(dbc.Checkbox(id=PAGE("confirm"), value=False, label=(
            "I have checked the rows this upload removes: publish it anyway.")), id=PAGE("confirm-box"),
            hidden=True, className="mt-2"),
        dbc.Button("Publish this data", id=PAGE("publish"), color="danger", class_name="mt-2", disabled=True),
        dcc.Loading(html.Div(id=PAGE("publish-result"), className="mt-2")),
    ]), class_name="mb-3")


def versions_section() -> html.Div | None:
    """Published versions (who, when, rows, warnings), each one's report, and rollback for administrators."""
    viewer = current_viewer()
    if not viewer.sees_quality:
        return None
    rows = [v.as_row() for v in versions.history(settings.get().sources_store)]
    options = [{"label": f"{r['published_at']} · {r['how']} by {r['actor']} ({r['rows']:,} rows)", "value": r["id"]}
               for r in rows if r["status"] != "pruned"]
    rollback = [
        dbc.Checkbox(id=PAGE("rollback-confirm"), value=False, class_name="ms-3",
                     label="Publish this earlier version again, for everyone"),
        dbc.Button("Roll back to this version", id=PAGE("rollback"), color="warning", size="sm", class_name="ms-2"),
    ] if viewer.can_upload else []
    return dbc.Card(dbc.CardBody([
        ui.data_grid(PAGE, "versions", "Published versions", VERSION_COLUMNS, row_data=rows, page_size=15)
        if rows else html.Div([html.H2("Published versions", className="section-title"),
                               ui.empty_state("Nothing has been published from an upload or the command line yet.")]),
        html.Div([
            dcc.Dropdown(id=PAGE("version"), options=options, placeholder="Choose a version", clearable=False,
                         className="version-pick", style={"minWidth": "28rem"}),
            dbc.Button("Download its report", id=PAGE("version-report-button"), color="secondary", outline=True,
                       size="sm", class_name="ms-2"),
            dcc.Download(id=PAGE("version-report")),
            *rollback,
        ], className="d-flex align-items-center flex-wrap gap-1 mt-2") if options else None,
        dcc.Loading(html.Div(id=PAGE("rollback-result"), className="mt-2")) if options and rollback else None,
    ]), class_name="mb-3")


def _refuse():
    viewer = current_viewer()
    audit.record("access_denied", actor=viewer.user, role=viewer.role, action="upload")
    return ui.empty_state("Only administrators may upload data.")


@callback(Output(PAGE("template"), "data"), Input(PAGE("template-button"), "n_clicks"), prevent_initial_call=True)
def download_template(clicks):
    if not clicks:
        return no_update
    return dcc.send_bytes(template_bytes(), "scn-data-template.xlsx")


@callback(Output(PAGE("upload-result"), "children"), Output(PAGE("staged"), "data"),
          Output(PAGE("publish"), "disabled"), Output(PAGE("confirm-box"), "hidden"), Output(PAGE("confirm"), "value"),
          Input(PAGE("upload"), "contents"), State(PAGE("upload"), "filename"), prevent_initial_call=True)
def check_upload(contents, names):
    viewer = current_viewer()
    if not viewer.can_upload:
        return _refuse(), None, True, True, False
    if not isinstance(contents, list) or not isinstance(names, list) or len(contents) != len(names):
        return dbc.Alert("Choose one or more files.", color="warning"), None, True, True, False
    conf = settings.get()
    try:
        files = [(str(name), _decode(data)) for name, data in zip(names, contents, strict=True)]
        checked = uploads.check_upload(files, store=conf.sources_store, default_source=conf.source_dir,
                                       db_path=conf.db_path, max_bytes=conf.upload_max_mb * 1024 * 1024,
                                       actor=viewer.user, shrink_share=conf.shrink_share)
    except uploads.UploadRefused as exc:
        audit.record("upload_refused", actor=viewer.user, role=viewer.role, reason=str(exc))
        return dbc.Alert(str(exc), color="danger"), None, True, True, False
    result = checked.result
    audit.record("upload_checked", actor=viewer.user, role=viewer.role, upload=checked.staged.id,
                 files=", ".join(n for n, _ in files), errors=len(result.errors), warnings=len(result.warnings))
    staged = checked.staged.id if checked.publishable else None
    return (check_view(checked), staged, not checked.publishable, checked.verdict != "confirm", False)


def check_view(checked: uploads.CheckedUpload) -> list:
    """The verdict, what each replaced table would change, and the validation report of a checked upload."""
    result, replaced = checked.result, checked.staged.replaced
    verdict = {
        "errors": (f"{len(result.errors):,} errors: fix them and upload again. Nothing was published.", "danger"),
        "confirm": ("This upload removes data: the report below says which table loses rows or which months "
                    "empty. Check it, and confirm below to publish it anyway.", "warning"),
        "ok": (f"No errors ({len(result.warnings):,} warnings). Replaces: "
               + ", ".join(f"{t} from {s}" for t, s in replaced.items())
               + ". Publish to make it the data everyone sees.", "success"),
    }[checked.verdict]
    rows = [{"severity": p.severity, "file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in result.problems]
    return [
        dbc.Alert(verdict[0], color=verdict[1], id=PAGE("upload-verdict")),
        ui.data_grid(PAGE, "upload-changes", "What the upload changes", CHANGE_COLUMNS,
                     row_data=[d.as_dict() for d in checked.diffs]) if checked.diffs else None,
        ui.data_grid(PAGE, "upload-report", "Validation report of the upload", REPORT_COLUMNS,
                     row_data=rows) if rows else None,
    ]


def _decode(data_url: object) -> bytes:
    if not isinstance(data_url, str) or "," not in data_url:
        raise uploads.UploadRefused("a file arrived without its contents")
    try:
        return base64.b64decode(data_url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise uploads.UploadRefused("a file arrived damaged (not base64)") from exc


@callback(Output(PAGE("publish-result"), "children"), Output(PAGE("publish"), "disabled", allow_duplicate=True),
          Input(PAGE("publish"), "n_clicks"), State(PAGE("staged"), "data"), State(PAGE("confirm"), "value"),
          prevent_initial_call=True)
def publish(clicks, staged_id, confirmed):
    viewer = current_viewer()
    if not viewer.can_upload:
        return _refuse(), True
    if not clicks or not staged_id:
        return no_update, no_update
    conf = settings.get()
    try:
        result = uploads.publish_upload(conf.sources_store, staged_id, db_path=conf.db_path, actor=viewer.user,
                                        confirm_shrink=confirmed is True, shrink_share=conf.shrink_share)
    except uploads.UploadRefused as exc:
        audit.record("publish_failed", actor=viewer.user, role=viewer.role, upload=str(staged_id)[:40],
                     reason=str(exc))
        # a missing confirmation can be given and the button pressed again
        return dbc.Alert(str(exc), color="danger"), not isinstance(exc, uploads.ConfirmationNeeded)
    return _published(result, viewer, "publish", "published", upload=staged_id, confirmed=confirmed is True), True


@callback(Output(PAGE("rollback-result"), "children"), Input(PAGE("rollback"), "n_clicks"),
          State(PAGE("version"), "value"), State(PAGE("rollback-confirm"), "value"), prevent_initial_call=True)
def rollback(clicks, version_id, confirmed):
    viewer = current_viewer()
    if not viewer.can_upload:
        return _refuse()
    if not clicks or not version_id:
        return no_update
    if confirmed is not True:
        return dbc.Alert("Tick the box to confirm: everyone will see that version's data.", color="warning")
    conf = settings.get()
    try:
        result = versions.rollback(conf.sources_store, version_id, db_path=conf.db_path, actor=viewer.user)
    except (versions.VersionRefused, uploads.BuildBusy) as exc:
        audit.record("rollback_failed", actor=viewer.user, role=viewer.role, version=str(version_id)[:40],
                     reason=str(exc))
        return dbc.Alert(str(exc), color="danger")
    return _published(result, viewer, "rollback", "rolled-back", version=version_id)


@callback(Output(PAGE("version-report"), "data"), Input(PAGE("version-report-button"), "n_clicks"),
          State(PAGE("version"), "value"), prevent_initial_call=True)
def download_version_report(clicks, version_id):
    if not clicks or not version_id or not current_viewer().sees_quality:
        return no_update
    try:
        problems = versions.problems_of(settings.get().sources_store, version_id)
    except versions.VersionRefused:
        return no_update
    return csv_download(grid_frame(problems, REPORT_COLUMNS), f"scn-report-{version_id}")


def _published(result, viewer, event: str, answer_id: str, **details):
    """The answer to a publish or rollback: its failure, or when the data is from now on."""
    if not result.ok:
        audit.record(f"{event}_failed", actor=viewer.user, role=viewer.role, errors=len(result.errors), **details)
        return dbc.Alert("The build failed; the data everyone sees is unchanged.", color="danger")
    cache.clear()
    audit.record(event, actor=viewer.user, role=viewer.role, **details)
    return dbc.Alert([f"Published in {result.seconds:.1f} s: data as of {result.as_of}. ",
                      html.A("Reload to see it", href="/data")], color="success", id=PAGE(answer_id))
