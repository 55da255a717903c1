"""What each callback input may carry, and for which role: the one check of every value a request sends.

Dash runs a callback with whatever the browser posts. The gate (auth.py) passes every callback request through
`check` before Dash sees it: the body must have the shape of the callback it names (its outputs, inputs and
state, in order, with the same ids and properties), and every input and state value must be one its rule
allows *for the viewer*: a region a hub lead does not cover, a donor preview asked by anyone but network staff,
a click count that is text, a date that is not one. Anything else is refused with 400 before any callback runs,
so an exception inside a callback is the app's own fault (a logged 500), never a crafted value.

There is a rule for every input of every server callback: `missing()` lists the ones without, the app refuses
to start while there are any (auth.init), and tests/dashboards/security checks the list from Dash's callback map. Rules
are keyed by (component id, property); a pattern-matching id by its "type". A page declares the rules of its
own controls with `declare()` beside its layout; shared components' rules are here. A URL a person can paste
is not refused but narrowed, with a notice (filters.from_query): that is the filters' job, not this one's.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dashboards.filters import PRESETS
from dashboards.security.access import NETWORK, Viewer, chosen_regions
from data_pipeline.contract import EVENT_TYPES, REGIONS

MAX_TEXT = 2_000  # a query string, a path: longer is not one a page writes
MAX_ROWS = 100_000  # a grid's rows sent back for an Excel download
MAX_ITEMS = 300  # choices in a multi-select
MAX_DEPTH = 6  # nesting of a value a grid or store sends back


class Refused(ValueError):
    """A callback request that does not match its callback or carries a value the viewer may not send."""


@dataclass(frozen=True)
class Allowed:
    """A rule for one input: `accepts(value, viewer)`, an `example` of a value it accepts for a viewer (the
    security tests start from it), and what it allows, in words (for the 400's log line)."""

    accepts: Callable[[object, Viewer], bool]
    example: Callable[[Viewer], object]
    about: str


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional(test: Callable[[object], bool]) -> Callable[[object, Viewer], bool]:
    return lambda value, _viewer: value is None or test(value)


def text(limit: int = MAX_TEXT, *, example: str = "") -> Allowed:
    """None or a string of at most `limit` characters."""
    return Allowed(_optional(lambda v: isinstance(v, str) and len(v) <= limit), lambda _: example,
                   f"text of at most {limit} characters")


def one_of(values: Iterable[str] | Callable[[Viewer], Iterable[str]], *, none: bool = True) -> Allowed:
    """One of `values` (or of what a function of the viewer gives), or None when `none`."""
    choices = values if callable(values) else (lambda fixed: lambda _viewer: fixed)(tuple(values))

    def accepts(value, viewer):
        return (none and value is None) or (isinstance(value, str) and value in choices(viewer))

    return Allowed(accepts, lambda viewer: next(iter(choices(viewer)), None), "one of the listed choices")


def many_of(values: Iterable[str] | Callable[[Viewer], Iterable[str]] | None = None, *,
            pattern: str | None = None, limit: int = 80) -> Allowed:
    """None or a list of distinct strings, each one of `values` (or matching `pattern`, of at most `limit`
    characters)."""
    fixed = None if values is None or callable(values) else tuple(values)
    matcher = re.compile(pattern) if pattern else None

    def accepts(value, viewer):
        if value is None:
            return True
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            return False
        allowed = fixed if fixed is not None else (tuple(values(viewer)) if callable(values) else None)
        return all(isinstance(v, str) and len(v) <= limit and (allowed is None or v in allowed)
                   and (matcher is None or matcher.fullmatch(v)) for v in value)

    return Allowed(accepts, lambda _: [], "a list of the listed choices")


def _is_day(value: object) -> bool:
    if not isinstance(value, str) or len(value) > 32:
        return False
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True


def _plain(value: object, depth: int = 0) -> bool:
    """JSON of bounded depth whose leaves are short scalars (what a grid or a store sends back)."""
    if depth > MAX_DEPTH:
        return False
    if value is None or isinstance(value, bool | int | float):
        return True
    if isinstance(value, str):
        return len(value) <= 10_000
    if isinstance(value, list):
        return len(value) <= MAX_ROWS and all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= 200 and all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


CLICKS = Allowed(_optional(lambda v: _is_int(v) and 0 <= v < 2**31), lambda _: 1, "a click count")
DAY = Allowed(_optional(_is_day), lambda _: None, "a date (YYYY-MM-DD)")
FLAG = Allowed(_optional(lambda v: isinstance(v, bool)), lambda _: False, "true or false")
ROWS = Allowed(_optional(lambda v: isinstance(v, list) and all(isinstance(r, dict) for r in v) and _plain(v)),
               lambda _: [], "a list of rows")
COLUMNS = Allowed(_optional(lambda v: isinstance(v, list) and len(v) <= 200 and all(isinstance(c, dict) for c in v)
                            and _plain(v)), lambda _: [], "a list of column definitions")
STORE = Allowed(_optional(lambda v: _plain(v) and len(json.dumps(v)) <= 10_000), lambda _: None, "a small value")
FILES = Allowed(_optional(lambda v: isinstance(v, str) or (isinstance(v, list) and len(v) <= 50
                                                           and all(isinstance(f, str) for f in v))),
                lambda _: None, "uploaded files")
PATH = Allowed(lambda v, _: isinstance(v, str) and v.startswith("/") and len(v) <= 500, lambda _: "/",
               "a path on this site")
QUERY = Allowed(_optional(lambda v: isinstance(v, str) and (v == "" or v.startswith("?")) and len(v) <= MAX_TEXT),
                lambda _: "?period=all", "a query string")


def regions(viewer: Viewer) -> tuple[str, ...]:
    """The regions a viewer may choose: a hub lead's own, everyone else's all."""
    return chosen_regions(viewer) or REGIONS


# (component id, property) -> rule; a pattern-matching id is keyed by its "type".
RULES: dict[tuple[str, str], Allowed] = {}
# Rules by property alone, for what means the same on any component.
BY_PROPERTY: dict[str, Allowed] = {"n_clicks": CLICKS}
# Pattern-matching ids: the concrete ids a MATCH or ALL may stand for, by the pattern's "type" (any test passes).
WILDCARDS: dict[str, list[Callable[[dict], bool]]] = {}


def declare(component_id: str | dict, prop: str, rule: Allowed) -> None:
    """Say what `prop` of the component may carry (a page does this for its own controls, beside its layout)."""
    RULES[(_key(component_id), prop)] = rule


def ids_of(pattern_type: str, accepts: Callable[[dict], bool]) -> None:
    """Say which concrete ids a pattern-matching wildcard of `pattern_type` may stand for (the charts a page's
    CSV buttons download, the filters a chip clears)."""
    WILDCARDS.setdefault(pattern_type, []).append(accepts)


def _key(component_id) -> str:
    if isinstance(component_id, str) and component_id.startswith("{"):
        component_id = json.loads(component_id)
    if isinstance(component_id, dict):
        return str(component_id.get("type"))
    return str(component_id)


def rule_for(component_id, prop: str) -> Allowed | None:
    return RULES.get((_key(component_id), prop)) or BY_PROPERTY.get(prop)


def _shared() -> None:
    """The rules of the shell, the filter bar, Dash's page router and the shared components."""
    from dashboards import ids

    # Dash's own page router's location and store take the same rules, declared by the shell (shell/frame.py),
    # which owns the one module naming them: importing the shell here would import every module it shows.
    declare(ids.URL, "search", QUERY)
    declare(ids.URL, "pathname", PATH)
    declare(ids.FILTER_PERIOD, "value", one_of(PRESETS))
    declare(ids.FILTER_QUARTER, "value", Allowed(_optional(lambda v: isinstance(v, str)
                                                           and re.fullmatch(r"\d{4}-Q[1-4]", v) is not None),
                                                 lambda _: None, "a quarter such as 2024-Q3"))
    declare(ids.FILTER_RANGE, "start_date", DAY)
    declare(ids.FILTER_RANGE, "end_date", DAY)
    declare(ids.FILTER_REGION, "value", many_of(regions))
    declare(ids.FILTER_COUNTRY, "value", many_of(pattern=r"[A-Za-z]{3}", limit=3))
    declare(ids.FILTER_EVENT_TYPE, "value", many_of(EVENT_TYPES))
    declare(ids.FILTER_TOPIC, "value", many_of(limit=80))
    declare("nav-collapse", "is_open", FLAG)
    for prop in ("rowData", "virtualRowData"):
        declare(ids.GRID, prop, ROWS)
    declare(ids.GRID, "columnDefs", COLUMNS)
    grid_name = re.compile(r"[a-z0-9-]{1,80}")
    for kind in (ids.GRID, ids.GRID_CSV, ids.GRID_XLSX, ids.GRID_DOWNLOAD):
        ids_of(kind, lambda i: isinstance(i.get("grid"), str) and grid_name.fullmatch(i["grid"]) is not None)
    ids_of(ids.CHIP_CLEAR, lambda i: i.get("key") in ("period", "region", "country", "event", "topic"))
    # the data page's upload (dashboards/pages/upload.py): files as data URLs, their names, the staged upload's id
    data = ids.PageIds("data")
    declare(data("upload"), "contents", FILES)
    declare(data("upload"), "filename", FILES)
    declare(data("staged"), "data", text(80))
    declare(data("confirm"), "value", FLAG)  # "publish although it removes data"
    declare(data("rollback-confirm"), "value", FLAG)
    # a published version's id: its own form is checked by data_pipeline.versions before anything reads it
    declare(data("version"), "value", text(40))


_shared()


# --- checking a request --------------------------------------------------------------------------------------

def server_callbacks(callback_map: dict) -> dict[str, dict]:
    """The callbacks that run on the server (clientside ones never do: a request naming one is refused)."""
    return {out: spec for out, spec in callback_map.items() if callable(spec.get("callback"))}


def missing(callback_map: dict) -> list[str]:
    """"id.property" of every input and state of a server callback that has no rule."""
    found = []
    for spec in server_callbacks(callback_map).values():
        for dep in [*spec.get("inputs", []), *spec.get("state", [])]:
            if rule_for(dep["id"], dep["property"]) is None:
                found.append(f"{dep['id']}.{dep['property']}")
    return sorted(set(found))


def _declared_id(raw: str):
    return json.loads(raw) if raw.startswith("{") else raw


def _wildcard(value) -> str | None:
    return value[0] if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) else None


