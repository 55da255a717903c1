"""Figures of the Grants & outcomes page."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.figures.common import as_of_line, clickable, empty, figure, mark_partial
from dashboards.i18n import N_, _, codes
from data_pipeline.contract import GRANT_STATUSES

STATUS_COLOURS = dict(zip(GRANT_STATUSES, (theme.UNKNOWN_COLOUR, theme.OKABE_ITO[0], theme.OKABE_ITO[2],
                                           theme.OKABE_ITO[3], "#555555"), strict=True))
INDICATOR_STATUSES = {"on track": theme.GOOD, "off track": theme.BAD, "awaiting data": theme.OKABE_ITO[1],
                      "not due": theme.UNKNOWN_COLOUR, "no target": theme.MUTED_INK}
PORTFOLIO_TITLES = {"donor_name": N_("Awarded and disbursed by donor"),
                    "programme": N_("Awarded and disbursed by programme"),
                    "theme": N_("Awarded and disbursed by theme"), "status": N_("Awarded and disbursed by status"),
                    "region": N_("Awarded and disbursed by region")}
SHOWN = {"region": "region", "status": "status"}  # dimensions whose values are code lists (i18n/codes.py)

# An indicator's measure when it has no unit to name its axis (the data contract's codes), for the catalogs.
MEASURE_WORDS = {"unit": N_("unit"), "percentage": N_("percentage")}


def portfolio(df: pd.DataFrame, *, dimension: str = "donor_name", label: str = "donor",
              title: str | None = None, empty_text: str | None = None) -> go.Figure:
    """Awarded and disbursed USD side by side per value of one dimension (donor, programme, ...), largest on top.
    Region bars carry customdata ["region", name] for click-to-filter."""
    title = title or (_(PORTFOLIO_TITLES[dimension]) if dimension in PORTFOLIO_TITLES
                      else _("Awarded and disbursed by {dimension}").format(dimension=label))
    data = df[df["dimension"] == dimension].sort_values("awarded_usd")
    if data.empty:
        return empty(title, empty_text or _("No grant was active in the chosen period."))
    values = data["value"].to_numpy()
    shown = [codes.name(SHOWN[dimension], v) for v in values] if dimension in SHOWN else values
    custom = clickable("region" if dimension == "region" else "", values)
    # as awarded, where the whole group was awarded in one currency other than US dollars
    originals = np.array([f" ({o})" if o else "" for o in data.get("awarded_original", [""] * len(data))],
                         dtype=object)
    bars = [
        {"type": "bar", "y": shown, "x": data["awarded_usd"].to_numpy(), "orientation": "h", "name": _("Awarded"),
         "marker": {"color": theme.PRIMARY}, "customdata": custom, "hovertext": originals,
         "hovertemplate": "%{y}<br>" + _("Awarded: {amount}").format(amount="$%{x:,.0f}%{hovertext}")
                          + "<extra></extra>"},
        {"type": "bar", "y": shown, "x": data["disbursed_usd"].to_numpy(), "orientation": "h",
         "name": _("Disbursed to date"), "marker": {"color": theme.SECONDARY, "pattern": {**theme.SECONDARY_PATTERN}},
         "customdata": custom,
         "hovertemplate": "%{y}<br>" + _("Disbursed: {amount}").format(amount="$%{x:,.0f}") + "<extra></extra>"},
    ]
    layout = {"barmode": "group", "bargap": 0.25, "xaxis": {"title": {"text": _("USD")}, "tickprefix": "$"}}
    return figure(bars, layout, title=title, height=max(300, 46 * len(data) + 120))


def timeline(df: pd.DataFrame, *, as_of: dt.date, top: int = 25, title: str | None = None,
             empty_text: str | None = None) -> go.Figure:
    """The `top` largest grants as bars from start to planned end, coloured by status, with the award date as a
    diamond; each bar's customdata opens the implementing city (regional grants have none)."""
    title = title or _("Grant timeline")
    if df.empty:
        return empty(title, empty_text or _("No grant was active in the chosen period."))
    data = df.head(top).iloc[::-1]
    labels = np.array([f"{t[:38]}{'…' if len(t) > 38 else ''} ({g})"
                       for t, g in zip(data["title"], data["grant_id"], strict=True)], dtype=object)
    money = _("{awarded} awarded{original}, {share} disbursed")
    hover = np.array([f"{t}<br>{c} · {d}<br>" + money.format(awarded=fmt.usd(a), original=f" ({o})" if o else "",
                                                             share=fmt.share(s))
                      for t, c, d, a, o, s in zip(data["title"], data["city_name"], data["donor_name"],
                                                  data["awarded_usd"],
                                                  data.get("awarded_original", pd.Series("", index=data.index)),
                                                  data["disbursed_share"], strict=True)],
                     dtype=object)
    custom = np.array([["city", c] if isinstance(c, str) else ["", ""] for c in data["city_id"]], dtype=object)
    starts, ends = pd.to_datetime(data["start_date"]), pd.to_datetime(data["end_date"])
    durations = ((ends - starts).dt.total_seconds() * 1000).to_numpy()
    base, statuses = starts.to_numpy(), data["status"].to_numpy()
    bars = []
    for status in GRANT_STATUSES:
        mask = statuses == status
        if not mask.any():
            continue
        bars.append({
            "type": "bar", "base": base[mask], "x": durations[mask], "y": labels[mask], "orientation": "h",
            "name": codes.name("status", status), "marker": {"color": STATUS_COLOURS[status]},
            "customdata": custom[mask],
            "hovertext": hover[mask], "hovertemplate": "%{hovertext}<extra></extra>"})
    awarded = {"type": "scatter", "x": pd.to_datetime(data["award_date"]).to_numpy(), "y": labels,
               "mode": "markers", "name": _("awarded on"),
               "marker": {"symbol": "diamond", "size": 8, "color": theme.INK},
               "hovertemplate": _("awarded {day}").format(day="%{x|%d %b %Y}") + "<extra></extra>"}
    layout = {"barmode": "overlay",  # one bar per grant, not a slot per status
              "xaxis": {"type": "date"}, "shapes": [as_of_line(as_of)]}
    return figure([*bars, awarded], layout, title=title, height=max(300, 24 * len(data) + 120))


