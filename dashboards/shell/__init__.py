"""The frame around every page and the callbacks every page shares (docs/architecture.md).

frame (the layout: navigation bar, filter bar, notices, the page, footer), filtering (the URL <-> filter bar
round trip, chips), navigation, downloads, click (click to filter), notices; dash_internals is the one module
that imports private Dash names. Importing the package registers the shared callbacks.
"""

from dashboards.shell import document, downloads, filtering, navigation  # noqa: F401 - importing registers callbacks
from dashboards.shell.click import click_to_filter
from dashboards.shell.downloads import about_export, chart_downloads
from dashboards.shell.frame import APP_NAME, layout

__all__ = ["APP_NAME", "about_export", "chart_downloads", "click_to_filter", "layout"]
