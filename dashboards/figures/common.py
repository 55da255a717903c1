"""Shared pieces of every figure: the template, titles, and the empty state."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboards import theme


def styled(fig: go.Figure, title: str, *, height: int | None = None, legend: bool = True) -> go.Figure:
    """Apply the app's template and title; `meta` keeps the title for accessible labels and tests."""
    fig.update_layout(template=theme.TEMPLATE, title_text=title, meta={"title": title}, showlegend=legend)
    if height:
        fig.update_layout(height=height)
    return fig


def empty(title: str, message: str = "No data for the chosen filters.") -> go.Figure:
    """A figure without axes that says in words why there is nothing to show."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=14, color=theme.MUTED_INK))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, title, legend=False)


def is_empty(fig: go.Figure) -> bool:
    return not fig.data and any(a.text for a in fig.layout.annotations)