def indicator_status(df: pd.DataFrame, *, title: str | None = None,
                     empty_text: str | None = None) -> go.Figure:
    """Stacked bars of indicator reports per quarter (of their period end), by status; a `partial` quarter is
    drawn lighter."""
    title = title or _("Indicator reports by status")
    if df.empty:
        return empty(title, empty_text or _("No indicator report was due in the chosen period."))
    partial = df["partial"].to_numpy() if "partial" in df else np.zeros(len(df), dtype=bool)
    statuses, quarters, counts = df["status"].to_numpy(), df["quarter"].to_numpy(), df["indicators"].to_numpy()
    bars = []
    for status, colour in INDICATOR_STATUSES.items():
        mask = statuses == status
        if not mask.any():
            continue
        word = codes.name("indicator_status", status)
        bars.append(mark_partial({"type": "bar", "x": quarters[mask], "y": counts[mask], "name": word,
                                  "marker": {"color": colour},
                                  "hovertemplate": f"{word}<br>" + _("quarter of {month}: {n}").format(
                                      month="%{x|%b %Y}", n="%{y}") + "<extra></extra>"},
                                 partial[mask]))
    layout = {"barmode": "stack", "xaxis": {"dtick": "M3", "tickformat": "Q%q %Y"},
              "yaxis": {"title": {"text": _("Indicator reports")}, "rangemode": "tozero"}}
    return figure(bars, layout, title=title, height=320)


