"""The KPI card, the one way every page shows its headline numbers: a row of cards, each a label, a value, and
optionally its change against the period before and a hint.

A page declares its KPIs as data (`Measure` when they are read from a query's current and previous rows, `Kpi`
when it works the value out itself) and its callback returns `kpi_cards(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboards import formatting as fmt
from dashboards.i18n import _

# How many cards share a row on a wide screen (Bootstrap column widths of each card).
FIVE_PER_ROW = {"xs": 6, "md": 4, "xl": True, "class_name": "kpi-col"}
SIX_PER_ROW = {"xs": 6, "md": 4, "xl": 2, "class_name": "kpi-col"}
FOUR_PER_ROW = {"xs": 6, "md": 3}


@dataclass(frozen=True)
class Kpi:
    """One card: what it counts, its value in words, and optionally its change against the period before."""

    label: str
    value: str
    change: str = ""
    direction: str = "none"  # up, down, flat or none
    versus: str = ""  # the period compared with, in words
    good: str = "up"  # the direction that is good news: up, down or neutral
    hint: str | None = None


@dataclass(frozen=True)
class Measure:
    """A KPI read from a query result's `current` and `previous` rows (its `which` column): the column, its
    label, how its value reads, how its change reads (fmt.points_change for shares), the good direction."""

    column: str
    label: str
    show: Callable[[object], str] = fmt.number
    compare: Callable[[object, object], tuple[str, str]] = fmt.change
    good: str = "up"
    hint: str | None = None


def kpi_row(id_, label: str | None = None) -> html.Section:
    """The row a page's KPI callback fills with `kpi_cards`."""
    return html.Section(dbc.Row(id=id_, class_name="g-3 mb-3 kpi-row"), **{"aria-label": label or _("Key figures")})


def kpi_card(label: str, value: str, *, change: str = "", direction: str = "none", versus: str = "",
             good: str = "up", hint: str | None = None) -> dbc.Card:
    """A headline number with its change against the period before.

    The arrow and the words carry the change; colour only repeats it (green when the change is good,
    which is up for most KPIs: `good="down"` flips it, `good="neutral"` keeps it grey).
    """
    arrow = {"up": "▲", "down": "▼", "flat": "▶"}.get(direction, "")
    tone = "neutral"
    if direction in ("up", "down") and good in ("up", "down"):
        tone = "good" if direction == good else "bad"
    delta = html.Div(
        [html.Span(arrow, className="kpi-arrow", **{"aria-hidden": "true"}), f" {change}",
         html.Span(_(" vs {period}").format(period=versus), className="kpi-versus") if versus else None],
        className=f"kpi-change kpi-{tone}",
    ) if change else None
    return dbc.Card(
        dbc.CardBody([
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value"),
            delta,
            html.Div(hint, className="kpi-hint") if hint else None,
        ]),
        class_name="kpi-card h-100",
    )


def kpi_cards(kpis: Iterable[Kpi], columns: dict = FIVE_PER_ROW) -> list[dbc.Col]:
    """A row's cards, each in a column of the given widths."""
    return [dbc.Col(kpi_card(**asdict(kpi)), **columns) for kpi in kpis]


def compared(df: pd.DataFrame, measures: Sequence[Measure], versus: str) -> list[Kpi]:
    """Each measure's value in the `current` row with its change against the `previous` row, if any (the hint
    then says the value before). A measure with no current value reads "–". Labels and hints are declared with
    N_ and translated here."""
    current, previous = (_row(df, which) for which in ("current", "previous"))
    kpis = []
    for m in measures:
        now = current[m.column] if current is not None else None
        before = previous[m.column] if previous is not None else None
        change, direction = m.compare(now, before)
        hint = _(m.hint) if m.hint else None
        if before is not None:
            earlier = _("before: {value}").format(value=m.show(before))
            hint = _("{hint}; {before}").format(hint=hint, before=earlier) if hint else earlier
        kpis.append(Kpi(_(m.label), m.show(now) if now is not None else "–",
                        change=change if previous is not None else "", direction=direction, versus=versus,
                        good=m.good, hint=hint))
    return kpis


def _row(df: pd.DataFrame, which: str) -> pd.Series | None:
    rows = df[df["which"] == which]
    return rows.iloc[0] if len(rows) else None
