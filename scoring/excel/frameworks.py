"""The framework workbook: sheets `framework` (key, value), `criteria` and `grades`, read into a FrameworkSpec and
written back in the same shape, so an export imports unchanged. Tree rules live in framework_spec."""
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..framework_spec import (
    CRITERIA, FRAMEWORK, GRADES, MAX_EVIDENCE_MONTHS, METHODS, PILLARS, CriterionSpec, FrameworkSpec, GradeSpec,
    ImportIssue, PillarSpec, merge_issues, validate_framework,
)
from .cells import workbook_bytes
from .sheets import SheetIssue, decimal, limit_issues, open_workbook, read_table, text, yes_no

INSTRUCTIONS = "huong_dan"
# "index" last: a workbook written before indices became data reads the same rows (blank or missing: PAR).
HEADER_KEYS = ("code", "name", "year", "block", "version", "precision", "bonus_cap", "penalty_cap", "clamp_total",
               "index")
CRITERIA_COLUMNS = ("code", "title", "max_points", "method", "rule", "evidence_required", "appraiser", "guidance",
                    "evidence_from_months_before", "pillar")
CRITERIA_REQUIRED = ("code", "title", "max_points", "method")
GRADE_COLUMNS = ("code", "label", "min_index", "min_area_index", "min_survey_index", "max_penalty")
GRADE_REQUIRED = ("code", "label", "min_index")
PILLAR_COLUMNS = ("code", "name")
WIDTHS = {FRAMEWORK: (16, 60, 70), CRITERIA: (10, 70, 11, 12, 45, 18, 12, 70, 28, 12),
          GRADES: (10, 20, 11, 16, 17, 13), PILLARS: (12, 60)}
SHEETS = ((FRAMEWORK, ("key", "value"), ("key", "value")), (CRITERIA, CRITERIA_COLUMNS, CRITERIA_REQUIRED),
          (GRADES, GRADE_COLUMNS, GRADE_REQUIRED))
# An optional sheet: a framework without pillars (PAR) has none.
OPTIONAL_SHEETS = ((PILLARS, PILLAR_COLUMNS, PILLAR_COLUMNS),)
VALIDATED_ROWS = 1000  # rows of the criteria and grades sheets that carry drop-down lists


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
        message = _("«%(value)s» không phải là số nguyên")
        number = self._convert(column, decimal, message)
        if number is not None and number % 1:
            self._report(column, message)
            return None
        return None if number is None else int(number)

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
    except Exception:  # read-only sheets parse lazily: a corrupt part only fails here
        return None, [_corrupt()]
    finally:
        workbook.close()
    return spec, merge_issues(issues, validate_framework(spec)) if spec else issues


def _open(file):
    try:
        workbook, issues = open_workbook(file)
    except Exception:  # whatever a damaged upload makes openpyxl raise, the user gets a message
        workbook, issues = None, []
    if workbook is None:
        return None, [ImportIssue("", None, None, issue.message) for issue in limit_issues(issues)] or [_corrupt()]
    return workbook, []


def _corrupt():
    return ImportIssue("", None, None, _("Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ "
                                         "hoặc đã bị hỏng."))


def _read(workbook):
    issues, tables = [], {PILLARS: []}
    names = {worksheet.title.strip().lower() for worksheet in workbook.worksheets}
    optional = tuple(sheet for sheet in OPTIONAL_SHEETS if sheet[0] in names)
    for sheet, columns, required in (*SHEETS, *optional):
        rows, sheet_issues = read_table(workbook, sheet, columns=columns, required=required)
        # An empty pillars sheet means a framework without pillars, not a mistake.
        issues += [_import_issue(issue) for issue in sheet_issues if issue.row or sheet != PILLARS]
        tables[sheet] = rows
    # A missing sheet or header leaves nothing to build a spec from; an empty sheet still does.
    structural = any(sheet not in names for sheet, *_rest in SHEETS) or any(issue.row == 1 for issue in issues)
    return (None if structural else _spec(tables, issues)), issues


def _import_issue(issue: SheetIssue) -> ImportIssue:
    return ImportIssue(issue.sheet or "", issue.row, issue.column, issue.message)


