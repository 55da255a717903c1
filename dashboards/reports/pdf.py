"""The impact summary as an A4 PDF: the headline numbers, the summary's words, money, countries, participants and
indicators, with the suppression note on every page.

Pure: made from `ImpactData` (queries/impact_data.py) and the words (reports/words.py, reports/phrases.py); the
only files read are the fonts bundled in `dashboards/reports/fonts/`. The same data gives the same bytes on any
machine.

It speaks the current language (`dashboards.i18n.current_language()`: the request's when downloaded from the
impact page, `using(lang)` elsewhere): its words through the `reports` catalogs, its numbers and dates through
formatting.py; in Arabic the page is mirrored and the text shaped and set right to left (reports/a4.py). Values
that are data (country, region, gender and role names, indicator titles and units) print as the data has them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from fpdf import FontFace

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.i18n import N_, _, current_language, ngettext
from dashboards.queries.impact_data import NETWORK, ImpactData
from dashboards.reports.a4 import A4, BODY, DEMO, FONT, MARGIN, PANEL, fit, room
from dashboards.reports.exports import neutral
from dashboards.reports.phrases import PLAIN_COUNT, as_awarded, category_column, count_text, target_text, usd
from dashboards.reports.words import summary_sentences

# An indicator's level and status as a heading or a table cell shows them (the data says "output", "on track").
LEVEL_WORDS = {"output": N_("Output"), "outcome": N_("Outcome"), "impact": N_("Impact")}
STATUS_WORDS = {"on track": N_("On track"), "off track": N_("Off track"), "awaiting data": N_("Awaiting data"),
                "not due": N_("Not due"), "no target": N_("No target")}


def _built(built_at: dt.datetime) -> str:
    return f"{fmt.day(built_at.date())} {built_at:%H:%M}"


def data_line(data: ImpactData) -> str:
    """"Data as of 31 Oct 2026, built 1 Nov 2026 06:12": what the report is based on and when it was made."""
    return _("Data as of {as_of}, built {built}").format(as_of=fmt.day(data.as_of), built=_built(data.built_at))


def footnote(threshold: int) -> str:
    return _("Counts below {threshold} are shown as “<{threshold}” and a second cell is hidden so totals cannot "
             "reveal them. Aggregates only; no personal data.").format(threshold=fmt.number(threshold))


def audience(data: ImpactData) -> str:
    """Who the report is for: the donor's name as it is, or the network's name in the current language."""
    return _("Strong Cities Network") if data.audience == NETWORK else data.audience


def _creation_date(built_at: dt.datetime) -> dt.datetime:
    """The PDF's creation date is the build time, so the same data gives the same bytes on any machine."""
    when = pd.Timestamp(built_at).to_pydatetime().replace(microsecond=0)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class _Report(A4):
    """An A4 page with the report's header (title, demo flag) and footer (suppression note, page n of N)."""

    def __init__(self, data: ImpactData) -> None:
        title = _("Impact summary — {audience}").format(audience=audience(data))
        super().__init__(title=title, subject=f"{data.period_label}; {data.filters_text}",
                         language=current_language(), created=_creation_date(data.built_at), bottom=22)
        self.data = data
        self.title_text = title

    def header(self) -> None:
        self.running_head(self.title_text, demo=_("DEMO DATA") if self.data.is_demo else None, size=12)

    def footer(self) -> None:
        self.running_foot(footnote(self.data.suppress_below),
                          _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}"), rise=17)


def _heading(pdf: A4, text: str, *, keep: float = 30) -> None:
    room(pdf, 12 + keep)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(theme.PRIMARY)
    pdf.cell(0, 7, text, align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)
    pdf.ln(1)


def _muted(pdf: A4, text: str) -> None:
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(theme.MUTED_INK)
    pdf.multi_cell(0, 4, text, align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)


