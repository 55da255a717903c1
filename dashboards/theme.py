"""The look of every chart: one colour per region, a palette for other categories, one Plotly template.

Regions take Paul Tol's "muted" scheme, nine colours designed to stay distinguishable with colour-blindness,
assigned in the contract's region order so a region has the same colour on every page, in every build.
Other categories (event types, genders, donors) use Okabe-Ito, so they never look like a region.
Both are darkened where a colour was too light for a mark on the white plot (WCAG 2.2 1.4.11: 3:1 against its
background): each in its own hue, and chosen so that every pair stays apart for readers with protanopia,
deuteranopia or tritanopia as well (tests/dashboards/test_theme_contrast.py measures both).
"""

from __future__ import annotations

import plotly.graph_objects as go

from data_pipeline.contract import MILESTONES, REGIONS

# Tol's muted with sand (#DDCC77, 1.6:1 on white), cyan (#88CCEE, 1.8:1), teal (#44AA99, 2.8:1) and olive (#999933,
# 3.0:1, and too near the darkened sand) darkened: 3.1-5.7:1 now.
TOL_MUTED = ("#CC6677", "#332288", "#A8902A", "#117733", "#4A8CBF", "#882255", "#0DA389", "#6E7420", "#AA4499")
# Okabe-Ito with orange (#E69F00, 2.3:1), sky blue (#56B4E9, 2.3:1) and reddish purple (3.06:1) darkened and
# vermilion darker (it met darkened orange for deuteranopes); yellow (#F0E442, 1.3:1) has no dark form that is not
# olive or orange, so black, Okabe-Ito's eighth, takes its place: seven colours, as many as there are event types.
OKABE_ITO = ("#0072B2", "#C38602", "#009E73", "#B84A00", "#3A9BCE", "#C0669A", "#000000")

REGION_COLOURS: dict[str, str] = dict(zip(REGIONS, TOL_MUTED, strict=True))
NO_REGION = "No region"
UNKNOWN_COLOUR = "#888888"  # 3.5:1 on white

INK = "#1f2a37"  # text and single-series bars
MUTED_INK = "#5b6673"
PRIMARY = "#1d4e89"  # the product's accent: navbar, single measures
# The lighter partner of PRIMARY (e.g. disbursed next to awarded): 3.2:1 on white, and dotted (SECONDARY_PATTERN)
# wherever it stands beside PRIMARY in the same kind of mark, so the pair differs by more than colour.
SECONDARY = "#6F93C0"
SECONDARY_PATTERN = {"shape": ".", "fillmode": "overlay", "fgcolor": "white", "size": 6, "solidity": 0.25}
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
