"""The impact summary (/impact): one donor's grants for a donor, the whole network for the public and staff.

Which grants a viewer sees is decided by the query layer's policy alone (a donor's cursor only has their
grants): nothing here narrows by a value from the request. Network staff preview another audience's summary
("as DON-03 would see it", "as the public would") by running it as that audience (`audience`): a viewer of that
role built on the server from one of the choices `audiences` lists, so a preview is that audience's page and
PDF, byte for byte. Every count of people leaves this module suppressed (dashboards/security/suppression.py): the page,
its downloads and the PDF all print the `*_label` columns, never recompute from values.
"""

from __future__ import annotations

import pandas as pd

from dashboards import settings
from dashboards.filters import Filters
from dashboards.queries import db
from dashboards.queries.common import Scope, build_info, indicator_result, where, window, with_indicator_labels
from dashboards.queries.impact_data import NETWORK, ImpactData
from dashboards.security import access, suppression
from dashboards.security.access import PUBLIC_VIEWER, Viewer

ACTIVE = Scope("start_date", date_end="end_date")  # grants running at some point in the period
ATTENDANCE = Scope("start_date", event_type="event_type", topic="topic")


PUBLIC_SUMMARY = "public"  # the staff preview's choice of the public summary; a donor's is "donor:<donor_id>"
_DONOR = "donor:"


def audiences(viewer: Viewer) -> list[str]:
    """The audiences `viewer` may preview: the public summary and every donor, for network staff only (a hub
    lead would see a donor's grants in other regions; a donor or the public see their own page alone)."""
    if viewer.scope != access.NETWORK:
        return []
    return [PUBLIC_SUMMARY, *(_DONOR + d for d in donors(viewer=viewer)["donor_id"])]


def audience(viewer: Viewer, choice: str | None) -> Viewer:
    """Who the impact summary runs as: `viewer`, or the audience a staff preview chose (one of `audiences`).
    Any other choice is refused (PermissionError): the allowed-values check refuses it before this is reached."""
    if choice is None:
        return viewer
    if choice not in audiences(viewer):
        raise PermissionError(f"{viewer.role} may not preview {choice!r}")
    if choice == PUBLIC_SUMMARY:
        return PUBLIC_VIEWER
    donor = choice.removeprefix(_DONOR)
    return Viewer(f"preview of {donor}", "donor", donor_id=donor)


