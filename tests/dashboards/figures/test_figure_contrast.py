"""Every mark the app draws has 3:1 against its plot's background (WCAG 2.2 1.4.11), or an outline that has: each
figure function of test_figures_valid.CASES, drawn from the sample database over its whole period."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dashboards.filters import from_query
from tests.dashboards.colour_checks import blend, contrast
from tests.dashboards.figures.test_figures_valid import CASES

MARKED = ("bar", "scatter", "scattergeo")


def _colours(value) -> list[str]:
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(np.asarray(value, dtype=object).ravel())
    return sorted({v for v in values if isinstance(v, str)})


def _opacities(marker: dict) -> list[float]:
    return sorted({float(v) for v in np.atleast_1d(marker.get("opacity", 1.0))})


def weak_marks(fig: dict) -> list[str]:
    """The trace colours under 3:1 against the plot background, as seen (through the mark's opacity), where the
    mark has no outline of 3:1 either."""
    layout = fig["layout"]
    background = layout.get("plot_bgcolor") or layout["template"]["layout"]["plot_bgcolor"]
    weak = []
    for trace in fig["data"]:
        if trace.get("type", "scatter") not in MARKED or trace.get("visible") is False:
            continue
        marker, line = trace.get("marker") or {}, trace.get("line") or {}
        outline = marker.get("line") or {}
        widths = np.atleast_1d(outline.get("width", 0))
        outlined = bool(np.all(widths > 0)) and all(
            contrast(blend(c, o, background), background) >= 3 for c in _colours(outline.get("color"))
            for o in _opacities(marker)) and _colours(outline.get("color"))
        mode = trace.get("mode", "markers" if trace.get("type") == "scattergeo" else "lines")
        colours = _colours(marker.get("color")) if trace.get("type") == "bar" or "markers" in mode else []
        for colour in colours:
            for opacity in _opacities(marker):
                seen = blend(colour, opacity, background)
                if contrast(seen, background) < 3 and not outlined:
                    weak.append(f"{trace.get('name')}: {colour} at {opacity} {contrast(seen, background):.2f}:1")
        if "lines" in mode and line.get("width", 2) > 0:
            weak += [f"{trace.get('name')} line: {c} {contrast(c, background):.2f}:1"
                     for c in _colours(line.get("color")) if contrast(c, background) < 3]
    return weak


@pytest.mark.parametrize("name", CASES)
def test_every_mark_has_3_to_1_against_its_plot(dashboard_db: Path, name: str) -> None:
    query, draw = CASES[name]
    fig = draw(query(from_query("?period=all"))).to_plotly_json()
    assert fig["data"], f"{name} drew nothing from the whole sample: the check proved little"
    assert not weak_marks(fig), weak_marks(fig)
