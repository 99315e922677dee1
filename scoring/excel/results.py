"""The results table a province publishes, as .xlsx: a title row, a header row, one row per unit.

Rows come from selectors.results_rows (decimals as text, nothing lost) and are written as numbers with the
framework's precision as their format, so the sheet sorts and sums like any table. Row order is the selector's:
by group, ranked units by rank first, then the units that are not ranked."""
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..index_scale import PERCENT, heading, places, scaled
from .cells import workbook_bytes

POINTS_FORMAT = "0.000"
RANK_CHANGE_FORMAT = "+0;-0;0"
HEADER_ROW = 2
HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict], object]
    number_format: str = "General"
    width: int = 12


def write_results_workbook(rows, legend, index=None) -> bytes:
    """rows: selectors.results_rows of one block and year; legend: selectors.results_legend of the same; index:
    the Index they belong to (None: PAR), whose scale the index columns are written on."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{legend.block.code} {legend.year}"[:31]
    columns = results_columns(legend, index)
    # provisional or official (rule 14)
    sheet.append([f"{results_title(legend, index)} · {status_text(legend.status)}"])
    sheet.append([column.header for column in columns])
    for row in rows:
        sheet.append([column.value(row) for column in columns])
    _format_numbers(sheet, columns)
    _style(sheet, columns)
    return workbook_bytes(workbook)


def status_text(status):
    """Provisional or official, with the version and SHA-256 of what was published (rule 14)."""
    return f"{status.label} · SHA-256 {status.sha256}" if status.published else status.label


def results_title(legend, index=None):
    block = legend.block.name.upper()
    block = block if block.startswith("KHỐI") else f"KHỐI {block}"
    if index is not None and index.code != "PAR":
        return _("KẾT QUẢ %(index)s NĂM %(year)s – %(block)s") % {
            "index": index.name.upper(), "year": legend.year, "block": block}
    return _("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM %(year)s – %(block)s") % {"year": legend.year, "block": block}


def results_columns(legend, index=None):
    """The columns; index values (the index, its change, the areas') on the index's scale (index_scale.py)."""
    scale = index.scale if index is not None else PERCENT
    index_format = _decimal_format(places(scale, legend.precision))
    change_format = f"+{index_format};-{index_format};{index_format}"
    return [
        Column(_("Hạng"), _rank, "0", 10),
        Column(_("Mã đơn vị"), lambda row: row["unit_code"]),
        Column(_("Tên đơn vị"), lambda row: row["unit_name"], width=40),
        Column(_("Nhóm"), lambda row: row["group"] or None, width=14),
        *(Column(f"{code}. {title}", _area_index(code, scale), index_format, 16) for code, title in legend.areas),
        *(Column(header, _number(name), POINTS_FORMAT) for header, name in (
            (_("Điểm thẩm định"), "appraised"), (_("Điểm điều tra"), "survey"), (_("Điểm thưởng"), "bonus"),
            (_("Điểm trừ"), "penalty"), (_("Tổng điểm"), "total"), (_("Điểm tối đa"), "max_total"))),
        Column(heading(scale), _number("index", scale), index_format),
        Column(_("Xếp loại"), lambda row: legend.grades.get(row["grade"], row["grade"]) or None, width=16),
        Column(_("Thay đổi thứ hạng"), lambda row: row["rank_change"], RANK_CHANGE_FORMAT),
        Column(_("Thay đổi chỉ số"), _number("index_change", scale), change_format),
        # Each area's component rank in the block (or group), rule 9, last: the columns above keep their places.
        *(Column(_("Hạng chỉ số %(code)s") % {"code": code}, _area_rank(code), "0", 10) for code, _t in legend.areas),
    ]


def _decimal_format(places):
    return "0." + "0" * places if places else "0"


def _rank(row):
    return row["rank"] if row["ranked"] else _("Không xếp hạng")


def _number(name, scale=PERCENT):
    return lambda row: scaled(_decimal(row[name]), scale)


def _area_index(code, scale):
    def value(row):
        area = next((area for area in row["areas"] if area["code"] == code), None)
        return scaled(_decimal(area["index"]), scale) if area else None

    return value


def _area_rank(code):
    def value(row):
        return next((area.get("rank") for area in row["areas"] if area["code"] == code), None)

    return value


def _decimal(text):
    return None if text is None else Decimal(text)


def _format_numbers(sheet, columns):
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell, column in zip(row, columns):
            cell.number_format = column.number_format


def _style(sheet, columns):
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for cell, column in zip(sheet[HEADER_ROW], columns):
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = column.width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
