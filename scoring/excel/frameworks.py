"""The framework workbook: sheets `framework` (key, value), `criteria` and `grades`, read into a FrameworkSpec and
written back in the same shape, so an export imports unchanged. Tree rules live in framework_spec."""
import unicodedata
from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from ..framework_spec import (
    CRITERIA, FRAMEWORK, GRADES, METHODS, CriterionSpec, FrameworkSpec, GradeSpec, ImportIssue, merge_issues,
    validate_framework,
)
from .sheets import SheetIssue, decimal, open_workbook, read_table, text, yes_no

INSTRUCTIONS = "huong_dan"
HEADER_KEYS = ("code", "name", "year", "block", "version", "precision", "bonus_cap", "penalty_cap", "clamp_total")
CRITERIA_COLUMNS = ("code", "title", "max_points", "method", "rule", "evidence_required", "appraiser", "guidance")
CRITERIA_REQUIRED = ("code", "title", "max_points", "method")
GRADE_COLUMNS = ("code", "label", "min_index", "min_area_index", "min_survey_index", "max_penalty")
GRADE_REQUIRED = ("code", "label", "min_index")
WIDTHS = {FRAMEWORK: (16, 60, 70), CRITERIA: (10, 70, 11, 12, 45, 18, 12, 70), GRADES: (10, 20, 11, 16, 17, 13)}
SHEETS = ((FRAMEWORK, ("key", "value"), ("key", "value")), (CRITERIA, CRITERIA_COLUMNS, CRITERIA_REQUIRED),
          (GRADES, GRADE_COLUMNS, GRADE_REQUIRED))
VALIDATED_ROWS = 1000  # rows of the criteria and grades sheets that carry drop-down lists
CORRUPT = "Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị hỏng."


class _Cells:
    """One row's cells, converted one by one; a cell that can't be read is reported and becomes None."""

    def __init__(self, sheet, row, cells, issues):
        self.sheet, self.row, self.cells, self.issues = sheet, row, cells, issues

    def text(self, column):
        return text(self.cells.get(column))

    def paragraph(self, column):
        # Guidance keeps its line breaks; text() would fold them into spaces.
        value = self.cells.get(column)
        lines = unicodedata.normalize("NFC", str(value if value is not None else "")).splitlines()
        return "\n".join(" ".join(line.split()) for line in lines).strip()

    def decimal(self, column):
        if self.text(column) == "":
            return None
        return self._convert(column, decimal, _("«%(value)s» không phải là số"))

    def integer(self, column, default=None):
        if self.text(column) == "":
            return default
        number = self._convert(column, decimal, _("«%(value)s» không phải là số nguyên"))
        if number is not None and number % 1 == 0:
            return int(number)
        self._report(column, _("«%(value)s» không phải là số nguyên"))
        return None

    def flag(self, column, default):
        message = _("«%(value)s» không hợp lệ; ghi yes hoặc no (có/không, true/false, 1/0)")
        flag = self._convert(column, lambda value: yes_no(value, default=default), message)
        return default if flag is None else flag

    def _convert(self, column, convert, message):
        try:
            return convert(self.cells.get(column))
        except ValueError:
            self._report(column, message)
            return None

    def _report(self, column, message):
        value = self.text(column)
        self.issues.append(ImportIssue(self.sheet, self.row, column, message % {"value": value}))


# --- Reading -----------------------------------------------------------------------------------------------------


def check_workbook(file) -> str | None:
    """Why `file` is not a readable .xlsx, or None. Used by the upload form before anything is staged."""
    workbook, issues = _open(file)
    if workbook is not None:
        workbook.close()
    return str(issues[0]) if issues else None


def read_framework_workbook(file) -> tuple[FrameworkSpec | None, list[ImportIssue]]:
    """The framework in `file` (a path or binary file) and every problem found; None when a sheet or a required
    column is missing. Tree rules are checked too; only what needs the database (blocks) is left to the caller."""
    workbook, issues = _open(file)
    if workbook is None:
        return None, issues
    try:
        spec, issues = _read(workbook)
    except Exception:  # noqa: BLE001 - read-only sheets parse lazily: a corrupt part only fails here
        return None, [ImportIssue("", None, None, _(CORRUPT))]
    finally:
        workbook.close()
    return spec, merge_issues(issues, validate_framework(spec)) if spec else issues


