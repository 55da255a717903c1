"""The impact summary in plain words: the sentences the /impact page shows and the PDF prints.

Pure: made from `ImpactData` alone (queries/impact_data.py), no database, clock or network. Suppressed counts are
printed as the labels they arrive as: a sentence says "fewer than 5" or leaves the number out, and no share is
derived from a table that has a hidden cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from dashboards import formatting as fmt
from dashboards.queries.impact_data import PARTICIPANT_COLUMNS, STATUSES, Count, ImpactData
from data_pipeline import macros

LEVELS = ("output", "outcome", "impact")
# Who counts as reached (queries.impact.participants): people at events hosted in a funded city while a grant ran
# there, not everyone who attended an event somewhere.
REACHED = "at events in funded cities while a grant ran there"
FEWER_THAN = re.compile(r"\s*<\s*(\d+)\s*")
PLAIN_COUNT = re.compile(r"\s*\d[\d,]*\s*")


def usd(value: float | None, *, unit_of: float | None = None, currency: str = "USD") -> str:
    """Money as a report writes it: "US$1.4 million", "US$850k", "US$8.5k", "US$950". `unit_of` makes a figure
    share the million/billion unit of a larger one beside it ("US$0.9 million" next to "US$1.4 million").
    Another `currency` is written by its code: "GBP 1.1 million"."""
    symbol = "US$" if currency == "USD" else f"{currency} "
    if value is None or pd.isna(value):
        return "–"
    size = abs(float(value))
    sign = "-" if value < 0 else ""
    reference = max(size, abs(float(unit_of))) if unit_of is not None and not pd.isna(unit_of) else size
    # Each unit starts where the smaller one would round to 1,000 ("US$1,000k"): k shows no decimal, million one.
    for limit, start, suffix in ((1e9, 999_950_000, " billion"), (1e6, 999_500, " million")):
        if reference >= start and size >= 0.05 * limit:
            return f"{sign}{symbol}{size / limit:,.1f}".removesuffix(".0") + suffix
    if size >= 999.5:
        digits = 1 if size < 9_950 else 0
        return f"{sign}{symbol}{size / 1e3:,.{digits}f}".removesuffix(".0") + "k"
    return f"{sign}{symbol}{size:,.0f}"


def as_awarded(data: ImpactData) -> str:
    """What the grants were awarded in, beside the US dollars they are added up in: "awarded as GBP 1.1 million"
    (one other currency), "awarded in EUR, GBP and USD, each converted at its award date's rate" (several), or ""
    (all in US dollars)."""
    currencies = sorted(c for c, amount in data.awarded_by_currency.items() if amount > 0)
    if not currencies or currencies == ["USD"]:
        return ""
    if len(currencies) == 1:
        return f"awarded as {usd(data.awarded_by_currency[currencies[0]], currency=currencies[0])}"
    return f"awarded in {_words(currencies)}, each converted at its award date's rate"


def _count_phrase(value: Count, noun: str, plural: str | None = None) -> str | None:
    """"9 cities", "fewer than 5 cities" for a "<5" label, or None when the count is hidden by another marker."""
    if isinstance(value, str):
        match = FEWER_THAN.fullmatch(value)
        return f"fewer than {match.group(1)} {plural or noun + 's'}" if match else None
    if value is None or pd.isna(value):
        return None
    return fmt.counted(int(value), noun, plural)


def count_text(value: Count) -> str:
    """A count as a figure: "1,240", or its label ("<5") when suppressed."""
    if isinstance(value, str):
        return value
    return "–" if value is None or pd.isna(value) else fmt.number(int(value))


def _words(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _opening(data: ImpactData) -> tuple[str, bool]:
    """How the first sentence starts ("In 2025", "Since 1 Nov 2025", "Between 1 Jan 2025 and 30 Jun 2026", "To
    date"), and whether the period runs up to now, which wants the present perfect ("you have funded"). Made from
    the period's dates; a label alone ("2025", "1 Jan 2025 – 30 Jun 2026") is read as well as it can be."""
    start, end = data.period_start, data.period_end
    if end is not None:
        running = end >= data.as_of
        if start is None:
            return ("To date", True) if running else (f"Up to {fmt.day(end)}", False)
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
            return f"In {start.year}", False
        if running:
            return f"Since {fmt.day(start)}", True
        return f"Between {fmt.day(start)} and {fmt.day(end)}", False
    text = data.period_label.strip()
    dates = re.search(r"\(([^()]*)\)\s*$", text)  # "Last 12 months (1 Nov 2025 – 30 Oct 2026)": the dates
    text = dates.group(1).strip() if dates else text
    lower = text.lower()
    if lower in {"", "all time", "to date"}:
        return "To date", True
    if lower.startswith("up to "):
        return f"Up to {text[6:]}", True
    parts = re.split(r"\s+[–—-]\s+", text)
    if len(parts) == 2:
        return f"Between {parts[0]} and {parts[1]}", False
    return f"In {text}", False


def _filtered(filters_text: str) -> bool:
    return filters_text.strip().lower() not in {"", "no filters", "none"}


def _published(frame: pd.DataFrame) -> bool:
    """True when every cell of a suppressed table is printed as a plain number: nothing in it is hidden."""
    return bool(frame["participants"].notna().all()) and all(
        PLAIN_COUNT.fullmatch(str(label)) for label in frame["participants_label"])


def category_column(frame: pd.DataFrame) -> str:
    return next(c for c in frame.columns if c not in PARTICIPANT_COLUMNS)


def women_share(by_gender: pd.DataFrame) -> float | None:
    """Women's share of the participants who stated a gender, or None when it cannot be told safely.

    Conservative on purpose: with any gender cell hidden there is no share at all, even one whose numerator and
    denominator are both printed, because a rounded share next to the table and the total is one more equation
    for someone backing out the hidden cells, and deciding when it is harmless is not worth the risk."""
    if by_gender.empty or not _published(by_gender):
        return None
    counts = pd.DataFrame({"gender": by_gender[category_column(by_gender)].astype("string").str.strip().str.lower(),
                           "participants": by_gender["participants"].astype("Int64")})
    # the definition of data_pipeline/sql/macros/gender.sql, as the Overview and kpi_by_period use it
    share = macros.evaluate("""select women_share(sum(participants) filter (where is_woman(gender)),
                                                  sum(participants) filter (where gender_stated(gender)))
                               from counts""", counts=counts)
    return None if share is None else float(share)


def _money_sentence(data: ImpactData, opening: str, to_date: bool) -> str:
    subject = "donors to the network" if data.is_public else "you"
    verb = "have funded" if to_date else "funded"
    text = f"{opening}, {subject} {verb} {fmt.counted(data.grants, 'grant')}"
    if data.awarded_usd > 0:
        text += f" worth {usd(data.awarded_usd)}"
        if as_awarded(data):
            text += f" ({as_awarded(data)})"
    cities = _count_phrase(data.cities, "city", "cities")
    countries = fmt.counted(data.countries, "country", "countries") if data.countries else None
    if cities and countries:
        text += f" in {cities} across {countries}"
    elif cities or countries:
        text += f" in {cities or countries}"
    if data.awarded_usd > 0:
        if data.disbursed_usd > 0:
            paid = data.disbursed_usd / data.awarded_usd
            text += f"; {usd(data.disbursed_usd, unit_of=data.awarded_usd)} ({fmt.share(paid)}) has been paid out"
        else:
            text += "; nothing has been paid out yet"
    return _sentence(text)


def _portfolio_sentence(data: ImpactData) -> str:
    parts = []
    if data.grants == 1:
        parts.append("the grant is still active" if data.grants_active else "the grant has ended")
    elif data.grants_active >= data.grants:
        parts.append(f"all {fmt.number(data.grants)} grants are still active")
    elif data.grants_active:
        parts.append(f"{fmt.number(data.grants_active)} of the {fmt.number(data.grants)} grants "
                     f"{'is' if data.grants_active == 1 else 'are'} still active")
    else:
        parts.append("none of the grants is still active")
    # A row without a country code stands for confidential members, which are never named.
    named = data.by_country[data.by_country["iso3"].notna() & data.by_country["country"].notna()]
    if len(data.by_country) > 1 and len(named) and data.awarded_usd > 0:
        top = named.sort_values("awarded_usd", ascending=False, kind="stable").iloc[0]
        if top["awarded_usd"] > 0:
            parts.append(f"the largest share of the money went to {top['country']} "
                         f"({usd(top['awarded_usd'], unit_of=data.awarded_usd)}, "
                         f"{fmt.share(top['awarded_usd'] / data.awarded_usd)})")
    return _sentence(", and ".join(parts))


def _participants_sentences(data: ImpactData, to_date: bool) -> list[str]:
    total = data.participants_total
    if not isinstance(total, str) and not pd.isna(total) and int(total) == 0:
        return [f"No participants have been recorded {REACHED}{'' if to_date else ' in this period'}."]
    reached = _count_phrase(total, "participant")
    if reached is None:
        return []
    text = f"Events held in funded cities while a grant ran there reached {reached}"
    share = None if isinstance(total, str) else women_share(data.by_gender)
    if share is not None:
        text += f"; of those who stated a gender, {fmt.share(share)} were women"
    sentences = [_sentence(text)]
    roles = data.by_role
    # The largest role is only "the largest" if no cell is hidden: a hidden complement cell may be bigger.
    if len(roles) > 1 and _published(roles):
        top = roles.sort_values("participants", ascending=False, kind="stable").iloc[0]
        sentences.append(f"By role, the largest group was “{top[category_column(roles)]}”, "
                         f"with {top['participants_label'].strip()} participants.")
    return sentences


def _short_title(row: pd.Series) -> str:
    title = re.sub(r"\s*\(%\)\s*$", "", str(row["title"]))
    city = row.get("city")
    return f"{title} in {city}" if city is not None and not pd.isna(city) and str(city) else title


def target_text(row: pd.Series) -> str:
    return fmt.indicator_target(row["target_to_date"], row["direction"], row["measure"], row["unit"],
                                low=row["range_low"], high=row["range_high"])


def _behind(row: pd.Series, first: bool) -> str:
    """How far an off-track indicator is from its target, as indicator_achievement judged it: a share of the way
    where there is one, else its value against the target (never a share of a way from an unknown baseline)."""
    progress = row["progress"]
    if not pd.isna(progress):
        if progress < 0:
            return "moving away from target"
        return f"{fmt.share(progress)} of the way to target" if first else fmt.share(progress)
    actual = fmt.indicator_value(row["actual_to_date"], row["measure"], row["unit"])
    if row["direction"] == "range":
        return f"{actual}, outside {target_text(row)}"
    return f"{actual} against a target of {target_text(row)}"


def _by_level(indicators: pd.DataFrame) -> str:
    """"outputs 3 of 4, outcomes 2 of 3": on track among those judged, per level of the results chain."""
    judged = indicators[indicators["status"].isin(["on track", "off track"])]
    parts = []
    for level in LEVELS:
        rows = judged[judged["result_type"] == level]
        if len(rows):
            on = int((rows["status"] == "on track").sum())
            parts.append(f"{fmt.plural(len(rows), level)} {fmt.number(on)} of {fmt.number(len(rows))}")
    return ", ".join(parts) if len(parts) > 1 else ""


def _indicator_sentences(indicators: pd.DataFrame) -> list[str]:
    if indicators.empty:
        return ["No results indicators have been set for these grants yet."]
    status = indicators["status"]
    counts = {s: int((status == s).sum()) for s in STATUSES}
    reported = counts["on track"] + counts["off track"]
    levels = _by_level(indicators)
    sentences = []
    if reported:
        if not counts["off track"]:
            sentences.append("The one indicator measured against a target is on track." if reported == 1 else
                             f"All {fmt.number(reported)} indicators measured against a target are on track"
                             + (f" ({levels})." if levels else "."))
        else:
            behind = indicators[status == "off track"].sort_values("progress", kind="stable", na_position="last")
            named = [f"{_short_title(row)} ({_behind(row, i == 0)})"
                     for i, (_, row) in enumerate(behind.head(3).iterrows())]
            if len(behind) > 3:
                named[-1:] = [named[-1], fmt.counted(len(behind) - 3, "other")]
            off, on = counts["off track"], counts["on track"]
            if on:
                head = (f"{fmt.number(on)} of the {fmt.counted(reported, 'indicator')} measured against a target "
                        f"{fmt.plural(on, 'is', 'are')} on track"
                        + (f" ({levels})" if levels else "")
                        + f"; {fmt.number(off)} {fmt.plural(off, 'is', 'are')} behind")
            else:
                head = (f"{'The one indicator' if reported == 1 else f'All {fmt.number(reported)} indicators'} "
                        f"measured against a target {fmt.plural(reported, 'is', 'are')} behind")
            sentences.append(f"{head}: {_words(named)}.")
    rest = len(indicators) - reported
    if rest:
        clauses = [f"{fmt.number(n)} {fmt.plural(n, verb, plural)}" for n, verb, plural in (
            (counts["awaiting data"], "is awaiting data", "are awaiting data"),
            (counts["not due"], "is not yet due", "are not yet due"),
            (counts["no target"], "has no target", "have no target"),
        ) if n]
        if reported:
            sentences.append(f"Of the other {fmt.number(rest)}, {_words(clauses)}." if rest > 1 else
                             f"One more {clauses[0].split(' ', 1)[1]}.")
        else:
            sentences.append(f"None of the {fmt.counted(rest, 'indicator')} has a result against a target yet: "
                             f"{_words(clauses)}." if rest > 1 else
                             f"The one indicator has no result against a target yet: it "
                             f"{clauses[0].split(' ', 1)[1]}.")
    return sentences


def summary_sentences(data: ImpactData) -> list[str]:
    """A short summary of the period in plain words: money and reach, participants, indicators (3 to 6 sentences;
    one when there are no grants). Suppressed counts are written "fewer than 5" or left out, never guessed."""
    opening, to_date = _opening(data)
    if data.grants == 0:
        matching = " matching these filters" if _filtered(data.filters_text) else ""
        if data.is_public:
            were = "there have been" if to_date else "there were"
            return [f"{opening}, {were} no grants{matching}, so there are no results to report."]
        had = "have had" if to_date else "had"
        return [f"{opening}, you {had} no grants{matching}, so there are no results to report."]
    sentences = [_money_sentence(data, opening, to_date)]
    sentences.append(_portfolio_sentence(data))
    sentences += _participants_sentences(data, to_date)
    sentences += _indicator_sentences(data.indicators)
    return sentences
