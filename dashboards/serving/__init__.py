"""HTTP plumbing that is no page: what the browser downloads and how long it keeps it (static, bundles), the
callback answer cache (answers) on the disk cache (filecache), and the gunicorn worker of the deploy line
(worker).

app.py calls `before_app()` before it builds Dash and `init(app)` after; the order inside each matters and is
written once here.
"""

from __future__ import annotations

import gc

from dashboards.i18n import negotiate
from dashboards.queries import db
from dashboards.security import auth
from dashboards.serving import answers, bundles, static


def before_app() -> None:
    """What must happen before Dash() is built: it reads the component libraries' script lists."""
    bundles.load_on_demand()


def init(app) -> None:
    """Wire the serving plumbing, the query layer's cache and the sign-in gate into a built Dash app."""
    bundles.plotly_from_assets()  # after Dash(): the constructor lists plotly.js
    static.init(app.server)
    db.init_cache(app.server)
    db.warm()  # the connection and its policy views are ready before the first request
    auth.init(app)  # sign-in and the gate before every request; refuses to start without a secret key
    negotiate.install(app.server)  # the request's language, right after the gate (which knows who is signed in)
    answers.init(app)  # repeat requests of a page's data callbacks answered from the cache (after the gate)


def freeze_startup_objects() -> None:
    """Leave the objects made at start-up out of garbage collections.

    The ~190k objects made at start-up (Dash, plotly, pandas, the page registry) live as long as the process. A
    full garbage collection walked every one of them: a stall of whichever request it fell in (bench/README.md).
    Frozen, they are left out of collections, which then walk only what requests made.
    """
    gc.freeze()