def _open(file):
    try:
        workbook, issues = open_workbook(file)
    except Exception:  # noqa: BLE001 - whatever a damaged upload makes openpyxl raise, the user gets a message
        workbook, issues = None, [SheetIssue("")]
    return workbook, [ImportIssue("", None, None, _(CORRUPT))] if issues else []


def _read(workbook):
    issues, tables = [], {}
    for sheet, columns, required in SHEETS:
        rows, sheet_issues = read_table(workbook, sheet, columns=columns, required=required)
        issues += [_import_issue(issue) for issue in sheet_issues]
        tables[sheet] = rows
    # A missing sheet or header leaves nothing to build a spec from; an empty sheet still does.
    names = {worksheet.title.strip().lower() for worksheet in workbook.worksheets}
    structural = any(sheet not in names for sheet in tables) or any(issue.row == 1 for issue in issues)
    return (None if structural else _spec(tables, issues)), issues


def _import_issue(issue: SheetIssue) -> ImportIssue:
    return ImportIssue(issue.sheet or "", issue.row, issue.column, issue.message)


def _spec(tables, issues) -> FrameworkSpec:
    header, rows = _header(tables[FRAMEWORK], issues)
    criteria = tuple(_criterion(_Cells(CRITERIA, row, cells, issues)) for row, cells in tables[CRITERIA])
    grades = tuple(_grade(_Cells(GRADES, row, cells, issues)) for row, cells in tables[GRADES])
    return FrameworkSpec(**header, criteria=criteria, grades=grades, rows=rows)


def _header(table, issues) -> tuple[dict, dict]:
    rows, values = {}, {}
    for row, cells in table:
        key = text(cells["key"]).lower()
        if key not in HEADER_KEYS:
            message = _("Khóa «%(key)s» không được hỗ trợ; dùng: %(keys)s")
            issues.append(ImportIssue(FRAMEWORK, row, "key", message % {"key": key, "keys": ", ".join(HEADER_KEYS)}))
        elif key in rows:
            message = _("Khóa «%(key)s» bị lặp (đã có ở dòng %(row)d)") % {"key": key, "row": rows[key]}
            issues.append(ImportIssue(FRAMEWORK, row, "key", message))
        else:
            rows[key] = row
            values[key] = _Cells(FRAMEWORK, row, {"value": cells["value"]}, issues)
    return _header_values(values), rows


def _header_values(cells: dict[str, _Cells]) -> dict:
    def get(key, read, *args):
        return read(cells[key], *args) if key in cells else (args[-1] if args else None)

    return {
        **{key: get(key, lambda c: c.text("value")) or "" for key in ("code", "name", "block", "version")},
        "year": get("year", lambda c: c.integer("value")),
        "precision": get("precision", lambda c, default: c.integer("value", default), 2),
        "bonus_cap": get("bonus_cap", lambda c: c.decimal("value")),
        "penalty_cap": get("penalty_cap", lambda c: c.decimal("value")),
        "clamp_total": get("clamp_total", lambda c, default: c.flag("value", default), True),
    }


def _criterion(cells: _Cells) -> CriterionSpec:
    return CriterionSpec(
        code=cells.text("code"), title=cells.paragraph("title"), max_points=cells.decimal("max_points"),
        method=cells.text("method").lower(), rule=cells.text("rule"),
        evidence_required=cells.flag("evidence_required", False), appraiser=cells.text("appraiser"),
        guidance=cells.paragraph("guidance"), row=cells.row,
    )


def _grade(cells: _Cells) -> GradeSpec:
    return GradeSpec(
        code=cells.text("code"), label=cells.text("label"), min_index=cells.decimal("min_index"),
        min_area_index=cells.decimal("min_area_index"), min_survey_index=cells.decimal("min_survey_index"),
        max_penalty=cells.decimal("max_penalty"), row=cells.row,
    )