def _spec(tables, issues) -> FrameworkSpec:
    header, rows = _header(tables[FRAMEWORK], issues)
    criteria = tuple(_criterion(_Cells(CRITERIA, row, cells, issues)) for row, cells in tables[CRITERIA])
    grades = tuple(_grade(_Cells(GRADES, row, cells, issues)) for row, cells in tables[GRADES])
    pillars = tuple(PillarSpec(code=text(cells["code"]), name=text(cells["name"]), row=row)
                    for row, cells in tables[PILLARS])
    return FrameworkSpec(**header, criteria=criteria, grades=grades, pillars=pillars, rows=rows)


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
    blank = _Cells(FRAMEWORK, None, {}, [])

    def value(key):
        return cells.get(key, blank)

    return {
        "code": value("code").text("value"), "name": value("name").text("value"),
        "block": value("block").text("value"), "version": value("version").text("value"),
        "year": value("year").integer("value"), "precision": value("precision").integer("value", 2),
        "bonus_cap": value("bonus_cap").decimal("value"), "penalty_cap": value("penalty_cap").decimal("value"),
        "clamp_total": value("clamp_total").flag("value", True), "index": value("index").text("value").upper(),
    }


def _criterion(cells: _Cells) -> CriterionSpec:
    return CriterionSpec(
        code=cells.text("code"), title=cells.paragraph("title"), max_points=cells.decimal("max_points"),
        method=cells.text("method").lower(), rule=cells.text("rule"),
        evidence_required=cells.flag("evidence_required", False), appraiser=cells.text("appraiser"),
        guidance=cells.paragraph("guidance"), row=cells.row,
        evidence_months_before=cells.integer("evidence_from_months_before", 0), pillar=cells.text("pillar"),
    )


def _grade(cells: _Cells) -> GradeSpec:
    return GradeSpec(
        code=cells.text("code"), label=cells.text("label"), min_index=cells.decimal("min_index"),
        min_area_index=cells.decimal("min_area_index"), min_survey_index=cells.decimal("min_survey_index"),
        max_penalty=cells.decimal("max_penalty"), row=cells.row,
    )


# --- Writing -----------------------------------------------------------------------------------------------------


def write_framework_workbook(spec: FrameworkSpec) -> bytes:
    """`spec` as an .xlsx that read_framework_workbook reads back to an equal spec."""
    workbook = Workbook()
    _write_sheet(workbook.active, FRAMEWORK, ("key", "value", _("mô tả")), _header_rows(spec))
    # The pillar column only where there are pillars: a PAR workbook keeps its familiar columns.
    columns = CRITERIA_COLUMNS if spec.pillars else CRITERIA_COLUMNS[:-1]
    _write_sheet(workbook.create_sheet(CRITERIA), CRITERIA, columns,
                 [_criterion_row(node)[:len(columns)] for node in spec.criteria])
    _write_sheet(workbook.create_sheet(GRADES), GRADES, GRADE_COLUMNS, [_grade_row(grade) for grade in spec.grades])
    if spec.pillars:
        _write_sheet(workbook.create_sheet(PILLARS), PILLARS, PILLAR_COLUMNS,
                     [[pillar.code, pillar.name] for pillar in spec.pillars])
    _add_validations(workbook, len(spec.criteria), len(spec.grades))
    _write_instructions(workbook.create_sheet(INSTRUCTIONS))
    return workbook_bytes(workbook)


def write_framework_template() -> bytes:
    """A blank framework workbook: the keys, the headers, drop-down lists and the instructions."""
    return write_framework_workbook(FrameworkSpec(code="", name="", year=None, block="", version=""))


def _write_sheet(sheet, title, columns, rows):
    sheet.title = title
    sheet.append(list(columns))
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(WIDTHS[title]):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.column_dimensions["A"].number_format = "@"  # codes typed later stay text: 1.10 must not become 1.1
    sheet.freeze_panes = "A2"


def _header_rows(spec):
    descriptions = _header_descriptions()
    values = {"code": spec.code, "name": spec.name, "year": spec.year, "block": spec.block, "version": spec.version,
              "precision": spec.precision, "bonus_cap": _number(spec.bonus_cap),
              "penalty_cap": _number(spec.penalty_cap), "clamp_total": _yes_no(spec.clamp_total),
              "index": spec.index}
    return [[key, values[key], descriptions[key]] for key in HEADER_KEYS]


def _criterion_row(node: CriterionSpec):
    evidence = _yes_no(node.evidence_required) if node.is_leaf else None
    return [node.code, node.title, _number(node.max_points), node.method or None, node.rule or None, evidence,
            node.appraiser or None, node.guidance or None, node.evidence_months_before or None, node.pillar or None]