def grants(filters: Filters, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Grants running in the period (the viewer's only), with money awarded and paid by the period's end."""
    win = window(filters, viewer)
    w, params = where(filters, win, ACTIVE, alias="g")
    sql = f"""
        with paid as (
            select grant_id, sum(amount_usd) as paid_usd from fct_disbursements where paid_on <= $end group by 1
        )
        select g.grant_id, g.title, g.donor_id, g.donor_name, g.city_id, g.city_name, g.region, g.country_iso3,
               c.name as country, g.programme, g.theme, g.status, g.currency, g.amount_awarded, g.awarded_usd,
               coalesce(p.paid_usd, 0) as disbursed_usd, g.start_date, g.end_date
        from grant_portfolio g
        left join paid p using (grant_id)
        left join ref_countries c on c.iso3 = g.country_iso3
        where {w}
        order by g.awarded_usd desc, g.grant_id"""
    return db.frame(sql, params | {"end": win.end}, viewer=viewer)


def by_country(frame: pd.DataFrame) -> pd.DataFrame:
    """Grants and money per country; grants without a country (regional, or in a confidential member city)
    are one row per region, never named."""
    if frame.empty:
        return pd.DataFrame(columns=["country", "iso3", "region", "grants", "awarded_usd", "cities"])
    df = frame.assign(country=frame["country"].where(frame["country_iso3"].notna(),
                                                     "Not attributed to a country"))
    out = (df.groupby(["country", "region"], dropna=False)
           .agg(iso3=("country_iso3", "first"), grants=("grant_id", "nunique"), awarded_usd=("awarded_usd", "sum"),
                cities=("city_id", "nunique"))
           .reset_index().sort_values("awarded_usd", ascending=False))
    return out[["country", "iso3", "region", "grants", "awarded_usd", "cities"]].reset_index(drop=True)


def participants(filters: Filters, by: str, *, viewer: Viewer | None = None) -> pd.DataFrame:
    """Unique people at events the grants reached in the period, by `by` ("gender" or "role"), suppressed: events
    hosted in a funded city while a grant ran there (fct_attendance.grant_reach), not everyone who attended.

    For a donor the attendance is that of events hosted in a city they fund while the grant runs (the policy
    view decides).
    """
    if by not in ("gender", "role"):
        raise ValueError(f"participants by {by!r}: only gender or role")
    win = window(filters, viewer)
    w, params = where(filters, win, ATTENDANCE)
    # one bitmap of the people reached, split by the attribute (people_split, db.py)
    sql = f"""
        with seen as (select people_map(participant_key) as seen from fct_attendance a
                      where a.grant_reach and {w})
        select value as {by}, participants from people_split((select seen from seen))
        where attribute = '{by}' and participants > 0
        order by participants desc, {by}"""
    df = db.frame(sql, params, viewer=viewer)
    return suppression.suppress(df, "participants", by=[by], threshold=settings.get().suppress_below,
                                margins=True)


def indicators(filters: Filters, grant_ids: list[str], *, viewer: Viewer | None = None) -> pd.DataFrame:
    """The latest report of each indicator of these grants up to the period's end (the latest period with an
    actual, else the latest period), as indicator_achievement judges it, labelled for reading."""
    sql = f"""
        select i.title, g.city_name as city, {indicator_result("i")}
        from indicator_achievement i join grant_portfolio g using (grant_id)
        where list_contains($ids, i.grant_id) and i.period_end <= $end
        qualify row_number() over (partition by i.indicator_id
                                   order by i.actual is not null desc, i.period_end desc) = 1
        order by i.status, i.title, g.city_name, i.indicator_id"""
    return with_indicator_labels(db.frame(sql, {"ids": grant_ids, "end": window(filters, viewer).end},
                                          viewer=viewer))


def _cells(table: pd.DataFrame) -> pd.DataFrame:
    return table[table.iloc[:, 0] != suppression.TOTAL].reset_index(drop=True)


def _total(table: pd.DataFrame) -> int | str:
    """The margin row of a suppressed table: its count, or its label when the total itself is hidden."""
    row = table[table.iloc[:, 0] == suppression.TOTAL]
    if row.empty:
        return 0
    value = row["participants"].iloc[0]
    return int(value) if pd.notna(value) else row["participants_label"].iloc[0]


def report(filters: Filters, *, viewer: Viewer | None = None, period_label: str = "",
           filters_text: str = "") -> ImpactData:
    """Everything the page and the PDF show, for the viewer (a staff preview passes the audience's, `audience`)."""
    viewer = viewer or db.current_viewer()
    scoped = viewer.donor_id if viewer.scope == "donor" else None
    rows = grants(filters, viewer=viewer)
    build = build_info(viewer)
    win = window(filters, viewer)
    gender = participants(filters, "gender", viewer=viewer)
    role = participants(filters, "role", viewer=viewer)
    audience = donor_name(scoped, viewer=viewer) if scoped else NETWORK
    return ImpactData(
        audience=audience, period_label=period_label, filters_text=filters_text or "No filters",
        built_at=pd.Timestamp(build["built_at"]).to_pydatetime(), as_of=build["as_of"],
        is_demo=bool(build["is_demo"]) or settings.get().demo,
        awarded_usd=float(rows["awarded_usd"].sum()), disbursed_usd=float(rows["disbursed_usd"].sum()),
        grants=len(rows), grants_active=int((rows["status"] == "active").sum()),
        cities=int(rows["city_id"].nunique()), countries=int(rows["country_iso3"].nunique()),
        participants_total=_total(gender),
        by_country=by_country(rows), by_gender=_cells(gender), by_role=_cells(role),
        indicators=indicators(filters, rows["grant_id"].tolist(), viewer=viewer),
        suppress_below=settings.get().suppress_below, is_public=viewer.scope == "public" or not scoped,
        period_start=win.start, period_end=win.end,
        awarded_by_currency=rows.groupby("currency")["amount_awarded"].sum().astype(float).to_dict(),
    )


def donors(*, viewer: Viewer | None = None) -> pd.DataFrame:
    """Donors with grants the viewer may see (for the staff preview picker)."""
    return db.frame("select distinct donor_id, donor_name from grant_portfolio order by donor_name", viewer=viewer)


def donor_name(donor_id: str, *, viewer: Viewer | None = None) -> str:
    """The donor's name from the donors file (a donor with no grant yet has one too); the id if it is unknown."""
    df = db.frame("select donor_name from stg_donors where donor_id = $id", {"id": donor_id}, viewer=viewer)
    return str(df["donor_name"].iloc[0]) if len(df) else donor_id
