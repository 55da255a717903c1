"""The sign-in and sign-out pages, and where a viewer lands after signing in.

Plain Flask views (the gate in auth.py lets them through unsigned): a form with its CSRF token, the password checked
by the user store (security/users.py: lockouts, throttling per address), a new session on sign-in, the session
ended in the store on sign-out, every attempt audited. `next` is followed only to a path on this site.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlparse

from flask import redirect, render_template_string, request, session
from flask_login import UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf, validate_csrf

from dashboards import i18n, settings
from dashboards.i18n import _
from dashboards.i18n.negotiate import QUERY_KEY, query_language
from dashboards.security import audit, users
from dashboards.security.access import Viewer
from dashboards.shell import document

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
            error, status = _("The form expired. Please sign in again."), 400
        else:
            email = (request.form.get("email") or "").strip().lower()[:254]
            outcome = users.verify(email, (request.form.get("password") or "")[:1024], address=request.remote_addr)
            if outcome.user:
                session.clear()  # a new session on sign-in: nothing carried over from before
                session.permanent = True
                login_user(SessionUser(outcome.user, users.start_session(outcome.user.email, conf.session_hours)))
                viewer = outcome.user.viewer()
                audit.record("sign_in", actor=viewer.user, role=viewer.role)
                return redirect(_in_language(_safe_next(request.args.get("next")) or home(viewer)))
            audit.record("sign_in_failed", actor=email or None, locked=outcome.locked, throttled=outcome.throttled)
            if outcome.throttled:
                error, status = (_("Too many wrong passwords from your network: wait 15 minutes and try again."), 429)
            else:
                error = (_("Too many wrong passwords for this e-mail: it is locked for a while. Ask an administrator "
                           "to unlock it.") if outcome.locked else _("Wrong e-mail or password."))
                status = 401
    from dashboards.i18n.codes import region_name, role_name

    demo = [(e, role_name(r), ", ".join(region_name(x) for x in reg) or d or "")
            for e, r, reg, d, _name in users.DEMO_ACCOUNTS]
    target = _safe_next(request.args.get("next")) or ""
    html = render_template_string(
        LOGIN_PAGE, error=error, demo=demo if conf.demo else None, demo_password=users.DEMO_PASSWORD,
        public=conf.public, csrf=generate_csrf(), action=_here(target), public_page=_in_language("/impact"),
        t=_login_words(), languages=_switch(target))
    return document.localize(html), status


def _in_language(target: str) -> str:
    """`target` with the sign-in page's `lang` when it was chosen there and the target names none (a `next` that
    names one keeps its own)."""
    chosen = i18n.supported(request.args.get(QUERY_KEY))
    if not chosen or query_language(urlparse(target).query):
        return target
    return f"{target}{'&' if '?' in target else '?'}{urlencode({QUERY_KEY: chosen})}"


def _here(target: str) -> str:
    """Where the form posts: this page, with its `next` and `lang`."""
    asked = {"next": target, QUERY_KEY: i18n.supported(request.args.get(QUERY_KEY))}
    query = urlencode({k: v for k, v in asked.items() if v})
    return f"{LOGIN}?{query}" if query else LOGIN


def _switch(target: str) -> list[tuple[str, str, str, bool]]:
    """The sign-in page's language links: (code, name in its own language, address, is it the current one)."""
    here = i18n.current_language()
    return [(code, name, "/login?" + urlencode({**({"next": target} if target else {}), QUERY_KEY: code}),
             code == here) for code, name in i18n.LANGUAGES.items()]


def _login_words() -> dict[str, str]:
    """The sign-in page's words in the reader's language (the template itself holds none)."""
    return {
        "title": _("Sign in · SCN Impact Dashboard"), "app": _("SCN Impact Dashboard"),
        "lead": _("Strong Cities Network · sign in to continue"), "email": _("E-mail"), "password": _("Password"),
        "sign_in": _("Sign in"), "public": _("View the public impact summary without signing in"),
        "demo_badge": _("Demo only"), "demo_title": _("Demo accounts"),
        "demo_text": _("These accounts exist only in demo mode (make run, on the bundled demo data). "
                       "Password for all:"),
        "role": _("Role"), "limited_to": _("Limited to"), "languages": _("Language"),
    }


