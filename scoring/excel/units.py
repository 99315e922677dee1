"""The `units` sheet: read it into UnitRow values, and write units back in the same shape (a round trip).

Row 1 holds the headers (any case, any order; unknown columns are ignored); blank rows are skipped. Every problem
is reported with its row and column so an officer can fix the file in one pass."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import Unit
from ..services.units import SHEET, UnitRow
from .cells import workbook_bytes
from .sheets import SheetIssue, open_workbook, read_table, text, yes_no

COLUMNS = ("code", "name", "block", "group", "ranked", "active")
REQUIRED = ("code", "name", "block", "group", "ranked")
TEXT_MAX = {name: Unit._meta.get_field(name).max_length for name in ("code", "name", "group")}
WIDTHS = {"A": 14, "B": 44, "C": 10, "D": 20, "E": 10, "F": 10}


def read_units_workbook(file) -> tuple[list[UnitRow], list[SheetIssue]]:
    """`file` is a path or a binary file object. Returns the rows that parsed and the issues found."""
    workbook, issues = open_workbook(file)
    if workbook is None:
        return [], issues
    try:
        table, issues = read_table(workbook, SHEET, columns=COLUMNS, required=REQUIRED)
    finally:
        workbook.close()
    rows = []
    for number, cells in table:
        row, row_issues = _read_row(number, cells)
        issues += row_issues
        rows += [row] if row else []
    return rows, issues


def write_units_workbook(units) -> bytes:
    """The units (with their block) as an .xlsx that read_units_workbook accepts unchanged."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for unit in units:
        sheet.append([unit.code, unit.name, unit.block.code, unit.group, _yes_no(unit.ranked), _yes_no(unit.active)])
    _style(sheet)
    _add_guide(workbook)
    return workbook_bytes(workbook)


# --- Reading -----------------------------------------------------------------------------------------------------


def _read_row(number, cells):
    issues = []
    values = {name: _required_text(number, cells, name, issues) for name in ("code", "name", "block")}
    values["group"] = _limited_text(number, cells, "group", issues)
    values["ranked"] = _read_flag(number, cells, "ranked", issues)
    values["active"] = _read_flag(number, cells, "active", issues) if "active" in cells else None
    if issues:
        return None, issues
    return UnitRow(row=number, **values), []


def _required_text(number, cells, name, issues):
    value = _limited_text(number, cells, name, issues)
    if not value:
        issues.append(SheetIssue(_("ô này không được để trống"), SHEET, number, name))
    return value


def _limited_text(number, cells, name, issues):
    value = text(cells.get(name))
    limit = TEXT_MAX.get(name)
    if limit and len(value) > limit:
        message = _("dài %(length)d ký tự, tối đa %(limit)d") % {"length": len(value), "limit": limit}
        issues.append(SheetIssue(message, SHEET, number, name))
    return value


def _read_flag(number, cells, name, issues):
    try:
        return yes_no(cells.get(name), default=True)
    except ValueError:
        message = _("giá trị '%(value)s' không hợp lệ (dùng có/không, yes/no, true/false hoặc 1/0; để trống là có)")
        issues.append(SheetIssue(message % {"value": text(cells.get(name))}, SHEET, number, name))
        return None


# --- Writing -----------------------------------------------------------------------------------------------------


def _yes_no(flag):
    return "có" if flag else "không"


def _style(sheet):
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _add_guide(workbook):
    guide = workbook.create_sheet("huong_dan")
    guide.append([_("Cột"), _("Ý nghĩa")])
    guide.append(["code", _("Mã đơn vị (duy nhất); nhập lại cùng mã sẽ cập nhật đơn vị đó")])
    guide.append(["name", _("Tên đơn vị")])
    guide.append(["block", _("Mã khối, ví dụ SO, HUYEN, XA")])
    guide.append(["group", _("Nhóm xếp hạng trong khối (để trống nếu cả khối xếp hạng chung)")])
    guide.append(["ranked", _("Có xếp hạng không: có/không (yes/no, 1/0); để trống là có")])
    guide.append(["active", _("Đang hoạt động: có/không; không bắt buộc, để trống là có")])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 12, 80
