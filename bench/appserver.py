"""What the app benchmarks share: a built database per scale, the app in a child process, a signed-in HTTP
session, and callback request bodies built from the app's own `/_dash-dependencies`.

The bodies are what Dash's renderer posts to `/_dash-update-component`: the callback's `output` string, its
`outputs`, the `inputs` (the URL's query string for the filters, each other input at its layout value) and the
`state`. Layout values are read from the page itself (the `_pages_content` callback), so a changed default of a
segmented control does not need a change here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import requests

from bench import datasets

REPO = Path(__file__).resolve().parent.parent
BUILT = datasets.DATA_DIR / "built"
PYTHON = sys.executable
DEMO_USER = ("admin@demo.scn", "demo-password-not-secret")  # dashboards/security/users.py DEMO_ACCOUNTS
CALLBACK = "/_dash-update-component"
# The four pages whose main callbacks are measured, by the prefix of their component ids.
PAGES = {"overview": "/", "membership": "/membership", "training": "/training", "grants": "/grants"}


# --- databases ----------------------------------------------------------------------------------------------------

def _fingerprint(source: Path) -> str:
    """Changes when the pipeline code, its SQL or the source set changes: then the cached build is stale."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "data_pipeline").rglob("*")):
        if path.suffix in (".py", ".sql") and path.is_file():
            digest.update(path.relative_to(REPO).as_posix().encode() + path.read_bytes())
    digest.update((source / datasets._COUNTS).read_bytes())
    return digest.hexdigest()[:16]


def built_db(scale: float, say=print) -> Path:
    """The DuckDB file built from the demo set at `scale`, built once into bench/data/built/ and reused while
    the pipeline and the source set are unchanged."""
    source = datasets.ensure(scale, say)
    folder = BUILT / f"scale-{scale:g}"
    db, stamp = folder / "scn.duckdb", folder / "fingerprint"
    wanted = _fingerprint(source)
    if db.exists() and stamp.exists() and stamp.read_text() == wanted:
        return db
    folder.mkdir(parents=True, exist_ok=True)
    say(f"building the database at scale {scale:g} into {db}")
    subprocess.run([PYTHON, "-m", "data_pipeline", "build", "--source", str(source), "--db", str(db)],
                   cwd=REPO, check=True, capture_output=True)
    stamp.write_text(wanted)
    return db


