"""Building blocks every page uses: the chart card, the KPI card, the data grid, the filter bar and its chips,
the small cards (page header, facts, empty state, segmented switch).

Layout only: no callbacks here. The shell (dashboards/shell/) holds the few generic callbacks these widgets need
(table downloads, chart CSVs, chip clearing), registered once for every page. Pages import the package as `ui`.
"""

from dashboards.components.cards import empty_state, facts, page_header, segmented
from dashboards.components.chart_card import BLANK_FIGURE, GRAPH_CONFIG, chart_card, fitted
from dashboards.components.filter_bar import OPTIONS_LIMIT, bounded_options, chips, filter_bar
from dashboards.components.grids import GRID_LIMIT, city_column, data_grid, grid_rows, indicator_result_columns
from dashboards.components.kpi import (
    FIVE_PER_ROW,
    FOUR_PER_ROW,
    SIX_PER_ROW,
    Kpi,
    Measure,
    compared,
    kpi_card,
    kpi_cards,
    kpi_row,
)

__all__ = [
    "BLANK_FIGURE", "FIVE_PER_ROW", "FOUR_PER_ROW", "GRAPH_CONFIG", "GRID_LIMIT", "OPTIONS_LIMIT", "SIX_PER_ROW", "Kpi",
    "Measure", "bounded_options", "chart_card", "chips", "city_column", "compared", "data_grid", "empty_state", "facts",
    "filter_bar", "fitted", "grid_rows", "indicator_result_columns", "kpi_card", "kpi_cards", "kpi_row", "page_header",
    "segmented",
]
