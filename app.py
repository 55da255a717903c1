"""SCN Impact Dashboard: the Dash app, and nothing else (docs/architecture.md draws the map).

Pages live in dashboards/pages/, one module each; the frame around them in dashboards/shell/; the HTTP plumbing
(caching, bundles, the answer cache, the sign-in gate's wiring) in dashboards/serving/.

Run `python app.py` (127.0.0.1:8050 unless SCN_HOST / SCN_PORT say otherwise), or serve `app:server` with any
WSGI server.
"""

from dash import Dash

from dashboards import serving, settings, shell
from dashboards.security import auth

serving.before_app()
app = Dash(
    __name__,
    use_pages=True,
    pages_folder="dashboards/pages",
    external_stylesheets=[],  # Bootstrap is served from assets/vendor: nothing is fetched from a CDN
    assets_path_ignore=[shell.document.RTL_FOLDER],  # Bootstrap's RTL sheet: linked for Arabic only (shell/document.py)
    serve_locally=True,
    compress=True,  # gzip/brotli for scripts and callback answers (flask-compress)
    eager_loading=True,  # plotly.js, the graph and the grid come with the page (fingerprinted, cached a year)
    suppress_callback_exceptions=True,  # page callbacks refer to components of pages not shown yet
    title=shell.APP_NAME,
    update_title=None,
    on_error=auth.callback_failed,  # a failing callback: a logged 500 with a reference, shown on its card
)
serving.init(app)
shell.document.install(app)  # <html lang dir> for the reader's language
app.layout = shell.layout
server = app.server
serving.freeze_startup_objects()

if __name__ == "__main__":
    conf = settings.get()
    app.run(host=conf.host, port=conf.port, debug=conf.debug)
