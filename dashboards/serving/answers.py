"""Finished callback answers, kept and sent again.

A page's data callbacks are pure functions of their inputs, the viewer and the published database file: the
same (callback, inputs, viewer, file version) always gets the same answer. The query cache (db.py) spares
DuckDB; this spares the rest of a repeat request (Dash's dispatch, figure building, JSON), which is what a
busy server spends its time on once the queries are cached.

The key holds the whole viewer (user, role, regions, donor) and the reader's language, so an answer is only ever
sent again to the same person in the same language; it is looked up after the sign-in gate has let the request
through (auth.py registers the gate first).
Only callbacks that take the URL's filters and have no button, upload or download are kept, and none that reads
the app's own state (notes on the numbers, dashboards/state/): that changes without a new database, and a kept
answer would show a note again after it was removed, or hide one just written, once the page is reloaded.

An answer is computed once at a time: a request for an answer another thread of the process is already
computing waits for it (at most `WAIT_S`) and is sent the kept result, instead of computing it a second time.
That is what happens when several people open the same page together, and to everybody at once after a new
database is published.
"""

from __future__ import annotations

import hashlib
import json
import threading

import plotly.io.json
from flask import Response, g, request

from dashboards import i18n, ids
from dashboards.queries import db
from dashboards.security.access import NOBODY

CALLBACK_PATH = "/_dash-update-component"
_ACTIONS = {"n_clicks", "contents", "filename", "search_value"}
_STATE = {ids.NOTES_CHANGED}  # read by the callbacks that show the app's own state (its count resets on a reload)
WAIT_S = 30  # past this, a request stops waiting for another's computation of its answer and computes it itself


class InFlight:
    """A lock per key, existing only while some thread holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, list[int]]] = {}  # key -> (lock, [threads holding or waiting])

    def acquire(self, key: str, timeout: float) -> bool:
        with self._guard:
            lock, users = self._locks.setdefault(key, (threading.Lock(), [0]))
            users[0] += 1
        if lock.acquire(timeout=timeout):
            return True
        self._forget(key)
        return False

    def release(self, key: str) -> None:
        self._locks[key][0].release()
        self._forget(key)

    def _forget(self, key: str) -> None:
        with self._guard:
            users = self._locks[key][1]
            users[0] -= 1
            if not users[0]:
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


_in_flight = InFlight()


def cacheable(callback_map: dict) -> frozenset[str]:
    """The outputs (Dash's output strings) of callbacks whose answers may be kept: they take the URL's query
    string, and nothing a person clicks, uploads or downloads."""
    keep = set()
    for output, spec in callback_map.items():
        inputs = spec.get("inputs", [])
        if not any(i.get("id") == "url" and i.get("property") == "search" for i in inputs):
            continue
        if any(i.get("property") in _ACTIONS for i in inputs) or "download" in output.lower():
            continue
        if any(i.get("id") in _STATE for i in [*inputs, *spec.get("state", [])]):
            continue
        keep.add(output)
    return frozenset(keep)


def _key(body: dict, viewer, version: str) -> str:
    # the reader's language too: the same callback with the same inputs answers in French for a French reader
    text = json.dumps([version, repr(viewer), i18n.current_language(), body], sort_keys=True, default=str)
    return f"{version}/answer:" + hashlib.sha256(text.encode()).hexdigest()  # the version first: filecache.py


def init(app) -> None:
    """Serve kept answers before Dash runs a callback, and keep the answers it gives."""
    server = app.server
    # Callback answers are encoded by plotly's JSON writer. With orjson installed it first rewrites the whole answer
    # in Python, value by value, for orjson: slower than its json engine (the standard library's C encoder) on
    # answers carrying a grid, for the same text either way (bench/README.md, "Figures behind the app's comments").
    plotly.io.json.config.default_engine = "json"

    @server.before_request
    def _reuse():
        if request.method != "POST" or request.path != CALLBACK_PATH:
            return None
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("output"), str):
            return None
        allowed = server.extensions.get("scn_cacheable")
        if allowed is None:  # Dash fills its callback map on the first request
            allowed = server.extensions["scn_cacheable"] = cacheable(app.callback_map)
        if body["output"] not in allowed:
            return None
        try:
            version = db.database_version()
        except db.DatabaseMissing:
            return None
        key = _key(body, g.get("scn_viewer", NOBODY), version)
        kept = db.cache.get(key)
        if kept is None and _in_flight.acquire(key, WAIT_S):
            g.scn_answer_lock = key  # released when the request ends (_release), whatever happens to it
            kept = db.cache.get(key)  # kept meanwhile by the request this one waited for
        if kept is not None:
            return Response(kept, mimetype="application/json")
        g.scn_answer_key = key
        return None

    @server.after_request
    def _keep(response):
        key = g.pop("scn_answer_key", None)
        if key and response.status_code == 200 and "Content-Encoding" not in response.headers:
            db.cache.set(key, response.get_data())
        return response

    @server.teardown_request
    def _release(_error):
        key = g.pop("scn_answer_lock", None)
        if key:
            _in_flight.release(key)
