"""The committee pack as an A4 PDF (fpdf2, the bundled DejaVu fonts): pure, from a `pack.Pack`.

Cover: the title, who it was made for, the period, filters, data date and build (and the notice when the viewer's
limits narrowed the filters), then the contents with page numbers. Then the impact summary's words, then each chart
with its title, its own filters when they differ, the image, its "based on" note and the notes on the numbers.
Every page: the title and a demo flag in the header; in the footer the build, the suppression rule when the
viewer's counts are suppressed, and "Page n of N". Text is printed through exports.neutral, as the impact PDF does.
"""

from __future__ import annotations

import datetime as dt
import io

from dashboards import formatting as fmt
from dashboards import theme
from dashboards.i18n import N_, _, using
from dashboards.reports.a4 import A4, BODY, DEMO, FONT, MARGIN, PANEL, room
from dashboards.reports.exports import neutral
from dashboards.reports.pack import Pack, PackChart
from dashboards.reports.pdf import footnote

LINE = 4.6

# Everything the PDF says in words (the reports catalog; `T` gives them in the pack's language).
TEXT = {
    "prepared_for": N_("Prepared for"),
    "period": N_("Period"),
    "filters": N_("Filters"),
    "data": N_("Data"),
    "data_line": N_("as of {as_of}; database built {built}"),
    "made": N_("Made"),
    "notice": N_("Note"),
    "demo": N_("DEMO DATA"),
    "demo_note": N_("Demo data: made-up figures for trying the dashboard, not real results."),
    "contents": N_("Contents"),
    "summary": N_("In plain words: the impact summary"),
    "chart_filters": N_("Filters of this chart: {filters}"),
    "notes": N_("Notes on these numbers"),
    "values": N_("Values shown: {values}"),
    "page": N_("Page {page} of {pages}"),
    "footer": N_("{title} · data as of {as_of}, built {built}"),
}


def T(key: str) -> str:
    """A label of TEXT in the current language (the pack's, inside `render`)."""
    return _(TEXT[key])


def _built(value: dt.datetime) -> str:
    return f"{fmt.day(value.date())} {value:%H:%M}"


def _text(value: str) -> str:
    return neutral(str(value))


class _PackPDF(A4):
    def __init__(self, pack: Pack) -> None:
        super().__init__(title=pack.title, subject=f"{pack.period}; {pack.filters_text}",
                         language=pack.lang,
                         created=pack.made_at or dt.datetime.now(dt.UTC), bottom=24)
        self.pack = pack

    def header(self) -> None:
        self.running_head(_text(self.pack.title)[:110], demo=T("demo") if self.pack.is_demo else None, size=11)

    def footer(self) -> None:
        lines = [T("footer").format(title=_text(self.pack.title)[:60], as_of=fmt.day(self.pack.as_of),
                                       built=_built(self.pack.built_at))]
        if self.pack.suppress_below:
            lines.append(footnote(self.pack.suppress_below))
        self.running_foot("\n".join(lines), T("page").format(page=self.page_no(), pages="{nb}"), rise=19)


def _heading(pdf: _PackPDF, text: str, *, keep: float) -> None:
    room(pdf, 12 + keep)
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(theme.PRIMARY)
    pdf.start_section(text[:120])
    pdf.multi_cell(0, 6, _text(text), align=_flow(pdf), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)
    pdf.ln(1)


def _flow(pdf: A4) -> str:
    """How a paragraph is set: justified (fpdf2's default) left to right, from the right margin in Arabic."""
    return "R" if pdf.rtl else "J"


def _muted(pdf: A4, text: str, size: float = 8) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(theme.MUTED_INK)
    pdf.multi_cell(0, 4, _text(text), align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)