def _id_matches(sent, declared) -> bool:
    """A concrete id the browser sent against the declared one (a pattern's wildcards take a short key)."""
    if isinstance(declared, str):
        return sent == declared
    if not isinstance(sent, dict) or set(sent) != set(declared):
        return False
    wild = False
    for key, want in declared.items():
        got = sent[key]
        if _wildcard(want):
            if not ((isinstance(got, str) and len(got) <= 200) or _is_int(got)):
                return False
            wild = True
        elif got != want:
            return False
    return not wild or any(test(sent) for test in WILDCARDS.get(str(declared.get("type")), []))


def _items(sent, declared: dict) -> list[dict]:
    """The concrete items of one declared dependency: one dict, or a list of them for an ALL wildcard (the
    renderer leaves "value" out when it is undefined: None to the callback)."""
    did = _declared_id(declared["id"])
    multi = isinstance(did, dict) and any(_wildcard(v) in ("ALL", "ALLSMALLER") for v in did.values())
    items = sent if multi else [sent]
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise Refused(f"{declared['id']}.{declared['property']}: expected {'a list' if multi else 'one item'}")
    for item in items:
        if not (isinstance(item, dict) and item.get("property") == declared["property"]
                and _id_matches(item.get("id"), did)):
            raise Refused(f"expected {declared['id']}.{declared['property']}")
    return items


