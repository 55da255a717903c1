"""Figures of the Grants & outcomes page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures.common import empty, styled
from data_pipeline.contract import GRANT_STATUSES

STATUS_COLOURS = dict(zip(GRANT_STATUSES, ("#999999", theme.OKABE_ITO[0], theme.OKABE_ITO[2], theme.OKABE_ITO[3],
                                           "#555555"), strict=True))
INDICATOR_STATUSES = {"on track": theme.GOOD, "off track": theme.BAD, "awaiting data": "#E69F00",
                      "not due": "#BBBBBB", "no target": "#888888"}


def portfolio(df: pd.DataFrame, *, dimension: str = "donor_name", label: str = "donor",
              title: str | None = None) -> go.Figure:
    """Awarded and disbursed USD side by side per value of one dimension (donor, programme, ...), largest on top.
    Region bars carry customdata ["region", name] for click-to-filter."""
    title = title or f"Awarded and disbursed by {label}"
    data = df[df["dimension"] == dimension].sort_values("awarded_usd")
    if data.empty:
        return empty(title, "No grant was active in the chosen period.")
    custom = [["region", v] if dimension == "region" else ["", v] for v in data["value"]]
    fig = go.Figure([
        go.Bar(y=data["value"], x=data["awarded_usd"], orientation="h", name="Awarded", marker_color=theme.PRIMARY,
               customdata=custom, hovertemplate="%{y}<br>Awarded: $%{x:,.0f}<extra></extra>"),
        go.Bar(y=data["value"], x=data["disbursed_usd"], orientation="h", name="Disbursed to date",
               marker_color=theme.SECONDARY, customdata=custom,
               hovertemplate="%{y}<br>Disbursed: $%{x:,.0f}<extra></extra>"),
    ])
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(title_text="USD", tickprefix="$")
    return styled(fig, title, height=max(300, 46 * len(data) + 120))


def timeline(df: pd.DataFrame, *, as_of: dt.date, top: int = 25, title: str = "Grant timeline") -> go.Figure:
    """The `top` largest grants as bars from start to planned end, coloured by status, with the award date as a
    diamond; each bar's customdata opens the implementing city (regional grants have none)."""
    if df.empty:
        return empty(title, "No grant was active in the chosen period.")
    data = df.head(top).iloc[::-1]
    labels = [f"{t[:38]}{'…' if len(t) > 38 else ''} ({g})" for t, g in zip(data["title"], data["grant_id"],
                                                                             strict=True)]
    starts, ends = pd.to_datetime(data["start_date"]), pd.to_datetime(data["end_date"])
    fig = go.Figure()
    for status in GRANT_STATUSES:
        mask = (data["status"] == status).to_numpy()
        if not mask.any():
            continue
        part = data[mask]
        fig.add_trace(go.Bar(
            base=starts[mask], x=(ends[mask] - starts[mask]).dt.total_seconds() * 1000,
            y=[lbl for lbl, m in zip(labels, mask, strict=True) if m], orientation="h", name=status,
            marker_color=STATUS_COLOURS[status],
            customdata=[["city", c] if isinstance(c, str) else ["", ""] for c in part["city_id"]],
            hovertext=[f"{t}<br>{c} · {d}<br>{fmt.usd(a)} awarded, {fmt.share(s)} disbursed"
                       for t, c, d, a, s in zip(part["title"], part["city_name"], part["donor_name"],
                                                part["awarded_usd"], part["disbursed_share"], strict=True)],
            hovertemplate="%{hovertext}<extra></extra>"))
    fig.add_trace(go.Scatter(x=pd.to_datetime(data["award_date"]), y=labels, mode="markers", name="awarded on",
                             marker=dict(symbol="diamond", size=8, color=theme.INK),
                             hovertemplate="awarded %{x|%d %b %Y}<extra></extra>"))
    fig.update_layout(barmode="overlay")  # one bar per grant, not a slot per status
    fig.update_xaxes(type="date")
    fig.add_vline(x=pd.Timestamp(as_of).value / 1e6, line_dash="dot", line_color=theme.MUTED_INK)
    return styled(fig, title, height=max(300, 24 * len(data) + 120))


def indicator_status(df: pd.DataFrame, *, title: str = "Indicator reports by status") -> go.Figure:
    """Stacked bars of indicator reports per quarter (of their period end), by status."""
    if df.empty:
        return empty(title, "No indicator report was due in the chosen period.")
    fig = go.Figure()
    for status, colour in INDICATOR_STATUSES.items():
        part = df[df["status"] == status]
        if part.empty:
            continue
        fig.add_trace(go.Bar(x=part["quarter"], y=part["indicators"], name=status, marker_color=colour,
                             hovertemplate=f"{status}<br>%{{x|%b %Y}} quarter: %{{y}}<extra></extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick="M3", tickformat="Q%q %Y")
    fig.update_yaxes(title_text="Indicator reports", rangemode="tozero")
    return styled(fig, title, height=320)


def indicator(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """One indicator: target (hollow squares) and actual (line) per reporting period, with its baseline."""
    if df.empty:
        return empty(title or "Indicator", "Choose an indicator to see its targets and results.")
    first = df.iloc[0]
    title = title or f"{first['title']} ({first['indicator_id']})"
    suffix = "%" if first["measure"] == "percentage" else ""
    fig = go.Figure([
        go.Scatter(x=df["period_end"], y=df["target"], name="Target", mode="lines+markers",
                   line=dict(color=theme.PRIMARY, dash="dash", width=1.5),
                   marker=dict(symbol="square-open", size=11, color=theme.PRIMARY, line=dict(width=2)),
                   hovertemplate="%{x|%b %Y}: target %{y:,.1f}" + suffix + "<extra></extra>"),
        go.Scatter(x=df["period_end"], y=df["actual"], name="Actual", mode="lines+markers",
                   marker=dict(size=9, color=[INDICATOR_STATUSES.get(s, theme.INK) for s in df["status"]]),
                   line=dict(color=theme.INK), customdata=df["status"],
                   hovertemplate="%{x|%b %Y}: actual %{y:,.1f}" + suffix + " (%{customdata})<extra></extra>"),
    ])
    if pd.notna(first["baseline_value"]):
        label = f"baseline {first['baseline_value']:,.1f}{suffix}"
        if pd.notna(first.get("baseline_year")):
            label += f" ({int(first['baseline_year'])})"
        fig.add_hline(y=first["baseline_value"], line_dash="dash", line_color=theme.MUTED_INK,
                      annotation_text=label, annotation_position="top left")
    direction = "higher is better" if first["ascending"] else "lower is better"
    fig.update_yaxes(title_text=f"{first['measure']} ({direction})", ticksuffix=suffix)
    fig.update_xaxes(title_text="Reporting period end")
    return styled(fig, title, height=340)
