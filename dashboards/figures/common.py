"""Shared pieces of every figure: the template, titles, subplot grids and the empty state.

Figure functions build plain trace and layout dicts and wrap them with `figure`, which skips plotly's property
validation: validating and merging through graph objects cost far more than the wrapping (bench/README.md).
What validation would have caught is checked once by the tests instead (tests/dashboards/figures/test_figures_valid.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards import theme
from dashboards.figures.describe import describe
from dashboards.i18n import _

# The template as a plain dict, built once. go.Figure deep-copies the layout it is given, so no figure
# shares this dict with another or can change it.
TEMPLATE: dict = theme.TEMPLATE.to_plotly_json()


def layout_defaults(title: str, *, height: int | None = None, legend: bool = True) -> dict:
    """What every figure's layout carries besides the template: the title, `meta` keeping the title for
    accessible labels and tests, the legend switch and, when given, the height."""
    defaults = {"title": {"text": title}, "meta": {"title": title}, "showlegend": legend}
    if height:
        defaults["height"] = height
    return defaults


class Drawn(go.Figure):
    """A figure sent to the browser as the dicts it was built from.

    Dash serialises a figure through `to_plotly_json`, which for a go.Figure deep-copies every property (for a map
    of a few thousand cities, more than building it). The dicts of `figure` are final once it returns,
    so they go to the JSON encoder as they are. The graph-object side (fig.data, fig.layout) is made only when
    something reads it (tests, mostly): making it deep-copies every trace and the template, work that a
    callback answer never needed. A Drawn figure is not to be changed after it is made (nothing in the app does).
    """

    def __init__(self, spec: dict) -> None:  # the go.Figure part is made on first use (__getattr__)
        self._spec = spec  # BaseFigure lets names starting with "_" through

    def __getattr__(self, name: str):
        # Reached only when the usual lookup fails: before the go.Figure part exists, for each of its attributes.
        state = self.__dict__
        if name.startswith("__") or "_spec" not in state or state.get("_made"):
            raise AttributeError(name)
        state["_made"] = True
        go.Figure.__init__(self, self._spec, _validate=False)
        return getattr(self, name)

    def to_plotly_json(self) -> dict:
        return self._spec


def figure(data: list[dict], layout: dict, *, title: str, height: int | None = None,
           legend: bool = True) -> go.Figure:
    """A figure from plain trace dicts (`{"type": "bar", ...}`) and a layout dict, with the app's template and
    `layout_defaults` added, built without plotly's validation (see the module's docstring), and margins wide
    enough for its tick labels (`fitted_margin`)."""
    layout = {"template": TEMPLATE, **layout, **layout_defaults(title, height=height, legend=legend)}
    margin = fitted_margin(data, layout)
    if margin:
        layout["margin"] = margin
    # the chart in words, for screen readers (the chart card's description: figures/describe.py)
    layout["meta"]["description"] = describe({"data": data, "layout": layout})
    return Drawn({"data": data, "layout": layout})


# --- margins that fit the tick labels ------------------------------------------------------------------------------
# plotly.js measures tick labels only once it has drawn the axes; when they need more room than the layout's
# margin, automargin grows the margin and draws the whole figure again (plotly.js issue 2704): half again the
# drawing time of most charts. A margin that already fits is kept and the figure is drawn once. Labels are measured
# with DejaVu Sans, the font Chromium draws `system-ui` with on Linux and wider than Segoe UI, Roboto or Helvetica,
# so elsewhere the estimate errs on the roomy side (a few pixels of blank margin, never a cut label: automargin
# stays on for anything not foreseen here, such as rotated labels).

# Advance widths of the printable ASCII characters (space to "~") in DejaVu Sans, in 1/2048 em.
_ADVANCE = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690, 1303, 1303, 1303, 1303,
    1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178,
    1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251,
    1403, 799, 690, 799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995,
    1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716)
_OTHER_ADVANCE = {"\u2212": 1716, "\u2026": 2048, "\u2018": 651, "\u2019": 651}  # minus sign, ellipsis, quotes
_EM = 2048
# What an outer axis asks of the margin besides its widest label, measured in Chromium with 13 px labels: 1 px
# between y labels and the axis, 17 px for a line of x labels, 17 px for a y title beside the labels and 19 px for
# an x title under them, 7 px more with ticks drawn outside (plotly.js's default beside a heatmap). plotly.js adds
# `pad` to every such request: the smallest margin, at most 12 px.
_Y_LABEL_GAP = 1
_OUTSIDE_TICKS = 7
_X_LABELS = 17
_Y_TITLE = 17
_X_TITLE = 19
_MAX_PAD = 12
_MINUS = "\u2212"  # plotly.js writes negative ticks with a minus sign
_SI = {3: "k", 6: "M", 9: "B", 12: "T"}


def text_width(text: str, size: float) -> float:
    """Pixels `text` takes at `size` px in DejaVu Sans; accented letters as their base letter, characters the
    table does not know as one em."""
    units = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            units += _ADVANCE[code - 32]
        elif char in _OTHER_ADVANCE:
            units += _OTHER_ADVANCE[char]
        else:
            base = unicodedata.normalize("NFKD", char)[:1]
            units += _ADVANCE[ord(base) - 32] if base and 32 <= ord(base) < 127 else _EM
    return units * size / _EM


def fitted_margin(data: list[dict], layout: dict) -> dict | None:
    """The layout's margin (or the template's), widened where the tick labels of the outer axes will need more
    room, so that plotly.js's automargin has nothing left to grow; None when nothing needs widening."""
    axes = _label_axes(data, layout)
    if not axes:
        return None
    font = layout["template"]["layout"]["font"]["size"]
    given = {**layout["template"]["layout"].get("margin", {}), **layout.get("margin", {})}
    need: dict[str, float] = {}  # side -> pixels the labels need, before plotly's pad
    outside = {trace.get(f"{letter}axis", letter) for trace in data if trace.get("type") == "heatmap"
               for letter in "xy"}
    for name, (kind, entries) in axes.items():
        axis = layout.get(_layout_key(name), {})
        if axis.get("visible") is False or axis.get("showticklabels") is False or not _outer(layout, name):
            continue
        titled = bool((axis.get("title") or {}).get("text"))
        ticks = _OUTSIDE_TICKS if axis.get("ticks", "outside" if name in outside else "") == "outside" else 0
        if name[0] == "y":
            labels = _tick_labels(kind, entries, axis)
            if labels is None:
                continue
            side = "r" if axis.get("side") == "right" else "l"
            width = max((text_width(t, font) for t in labels), default=0)
            need[side] = max(need.get(side, 0), width + _Y_LABEL_GAP + ticks + (_Y_TITLE if titled else 0))
        elif axis.get("side", "bottom") == "bottom" and not axis.get("tickangle"):
            need["b"] = max(need.get("b", 0), _X_LABELS + ticks + (_X_TITLE if titled else 0))
            end = _fixed_end_tick(kind, axis)
            if end is not None:  # centred on the plot's right edge, the last label reaches past it
                need["r"] = max(need.get("r", 0), text_width(end, font) / 2)
    margin = dict(given)
    for _round in range(2):  # the pad depends on the margin it widens (once it reaches 12 px it stays)
        pad = min(_MAX_PAD, *(margin.get(s, 0) for s in "lrtb"))
        margin = {**given, **{s: max(given.get(s, 0), int(px + pad) + 1) for s, px in need.items()}}
    return margin if margin != given else None