def _grade_row(grade: GradeSpec):
    return [grade.code, grade.label, _number(grade.min_index), _number(grade.min_area_index),
            _number(grade.min_survey_index), _number(grade.max_penalty)]


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _add_validations(workbook, criteria_count, grade_count):
    last = max(VALIDATED_ROWS, criteria_count + 1, grade_count + 1)
    rows = {key: index + 2 for index, key in enumerate(HEADER_KEYS)}
    _validate(workbook[FRAMEWORK], f"B{rows['clamp_total']}", _choices("yes", "no"))
    _validate(workbook[FRAMEWORK], f"B{rows['precision']}", _range("whole", 0, 3))
    _validate(workbook[FRAMEWORK], f"B{rows['year']}", _range("whole", 2000, 2100))
    _validate(workbook[FRAMEWORK], f"B{rows['bonus_cap']}:B{rows['penalty_cap']}", _at_least(0))
    _validate(workbook[CRITERIA], f"D2:D{last}", _choices(*METHODS))
    _validate(workbook[CRITERIA], f"F2:F{last}", _choices("yes", "no"))
    _validate(workbook[CRITERIA], f"C2:C{last}", _at_least(0))
    _validate(workbook[CRITERIA], f"I2:I{last}", _range("whole", 0, MAX_EVIDENCE_MONTHS))
    _validate(workbook[GRADES], f"C2:E{last}", _range("decimal", 0, 100))
    _validate(workbook[GRADES], f"F2:F{last}", _at_least(0))


def _validate(sheet, cells, validation):
    validation.add(cells)
    sheet.add_data_validation(validation)


def _choices(*values):
    # A warning rather than a refusal: the reader also accepts có/không, true/false and 1/0.
    return DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True, showErrorMessage=True,
                          errorStyle="warning", error=_("Chọn một giá trị trong danh sách: %(values)s")
                          % {"values": ", ".join(values)})


def _range(kind, low, high):
    return DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
                          showErrorMessage=True, error=_("Nhập số từ %(low)s đến %(high)s") % {"low": low,
                                                                                            "high": high})


def _at_least(low):
    return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1=str(low), allow_blank=True,
                          showErrorMessage=True, error=_("Nhập một số không âm"))


def _header_descriptions():
    return {
        "code": _("Mã bộ chỉ số, ví dụ PAR-SO-2025"),
        "name": _("Tên bộ chỉ số"),
        "year": _("Năm đánh giá, ví dụ 2025"),
        "block": _("Mã khối đơn vị: SO, HUYEN, XA…"),
        "version": _("Phiên bản phương pháp, ví dụ 876/2022; hai năm cùng phiên bản thì so sánh được"),
        "precision": _("Số chữ số thập phân của chỉ số (0–3, thường là 2)"),
        "bonus_cap": _("Trần điểm thưởng; để trống là không giới hạn"),
        "penalty_cap": _("Trần điểm trừ; để trống là không giới hạn"),
        "clamp_total": _("Giới hạn tổng điểm trong [0, điểm tối đa]: yes/no (có/không); để trống là yes"),
        "index": _("Mã chỉ số: PAR, DTI hoặc chỉ số tỉnh đặt; để trống là PAR"),
    }


def _write_instructions(sheet):
    sheet.title = INSTRUCTIONS
    sheet.column_dimensions["A"].width = 120
    for line in _instructions():
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)


