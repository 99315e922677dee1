"""Reading a sheet of a workbook as a table: headers in row 1 (any case, any order), blank rows skipped, and every
problem reported with its sheet, row and column so an officer can fix the file in one pass."""
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

YES = {"yes", "có", "co", "true", "1", "x"}
NO = {"no", "không", "khong", "false", "0"}


@dataclass(frozen=True)
class SheetIssue:
    message: str
    sheet: str | None = None  # None: the issue is about the whole file
    row: int | None = None
    column: str | None = None

    def __str__(self):
        if self.sheet is None:
            return self.message
        where = [_("Sheet %(sheet)s") % {"sheet": self.sheet}]
        if self.row:
            where.append(_("dòng %(row)d") % {"row": self.row})
        if self.column:
            where.append(_("cột %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}"


class WorkbookError(Exception):
    """Raised by services when a workbook's rows fail validation; nothing has been saved."""

    def __init__(self, issues):
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = list(issues)


def open_workbook(file):
    """`file` is a path or a binary file object. Returns (workbook, issues)."""
    try:
        return load_workbook(file, read_only=True, data_only=True), []
    except (OSError, BadZipFile, InvalidFileException, KeyError, ValueError):
        return None, [SheetIssue(_("Không đọc được tệp: cần một tệp Excel .xlsx."))]


def read_table(workbook, sheet_name, *, columns, required):
    """Returns ([(row_number, {column: value})], issues) for the named sheet."""
    sheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == sheet_name), None)
    if sheet is None:
        message = _("Không có sheet '%(sheet)s' (các sheet trong tệp: %(names)s).")
        return [], [SheetIssue(message % {"sheet": sheet_name, "names": ", ".join(workbook.sheetnames)})]
    lines = sheet.iter_rows(values_only=True)
    positions, issues = _read_header(sheet_name, next(lines, ()), columns, required)
    if issues:
        return [], issues
    rows = [(number, cells) for number, cells in _cells(lines, positions) if any(text(v) for v in cells.values())]
    if not rows:
        issues.append(SheetIssue(_("không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)"), sheet_name))
    return rows, issues


def _read_header(sheet_name, header, columns, required):
    positions, issues = {}, []
    for index, value in enumerate(header):
        name = text(value).lower()
        if name in positions:
            issues.append(SheetIssue(_("cột này xuất hiện hai lần"), sheet_name, 1, name))
        elif name in columns:
            positions[name] = index
    expected = ", ".join(required)
    for name in required:
        if name not in positions:
            message = _("thiếu cột này (dòng tiêu đề cần có: %(expected)s)") % {"expected": expected}
            issues.append(SheetIssue(message, sheet_name, 1, name))
    return positions, issues


def _cells(lines, positions):
    for number, values in enumerate(lines, start=2):
        yield number, {name: values[i] if i < len(values) else None for name, i in positions.items()}


def text(value):
    """A cell as clean text: NFC (Vietnamese typed on some keyboards arrives decomposed), single spaces, and
    whole numbers without Excel's ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def decimal(value):
    """A number cell as Decimal; floats go through their shortest repr so 0.1 stays 0.1. Raises ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    try:
        number = Decimal(text(value).replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return number


def yes_no(value, *, default=None):
    """True/False from yes/no, có/không, true/false, 1/0; `default` for a blank cell. Raises ValueError."""
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word == "" and default is not None:
        return default
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(value)
