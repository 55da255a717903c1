"""A chart in one sentence, for people who cannot see it: what kind of chart, what it measures, its extremes.

In the reader's language: every sentence is a message of the `messages` catalogs with named places, counts
through ngettext, numbers through formatting.py; English reads as it always did. `describe` reads only the
figure's own traces and layout (the plain dicts `common.figure` builds), so the sentence always says what the
chart draws. `common.figure` keeps it in `layout.meta.description`; the chart card gives it to screen readers as
the graph's description (components/chart_card.py, assets/a11y.js).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from dashboards import formatting
from dashboards.i18n import N_, _, ngettext, pgettext

MAX_SERIES = 4  # series described one by one; more are counted
_KINDS = {"bar": N_("Bar chart"), "heatmap": N_("Heatmap"), "choropleth": N_("Map"), "scattergeo": N_("Map"),
          "pie": N_("Pie chart")}


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
        return _("Empty chart: {title}. {notes}").format(title=title,
                                                         notes=" ".join(notes) or _("Nothing to show.")).strip()
    axes = _axes(layout)
    kind = _kind(data, layout)
    head = (_("{kind}: {title} ({axes}).").format(kind=kind, title=title, axes=axes) if axes else
            _("{kind}: {title}.").format(kind=kind, title=title))
    series = _merged(data)
    named = len(series) > 1
    shown = [_series(t, layout, named) for t in series[:MAX_SERIES]]
    if len(series) > MAX_SERIES:
        more = len(series) - MAX_SERIES
        shown.append(ngettext("And {n} more series.", "And {n} more series.", more).format(n=formatting.number(more)))
    return " ".join([head, *shown])


# --- the parts of the sentence ---------------------------------------------------------------------------------------

def _title(layout: dict) -> str:
    meta = layout.get("meta") or {}
    title = meta.get("title") if isinstance(meta, dict) else None
    if not title:
        given = layout.get("title")
        title = given.get("text") if isinstance(given, dict) else given
    return _plain(title or _("untitled chart"))


def _kind(data: list[dict], layout: dict) -> str:
    first = data[0]
    kind = first.get("type", "scatter")
    if kind == "scatter":
        mode = first.get("mode") or "lines"
        return _("Line chart") if "lines" in mode else _("Scatter plot")
    if kind == "bar" and len(data) > 1 and layout.get("barmode") == "stack":
        return _("Stacked bar chart")
    return _(_KINDS.get(kind, N_("Chart")))


def _axes(layout: dict) -> str:
    parts = []
    for name, words in (("xaxis", N_("x: {title}")), ("yaxis", N_("y: {title}"))):
        axis = layout.get(name) or {}
        title = axis.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        if text:
            parts.append(_(words).format(title=_plain(text)))
    return pgettext("list", ", ").join(parts)


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
    lead = _("{series}: ").format(series=name) if name else ""
    if kind == "heatmap":
        return lead + _heatmap(trace)
    if kind == "choropleth":
        places = _values(trace.get("text")) if trace.get("text") is not None else _values(trace.get("locations"))
        return lead + _extremes(places, _numbers(trace.get("z")), None, {}, "country")
    if kind == "scattergeo":
        marked = len(_values(trace.get("lat")))
        return lead + ngettext("{n} place marked.", "{n} places marked.", marked).format(n=formatting.number(marked))
    horizontal = trace.get("orientation") == "h"
    categories = _values(trace.get("y" if horizontal else "x"))
    if kind == "bar" and trace.get("base") is not None:  # a timeline: bars from a start, lengths in milliseconds
        return lead + _span(categories, trace.get("base"), trace.get("x" if horizontal else "y"))
    values = _numbers(trace.get("x" if horizontal else "y"))
    axis = layout.get(_axis_key(trace.get("xaxis" if horizontal else "yaxis"), "x" if horizontal else "y")) or {}
    texts = trace.get("text")
    labels = _values(texts) if isinstance(texts, (list, tuple, np.ndarray)) else None
    return lead + _extremes(categories, values, labels, axis, "bar" if kind == "bar" else "point")


def _span(categories: list[str], base, lengths) -> str:
    starts = pd.to_datetime(pd.Series(_list(base)), errors="coerce")
    ends = starts + pd.to_timedelta(pd.Series(_numbers(lengths)), unit="ms")
    n = len(categories)
    if starts.isna().all():
        return ngettext("{n} bar.", "{n} bars.", n).format(n=formatting.number(n))
    first, last = starts.idxmin(), ends.idxmax()
    return ngettext("{n} bar from {start} ({first}) to {end} ({last}).",
                    "{n} bars from {start} ({first}) to {end} ({last}).", n).format(
        n=formatting.number(n), start=_label(starts[first]), first=categories[first], end=_label(ends[last]),
        last=categories[last])


def _heatmap(trace: dict) -> str:
    z = np.asarray(trace.get("z") if trace.get("z") is not None else [], dtype="float64")
    if z.ndim != 2 or not np.isfinite(z).any():
        return _("No values.")
    xs, ys = _values(trace.get("x")), _values(trace.get("y"))
    hi = np.unravel_index(np.nanargmax(z), z.shape)
    lo = np.unravel_index(np.nanargmin(z), z.shape)

    def cell(at) -> str:
        row, col = at
        y = ys[row] if row < len(ys) else str(row)
        x = xs[col] if col < len(xs) else str(col)
        return _("{row}, {column} {value}").format(row=y, column=x, value=_number(z[at], {}))

    return _("Highest {high}, lowest {low}.").format(high=cell(hi), low=cell(lo))


def _extremes(categories: list[str], values: np.ndarray, labels: list[str] | None, axis: dict,
              noun: str) -> str:
    """`noun`: what a value is drawn as ("bar", "point" or "country")."""
    finite = [i for i, v in enumerate(values) if math.isfinite(v)]
    if not finite:
        return _("No values.")
    hi = max(finite, key=lambda i: values[i])
    lo = min(finite, key=lambda i: values[i])

    def point(i: int) -> str:
        where = categories[i] if i < len(categories) else str(i + 1)
        shown = labels[i] if labels is not None and i < len(labels) and labels[i] else _number(values[i], axis)
        return f"{where} {shown}"

    n = len(finite)
    count = {"bar": ngettext("{n} bar", "{n} bars", n), "point": ngettext("{n} point", "{n} points", n),
             "country": ngettext("{n} country", "{n} countries", n)}[noun].format(n=formatting.number(n))
    if values[hi] == values[lo]:
        if n > 1:
            return _("{count}, all {value}.").format(count=count, value=point(hi).rsplit(" ", 1)[-1])
        return _("{count}: {point}.").format(count=count, point=point(hi))
    return _("{count}; highest {high}, lowest {low}.").format(count=count, high=point(hi), low=point(lo))


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
        return formatting.day(value) if getattr(value, "day", 1) != 1 else formatting.month(value)
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


