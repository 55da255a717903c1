"""The grant portfolio in the donor standards, for the grants page's download (ISD staff only).

Read through the signed-in viewer's policy views like every query: the staging tables it reads are the data
team's (administrators and programme managers), so for anyone else the portfolio is empty even if the page's
own check were bypassed. Confidential member cities are taken out by the SQL itself (data_pipeline/standards).
"""

from __future__ import annotations

import pandas as pd

from dashboards.queries import db
from dashboards.security.access import Viewer
from data_pipeline.standards import publish
from data_pipeline.standards.portfolio import Portfolio, donors_in, read_portfolio

FORMATS = {"iati": "IATI 2.03 (XML)", "360giving": "360Giving (JSON)", "360giving-csv": "360Giving (flat CSV)"}


def may_publish(viewer: Viewer) -> bool:
    """ISD staff: the roles that read the pipeline's own tables (administrators, programme managers)."""
    return viewer.sees_quality


def donors(*, viewer: Viewer | None = None) -> pd.DataFrame:
    """Donors the viewer may publish the grants of: `donor_id`, `donor_name`."""
    return donors_in(lambda sql, params: db.frame(sql, params, viewer=viewer))


def portfolio(donor: str | None = None, *, viewer: Viewer | None = None) -> Portfolio:
    """The grant portfolio (one donor's when `donor` is given) as the viewer may read it."""
    return read_portfolio(lambda sql, params: db.frame(sql, params, viewer=viewer), donor=donor)


def standard_file(fmt: str, donor: str | None = None, *, viewer: Viewer | None = None) -> publish.Made:
    """The checked file of `fmt` (a key of FORMATS); its `data` is None when the checks found an error."""
    chosen = portfolio(donor, viewer=viewer)
    if fmt == "iati":
        return publish.make_iati(chosen)
    return publish.make_360giving(chosen, flat=fmt == "360giving-csv")