def logout_view():
    """Sign out: only a POST carrying the form token (a link, an image or another site's form cannot sign anyone
    out); a GET shows the button. The session ends in the store, so a copy of the cookie is worthless after."""
    if request.method != "POST":
        words = {"title": _("Sign out · SCN Impact Dashboard"),
                 "question": _("Sign out of the SCN Impact Dashboard?"), "sign_out": _("Sign out"),
                 "back": _("Back to the dashboard")}
        return document.localize(render_template_string(LOGOUT_PAGE, csrf=generate_csrf(), t=words)), 200
    try:
        validate_csrf(request.form.get("csrf_token"))
    except Exception:
        return _("The form expired; go back and try again."), 400
    if current_user.is_authenticated:
        viewer = current_user.user.viewer()
        users.end_session(current_user.token)
        audit.record("sign_out", actor=viewer.user, role=viewer.role)
    logout_user()
    session.clear()
    lang = i18n.current_language()  # the sign-in page in the language the person was reading
    return redirect(LOGIN if lang == i18n.DEFAULT else f"{LOGIN}?{urlencode({QUERY_KEY: lang})}")


LOGIN_PAGE = """<!doctype html>
<html>
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css">
<link rel="stylesheet" href="/assets/languages.css">
</head>
<body class="login-body">
<main class="login-main">
  <nav class="login-languages mb-3" aria-label="{{ t.languages }}">{% for code, name, href, here in languages %}
    <a href="{{ href }}" lang="{{ code }}" hreflang="{{ code }}" id="login-lang-{{ code }}"
       class="me-2{% if here %} fw-bold{% endif %}"{% if here %} aria-current="true"{% endif %}>{{ name }}</a>
  {%- endfor %}</nav>
  <h1 class="h3 mb-1">{{ t.app }}</h1>
  <p class="text-muted mb-4">{{ t.lead }}</p>
  {% if error %}<div class="alert alert-danger" role="alert" id="login-error">{{ error }}</div>{% endif %}
  <form method="post" action="{{ action }}" class="card card-body">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <label class="form-label" for="email">{{ t.email }}</label>
    <input class="form-control mb-3" id="email" name="email" type="email" autocomplete="username" required autofocus>
    <label class="form-label" for="password">{{ t.password }}</label>
    <input class="form-control mb-3" id="password" name="password" type="password"
           autocomplete="current-password" required>
    <button class="btn btn-primary" type="submit" id="sign-in">{{ t.sign_in }}</button>
  </form>
  {% if public %}<p class="mt-3"><a href="{{ public_page }}">{{ t.public }}</a></p>{% endif %}
  {% if demo %}
  <section class="card card-body mt-4 border-warning" aria-labelledby="demo-title">
    <h2 class="h6" id="demo-title"><span class="badge text-bg-warning">{{ t.demo_badge }}</span> {{ t.demo_title }}</h2>
    <p class="small mb-2">{{ t.demo_text }} <code>{{ demo_password }}</code></p>
    <table class="table table-sm small mb-0"><thead><tr><th>{{ t.email }}</th><th>{{ t.role }}</th>
      <th>{{ t.limited_to }}</th></tr></thead>
    <tbody>{% for email, role, scope in demo %}<tr><td><code>{{ email }}</code></td><td>{{ role }}</td>
      <td>{{ scope }}</td></tr>{% endfor %}</tbody></table>
  </section>
  {% endif %}
</main>
</body>
</html>"""


LOGOUT_PAGE = """<!doctype html>
<html>
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t.title }}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css">
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="login-body">
<main class="login-main">
  <h1 class="h3 mb-3">{{ t.question }}</h1>
  <form method="post" action="/logout" class="card card-body">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <button class="btn btn-primary" type="submit" id="confirm-sign-out">{{ t.sign_out }}</button>
  </form>
  <p class="mt-3"><a href="/">{{ t.back }}</a></p>
</main>
</body>
</html>"""
