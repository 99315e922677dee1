"""A block's published ranking table as a PDF: the rows and the columns of the results workbook
(scoring/excel/results.py), each number printed with the decimals its Excel format gives it."""
from decimal import Decimal

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm

from ..excel.results import results_columns, results_title, status_text
from .pdf import grid_table, number_text, pdf_build, styles, text
from .scorecard import watermark

WIDE = 14  # columns beyond which the table moves to A3: area indices make a province's table wide


def ranking_pdf(rows, legend) -> bytes:
    """rows: selectors.results_rows of one block and year; legend: selectors.results_legend of the same."""
    columns = results_columns(legend)
    page = landscape(A3 if len(columns) > WIDE else A4)
    style = styles(9)
    title = results_title(legend)
    story = [text(title, style["title"])]
    if legend.framework:
        story.append(text(f"{legend.framework.name} ({legend.framework.version})", style["center"]))
    story.append(text(status_text(legend.status), style["center"]))
    story.append(_table(rows, columns, page, style))
    if not rows:
        story.append(text(_("Chưa có kết quả của khối này trong năm."), style["body"]))
    return pdf_build(story, title=title, footer=f"{legend.block.name} · {legend.year}", pagesize=page,
                     watermark=watermark(legend.status))


def ranking_filename(legend) -> str:
    return f"ket-qua-{legend.year}-{legend.block.code}.pdf"


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


def _table(rows, columns, page, style):
    header = [text(column.header, style["head"]) for column in columns]
    body = [[_cell(column, row, style) for column in columns] for row in rows]
    total = sum(column.width for column in columns)
    usable = page[0] - 24 * mm
    widths = [usable * column.width / total for column in columns]
    # Numbers are plain strings, right-aligned; text wraps inside its column as a paragraph.
    return grid_table([header, *body], widths, numeric_from=0, size=7.5)


def _cell(column, row, style):
    value = column.value(row)
    printed = cell_text(value, column.number_format)
    return printed if isinstance(value, (int, Decimal)) else text(printed, style["cell"])
