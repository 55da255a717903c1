"""The app's chart colours meet WCAG 2.2 1.4.11 (3:1 for a mark against the plot behind it) and stay apart from
each other, also as readers with a colour-vision deficiency see them (measures: tests/dashboards/colour_checks.py)."""

from __future__ import annotations

import pytest

from dashboards import theme
from tests.dashboards.colour_checks import CVD, closest_pair, contrast

PLOT = theme.TEMPLATE.layout.plot_bgcolor
# CIE76 ΔE between the two closest colours of a palette: 15 apart at a glance with full colour vision, 10 with a
# dichromacy. Tol's muted and Okabe-Ito as published: 22.8 / 15.6 and 26.4 / 16.1.
APART = {"normal": 15.0, "protanopia": 10.0, "deuteranopia": 10.0, "tritanopia": 10.0}

MARKS = {
    **{f"region {r}": c for r, c in theme.REGION_COLOURS.items()},
    **{f"category {i}": c for i, c in enumerate(theme.OKABE_ITO)},
    "no region": theme.UNKNOWN_COLOUR, "primary": theme.PRIMARY, "secondary": theme.SECONDARY,
    "good": theme.GOOD, "bad": theme.BAD, "ink": theme.INK, "muted ink": theme.MUTED_INK,
}


def test_the_plot_background_is_the_card_white() -> None:
    assert PLOT == theme.TEMPLATE.layout.paper_bgcolor == "white"


@pytest.mark.parametrize("name", MARKS)
def test_every_mark_colour_has_3_to_1_against_the_plot(name: str) -> None:
    assert contrast(MARKS[name], PLOT) >= 3, f"{name} {MARKS[name]}: {contrast(MARKS[name], PLOT):.2f}:1"


@pytest.mark.parametrize("vision", CVD)
@pytest.mark.parametrize("palette", ["regions", "categories"])
def test_palette_colours_stay_apart(palette: str, vision: str) -> None:
    colours = list(theme.REGION_COLOURS.values()) if palette == "regions" else list(theme.OKABE_ITO)
    assert len(set(colours)) == len(colours)
    gap, a, b = closest_pair(colours, vision)
    assert gap >= APART[vision], f"{a} and {b} are {gap:.1f} apart with {vision}"


def test_the_secondary_shade_stays_apart_from_primary() -> None:
    assert contrast(theme.SECONDARY, theme.PRIMARY) >= 2
    assert theme.SECONDARY_PATTERN["shape"]


def test_the_categories_cover_the_event_types() -> None:
    from data_pipeline.contract import EVENT_TYPES
    assert len(theme.OKABE_ITO) >= len(EVENT_TYPES)  # one colour each in the stacked events chart
