"""The look of every chart: one colour per region, a palette for other categories, one Plotly template.

Regions take Paul Tol's "muted" scheme, nine colours designed to stay distinguishable with colour-blindness,
assigned in the contract's region order so a region has the same colour on every page, in every build.
Other categories (event types, genders, donors) use Okabe-Ito, so they never look like a region.
"""

from __future__ import annotations

import plotly.graph_objects as go

from data_pipeline.contract import MILESTONES, REGIONS

TOL_MUTED = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")

REGION_COLOURS: dict[str, str] = dict(zip(REGIONS, TOL_MUTED, strict=True))
NO_REGION = "No region"
UNKNOWN_COLOUR = "#BBBBBB"

INK = "#1f2a37"  # text and single-series bars
MUTED_INK = "#5b6673"
PRIMARY = "#1d4e89"  # the product's accent: navbar, single measures
SECONDARY = "#8fb3d9"  # the lighter partner of PRIMARY (e.g. disbursed next to awarded)
GRID = "#e5e8ec"
GOOD = "#117733"
BAD = "#CC3311"
# Engagement ladder 0-5 milestones, light to dark, readable in grey print.
LADDER_SCALE = ("#d9e6f2", "#a9c6e2", "#74a4d0", "#4682bb", "#1d5fa0", "#0b3d73")
COUNTRY_SCALE = ((0.0, "#eef2f6"), (1.0, "#9db4cc"))
FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif'


def region_colour(region: str | None) -> str:
    """The colour of a region everywhere in the app; grey for no or an unknown region."""
    return REGION_COLOURS.get(region or "", UNKNOWN_COLOUR)


def category_colours(values) -> dict[str, str]:
    """Stable Okabe-Ito colours for a set of non-region categories, in sorted order."""
    return {v: OKABE_ITO[i % len(OKABE_ITO)] for i, v in enumerate(sorted({str(v) for v in values}))}


def milestone_colour(step: int) -> str:
    return LADDER_SCALE[max(0, min(step, len(MILESTONES)))]


TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_STACK, size=13, color=INK),
        title=dict(font=dict(size=15), x=0, xanchor="left", y=0.98, yanchor="top"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=list(OKABE_ITO),
        margin=dict(l=8, r=8, t=40, b=8),
        hoverlabel=dict(font=dict(family=FONT_STACK)),
        # Below the plot: above it, a legend collides with the title on narrow cards.
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, title_text=""),
        xaxis=dict(gridcolor=GRID, zeroline=False, automargin=True, title_standoff=6),
        yaxis=dict(gridcolor=GRID, zeroline=False, automargin=True, title_standoff=6),
        separators=".,",
    )
)
