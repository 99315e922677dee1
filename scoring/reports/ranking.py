"""A block's published ranking table as a PDF: the rows and the columns of the results workbook
(scoring/excel/results.py), each number printed with the decimals its Excel format gives it."""
from decimal import Decimal

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..excel.results import results_columns, results_title, status_text
from .pdf import FONT, grid_table, number_text, pdf_build, styles, text
from .scorecard import watermark

WIDE = 14  # columns beyond which the table moves to A3: area indices make a province's table wide


def ranking_pdf(rows, legend, index=None) -> bytes:
    """rows: selectors.results_rows of one block and year; legend: selectors.results_legend of the same; index: their
    Index (None: PAR). A column no row fills (a block without groups, without a survey) is left out of the paper."""
    columns = [column for column in results_columns(legend, index)
               if not rows or any(column.value(row) not in (None, "") for row in rows)]
    page = landscape(A3 if len(columns) > WIDE else A4)
    style = styles(9)
    title = results_title(legend, index)
    story = [text(title, style["title"])]
    if legend.framework:
        story.append(text(f"{legend.framework.name} ({legend.framework.version})", style["center"]))
    story.append(text(status_text(legend.status), style["center"]))
    story.append(_table(rows, columns, page, style))
    if any(row["incomplete"] for row in rows):
        story.append(text(_("* Chưa đủ điểm: còn tiêu chí chưa có điểm chính thức, kết quả có thể thay đổi."),
                          style["small"]))
    if not rows:
        story.append(text(_("Chưa có kết quả của khối này trong năm."), style["body"]))
    return pdf_build(story, title=title, footer=f"{legend.block.name} · {legend.year}", pagesize=page,
                     watermark=watermark(legend.status))


def ranking_filename(legend, index=None) -> str:
    code = f"{index.code}-" if index is not None and index.code != "PAR" else ""
    return f"ket-qua-{code}{legend.year}-{legend.block.code}.pdf"


def cell_text(value, number_format) -> str:
    """A workbook cell as printed: numbers with the decimals of their Excel format ("0.00" → 2, "+0.00;…" signed),
    text as it is."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and number_format != "General":
        positive = number_format.split(";")[0]
        places = len(positive.partition(".")[2])
        printed = number_text(value, places)
        return f"+{printed}" if positive.startswith("+") and value > 0 else printed
    return str(value)


SIZE = 7.5
PADDING = 4 * mm  # both sides of a cell, with room to spare


def _table(rows, columns, page, style):
    header = [text(column.header, style["head"]) for column in columns]
    body = [[_cell(column, row, style) for column in columns] for row in rows]
    usable = page[0] - 24 * mm
    # A unit code is one word (SNNPTNT): its column is as wide as the longest code, never wrapped mid-word.
    fixed = {index: max(stringWidth(str(column.value(row)), FONT, SIZE) for row in rows) + PADDING
             for index, column in enumerate(columns) if column.header == _code_header() and rows}
    rest = sum(column.width for index, column in enumerate(columns) if index not in fixed)
    free = usable - sum(fixed.values())
    widths = [fixed.get(index, free * column.width / rest) for index, column in enumerate(columns)]
    # Numbers are plain strings, right-aligned; text wraps inside its column as a paragraph.
    codes = [("ALIGN", (index, 1), (index, -1), "LEFT") for index in fixed]
    return grid_table([header, *body], widths, numeric_from=0, size=SIZE, extra=codes)


def _code_header():
    """The unit code column's header as results_columns writes it, in the active language."""
    return _("Mã đơn vị")


def _cell(column, row, style):
    value = column.value(row)
    printed = cell_text(value, column.number_format)
    if isinstance(value, (int, Decimal)):
        return printed
    if column.header == _code_header():
        return printed  # a plain string: ReportLab never wraps it
    if column.header == _("Tên đơn vị") and row.get("incomplete"):
        printed = f"{printed} *"
    return text(printed, style["cell"])