def _instructions():
    return [
        _("Hướng dẫn lập bộ chỉ số cải cách hành chính trên tệp Excel"),
        _("Tệp gồm 3 sheet: framework (thông tin chung), criteria (cây tiêu chí), grades (xếp loại). Tên cột "
          "không phân biệt hoa thường, thứ tự cột tùy ý, dòng trống được bỏ qua."),
        _("Sheet framework: cột key và value. Bắt buộc: code, name, year, block, version. Tùy chọn: precision "
          "(mặc định 2), bonus_cap, penalty_cap (để trống = không giới hạn), clamp_total (mặc định yes), index (mã "
          "chỉ số, mặc định PAR)."),
        _("Sheet criteria: mỗi dòng một lĩnh vực, tiêu chí hoặc tiêu chí thành phần. Mã dạng số phân cấp: 1 là "
          "lĩnh vực, 1.2 là tiêu chí của lĩnh vực 1, 1.2.3 là tiêu chí thành phần của 1.2. Tiêu chí cha phải đứng "
          "trước tiêu chí con."),
        _("Cột method chỉ ghi ở tiêu chí lá (không có tiêu chí con): appraised (tự chấm và thẩm định), survey "
          "(điểm từ điều tra xã hội học), bonus (điểm thưởng), penalty (điểm trừ). Tiêu chí cha để trống method."),
        _("Điểm tối đa (max_points) của tiêu chí cha phải bằng tổng điểm tối đa của các tiêu chí con, không tính "
          "điểm thưởng và điểm trừ; tiêu chí cha chỉ gồm điểm thưởng, điểm trừ không có điểm tối đa riêng: để "
          "trống, ghi 0 hoặc ghi tổng các tiêu chí con."),
        _("Cột rule (quy tắc chấm) cho tiêu chí appraised; điểm thưởng dùng manual hoặc choice, điểm trừ dùng "
          "manual, choice hoặc deduct (trừ mỗi lần, tối đa bằng điểm tối đa); tiêu chí survey để trống. Để trống "
          "nghĩa là manual."),
        _("  manual 0.25 — chấm trực tiếp từ 0 đến điểm tối đa, bước 0,25 (bỏ số bước: không giới hạn bước)."),
        _("  choice Đúng hạn=1; Chậm=0.5; Không=0 — chọn một mức, mỗi mức một số điểm."),
        _("  ratio 100=2; 90=1.5; 70=1; 0=0 — đơn vị nhập tử số và mẫu số; đạt từ ngưỡng % nào thì được điểm "
          "của ngưỡng đó."),
        _("  proportional — điểm = điểm tối đa × tử số / mẫu số."),
        _("  deduct 0.25 — bắt đầu từ điểm tối đa, trừ 0,25 cho mỗi lần vi phạm, thấp nhất là 0. Ở tiêu chí "
          "điểm trừ (penalty): trừ 0,25 điểm mỗi lần, tổng không quá điểm tối đa; đơn vị nhập số lần."),
        _("Cột evidence_required: yes nếu bắt buộc có tài liệu kiểm chứng, no nếu không. Cột appraiser: mã cơ "
          "quan thẩm định (SNV, STP, STC…); mã chưa có sẽ được tạo mới, điều phối viên đặt tên sau. Cột guidance: "
          "hướng dẫn chấm điểm, tài liệu kiểm chứng cần nộp."),
        _("Cột evidence_from_months_before (tùy chọn, chỉ ở tiêu chí lá): tài liệu kiểm chứng được tính từ bao "
          "nhiêu tháng trước ngày 01/01 của năm đánh giá, từ 0 đến 24. Ví dụ 3: tài liệu ban hành từ 01/10 năm "
          "trước đến 31/12 năm đánh giá (kế hoạch phải ban hành trước năm đánh giá). Để trống hoặc 0: chỉ năm "
          "đánh giá."),
        _("Sheet grades: code, label, min_index (chỉ số tối thiểu 0–100), tùy chọn min_area_index (mọi chỉ số "
          "lĩnh vực phải đạt), min_survey_index (chỉ số điều tra phải đạt), max_penalty (điểm trừ không quá). "
          "Xếp loại được xét từ chỉ số cao xuống thấp."),
        _("Trụ cột (tùy chọn, như bộ chỉ số DTI: Chính quyền số, Kinh tế số, Xã hội số): thêm sheet pillars với "
          "cột code, name theo thứ tự hiển thị, rồi ghi mã trụ cột ở cột pillar của từng tiêu chí lá thẩm định "
          "hoặc điều tra XHH. Mỗi trụ cột có chỉ số và thứ hạng riêng, bên cạnh các lĩnh vực."),
        _("Số thập phân viết bằng dấu chấm hoặc dấu phẩy (0.5 hoặc 0,5), tối đa 3 chữ số sau dấu thập phân."),
        _("Nhập tệp: trang Bộ chỉ số → Nhập từ Excel (xem trước, chưa lưu gì cho đến khi xác nhận), hoặc lệnh "
          "python manage.py import_framework TỆP.xlsx. Nếu bộ chỉ số cùng năm và khối đã khóa (đang dùng cho kỳ "
          "đánh giá), hệ thống tạo lần sửa đổi mới; nếu chưa khóa, nội dung được thay thế."),
    ]
