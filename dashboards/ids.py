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
PRINT_BUTTON = "print-page"  # window.print with the page made ready for paper (assets/print.js)
FILTERS_TOGGLE = "filters-toggle"  # shows or hides the filter bar where it is folded (assets/header.js)
FILTER_BODY = "filter-body"
FILTER_COUNT = "filter-count"  # the number of active filters, on the toggle (assets/header.js)
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

# The Views menu (dashboards/shell/views_menu.py): saved views, and notes on the page's charts.
VIEWS_OPEN = "views-open"
VIEWS_PANEL = "views-panel"
VIEWS_NAME = "views-name"
VIEWS_SAVE = "views-save"
VIEWS_LIST = "views-list"
VIEWS_OPEN_ONE = "views-open-one"  # pattern: one saved view's button, {"type", "view": its number}
VIEWS_NOTICE = "views-notice"  # what opening a view left out for the viewer, above the page
VIEWS_MESSAGE = "views-message"
VIEWS_SHARE_VIEW = "views-share-view"
VIEWS_SHARE_ROLE = "views-share-role"
VIEWS_SHARE = "views-share"
VIEWS_REMOVE = "views-remove"  # pattern: one's own view's Remove button, {"type", "view": its number}
VIEWS_CONFIRM = "views-confirm"  # where "Remove this view?" is asked, under the list
VIEWS_REMOVE_YES = "views-remove-yes"  # pattern: the question's buttons, {"type", "view": its number}
VIEWS_REMOVE_NO = "views-remove-no"
VIEWS_UNSHARE = "views-unshare"  # pattern: stop sharing a view, {"type", "view": its number, "role": the role}
NOTE_CHART = "note-chart"
NOTE_PERIOD = "note-period"
NOTE_AUDIENCE = "note-audience"
NOTE_REGION = "note-region"
NOTE_TEXT = "note-text"
NOTE_ADD = "note-add"
NOTE_MESSAGE = "note-message"
NOTE_REMOVE = "note-remove"  # pattern: a note's Remove button beside its chart, {"type", "note": its number}
NOTES_CHANGED = "notes-changed"  # a count the note form bumps: the charts' notes are read again

# Pattern-matching types, one callback each (registered in dashboards/shell/).
CHART_NOTES = "chart-notes"  # the notes on the numbers beside a chart (dashboards/components/chart_notes.py)
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


def chart_notes(chart: str) -> dict:
    """The notes beside a chart, by its id in the pack's chart registry ("training/events")."""
    return {"type": CHART_NOTES, "chart": chart}


LANG_LINK = "lang-link"  # the navigation bar's language switch, one link per language (shell/language.py)


def lang_link(lang: str) -> dict:
    return {"type": LANG_LINK, "lang": lang}


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