def _about(pdf: A4, data: ImpactData) -> None:
    """First page: what the report covers and when its data is from, in a shaded box."""
    note = _("Note")
    rows = [(_("Period"), data.period_label), (_("Filters"), data.filters_text or _("No filters")),
            ("", data_line(data))]
    if data.is_demo:
        rows.append((note, _("Demo data: made-up figures for trying the dashboard, not real grants or results.")))
    pad, line_h = 3.0, 4.6
    pdf.set_font(FONT, "B", BODY)
    label_w = max(20.0, *(pdf.get_string_width(label) + 3 for label, _value in rows))  # "Filtres", "عوامل التصفية"
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
        pdf.set_xy(pdf.x_of(MARGIN + pad, label_w), y)
        pdf.set_font(FONT, "B", BODY)
        pdf.set_text_color(DEMO if label == note else theme.MUTED_INK)
        pdf.cell(label_w, line_h, label, align=pdf.align("L"))
        pdf.set_font(FONT, "B" if label == note else "", BODY)
        pdf.set_text_color(DEMO if label == note else theme.INK)
        pdf.set_x(pdf.x_of(MARGIN + pad + label_w, value_w))
        pdf.multi_cell(value_w, line_h, value, align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(y + height)
    pdf.set_text_color(theme.INK)
    pdf.set_y(top + sum(heights) + 2 * pad + 2)


def _headline_boxes(pdf: A4, data: ImpactData) -> None:
    paid = data.disbursed_usd / data.awarded_usd if data.awarded_usd > 0 else None
    boxes = [
        (_("Awarded"), usd(data.awarded_usd),
         _("{share} paid out").format(share=fmt.share(paid)) if paid is not None else _("nothing awarded")),
        (_("Grants"), fmt.number(data.grants),
         ngettext("{n} still active", "{n} still active", data.grants_active).format(
             n=fmt.number(data.grants_active))),
        (_("Cities reached"), count_text(data.cities),
         ngettext("in {n} country", "in {n} countries", data.countries).format(n=fmt.number(data.countries))),
        (_("Participants"), count_text(data.participants_total), _("at events during a grant")),
    ]
    gap, height = 4.0, 22.0
    width = (pdf.epw - gap * (len(boxes) - 1)) / len(boxes)
    room(pdf, height + 4)
    top = pdf.get_y()
    for i, (label, value, note) in enumerate(boxes):
        x = pdf.x_of(MARGIN + i * (width + gap), width)
        inner = width - 7
        pdf.set_fill_color(PANEL)
        pdf.rect(x, top, width, height, style="F")
        pdf.set_fill_color(theme.PRIMARY)
        pdf.rect(x + width - 1.2 if pdf.rtl else x, top, 1.2, height, style="F")
        text_x = x + 3 if pdf.rtl else x + 4
        pdf.set_xy(text_x, top + 2.5)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(theme.MUTED_INK)
        pdf.cell(inner, 4, label.upper(), align=pdf.align("L"))
        size = 15.0
        pdf.set_font(FONT, "B", size)
        while size > 8 and pdf.get_string_width(value) > inner:
            size -= 0.5
            pdf.set_font(FONT, "B", size)
        pdf.set_text_color(theme.INK)
        pdf.set_xy(text_x, top + 7.5)
        pdf.cell(inner, 7, value, align=pdf.align("L"))
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(theme.MUTED_INK)
        pdf.set_xy(text_x, top + 15.5)
        pdf.cell(inner, 4, fit(pdf, note, inner), align=pdf.align("L"))
    pdf.set_text_color(theme.INK)
    pdf.set_y(top + height + 2)


def _summary(pdf: A4, sentences: Sequence[str]) -> None:
    _heading(pdf, _("Summary"), keep=15)
    pdf.set_font(FONT, "", BODY + 0.5)
    for sentence in sentences:
        room(pdf, 10)
        pdf.set_x(pdf.x_of(MARGIN, 5))
        pdf.set_text_color(theme.PRIMARY)
        pdf.cell(5, 5, "•", align=pdf.align("L"))
        pdf.set_text_color(theme.INK)
        pdf.set_x(pdf.x_of(MARGIN + 5, pdf.epw - 5))
        pdf.multi_cell(pdf.epw - 5, 5, sentence, align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _money(pdf: A4, data: ImpactData) -> None:
    _heading(pdf, _("Money"), keep=20)
    if data.awarded_usd <= 0:
        _muted(pdf, _("No money was awarded to grants in this selection."))
        return
    paid = data.disbursed_usd / data.awarded_usd
    owed = max(data.awarded_usd - data.disbursed_usd, 0)
    pdf.set_font(FONT, "", BODY)
    awarded = (_("Awarded {amount} ({as_awarded})").format(amount=usd(data.awarded_usd), as_awarded=as_awarded(data))
               if as_awarded(data) else _("Awarded {amount}").format(amount=usd(data.awarded_usd)))
    pdf.cell(0, 5, awarded, align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    top, height = pdf.get_y(), 6.0
    pdf.set_fill_color(theme.SECONDARY)
    pdf.rect(MARGIN, top, pdf.epw, height, style="F")
    pdf.set_fill_color(theme.PRIMARY)
    paid_w = pdf.epw * min(max(paid, 0), 1)
    pdf.rect(pdf.x_of(MARGIN, paid_w), top, paid_w, height, style="F")
    pdf.set_y(top + height + 1.5)
    for x, colour, text, align in (
        (MARGIN, theme.PRIMARY, _("Paid out {amount} ({share})").format(
            amount=usd(data.disbursed_usd, unit_of=data.awarded_usd), share=fmt.share(paid)), "L"),
        (MARGIN + pdf.epw / 2, theme.SECONDARY,
         _("Still to pay {amount}").format(amount=usd(owed, unit_of=data.awarded_usd)), "R"),
    ):
        pdf.set_font(FONT, "", 8)
        width = pdf.get_string_width(text) + 2 * pdf.c_margin
        key_x = x if align == "L" else MARGIN + pdf.epw - width - 3.5
        pdf.set_fill_color(colour)
        pdf.rect(pdf.x_of(key_x, 3), pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_xy(pdf.x_of(key_x + 3.5, width), pdf.get_y())
        pdf.cell(width, 5, text, align=pdf.align("L"))
    pdf.set_xy(MARGIN, pdf.get_y() + 5)


def _table_style(pdf: A4) -> dict:
    pdf.set_font(FONT, "", 8.5)
    pdf.set_draw_color(theme.GRID)
    pdf.set_line_width(0.2)
    pdf.set_fill_color("#ffffff")  # the fill of the rows between the shaded ones
    return dict(
        borders_layout="HORIZONTAL_LINES", cell_fill_color=PANEL, cell_fill_mode="EVEN_ROWS",
        headings_style=FontFace(emphasis="BOLD", color="#ffffff", fill_color=theme.PRIMARY),
        line_height=4.2, padding=(1.2, 1.5), repeat_headings=1, v_align="TOP", width=pdf.epw,
    )


def _in_order(pdf: A4, cells: Sequence) -> list:
    """A table's columns in reading order: from the right in Arabic."""
    return list(reversed(cells)) if pdf.rtl else list(cells)


def _countries(pdf: A4, data: ImpactData) -> None:
    _heading(pdf, _("Where the grants are"))
    frame = data.by_country
    if frame.empty:
        _muted(pdf, _("No grants in this selection."))
        return
    frame = frame.sort_values(["awarded_usd", "country"], ascending=[False, True], kind="stable")
    with_cities = "cities_label" in frame.columns
    headings = [_("Country"), _("Code"), _("Region"), _("Grants"), _("Awarded (US$)")] + (
        [_("Cities")] if with_cities else [])
    widths = (52, 14, 52, 18, 30) + ((14,) if with_cities else ())
    align = ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT") + (("RIGHT",) if with_cities else ())

    def text(value) -> str:
        return "–" if value is None or pd.isna(value) else neutral(str(value))

    with pdf.table(col_widths=_in_order(pdf, widths), text_align=[pdf.align(a) for a in _in_order(pdf, align)],
                   **_table_style(pdf)) as table:
        table.row(_in_order(pdf, headings))
        for row in frame.itertuples(index=False):
            cells = [text(row.country), text(row.iso3), text(row.region), count_text(row.grants),
                     fmt.number(row.awarded_usd)]
            table.row(_in_order(pdf, cells + ([text(row.cities_label)] if with_cities else [])))


def _bar_list(pdf: A4, x: float, top: float, width: float, title: str, frame: pd.DataFrame) -> float:
    """A small table of categories with their count labels and a bar for each published count; a hidden count
    is shown only as its label, with no bar (its length would give it away). Returns the bottom y. `x` is where
    the block starts on the page (its left edge); inside it, Arabic reads from the right."""
    row_h, label_w, count_w = 5.2, width * 0.42, 16.0
    bar_w = width - label_w - count_w - 3

    def at(offset: float, size: float) -> float:  # a box `offset` mm from the block's start of line
        return x + width - offset - size if pdf.rtl else x + offset

    pdf.set_xy(x, top)
    pdf.set_font(FONT, "B", BODY)
    pdf.cell(width, 5.5, title, align=pdf.align("L"))
    pdf.set_draw_color(theme.GRID)
    pdf.line(x, top + 6, x + width, top + 6)
    y = top + 7
    if frame.empty:
        pdf.set_xy(x, y)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(theme.MUTED_INK)
        pdf.cell(width, row_h, _("No participants recorded."), align=pdf.align("L"))
        pdf.set_text_color(theme.INK)
        return y + row_h
    category = category_column(frame)
    published = frame["participants"].where(frame["participants"].notna() & frame["participants_label"].map(
        lambda label: bool(PLAIN_COUNT.fullmatch(str(label)))))
    biggest = published.max()
    for name, label, value in zip(frame[category], frame["participants_label"], published, strict=True):
        pdf.set_font(FONT, "", 8.5)
        pdf.set_xy(at(0, label_w), y)
        pdf.cell(label_w, row_h, fit(pdf, "–" if pd.isna(name) else neutral(str(name)), label_w - 1),
                 align=pdf.align("L"))
        hidden = pd.isna(value)
        pdf.set_text_color(theme.MUTED_INK if hidden else theme.INK)
        pdf.set_xy(at(label_w, count_w), y)
        pdf.cell(count_w, row_h, "–" if pd.isna(label) else str(label), align=pdf.align("R"))
        pdf.set_text_color(theme.INK)
        if not hidden and biggest and biggest > 0:
            pdf.set_fill_color(theme.PRIMARY)
            length = max(bar_w * float(value) / float(biggest), 0.4)
            pdf.rect(at(label_w + count_w + 3, length), y + 1.2, length, row_h - 2.4, style="F")
        y += row_h
    return y


def _participants(pdf: A4, data: ImpactData) -> None:
    rows = max(len(data.by_gender), len(data.by_role), 1)
    _heading(pdf, _("Participants"), keep=12 + 5.2 * rows)
    total = count_text(data.participants_total)
    _muted(pdf, _("People reached at events in funded cities while a grant ran there: {total}. Hidden counts are "
                  "shown as their label, without a bar.").format(total=total))
    pdf.ln(1)
    top, gap = pdf.get_y(), 10.0
    half = (pdf.epw - gap) / 2
    bottom = max(_bar_list(pdf, pdf.x_of(MARGIN, half), top, half, _("By gender"), data.by_gender),
                 _bar_list(pdf, pdf.x_of(MARGIN + half + gap, half), top, half, _("By role"), data.by_role))
    pdf.set_xy(MARGIN, bottom + 1)


STATUS_COLOURS = {"on track": theme.GOOD, "off track": theme.BAD}


INDICATOR_NOTE = N_("Latest report of each indicator: its total to date against the target to date (how values add "
                  "up is under its title). Progress is the share of the way from baseline to target covered (over "
                  "100%: past the target). Without a baseline, or for a level to hold or a range to stay within, "
                  "it says only whether the target is met. On track: the target is met, or at least 90% of the "
                  "way is covered.")


def _indicator_heading(row: pd.Series) -> str:
    """The title and, under it, its level, unit and how its values add up: "Output · people · total to date"."""
    level = row["result_type"]
    aggregation = fmt.AGGREGATION_WORDS.get(row["aggregation"])
    facts = [(_(LEVEL_WORDS[level]) if level in LEVEL_WORDS else str(level).capitalize())
             if isinstance(level, str) else None,
             row["unit"] if isinstance(row["unit"], str) else None,
             _(aggregation) if aggregation else None]
    return f"{row['title']}\n" + " · ".join(f for f in facts if f)


def _indicators(pdf: A4, data: ImpactData) -> None:
    _heading(pdf, _("Indicators"))
    frame = data.indicators
    if frame.empty:
        _muted(pdf, _("No results indicators have been set for these grants yet."))
        return
    _muted(pdf, _(INDICATOR_NOTE))
    pdf.ln(1.5)
    with_city = "city" in frame.columns
    headings = [_("Indicator")] + ([_("City")] if with_city else []) + [
        _("Baseline"), _("Target"), _("Actual"), _("Progress"), _("Status")]
    widths = (46, 22, 19, 27, 22, 21, 23) if with_city else (60, 20, 30, 25, 21, 24)
    align = ("LEFT",) + (("LEFT",) if with_city else ()) + ("RIGHT",) * 4 + ("LEFT",)
    with pdf.table(col_widths=_in_order(pdf, widths), text_align=[pdf.align(a) for a in _in_order(pdf, align)],
                   **_table_style(pdf)) as table:
        table.row(_in_order(pdf, headings))
        for _index, row in frame.iterrows():
            measure = row["measure"]
            baseline = fmt.indicator_value(row["baseline_value"], measure)
            if baseline != "–" and not pd.isna(row["baseline_year"]):
                baseline += f" ({int(row['baseline_year'])})"
            status = str(row["status"])
            cells = [neutral(_indicator_heading(row))]  # text copied out of the PDF stays text (exports.neutral)
            if with_city:
                cells.append("–" if pd.isna(row["city"]) else neutral(str(row["city"])))
            cells += [baseline, target_text(row), fmt.indicator_value(row["actual_to_date"], measure, row["unit"]),
                      fmt.indicator_progress(row["progress"], row["target_met"], row["direction"])]
            cells = [(cell, None) for cell in cells] + [(
                _(STATUS_WORDS[status]) if status in STATUS_WORDS else status[:1].upper() + status[1:],
                FontFace(color=STATUS_COLOURS.get(status, theme.MUTED_INK),
                         emphasis="BOLD" if status in STATUS_COLOURS else None))]
            line = table.row()
            for text, style in _in_order(pdf, cells):
                line.cell(text, style=style)


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
