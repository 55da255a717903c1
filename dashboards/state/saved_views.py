"""Saved views: a person names the page and filters they are looking at ("MENA, this year, trainings") and finds
it again; staff share one with a role.

A saved view is a URL of this site: a known page and the filter bar's query keys, nothing else. It is checked
before it is stored (`checked_url`: the page must be one the person may open, every key one the filter bar writes
and every value one the filter bar's allowed-values rule accepts from that person, dashboards/security/allowed.py) and
stored in its canonical form (filters.to_query). Opening it is opening that URL: the page parses its filters as
for any link, narrowed to what the viewer covers, and `region_notice` says what was left out (a hub lead opening a
colleague's view of another region sees their own, and is told).

Stored in the app's state file (dashboards/state/store.py), outside the analytics database. Who may do what, checked
here on every call (docs/security.md):
- anyone signed in saves, lists, opens and removes their own views (the public visitor has no account, so none);
- administrators and programme managers share their own views with a role whose pages include the view's page
  (never the public); the others save for themselves only;
- a view shared with a role is listed to everyone of that role who may open its page; only its owner changes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from dashboards import filters, ids, settings
from dashboards.filters import Filters
from dashboards.i18n import N_, Refused, _
from dashboards.security import allowed, audit
from dashboards.security.access import ROLES, Viewer, chosen_regions
from dashboards.state import store as appstate
from data_pipeline.contract import REGIONS

# The pages a view can show, by path (as each page module registers itself with Dash; a test compares them).
PAGE_PATHS = {"/": "overview", "/membership": "membership", "/training": "training", "/grants": "grants",
              "/regions": "regions", "/impact": "impact", "/data": "data_quality", "/pack": "pack"}
CITY_PATH = re.compile(r"^/city/([A-Za-z0-9_.-]{1,64})$")
# The query keys the filter bar writes (filters.to_query), with the control whose allowed-values rule checks each.
FILTER_KEYS = {"period": ids.FILTER_PERIOD, "from": ids.FILTER_RANGE, "to": ids.FILTER_RANGE,
               "region": ids.FILTER_REGION, "country": ids.FILTER_COUNTRY, "event": ids.FILTER_EVENT_TYPE,
               "topic": ids.FILTER_TOPIC}
SHARERS = frozenset({"admin", "programme_manager"})
MAX_NAME = 80
MAX_VIEWS = 200  # per person

TEXT = {
    "no_account": N_("only people who sign in can save views"),
    "name": N_("a view needs a name of 1 to {n} characters"),
    "duplicate": N_("you already have a view named {name!r}"),
    "too_many": N_("you have {n} saved views; remove some first"),
    "not_site": N_("{url!r} is not a page of this dashboard"),
    "unknown_page": N_("{path!r} is not a page of this dashboard"),
    "page_closed": N_("your role may not open {path}"),
    "unknown_key": N_("{key!r} is not a filter of the dashboard (filters are: {keys})"),
    "bad_value": N_("{key}={value!r} is not a value the filter bar offers you"),
    "unused": N_("{key} is only used with period=custom"),
    "fragment": N_("a saved view keeps the page and its filters only, not a #fragment"),
    "not_found": N_("there is no view {id} of yours or shared with your role"),
    "not_owner": N_("only the owner of view {id} may change it"),
    "no_sharing": N_("only administrators and programme managers share views"),
    "share_role": N_("role {role!r} is not one a view can be shared with ({roles})"),
    "share_page": N_("the {role} role may not open {path}, so the view cannot be shared with it"),
    "notice": N_("Not in your view: {left_out}. Showing {shown}."),
}

SCHEMA = """
create table if not exists saved_views (
    id integer primary key,
    owner text not null,
    name text not null,
    url text not null,
    page text not null,
    created_at text not null,
    unique (owner, name collate nocase)
);
create table if not exists saved_view_shares (
    view_id integer not null references saved_views (id) on delete cascade,
    role text not null,
    shared_by text not null,
    shared_at text not null,
    primary key (view_id, role)
)
"""


class ViewRefused(Refused):
    """A view that may not be saved, shared, opened or removed as asked; the message says why."""

    TEXT = TEXT


@dataclass(frozen=True)
class SavedView:
    """A named URL: its page, who saved it, and the roles it is shared with."""

    id: int
    name: str
    url: str
    page: str
    owner: str
    created_at: str
    shared_with: tuple[str, ...] = ()

    def mine(self, viewer: Viewer) -> bool:
        return self.owner == viewer.user


@dataclass(frozen=True)
class Opened:
    """What opening a view gives: the URL to go to and, when the viewer's limits narrow it, what was left out."""

    url: str
    notice: str | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _signed_in(viewer: Viewer) -> None:
    if viewer.kind is None or viewer.role == "public":
        raise ViewRefused("no_account")


