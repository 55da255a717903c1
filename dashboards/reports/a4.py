"""The A4 page both PDFs print on (the impact summary, pdf.py; the committee pack, pack_pdf.py): the bundled
fonts, the margins and the document's metadata, the running head (title, demo flag, a rule) and the running foot
(a rule, the note every page carries, "Page n of N"), and the two layout helpers both use.

The page speaks the document's language (`language`: "en", "fr" or "ar"). Arabic is set in the same DejaVu Sans,
which has the Arabic letters with their joining forms (fonts/README.md), shaped by HarfBuzz (fpdf2's text shaping,
uharfbuzz) and laid out right to left by the Unicode bidirectional algorithm, so a Latin city name or a figure
inside an Arabic sentence keeps its own order; paragraphs are right-aligned and the page is mirrored through
`x_of` (where a box of a given width starts) and `align` ("L" is the start of the line: the right in Arabic).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

from dashboards import theme
from dashboards.i18n import direction

AUTHOR = "Strong Cities Network Impact Dashboard"
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
LANGUAGE_TAGS = {"en": "en-GB", "fr": "fr-FR", "ar": "ar"}  # the PDF's /Lang, which screen readers follow

MARGIN = 15.0
PANEL = "#f3f5f8"  # background of boxes and every other table row
DEMO = "#b3261e"
BODY = 9.0  # pt


class A4(FPDF):
    """A portrait A4 document in the bundled fonts, with its title, subject, language and creation date."""

    def __init__(self, *, title: str, subject: str, language: str, created: dt.datetime, bottom: float) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.language = language if language in LANGUAGE_TAGS else "en"
        self.rtl = direction(self.language) == "rtl"
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        if self.rtl:
            self.set_text_shaping(True, direction="rtl", script="arab", language="ara")
        self.set_margins(MARGIN, 24, MARGIN)
        self.set_auto_page_break(True, margin=bottom)
        self.set_title(title)
        self.set_author(AUTHOR)
        self.set_creator(AUTHOR)
        self.set_subject(subject)
        self.set_lang(LANGUAGE_TAGS[self.language])
        self.set_creation_date(created)
        self.alias_nb_pages()

    def x_of(self, x: float, width: float) -> float:
        """Where a box `width` wide starts that sits `x` mm from the start of the line: mirrored in Arabic."""
        return self.w - x - width if self.rtl else x

    def align(self, align: str) -> str:
        """"L" (the start of the line) and "R" (its end) as printed: swapped in Arabic; "C" and "J" as they are."""
        return {"L": "R", "R": "L", "LEFT": "RIGHT", "RIGHT": "LEFT"}.get(align, align) if self.rtl else align

    def running_head(self, title: str, *, demo: str | None, size: float) -> None:
        """The title at the top of the page, the `demo` flag (its words) at the right when the data is made up."""
        self.set_xy(MARGIN, 11)
        badge = 0.0
        if demo:
            self.set_font(FONT, "B", 8)
            badge = self.get_string_width(demo) + 6
            self.set_fill_color(DEMO)
            self.set_text_color("#ffffff")
            self.set_xy(self.x_of(self.w - MARGIN - badge, badge), 11)
            self.cell(badge, 6, demo, align="C", fill=True)
        self.set_font(FONT, "B", size)
        self.set_text_color(theme.PRIMARY)
        width = self.epw - badge - 3
        self.set_xy(self.x_of(MARGIN, width), 11)
        self.cell(width, 6, fit(self, title, width), align=self.align("L"))
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
        self.set_xy(self.x_of(MARGIN, self.epw - 30), self.h - rise + 1.5)
        self.set_font(FONT, "", 7)
        self.set_text_color(theme.MUTED_INK)
        self.multi_cell(self.epw - 30, 3.4, note, align=self.align("L"))
        self.set_xy(self.x_of(self.w - MARGIN - 28, 28), self.h - rise + 1.5)
        self.cell(28, 3.4, page, align=self.align("R"))
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
