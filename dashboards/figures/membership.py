"""Figures of the Membership page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from dashboards.figures.common import empty, styled
from data_pipeline.contract import REGIONS


def members_by_region(df: pd.DataFrame, *, title: str = "Members by region") -> go.Figure:
    """Stacked areas of members at each period's end, one per region, in the regions' colours."""
    if df.empty or not df["members"].fillna(0).any():
        return empty(title)
    fig = go.Figure()
    for region in REGIONS:
        part = df[df["region"] == region]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["period"], y=part["members"], name=region, stackgroup="members", mode="lines",
            line=dict(width=0.6, color=theme.region_colour(region)), fillcolor=theme.region_colour(region),
            hovertemplate=f"{region}<br>%{{x|%b %Y}}: %{{y}} members<extra></extra>",
        ))
    fig.update_yaxes(title_text="Member cities", rangemode="tozero")
    return styled(fig, title, height=380)


def joins_and_exits(df: pd.DataFrame, *, title: str = "Joins and exits") -> go.Figure:
    """Joins above the axis and exits below it, per period, stacked by region."""
    if df.empty or not (df["joins"].fillna(0).any() or df["exits"].fillna(0).any()):
        return empty(title, "No city joined or left in the chosen period.")
    totals = df.groupby("period", as_index=False)[["joins", "exits"]].sum()
    fig = go.Figure()
    for region in REGIONS:
        part = df[df["region"] == region]
        if part.empty or not (part["joins"].any() or part["exits"].any()):
            continue
        colour = theme.region_colour(region)
        fig.add_trace(go.Bar(x=part["period"], y=part["joins"], name=region, marker_color=colour,
                             legendgroup=region,
                             hovertemplate=f"{region}<br>%{{x|%b %Y}}: %{{y}} joined<extra></extra>"))
        fig.add_trace(go.Bar(x=part["period"], y=-part["exits"], name=region, marker_color=colour,
                             legendgroup=region, showlegend=False, marker_pattern_shape="/",
                             customdata=part["exits"],
                             hovertemplate=f"{region}<br>%{{x|%b %Y}}: %{{customdata}} left<extra></extra>"))
    fig.update_layout(barmode="relative")
    biggest = max(totals["joins"].max(), totals["exits"].max())
    fig.update_yaxes(title_text="Cities (exits below zero)", zeroline=True, zerolinecolor=theme.INK,
                     dtick=1 if biggest <= 5 else None, tickformat=",d")
    fig.add_annotation(text=f"{int(totals['joins'].sum())} joined · {int(totals['exits'].sum())} left",
                       x=1, y=1.02, xref="paper", yref="paper", xanchor="right", yanchor="bottom",
                       showarrow=False, font=dict(size=12, color=theme.MUTED_INK))
    return styled(fig, title, height=340)


def steering_timeline(df: pd.DataFrame, *, as_of: dt.date, title: str = "Steering committee terms") -> go.Figure:
    """One bar per term from its start to its end (to the reference date while serving), per city,
    coloured by region; co-chair terms are outlined. Each bar's customdata is ["city", city_id]."""
    if df.empty:
        return empty(title, "No steering-committee terms in the chosen period.")
    data = df.sort_values(["region", "city_name", "term_start"])
    ends = pd.to_datetime(data["term_end"]).fillna(pd.Timestamp(as_of))
    starts = pd.to_datetime(data["term_start"])
    fig = go.Figure()
    for region in REGIONS:
        mask = (data["region"] == region).to_numpy()
        if not mask.any():
            continue
        part = data[mask]
        fig.add_trace(go.Bar(
            base=starts[mask], x=(ends[mask] - starts[mask]).dt.total_seconds() * 1000, y=part["city_name"],
            orientation="h", name=region, marker_color=theme.region_colour(region),
            marker_line=dict(color=[theme.INK if r == "co-chair" else "white" for r in part["role"]], width=2),
            customdata=[["city", c] for c in part["city_id"]],
            hovertext=[f"{c} · {r}<br>{s:%b %Y} – {'serving' if pd.isna(e) else f'{e:%b %Y}'}"
                       for c, r, s, e in zip(part["city_name"], part["role"], pd.to_datetime(part["term_start"]),
                                             pd.to_datetime(part["term_end"]), strict=True)],
            hovertemplate="%{hovertext}<extra>click to open</extra>",
        ))
    fig.update_layout(barmode="overlay")  # one bar per term, not a slot per region
    fig.update_xaxes(type="date")
    fig.update_yaxes(autorange="reversed", title_text=None)
    fig.add_vline(x=pd.Timestamp(as_of).value / 1e6, line_dash="dot", line_color=theme.MUTED_INK)
    height = max(260, 28 * data["city_name"].nunique() + 110)
    return styled(fig, title, height=height)


def committee_composition(df: pd.DataFrame, *, title: str = "Current steering committee by region") -> go.Figure:
    """Seats held at the reference date per region, split by role."""
    current = df[df["is_current"]]
    if current.empty:
        return empty(title, "No city serves on the steering committee at the reference date.")
    counts = current.groupby(["region", "role"]).size().unstack(fill_value=0)
    regions = [r for r in REGIONS if r in counts.index][::-1]
    fig = go.Figure()
    for role, pattern in (("member", ""), ("co-chair", "/")):
        if role in counts:
            fig.add_trace(go.Bar(
                y=regions, x=[counts.loc[r, role] for r in regions], orientation="h", name=role,
                marker_color=[theme.region_colour(r) for r in regions], marker_pattern_shape=pattern,
                customdata=[["region", r] for r in regions],
                hovertemplate="%{y}: %{x} " + role + " seats<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title_text="Seats", dtick=1)
    return styled(fig, title, height=300)


def ladder(df: pd.DataFrame, *, title: str = "Engagement ladder: member cities that reached each step") -> go.Figure:
    """Bars per milestone (ladder order, top to bottom): cities that reached it by the period's end, with the
    part reached during the period drawn darker."""
    if df.empty or not df["members"].iloc[0]:
        return empty(title, "No member cities for the chosen filters.")
    data = df.iloc[::-1]
    members = int(df["members"].iloc[0])
    labels = [f"{s}. {m}" for s, m in zip(data["step"], data["milestone"], strict=True)]
    fig = go.Figure([
        go.Bar(y=labels, x=data["cities"] - data["in_period"], orientation="h", name="reached before the period",
               marker_color=theme.SECONDARY, hovertemplate="%{y}<br>%{x} cities before<extra></extra>"),
        go.Bar(y=labels, x=data["in_period"], orientation="h", name="reached in the period",
               marker_color=theme.PRIMARY, hovertemplate="%{y}<br>%{x} cities in the period<extra></extra>"),
    ])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, max(members, 1)])
    fig.add_annotation(text=f"cities, of {members} members", x=1, y=0, xref="paper", yref="paper", xanchor="right",
                       yanchor="bottom", showarrow=False, font=dict(size=11, color=theme.MUTED_INK))
    return styled(fig, title, height=300)
