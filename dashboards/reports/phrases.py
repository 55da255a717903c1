"""The phrases the impact summary's sentences (words.py) and its PDF (pdf.py) are made of: money, counts, lists.

Money as a report writes it ("US$1.4 million") and the currencies it was awarded in; counts as figures ("1,240",
or their suppressed label "<5") and as counted nouns ("9 cities", "fewer than 5 cities": the `reports` catalogs'
ngettext, as Arabic has six plural forms); "A, B and C"; whether a suppressed table hides a cell, and women's share
of a table that hides none; an indicator's target. Pure: no database, clock or network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from dashboards import formatting as fmt
from dashboards.i18n import DEFAULT, N_, _, current_language, ngettext, pgettext
from dashboards.queries.impact_data import PARTICIPANT_COLUMNS, Count, ImpactData
from data_pipeline import macros

# Who counts as reached (queries.impact.participants): people at events hosted in a funded city while a grant ran
# there, not everyone who attended an event somewhere.
REACHED = N_("at events in funded cities while a grant ran there")
FEWER_THAN = re.compile(r"\s*<\s*(\d+)\s*")
PLAIN_COUNT = re.compile(r"\s*\d[\d,]*\s*")


def usd(value: float | None, *, unit_of: float | None = None, currency: str = "USD") -> str:
    """Money as a report writes it: "US$1.4 million", "US$850k", "US$8.5k", "US$950". `unit_of` makes a figure
    share the million/billion unit of a larger one beside it ("US$0.9 million" next to "US$1.4 million").
    Another `currency` is written by its code: "GBP 1.1 million". In French and Arabic the amount is the locale's
    ("1,4 million $US", "850 000 $US")."""
    if value is None or pd.isna(value):
        return "–"
    size = abs(float(value))
    sign = "-" if value < 0 else ""
    reference = max(size, abs(float(unit_of))) if unit_of is not None and not pd.isna(unit_of) else size
    english = current_language() == DEFAULT
    amount = None
    # Each unit starts where the smaller one would round to 1,000 ("US$1,000k"): k shows no decimal, million one.
    for limit, start, suffix in ((1e9, 999_950_000, " billion"), (1e6, 999_500, " million")):
        if reference >= start and size >= 0.05 * limit:
            if english:
                amount = f"{size / limit:,.1f}".removesuffix(".0") + suffix
            else:
                figure = fmt.number(round(size / limit, 1), 0 if round(size / limit, 1).is_integer() else 1)
                whole = int(round(size / limit, 1))  # the form: "1,4 million", "2,5 millions" (gettext counts whole)
                amount = (ngettext("{amount} billion", "{amount} billion", whole) if limit == 1e9
                          else ngettext("{amount} million", "{amount} million", whole)).format(amount=figure)
            break
    if amount is None and size >= 999.5 and english:
        digits = 1 if size < 9_950 else 0
        amount = f"{size / 1e3:,.{digits}f}".removesuffix(".0") + "k"
    if amount is None:
        amount = f"{size:,.0f}" if english else fmt.number(size)
    if currency == "USD":
        return _("US${amount}").format(amount=sign + amount)
    return _("{currency} {amount}").format(currency=currency, amount=sign + amount)


def as_awarded(data: ImpactData) -> str:
    """What the grants were awarded in, beside the US dollars they are added up in: "awarded as GBP 1.1 million"
    (one other currency), "awarded in EUR, GBP and USD, each converted at its award date's rate" (several), or ""
    (all in US dollars)."""
    currencies = sorted(c for c, amount in data.awarded_by_currency.items() if amount > 0)
    if not currencies or currencies == ["USD"]:
        return ""
    if len(currencies) == 1:
        return _("awarded as {amount}").format(
            amount=usd(data.awarded_by_currency[currencies[0]], currency=currencies[0]))
    return _("awarded in {currencies}, each converted at its award date's rate").format(
        currencies=listed(currencies))


# Counted nouns, each its own ngettext so a translator sees the noun with its figure (Arabic agrees it six ways).
def cities(n: int) -> str:
    return ngettext("{n} city", "{n} cities", n).format(n=fmt.number(n))


def countries(n: int) -> str:
    return ngettext("{n} country", "{n} countries", n).format(n=fmt.number(n))


def participants(n: int) -> str:
    return ngettext("{n} participant", "{n} participants", n).format(n=fmt.number(n))


def fewer_cities(n: int) -> str:
    return ngettext("fewer than {n} city", "fewer than {n} cities", n).format(n=fmt.number(n))


def fewer_participants(n: int) -> str:
    return ngettext("fewer than {n} participant", "fewer than {n} participants", n).format(n=fmt.number(n))


def count_phrase(value: Count, counted, fewer) -> str | None:
    """"9 cities" (`counted(9)`), "fewer than 5 cities" for a "<5" label (`fewer(5)`), or None when the count is
    hidden by another marker."""
    if isinstance(value, str):
        match = FEWER_THAN.fullmatch(value)
        return fewer(int(match.group(1))) if match else None
    if value is None or pd.isna(value):
        return None
    return counted(int(value))


def count_text(value: Count) -> str:
    """A count as a figure: "1,240", or its label ("<5") when suppressed."""
    if isinstance(value, str):
        return value
    return "–" if value is None or pd.isna(value) else fmt.number(int(value))


def listed(items: Sequence[str]) -> str:
    """"A, B and C" in the current language."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=pgettext("list", ", ").join(items[:-1]), last=items[-1])


def sentence(text: str) -> str:
    """A phrase as a sentence: its first letter a capital, a full stop at the end."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def published(frame: pd.DataFrame) -> bool:
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
    if by_gender.empty or not published(by_gender):
        return None
    counts = pd.DataFrame({"gender": by_gender[category_column(by_gender)].astype("string").str.strip().str.lower(),
                           "participants": by_gender["participants"].astype("Int64")})
    # the definition of data_pipeline/sql/macros/gender.sql, as the Overview and kpi_by_period use it
    share = macros.evaluate("""select women_share(sum(participants) filter (where is_woman(gender)),
                                                  sum(participants) filter (where gender_stated(gender)))
                               from counts""", counts=counts)
    return None if share is None else float(share)


def target_text(row: pd.Series) -> str:
    return fmt.indicator_target(row["target_to_date"], row["direction"], row["measure"], row["unit"],
                                low=row["range_low"], high=row["range_high"])