def as_of(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select as_of from meta_build").fetchone()[0]
    finally:
        con.close()


def filter_sets(db: Path) -> list[tuple[str, str]]:
    """A realistic mix of filter choices as (label, URL query string), the values taken from the database so
    every set selects data: the default period and all time, a finished quarter and last year, none, one and
    two regions, the busiest country, an event type and the commonest topic, alone and combined."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        day = con.execute("select as_of from meta_build").fetchone()[0]
        region, region2 = [r for (r,) in con.execute(
            "select region from fct_events where region is not null group by 1 order by count(*) desc limit 2")
            .fetchall()]
        country = con.execute("select country_iso3 from fct_events where country_iso3 is not null "
                              "group by 1 order by count(*) desc limit 1").fetchone()[0]
        topic = con.execute("select topic from fct_events where topic is not null group by 1 "
                            "order by count(*) desc limit 1").fetchone()[0]
    finally:
        con.close()
    slug = lambda text: re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")  # noqa: E731 (filters.slug)
    q_year, q = (day.year, (day.month - 1) // 3) if day.month > 3 else (day.year - 1, 4)
    quarter = f"{q_year}-Q{q}"  # the last finished quarter
    sets = [
        ("default (last 12 months)", {}),
        ("all time", {"period": "all"}),
        (f"quarter {quarter}", {"period": quarter}),
        ("last year", {"period": "last-year"}),
        ("one region", {"region": [slug(region)]}),
        ("two regions", {"region": [slug(region), slug(region2)]}),
        ("one country, all time", {"period": "all", "country": [country]}),
        ("event type workshop", {"event": ["workshop"]}),
        (f"topic {topic}", {"topic": [topic]}),
        ("last year, region, training", {"period": "last-year", "region": [slug(region)], "event": ["training"]}),
        ("quarter, two regions", {"period": quarter, "region": [slug(region), slug(region2)]}),
        ("all time, region, topic", {"period": "all", "region": [slug(region2)], "topic": [topic]}),
    ]
    return [(label, "?" + urlencode(params, doseq=True) if params else "") for label, params in sets]


# --- the app in a child process -----------------------------------------------------------------------------------

@dataclass
class Server:
    """An app started by this benchmark (and only stopped by it, by its own process group)."""

    process: subprocess.Popen
    base: str
    log: Path
    scratch: Path

    def worker_pids(self) -> list[int]:
        """The gunicorn workers (children of the master), or the process itself when it serves alone."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(p) for p in children.read_text().split()] if children.exists() else []
        return pids or [self.process.pid]


def app_env(db: Path, scratch: Path, port: int, **extra: str) -> dict:
    env = dict(os.environ)
    env.update({"SCN_DEMO": "1", "SCN_DB": str(db), "SCN_PORT": str(port), "SCN_HOST": "127.0.0.1",
                "SCN_USERS": str(scratch / "users.sqlite"), "SCN_AUDIT_LOG": str(scratch / "audit.jsonl")})
    env.update(extra)
    return env


@contextmanager
def serve(db: Path, port: int, *, command: list[str] | None = None, env_extra: dict | None = None,
          ready_path: str = "/login", timeout: float = 120) -> Iterator[Server]:
    """Start the app (default `python app.py`; or `command`, e.g. gunicorn or the peer app) on `port` with a
    fresh user store and audit log, wait until it answers, and stop it afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="scn-bench-app-"))
    log = scratch / "app.log"
    env = app_env(db, scratch, port, **(env_extra or {}))
    handle = log.open("wb")
    process = subprocess.Popen(command or [PYTHON, "app.py"], cwd=REPO, env=env, stdout=handle,
                               stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}", log, scratch)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the app exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if requests.get(server.base + ready_path, timeout=10).status_code < 500:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still importing
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # our own child's group only
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        handle.close()


def csrf_token(login_page: str) -> str:
    """The hidden CSRF token of the login form."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', login_page)
    if token is None:
        raise RuntimeError("no csrf_token on /login")
    return token.group(1)


def sign_in(base: str, user: tuple[str, str] = DEMO_USER) -> requests.Session:
    """A session signed in through the login form (its CSRF token included)."""
    session = requests.Session()
    token = csrf_token(session.get(base + "/login", timeout=30).text)
    answer = session.post(base + "/login", data={"email": user[0], "password": user[1],
                                                 "csrf_token": token}, allow_redirects=False, timeout=30)
    if answer.status_code != 302 or "scn_session" not in session.cookies:
        raise RuntimeError(f"sign-in failed: {answer.status_code} {answer.text[:200]}")
    return session


# --- callback bodies ----------------------------------------------------------------------------------------------

def _parse_id(text: str):
    return json.loads(text) if text.startswith("{") else text


def _outputs(output: str) -> list[dict]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [{"id": _parse_id(p.rsplit(".", 1)[0]), "property": p.rsplit(".", 1)[1]} for p in parts]


def _id_text(component_id) -> str:
    return component_id if isinstance(component_id, str) else json.dumps(component_id, sort_keys=True)


@dataclass
class Callback:
    """One server callback of a page, named by its first output (`overview-map` for overview-map-graph)."""

    name: str
    page: str
    output: str
    outputs: list[dict]
    inputs: list[dict]
    state: list[dict]
    values: dict = field(default_factory=dict)  # layout value of each non-URL input/state, by "id.prop"

    def body(self, search: str) -> dict:
        def arg(dep):
            if (dep["id"], dep["property"]) == ("url", "search"):
                return {"id": "url", "property": "search", "value": search}
            value = self.values.get(f"{_id_text(dep['id'])}.{dep['property']}")
            return {"id": dep["id"], "property": dep["property"], "value": value}

        return {"output": self.output, "outputs": self.outputs if len(self.outputs) > 1 else self.outputs[0],
                "inputs": [arg(d) for d in self.inputs], "state": [arg(d) for d in self.state],
                "changedPropIds": ["url.search"]}


def _name(outputs: list[dict]) -> str:
    first = outputs[0]["id"]
    text = first if isinstance(first, str) else first.get("grid") or first.get("chart") or _id_text(first)
    if not isinstance(text, str):  # a wildcard id ({"chart": ["ALL"]}: the notes beside every chart of a page)
        text = _id_text(first)
    return re.sub(r"-(graph|note)$", "", text)


def page_callbacks(session: requests.Session, base: str, pages=PAGES, *, layouts: bool = True) -> list[Callback]:
    """The server callbacks of `pages` that run when the page opens and take the URL's query string; with
    `layouts`, each other input and state at its value in the page's layout (the peer app has no pages and its
    callbacks take the URL alone)."""
    deps = session.get(base + "/_dash-dependencies", timeout=30).json()
    found = []
    for dep in deps:
        if dep.get("clientside_function") or dep.get("prevent_initial_call"):
            continue
        if not any(i["id"] == "url" and i["property"] == "search" for i in dep["inputs"]):
            continue
        outputs = _outputs(dep["output"])
        name = _name(outputs)
        page = name.split("-", 1)[0]
        if page in pages:
            found.append(Callback(name, page, dep["output"], outputs,
                                  [{"id": i["id"], "property": i["property"]} for i in dep["inputs"]],
                                  [{"id": s["id"], "property": s["property"]} for s in dep["state"]]))
    for page in {cb.page for cb in found} if layouts else ():
        values = layout_values(session, base, pages[page])
        for cb in found:
            if cb.page == page:
                cb.values = values
    return found


def layout_values(session: requests.Session, base: str, path: str) -> dict:
    """Every component property of a page's layout as {"id.prop": value}, from the page-content callback."""
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}
    answer = session.post(base + CALLBACK, json=body, timeout=60)
    answer.raise_for_status()
    values: dict = {}

    def walk(node):
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and "id" in props:
                for key, value in props.items():
                    if key not in ("id", "children"):
                        values[f"{_id_text(props['id'])}.{key}"] = value
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(answer.json())
    return values


def post(session: requests.Session, base: str, cb: Callback, search: str) -> tuple[float, int, dict]:
    """POST one callback; (milliseconds, response bytes, JSON). Raises unless 200 with every output."""
    started = time.perf_counter()
    answer = session.post(base + CALLBACK, json=cb.body(search), timeout=300)
    ms = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{cb.name} {search!r}: HTTP {answer.status_code} {answer.text[:300]}")
    data = answer.json()
    got = data.get("response", {})
    missing = [o for o in cb.outputs if _id_text(o["id"]) not in {_id_text(_parse_id(k)) if k.startswith("{")
                                                                   else k for k in got}]
    if missing:
        raise RuntimeError(f"{cb.name} {search!r}: outputs missing from the response: {missing}")
    return ms, len(answer.content), data
