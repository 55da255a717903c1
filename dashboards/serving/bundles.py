"""The scripts a page loads: component code no page needs at first is fetched on demand, and plotly.js comes
from assets/ with only the trace types the figures draw."""

from __future__ import annotations

import dash_ag_grid
from dash import dash_table, dcc

from dashboards.shell import dash_internals

# Component code no page needs when it opens. Eager loading would send it with every page (2 MB compressed,
# 9 MB of script to parse on a first visit); marked "lazy", it is fetched only if a component asks for it
# (dcc.Upload on the data-quality page, for uploads). The grids use community features only; no page has a
# DataTable.
ON_DEMAND = {
    dcc: ("mathjax", "markdown", "highlight", "slider", "upload"),
    dash_table: ("table", "export", "highlight"),
    dash_ag_grid: ("enterprise",),
}


def load_on_demand(chunks: dict = ON_DEMAND) -> None:
    """Mark the named async chunks of each component library (`async-<name>.js`) "lazy": Dash leaves them out
    of the page even with eager loading, and the component's own loader fetches one when it is first needed.
    Call it before Dash() is built."""
    for library, names in chunks.items():
        wanted = {f"async-{name}.js" for name in names}
        found = set()
        for resource in dash_internals.scripts_of(library):
            file = resource.get("relative_package_path", "").rsplit("/", 1)[-1]
            if file in wanted:
                resource["async"] = "lazy"
                found.add(file)
        if wanted - found:
            raise RuntimeError(f"{library.__name__} has no {sorted(wanted - found)} any more: update ON_DEMAND "
                               "in dashboards/serving/bundles.py")


def plotly_from_assets() -> None:
    """Leave Dash's full plotly.js (every trace type: 4.7 MB of script) out of the page. The page loads
    assets/vendor/plotly-scn.min.js instead, plotly.js with only the trace types the figures draw (1.4 MB; built by
    docs/plotly-bundle, checked by tests/dashboards/serving/test_plotly_bundle.py), and dcc.Graph draws with the
    `window.Plotly` it finds. Marked "lazy" like the chunks above, the full bundle is still served: dcc.Graph
    fetches it only if no `window.Plotly` was defined. Call it after Dash() is built: the constructor lists
    plotly.js."""
    full = [resource for resource in dash_internals.scripts_of(dcc) if resource.get("namespace") == "plotly"]
    if not full:
        raise RuntimeError("dash no longer lists plotly.js among dcc's scripts: see how dcc.Graph loads it and "
                           "update plotly_from_assets in dashboards/serving/bundles.py")
    for resource in full:
        resource["async"] = "lazy"