def _cover(pdf: _PackPDF, pack: Pack) -> None:
    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(theme.PRIMARY)
    pdf.multi_cell(0, 9, _text(pack.title), align=_flow(pdf), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)
    pdf.ln(3)
    rows = [(T("prepared_for"), pack.prepared_for), (T("period"), pack.period),
            (T("filters"), pack.filters_text),
            (T("data"), T("data_line").format(as_of=fmt.day(pack.as_of), built=_built(pack.built_at)))]
    if pack.made_at:
        rows.append((T("made"), _built(pack.made_at) + " UTC"))
    if pack.notice:
        rows.append((T("notice"), pack.notice))
    if pack.is_demo:
        rows.append((T("notice"), T("demo_note")))
    label_w, pad = 28.0, 3.0
    value_w = pdf.epw - label_w - 2 * pad
    pdf.set_font(FONT, "", BODY + 1)
    heights = [len(pdf.multi_cell(value_w, LINE + 0.6, _text(v), dry_run=True, output="LINES")) * (LINE + 0.6)
               for _, v in rows]
    top = pdf.get_y()
    pdf.set_fill_color(PANEL)
    pdf.rect(MARGIN, top, pdf.epw, sum(heights) + 2 * pad, style="F")
    pdf.set_y(top + pad)
    for (label, value), height in zip(rows, heights, strict=True):
        y = pdf.get_y()
        pdf.set_xy(pdf.x_of(MARGIN + pad, label_w), y)
        pdf.set_font(FONT, "B", BODY + 1)
        pdf.set_text_color(theme.MUTED_INK)
        pdf.cell(label_w, LINE + 0.6, label, align=pdf.align("L"))
        pdf.set_font(FONT, "", BODY + 1)
        pdf.set_text_color(DEMO if label == T("notice") else theme.INK)
        pdf.set_x(pdf.x_of(MARGIN + pad + label_w, value_w))
        pdf.multi_cell(value_w, LINE + 0.6, _text(value), align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(y + height)
    pdf.set_text_color(theme.INK)
    pdf.set_y(top + sum(heights) + 2 * pad + 6)


def _contents(pdf: A4, outline) -> None:
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(theme.PRIMARY)
    pdf.cell(0, 7, T("contents"), align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(theme.INK)
    pdf.set_font(FONT, "", BODY + 0.5)
    for section in outline:
        link = pdf.add_link(page=section.page_number)
        page = str(section.page_number)
        width = pdf.epw - 14
        name = section.name
        while pdf.get_string_width(name) > width - 4 and len(name) > 4:
            name = name[:-2]
        y = pdf.get_y()
        pdf.set_xy(pdf.x_of(MARGIN, width), y)
        pdf.cell(width, 5.4, name if name == section.name else name + "…", align=pdf.align("L"), link=link)
        pdf.set_xy(pdf.x_of(MARGIN + width, 14), y)
        pdf.cell(14, 5.4, page, align=pdf.align("R"), link=link, new_x="LMARGIN", new_y="NEXT")


def _summary(pdf: _PackPDF, pack: Pack) -> None:
    if not pack.summary and not pack.summary_note:
        return
    _heading(pdf, T("summary"), keep=15)
    if pack.summary_note:
        _muted(pdf, pack.summary_note)
    pdf.set_font(FONT, "", BODY + 0.5)
    for sentence in pack.summary:
        room(pdf, 10)
        y = pdf.get_y()
        pdf.set_xy(pdf.x_of(MARGIN, 5), y)
        pdf.set_text_color(theme.PRIMARY)
        pdf.cell(5, 5, "•")
        pdf.set_text_color(theme.INK)
        pdf.set_xy(pdf.x_of(MARGIN + 5, pdf.epw - 5), y)
        pdf.multi_cell(pdf.epw - 5, 5, _text(sentence), align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)


def _chart(pdf: _PackPDF, item: PackChart) -> None:
    width_px = 900
    image_h = pdf.epw * item.drawn.height / width_px if item.image else 0
    _heading(pdf, item.drawn.title, keep=image_h + 10)
    if item.filters_text:
        _muted(pdf, T("chart_filters").format(filters=item.filters_text))
    if item.notice:
        _muted(pdf, item.notice)
    if item.image:
        room(pdf, image_h)
        top = pdf.get_y()
        pdf.image(io.BytesIO(item.image), x=MARGIN, y=top, w=pdf.epw, h=image_h, alt_text=item.drawn.title)
        pdf.set_y(top + image_h + 1.5)
    if values := item.drawn.values():
        _muted(pdf, T("values").format(values=" · ".join(values)))
    if item.drawn.note:
        _muted(pdf, item.drawn.note)
    if item.notes:
        pdf.ln(1.5)
        room(pdf, 12)
        pdf.set_font(FONT, "B", BODY)
        pdf.cell(0, 5, T("notes"), align=pdf.align("L"), new_x="LMARGIN", new_y="NEXT")
        for note in item.notes:
            pdf.set_font(FONT, "B", 8)
            pdf.set_text_color(theme.MUTED_INK)
            pdf.multi_cell(0, 4, _text(f"{note.dated} · {note.author}"), align=_flow(pdf), new_x="LMARGIN",
                           new_y="NEXT")
            pdf.set_font(FONT, "", BODY)
            pdf.set_text_color(theme.INK)
            pdf.multi_cell(0, 4.4, _text(note.text), align=_flow(pdf), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.8)
    pdf.ln(3)


def render(pack: Pack) -> bytes:
    """The pack as PDF bytes, in the pack's language: its labels (TEXT), numbers, dates and the page foot."""
    with using(pack.lang):
        return _render(pack)


def _render(pack: Pack) -> bytes:
    pdf = _PackPDF(pack)
    pdf.add_page()
    _cover(pdf, pack)
    pdf.insert_toc_placeholder(_contents, pages=1 + (len(pack.charts) + 2) // 40, reset_page_indices=False)
    _summary(pdf, pack)
    for item in pack.charts:
        _chart(pdf, item)
    return bytes(pdf.output())
