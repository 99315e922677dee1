"""Reading a sheet of a workbook as a table: headers in row 1 (any case, any order), blank rows skipped, and every
problem reported with its sheet, row and column so an officer can fix the file in one pass."""
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .limits import WorkbookTooLarge, measure_workbook

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


class LimitIssue(SheetIssue):
    """The workbook passes a size limit (scoring/excel/limits.py): reported as is, never as a damaged file."""


def open_workbook(file, limits=None):
    """`file` is a path, a binary file object or WorkbookValues already read. Returns (workbook, issues). The
    archive is measured against `limits` (the command-line importers' by default) before openpyxl sees it."""
    if isinstance(file, WorkbookValues):
        return file, []
    try:
        measure_workbook(file, limits)
    except WorkbookTooLarge as error:
        return None, [LimitIssue(str(error))]
    try:
        return load_workbook(file, read_only=True, data_only=True), []
    except (OSError, BadZipFile, InvalidFileException, KeyError, ValueError):
        return None, [SheetIssue(_("Không đọc được tệp: cần một tệp Excel .xlsx."))]


def limit_issues(issues):
    return [issue for issue in issues if isinstance(issue, LimitIssue)]


class SheetValues:
    """One sheet's cell values, as openpyxl's read-only sheet yields them (iter_rows(values_only=True))."""

    def __init__(self, title, rows):
        self.title, self.rows = title, rows

    def iter_rows(self, values_only=True):
        return iter(self.rows)


class WorkbookValues:
    """A workbook's values, parsed once (read_workbook_values): an upload's preview reads this, never the file
    again. Offers what the readers use of openpyxl's read-only workbook."""

    def __init__(self, sheets):
        self.worksheets = [SheetValues(title, rows) for title, rows in sheets]

    @property
    def sheetnames(self):
        return [sheet.title for sheet in self.worksheets]

    def __getitem__(self, name):
        return next(sheet for sheet in self.worksheets if sheet.title == name)

    def close(self):
        pass


def read_workbook_values(file, limits=None, progress=None):
    """(WorkbookValues, []) of `file` measured against `limits`, or (None, issues): a limit passed, or a file
    that is not a readable .xlsx (a damaged sheet included: read-only sheets parse lazily, so all are read here).
    `progress`, if given, is called with the number of cells read so far every PROGRESS_ROWS rows."""
    if isinstance(file, WorkbookValues):
        return file, []
    workbook, issues = open_workbook(file, limits)
    if workbook is None:
        return None, issues
    try:
        read = [0]  # cells read so far, across the sheets
        return WorkbookValues([(sheet.title, _sheet_rows(sheet, progress, read))
                               for sheet in workbook.worksheets]), []
    except MemoryError:  # a memory limit (scoring/excel/bounded.py) is not a damaged file
        raise
    except Exception:  # whatever a damaged part makes openpyxl raise, the user gets a message
        return None, [SheetIssue(_("Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị "
                                   "hỏng."))]
    finally:
        workbook.close()


PROGRESS_ROWS = 1000


def _sheet_rows(sheet, progress, read):
    if progress is None:
        return list(sheet.iter_rows(values_only=True))
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(row)
        read[0] += len(row)
        if len(rows) % PROGRESS_ROWS == 0:
            progress(read[0])
    progress(read[0])
    return rows


def read_table(workbook, sheet_name, *, columns, required):
    """Returns ([(row_number, {column: value})], issues) for the named sheet."""
    sheet = next((ws for ws in workbook.worksheets if ws.title.strip().lower() == sheet_name), None)
    if sheet is None:
        message = _("Không có sheet '%(sheet)s' (các sheet trong tệp: %(names)s).")
        return [], [SheetIssue(message % {"sheet": sheet_name, "names": ", ".join(workbook.sheetnames)})]
    try:
        lines = sheet.iter_rows(values_only=True)
        positions, issues = _read_header(sheet_name, next(lines, ()), columns, required)
        if issues:
            return [], issues
        rows = [(number, cells) for number, cells in _cells(lines, positions) if any(text(v) for v in cells.values())]
    except Exception:  # read-only sheets parse lazily: damaged XML (ParseError and the like) fails only here
        return [], [SheetIssue(_("Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị "
                                 "hỏng."))]
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
