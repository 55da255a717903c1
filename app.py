"""SCN Impact Dashboard: the Dash app. Pages live in dashboards/, one module each; the shell in dashboards/shell.py.

Run `python app.py` (127.0.0.1:8050 unless SCN_HOST / SCN_PORT say otherwise), or serve `app:server` with any
WSGI server.
"""

from dash import Dash

from dashboards import auth, db, settings, shell

app = Dash(
    __name__,
    use_pages=True,
    pages_folder="dashboards",
    external_stylesheets=[],  # Bootstrap is served from assets/vendor: nothing is fetched from a CDN
    serve_locally=True,
    compress=True,  # gzip/brotli for scripts and callback answers (flask-compress)
    eager_loading=True,  # fetch plotly.js and the grid with the page rather than after the first layout
    suppress_callback_exceptions=True,  # page callbacks refer to components of pages not shown yet
    title=shell.APP_NAME,
    update_title=None,
    on_error=auth.callback_failed,  # a failing callback answers 400 (logged), never a server error with a trace
)
server = app.server
db.init_cache(server)
auth.init(app)  # sign-in and the gate before every request; refuses to start without a secret key
app.layout = shell.layout

if __name__ == "__main__":
    conf = settings.get()
    app.run(host=conf.host, port=conf.port, debug=conf.debug)