def checked_url(viewer: Viewer, url: str) -> tuple[str, str]:
    """(the canonical URL, its page) of `url` if it is a view `viewer` may save; else ViewRefused saying why."""
    text = str(url or "").strip()
    if not text or len(text) > allowed.MAX_TEXT:
        raise ViewRefused("not_site", url=text[:80])
    parts = urlsplit(text)
    own = urlsplit(settings.get().app_url)
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
        raise ViewRefused("not_site", url=text[:80])
    if parts.fragment:
        raise ViewRefused("fragment")
    path = parts.path or "/"
    page = PAGE_PATHS.get(path) or ("city" if CITY_PATH.match(path) else None)
    if page is None:
        raise ViewRefused("unknown_page", path=path[:80])
    if not viewer.may_open(page):
        raise ViewRefused("page_closed", path=path)
    if page == "city":
        _check_city(viewer, CITY_PATH.match(path).group(1), path)
    return path + checked_query(viewer, parts.query), page


def _check_city(viewer: Viewer, city_id: str, path: str) -> None:
    """A city profile is a view only of a city the viewer may see (a confidential member's is "not found")."""
    from dashboards.queries import city

    if city.profile(city_id, viewer=viewer).empty:
        raise ViewRefused("unknown_page", path=path)


def checked_query(viewer: Viewer, query: str | None, *, other_regions: bool = False) -> str:
    """The canonical query string ("?period=2026-Q3&region=mena", or "") of `query` if every key is one the filter
    bar writes and every value one its allowed-values rule accepts from `viewer`; else ViewRefused saying which.
    With `other_regions`, regions the viewer does not cover pass (any known region): the query is one someone else
    chose (a pack set, a shared view), which the page narrows to the viewer's regions with a notice."""
    query = str(query or "").removeprefix("?")
    params = parse_qs(query, keep_blank_values=True)
    for key, values in params.items():
        if key not in FILTER_KEYS:
            raise ViewRefused("unknown_key", key=key[:40], keys=", ".join(FILTER_KEYS))
        if len(values) > 1 and key in ("period", "from", "to"):
            raise ViewRefused("bad_value", key=key, value=values)
    first = {k: v[0] for k, v in params.items()}
    period = first.get("period")
    if period is not None:
        # a preset, or a quarter ("2026-Q3"): the URL's form of the period control set to "a quarter"
        preset = period != "quarter" and _accepts(ids.FILTER_PERIOD, period, viewer)
        if not (preset or (period and _accepts(ids.FILTER_QUARTER, period, viewer))):
            raise ViewRefused("bad_value", key="period", value=period)
    for key, prop in (("from", "start_date"), ("to", "end_date")):
        if key in first:
            if period != "custom":
                raise ViewRefused("unused", key=key)
            if not first[key] or not _accepts(ids.FILTER_RANGE, first[key], viewer, prop=prop):
                raise ViewRefused("bad_value", key=key, value=first[key])
    if period == "custom" and not (first.get("from") or first.get("to")):
        raise ViewRefused("bad_value", key="period", value=period)
    lists = {"region": [filters.REGION_BY_SLUG.get(v, v) for v in params.get("region", [])],
             "country": params.get("country", []),
             "event": [filters.EVENT_TYPE_BY_SLUG.get(v, v) for v in params.get("event", [])],
             "topic": params.get("topic", [])}
    for key, values in lists.items():
        known = other_regions and key == "region" and all(v in REGIONS for v in values)
        if values and (any(not v for v in values) or not (known or _accepts(FILTER_KEYS[key], values, viewer))):
            raise ViewRefused("bad_value", key=key, value=", ".join(params[key])[:80])
    return filters.to_query(_parsed(query))


def _parsed(query: str) -> Filters:
    """The filters a query string names, as written: no region named means none chosen (from_query given every
    region fills them all in, as it does for a page, where all means all)."""
    parsed = filters.from_query(query, allowed_regions=REGIONS)
    return parsed if _regions_named(query) else replace(parsed, regions=())


def _regions_named(query: str) -> tuple[str, ...]:
    named = [filters.REGION_BY_SLUG.get(v, v) for v in parse_qs(str(query or "").removeprefix("?")).get("region", [])]
    return tuple(r for r in REGIONS if r in named)


def _accepts(component: str, value, viewer: Viewer, *, prop: str = "value") -> bool:
    rule = allowed.rule_for(component, prop)
    return rule is not None and rule.accepts(value, viewer)


def _views(con, where: str, params: tuple) -> list[SavedView]:
    rows = con.execute(f"""select v.*, group_concat(s.role, '|') as shared
                           from saved_views v left join saved_view_shares s on s.view_id = v.id
                           where {where} group by v.id order by lower(v.name), v.id""", params).fetchall()
    return [SavedView(r["id"], r["name"], r["url"], r["page"], r["owner"], r["created_at"],
                      tuple(sorted(filter(None, (r["shared"] or "").split("|"))))) for r in rows]


