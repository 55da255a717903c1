"""New data from the browser (admins only, on /data): upload CSV or XLSX files, read the validation report,
publish when it has no errors; and the Excel template to fill in.

The callbacks are adapters over data_pipeline/uploads.py, which runs the same build as the command line. Each
one checks the signed-in viewer may upload (the page itself is also open to programme managers, who may read
the report but not change the data), and writes what happened to the audit log.
"""

from __future__ import annotations

import base64
import binascii

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboards import audit, ids, settings
from dashboards import components as ui
from dashboards.db import cache, current_viewer
from data_pipeline import uploads
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
        dbc.Button("Publish this data", id=PAGE("publish"), color="danger", class_name="mt-2", disabled=True),
        dcc.Loading(html.Div(id=PAGE("publish-result"), className="mt-2")),
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
          Output(PAGE("publish"), "disabled"),
          Input(PAGE("upload"), "contents"), State(PAGE("upload"), "filename"), prevent_initial_call=True)
def check_upload(contents, names):
    viewer = current_viewer()
    if not viewer.can_upload:
        return _refuse(), None, True
    if not isinstance(contents, list) or not isinstance(names, list) or len(contents) != len(names):
        return dbc.Alert("Choose one or more files.", color="warning"), None, True
    try:
        files = [(str(name), _decode(data)) for name, data in zip(names, contents, strict=True)]
        conf = settings.get()
        staged = uploads.stage(files, current=uploads.current_source(conf.sources_store, conf.source_dir),
                               store=conf.sources_store, max_bytes=conf.upload_max_mb * 1024 * 1024,
                               actor=viewer.user)
    except uploads.UploadRefused as exc:
        audit.record("upload_refused", actor=viewer.user, role=viewer.role, reason=str(exc))
        return dbc.Alert(str(exc), color="danger"), None, True
    result = uploads.check(staged)
    audit.record("upload_checked", actor=viewer.user, role=viewer.role, upload=staged.id,
                 files=", ".join(n for n, _ in files), errors=len(result.errors), warnings=len(result.warnings))
    rows = [{"severity": p.severity, "file": p.file, "line": p.line, "column": p.column, "message": p.message}
            for p in result.problems]
    verdict = (dbc.Alert(f"{len(result.errors):,} errors: fix them and upload again. Nothing was published.",
                         color="danger", id=PAGE("upload-verdict"))
               if result.errors else
               dbc.Alert(f"No errors ({len(result.warnings):,} warnings). Replaces: "
                         + ", ".join(f"{t} from {s}" for t, s in staged.replaced.items())
                         + ". Publish to make it the data everyone sees.", color="success", id=PAGE("upload-verdict")))
    grid = ui.data_grid(PAGE, "upload-report", "Validation report of the upload", REPORT_COLUMNS,
                        row_data=rows) if rows else None
    return [verdict, grid], (staged.id if not result.errors else None), bool(result.errors)


def _decode(data_url: object) -> bytes:
    if not isinstance(data_url, str) or "," not in data_url:
        raise uploads.UploadRefused("a file arrived without its contents")
    try:
        return base64.b64decode(data_url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise uploads.UploadRefused("a file arrived damaged (not base64)") from exc


@callback(Output(PAGE("publish-result"), "children"), Output(PAGE("publish"), "disabled", allow_duplicate=True),
          Input(PAGE("publish"), "n_clicks"), State(PAGE("staged"), "data"), prevent_initial_call=True)
def publish(clicks, staged_id):
    viewer = current_viewer()
    if not viewer.can_upload:
        return _refuse(), True
    if not clicks or not staged_id:
        return no_update, no_update
    try:
        staged = uploads.open_staged(settings.get().sources_store, staged_id)
        result = uploads.publish(staged, db_path=settings.get().db_path)
    except (uploads.UploadRefused, uploads.BuildBusy) as exc:
        audit.record("publish_failed", actor=viewer.user, role=viewer.role, upload=str(staged_id)[:40],
                     reason=str(exc))
        return dbc.Alert(str(exc), color="danger"), True
    if not result.ok:
        audit.record("publish_failed", actor=viewer.user, role=viewer.role, upload=staged.id,
                     errors=len(result.errors))
        return dbc.Alert("The build failed; the data everyone sees is unchanged.", color="danger"), True
    cache.clear()
    audit.record("publish", actor=viewer.user, role=viewer.role, upload=staged.id,
                 tables=", ".join(staged.replaced))
    return dbc.Alert([f"Published in {result.seconds:.1f} s: data as of {result.as_of}. ",
                      html.A("Reload to see it", href="/data")], color="success", id=PAGE("published")), True
