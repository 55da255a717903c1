"""The sentence under each chart that says what it is based on, and what it leaves out.

In the reader's language: each sentence is a message of the `reports` catalogs with named places, counts through
ngettext, numbers and dates through formatting.py. The nouns a page passes to based_on (`things`, `why`,
`extra`) it has translated itself (the page's catalog, `messages`); `what` of nothing_in is looked up as it is.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboards import formatting as fmt
from dashboards.filters import Window, partial_note, period_name
from dashboards.i18n import N_, _, ngettext, pgettext

# What "off track" means, in the words every page and the PDF use (the rule itself: docs/marts.md).
OFF_TRACK = N_("target not met and, where progress can be measured from a baseline, less than 90% of the way "
             "there")


def based_on(count: int, things: str, *, left_out: int = 0, why: str = "", ignored: list[str] | tuple = (),
             extra: str = "") -> str:
    """"Based on 1,204 events; 37 without a region are left out." plus filters that do not apply. `things` is what
    is counted, already in the reader's language and in the form for `count`: the page passes
    ngettext("event", "events", count), so the catalogs hold the page's nouns with their plural forms. `why` and
    `extra` are whole sentences (or phrases) the page has translated too."""
    if left_out:
        text = ngettext("Based on {n} {things}; {left_out} {why} is left out.",
                        "Based on {n} {things}; {left_out} {why} are left out.", left_out).format(
            n=fmt.number(count), things=things, left_out=fmt.number(left_out), why=why)
    else:
        text = _("Based on {n} {things}.").format(n=fmt.number(count), things=things)
    if extra.strip():
        text += f" {extra.strip()}"
    if ignored:
        text += " " + ngettext("The {filters} filter does not apply here.", "The {filters} filters do not apply here.",
                               len(ignored)).format(filters=_words(ignored))
    return text


def _words(items) -> str:
    items = list(items)
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=pgettext("list", ", ").join(items[:-1]), last=items[-1])


def capped(shown: int, total: int, unit: str, where_all: str = "") -> str:
    """"The table lists the first 500 of 1,204 grants; ..." when a grid holds only part of its rows, else ""."""
    if total <= shown:
        return ""
    values = {"shown": fmt.number(shown), "total": fmt.number(total), "unit": unit, "where_all": where_all}
    if where_all:
        return _("The table lists the first {shown} of {total} {unit}; narrow the filters, or {where_all}.").format(
            **values)
    return _("The table lists the first {shown} of {total} {unit}; narrow the filters to see the others.").format(
        **values)


def not_shown(members: int) -> str:
    """What a map or list of member cities leaves out that the totals count, or ""."""
    if members <= 0:
        return ""
    return ngettext("{n} confidential member is counted in the totals but not named or placed here.",
                    "{n} confidential members are counted in the totals but not named or placed here.",
                    members).format(n=fmt.number(members))


def by_region(measure: str, df: pd.DataFrame, people: int | None = None) -> str:
    """The note of a chart of one measure by region (rows region, 'No region', `measure`): what its bars add up
    to, what they leave out, and how that meets the page's total. Participants are counted once in each region
    they took part in, so their bars need not add up to the `people` of the period."""
    drawn = df.loc[df["region"] != "No region", measure].sum()
    unplaced = df.loc[df["region"] == "No region", measure].sum()
    if measure == "participants":
        text = ngettext("The bars count {n} person in the region each took part in; someone active in two regions "
                        "counts in both.",
                        "The bars count {n} people in the region each took part in; someone active in two regions "
                        "counts in both.", int(drawn)).format(n=fmt.number(drawn))
        if people is not None:
            values = {"n": fmt.number(people), "unplaced": fmt.number(unplaced)}
            text += " " + (ngettext("{n} different person took part in all, {unplaced} of them without a known "
                                    "region (not drawn).",
                                    "{n} different people took part in all, {unplaced} of them without a known "
                                    "region (not drawn).", people) if unplaced else
                           ngettext("{n} different person took part in all.",
                                    "{n} different people took part in all.", people)).format(**values)
        return text
    if measure == "awarded_usd":
        if unplaced:
            return _("Based on {drawn} awarded to grants in a region; {unplaced} without a region is not drawn "
                     "({total} in all).").format(drawn=fmt.usd(drawn), unplaced=fmt.usd(unplaced),
                                                 total=fmt.usd(drawn + unplaced))
        return _("Based on {drawn} awarded to grants in a region.").format(drawn=fmt.usd(drawn))
    n = int(drawn)
    things = (ngettext("event", "events", n) if measure == "events" else
              ngettext("member city at the period's end", "member cities at the period's end", n))
    return based_on(n, things, left_out=int(unplaced), why=_("without a region"),
                    extra=_("{n} in all.").format(n=fmt.number(drawn + unplaced)) if unplaced else "")


def hosted_and_attended(involvement: pd.Series, attended: int) -> str:
    """How a city's list of events ('hosted', 'attended', 'hosted and attended' each) meets its key figures (which
    count `attended` events people from the city took part in): "12 hosted and 30 attended by people from the
    city (5 both)", and the attended events the list cannot show (held outside the regions a hub lead covers)."""
    counts = involvement.value_counts()
    both = int(counts.get("hosted and attended", 0))
    listed = int(counts.get("attended", 0)) + both
    places = {"hosted": fmt.number(int(counts.get("hosted", 0)) + both), "attended": fmt.number(listed),
              "both": fmt.number(both)}
    if attended > listed:
        more = attended - listed
        return ngettext("{hosted} hosted and {attended} attended by people from the city ({both} both); {n} more "
                        "event attended by people from the city, held outside the regions you cover, count in the "
                        "key figures but are not listed.",
                        "{hosted} hosted and {attended} attended by people from the city ({both} both); {n} more "
                        "events attended by people from the city, held outside the regions you cover, count in the "
                        "key figures but are not listed.", more).format(n=fmt.number(more), **places)
    if not len(involvement):
        return ""
    return _("{hosted} hosted and {attended} attended by people from the city ({both} both), as in the key "
             "figures.").format(**places)


