"""Figures of the Membership page."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures.common import as_of_line, clickable, empty, figure, mark_partial
from dashboards.i18n import _, codes, ngettext
from data_pipeline.contract import REGIONS


def members_by_region(df: pd.DataFrame, *, title: str | None = None,
                      empty_text: str | None = None) -> go.Figure:
    """Stacked areas of members at each period's end, one per region, in the regions' colours."""
    title = title or _("Members by region")
    if df.empty or not df["members"].fillna(0).any():
        return empty(title, empty_text or _("No member cities for the chosen filters."))
    regions, periods, members = df["region"].to_numpy(), df["period"].to_numpy(), df["members"].to_numpy()
    areas = []
    for region in REGIONS:
        mask = regions == region
        if not mask.any():
            continue
        colour = theme.region_colour(region)
        areas.append({
            "type": "scatter", "x": periods[mask], "y": members[mask], "name": codes.region_name(region),
            "stackgroup": "members", "mode": "lines", "line": {"width": 0.6, "color": colour}, "fillcolor": colour,
            "hovertemplate": f"{codes.region_name(region)}<br>%{{x|%b %Y}}<br>"
                             + _("members: {n}").format(n="%{y}") + "<extra></extra>",
        })
    layout = {"yaxis": {"title": {"text": _("Member cities")}, "rangemode": "tozero"}}
    return figure(areas, layout, title=title, height=380)


def joins_and_exits(df: pd.DataFrame, *, title: str | None = None, empty_text: str | None = None) -> go.Figure:
    """Joins above the axis and exits below it, per period, stacked by region; a `partial` period lighter."""
    title = title or _("Joins and exits")
    if df.empty or not (df["joins"].fillna(0).any() or df["exits"].fillna(0).any()):
        return empty(title, empty_text or _("No city joined or left in the chosen period."))
    totals = df.groupby("period")[["joins", "exits"]].sum()
    regions, periods = df["region"].to_numpy(), df["period"].to_numpy()
    joins, exits = df["joins"].to_numpy(), df["exits"].to_numpy()
    moved = (df[["joins", "exits"]].fillna(0) != 0).any(axis=1).to_numpy()  # a region no city joined or left: no bars
    partial = df["partial"].to_numpy() if "partial" in df else np.zeros(len(df), dtype=bool)
    bars = []
    for region in REGIONS:
        mask = regions == region
        if not (mask & moved).any():
            continue
        colour, name = theme.region_colour(region), codes.region_name(region)
        joined, left = _("joined: {n}").format(n="%{y}"), _("left: {n}").format(n="%{customdata}")
        bars.append(mark_partial({"type": "bar", "x": periods[mask], "y": joins[mask], "name": name,
                                  "marker": {"color": colour}, "legendgroup": region,
                                  "hovertemplate": f"{name}<br>%{{x|%b %Y}}<br>{joined}<extra></extra>"},
                                 partial[mask]))
        bars.append(mark_partial({"type": "bar", "x": periods[mask], "y": -exits[mask], "name": name,
                                  "marker": {"color": colour, "pattern": {"shape": "/"}}, "legendgroup": region,
                                  "showlegend": False, "customdata": exits[mask],
                                  "hovertemplate": f"{name}<br>%{{x|%b %Y}}<br>{left}<extra></extra>"},
                                 partial[mask]))
    biggest = max(totals["joins"].max(), totals["exits"].max())
    yaxis = {"title": {"text": _("Cities (exits below zero)")}, "zeroline": True, "zerolinecolor": theme.INK,
             "tickformat": ",d"}
    if biggest <= 5:
        yaxis["dtick"] = 1
    note = {"text": _("{joined} joined · {left} left").format(joined=fmt.number(totals["joins"].sum()),
                                                               left=fmt.number(totals["exits"].sum())),
            "x": 1, "y": 1.02, "xref": "paper", "yref": "paper", "xanchor": "right", "yanchor": "bottom",
            "showarrow": False, "font": {"size": 12, "color": theme.MUTED_INK}}
    return figure(bars, {"barmode": "relative", "yaxis": yaxis, "annotations": [note]}, title=title, height=340)


def steering_timeline(df: pd.DataFrame, *, as_of: dt.date, title: str | None = None) -> go.Figure:
    """One bar per term from its start to its end (to the reference date while serving), per city,
    coloured by region; co-chair terms are outlined. Each bar's customdata is ["city", city_id]."""
    title = title or _("Steering committee terms")
    if df.empty:
        return empty(title, _("No steering-committee terms in the chosen period."))
    # Sorted and labelled in plain Python: on a few dozen terms pandas' sort and its string arithmetic on
    # Arrow-backed text were most of the time this took.
    region_of, name_of, start_of, end_of, role_of = (
        df[c].tolist() for c in ("region", "city_name", "term_start", "term_end", "role"))
    order = sorted(range(len(df)), key=lambda i: (region_of[i] is None, region_of[i] or "", name_of[i], start_of[i]))
    serving, role_words = _("serving"), {"co-chair": _("co-chair"), "member": _("member")}
    hover = np.array([f"{name_of[i]} · {role_words.get(role_of[i], role_of[i])}<br>{start_of[i]:%b %Y} – "
                      + (serving if pd.isna(end_of[i]) else f"{end_of[i]:%b %Y}") for i in order], dtype=object)
    base = pd.to_datetime(df["term_start"]).to_numpy()[order]
    term_ends = pd.to_datetime(df["term_end"]).to_numpy()[order]
    ends = np.where(np.isnat(term_ends), np.datetime64(as_of, "us"), term_ends)
    durations = (ends - base) / np.timedelta64(1, "ms")
    regions, roles = df["region"].to_numpy()[order], df["role"].to_numpy()[order]
    names, city_ids = df["city_name"].to_numpy()[order], df["city_id"].to_numpy()[order]
    bars = []
    for region in REGIONS:
        mask = regions == region
        if not mask.any():
            continue
        outline = [theme.INK if r == "co-chair" else "white" for r in roles[mask]]
        bars.append({
            "type": "bar", "base": base[mask], "x": durations[mask], "y": names[mask], "orientation": "h",
            "name": codes.region_name(region),
            "marker": {"color": theme.region_colour(region), "line": {"color": outline, "width": 2}},
            "customdata": clickable("city", city_ids[mask]),
            "hovertext": hover[mask], "hovertemplate": "%{hovertext}<extra>" + _("click to open") + "</extra>",
        })
    layout = {
        "barmode": "overlay",  # one bar per term, not a slot per region
        "xaxis": {"type": "date"}, "yaxis": {"autorange": "reversed"},
        "shapes": [as_of_line(as_of)],
    }
    return figure(bars, layout, title=title, height=max(260, 28 * len(set(name_of)) + 110))


