"""The A4 page both PDFs print on (the impact summary, pdf.py; the committee pack, pack_pdf.py): the bundled
fonts, the margins and the document's metadata, the running head (title, demo flag, a rule) and the running foot
(a rule, the note every page carries, "Page n of N"), and the two layout helpers both use."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

from dashboards import theme

AUTHOR = "Strong Cities Network Impact Dashboard"
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"

MARGIN = 15.0
PANEL = "#f3f5f8"  # background of boxes and every other table row
DEMO = "#b3261e"
BODY = 9.0  # pt


class A4(FPDF):
    """A portrait A4 document in the bundled DejaVu fonts, with its title, subject, language and creation date."""

    def __init__(self, *, title: str, subject: str, lang: str, created: dt.datetime, bottom: float) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, 24, MARGIN)
        self.set_auto_page_break(True, margin=bottom)
        self.set_title(title)
        self.set_author(AUTHOR)
        self.set_creator(AUTHOR)
        self.set_subject(subject)
        self.set_lang(lang)
        self.set_creation_date(created)
        self.alias_nb_pages()

    def running_head(self, title: str, *, demo: str | None, size: float) -> None:
        """The title at the top of the page, the `demo` flag (its words) at the right when the data is made up."""
        self.set_xy(MARGIN, 11)
        badge = 0.0
        if demo:
            self.set_font(FONT, "B", 8)
            badge = self.get_string_width(demo) + 6
            self.set_fill_color(DEMO)
            self.set_text_color("#ffffff")
            self.set_xy(self.w - MARGIN - badge, 11)
            self.cell(badge, 6, demo, align="C", fill=True)
            self.set_xy(MARGIN, 11)
        self.set_font(FONT, "B", size)
        self.set_text_color(theme.PRIMARY)
        width = self.epw - badge - 3
        self.cell(width, 6, fit(self, title, width))
        self.set_draw_color(theme.GRID)
        self.set_line_width(0.3)
        self.line(MARGIN, 19, self.w - MARGIN, 19)
        self.set_text_color(theme.INK)
        self.set_y(self.t_margin)

    def running_foot(self, note: str, page: str, *, rise: float) -> None:
        """A rule `rise` mm above the bottom edge, `note` under it and `page` ("Page n of {nb}") at the right."""
        self.set_draw_color(theme.GRID)
        self.set_line_width(0.3)
        self.line(MARGIN, self.h - rise, self.w - MARGIN, self.h - rise)
        self.set_xy(MARGIN, self.h - rise + 1.5)
        self.set_font(FONT, "", 7)
        self.set_text_color(theme.MUTED_INK)
        self.multi_cell(self.epw - 30, 3.4, note, align="L")
        self.set_xy(self.w - MARGIN - 28, self.h - rise + 1.5)
        self.cell(28, 3.4, page, align="R")
        self.set_text_color(theme.INK)


def fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` at the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def room(pdf: FPDF, height: float) -> None:
    """Start a new page unless `height` mm still fit on this one (keeps a heading with what follows)."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