def save(viewer: Viewer, name: str, url: str, *, path: Path | None = None) -> SavedView:
    """Save `url` (checked_url) under `name` for `viewer`."""
    _signed_in(viewer)
    name = " ".join(str(name or "").split())
    if not 1 <= len(name) <= MAX_NAME:
        raise ViewRefused("name", n=MAX_NAME)
    canonical, page = checked_url(viewer, url)
    with appstate.transaction(SCHEMA, path=path) as con:
        if con.execute("select count(*) from saved_views where owner = ?", (viewer.user,)).fetchone()[0] >= MAX_VIEWS:
            raise ViewRefused("too_many", n=MAX_VIEWS)
        if con.execute("select 1 from saved_views where owner = ? and lower(name) = lower(?)",
                       (viewer.user, name)).fetchone():
            raise ViewRefused("duplicate", name=name)
        view_id = con.execute("insert into saved_views (owner, name, url, page, created_at) values (?, ?, ?, ?, ?)",
                              (viewer.user, name, canonical, page, _now())).lastrowid
        view = _views(con, "v.id = ?", (view_id,))[0]
    audit.record("view_saved", actor=viewer.user, role=viewer.role, view=view_id, name=name, url=canonical)
    return view


def list_for(viewer: Viewer, *, path: Path | None = None) -> list[SavedView]:
    """`viewer`'s own views and those shared with their role, of pages they may open."""
    if viewer.kind is None or viewer.role == "public":
        return []
    with appstate.transaction(SCHEMA, path=path, write=False) as con:
        found = _views(con, "v.owner = ? or v.id in (select view_id from saved_view_shares where role = ?)",
                       (viewer.user, viewer.role))
    return [v for v in found if viewer.may_open(v.page)]


def get(viewer: Viewer, view_id: int, *, path: Path | None = None) -> SavedView:
    """One view `viewer` may open, else ViewRefused (the same answer whether it does not exist or is not theirs)."""
    for view in list_for(viewer, path=path):
        if view.id == view_id:
            return view
    raise ViewRefused("not_found", id=view_id)


def region_notice(viewer: Viewer, search: str) -> str | None:
    """What a link's regions leave out for `viewer` ("Not in your view: Europe. Showing MENA."), or None: the
    same narrowing the page applies to any link (filters.from_query)."""
    wanted = _regions_named(search)
    shown = filters.from_query(search, allowed_regions=chosen_regions(viewer) or REGIONS).regions
    left_out = [r for r in wanted if r not in shown]
    if not left_out:
        return None
    return _(TEXT["notice"]).format(left_out=", ".join(left_out), shown=", ".join(shown))


def open_view(viewer: Viewer, view_id: int, *, path: Path | None = None) -> Opened:
    """The URL of a view `viewer` may open, and what their limits leave out of it."""
    view = get(viewer, view_id, path=path)
    return Opened(view.url, region_notice(viewer, urlsplit(view.url).query))


def _own(con, viewer: Viewer, view_id: int) -> SavedView:
    found = _views(con, "v.id = ?", (view_id,))
    if not found or (not viewer.may_open(found[0].page) and not found[0].mine(viewer)):
        raise ViewRefused("not_found", id=view_id)
    if not found[0].mine(viewer):
        visible = viewer.role in found[0].shared_with
        raise ViewRefused("not_owner" if visible else "not_found", id=view_id)
    return found[0]


def share(viewer: Viewer, view_id: int, role: str, *, path: Path | None = None) -> SavedView:
    """Share `viewer`'s view with everyone of `role` (administrators and programme managers only)."""
    _signed_in(viewer)
    if viewer.role not in SHARERS:
        raise ViewRefused("no_sharing")
    roles = [r for r in ROLES if r != "public"]
    if role not in roles:
        raise ViewRefused("share_role", role=role, roles=", ".join(roles))
    with appstate.transaction(SCHEMA, path=path) as con:
        view = _own(con, viewer, view_id)
        if not ROLES[role].pages or view.page not in ROLES[role].pages:
            raise ViewRefused("share_page", role=role, path=urlsplit(view.url).path)
        con.execute("insert or ignore into saved_view_shares (view_id, role, shared_by, shared_at) "
                    "values (?, ?, ?, ?)", (view_id, role, viewer.user, _now()))
        view = _views(con, "v.id = ?", (view_id,))[0]
    audit.record("view_shared", actor=viewer.user, role=viewer.role, view=view_id, shared_with=role)
    return view


def unshare(viewer: Viewer, view_id: int, role: str, *, path: Path | None = None) -> SavedView:
    """Stop sharing `viewer`'s view with `role`."""
    _signed_in(viewer)
    with appstate.transaction(SCHEMA, path=path) as con:
        _own(con, viewer, view_id)
        con.execute("delete from saved_view_shares where view_id = ? and role = ?", (view_id, role))
        view = _views(con, "v.id = ?", (view_id,))[0]
    audit.record("view_shared", actor=viewer.user, role=viewer.role, view=view_id, unshared_from=role)
    return view


def remove(viewer: Viewer, view_id: int, *, path: Path | None = None) -> SavedView:
    """Remove `viewer`'s own view (and its shares); the view as it was, to say which was removed."""
    _signed_in(viewer)
    with appstate.transaction(SCHEMA, path=path) as con:
        view = _own(con, viewer, view_id)
        con.execute("delete from saved_views where id = ?", (view_id,))
    audit.record("view_removed", actor=viewer.user, role=viewer.role, view=view_id)
    return view
