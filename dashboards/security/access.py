"""Who may see what: roles, the viewer of a request, and the row and column rules of every published table.

The rules are enforced in DuckDB, not in the pages. `db.py` opens the published file and creates, in the
connection's own in-memory catalog, one schema per role (`policy_<role>`) holding one view per published table
that filters rows and masks columns for that role. Each request's cursor stores its viewer in a DuckDB
variable and reads through its role's schema only, so every query a page runs, present or future, gets the
same limits:

- a hub lead sees rows of their region only (rows without a region, such as global webinars, are not theirs);
- a donor sees their own grants, payments, indicators and the attendance those grants reached;
- a confidential member city is named and placed only for roles that may see it; for everyone else its rows
  are dropped where the row *is* the city (profiles, map points, steering seats) and kept without a city or
  country where the row is activity (so it still counts in its region's totals);
- tables without a rule are visible to the data team only.

It fails closed: a cursor whose viewer variable is unset, or whose role is unknown, sees no row of any table,
and a table missing a column its rule needs is an error at connection time, not a silent pass-through.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

# What a role covers. "network": everything; "region": the viewer's regions; "donor": one donor's grants;
# "public": network aggregates on the impact page.
NETWORK, REGION, DONOR, PUBLIC = "network", "region", "donor", "public"

# Page modules (dashboards/<name>.py) each role may open.
ANALYTICS = frozenset({"overview", "membership", "training", "grants", "regions", "city", "impact"})
PACK = "pack"  # the committee pack's page: everyone who signs in; each pack holds only the charts of their pages


@dataclass(frozen=True)
class Role:
    """A kind of user: what part of the data they cover and which pages and powers they have."""

    name: str
    label: str
    scope: str
    pages: frozenset[str]
    sees_confidential: bool = False
    suppressed: bool = False  # counts below the threshold are hidden (donor and public outputs)
    sees_quality: bool = False  # build and validation details (file names, messages, row counts)
    can_upload: bool = False


ROLES: dict[str, Role] = {r.name: r for r in (
    Role("admin", "Administrator (ISD data team)", NETWORK, ANALYTICS | {"data_quality", PACK},
         sees_confidential=True, sees_quality=True, can_upload=True),
    Role("programme_manager", "Programme manager (ISD)", NETWORK, ANALYTICS | {"data_quality", PACK},
         sees_confidential=True, sees_quality=True),
    Role("steering_committee", "Steering committee member", NETWORK, ANALYTICS | {PACK}, sees_confidential=True),
    Role("hub_lead", "Regional hub lead", REGION, ANALYTICS | {PACK}),
    Role("donor", "Donor", DONOR, frozenset({"impact", PACK}), suppressed=True),
    Role("public", "Public", PUBLIC, frozenset({"impact"}), suppressed=True),
)}


@dataclass(frozen=True)
class Viewer:
    """The person (or anonymous visitor) a query runs for. Built from the signed-in user, never from input."""

    user: str
    role: str
    regions: tuple[str, ...] = ()  # hub leads: the regions they cover
    donor_id: str | None = None  # donors: the donor whose portfolio they see
    donor_name: str | None = None

    @property
    def kind(self) -> Role | None:
        return ROLES.get(self.role)

    @property
    def scope(self) -> str | None:
        return self.kind.scope if self.kind else None

    def may_open(self, page: str) -> bool:
        return bool(self.kind) and page in self.kind.pages

    @property
    def suppressed(self) -> bool:
        return self.kind.suppressed if self.kind else True

    @property
    def sees_confidential(self) -> bool:
        return bool(self.kind and self.kind.sees_confidential)

    @property
    def sees_quality(self) -> bool:
        return bool(self.kind and self.kind.sees_quality)

    @property
    def can_upload(self) -> bool:
        return bool(self.kind and self.kind.can_upload)

    def variable(self) -> dict:
        """The DuckDB variable the policy views read (`getvariable('scn_viewer')`)."""
        kind = self.kind
        return {
            "role": self.role if kind else None,
            "scope": kind.scope if kind else None,
            "regions": list(self.regions),
            "donor": self.donor_id,
            "confidential": self.sees_confidential,
            "quality": self.sees_quality,
        }


NOBODY = Viewer("nobody", "none")  # sees no row: what a request without a valid session gets
SYSTEM = Viewer("system", "admin")  # tests, the CLI and the pipeline's own checks
PUBLIC_VIEWER = Viewer("public", "public")  # a visitor of the public impact page (SCN_PUBLIC=1), and its preview


# --- table rules --------------------------------------------------------------------------------------------

# Text shown instead of a confidential city's name in activity rows that stay visible.
CONFIDENTIAL_LABEL = "Confidential member"


@dataclass(frozen=True)
class Rule:
    """How one published table is limited. Column names refer to the table; SQL fragments are code, not input.

    scopes: which scopes see rows at all. region: the column hub leads are limited by (None: the table has
    nothing regional, such as reference lists). donor: the column donors are limited by, or donor_rows: the
    condition (on the table as `t`) donors are limited by where the table has no donor column. city_rows: the
    row is a city (dropped when confidential); otherwise `masked` columns are blanked on confidential rows.
    hidden: columns left out of the view for donor and public viewers. where: an extra condition for everyone
    (`{policy}` stands for the viewer's own view schema). source: a second view of another table.
    """

    scopes: frozenset[str]
    region: str | None = "region"
    donor: str | None = None
    donor_rows: str | None = None
    flag: str | None = None  # SQL true for rows about a confidential city
    city_rows: bool = False
    masked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    where: str | None = None
    source: str | None = None  # a second view of another table (default: the table of the same name)
    # (column, its stand-in): free text that may name a confidential member elsewhere than on its own row (an
    # event title naming a guest city) reads, for roles that may not see them, as the stand-in built without
    # those names (`title_public`, data_pipeline/staging.py).
    public_text: tuple[tuple[str, str], ...] = ()


_ALL = frozenset({NETWORK, REGION, DONOR, PUBLIC})
_STAFF = frozenset({NETWORK, REGION})
_CITY_TEXT = ("city_name", "title", "title_public")  # text that can name a city: replaced, not blanked
_TITLE = (("title", "title_public"),)
_VISIBILITY = "visibility = 'confidential'"
_V = "getvariable('scn_viewer')"

# Attendance reached by a donor's grants: events hosted in a funded city while the grant ran.
# (the IN list first: it is a cheap hash lookup that leaves the range check few rows)
_GRANT_REACH = f"""t.event_city_id in (select city_id from scn.main.grant_portfolio where donor_id = {_V}.donor)
    and exists (
        select 1 from scn.main.grant_portfolio g
        where g.donor_id = {_V}.donor and g.city_id = t.event_city_id
          and t.start_date between g.start_date and coalesce(g.end_date, t.start_date))"""

RULES: dict[str, Rule] = {
    "meta_build": Rule(_ALL, region=None),
    "ref_regions": Rule(_ALL, region=None),
    "ref_countries": Rule(_ALL, region=None),
    "ref_milestones": Rule(_ALL, region=None),
    "ref_currencies": Rule(_ALL, region=None),
    # Donors' names: a donor reads their own (their summary is titled with it even before any grant), staff all.
    "stg_donors": Rule(_ALL, region=None, donor="donor_id"),
    "city_engagement": Rule(_STAFF, flag=_VISIBILITY, city_rows=True),
    # The same cities for counting: a confidential member stays in its region's counts without a name, a place
    # or a country. Lists, maps and profiles read city_engagement; counts of members read this.
    "city_counting": Rule(_STAFF, flag=_VISIBILITY, source="city_engagement",
                          masked=("city_id", "city_name", "country_iso3", "country_name", "latitude", "longitude",
                                  "population")),
    "steering_committee": Rule(_STAFF, flag=_VISIBILITY, city_rows=True),
    "city_milestones": Rule(_STAFF, flag=_VISIBILITY, city_rows=True),
    "fct_events": Rule(_STAFF | {PUBLIC}, flag="confidential",
                       masked=("city_id", "city_name", "country_iso3", "title", "title_public"), public_text=_TITLE),
    "fct_attendance": Rule(_ALL, flag="confidential", masked=("event_city_id", "participant_city_id", "country_iso3"),
                           hidden=("event_city_id", "participant_city_id", "pre_score", "post_score",
                                   "satisfaction"),
                           donor_rows=_GRANT_REACH),
    # The same attendance added up per event and place: the same limits, the learning sums hidden like the scores.
    "attendance_by_event": Rule(_ALL, flag="confidential", masked=("event_city_id", "country_iso3"),
                                hidden=("event_city_id", "scored", "gain_sum", "pre_sum", "post_sum", "rated",
                                        "satisfaction_sum"),
                                donor_rows=_GRANT_REACH),
    "regional_activity_quarterly": Rule(_STAFF | {PUBLIC}),
    "kpi_by_period": Rule(_STAFF | {PUBLIC}),
    "grant_portfolio": Rule(_ALL, donor="donor_id", flag="confidential",
                            masked=("city_id", "city_name", "country_iso3", "title", "title_public"),
                            public_text=_TITLE),
    "fct_disbursements": Rule(_ALL, donor="donor_id", flag="confidential", masked=("city_id", "country_iso3")),
    "indicator_achievement": Rule(_ALL, donor="donor_id", flag="confidential", masked=("city_id", "country_iso3"),
                                  public_text=_TITLE),
}

# --- the views ------------------------------------------------------------------------------------------------
# Each role gets its own schema of views, written for that role: what the role's scope and powers decide is
# fixed in the SQL (so DuckDB drops conditions that cannot apply, such as a donor's grant check for staff), and
# only what varies between people of one role (a hub lead's regions, a donor's id) is read from the cursor's
# variable. Every view also checks that the variable names its role, so a cursor whose search path and viewer
# disagree sees nothing.

NO_ROLE = "none"  # the schema of viewers without a known role: every view is empty


def schema(viewer: Viewer) -> str:
    """The view schema `viewer` reads through."""
    return f"memory.policy_{viewer.role if viewer.kind else NO_ROLE}"


def schemas() -> list[str]:
    """Every view schema: one per role and the no-role one."""
    return [f"memory.policy_{name}" for name in (*ROLES, NO_ROLE)]


def _condition(rule: Rule | None, role: Role | None, policy: str) -> str:
    if role is None:
        return "false"
    if rule is None:  # not described here: the data team's tables (staging, build details)
        return "true" if role.sees_quality else "false"
    if role.scope not in rule.scopes:
        return "false"
    parts = []
    if role.scope == REGION and rule.region:
        parts.append(f"list_contains({_V}.regions, {rule.region})")
    if role.scope == DONOR and rule.donor:
        parts.append(f"{rule.donor} = {_V}.donor")
    if role.scope == DONOR and rule.donor_rows:
        parts.append(rule.donor_rows)
    if rule.flag and rule.city_rows and not role.sees_confidential:  # the row is the city: gone
        parts.append(f"not ({rule.flag})")
    if rule.where:
        parts.append(rule.where.format(policy=policy))
    # A WHERE drops rows whose condition is NULL as it drops false ones; no coalesce needed (and DuckDB plans
    # the donor's semi-join several times faster without one).
    return " and ".join(f"({p})" for p in parts) or "true"


def _column(name: str, rule: Rule | None, role: Role | None, salt: str) -> str:
    """The select-list expression of one column: itself, or masked on confidential rows, or hidden by role."""
    expr = f'"{name}"'
    if role and rule and not role.sees_confidential and name in dict(rule.public_text):
        expr = f'"{dict(rule.public_text)[name]}"'
    if role and rule and rule.flag and not rule.city_rows and name in rule.masked and not role.sees_confidential:
        if name in _CITY_TEXT:
            hidden = f"'{CONFIDENTIAL_LABEL}'"
        elif name.endswith("city_id"):
            # A stable stand-in so confidential cities still count once each; salted so it cannot be matched
            # against the public list of city ids.
            hidden = f"'confidential-' || left(md5({expr} || '{salt}'), 10)"
        else:
            hidden = "null"
        expr = f"case when coalesce(not ({rule.flag}), false) then {expr} else {hidden} end"
    if role and rule and name in rule.hidden and role.scope in (DONOR, PUBLIC):
        # Gone for donors and the public (null of the column's type, so queries keep their shape).
        expr = f"case when true then null else {expr} end"
    return f'{expr} as "{name}"'


def view_sql(table: str, columns: list[str], salt: str, role: Role | None = None) -> str:
    """The view `policy_<role>.<table>` over the published table: rows and columns `role` may see."""
    rule = RULES.get(table)
    if rule and DONOR in rule.scopes and rule.region and not (rule.donor or rule.donor_rows):
        raise RuntimeError(f"access rule of {table} lets donors read it without limiting them to their grants")
    if rule:
        missing = [c for c in (rule.region, rule.donor, *rule.masked, *rule.hidden,
                               *(name for pair in rule.public_text for name in pair)) if c and c not in columns]
        if rule.flag == "confidential" and "confidential" not in columns:
            missing.append("confidential")
        if missing:
            raise RuntimeError(f"access rule of {table} names columns the table lacks: {', '.join(missing)}")
    policy = f"memory.policy_{role.name if role else NO_ROLE}"
    select = [_column(name, rule, role, salt) for name in columns]
    source = rule.source if rule and rule.source else table
    guard = f"{_V}.role = '{role.name}'" if role else "false"
    return (f"create or replace view {policy}.{table} as select {', '.join(select)} "
            f'from scn.main."{source}" as t where {guard} and {_condition(rule, role, policy)}')


def create_policy_views(con, *, schema_columns: dict[str, list[str]] | None = None) -> None:
    """Create one schema of views per role (and one for no role) on the connection `con` (an open_read_only)."""
    if schema_columns is None:
        rows = con.execute("""select table_name, list(column_name order by column_index)
                              from duckdb_columns() where database_name = 'scn' and schema_name = 'main'
                              group by table_name""").fetchall()
        schema_columns = dict(rows)
    for name, rule in RULES.items():
        if rule.source and rule.source in schema_columns:
            schema_columns[name] = schema_columns[rule.source]
    salt = secrets.token_hex(16)
    # a rule's `where` may read another table's view: create the views of such rules last.
    ordered = sorted(schema_columns, key=lambda t: RULES.get(t, Rule(_ALL)).where is not None)
    for role, name in zip((*ROLES.values(), None), schemas(), strict=True):
        con.execute(f"create schema if not exists {name}").fetchall()
        for table in ordered:
            con.execute(view_sql(table, schema_columns[table], salt, role)).fetchall()


def enter(cursor, viewer: Viewer) -> None:
    """Make `cursor` read through `viewer`'s views, with the viewer in the cursor's own variable (cursors are
    connections of their own)."""
    cursor.execute("set variable scn_viewer = $v", {"v": viewer.variable()}).fetchall()
    cursor.execute(f"set search_path = '{schema(viewer)}'").fetchall()


def chosen_regions(viewer: Viewer) -> tuple[str, ...] | None:
    """The regions a viewer may choose in the filter bar: a hub lead's own; None for every region."""
    return viewer.regions if viewer.scope == REGION else None
