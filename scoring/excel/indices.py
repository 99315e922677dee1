"""The workbook of an index's results computed elsewhere (a consultant's DDCI, a contractor's DGI): one workbook
per index, year and block, sheet `index_results`, row 1 the headers:

    unit | name (optional) | <one column per sub-index, headed by its name> | total | rank

A row with a blank total is a unit not rated. Every problem is reported with its row and column; the rows are
checked against the database by scoring/services/indices.py."""
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .sheets import SheetIssue, decimal, open_workbook, text

SHEET = "index_results"
UNIT, NAME, TOTAL, RANK = "unit", "name", "total", "rank"
FIXED = (UNIT, NAME, TOTAL, RANK)


@dataclass(frozen=True)
class IndexRow:
    number: int
    unit: str
    total: Decimal | None
    rank: int | None
    sub_indices: tuple[tuple[str, Decimal | None], ...]  # (sub-index name, value) in the workbook's order


def read_index_workbook(file) -> tuple[list[IndexRow], list[SheetIssue]]:
    workbook, issues = open_workbook(file)
    if workbook is None:
        return [], issues
    try:
        sheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == SHEET), None)
        if sheet is None:
            message = _("Không có sheet '%(sheet)s' (các sheet trong tệp: %(names)s).")
            return [], [SheetIssue(message % {"sheet": SHEET, "names": ", ".join(workbook.sheetnames)})]
        lines = sheet.iter_rows(values_only=True)
        positions, subs, issues = _header(next(lines, ()))
        if issues:
            return [], issues
        rows = []
        for number, values in enumerate(lines, start=2):
            if any(text(value) for value in values):
                row, row_issues = _row(number, values, positions, subs)
                issues += row_issues
                rows += [row] if row else []
    finally:
        workbook.close()
    if not rows and not issues:
        issues.append(SheetIssue(_("không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)"), SHEET))
    return rows, issues


def write_index_template(unit_rows, sub_index_names) -> bytes:
    """A blank workbook to fill in: the block's units, one column per sub-index."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([UNIT, NAME, *sub_index_names, TOTAL, RANK])
    for code, name in unit_rows:
        sheet.append([code, name])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(cells):
    positions, subs, issues, seen = {}, [], [], set()
    for index, value in enumerate(cells):
        label = text(value)
        key = label.lower()
        if not label:
            continue
        if key in seen:
            issues.append(SheetIssue(_("cột này xuất hiện hai lần"), SHEET, 1, label))
        seen.add(key)
        if key in FIXED:
            positions[key] = index
        else:
            subs.append((label, index))
    for name in (UNIT, TOTAL, RANK):
        if name not in positions:
            message = _("thiếu cột này (dòng tiêu đề cần có: unit, các chỉ số thành phần, total, rank)")
            issues.append(SheetIssue(message, SHEET, 1, name))
    return positions, subs, issues


def _cell(values, index):
    return values[index] if index is not None and index < len(values) else None


def _row(number, values, positions, subs):
    issues = []
    unit = text(_cell(values, positions[UNIT]))
    if not unit:
        issues.append(SheetIssue(_("thiếu mã đơn vị"), SHEET, number, UNIT))
    total = _number(number, _cell(values, positions[TOTAL]), TOTAL, issues)
    rank = _rank(number, _cell(values, positions[RANK]), issues)
    sub_values = tuple((label, _number(number, _cell(values, index), label, issues)) for label, index in subs)
    blank_total = text(_cell(values, positions[TOTAL])) == ""
    if blank_total and (rank is not None or any(value is not None for _label, value in sub_values)):
        issues.append(SheetIssue(_("đơn vị không được đánh giá (để trống tổng) thì để trống cả thứ hạng và các "
                                   "chỉ số thành phần"), SHEET, number, TOTAL))
    return (None if issues else IndexRow(number, unit, total, rank, sub_values)), issues


def _number(number, value, column, issues):
    if text(value) == "":
        return None
    try:
        found = decimal(value)
    except ValueError:
        issues.append(SheetIssue(_("không phải là số: %(value)s") % {"value": text(value)}, SHEET, number, column))
        return None
    if found < 0:
        issues.append(SheetIssue(_("không được âm"), SHEET, number, column))
        return None
    return found


def _rank(number, value, issues):
    if text(value) == "":
        return None
    try:
        found = decimal(value)
    except ValueError:
        found = None
    if found is None or found != found.to_integral_value() or found < 1:
        issues.append(SheetIssue(_("thứ hạng phải là số nguyên dương: %(value)s") % {"value": text(value)},
                                 SHEET, number, RANK))
        return None
    return int(found)
