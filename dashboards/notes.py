"""The sentence under each chart that says what it is based on, and what it leaves out."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards import formatting as fmt
from dashboards.filters import Window, partial_note, period_name

# What "off track" means, in the words every page and the PDF use (the rule itself: docs/marts.md).
OFF_TRACK = ("target not met and, where progress can be measured from a baseline, less than 90% of the way "
             "there")


def based_on(count: int, unit: str, *, one: str | None = None, left_out: int = 0, why: str = "",
             ignored: list[str] | tuple = (), extra: str = "") -> str:
    """"Based on 1,204 events; 37 without a region are left out." plus filters that do not apply. `unit` is the
    plural ("events whose ..."), `one` the singular ("event whose ..."), used when the count is 1."""
    text = f"Based on {fmt.number(count)} {fmt.plural(count, one or unit, unit)}"
    if left_out:
        text += f"; {fmt.number(left_out)} {why} {fmt.plural(left_out, 'is', 'are')} left out"
    text += "."
    if extra.strip():
        text += f" {extra.strip()}"
    if ignored:
        text += f" The {_words(ignored)} {fmt.plural(len(ignored), 'filter does', 'filters do')} not apply here."
    return text


def _words(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capped(shown: int, total: int, unit: str, where_all: str = "") -> str:
    """"The table lists the first 500 of 1,204 grants; ..." when a grid holds only part of its rows, else ""."""
    if total <= shown:
        return ""
    return (f"The table lists the first {shown:,} of {total:,} {unit}; narrow the filters"
            + (f", or {where_all}." if where_all else " to see the others."))


def not_shown(members: int) -> str:
    """What a map or list of member cities leaves out that the totals count, or ""."""
    if members <= 0:
        return ""
    return (f"{fmt.counted(members, 'confidential member')} {fmt.plural(members, 'is', 'are')} counted in the "
            f"totals but not named or placed here.")


def by_region(measure: str, df: pd.DataFrame, people: int | None = None) -> str:
    """The note of a chart of one measure by region (rows region, 'No region', `measure`): what its bars add up
    to, what they leave out, and how that meets the page's total. Participants are counted once in each region
    they took part in, so their bars need not add up to the `people` of the period."""
    drawn = df.loc[df["region"] != "No region", measure].sum()
    unplaced = df.loc[df["region"] == "No region", measure].sum()
    if measure == "participants":
        text = (f"The bars count {fmt.counted(drawn, 'person', 'people')} in the region each took part in; someone "
                f"active in two regions counts in both.")
        if people is not None:
            text += f" {fmt.counted(people, 'different person', 'different people')} took part in all"
            text += (f", {fmt.number(unplaced)} of them without a known region (not drawn)." if unplaced else ".")
        return text
    if measure == "awarded_usd":
        return (f"Based on {fmt.usd(drawn)} awarded to grants in a region"
                + (f"; {fmt.usd(unplaced)} without a region is not drawn ({fmt.usd(drawn + unplaced)} in all)."
                   if unplaced else "."))
    unit, one = {"events": ("events", "event"), "members": ("member cities at the period's end",
                                                               "member city at the period's end")}[measure]
    return based_on(int(drawn), unit, one=one, left_out=int(unplaced), why="without a region",
                    extra=f"{fmt.number(drawn + unplaced)} in all." if unplaced else "")


def hosted_and_attended(involvement: pd.Series, attended: int) -> str:
    """How a city's list of events ('hosted', 'attended', 'hosted and attended' each) meets its key figures (which
    count `attended` events people from the city took part in): "12 hosted and 30 attended by people from the
    city (5 both)", and the attended events the list cannot show (held outside the regions a hub lead covers)."""
    counts = involvement.value_counts()
    both = int(counts.get("hosted and attended", 0))
    listed = int(counts.get("attended", 0)) + both
    text = (f"{fmt.number(int(counts.get('hosted', 0)) + both)} hosted and {fmt.number(listed)} attended by "
            f"people from the city ({fmt.number(both)} both)")
    if attended > listed:
        return (text + f"; {fmt.number(attended - listed)} more {fmt.plural(attended - listed, 'event')} attended "
                "by people from the city, held outside the regions you cover, count in the key figures but are "
                "not listed.")
    return text + ", as in the key figures." if len(involvement) else ""


def whole_quarters(frame: pd.DataFrame, window: Window) -> str:
    """The heatmap counts whole quarters: when the period starts inside its first one, say that quarter holds
    activity from before the period, so its totals can exceed the period's elsewhere on the page."""
    if window.start is None or not len(frame):
        return ""
    first = pd.Timestamp(frame["quarter"].min()).date()
    if first >= window.start:
        return ""
    return (f"Quarters are counted whole: {period_name(first, 'quarter')} includes activity from "
            f"{fmt.day(first)}, before the period starts ({fmt.day(window.start)}).")


def partial_periods(frame: pd.DataFrame, window: Window, grain: str, column: str = "period", *,
                    drawn: str = "drawn lighter") -> str:
    """"Q4 2026 so far: 1 of 3 months (to 30 Oct 2026), drawn lighter: it is not a whole quarter." for the periods
    of `frame` the window covers only part of (a running quarter is not a weak one), or "". `drawn`: how the chart
    sets them apart."""
    starts = sorted({pd.Timestamp(p).date() for p in frame[column]}) if len(frame) else []
    parts = [n for n in (partial_note(s, grain, window) for s in starts) if n]
    if not parts:
        return ""
    return "; ".join(parts) + f", {drawn}: {fmt.plural(len(parts), 'it is', 'they are')} not a whole {grain}."


def nothing_in(what: str, window: Window, first: dt.date | None, last: dt.date | None) -> str:
    """What an empty chart says: that the period has none of `what` and where in time the data has some.

    For example: "No events between 1 Nov 2025 and 30 Oct 2026. Events in this data run from 7 Jan 2014 to
    17 Dec 2018: choose All time, or a period within those dates."
    """
    when = (f"up to {fmt.day(window.end)}" if window.start is None
            else f"between {fmt.day(window.start)} and {fmt.day(window.end)}")
    text = f"No {what} {when}."
    if first is None:
        return text + f" There are no {what} in this data for these filters."
    if first == last:
        return text + f" The only date with {what} in this data for these filters is {fmt.day(first)}."
    return (text + f" {what[:1].upper() + what[1:]} in this data run from {fmt.day(first)} to {fmt.day(last)}"
            " for these filters: choose All time, or a period within those dates.")
