"""The `units` sheet: read it into UnitRow values, and write units back in the same shape (a round trip).

Row 1 holds the headers (any case, any order; unknown columns are ignored); blank rows are skipped. Every problem
is reported with its row and column so an officer can fix the file in one pass."""
import unicodedata
from io import BytesIO
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from ..models import Unit
from ..services.units import SHEET, RowIssue, UnitRow

COLUMNS = ("code", "name", "block", "group", "ranked", "active")
REQUIRED = ("code", "name", "block", "group", "ranked")
TEXT_MAX = {name: Unit._meta.get_field(name).max_length for name in ("code", "name", "group")}
YES = {"yes", "có", "true", "1"}
NO = {"no", "không", "false", "0"}
WIDTHS = {"A": 14, "B": 44, "C": 10, "D": 20, "E": 10, "F": 10}


def read_units_workbook(file) -> tuple[list[UnitRow], list[RowIssue]]:
    """`file` is a path or a binary file object. Returns the rows that parsed and the issues found."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (OSError, BadZipFile, InvalidFileException, KeyError, ValueError):
        return [], [RowIssue(_("Không đọc được tệp: cần một tệp Excel .xlsx."), sheet=None)]
    try:
        return _read_workbook(workbook)
    finally:
        workbook.close()


def write_units_workbook(units) -> bytes:
    """The units (with their block) as an .xlsx that read_units_workbook accepts unchanged."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for unit in units:
        sheet.append([unit.code, unit.name, unit.block.code, unit.group, _yes_no(unit.ranked), _yes_no(unit.active)])
    _keep_text_as_text(sheet)
    _style(sheet)
    _add_guide(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading -----------------------------------------------------------------------------------------------------


def _read_workbook(workbook):
    sheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == SHEET), None)
    if sheet is None:
        names = ", ".join(workbook.sheetnames)
        return [], [RowIssue(_("Không có sheet '%(sheet)s' (các sheet trong tệp: %(names)s).")
                             % {"sheet": SHEET, "names": names}, sheet=None)]
    lines = sheet.iter_rows(values_only=True)
    columns, issues = _read_header(next(lines, ()))
    if issues:
        return [], issues
    return _read_lines(lines, columns)


def _read_header(header):
    columns, issues = {}, []
    for index, value in enumerate(header):
        name = _text(value).lower()
        if name in columns:
            issues.append(RowIssue(_("cột này xuất hiện hai lần"), 1, name))
        elif name in COLUMNS:
            columns[name] = index
    expected = ", ".join(REQUIRED)
    for name in REQUIRED:
        if name not in columns:
            issues.append(RowIssue(_("thiếu cột này (dòng tiêu đề cần có: %(expected)s)") % {"expected": expected},
                                   1, name))
    return columns, issues


def _read_lines(lines, columns):
    rows, issues = [], []
    for number, values in enumerate(lines, start=2):
        cells = {name: values[index] if index < len(values) else None for name, index in columns.items()}
        if all(_text(value) == "" for value in cells.values()):
            continue
        row, row_issues = _read_row(number, cells)
        issues += row_issues
        if row is not None:
            rows.append(row)
    if not rows and not issues:
        issues.append(RowIssue(_("không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)")))
    return rows, issues


def _read_row(number, cells):
    issues = []
    text = {name: _required_text(number, cells, name, issues) for name in ("code", "name", "block")}
    text["group"] = _limited_text(number, cells, "group", issues)
    ranked = _read_flag(number, cells, "ranked", issues)
    active = _read_flag(number, cells, "active", issues) if "active" in cells else None
    if issues:
        return None, issues
    return UnitRow(row=number, ranked=ranked, active=active, **text), []


def _required_text(number, cells, name, issues):
    value = _limited_text(number, cells, name, issues)
    if not value:
        issues.append(RowIssue(_("ô này không được để trống"), number, name))
    return value


def _limited_text(number, cells, name, issues):
    value = _text(cells.get(name))
    limit = TEXT_MAX.get(name)
    if limit and len(value) > limit:
        issues.append(RowIssue(_("dài %(length)d ký tự, tối đa %(limit)d") % {"length": len(value), "limit": limit},
                               number, name))
    return value


def _read_flag(number, cells, name, issues):
    value = cells.get(name)
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text == "" or text in YES:
        return True
    if text in NO:
        return False
    message = _("giá trị '%(value)s' không hợp lệ (dùng yes/no, có/không, true/false hoặc 1/0; để trống là yes)")
    issues.append(RowIssue(message % {"value": _text(value)}, number, name))
    return None


def _text(value):
    """A cell as clean text: NFC (Vietnamese typed on some keyboards arrives decomposed), single spaces, and
    whole numbers without Excel's ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


# --- Writing -----------------------------------------------------------------------------------------------------


def _yes_no(flag):
    return "có" if flag else "không"


def _keep_text_as_text(sheet):
    # A name starting with "=" must stay text: openpyxl would otherwise store it as a formula.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"


def _style(sheet):
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"


def _add_guide(workbook):
    guide = workbook.create_sheet("huong-dan")
    guide.append([_("Cột"), _("Ý nghĩa")])
    guide.append(["code", _("Mã đơn vị (duy nhất); nhập lại cùng mã sẽ cập nhật đơn vị đó")])
    guide.append(["name", _("Tên đơn vị")])
    guide.append(["block", _("Mã khối, ví dụ SO, HUYEN, XA")])
    guide.append(["group", _("Nhóm xếp hạng trong khối (để trống nếu cả khối xếp hạng chung)")])
    guide.append(["ranked", _("Có xếp hạng không: có/không (yes/no, 1/0); để trống là có")])
    guide.append(["active", _("Đang hoạt động: có/không; không bắt buộc, để trống là có")])
    guide["A1"].font = guide["B1"].font = Font(bold=True)
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 12, 80