def _fixed_end_tick(kind: str, axis: dict) -> str | None:
    """The label at the end of a numeric axis with a fixed range that ends on a tick (e.g. 0 to 100%), if any."""
    fixed = axis.get("range")
    if kind != "number" or not fixed or axis.get("autorange"):
        return None
    low, high = fixed
    for count in (5, 10):
        step = _nice_step((high - low) / count)
        if abs(high / step - round(high / step)) < 1e-9:
            return _format(high, axis, step)
    return None


def _layout_key(name: str) -> str:
    """"y2" -> "yaxis2"."""
    return f"{name[0]}axis{name[1:]}"


def _outer(layout: dict, name: str) -> bool:
    """Whether the axis is on the plot's edge (left column for y, bottom row for x): only there can its labels
    push the margin; in a grid the inner axes' labels sit in the space between panels."""
    axis = layout.get(_layout_key(name), {})
    if axis.get("overlaying"):
        return True
    anchor = axis.get("anchor") or ("y" if name[0] == "x" else "x")
    domain = layout.get(_layout_key(anchor), {}).get("domain") or [0, 1]
    return domain[0] <= 0.01


def _label_axes(data: list[dict], layout: dict) -> dict[str, tuple[str, list]]:
    """Axis name ("x", "y2", ...) -> (kind, entries): the kind of its labels ("category", "number" or "date") and,
    per trace, the values plotted along it with the keys they stack on (None where the trace does not stack)."""
    axes: dict[str, tuple[str, list]] = {}
    stack = layout.get("barmode") in ("stack", "relative")
    for trace in data:
        kind = trace.get("type", "scatter")
        if kind not in ("bar", "scatter", "heatmap"):
            continue
        horizontal = trace.get("orientation") == "h"
        for letter in ("x", "y"):
            values = trace.get(letter)
            if values is None or len(values) == 0:
                continue
            name = trace.get(f"{letter}axis", letter)
            values = np.asarray(values)
            label = _kind(values, layout.get(_layout_key(name), {}))
            if trace.get("base") is not None and letter == ("x" if horizontal else "y"):
                label = "date" if label == "number" and _kind(np.asarray(trace["base"]), {}) == "date" else label
            keys = trace.get("y" if letter == "x" else "x")
            stacked = (kind == "bar" and stack) or (kind == "scatter" and trace.get("stackgroup"))
            entry = (values, keys if stacked and keys is not None else None)
            previous = axes.get(name)
            axes[name] = (label if previous is None else previous[0], (previous[1] if previous else []) + [entry])
    return axes