def whole_quarters(frame: pd.DataFrame, window: Window) -> str:
    """The heatmap counts whole quarters: when the period starts inside its first one, say that quarter holds
    activity from before the period, so its totals can exceed the period's elsewhere on the page."""
    if window.start is None or not len(frame):
        return ""
    first = pd.Timestamp(frame["quarter"].min()).date()
    if first >= window.start:
        return ""
    return _("Quarters are counted whole: {quarter} includes activity from {first}, before the period starts "
             "({start}).").format(quarter=period_name(first, "quarter"), first=fmt.day(first),
                                  start=fmt.day(window.start))


# How a chart sets partial periods apart (pages pass one of these).
DRAWN_WORDS = (N_("drawn lighter"), N_("labelled “so far”"))


def partial_periods(frame: pd.DataFrame, window: Window, grain: str, column: str = "period", *,
                    drawn: str = "drawn lighter") -> str:
    """"Q4 2026 so far: 1 of 3 months (to 30 Oct 2026), drawn lighter: it is not a whole quarter." for the periods
    of `frame` the window covers only part of (a running quarter is not a weak one), or "". `drawn`: how the chart
    sets them apart."""
    starts = sorted({pd.Timestamp(p).date() for p in frame[column]}) if len(frame) else []
    parts = [n for n in (partial_note(s, grain, window) for s in starts) if n]
    if not parts:
        return ""
    return _("{periods}, {drawn}: {not_whole}").format(periods="; ".join(parts), drawn=_(drawn),
                                                       not_whole=_not_whole(grain, len(parts)))


def _not_whole(grain: str, n: int) -> str:
    """What `n` partial periods of `grain` are not."""
    if grain == "month":
        return ngettext("it is not a whole month.", "they are not a whole month.", n)
    if grain == "year":
        return ngettext("it is not a whole year.", "they are not a whole year.", n)
    return ngettext("it is not a whole quarter.", "they are not a whole quarter.", n)


# The things an empty chart says it has none of (queries/common.py NOTHING), for the catalogs.
NOTHING_WORDS = (N_("events"), N_("participants"), N_("attendances"), N_("participant-hours"), N_("member cities"),
                 N_("cities joining"), N_("grants awarded"), N_("grants at work"), N_("indicator reports"))
_ANY_REGION = " in any region"


def _things(what: str) -> str:
    if what.endswith(_ANY_REGION):
        return _("{things} in any region").format(things=_(what.removesuffix(_ANY_REGION)))
    return _(what)


def nothing_in(what: str, window: Window, first: dt.date | None, last: dt.date | None) -> str:
    """What an empty chart says: that the period has none of `what` and where in time the data has some.

    For example: "No events between 1 Nov 2025 and 30 Oct 2026. Events in this data run from 7 Jan 2014 to
    17 Dec 2018: choose All time, or a period within those dates."
    """
    things = _things(what)
    if window.start is None:
        text = _("No {what} up to {end}.").format(what=things, end=fmt.day(window.end))
    else:
        text = _("No {what} between {start} and {end}.").format(what=things, start=fmt.day(window.start),
                                                                 end=fmt.day(window.end))
    if first is None:
        return text + " " + _("There are no {what} in this data for these filters.").format(what=things)
    if first == last:
        return text + " " + _("The only date with {what} in this data for these filters is {date}.").format(
            what=things, date=fmt.day(first))
    run = _("{What} in this data run from {first} to {last} for these filters: choose All time, or a period within "
            "those dates.")
    return text + " " + run.format(What=things[:1].upper() + things[1:], first=fmt.day(first), last=fmt.day(last))
