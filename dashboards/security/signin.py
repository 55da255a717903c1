"""The sign-in and sign-out pages, and where a viewer lands after signing in.

Plain Flask views (the gate in auth.py lets them through unsigned): a form with its CSRF token, the password checked
by the user store (security/users.py: lockouts, throttling per address), a new session on sign-in, the session
ended in the store on sign-out, every attempt audited. `next` is followed only to a path on this site.
"""

from __future__ import annotations

from urllib.parse import urlparse

from flask import redirect, render_template_string, request, session
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf

from dashboards import settings
from dashboards.security import access, audit, users
from dashboards.security.access import Viewer

LOGIN, LOGOUT = "/login", "/logout"


class SessionUser(UserMixin):
    """The signed-in person as Flask-Login holds them: the user, and the token of their session."""

    def __init__(self, user: users.User, token: str) -> None:
        self.user = user
        self.token = token

    def get_id(self) -> str:
        return self.token  # what the session cookie carries: a token of a session in the user store


def home(viewer: Viewer) -> str:
    """Where a viewer lands: the overview, or the impact page for donors and the public."""
    return "/" if viewer.may_open("overview") else "/impact"


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, with its query string: never another host (an open redirect would help
    phishing), whatever a browser would make of backslashes, control characters or an encoded second slash."""
    if not target or len(target) > 2000:
        return None
    parsed = urlparse(target)
    if (parsed.scheme or parsed.netloc or not target.startswith("/") or target[1:2] in ("/", "\\")
            or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target)
            or target.lower().startswith(("/%2f", "/%5c"))):
        return None
    return target


def login_view():
    """The sign-in form; a POST checks the password and starts a session."""
    conf = settings.get()
    error, status = None, 200
    if request.method == "POST":
        try:
            validate_csrf(request.form.get("csrf_token"))
        except Exception:
            error, status = "The form expired. Please sign in again.", 400
        else:
            email = (request.form.get("email") or "").strip().lower()[:254]
            outcome = users.verify(email, (request.form.get("password") or "")[:1024], address=request.remote_addr)
            if outcome.user:
                session.clear()  # a new session on sign-in: nothing carried over from before
                session.permanent = True
                login_user(SessionUser(outcome.user, users.start_session(outcome.user.email, conf.session_hours)))
                viewer = outcome.user.viewer()
                audit.record("sign_in", actor=viewer.user, role=viewer.role)
                return redirect(_safe_next(request.args.get("next")) or home(viewer))
            audit.record("sign_in_failed", actor=email or None, locked=outcome.locked, throttled=outcome.throttled)
            if outcome.throttled:
                error, status = ("Too many wrong passwords from your network: wait 15 minutes and try again.", 429)
            else:
                error = ("Too many wrong passwords for this e-mail: it is locked for a while. Ask an administrator "
                         "to unlock it." if outcome.locked else "Wrong e-mail or password.")
                status = 401
    demo = [(e, access.ROLES[r].label, ", ".join(reg) or d or "") for e, r, reg, d, _ in users.DEMO_ACCOUNTS]
    html = render_template_string(
        LOGIN_PAGE, error=error, demo=demo if conf.demo else None, demo_password=users.DEMO_PASSWORD,
        public=conf.public, csrf=generate_csrf(), next=_safe_next(request.args.get("next")) or "")
    return html, status


def logout_view():
    """Sign out: only a POST carrying the form token (a link, an image or another site's form cannot sign anyone
    out); a GET shows the button. The session ends in the store, so a copy of the cookie is worthless after."""
    if request.method != "POST":
        return render_template_string(LOGOUT_PAGE, csrf=generate_csrf()), 200
    try:
        validate_csrf(request.form.get("csrf_token"))
    except Exception:
        return "The form expired; go back and try again.", 400
    if current_user.is_authenticated:
        viewer = current_user.user.viewer()
        users.end_session(current_user.token)
        audit.record("sign_out", actor=viewer.user, role=viewer.role)
    logout_user()
    session.clear()
    return redirect(LOGIN)


LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · SCN Impact Dashboard</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="login-body">
<main class="login-main">
  <h1 class="h3 mb-1">SCN Impact Dashboard</h1>
  <p class="text-muted mb-4">Strong Cities Network · sign in to continue</p>
  {% if error %}<div class="alert alert-danger" role="alert" id="login-error">{{ error }}</div>{% endif %}
  <form method="post" action="/login{% if next %}?next={{ next | urlencode }}{% endif %}" class="card card-body">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <label class="form-label" for="email">E-mail</label>
    <input class="form-control mb-3" id="email" name="email" type="email" autocomplete="username" required autofocus>
    <label class="form-label" for="password">Password</label>
    <input class="form-control mb-3" id="password" name="password" type="password"
           autocomplete="current-password" required>
    <button class="btn btn-primary" type="submit" id="sign-in">Sign in</button>
  </form>
  {% if public %}<p class="mt-3"><a href="/impact">View the public impact summary without signing in</a></p>{% endif %}
  {% if demo %}
  <section class="card card-body mt-4 border-warning" aria-labelledby="demo-title">
    <h2 class="h6" id="demo-title"><span class="badge text-bg-warning">Demo only</span> Demo accounts</h2>
    <p class="small mb-2">These accounts exist only in demo mode (<code>make run</code>, on the bundled demo data).
      Password for all: <code>{{ demo_password }}</code></p>
    <table class="table table-sm small mb-0"><thead><tr><th>E-mail</th><th>Role</th><th>Limited to</th></tr></thead>
    <tbody>{% for email, role, scope in demo %}<tr><td><code>{{ email }}</code></td><td>{{ role }}</td>
      <td>{{ scope }}</td></tr>{% endfor %}</tbody></table>
  </section>
  {% endif %}
</main>
</body>
</html>"""


LOGOUT_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign out · SCN Impact Dashboard</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="login-body">
<main class="login-main">
  <h1 class="h3 mb-3">Sign out of the SCN Impact Dashboard?</h1>
  <form method="post" action="/logout" class="card card-body">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <button class="btn btn-primary" type="submit" id="confirm-sign-out">Sign out</button>
  </form>
  <p class="mt-3"><a href="/">Back to the dashboard</a></p>
</main>
</body>
</html>"""