def _kind(values: np.ndarray, axis: dict) -> str:
    """What plotly.js makes of an axis: the layout's type if it says, else guessed from the values as plotly does."""
    if axis.get("type") in ("date", "category"):
        return axis["type"]
    if np.issubdtype(values.dtype, np.datetime64):
        return "date"
    if values.dtype.kind in "iufb":
        return "number"
    return "category" if any(isinstance(v, str) for v in values[:50]) else "date"


def _tick_labels(kind: str, entries: list, axis: dict) -> list[str] | None:
    """The labels plotly.js will write along an axis, or None when they cannot be foreseen (dates)."""
    if kind == "category":
        return [str(v) for values, _keys in entries for v in values]
    if kind != "number":
        return None
    alone = [np.nan_to_num(np.asarray(values, dtype=float)) for values, keys in entries if keys is None]
    stacked = [(np.nan_to_num(np.asarray(values, dtype=float)), np.asarray(keys)) for values, keys in entries
               if keys is not None]
    if stacked:  # the sums per key across the stacked traces, above and below zero apart
        values = np.concatenate([v for v, _k in stacked])
        codes = pd.factorize(np.concatenate([k for _v, k in stacked]))[0]
        alone += [np.bincount(codes, weights=np.clip(values, 0, None)),
                  np.bincount(codes, weights=np.clip(values, None, 0))]
    low = min(0.0, *(v.min(initial=0) for v in alone))
    high = max(0.0, *(v.max(initial=0) for v in alone))
    if axis.get("range") and not axis.get("autorange"):
        low, high = axis["range"]
    else:
        span = (high - low) or 1
        low, high = low - (0.05 * span if low < 0 else 0), high + 0.05 * span
    labels = []
    for count in (5, 10):  # plotly.js aims at 5-10 ticks, depending on the axis' length
        step = axis.get("dtick") if isinstance(axis.get("dtick"), int | float) else _nice_step((high - low) / count)
        ticks = np.arange(np.ceil(low / step) * step, high + step / 1e6, step)
        labels += [_format(t, axis, step, high_end=max(abs(low), abs(high))) for t in ticks]
    return labels


def _nice_step(rough: float) -> float:
    """plotly.js's tick spacing: the first of 1, 2, 5 or 10 times a power of ten not below `rough`."""
    base = 10 ** np.floor(np.log10(rough)) if rough > 0 else 1
    return base * next(m for m in (1, 2, 5, 10) if m * base >= rough * (1 - 1e-9))


def _format(value: float, axis: dict, step: float, high_end: float | None = None) -> str:
    """A tick label as plotly.js writes it: the axis' d3 format when it is one of the few the figures use, else
    plotly's default (an SI suffix once the axis reaches 10 000, the decimals the step needs), with the axis'
    prefix and suffix. `high_end`: the largest magnitude on the axis, which sets the suffix for every tick."""
    form = axis.get("tickformat", "")
    if form == ",d":
        text = f"{abs(value):,.0f}"
    elif form.endswith("%"):  # ".0%"
        text = f"{abs(value) * 100:.{int(form.strip('.%') or 0)}f}%"
    elif abs(value) < step / 1e6:
        text = "0"  # without a suffix
    else:
        top = abs(value) if high_end is None else high_end
        magnitude = int(np.floor(np.log10(top) + 0.01)) if top else 0
        exponent = 3 * round((magnitude - 1) / 3) if magnitude > 3 else 0
        decimals = max(0, 2 - int(np.floor(np.log10(step) + 0.01)) + exponent) if step else 0
        text = f"{abs(value) / 10 ** exponent:.{decimals}f}"
        text = (text.rstrip("0").rstrip(".") if "." in text else text) + _SI.get(exponent, "")
    sign = _MINUS if value < 0 and text.strip("0.%kMBT,") else ""
    return f"{sign}{axis.get('tickprefix', '')}{text}{axis.get('ticksuffix', '')}"


