"""Static files the browser keeps: caching headers for the assets, and a session cookie they neither refresh
nor vary with; the client's address as the proxy in front saw it."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboards import settings
from dashboards.security import auth

YEAR = 365 * 24 * 3600
MAP_GEOMETRY_MAX_AGE = 24 * 3600  # plotly.js asks for assets/topojson/ by a fixed name: no fingerprint in the URL


def init(server: Flask) -> None:
    """Wire the static-file rules into the app's Flask server."""
    hops = settings.get().proxy_hops
    if hops:  # the client's address as the proxy in front saw it (sign-in limits per address)
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops)
    server.session_interface = StaticFilesWithoutSession()
    server.after_request(cache_assets)


def cache_assets(response):
    """Let the browser keep the assets: those the page links carry their modification time (`?m=`) in the URL,
    so they can be kept a year like Dash's own bundles; the map geometry a day. Without this every page view
    downloads them again (no max-age, and flask-compress's ETag never matches a revalidation)."""
    if response.status_code == 200 and request.path.startswith(("/assets/", "/_favicon.ico")):
        if "m" in request.args or "v" in request.args:  # Dash's favicon URL carries Dash's version
            response.cache_control.max_age = YEAR
        elif request.path.startswith("/assets/topojson/"):
            response.cache_control.max_age = MAP_GEOMETRY_MAX_AGE
        else:
            return response
        response.cache_control.no_cache = None
        response.cache_control.public = True
    return response


class StaticFilesWithoutSession(SecureCookieSessionInterface):
    """Flask's signed-cookie session, except that static files (the same for everyone) neither refresh the
    cookie nor say they vary with it. The session cookie changes with every answer, so a bundle cached with
    `Vary: Cookie` could never be used again: each new tab or visit downloaded every script (2.5 MB) anew."""

    def save_session(self, app, session, response):
        if not request.path.startswith(auth.STATIC_PREFIXES):
            super().save_session(app, session, response)
