"""Simulated dashboard users for the concurrency benchmark (bench/concurrency.py runs it; or by hand:
`SCN_BENCH_FILTERS='[["default", ""]]' locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s --host ...`).

Each user signs in once through the login form, then loops: open one of the four main pages with a filter
choice from the benchmark's mix (the page's callbacks posted at once, as Dash's renderer fires them), think
for about a second, and again. Requests are named after the callback, so the CSV has one row per callback.
"""

from __future__ import annotations

import json
import os
import random
import time

import gevent
from locust import HttpUser, between, events, task

from bench import appserver

FILTERS = [search for _, search in json.loads(os.environ.get("SCN_BENCH_FILTERS", '[["default", ""]]'))]
_CALLBACKS: list[appserver.Callback] = []  # the same for every user: read from the app once per process
# Written to the file SCN_BENCH_PAGES names when the run ends: milliseconds from the first callback of a page to
# its last answer, one per page opened (the page rate, and what a person waits for), and (when answered, ms) of
# every callback request (locust's own totals also count the sign-ins and the setup requests).
_PAGE_MS: list[float] = []
_CALLBACK_MS: list[tuple[float, float]] = []


@events.request.add_listener
def _record(name: str, response_time: float, **_kwargs) -> None:
    if not name.startswith("/"):  # callbacks are named after their output; sign-in and setup by their path
        _CALLBACK_MS.append((time.monotonic(), response_time))


@events.quitting.add_listener
def _write_pages(**_kwargs) -> None:
    if os.environ.get("SCN_BENCH_PAGES"):
        with open(os.environ["SCN_BENCH_PAGES"], "w", encoding="utf-8") as out:
            json.dump({"pages": _PAGE_MS, "callbacks": _CALLBACK_MS}, out)


class DashboardUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        with self.client.get("/login", name="/login", catch_response=True) as page:
            token = appserver.csrf_token(page.text)
        self.client.post("/login", name="/login", allow_redirects=False, data={
            "email": appserver.DEMO_USER[0], "password": appserver.DEMO_USER[1], "csrf_token": token})
        if not _CALLBACKS:
            found = appserver.page_callbacks(self.client, self.host)
            # checked again after the requests above: users start concurrently, and each one that found the list
            # empty used to add its own copy, so every page posted each callback several times (4x the load)
            if not _CALLBACKS:
                _CALLBACKS.extend(found)
        self.pages: dict[str, list[appserver.Callback]] = {}
        for cb in _CALLBACKS:
            self.pages.setdefault(cb.page, []).append(cb)

    @task
    def open_page(self) -> None:
        callbacks = self.pages[random.choice(sorted(self.pages))]
        search = random.choice(FILTERS)
        started = time.perf_counter()
        gevent.joinall([gevent.spawn(self._post, cb, search) for cb in callbacks])
        _PAGE_MS.append(1000 * (time.perf_counter() - started))

    def _post(self, cb: appserver.Callback, search: str) -> None:
        with self.client.post(appserver.CALLBACK, json=cb.body(search), name=cb.name, catch_response=True) as r:
            if r.status_code != 200:
                # status 0: no HTTP answer; name the client's error (e.g. a reset connection) rather than hide it
                r.failure(f"HTTP {r.status_code}" + (f" {r.error!r}"[:160] if r.error else ""))
            elif "response" not in r.text[:200]:
                r.failure("no outputs in the response")