def empty(title: str, message: str | None = None) -> go.Figure:
    """A figure without axes that says in words why there is nothing to show."""
    note = {"text": message or _("No data for the chosen filters."), "x": 0.5, "y": 0.5, "xref": "paper",
            "yref": "paper", "showarrow": False,
            "font": {"size": 14, "color": theme.MUTED_INK}}
    return figure([], {"annotations": [note], "xaxis": {"visible": False}, "yaxis": {"visible": False}},
                  title=title, legend=False)


def explained(draw: Callable[..., go.Figure], why: Callable[[], str]) -> go.Figure:
    """`draw()`, or, when it has nothing to draw, `draw(empty_text=why())`: the words of an empty chart (where the
    data lies, say) are looked up only when the chart is empty."""
    drawn = draw()
    return draw(empty_text=why()) if not drawn.to_plotly_json()["data"] else drawn


def is_empty(fig: go.Figure) -> bool:
    """Whether a figure is the empty state: no traces, only the annotation saying why."""
    return not fig.data and any(a.text for a in fig.layout.annotations)


# A period the window covers only part of: hatched in white over its colour, so it reads lighter while the colour
# between the stripes keeps its 3:1 against the plot (a see-through bar fell to 1.6-2.3:1); where the bar has a
# pattern of its own (exits, hatched already), only that one.
PARTIAL_HATCH = {"shape": "/", "fillmode": "overlay", "fgcolor": "white", "solidity": 0.45}


def mark_partial(trace: dict, partial) -> dict:
    """A bar trace with the bars of partial periods (`partial`, one bool per bar) hatched in white, so a
    quarter of one month does not read as a weak quarter. Unchanged when no period is partial."""
    partial = np.asarray(partial, dtype=bool)
    if not partial.any():
        return trace
    marker = dict(trace.get("marker", {}))
    if "pattern" not in marker:
        marker["pattern"] = {**PARTIAL_HATCH, "shape": np.where(partial, PARTIAL_HATCH["shape"], "")}
    return {**trace, "marker": marker}


def dashed_tail(trace: dict, partial) -> list[dict]:
    """A line trace as two: solid through the whole periods, dashed into (and out of) the partial ones, with the
    partial points hollow. Just the trace when no period is partial."""
    partial = np.asarray(partial, dtype=bool)
    if not partial.any():
        return [trace]
    y = np.asarray(trace["y"], dtype=float)
    near = partial | np.roll(partial, 1) & (np.arange(len(y)) > 0) | np.roll(partial, -1) & (
        np.arange(len(y)) < len(y) - 1)
    solid = {**trace, "y": np.where(partial, np.nan, y)}
    line = {**trace.get("line", {}), "dash": "dot"}
    marker = {**trace.get("marker", {}), "symbol": np.where(partial, "circle-open", "circle"),
              "size": np.where(partial, 9, 0)}
    dashed = {**trace, "y": np.where(near, y, np.nan), "line": line, "marker": marker, "showlegend": False,
              "mode": "lines+markers"}
    return [solid, dashed]


def clickable(kind: str, keys) -> np.ndarray:
    """The customdata a click handler reads: one [kind, key] pair per mark, e.g. ["city", city_id], as an
    object array (plotly copies a figure's data twice; a list of lists costs far more to copy)."""
    pairs = np.empty((len(keys), 2), dtype=object)
    pairs[:, 0] = kind
    pairs[:, 1] = np.asarray(keys, dtype=object)
    return pairs


def as_of_line(as_of: dt.date) -> dict:
    """A dotted vertical line at the data's reference date, as a layout shape over a date x axis."""
    x = pd.Timestamp(as_of).value / 1e6  # milliseconds since the epoch, as plotly.js reads dates
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
            "line": {"color": theme.MUTED_INK, "dash": "dot"}}


def grid(rows: int, cols: int, *, titles: list[str], **options) -> dict:
    """The axes and panel titles of a `rows` x `cols` grid as plotly's make_subplots lays them out (`options`:
    its other keyword arguments, e.g. spacing), titles in the app's small muted font, as a fresh layout dict
    the caller may change. Put a trace in panel i with `cell(i)`."""
    return copy.deepcopy(_grid(rows, cols, tuple(titles), **options))


@functools.cache
def _grid(rows: int, cols: int, titles: tuple[str, ...], **options) -> dict:
    # make_subplots is slow, so it runs once per grid; `grid` hands out copies, this dict never changes.
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, **options)
    fig.update_annotations(font_size=12, font_color=theme.MUTED_INK)
    layout = fig.layout.to_plotly_json()
    del layout["template"]  # plotly's default, which `figure` replaces by the app's
    return layout


def cell(i: int) -> dict:
    """The axis references of the i-th panel of a `grid`, counted from 1, row by row."""
    n = "" if i == 1 else i
    return {"xaxis": f"x{n}", "yaxis": f"y{n}"}
