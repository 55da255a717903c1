"""SCN Impact Dashboard: the Dash app. Pages live in dashboards/pages/, one module each; the shell in dashboards/shell.py.

Run `python app.py` (127.0.0.1:8050 unless SCN_HOST / SCN_PORT say otherwise), or serve `app:server` with any
WSGI server.
"""

import gc

from dash import Dash

from dashboards import db, settings, shell
from dashboards.security import auth
from dashboards.serving import answers, bundles, static

bundles.load_on_demand()  # before Dash(): it reads the component libraries' script lists
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
bundles.plotly_from_assets()  # after Dash(): the constructor lists plotly.js
server = app.server
static.init(server)
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
