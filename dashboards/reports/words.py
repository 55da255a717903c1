"""The impact summary in plain words: the sentences the /impact page shows and the PDF prints.

Pure: made from `ImpactData` alone (queries/impact_data.py), no database, clock or network. Suppressed counts are
printed as the labels they arrive as: a sentence says "fewer than 5" or leaves the number out, and no share is
derived from a table that has a hidden cell.

Every sentence speaks the current language: its words through the `reports` catalogs (`_`, `ngettext`: Arabic has
six plural forms), its numbers and dates through formatting.py. The sentences are long and their parts depend on the
data (a money clause only when money was awarded, a list of the indicators behind), so each part is a translatable
phrase with named places, `{start}` standing for what the sentence says before it: a translator can move a part's
own words around its figures, not reorder the parts. The pieces the sentences share with the PDF (money, counted
nouns, "A, B and C", what a suppressed table lets be said) are phrases.py's.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboards import formatting as fmt
from dashboards.i18n import DEFAULT, N_, _, current_language, ngettext, pgettext
from dashboards.queries.impact_data import STATUSES, ImpactData
from dashboards.reports import phrases

LEVELS = ("output", "outcome", "impact")


def _opening(data: ImpactData) -> tuple[str, bool]:
    """How the first sentence starts ("In 2025", "Since 1 Nov 2025", "Between 1 Jan 2025 and 30 Jun 2026", "To
    date"), and whether the period runs up to now, which wants the present perfect ("you have funded"). Made from
    the period's dates; a label alone ("2025", "1 Jan 2025 – 30 Jun 2026") is read as well as it can be."""
    start, end = data.period_start, data.period_end
    if end is not None:
        running = end >= data.as_of
        if start is None:
            return (_("To date"), True) if running else (_("Up to {date}").format(date=fmt.day(end)), False)
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
            return _("In {year}").format(year=start.year), False
        if running:
            return _("Since {date}").format(date=fmt.day(start)), True
        return _("Between {start} and {end}").format(start=fmt.day(start), end=fmt.day(end)), False
    text = data.period_label.strip()
    dates = re.search(r"\(([^()]*)\)\s*$", text)  # "Last 12 months (1 Nov 2025 – 30 Oct 2026)": the dates
    text = dates.group(1).strip() if dates else text
    lower = text.lower()
    if lower in {"", "all time", "to date"}:
        return _("To date"), True
    if lower.startswith("up to "):
        return _("Up to {date}").format(date=text[6:]), True
    parts = re.split(r"\s+[–—-]\s+", text)
    if len(parts) == 2:
        return _("Between {start} and {end}").format(start=parts[0], end=parts[1]), False
    return _("In {year}").format(year=text), False


def _filtered(filters_text: str) -> bool:
    return filters_text.strip().lower() not in {"", "no filters", "none"}


def _money_sentence(data: ImpactData, opening: str, to_date: bool) -> str:
    n = data.grants
    if data.is_public:
        text = (ngettext("{opening}, donors to the network have funded {n} grant",
                         "{opening}, donors to the network have funded {n} grants", n) if to_date else
                ngettext("{opening}, donors to the network funded {n} grant",
                         "{opening}, donors to the network funded {n} grants", n))
    else:
        text = (ngettext("{opening}, you have funded {n} grant", "{opening}, you have funded {n} grants", n)
                if to_date else ngettext("{opening}, you funded {n} grant", "{opening}, you funded {n} grants", n))
    text = text.format(opening=opening, n=fmt.number(n))
    if data.awarded_usd > 0:
        text = _("{start} worth {amount}").format(start=text, amount=phrases.usd(data.awarded_usd))
        if phrases.as_awarded(data):
            text = _("{start} ({as_awarded})").format(start=text, as_awarded=phrases.as_awarded(data))
    cities = phrases.count_phrase(data.cities, phrases.cities, phrases.fewer_cities)
    countries = phrases.countries(data.countries) if data.countries else None
    if cities and countries:
        text = _("{start} in {cities} across {countries}").format(start=text, cities=cities, countries=countries)
    elif cities or countries:
        text = _("{start} in {places}").format(start=text, places=cities or countries)
    if data.awarded_usd > 0:
        if data.disbursed_usd > 0:
            paid = data.disbursed_usd / data.awarded_usd
            text = _("{start}; {amount} ({share}) has been paid out").format(
                start=text, amount=phrases.usd(data.disbursed_usd, unit_of=data.awarded_usd), share=fmt.share(paid))
        else:
            text = _("{start}; nothing has been paid out yet").format(start=text)
    return phrases.sentence(text)


def _portfolio_sentence(data: ImpactData) -> str:
    parts = []
    if data.grants == 1:
        parts.append(_("the grant is still active") if data.grants_active else _("the grant has ended"))
    elif data.grants_active >= data.grants:
        parts.append(ngettext("all {n} grant is still active", "all {n} grants are still active",
                              data.grants).format(n=fmt.number(data.grants)))
    elif data.grants_active:
        parts.append(ngettext("{active} of the {n} grants is still active", "{active} of the {n} grants are still "
                              "active", data.grants_active).format(active=fmt.number(data.grants_active),
                                                                   n=fmt.number(data.grants)))
    else:
        parts.append(_("none of the grants is still active"))
    # A row without a country code stands for confidential members, which are never named.
    named = data.by_country[data.by_country["iso3"].notna() & data.by_country["country"].notna()]
    if len(data.by_country) > 1 and len(named) and data.awarded_usd > 0:
        top = named.sort_values("awarded_usd", ascending=False, kind="stable").iloc[0]
        if top["awarded_usd"] > 0:
            parts.append(_("the largest share of the money went to {country} ({amount}, {share})").format(
                country=top["country"], amount=phrases.usd(top["awarded_usd"], unit_of=data.awarded_usd),
                share=fmt.share(top["awarded_usd"] / data.awarded_usd)))
    text = parts[0]
    for part in parts[1:]:
        text = _("{start}, and {more}").format(start=text, more=part)
    return phrases.sentence(text)


def _participants_sentences(data: ImpactData, to_date: bool) -> list[str]:
    total = data.participants_total
    if not isinstance(total, str) and not pd.isna(total) and int(total) == 0:
        return [_("No participants have been recorded at events in funded cities while a grant ran there.")
                if to_date else _("No participants have been recorded at events in funded cities while a grant "
                                  "ran there in this period.")]
    reached = phrases.count_phrase(total, phrases.participants, phrases.fewer_participants)
    if reached is None:
        return []
    text = _("Events held in funded cities while a grant ran there reached {reached}").format(reached=reached)
    share = None if isinstance(total, str) else phrases.women_share(data.by_gender)
    if share is not None:
        text = _("{start}; of those who stated a gender, {share} were women").format(start=text,
                                                                                     share=fmt.share(share))
    sentences = [phrases.sentence(text)]
    roles = data.by_role
    # The largest role is only "the largest" if no cell is hidden: a hidden complement cell may be bigger.
    if len(roles) > 1 and phrases.published(roles):
        top = roles.sort_values("participants", ascending=False, kind="stable").iloc[0]
        label = str(top["participants_label"]).strip()
        count = int(label.replace(",", ""))
        sentences.append(ngettext("By role, the largest group was “{role}”, with {n} participant.",
                                  "By role, the largest group was “{role}”, with {n} participants.", count).format(
            role=top[phrases.category_column(roles)], n=label if current_language() == DEFAULT else fmt.number(count)))
    return sentences


def _short_title(row: pd.Series) -> str:
    title = re.sub(r"\s*\(%\)\s*$", "", str(row["title"]))
    city = row.get("city")
    return (_("{title} in {city}").format(title=title, city=city)
            if city is not None and not pd.isna(city) and str(city) else title)


def _behind(row: pd.Series, first: bool) -> str:
    """How far an off-track indicator is from its target, as indicator_achievement judged it: a share of the way
    where there is one, else its value against the target (never a share of a way from an unknown baseline)."""
    progress = row["progress"]
    if not pd.isna(progress):
        if progress < 0:
            return _("moving away from target")
        return _("{share} of the way to target").format(share=fmt.share(progress)) if first else fmt.share(progress)
    actual = fmt.indicator_value(row["actual_to_date"], row["measure"], row["unit"])
    if row["direction"] == "range":
        return _("{actual}, outside {target}").format(actual=actual, target=phrases.target_text(row))
    return _("{actual} against a target of {target}").format(actual=actual, target=phrases.target_text(row))


def _level(level: str, on: int, total: int) -> str:
    values = {"on": fmt.number(on), "total": fmt.number(total)}
    if level == "output":
        return ngettext("output {on} of {total}", "outputs {on} of {total}", total).format(**values)
    if level == "outcome":
        return ngettext("outcome {on} of {total}", "outcomes {on} of {total}", total).format(**values)
    return ngettext("impact {on} of {total}", "impacts {on} of {total}", total).format(**values)


def _by_level(indicators: pd.DataFrame) -> str:
    """"outputs 3 of 4, outcomes 2 of 3": on track among those judged, per level of the results chain."""
    judged = indicators[indicators["status"].isin(["on track", "off track"])]
    parts = []
    for level in LEVELS:
        rows = judged[judged["result_type"] == level]
        if len(rows):
            parts.append(_level(level, int((rows["status"] == "on track").sum()), len(rows)))
    return pgettext("list", ", ").join(parts) if len(parts) > 1 else ""


# The statuses of indicators with no result against a target: how a count of them, one more of them, and the only
# one of them read.
def _waiting(status: str, n: int) -> str:
    values = {"n": fmt.number(n)}
    if status == "awaiting data":
        return ngettext("{n} is awaiting data", "{n} are awaiting data", n).format(**values)
    if status == "not due":
        return ngettext("{n} is not yet due", "{n} are not yet due", n).format(**values)
    return ngettext("{n} has no target", "{n} have no target", n).format(**values)


ONE_MORE = {"awaiting data": N_("One more is awaiting data."), "not due": N_("One more is not yet due."),
            "no target": N_("One more has no target.")}
THE_ONE = {"awaiting data": N_("The one indicator has no result against a target yet: it is awaiting data."),
           "not due": N_("The one indicator has no result against a target yet: it is not yet due."),
           "no target": N_("The one indicator has no result against a target yet: it has no target.")}


def _indicator_sentences(indicators: pd.DataFrame) -> list[str]:
    if indicators.empty:
        return [_("No results indicators have been set for these grants yet.")]
    status = indicators["status"]
    counts = {s: int((status == s).sum()) for s in STATUSES}
    reported = counts["on track"] + counts["off track"]
    levels = _by_level(indicators)
    sentences = []
    if reported:
        if not counts["off track"]:
            if reported == 1:
                sentences.append(_("The one indicator measured against a target is on track."))
            elif levels:
                sentences.append(ngettext("All {n} indicator measured against a target is on track ({levels}).",
                                          "All {n} indicators measured against a target are on track ({levels}).",
                                          reported).format(n=fmt.number(reported), levels=levels))
            else:
                sentences.append(ngettext("All {n} indicator measured against a target is on track.",
                                          "All {n} indicators measured against a target are on track.",
                                          reported).format(n=fmt.number(reported)))
        else:
            behind = indicators[status == "off track"].sort_values("progress", kind="stable", na_position="last")
            named = [_("{title} ({behind})").format(title=_short_title(row), behind=_behind(row, i == 0))
                     for i, (_index, row) in enumerate(behind.head(3).iterrows())]
            if len(behind) > 3:
                others = len(behind) - 3
                named[-1:] = [named[-1], ngettext("{n} other", "{n} others", others).format(n=fmt.number(others))]
            off, on = counts["off track"], counts["on track"]
            if on:
                of_them = ngettext("{n} indicator", "{n} indicators", reported).format(n=fmt.number(reported))
                head = ngettext("{on} of the {indicators} measured against a target is on track",
                                "{on} of the {indicators} measured against a target are on track", on).format(
                    on=fmt.number(on), indicators=of_them)
                if levels:
                    head = _("{start} ({levels})").format(start=head, levels=levels)
                head = ngettext("{start}; {n} is behind", "{start}; {n} are behind", off).format(
                    start=head, n=fmt.number(off))
            elif reported == 1:
                head = _("The one indicator measured against a target is behind")
            else:
                head = ngettext("All {n} indicator measured against a target is behind",
                                "All {n} indicators measured against a target are behind", reported).format(
                    n=fmt.number(reported))
            sentences.append(_("{head}: {named}.").format(head=head, named=phrases.listed(named)))
    rest = len(indicators) - reported
    if rest:
        waiting = [s for s in ("awaiting data", "not due", "no target") if counts[s]]
        clauses = [_waiting(s, counts[s]) for s in waiting]
        if reported:
            sentences.append(ngettext("Of the other {n}, {clauses}.", "Of the other {n}, {clauses}.", rest).format(
                n=fmt.number(rest), clauses=phrases.listed(clauses)) if rest > 1 else _(ONE_MORE[waiting[0]]))
        else:
            sentences.append(ngettext("None of the {n} indicator has a result against a target yet: {clauses}.",
                                      "None of the {n} indicators has a result against a target yet: {clauses}.",
                                      rest).format(n=fmt.number(rest), clauses=phrases.listed(clauses))
                             if rest > 1 else _(THE_ONE[waiting[0]]))
    return sentences


def summary_sentences(data: ImpactData) -> list[str]:
    """A short summary of the period in plain words: money and reach, participants, indicators (3 to 6 sentences;
    one when there are no grants). Suppressed counts are written "fewer than 5" or left out, never guessed."""
    opening, to_date = _opening(data)
    if data.grants == 0:
        matching = _filtered(data.filters_text)
        if data.is_public:
            if to_date:
                text = (_("{opening}, there have been no grants matching these filters, so there are no results to "
                          "report.") if matching else
                        _("{opening}, there have been no grants, so there are no results to report."))
            else:
                text = (_("{opening}, there were no grants matching these filters, so there are no results to "
                          "report.") if matching else
                        _("{opening}, there were no grants, so there are no results to report."))
        elif to_date:
            text = (_("{opening}, you have had no grants matching these filters, so there are no results to "
                      "report.") if matching else _("{opening}, you have had no grants, so there are no results to "
                                                    "report."))
        else:
            text = (_("{opening}, you had no grants matching these filters, so there are no results to report.")
                    if matching else _("{opening}, you had no grants, so there are no results to report."))
        return [text.format(opening=opening)]
    sentences = [_money_sentence(data, opening, to_date)]
    sentences.append(_portfolio_sentence(data))
    sentences += _participants_sentences(data, to_date)
    sentences += _indicator_sentences(data.indicators)
    return sentences
