"""Shared pieces of every figure: the template, titles, subplot grids and the empty state.

Figure functions build plain trace and layout dicts and wrap them with `figure`, which skips plotly's property
validation: validating and merging through graph objects cost 10-140 ms a figure, the wrapping costs under one.
What validation would have caught is checked once by the tests instead (tests/test_figures_valid.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards import theme

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

    Dash serialises a figure through `to_plotly_json`, which for a go.Figure deep-copies every property (10-20 ms
    for a map of a few thousand cities, more than building it). The dicts of `figure` are final once it returns,
    so they go to the JSON encoder as they are. The graph-object side (fig.data, fig.layout) stays for tests and
    for reading; a Drawn figure is not to be changed after it is made (nothing in the app does).
    """

    def __init__(self, spec: dict) -> None:
        super().__init__(spec, _validate=False)
        self._spec = spec

    def to_plotly_json(self) -> dict:
        return self._spec


def figure(data: list[dict], layout: dict, *, title: str, height: int | None = None,
           legend: bool = True) -> go.Figure:
    """A figure from plain trace dicts (`{"type": "bar", ...}`) and a layout dict, with the app's template and
    `layout_defaults` added, built without plotly's validation (see the module's docstring)."""
    layout = {"template": TEMPLATE, **layout, **layout_defaults(title, height=height, legend=legend)}
    return Drawn({"data": data, "layout": layout})


def empty(title: str, message: str = "No data for the chosen filters.") -> go.Figure:
    """A figure without axes that says in words why there is nothing to show."""
    note = {"text": message, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "showarrow": False,
            "font": {"size": 14, "color": theme.MUTED_INK}}
    return figure([], {"annotations": [note], "xaxis": {"visible": False}, "yaxis": {"visible": False}},
                  title=title, legend=False)


def is_empty(fig: go.Figure) -> bool:
    return not fig.data and any(a.text for a in fig.layout.annotations)


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
    # make_subplots costs ~60 ms, so it runs once per grid; `grid` hands out copies, this dict never changes.
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, **options)
    fig.update_annotations(font_size=12, font_color=theme.MUTED_INK)
    layout = fig.layout.to_plotly_json()
    del layout["template"]  # plotly's default, which `figure` replaces by the app's
    return layout


def cell(i: int) -> dict:
    """The axis references of the i-th panel of a `grid`, counted from 1, row by row."""
    n = "" if i == 1 else i
    return {"xaxis": f"x{n}", "yaxis": f"y{n}"}
