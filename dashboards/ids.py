"""Component ids, each written once here and imported by the layout and the callbacks that use it.

Shell ids are plain strings. Page ids come from `PageIds`, which prefixes them with the page name so two pages
never collide; repeated widgets (chart CSV buttons, table downloads) get pattern-matching dict ids so one
callback serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass

# The shell (app.py layout): one of each per browser tab.
URL = "url"  # dcc.Location whose query string holds the full filter state (refresh=False: no re-render)
NAV = "nav"  # dcc.Location used by callbacks to open another page (refresh="callback-nav")
NAV_LINKS = "nav-links"
PRINT_HEADER = "print-header"
DEMO_BANNER = "demo-banner"
CHIPS = "filter-chips"
FILTER_PERIOD = "filter-period"
FILTER_QUARTER = "filter-quarter"
FILTER_QUARTER_WRAP = "filter-quarter-wrap"
FILTER_RANGE = "filter-range"
FILTER_RANGE_WRAP = "filter-range-wrap"
FILTER_REGION = "filter-region"
FILTER_COUNTRY = "filter-country"
FILTER_EVENT_TYPE = "filter-event-type"
FILTER_TOPIC = "filter-topic"
FILTER_RESET = "filter-reset"
FILTER_WINDOW = "filter-window"  # the resolved dates of the period, in words

# Pattern-matching types, one callback each (registered in dashboards/shell/).
CHIP_CLEAR = "chip-clear"
NAV_LINK = "nav-link"
CHART_CSV = "chart-csv"
CHART_DOWNLOAD = "chart-download"
GRID = "grid"
GRID_CSV = "grid-csv"
GRID_XLSX = "grid-xlsx"
GRID_DOWNLOAD = "grid-download"


def chip_clear(key: str) -> dict:
    return {"type": CHIP_CLEAR, "key": key}


def nav_link(page: str) -> dict:
    return {"type": NAV_LINK, "page": page}


@dataclass(frozen=True)
class PageIds:
    """Ids of one page's components: `PageIds("membership").graph("map")` -> "membership-map-graph"."""

    page: str

    def __call__(self, name: str) -> str:
        return f"{self.page}-{name}"

    def graph(self, chart: str) -> str:
        return f"{self.page}-{chart}-graph"

    def note(self, chart: str) -> str:
        return f"{self.page}-{chart}-note"

    def body(self, chart: str) -> str:
        return f"{self.page}-{chart}-body"

    def csv(self, chart: str) -> dict:
        return {"type": CHART_CSV, "page": self.page, "chart": chart}

    def download(self, chart: str) -> dict:
        return {"type": CHART_DOWNLOAD, "page": self.page, "chart": chart}

    def grid(self, name: str) -> dict:
        return {"type": GRID, "grid": f"{self.page}-{name}"}

    def grid_csv(self, name: str) -> dict:
        return {"type": GRID_CSV, "grid": f"{self.page}-{name}"}

    def grid_xlsx(self, name: str) -> dict:
        return {"type": GRID_XLSX, "grid": f"{self.page}-{name}"}

    def grid_download(self, name: str) -> dict:
        return {"type": GRID_DOWNLOAD, "grid": f"{self.page}-{name}"}
