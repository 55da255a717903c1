"""Which language a request is answered in, decided once per request and kept in `flask.g.scn_language`.

In order, the first the app speaks wins:

1. `?lang=` in the request's own URL (a page load, the sign-in page, a link someone shared), or in its `next`
   (the sign-in page speaks the language of the page it leads to);
2. for Dash's own requests (the frame `/_dash-layout`, callbacks `/_dash-update-component`), the `lang` of the page
   they are made for: the Referer's query (the app sends `Referrer-Policy: same-origin`, so it is whole; a Referer
   from another site is ignored), so a callback answers in the language of the page that asked;
3. the signed-in person's preferred language (the user store's `language`, `python -m dashboards.users ... --lang`);
4. the browser's Accept-Language;
5. English.

The language switch in the navigation bar writes `?lang=` (shell/language.py) and the filter bar keeps it
(filters.to_query), so a chosen language stays with the page, its copies and its reloads.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Flask, g, has_request_context, request

from dashboards.i18n import DEFAULT, LANGUAGES, supported

QUERY_KEY = "lang"
DASH_PREFIX = "/_dash-"  # the frame, callbacks, dependencies: made by a page, in that page's language
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")


def query_language(search: str | None) -> str | None:
    """The `lang` a query string ("?period=all&lang=fr") names, when the app speaks it; else None."""
    values = parse_qs((search or "").lstrip("?")).get(QUERY_KEY) or [None]
    return supported(values[0])


def _asked_language() -> str | None:
    """`lang` of the request's URL; for the sign-in page, also that of the page it will lead to (`next`)."""
    return supported(request.args.get(QUERY_KEY)) or query_language(urlsplit(request.args.get("next") or "").query)


def _page_language() -> str | None:
    """The `lang` of the page a Dash request is made for (its Referer, when it is this site's)."""
    if not request.path.startswith(DASH_PREFIX):
        return None
    shown, here = urlsplit(request.referrer or ""), urlsplit(request.host_url)
    if (shown.scheme, shown.netloc) != (here.scheme, here.netloc):
        return None
    return query_language(shown.query)


def _preferred_language() -> str | None:
    """The signed-in person's preferred language from the user store (None: not signed in, or none chosen)."""
    from flask_login import current_user

    user = getattr(current_user, "user", None) if current_user and current_user.is_authenticated else None
    return getattr(user, "language", None)


def _browser_language() -> str | None:
    return request.accept_languages.best_match(list(LANGUAGES)) if request.accept_languages else None


def request_language() -> str:
    """The language of the current request (see the module's docstring for the order); each source is read only
    when the ones before it named nothing the app speaks."""
    for source in (_asked_language, _page_language, _preferred_language, _browser_language):
        if lang := supported(source()):
            return lang
    return DEFAULT


def decide() -> None:
    """Flask before_request hook: keep the request's language in `g` for `i18n.current_language()` (static files
    have no words: they are left alone)."""
    if has_request_context() and not request.path.startswith(STATIC_PREFIXES):
        g.scn_language = request_language()


def install(server: Flask) -> None:
    """Decide the language right after the sign-in gate (it knows the signed-in person) and before anything
    renders: Dash's own first-request setup renders the layout, and it must speak the request's language too."""
    hooks = server.before_request_funcs.setdefault(None, [])
    hooks.insert(1 if hooks else 0, decide)