def indicator(df: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """One indicator per reporting period, as indicator_achievement judges it: the target to date (hollow
    squares; a shaded band for a range) and the actual to date (line, dots coloured by status), with the baseline.
    A single period gets a time axis of a few months around it, not one of milliseconds."""
    if df.empty:
        return empty(title or _("Indicator"), _("Choose an indicator to see its targets and results."))
    first = df.iloc[0]
    title = title or f"{first['title']} ({first['indicator_id']})"
    measure, unit, direction = first["measure"], first["unit"], first["direction"]
    suffix = "%" if measure == "percentage" else ""
    unit_text = "" if suffix or pd.isna(unit) else f" {unit}"
    periods = pd.to_datetime(df["period_end"]).to_numpy()
    actual = {"type": "scatter", "x": periods, "y": df["actual_to_date"].to_numpy(), "name": _("Actual"),
              "mode": "lines+markers",
              "marker": {"size": 9, "color": [INDICATOR_STATUSES.get(s, theme.INK) for s in df["status"]]},
              "line": {"color": theme.INK}, "customdata": df["status"].to_numpy(),
              "hovertemplate": _("{day}: actual {value}").format(day="%{x|%d %b %Y}", value="%{y:,.1f}") + suffix
                               + unit_text
                               + " (%{customdata})<extra></extra>"}
    data, shapes, annotations = [], [], []
    if direction == "range":
        if pd.notna(first["range_low"]):
            shapes.append({"type": "rect", "x0": 0, "x1": 1, "xref": "x domain", "y0": float(first["range_low"]),
                           "y1": float(first["range_high"]), "yref": "y", "fillcolor": theme.GOOD, "opacity": 0.15,
                           "line": {"width": 0}, "layer": "below"})
            annotations.append({"text": _("target band"), "showarrow": False, "x": 1, "xanchor": "right",
                                "xref": "x domain", "y": float(first["range_high"]), "yanchor": "bottom",
                                "yref": "y"})
    else:
        data.append({"type": "scatter", "x": periods, "y": df["target_to_date"].to_numpy(), "name": _("Target"),
                     "mode": "lines+markers", "line": {"color": theme.PRIMARY, "dash": "dash", "width": 1.5},
                     "marker": {"symbol": "square-open", "size": 11, "color": theme.PRIMARY, "line": {"width": 2}},
                     "hovertemplate": _("{day}: target {value}").format(day="%{x|%d %b %Y}", value="%{y:,.1f}")
                                      + suffix + unit_text + "<extra></extra>"})
    data.append(actual)
    what = unit if isinstance(unit, str) and not suffix else measure
    aggregation, better = fmt.AGGREGATION_WORDS.get(first["aggregation"]), fmt.DIRECTION_WORDS.get(direction)
    axis = _("{what}, {adds_up} ({better})").format(what=_(MEASURE_WORDS.get(what, what)),
                                                     adds_up=_(aggregation) if aggregation else "",
                                                     better=_(better) if better else "")
    layout = {"yaxis": {"title": {"text": axis}, "ticksuffix": suffix},
              "xaxis": {"title": {"text": _("Reporting period end")}, "type": "date"}}
    first_end, last_end = pd.Timestamp(periods.min()), pd.Timestamp(periods.max())
    if last_end - first_end < pd.Timedelta(days=60):  # one period (or a few close ones): months, not milliseconds
        layout["xaxis"] |= {"range": [(first_end - pd.DateOffset(months=3)).isoformat(),
                                      (last_end + pd.DateOffset(months=3)).isoformat()],
                            "dtick": "M1", "tickformat": "%b %Y"}
    if pd.notna(first["baseline_value"]):
        baseline = float(first["baseline_value"])
        label = _("baseline {value}").format(value=f"{baseline:,.1f}{suffix}")
        if pd.notna(first.get("baseline_year")):
            label += f" ({int(first['baseline_year'])})"
        # A dashed line across the plot at the baseline, labelled above its left end (fig.add_hline's shape).
        shapes.append({"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": baseline, "y1": baseline,
                       "yref": "y", "line": {"color": theme.MUTED_INK, "dash": "dash"}})
        annotations.append({"text": label, "showarrow": False, "x": 0, "xanchor": "left", "xref": "x domain",
                            "y": baseline, "yanchor": "bottom", "yref": "y"})
    if shapes:
        layout["shapes"] = shapes
    if annotations:
        layout["annotations"] = annotations
    return figure(data, layout, title=title, height=340)
