"""What every PDF of parindex shares: the embedded DejaVu fonts, paragraph styles, tables that repeat their header
on each page, numbers in the reader's locale and a footer with "Trang x/y"."""
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONT_FILES = {FONT: "fonts/DejaVuSans.ttf", BOLD: "fonts/DejaVuSans-Bold.ttf"}
HEADER_FILL = colors.HexColor("#eef1f5")
GRID = colors.HexColor("#9aa5b1")
MARGIN = 12 * mm


def fonts_register():
    """Registers DejaVu Sans once per process; ReportLab embeds the glyphs a document uses (a subset)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, relative in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, _font_path(relative)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _font_path(relative):
    return finders.find(relative) or str(Path(settings.BASE_DIR) / "static" / relative)


def styles(size=9):
    """Paragraph styles at a base font size: body, small, bold cell, title, heading. Paragraphs look their font
    up when made, so the fonts are registered here."""
    fonts_register()
    body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size * 1.25)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=size - 1.5, leading=(size - 1.5) * 1.25),
        "cell": ParagraphStyle("cell", parent=body, fontSize=size - 1, leading=(size - 1) * 1.2),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=size - 1, leading=(size - 1) * 1.2,
                               alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=size + 5, leading=(size + 5) * 1.3,
                                alignment=TA_CENTER, spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=size + 1, leading=(size + 1) * 1.3,
                                   alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=size + 2,
                                  leading=(size + 2) * 1.3, spaceBefore=4 * mm, spaceAfter=2 * mm),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
    }


def text(value, style):
    """A paragraph of plain text: ReportLab reads paragraphs as markup, so the text is escaped first."""
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


def number_text(value, places) -> str:
    """A number as the reader writes it (92,50 in Vietnamese), with exactly `places` decimals; '' for None."""
    if value is None:
        return ""
    return number_format(Decimal(value), decimal_pos=places, use_l10n=True)


def signed_text(value, places) -> str:
    return "" if value is None else ("+" if value > 0 else "") + number_text(value, places)


def grid_table(rows, widths, *, header_rows=1, numeric_from=None, size=8, extra=()):
    """A table with a grid, a shaded header repeated on every page and numbers right-aligned from column
    `numeric_from` on."""
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), size),
        ("FONTNAME", (0, 0), (-1, header_rows - 1), BOLD),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if numeric_from is not None:
        style.append(("ALIGN", (numeric_from, header_rows), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle([*style, *extra]))
    return table


def pdf_build(story, *, title, footer, pagesize, author="parindex", watermark="") -> bytes:
    """The document's bytes: `story` on pages of `pagesize`, each with `footer` on the left and "Trang x/y" on
    the right, and `watermark` (provisional figures: "TẠM TÍNH") across every page."""
    fonts_register()
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=pagesize, title=title, author=author, leftMargin=MARGIN,
                                 rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm)
    printed = _("In ngày %(date)s") % {"date": timezone.localdate().strftime("%d/%m/%Y")}
    document.build(story, canvasmaker=_numbered_canvas(f"{footer} · {printed}", watermark))
    return buffer.getvalue()


def _numbered_canvas(footer, watermark=""):
    """A canvas that holds its pages until the end, so each can say how many pages there are."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            # Without this the canvas starts in Helvetica, which would be listed in the PDF and not embedded.
            super().__init__(*args, **{**kwargs, "initialFontName": FONT})
            self._pages = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._footer(number, len(self._pages))
                if watermark:
                    self._watermark()
                super().showPage()
            super().save()

        def _watermark(self):
            width, height = self._pagesize
            self.saveState()
            self.setFont(FONT, 72)
            self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
            self.translate(width / 2, height / 2)
            self.rotate(30)
            self.drawCentredString(0, 0, watermark)
            self.restoreState()

        def _footer(self, number, count):
            width, _height = self._pagesize
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#5f6b7a"))
            self.drawString(MARGIN, MARGIN - 2 * mm, footer)
            self.drawRightString(width - MARGIN, MARGIN - 2 * mm,
                                 _("Trang %(page)s/%(pages)s") % {"page": number, "pages": count})

    return NumberedCanvas
