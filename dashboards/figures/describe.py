"""A chart in one sentence, for people who cannot see it: what kind of chart, what it measures, its extremes.

`describe` reads only the figure's own traces and layout (the plain dicts `common.figure` builds), so the
sentence always says what the chart draws. `common.figure` keeps it in `layout.meta.description`; the chart card
gives it to screen readers as the graph's description (components/chart_card.py, assets/a11y.js).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from dashboards import formatting

MAX_SERIES = 4  # series described one by one; more are counted
_KINDS = {"bar": "Bar chart", "heatmap": "Heatmap", "choropleth": "Map", "scattergeo": "Map", "pie": "Pie chart"}


def describe(fig) -> str:
    """One sentence (or a few short ones) saying what `fig` shows: "Bar chart: Events by region (x: events).
    Highest MENA 42, lowest Europe 3." Takes a figure or its dict (`{"data": [...], "layout": {...}}`).

    Each series names its highest and lowest point (a bar, a cell, a country) by its category and its value as
    the chart labels it: a bar's own text when it has one (a suppressed count reads "<5", as on the bar), else
    the number with the axis's prefix and suffix. An empty chart says its message ("No data for ...").
    """
    spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    data = [t for t in spec.get("data") or [] if t.get("visible", True) is not False]
    layout = spec.get("layout") or {}
    title = _title(layout)
    if not data:
        notes = [_plain(a.get("text", "")) for a in layout.get("annotations") or [] if a.get("text")]
        return f"Empty chart: {title}. {' '.join(notes) or 'Nothing to show.'}".strip()
    head = f"{_kind(data, layout)}: {title}"
    axes = _axes(layout)
    if axes:
        head += f" ({axes})"
    series = _merged(data)
    named = len(series) > 1
    shown = [_series(t, layout, named) for t in series[:MAX_SERIES]]
    if len(series) > MAX_SERIES:
        shown.append(f"And {formatting.counted(len(series) - MAX_SERIES, 'more series', 'more series')}.")
    return " ".join([head + ".", *shown])


# --- the parts of the sentence ---------------------------------------------------------------------------------------

def _title(layout: dict) -> str:
    meta = layout.get("meta") or {}
    title = meta.get("title") if isinstance(meta, dict) else None
    if not title:
        given = layout.get("title")
        title = given.get("text") if isinstance(given, dict) else given
    return _plain(title or "untitled chart")


def _kind(data: list[dict], layout: dict) -> str:
    first = data[0]
    kind = first.get("type", "scatter")
    if kind == "scatter":
        mode = first.get("mode") or "lines"
        return "Line chart" if "lines" in mode else "Scatter plot"
    if kind == "bar" and len(data) > 1 and layout.get("barmode") == "stack":
        return "Stacked bar chart"
    return _KINDS.get(kind, "Chart")


def _axes(layout: dict) -> str:
    parts = []
    for name in ("xaxis", "yaxis"):
        axis = layout.get(name) or {}
        title = axis.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        if text:
            parts.append(f"{name[0]}: {_plain(text)}")
    return ", ".join(parts)


def _merged(data: list[dict]) -> list[dict]:
    """Traces of one series drawn in parts (a partial quarter's dashed tail, a region's exits below its joins)
    as one: same name and type, points in order. Others as they are."""
    merged: dict = {}
    for trace in data:
        key = (trace.get("type", "scatter"), trace.get("name")) if trace.get("name") else id(trace)
        if key not in merged:
            merged[key] = dict(trace)
            continue
        first = merged[key]
        for axis in ("x", "y", "text", "base"):
            if first.get(axis) is not None and trace.get(axis) is not None:
                first[axis] = [*_list(first[axis]), *_list(trace[axis])]
    return list(merged.values())


def _series(trace: dict, layout: dict, named: bool) -> str:
    kind = trace.get("type", "scatter")
    name = _plain(trace.get("name") or "") if named else ""
    lead = f"{name}: " if name else ""
    if kind == "heatmap":
        return lead + _heatmap(trace)
    if kind == "choropleth":
        places = _values(trace.get("text")) if trace.get("text") is not None else _values(trace.get("locations"))
        return lead + _extremes(places, _numbers(trace.get("z")), None, {}, ("country", "countries"))
    if kind == "scattergeo":
        return lead + formatting.counted(len(_values(trace.get("lat"))), "place") + " marked."
    horizontal = trace.get("orientation") == "h"
    categories = _values(trace.get("y" if horizontal else "x"))
    if kind == "bar" and trace.get("base") is not None:  # a timeline: bars from a start, lengths in milliseconds
        return lead + _span(categories, trace.get("base"), trace.get("x" if horizontal else "y"))
    values = _numbers(trace.get("x" if horizontal else "y"))
    axis = layout.get(_axis_key(trace.get("xaxis" if horizontal else "yaxis"), "x" if horizontal else "y")) or {}
    texts = trace.get("text")
    labels = _values(texts) if isinstance(texts, (list, tuple, np.ndarray)) else None
    noun = ("bar", "bars") if kind == "bar" else ("point", "points")
    return lead + _extremes(categories, values, labels, axis, noun)


def _span(categories: list[str], base, lengths) -> str:
    starts = pd.to_datetime(pd.Series(_list(base)), errors="coerce")
    ends = starts + pd.to_timedelta(pd.Series(_numbers(lengths)), unit="ms")
    if starts.isna().all():
        return f"{formatting.counted(len(categories), 'bar')}."
    first, last = starts.idxmin(), ends.idxmax()
    return (f"{formatting.counted(len(categories), 'bar')} from {_label(starts[first])} ({categories[first]}) "
            f"to {_label(ends[last])} ({categories[last]}).")


def _heatmap(trace: dict) -> str:
    z = np.asarray(trace.get("z") if trace.get("z") is not None else [], dtype="float64")
    if z.ndim != 2 or not np.isfinite(z).any():
        return "No values."
    xs, ys = _values(trace.get("x")), _values(trace.get("y"))
    hi = np.unravel_index(np.nanargmax(z), z.shape)
    lo = np.unravel_index(np.nanargmin(z), z.shape)

    def cell(at) -> str:
        row, col = at
        y = ys[row] if row < len(ys) else str(row)
        x = xs[col] if col < len(xs) else str(col)
        return f"{y}, {x} {_number(z[at], {})}"

    return f"Highest {cell(hi)}, lowest {cell(lo)}."


def _extremes(categories: list[str], values: np.ndarray, labels: list[str] | None, axis: dict,
              noun: tuple[str, str]) -> str:
    finite = [i for i, v in enumerate(values) if math.isfinite(v)]
    if not finite:
        return "No values."
    hi = max(finite, key=lambda i: values[i])
    lo = min(finite, key=lambda i: values[i])

    def point(i: int) -> str:
        where = categories[i] if i < len(categories) else str(i + 1)
        shown = labels[i] if labels is not None and i < len(labels) and labels[i] else _number(values[i], axis)
        return f"{where} {shown}"

    count = formatting.counted(len(finite), *noun)
    if values[hi] == values[lo]:
        return f"{count}, all {point(hi).rsplit(' ', 1)[-1]}." if len(finite) > 1 else f"{count}: {point(hi)}."
    return f"{count}; highest {point(hi)}, lowest {point(lo)}."


# --- values ---------------------------------------------------------------------------------------------------------

def _axis_key(ref: str | None, letter: str) -> str:
    ref = ref or letter
    return f"{letter}axis{ref[1:]}"


def _list(values) -> list:
    if values is None:
        return []
    if isinstance(values, (str, bytes)):
        return [values]
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _values(values) -> list[str]:
    return [_plain(_label(v)) for v in _list(values)]


def _label(value) -> str:
    if hasattr(value, "strftime"):
        return value.strftime("%-d %b %Y") if getattr(value, "day", 1) != 1 else value.strftime("%b %Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numbers(values) -> np.ndarray:
    if values is None:
        return np.array([], dtype="float64")
    out = []
    for v in _list(values):
        try:
            out.append(float(v) if v is not None else math.nan)
        except (TypeError, ValueError):
            out.append(math.nan)
    return np.asarray(out, dtype="float64")


def _number(value: float, axis: dict) -> str:
    digits = 0 if float(value).is_integer() or abs(value) >= 100 else 1
    text = formatting.number(value, digits)
    return f"{axis.get('tickprefix', '')}{text}{axis.get('ticksuffix', '')}"


_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")  # plotly's rich text (<b>, <br>, <sup>); "<5" is not a tag


def _plain(text) -> str:
    """Plotly's rich text as plain words: tags dropped (a line break as a space)."""
    return " ".join(_TAG.sub(" ", str(text)).split())