def committee_composition(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Seats held at the reference date per region, split by role."""
    title = title or _("Current steering committee by region")
    current = df[df["is_current"]]
    if current.empty:
        return empty(title, _("No city serves on the steering committee at the reference date."))
    seats = Counter(zip(current["region"], current["role"], strict=True))  # (region, role) -> seats held
    held, roles = {region for region, _role in seats}, {role for _region, role in seats}
    regions = [r for r in REGIONS if r in held][::-1]
    words = {"member": (_("member"), _("{n} member seats")), "co-chair": (_("co-chair"), _("{n} co-chair seats"))}
    bars = [{
        "type": "bar", "y": [codes.region_name(r) for r in regions], "x": [seats[r, role] for r in regions],
        "orientation": "h", "name": words[role][0],
        "marker": {"color": [theme.region_colour(r) for r in regions], "pattern": {"shape": pattern}},
        "customdata": clickable("region", regions),
        "hovertemplate": "%{y}: " + words[role][1].format(n="%{x}") + "<extra></extra>",
    } for role, pattern in (("member", ""), ("co-chair", "/")) if role in roles]
    layout = {"barmode": "stack", "xaxis": {"title": {"text": _("Seats")}, "dtick": 1}}
    return figure(bars, layout, title=title, height=300)


def ladder(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Bars per milestone (ladder order, top to bottom): cities that reached it by the period's end, with the
    part reached during the period drawn darker."""
    title = title or _("Engagement ladder: member cities that reached each step")
    if df.empty or not df["members"].iloc[0]:
        return empty(title, _("No member cities for the chosen filters."))
    data = df.iloc[::-1]
    members = int(df["members"].iloc[0])
    labels = [f"{s}. {codes.name('milestone', m)}" for s, m in zip(data["step"], data["milestone"], strict=True)]
    bars = [
        {"type": "bar", "y": labels, "x": (data["cities"] - data["in_period"]).to_numpy(), "orientation": "h",
         "name": _("reached before the period"),
         "marker": {"color": theme.SECONDARY, "pattern": theme.SECONDARY_PATTERN},
         "hovertemplate": "%{y}<br>" + _("{n} cities before").format(n="%{x}") + "<extra></extra>"},
        {"type": "bar", "y": labels, "x": data["in_period"].to_numpy(), "orientation": "h",
         "name": _("reached in the period"), "marker": {"color": theme.PRIMARY},
         "hovertemplate": "%{y}<br>" + _("{n} cities in the period").format(n="%{x}") + "<extra></extra>"},
    ]
    note = {"text": ngettext("cities, of {n} member", "cities, of {n} members", members).format(n=members),
            "x": 1, "y": 0, "xref": "paper", "yref": "paper",
            "xanchor": "right", "yanchor": "bottom", "showarrow": False,
            "font": {"size": 11, "color": theme.MUTED_INK}}
    layout = {"barmode": "stack", "xaxis": {"range": [0, max(members, 1)]}, "annotations": [note]}
    return figure(bars, layout, title=title, height=300)
