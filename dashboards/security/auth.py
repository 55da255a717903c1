"""Sign-in, sessions and the gate every request passes before any page, layout or callback runs.

- `/login` (a plain Flask form with a CSRF token) checks the local user store (dashboards/security/users.py) and starts
  a session: Flask's signed cookie, HTTP-only, SameSite=Lax, Secure unless running the local demo, expiring
  after `SCN_SESSION_HOURS`. `/logout` ends it. Both are written to the audit log.
- `gate` runs before every request. It works out the viewer (signed-in user; else the public visitor when the
  public page is on; else NOBODY) and keeps it in `flask.g` for the query layer. Anyone else than a signed-in
  viewer gets a redirect to /login (pages) or 401 (everything else but static files). A callback request is
  refused (403) when its outputs belong to a page the viewer's role may not open; page layouts check the same.
- An identity-aware proxy (OIDC via oauth2-proxy or similar) can sign people in instead: set
  `SCN_TRUSTED_EMAIL_HEADER` to the header it sets; the role still comes from the local store. See README.

What a viewer may *see* is not decided here: the query layer limits rows and columns (dashboards/security/access.py).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from urllib.parse import urlencode

import dash
from dash.exceptions import DependencyException
from flask import Flask, Response, abort, g, jsonify, redirect, request
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import InternalServerError

from dashboards import settings
from dashboards.queries import db
from dashboards.security import access, allowed, audit, users
from dashboards.security.access import NOBODY, Viewer
from dashboards.security.signin import LOGIN, LOGOUT, SessionUser, home, login_view, logout_view
from dashboards.shell import dash_internals

DEMO_SECRET = "scn-demo-only-secret-key-never-use-in-production"
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
CALLBACK_PATH = "/_dash-update-component"
LAYOUT_PATH = "/_dash-layout"
ALWAYS_OPEN_PAGES = {"not_found_404"}


class StartupRefused(SystemExit):
    """The app will not start as configured (for example without a secret key outside demo mode)."""


def secret_key() -> str:
    """The key that signs session cookies: required outside demo mode, and not the demo one."""
    conf = settings.get()
    if conf.demo:
        return conf.secret_key or DEMO_SECRET
    key = conf.secret_key
    if not key or key == DEMO_SECRET or len(key) < 32:
        raise StartupRefused(
            "SCN_SECRET_KEY must be set to a random value of at least 32 characters outside demo mode "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))'). "
            "For the local demo, set SCN_DEMO=1 (make run does).")
    return key


def init(app: dash.Dash) -> None:
    """Wire sign-in and the request gate into the Dash app's Flask server."""
    conf = settings.get()
    server: Flask = app.server
    server.config.update(
        SECRET_KEY=secret_key(),
        SESSION_COOKIE_NAME="scn_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=conf.cookie_secure,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=conf.session_hours * 3600,
        # The cookie is not renewed by each answer: a session ends SCN_SESSION_HOURS after sign-in (the store
        # says so too), however much it is used.
        SESSION_REFRESH_EACH_REQUEST=False,
        # Uploads travel base64-encoded inside the callback's JSON (4/3 of the file) plus the rest of the call.
        MAX_CONTENT_LENGTH=conf.upload_max_mb * 1024 * 1024 * 4 // 3 + 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    if conf.demo:
        users.ensure_demo_accounts()
    manager = LoginManager()
    manager.session_protection = "basic"
    manager.init_app(server)

    @manager.user_loader
    def load(token: str) -> SessionUser | None:
        user = users.from_session(token)
        return SessionUser(user, token) if user else None

    pages = _page_prefixes()
    _guard_layouts()
    # First in line: nothing of Dash (not even its first-request setup, which renders the layout) runs before
    # the viewer is known.
    server.before_request_funcs.setdefault(None, []).insert(0, lambda: gate(app, pages))
    server.add_url_rule(LOGIN, "login", login_view, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT, "logout", logout_view, methods=["GET", "POST"])
    server.register_error_handler(CSRFError, lambda exc: ("The form expired; go back and try again.", 400))
    # Anything that escapes a request is the app's fault (the gate has refused malformed or disallowed requests
    # before they ran): a 500 with a reference to find its trace in the log.
    server.register_error_handler(InternalServerError, server_error)
    # Dash's script route names a file Dash does not serve (a crafted "../" path): not found, not a server error
    server.register_error_handler(DependencyException, lambda exc: ("Not found.", 404))
    if missing := allowed.missing(callbacks(app)):
        raise StartupRefused("these callback inputs have no allowed-values rule (dashboards/security/allowed.py, or "
                             f"allowed.declare beside the page's layout): {', '.join(missing)}")
    server.after_request(_security_headers)


# --- who is asking ------------------------------------------------------------------------------------------------

def _viewer() -> Viewer:
    conf = settings.get()
    if conf.trusted_email_header and (email := request.headers.get(conf.trusted_email_header)):
        user = users.get(email)
        return user.viewer() if user else NOBODY
    if current_user.is_authenticated:
        return current_user.user.viewer()
    if conf.public:
        return access.PUBLIC_VIEWER
    return NOBODY


def gate(app: dash.Dash, pages: dict[str, str]):
    """Let the request through, or answer it: runs before every request, pages and callbacks alike."""
    path = request.path
    if path in (LOGIN, LOGOUT) or path.startswith(STATIC_PREFIXES):
        return None
    viewer = g.scn_viewer = _viewer()
    if viewer is NOBODY:
        if request.method == "GET" and not path.startswith("/_"):
            return redirect(f"{LOGIN}?{urlencode({'next': request.full_path.rstrip('?')})}")
        return jsonify(error="Sign in first."), 401
    if path == CALLBACK_PATH:
        return _check_callback(app, viewer, pages)
    if request.method == "GET" and not path.startswith("/_"):
        page = _page_of_path(path)
        if page and not viewer.may_open(page) and page not in ALWAYS_OPEN_PAGES:
            if viewer is access.PUBLIC_VIEWER:  # a visitor with a staff link: sign in, then that very view
                return redirect(f"{LOGIN}?{urlencode({'next': request.full_path.rstrip('?')})}")
            return redirect(home(viewer))
    return None


def callbacks(app: dash.Dash) -> dict:
    """Every callback Dash knows, by output (Dash moves them from its global registry into the app's map on its
    first request; the gate runs before that)."""
    return {**dash_internals.pending_callbacks(), **app.callback_map}


def _check_callback(app: dash.Dash, viewer: Viewer, pages: dict[str, str]):
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than Python's parser goes: no callback sends that
        body = None
    output = body.get("output") if isinstance(body, dict) else None
    known = callbacks(app)
    if not isinstance(output, str) or output not in allowed.server_callbacks(known):
        return _refused("Unknown callback.")
    page = callback_page(output, pages)
    if page and not viewer.may_open(page):
        audit.record("access_denied", actor=viewer.user, role=viewer.role, callback=output[:200])
        return jsonify(error="Not available to your role."), 403
    try:
        allowed.check(body, known, viewer)
    except allowed.Refused as exc:
        return _refused(str(exc), output)
    return None


def _refused(reason: str, output: str | None = None):
    """A callback request that does not match its callback or carries a value the viewer may not send: 400, and
    a line in the log (what was refused and why; the values themselves are the sender's and not repeated)."""
    logging.getLogger("scn.callbacks").info("refused %s: %s", (output or "?")[:200], reason[:300])
    return jsonify(error="This request does not match the page: reload the page and try again."), 400


def callback_page(output: str, pages: dict[str, str]) -> str | None:
    """The page module whose components a callback's outputs are (None: the shell, shared by every page).

    `output` is Dash's callback id: "id.prop", or "..id.prop...id.prop.." for several outputs, where an id is
    a string prefixed by the page's id prefix (ids.PageIds) or a JSON dict with a "page" or "grid" key.
    """
    found = None
    for part in output.strip(".").split("..."):
        raw = part[: part.rindex("}") + 1] if part.startswith("{") else part.rsplit(".", 1)[0]
        try:
            key = json.loads(raw) if raw.startswith("{") else raw
        except ValueError:
            return "unknown"
        if isinstance(key, dict):
            named = key.get("page") if isinstance(key.get("page"), str) else key.get("grid")
            prefix = named.split("-", 1)[0] if isinstance(named, str) else None
        else:
            prefix = key.split("-", 1)[0]
        page = pages.get(prefix)
        if page and found and page != found:
            return "unknown"  # outputs of two pages: no such callback is written; refuse rather than guess
        found = page or found
    return found


def _module_key(module: str) -> str:
    return module.rsplit(".", 1)[-1]


def _page_prefixes() -> dict[str, str]:
    """Component id prefix -> page module, from each page module's `PAGE` ids (written once, in the page)."""
    import sys

    found = {}
    for module in dash.page_registry:
        ids_of_page = getattr(sys.modules.get(module), "PAGE", None)
        if ids_of_page is not None:
            found[ids_of_page.page] = _module_key(module)
    return found


def _page_of_path(path: str) -> str | None:
    for module, page in dash.page_registry.items():
        template = page.get("path_template")
        if page["path"] == path or (template and _matches(template, path)):
            return _module_key(module)
    return None


def _matches(template: str, path: str) -> bool:
    parts, given = template.strip("/").split("/"), path.strip("/").split("/")
    return len(parts) == len(given) and all(p.startswith("<") or p == q for p, q in zip(parts, given, strict=True))


def _guard_layouts() -> None:
    """Wrap every page's layout so it renders only for roles that may open the page."""
    for module, page in dash.page_registry.items():
        key = _module_key(module)
        layout = page.get("layout")
        if key in ALWAYS_OPEN_PAGES or getattr(layout, "scn_guarded", False):
            continue
        page["layout"] = _guarded(key, layout)


def _guarded(key: str, layout) -> Callable:
    def guarded(**kwargs):
        viewer = db.current_viewer()
        if not viewer.may_open(key):
            return forbidden(viewer)
        return layout(**kwargs) if callable(layout) else layout

    guarded.scn_guarded = True
    return guarded


def forbidden(viewer: Viewer):
    from dashboards import components as ui
    from dashboards.i18n import _

    return ui.empty_state(_("This page is not available to your role."),
                          detail=_("Signed in as {user}. Go to {page} for what you can see.").format(
                              user=viewer.user, page=home(viewer)))


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", _csp())
    # the frame (/_dash-layout) is drawn for the viewer, the page and the filters of the link it was asked for
    if request.path.startswith((CALLBACK_PATH, LAYOUT_PATH, LOGIN, LOGOUT)):
        response.headers["Cache-Control"] = "no-store"
    return response


def _csp() -> str:
    """Only this origin: scripts from it plus Dash's inline ones by their hashes (its renderer bootstrap and any
    inline clientside function), no plug-ins, no framing, forms only to this site. Styles allow inline ones:
    Plotly and the grid set style attributes and sheets as they draw, which hashes cannot name."""
    import dash
    hashes = " ".join(dash.get_app().csp_hashes())
    return ("default-src 'self'; "
            f"script-src 'self' {hashes}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def reference() -> str:
    """A short id for one failure, shown to the person and written beside the trace in the log."""
    return secrets.token_hex(4).upper()


def callback_failed(exc: Exception):
    """Dash's handler for an exception in any callback: log it in full with a reference, answer 500.

    The gate has checked the request's shape and every value against what the viewer may send, so an exception
    here is a bug, not a crafted request: it must be seen (a 500, counted by the security suite and the browser
    tests), and the page shows the chart's card as "could not load (reference)" (assets/errors.js).
    """
    ref = reference()
    logging.getLogger("scn.callbacks").error("callback failed, reference %s: %s", ref,
                                             request.get_data(as_text=True)[:500], exc_info=exc)
    abort(Response(json.dumps({"error": "This part of the page could not load.", "reference": ref}), 500,
                   mimetype="application/json"))


def server_error(exc: InternalServerError):
    """Any other unhandled exception (Flask has logged its trace): a reference the person can quote."""
    ref = reference()
    logging.getLogger("scn").error("server error, reference %s on %s %s", ref, request.method, request.path[:200])
    if request.path == CALLBACK_PATH:
        return jsonify(error="This part of the page could not load.", reference=ref), 500
    return f"Something went wrong on our side (reference {ref}). Please try again later.", 500


def new_secret() -> str:
    return secrets.token_urlsafe(48)
