"""The donor impact report: one bundle of aggregates, a summary in plain words, and an A4 PDF of both.

Pure: the query layer fills `ImpactData` (access rules and small-count suppression already applied), the /impact
page shows it, `summary_sentences` writes the words and `render_pdf` the downloadable file. Nothing here reads the
database, the clock or the network; the only files read are the fonts bundled in `dashboards/fonts/`.

Suppressed counts arrive as labels ("<5", or a marker for the second cell hidden to protect it) and are printed
as they come, never recomputed: a sentence says "fewer than 5" or leaves the number out, and no share or bar is
derived from a table that has a hidden cell.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from fpdf import FPDF, FontFace

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.exports import neutral
from data_pipeline import macros

NETWORK = "Strong Cities Network"
AUTHOR = "Strong Cities Network Impact Dashboard"
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"

Count = int | str  # a published count, or the label that stands in for a suppressed one ("<5")

STATUSES = ("on track", "off track", "awaiting data", "not due", "no target")
COUNTRY_COLUMNS = ("country", "iso3", "region", "grants", "awarded_usd")
PARTICIPANT_COLUMNS = ("participants", "participants_label")
INDICATOR_COLUMNS = ("title", "result_type", "measure", "unit", "direction", "aggregation", "range_low",
                     "range_high", "baseline_value", "baseline_year", "target_to_date", "actual_to_date",
                     "target_met", "progress", "status")
LEVELS = ("output", "outcome", "impact")
# Who counts as reached (queries.impact.participants): people at events hosted in a funded city while a grant ran
# there, not everyone who attended an event somewhere.
REACHED = "at events in funded cities while a grant ran there"
FEWER_THAN = re.compile(r"\s*<\s*(\d+)\s*")
PLAIN_COUNT = re.compile(r"\s*\d[\d,]*\s*")


def _participants_frame(category: str) -> pd.DataFrame:
    return pd.DataFrame({category: pd.Series(dtype="string"), "participants": pd.Series(dtype="Int64"),
                         "participants_label": pd.Series(dtype="string")})


@dataclasses.dataclass(frozen=True, eq=False)
class ImpactData:
    """Everything the impact page and its PDF show, for one audience, period and set of filters.

    Counts typed `Count` are an int, or the label the suppression step put in its place ("<5" or a marker).
    Tables come already suppressed: `by_gender` and `by_role` have a category column first, `participants`
    (nullable Int64, <NA> when hidden) and `participants_label` (what to print). `by_country` may carry
    `cities_label` (printed as is); `indicators` may carry `city` (shown next to the title, confidential members
    already masked by the query layer). Money is in US dollars.
    """

    audience: str  # the donor's name, or NETWORK for the public view
    period_label: str  # "1 Jan 2025 – 31 Oct 2026", "2025", "up to 31 Oct 2026" or "All time"
    filters_text: str  # "Region: MENA; Topic: social cohesion", or "No filters"
    built_at: dt.datetime  # when the database was built; naive means UTC
    as_of: dt.date  # the data's reference date
    is_demo: bool  # demo data: flagged on every page
    awarded_usd: float
    disbursed_usd: float
    grants: int
    grants_active: int
    cities: Count  # cities the grants reach
    countries: int
    participants_total: Count  # people reached: REACHED
    by_country: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=COUNTRY_COLUMNS))
    by_gender: pd.DataFrame = dataclasses.field(default_factory=lambda: _participants_frame("gender"))
    by_role: pd.DataFrame = dataclasses.field(default_factory=lambda: _participants_frame("role"))
    indicators: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=INDICATOR_COLUMNS))
    suppress_below: int = 5  # the threshold the footnote explains
    is_public: bool = False  # the network-wide public view: sentences speak of "donors", not "you"
    # Amount awarded per currency the grants were awarded in (before conversion to US dollars).
    awarded_by_currency: dict[str, float] = dataclasses.field(default_factory=dict)
    # The period's dates (start None: since the beginning); the words are made from these, not from the label.
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    def __post_init__(self) -> None:
        for name, needed in (("by_country", COUNTRY_COLUMNS), ("by_gender", PARTICIPANT_COLUMNS),
                             ("by_role", PARTICIPANT_COLUMNS), ("indicators", INDICATOR_COLUMNS)):
            missing = [c for c in needed if c not in getattr(self, name).columns]
            if missing:
                raise ValueError(f"ImpactData.{name} lacks the column(s) {', '.join(missing)}; "
                                 f"it needs {', '.join(needed)}")
        for name in ("by_gender", "by_role"):
            if len(getattr(self, name).columns) == len(PARTICIPANT_COLUMNS):
                raise ValueError(f"ImpactData.{name} needs a category column besides {', '.join(PARTICIPANT_COLUMNS)}")
        unknown = sorted(set(self.indicators["status"].dropna()) - set(STATUSES))
        if unknown:
            raise ValueError(f"ImpactData.indicators has unknown status(es) {', '.join(map(repr, unknown))}; "
                             f"expected one of {', '.join(STATUSES)}")
        if self.suppress_below < 1:
            raise ValueError(f"ImpactData.suppress_below must be at least 1, not {self.suppress_below}")


# --- words ---------------------------------------------------------------------------------------------------

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


def _count_text(value: Count) -> str:
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


def _category(frame: pd.DataFrame) -> str:
    return next(c for c in frame.columns if c not in PARTICIPANT_COLUMNS)


def women_share(by_gender: pd.DataFrame) -> float | None:
    """Women's share of the participants who stated a gender, or None when it cannot be told safely.

    Conservative on purpose: with any gender cell hidden there is no share at all, even one whose numerator and
    denominator are both printed, because a rounded share next to the table and the total is one more equation
    for someone backing out the hidden cells, and deciding when it is harmless is not worth the risk."""
    if by_gender.empty or not _published(by_gender):
        return None
    counts = pd.DataFrame({"gender": by_gender[_category(by_gender)].astype("string").str.strip().str.lower(),
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
        sentences.append(f"By role, the largest group was “{top[_category(roles)]}”, "
                         f"with {top['participants_label'].strip()} participants.")
    return sentences


def _short_title(row: pd.Series) -> str:
    title = re.sub(r"\s*\(%\)\s*$", "", str(row["title"]))
    city = row.get("city")
    return f"{title} in {city}" if city is not None and not pd.isna(city) and str(city) else title


def _target_text(row: pd.Series) -> str:
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
        return f"{actual}, outside {_target_text(row)}"
    return f"{actual} against a target of {_target_text(row)}"


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


# --- PDF -----------------------------------------------------------------------------------------------------

MARGIN = 15.0
PANEL = "#f3f5f8"  # background of boxes and every other table row
DEMO = "#b3261e"
BODY = 9.0  # pt


def _built(built_at: dt.datetime) -> str:
    return f"{fmt.day(built_at.date())} {built_at:%H:%M}"


def data_line(data: ImpactData) -> str:
    """"Data as of 31 Oct 2026, built 1 Nov 2026 06:12": what the report is based on and when it was made."""
    return f"Data as of {fmt.day(data.as_of)}, built {_built(data.built_at)}"


def footnote(threshold: int) -> str:
    return (f"Counts below {threshold} are shown as “<{threshold}” and a second cell is hidden so totals cannot "
            "reveal them. Aggregates only; no personal data.")


def _creation_date(built_at: dt.datetime) -> dt.datetime:
    """The PDF's creation date is the build time, so the same data gives the same bytes on any machine."""
    when = pd.Timestamp(built_at).to_pydatetime().replace(microsecond=0)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Report(FPDF):
    """An A4 page with the report's header (title, demo flag) and footer (suppression note, page n of N)."""

    def __init__(self, data: ImpactData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.data = data
        self.title_text = f"Impact summary — {data.audience}"
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, 24, MARGIN)
        self.set_auto_page_break(True, margin=22)
        self.set_title(self.title_text)
        self.set_author(AUTHOR)
        self.set_subject(f"{data.period_label}; {data.filters_text}")
        self.set_creator(AUTHOR)
        self.set_lang("en-GB")
        self.set_creation_date(_creation_date(data.built_at))
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_xy(MARGIN, 11)
        badge = 0.0
        if self.data.is_demo:
            self.set_font(FONT, "B", 8)
            badge = self.get_string_width("DEMO DATA") + 6
            self.set_fill_color(DEMO)
            self.set_text_color("#ffffff")
            self.set_xy(self.w - MARGIN - badge, 11)
            self.cell(badge, 6, "DEMO DATA", align="C", fill=True)
            self.set_xy(MARGIN, 11)
        self.set_font(FONT, "B", 12)
        self.set_text_color(theme.PRIMARY)
        self.cell(self.epw - badge - 3, 6, _fit(self, self.title_text, self.epw - badge - 3))
        self.set_draw_color(theme.GRID)
        self.set_line_width(0.3)
        self.line(MARGIN, 19, self.w - MARGIN, 19)
        self.set_text_color(theme.INK)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_draw_color(theme.GRID)
        self.set_line_width(0.3)
        self.line(MARGIN, self.h - 17, self.w - MARGIN, self.h - 17)
        self.set_xy(MARGIN, self.h - 15.5)
        self.set_font(FONT, "", 7)
        self.set_text_color(theme.MUTED_INK)
        self.multi_cell(self.epw - 30, 3.4, footnote(self.data.suppress_below), align="L")
        self.set_xy(self.w - MARGIN - 28, self.h - 15.5)
        self.cell(28, 3.4, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(theme.INK)


def _room(pdf: FPDF, height: float) -> None:
    """Start a new page unless `height` mm still fit on this one (keeps a heading with what follows)."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _heading(pdf: FPDF, text: str, *, keep: float = 30) -> None:
    _room(pdf, 12 + keep)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(theme.PRIMARY)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)
    pdf.ln(1)


def _muted(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(theme.MUTED_INK)
    pdf.multi_cell(0, 4, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)


def _about(pdf: FPDF, data: ImpactData) -> None:
    """First page: what the report covers and when its data is from, in a shaded box."""
    rows = [("Period", data.period_label), ("Filters", data.filters_text or "No filters"), ("", data_line(data))]
    if data.is_demo:
        rows.append(("Note", "Demo data: made-up figures for trying the dashboard, not real grants or results."))
    label_w, pad, line_h = 20.0, 3.0, 4.6
    value_w = pdf.epw - label_w - 2 * pad
    pdf.set_font(FONT, "", BODY)
    heights = [len(pdf.multi_cell(value_w, line_h, value, dry_run=True, output="LINES")) * line_h
               for _, value in rows]
    top = pdf.get_y()
    pdf.set_fill_color(PANEL)
    pdf.rect(MARGIN, top, pdf.epw, sum(heights) + 2 * pad, style="F")
    pdf.set_y(top + pad)
    for (label, value), height in zip(rows, heights, strict=True):
        y = pdf.get_y()
        pdf.set_xy(MARGIN + pad, y)
        pdf.set_font(FONT, "B", BODY)
        pdf.set_text_color(DEMO if label == "Note" else theme.MUTED_INK)
        pdf.cell(label_w, line_h, label)
        pdf.set_font(FONT, "B" if label == "Note" else "", BODY)
        pdf.set_text_color(DEMO if label == "Note" else theme.INK)
        pdf.multi_cell(value_w, line_h, value, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(y + height)
    pdf.set_text_color(theme.INK)
    pdf.set_y(top + sum(heights) + 2 * pad + 2)


def _headline_boxes(pdf: FPDF, data: ImpactData) -> None:
    paid = data.disbursed_usd / data.awarded_usd if data.awarded_usd > 0 else None
    boxes = [
        ("Awarded", usd(data.awarded_usd),
         f"{fmt.share(paid)} paid out" if paid is not None else "nothing awarded"),
        ("Grants", fmt.number(data.grants), f"{fmt.number(data.grants_active)} still active"),
        ("Cities reached", _count_text(data.cities), f"in {fmt.counted(data.countries, 'country', 'countries')}"),
        ("Participants", _count_text(data.participants_total), "at events during a grant"),
    ]
    gap, height = 4.0, 22.0
    width = (pdf.epw - gap * (len(boxes) - 1)) / len(boxes)
    _room(pdf, height + 4)
    top = pdf.get_y()
    for i, (label, value, note) in enumerate(boxes):
        x = MARGIN + i * (width + gap)
        inner = width - 7
        pdf.set_fill_color(PANEL)
        pdf.rect(x, top, width, height, style="F")
        pdf.set_fill_color(theme.PRIMARY)
        pdf.rect(x, top, 1.2, height, style="F")
        pdf.set_xy(x + 4, top + 2.5)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(theme.MUTED_INK)
        pdf.cell(inner, 4, label.upper())
        size = 15.0
        pdf.set_font(FONT, "B", size)
        while size > 8 and pdf.get_string_width(value) > inner:
            size -= 0.5
            pdf.set_font(FONT, "B", size)
        pdf.set_text_color(theme.INK)
        pdf.set_xy(x + 4, top + 7.5)
        pdf.cell(inner, 7, value)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(theme.MUTED_INK)
        pdf.set_xy(x + 4, top + 15.5)
        pdf.cell(inner, 4, _fit(pdf, note, inner))
    pdf.set_text_color(theme.INK)
    pdf.set_y(top + height + 2)


def _summary(pdf: FPDF, sentences: Sequence[str]) -> None:
    _heading(pdf, "Summary", keep=15)
    pdf.set_font(FONT, "", BODY + 0.5)
    for sentence in sentences:
        _room(pdf, 10)
        pdf.set_x(MARGIN)
        pdf.set_text_color(theme.PRIMARY)
        pdf.cell(5, 5, "•")
        pdf.set_text_color(theme.INK)
        pdf.multi_cell(pdf.epw - 5, 5, sentence, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _money(pdf: FPDF, data: ImpactData) -> None:
    _heading(pdf, "Money", keep=20)
    if data.awarded_usd <= 0:
        _muted(pdf, "No money was awarded to grants in this selection.")
        return
    paid = data.disbursed_usd / data.awarded_usd
    owed = max(data.awarded_usd - data.disbursed_usd, 0)
    pdf.set_font(FONT, "", BODY)
    original = f" ({as_awarded(data)})" if as_awarded(data) else ""
    pdf.cell(0, 5, f"Awarded {usd(data.awarded_usd)}{original}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    top, height = pdf.get_y(), 6.0
    pdf.set_fill_color(theme.SECONDARY)
    pdf.rect(MARGIN, top, pdf.epw, height, style="F")
    pdf.set_fill_color(theme.PRIMARY)
    pdf.rect(MARGIN, top, pdf.epw * min(max(paid, 0), 1), height, style="F")
    pdf.set_y(top + height + 1.5)
    for x, colour, text, align in (
        (MARGIN, theme.PRIMARY, f"Paid out {usd(data.disbursed_usd, unit_of=data.awarded_usd)} ({fmt.share(paid)})",
         "L"),
        (MARGIN + pdf.epw / 2, theme.SECONDARY, f"Still to pay {usd(owed, unit_of=data.awarded_usd)}", "R"),
    ):
        pdf.set_font(FONT, "", 8)
        width = pdf.get_string_width(text) + 2 * pdf.c_margin
        key_x = x if align == "L" else MARGIN + pdf.epw - width - 3.5
        pdf.set_fill_color(colour)
        pdf.rect(key_x, pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_xy(key_x + 3.5, pdf.get_y())
        pdf.cell(width, 5, text)
    pdf.set_xy(MARGIN, pdf.get_y() + 5)


def _table_style(pdf: FPDF) -> dict:
    pdf.set_font(FONT, "", 8.5)
    pdf.set_draw_color(theme.GRID)
    pdf.set_line_width(0.2)
    pdf.set_fill_color("#ffffff")  # the fill of the rows between the shaded ones
    return dict(
        borders_layout="HORIZONTAL_LINES", cell_fill_color=PANEL, cell_fill_mode="EVEN_ROWS",
        headings_style=FontFace(emphasis="BOLD", color="#ffffff", fill_color=theme.PRIMARY),
        line_height=4.2, padding=(1.2, 1.5), repeat_headings=1, v_align="TOP", width=pdf.epw,
    )


def _countries(pdf: FPDF, data: ImpactData) -> None:
    _heading(pdf, "Where the grants are")
    frame = data.by_country
    if frame.empty:
        _muted(pdf, "No grants in this selection.")
        return
    frame = frame.sort_values(["awarded_usd", "country"], ascending=[False, True], kind="stable")
    with_cities = "cities_label" in frame.columns
    headings = ["Country", "Code", "Region", "Grants", "Awarded (US$)"] + (["Cities"] if with_cities else [])
    widths = (52, 14, 52, 18, 30) + ((14,) if with_cities else ())
    align = ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT") + (("RIGHT",) if with_cities else ())

    def text(value) -> str:
        return "–" if value is None or pd.isna(value) else neutral(str(value))

    with pdf.table(col_widths=widths, text_align=align, **_table_style(pdf)) as table:
        table.row(headings)
        for row in frame.itertuples(index=False):
            cells = [text(row.country), text(row.iso3), text(row.region), _count_text(row.grants),
                     fmt.number(row.awarded_usd)]
            table.row(cells + ([text(row.cities_label)] if with_cities else []))


def _bar_list(pdf: FPDF, x: float, top: float, width: float, title: str, frame: pd.DataFrame) -> float:
    """A small table of categories with their count labels and a bar for each published count; a hidden count
    is shown only as its label, with no bar (its length would give it away). Returns the bottom y."""
    row_h, label_w, count_w = 5.2, width * 0.42, 16.0
    bar_x, bar_w = x + label_w + count_w + 3, width - label_w - count_w - 3
    pdf.set_xy(x, top)
    pdf.set_font(FONT, "B", BODY)
    pdf.cell(width, 5.5, title)
    pdf.set_draw_color(theme.GRID)
    pdf.line(x, top + 6, x + width, top + 6)
    y = top + 7
    if frame.empty:
        pdf.set_xy(x, y)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(theme.MUTED_INK)
        pdf.cell(width, row_h, "No participants recorded.")
        pdf.set_text_color(theme.INK)
        return y + row_h
    category = _category(frame)
    published = frame["participants"].where(frame["participants"].notna() & frame["participants_label"].map(
        lambda label: bool(PLAIN_COUNT.fullmatch(str(label)))))
    biggest = published.max()
    for name, label, value in zip(frame[category], frame["participants_label"], published, strict=True):
        pdf.set_font(FONT, "", 8.5)
        pdf.set_xy(x, y)
        pdf.cell(label_w, row_h, _fit(pdf, "–" if pd.isna(name) else neutral(str(name)), label_w - 1))
        hidden = pd.isna(value)
        pdf.set_text_color(theme.MUTED_INK if hidden else theme.INK)
        pdf.cell(count_w, row_h, "–" if pd.isna(label) else str(label), align="R")
        pdf.set_text_color(theme.INK)
        if not hidden and biggest and biggest > 0:
            pdf.set_fill_color(theme.PRIMARY)
            pdf.rect(bar_x, y + 1.2, max(bar_w * float(value) / float(biggest), 0.4), row_h - 2.4, style="F")
        y += row_h
    return y


def _participants(pdf: FPDF, data: ImpactData) -> None:
    rows = max(len(data.by_gender), len(data.by_role), 1)
    _heading(pdf, "Participants", keep=12 + 5.2 * rows)
    total = _count_text(data.participants_total)
    _muted(pdf, f"People {REACHED}: {total}. Hidden counts are shown as their label, without a bar.")
    pdf.ln(1)
    top, gap = pdf.get_y(), 10.0
    half = (pdf.epw - gap) / 2
    bottom = max(_bar_list(pdf, MARGIN, top, half, "By gender", data.by_gender),
                 _bar_list(pdf, MARGIN + half + gap, top, half, "By role", data.by_role))
    pdf.set_xy(MARGIN, bottom + 1)


STATUS_COLOURS = {"on track": theme.GOOD, "off track": theme.BAD}


INDICATOR_NOTE = ("Latest report of each indicator: its total to date against the target to date (how values add "
                  "up is under its title). Progress is the share of the way from baseline to target covered (over "
                  "100%: past the target). Without a baseline, or for a level to hold or a range to stay within, "
                  "it says only whether the target is met. On track: the target is met, or at least 90% of the "
                  "way is covered.")


def _indicator_heading(row: pd.Series) -> str:
    """The title and, under it, its level, unit and how its values add up: "Output · people · total to date"."""
    facts = [str(row["result_type"]).capitalize() if isinstance(row["result_type"], str) else None,
             row["unit"] if isinstance(row["unit"], str) else None,
             fmt.AGGREGATION_WORDS.get(row["aggregation"])]
    return f"{row['title']}\n" + " · ".join(f for f in facts if f)


def _indicators(pdf: FPDF, data: ImpactData) -> None:
    _heading(pdf, "Indicators")
    frame = data.indicators
    if frame.empty:
        _muted(pdf, "No results indicators have been set for these grants yet.")
        return
    _muted(pdf, INDICATOR_NOTE)
    pdf.ln(1.5)
    with_city = "city" in frame.columns
    headings = ["Indicator"] + (["City"] if with_city else []) + ["Baseline", "Target", "Actual", "Progress",
                                                                   "Status"]
    widths = (46, 22, 19, 27, 22, 21, 23) if with_city else (60, 20, 30, 25, 21, 24)
    align = ("LEFT",) + (("LEFT",) if with_city else ()) + ("RIGHT",) * 4 + ("LEFT",)
    with pdf.table(col_widths=widths, text_align=align, **_table_style(pdf)) as table:
        table.row(headings)
        for _, row in frame.iterrows():
            measure = row["measure"]
            baseline = fmt.indicator_value(row["baseline_value"], measure)
            if baseline != "–" and not pd.isna(row["baseline_year"]):
                baseline += f" ({int(row['baseline_year'])})"
            status = str(row["status"])
            cells = [neutral(_indicator_heading(row))]  # text copied out of the PDF stays text (exports.neutral)
            if with_city:
                cells.append("–" if pd.isna(row["city"]) else neutral(str(row["city"])))
            cells += [baseline, _target_text(row), fmt.indicator_value(row["actual_to_date"], measure, row["unit"]),
                      fmt.indicator_progress(row["progress"], row["target_met"], row["direction"])]
            line = table.row(cells)
            line.cell(status[:1].upper() + status[1:],
                      style=FontFace(color=STATUS_COLOURS.get(status, theme.MUTED_INK),
                                     emphasis="BOLD" if status in STATUS_COLOURS else None))


def render_pdf(data: ImpactData) -> bytes:
    """The impact report as an A4 PDF: header with the audience on every page, the period, filters and build
    date on the first, headline figures, the summary, money, countries, participants and indicators, and the
    suppression note with "Page n of N" in every footer. Same data, same bytes (the creation date is built_at)."""
    pdf = _Report(data)
    pdf.add_page()
    _about(pdf, data)
    _headline_boxes(pdf, data)
    _summary(pdf, summary_sentences(data))
    if data.grants == 0:  # the summary has said so; empty sections would only repeat it
        return bytes(pdf.output())
    _money(pdf, data)
    _countries(pdf, data)
    _participants(pdf, data)
    _indicators(pdf, data)
    return bytes(pdf.output())

