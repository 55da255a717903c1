"""SCN Impact Dashboard: the Dash app. Pages live in dashboards/, one module each; the shell in dashboards/shell.py.

Run `python app.py` (127.0.0.1:8050 unless SCN_HOST / SCN_PORT say otherwise), or serve `app:server` with any
WSGI server.
"""

import gc

import dash_ag_grid
import plotly.io.json
from dash import Dash, dash_table, dcc
from flask import request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboards import answers, db, settings, shell
from dashboards.security import auth

# Component code no page needs when it opens. Eager loading would send it with every page (2 MB compressed,
# 9 MB of script to parse on a first visit); marked "lazy", it is fetched only if a component asks for it
# (dcc.Upload on the data-quality page, for uploads). The grids use community features only; no page has a
# DataTable.
ON_DEMAND = {
    dcc: ("mathjax", "markdown", "highlight", "slider", "upload"),
    dash_table: ("table", "export", "highlight"),
    dash_ag_grid: ("enterprise",),
}
YEAR = 365 * 24 * 3600
MAP_GEOMETRY_MAX_AGE = 24 * 3600  # plotly.js asks for assets/topojson/ by a fixed name: no fingerprint in the URL


def load_on_demand(chunks: dict) -> None:
    """Mark the named async chunks of each component library (`async-<name>.js`) "lazy": Dash leaves them out
    of the page even with eager loading, and the component's own loader fetches one when it is first needed."""
    for library, names in chunks.items():
        wanted = {f"async-{name}.js" for name in names}
        found = set()
        for resource in library._js_dist:
            file = resource.get("relative_package_path", "").rsplit("/", 1)[-1]
            if file in wanted:
                resource["async"] = "lazy"
                found.add(file)
        if wanted - found:
            raise RuntimeError(f"{library.__name__} has no {sorted(wanted - found)} any more: update ON_DEMAND "
                               "in app.py")


def plotly_from_assets() -> None:
    """Leave Dash's full plotly.js (every trace type: 4.7 MB of script) out of the page. The page loads
    assets/vendor/plotly-scn.min.js instead, plotly.js with only the trace types the figures draw (1.4 MB; built by
    docs/plotly-bundle, checked by tests/test_plotly_bundle.py), and dcc.Graph draws with the `window.Plotly` it
    finds. Marked "lazy" like the chunks above, the full bundle is still served: dcc.Graph fetches it only if no
    `window.Plotly` was defined."""
    full = [resource for resource in dcc._js_dist if resource.get("namespace") == "plotly"]
    if not full:
        raise RuntimeError("dash no longer lists plotly.js among dcc's scripts: see how dcc.Graph loads it and "
                           "update plotly_from_assets in app.py")
    for resource in full:
        resource["async"] = "lazy"


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


load_on_demand(ON_DEMAND)
app = Dash(
    __name__,
    use_pages=True,
    pages_folder="dashboards/pages",
    external_stylesheets=[],  # Bootstrap is served from assets/vendor: nothing is fetched from a CDN
    serve_locally=True,
    compress=True,  # gzip/brotli for scripts and callback answers (flask-compress)
    eager_loading=True,  # plotly.js, the graph and the grid come with the page (fingerprinted, cached a year)
    suppress_callback_exceptions=True,  # page callbacks refer to components of pages not shown yet
    title=shell.APP_NAME,
    update_title=None,
    on_error=auth.callback_failed,  # a failing callback: a logged 500 with a reference, shown on its card
)
plotly_from_assets()  # after Dash(): the constructor lists plotly.js
# Callback answers are encoded by plotly's JSON writer. With orjson installed it first rewrites the whole answer
# in Python, value by value, for orjson: 2.5-2.8x slower than its json engine (the standard library's C encoder)
# on answers carrying a grid (grants timeline, 197 KB: 11.1 -> 4.0 ms), the same text either way.
plotly.io.json.config.default_engine = "json"
server = app.server
if settings.get().proxy_hops:  # the client's address as the proxy in front saw it (sign-in limits per address)
    server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.get().proxy_hops, x_proto=settings.get().proxy_hops)
server.session_interface = StaticFilesWithoutSession()
server.after_request(cache_assets)
db.init_cache(server)
db.warm()  # the connection and its policy views are ready before the first request
auth.init(app)  # sign-in and the gate before every request; refuses to start without a secret key
answers.init(app)  # repeat requests of a page's data callbacks answered from the cache (after the gate)
app.layout = shell.layout
# The ~190k objects made at start-up (Dash, plotly, pandas, the page registry) live as long as the process. A full
# garbage collection walked every one of them: an ~85 ms stall of whichever request it fell in. Frozen, they are
# left out of collections, which then walk only what requests made.
gc.freeze()

if __name__ == "__main__":
    conf = settings.get()
    app.run(host=conf.host, port=conf.port, debug=conf.debug)