def _prop_id(item: dict) -> str:
    cid = item["id"]
    if isinstance(cid, dict):
        cid = json.dumps(cid, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{cid}.{item['property']}"


def _outputs(body: dict, output: str) -> None:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    sent = body.get("outputs")
    if output.startswith(".."):
        if not isinstance(sent, list) or len(sent) != len(parts):
            raise Refused("outputs do not match the callback")
    else:
        sent = [sent]
    for item, part in zip(sent, parts, strict=True):
        raw, prop = (part[: part.rindex("}") + 1], part[part.rindex("}") + 2:]) if part.startswith("{") \
            else part.rsplit(".", 1)
        _items(item, {"id": raw, "property": prop})


def check(body: object, callback_map: dict, viewer: Viewer) -> str:
    """The callback `body` names, if the body matches it and every value is allowed for `viewer`; else Refused.

    Matching means what Dash's dispatch reads: `outputs`, `inputs` and `state` in the declared order with the
    declared ids and properties, and `changedPropIds` naming only inputs sent.
    """
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise Refused("not a callback request")
    output = body["output"]
    spec = server_callbacks(callback_map).get(output)
    if spec is None:
        raise Refused("unknown callback")
    _outputs(body, output)
    sent_ids = set()
    for part, declared_list in (("inputs", spec.get("inputs", [])), ("state", spec.get("state", []))):
        sent = body.get(part, [])
        if not isinstance(sent, list) or len(sent) != len(declared_list):
            raise Refused(f"{part} do not match the callback")
        for item, declared in zip(sent, declared_list, strict=True):
            rule = rule_for(declared["id"], declared["property"])
            for one in _items(item, declared):
                if rule is None or not rule.accepts(one.get("value"), viewer):
                    about = rule.about if rule else "no rule"
                    raise Refused(f"{declared['id']}.{declared['property']}: not allowed ({about})")
                if part == "inputs":
                    sent_ids.add(_prop_id(one))
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) and c in sent_ids for c in changed):
        raise Refused("changedPropIds names no input of the callback")
    return output


def examples(dep: dict, viewer: Viewer) -> dict:
    """{(id, property): a value the rule accepts for `viewer`} for each input and state of a dependency as
    /_dash-dependencies lists it (what the security tests start from before changing one value)."""
    found = {}
    for d in [*dep.get("inputs", []), *dep.get("state", [])]:
        rule = rule_for(d["id"], d["property"])
        found[(d["id"], d["property"])] = rule.example(viewer) if rule else None
    return found


def network_staff(viewer: Viewer) -> bool:
    """Staff who cover the whole network (a hub lead covers one region)."""
    return viewer.scope == NETWORK
