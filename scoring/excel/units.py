"""The `units` sheet: read it into UnitRow values, and write units back in the same shape (a round trip).

Row 1 holds the headers (any case, any order; unknown columns are ignored); blank rows are skipped. Every problem
is reported with its row and column so an officer can fix the file in one pass."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..models import Block, Unit
from ..services.units import BLOCKS_SHEET, SHEET, BlockRow, UnitRow
from .cells import workbook_bytes
from .sheets import SheetIssue, open_workbook, read_table, text, yes_no

COLUMNS = ("code", "name", "block", "group", "ranked", "active", "successor", "predecessors")
REQUIRED = ("code", "name", "block", "group", "ranked")
BLOCK_COLUMNS = ("code", "name", "position")
TEXT_MAX = {name: Unit._meta.get_field(name).max_length for name in ("code", "name", "group")}
WIDTHS = {"A": 14, "B": 44, "C": 10, "D": 20, "E": 10, "F": 10, "G": 16, "H": 16}
BLOCK_NAME_MAX = Block._meta.get_field("name").max_length
BLOCK_CODE_MAX = Block._meta.get_field("code").max_length


def read_units_workbook(file) -> tuple[list[UnitRow], list[SheetIssue]]:
    """`file` is a path or a binary file object. Returns the rows that parsed and the issues found."""
    rows, _blocks, issues = read_units_file(file)
    return rows, issues


def read_units_file(file) -> tuple[list[UnitRow], list[BlockRow], list[SheetIssue]]:
    """The units and the optional `blocks` sheet (code, name, position) of a units workbook, with every issue."""
    workbook, issues = open_workbook(file)
    if workbook is None:
        return [], [], issues
    try:
        table, issues = read_table(workbook, SHEET, columns=COLUMNS, required=REQUIRED)
        block_table, block_issues = _block_table(workbook)
    finally:
        workbook.close()
    rows, blocks = [], []
    for number, cells in table:
        row, row_issues = _read_row(number, cells)
        issues += row_issues
        rows += [row] if row else []
    for number, cells in block_table:
        block = _read_block(number, cells, block_issues)
        blocks += [block] if block else []
    return rows, blocks, issues + block_issues


def write_units_workbook(units) -> bytes:
    """The units (with their block, successors and the blocks sheet) as an .xlsx that read_units_file accepts
    unchanged."""
    units = list(units)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for unit in units:
        successors = ", ".join(_successor_codes(unit))
        sheet.append([unit.code, unit.name, unit.block.code, unit.group, _yes_no(unit.ranked), _yes_no(unit.active),
                      successors, None])
    _style(sheet)
    blocks = workbook.create_sheet(BLOCKS_SHEET)
    blocks.append(BLOCK_COLUMNS)
    by_code = {unit.block.code: unit.block for unit in units}
    for block in sorted(by_code.values(), key=lambda block: (block.position, block.code)):
        blocks.append([block.code, block.name, block.position])
    _add_guide(workbook)
    return workbook_bytes(workbook)


def _successor_codes(unit):
    # An unsaved unit (the demo's sample file) has no links yet: it carries the codes it will be linked to.
    if unit.pk is None:
        return sorted(getattr(unit, "successor_codes", ()))
    return sorted(successor.code for successor in unit.successors.all())


def _block_table(workbook):
    if not any(ws.title.strip().lower() == BLOCKS_SHEET for ws in workbook.worksheets):
        return [], []
    table, issues = read_table(workbook, BLOCKS_SHEET, columns=BLOCK_COLUMNS, required=("code",))
    # An empty blocks sheet says nothing: the units' block codes still create their blocks.
    return table, [issue for issue in issues if issue.row is not None or issue.column is not None]


def _read_block(number, cells, issues):
    code, name = text(cells.get("code")), text(cells.get("name"))
    before = len(issues)
    if not code:
        issues.append(SheetIssue(_("ô này không được để trống"), BLOCKS_SHEET, number, "code"))
    for column, value, limit in (("code", code, BLOCK_CODE_MAX), ("name", name, BLOCK_NAME_MAX)):
        if len(value) > limit:
            message = _("dài %(length)d ký tự, tối đa %(limit)d") % {"length": len(value), "limit": limit}
            issues.append(SheetIssue(message, BLOCKS_SHEET, number, column))
    position = text(cells.get("position"))
    if position and not (position.isdigit() and int(position) <= 32767):
        message = _("thứ tự '%(value)s' phải là số nguyên không âm") % {"value": position}
        issues.append(SheetIssue(message, BLOCKS_SHEET, number, "position"))
    if len(issues) > before:
        return None
    return BlockRow(code=code, name=name, position=int(position) if position else None, row=number)


# --- Reading -----------------------------------------------------------------------------------------------------


def _read_row(number, cells):
    issues = []
    values = {name: _required_text(number, cells, name, issues) for name in ("code", "name", "block")}
    values["group"] = _limited_text(number, cells, "group", issues)
    values["ranked"] = _read_flag(number, cells, "ranked", issues)
    values["active"] = _read_flag(number, cells, "active", issues) if "active" in cells else None
    values["successors"] = _codes(cells, "successor")
    values["predecessors"] = _codes(cells, "predecessors")
    if len(values["block"]) > BLOCK_CODE_MAX:
        message = _("dài %(length)d ký tự, tối đa %(limit)d") % {"length": len(values["block"]),
                                                                 "limit": BLOCK_CODE_MAX}
        issues.append(SheetIssue(message, SHEET, number, "block"))
    if issues:
        return None, issues
    return UnitRow(row=number, **values), []


def _codes(cells, name):
    """Unit codes separated by commas or semicolons; None when the sheet has no such column."""
    if name not in cells:
        return None
    return tuple(dict.fromkeys(code for code in (text(part) for part in text(cells[name]).replace(";", ",").split(","))
                               if code))


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
    guide.append(["block", _("Mã khối, ví dụ SO, HUYEN, XA; mã khối chưa có sẽ được tạo (tên và thứ tự lấy từ sheet "
                             "blocks nếu có, nếu không đặt theo mã)")])
    guide.append(["group", _("Nhóm xếp hạng trong khối (để trống nếu cả khối xếp hạng chung)")])
    guide.append(["ranked", _("Có xếp hạng không: có/không (yes/no, 1/0); để trống là có")])
    guide.append(["active", _("Đang hoạt động: có/không; không bắt buộc, để trống là có")])
    guide.append(["successor", _("Không bắt buộc: mã đơn vị mà đơn vị này đã sáp nhập vào (nhiều mã cách nhau bởi "
                                 "dấu phẩy). Các năm trước không thay đổi.")])
    guide.append(["predecessors", _("Không bắt buộc: mã các đơn vị đã tách hoặc hợp nhất thành đơn vị này")])
    guide.append(["blocks", _("Sheet blocks (không bắt buộc): code, name, position — tên và thứ tự các khối")])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 12, 80
