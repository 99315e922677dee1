"""The unit's self-assessment workbook (issue 3, offline round trip): one sheet of the framework tree with the
unit's input cells for each leaf's rule, written with the current values, and read back into the changes an upload
would make. The structure is locked (sheet and workbook protection, only input cells unlocked) and a very hidden
sheet names the assessment and the framework's structure (its "generation"), so a file of another unit or of an
outdated framework is refused instead of being read into the wrong leaves.

Headers are fixed Vietnamese text, not translated: they are the file format the reader keys on, and a workbook
downloaded in English must still upload in Vietnamese."""
import hashlib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from ..framework_display import describe_rule
from ..models import LeafScore, Method
from ..services.self_assessment import InputError, input_keys, leaf_rule, self_claim
from .cells import workbook_bytes
from .sheets import SheetIssue, decimal, limit_issues, open_workbook, read_table, text, yes_no

SHEET = "Tự đánh giá"
META = "meta"
CHOICES = "lua_chon"
FORMAT = "1"
# Protection keeps the structure from being changed by accident; it is not a secret (the reader checks anyway).
PROTECTION_PASSWORD = "parindex"
YES = "Có"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int


COLUMNS = (
    Column("code", "Mã", 9), Column("title", "Tiêu chí", 55), Column("max", "Điểm tối đa", 11),
    Column("rule", "Quy tắc chấm", 36), Column("method", "Phương pháp", 13), Column("guidance", "Hướng dẫn", 45),
    Column("score", "Điểm tự chấm", 12), Column("choice", "Mức đánh giá", 24), Column("numerator", "Tử số", 10),
    Column("denominator", "Mẫu số", 10), Column("occurrences", "Số lần vi phạm", 12),
    Column("na", "Không áp dụng", 12), Column("na_reason", "Lý do không áp dụng", 30),
    Column("explanation", "Giải trình", 50), Column("saved", "Điểm đã lưu", 11),
)
LETTER = {column.key: get_column_letter(index) for index, column in enumerate(COLUMNS, start=1)}
HEADER = {column.key: column.header for column in COLUMNS}
BY_HEADER = {column.header.lower(): column.key for column in COLUMNS}
# The column of each input the self-assessment service asks of a leaf (services.self_assessment.input_keys).
INPUT_COLUMN = {"value": "score", "choice": "choice", "numerator": "numerator", "denominator": "denominator",
                "occurrences": "occurrences"}
INPUT_KEY = {column: key for key, column in INPUT_COLUMN.items()}
# Where the service's complaints about a field (InputError.field, SelfAssessmentErrors) belong in the sheet.
FIELD_COLUMN = {**INPUT_COLUMN, "not_applicable": "na", "not_applicable_reason": "na_reason",
                "explanation": "explanation", "criterion_code": "code"}
NOT_APPLICABLE_COLUMNS = ("na", "na_reason")  # only appraised leaves may be claimed not applicable
HEADER_FILL = PatternFill("solid", fgColor="EEF1F5")
INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
GROUP_FILL = PatternFill("solid", fgColor="FBF3F3")


# --- The rows ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfValues:
    """What the unit has entered on one leaf (saved, or read from a file)."""

    score: Decimal | None = None
    inputs: dict = field(default_factory=dict)  # {"value"|"choice"|"numerator"|"denominator"|"occurrences": ...}
    not_applicable: bool = False
    reason: str = ""
    explanation: str = ""


@dataclass(frozen=True)
class WorkbookRow:
    """One node of the framework tree as the workbook shows it; leaves carry their rule and saved values."""

    code: str
    title: str
    depth: int
    max_points: Decimal
    method: str
    rule_text: str
    guidance: str
    rule: object = None  # the rule of a self-scored leaf; None for groups and survey leaves
    criterion: object = None
    inputs: tuple = ()  # its input columns
    saved: SelfValues = SelfValues()

    @property
    def is_leaf(self):
        return bool(self.method)

    @property
    def self_scored(self):
        return self.rule is not None

    @property
    def may_claim_not_applicable(self):
        return self.method == Method.APPRAISED

    @property
    def open_columns(self):
        """The cells the unit fills in on this row."""
        if not self.self_scored:
            return ()
        return (*self.inputs, *(NOT_APPLICABLE_COLUMNS if self.may_claim_not_applicable else ()), "explanation")


def workbook_rows(assessment) -> list[WorkbookRow]:
    """The assessment's framework tree in order, with the unit's saved values (two queries)."""
    criteria = assessment.cycle.framework.criteria.order_by("position")
    scores = {score.criterion_id: score for score in LeafScore.objects.filter(assessment=assessment)}
    return [_row(criterion, scores.get(criterion.pk)) for criterion in criteria]


def _row(criterion, score):
    self_scored = criterion.method and criterion.method != Method.SURVEY
    return WorkbookRow(
        code=criterion.code, title=criterion.title, depth=criterion.depth, max_points=criterion.max_points,
        method=criterion.method, rule_text=describe_rule(criterion), guidance=criterion.guidance,
        rule=leaf_rule(criterion) if self_scored else None, criterion=criterion,
        inputs=tuple(INPUT_COLUMN[key] for key in input_keys(criterion)) if self_scored else (),
        saved=_saved(score) if score else SelfValues())


def _saved(score):
    return SelfValues(score=score.self_score, inputs=dict(score.self_inputs or {}),
                      not_applicable=score.self_not_applicable, reason=score.self_not_applicable_reason,
                      explanation=score.explanation)


def workbook_generation(assessment, rows) -> str:
    """A fingerprint of the structure the unit fills in: a new framework revision or a changed rule or maximum
    makes an older file unreadable on purpose."""
    # The rule as stored, not as described: the description follows the reader's language.
    parts = [str(assessment.cycle.framework_id)]
    parts += [f"{row.code}|{_plain(row.max_points)}|{row.method}|{row.criterion.rule}" for row in rows]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def workbook_filename(assessment) -> str:
    return f"tu-danh-gia-{assessment.unit.code}-{assessment.cycle.year}.xlsx".lower()


# --- Writing -----------------------------------------------------------------------------------------------------


def write_assessment_workbook(assessment) -> bytes:
    rows = workbook_rows(assessment)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([column.header for column in COLUMNS])
    choices = workbook.create_sheet(CHOICES)
    validations = _Validations(sheet)
    for number, row in enumerate(rows, start=2):
        sheet.append(_values(row))
        _format_row(sheet, number, row)
        validations.add(number, row, _choice_range(choices, row))
    _style(sheet, assessment)
    _write_meta(workbook.create_sheet(META), assessment, rows)
    for hidden in (choices, workbook[META]):
        hidden.sheet_state = "veryHidden"
        _protect(hidden)
    workbook.security = WorkbookProtection(workbookPassword=PROTECTION_PASSWORD, lockStructure=True)
    return workbook_bytes(workbook)


def _values(row):
    saved, inputs = row.saved, row.saved.inputs
    values = {"code": row.code, "title": row.title, "max": row.max_points, "rule": row.rule_text,
              "method": str(Method(row.method).label) if row.method else "", "guidance": row.guidance}
    if row.self_scored:
        values.update({key: _cell_value(key, inputs.get(INPUT_KEY[key])) for key in row.inputs})
        if "score" in row.inputs and values["score"] is None:
            values["score"] = saved.score  # a score brought in by an import has no inputs
        values.update({"explanation": saved.explanation or None, "saved": saved.score})
    if row.may_claim_not_applicable:
        values.update({"na": YES if saved.not_applicable else None, "na_reason": saved.reason or None})
    return [values.get(column.key) for column in COLUMNS]


def _cell_value(column, value):
    if value is None or value == "" or column == "choice":
        return value or None
    try:
        return decimal(value)  # inputs are stored as text ("1.5"): a number cell reads and validates as one
    except ValueError:
        return value


def _format_row(sheet, number, row):
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(number, index)
        cell.alignment = Alignment(wrap_text=column.key in ("title", "rule", "guidance", "explanation",
                                                            "na_reason"), vertical="top")
        if not row.is_leaf:
            cell.font = Font(bold=True)
            cell.fill = GROUP_FILL
        elif column.key in row.open_columns:
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
    sheet.cell(number, 2).alignment = Alignment(wrap_text=True, vertical="top", indent=min(row.depth, 4))


def _choice_range(choices, row):
    """The options of a choice leaf on the hidden sheet, one row per leaf, so labels may hold commas."""
    if "choice" not in row.inputs:
        return None
    choices.append([label for label, _points in row.rule.options])
    last = get_column_letter(len(row.rule.options))
    return f"{CHOICES}!$A${choices.max_row}:${last}${choices.max_row}"


class _Validations:
    """Excel's own checks on the input cells, so most mistakes are caught while typing; the reader checks again."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.by_key = {}
        self.yes = self._make("yes", type="list", formula1=f'"{YES}"',
                              error=_("Ghi «Có» nếu đề nghị không áp dụng, hoặc để trống."))
        self.count = self._make("count", type="whole", operator="greaterThanOrEqual", formula1="0",
                                error=_("Số lần vi phạm là số nguyên không âm."))
        self.non_negative = self._make("non_negative", type="decimal", operator="greaterThanOrEqual",
                                       formula1="0", error=_("Nhập một số không âm."))

    def _make(self, key, *, error, **options):
        if key not in self.by_key:
            validation = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle=_("Giá trị không hợp lệ"),
                                        error=error, **options)
            self.sheet.add_data_validation(validation)
            self.by_key[key] = validation
        return self.by_key[key]

    def add(self, number, row, choice_range):
        if not row.self_scored:
            return
        if row.may_claim_not_applicable:
            self.yes.add(f"{LETTER['na']}{number}")
        for key in row.inputs:
            self._for(key, row, choice_range).add(f"{LETTER[key]}{number}")

    def _for(self, key, row, choice_range):
        if key == "score":
            maximum = _plain(row.max_points)
            message = _("Điểm phải nằm trong khoảng 0 đến %(max)s.") % {"max": maximum.replace(".", ",")}
            return self._make(f"score {maximum}", type="decimal", operator="between", formula1="0",
                              formula2=maximum, error=message)
        if key == "choice":
            return self._make(f"choice {choice_range}", type="list", formula1=choice_range,
                              error=_("Chọn một mức trong danh sách."))
        return self.count if key == "occurrences" else self.non_negative


def _style(sheet, assessment):
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = sheet.cell(1, index)
        header.font = Font(bold=True)
        header.fill = HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "C2"
    sheet.oddHeader.center.text = f"{assessment.unit.name} – {assessment.cycle.year}"
    _protect(sheet)


def _protect(sheet):
    sheet.protection.password = PROTECTION_PASSWORD
    sheet.protection.sheet = True
    # Officers may still resize rows and columns to read long guidance; nothing that moves cells.
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _write_meta(sheet, assessment, rows):
    sheet.append(["key", "value"])
    for key, value in _identity(assessment, rows).items():
        sheet.append([key, value])


def _identity(assessment, rows):
    return {"format": FORMAT, "assessment": str(assessment.pk), "unit": assessment.unit.code,
            "year": str(assessment.cycle.year), "generation": workbook_generation(assessment, rows)}


def _plain(value: Decimal) -> str:
    return "0" if value == 0 else format(value.normalize(), "f")


# --- Reading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeafChange:
    """What an uploaded row changes on one leaf: its saved values and the file's."""

    code: str
    title: str
    row: int
    old: SelfValues
    new: SelfValues

    @property
    def score_changed(self):
        return self.old.score != self.new.score or self.old.not_applicable != self.new.not_applicable

    @property
    def explanation_changed(self):
        return self.old.explanation != self.new.explanation

    @property
    def reason_changed(self):
        return self.old.reason != self.new.reason

    @property
    def inputs_changed(self):
        return self.old.inputs != self.new.inputs

    @property
    def changed(self):
        return self.score_changed or self.inputs_changed or self.explanation_changed or self.reason_changed

    def entry(self) -> dict:
        """The entry of self_assessment.assessment_self_save_many for this leaf (its inputs at the top level)."""
        return {"criterion_code": self.code, **self.new.inputs, "explanation": self.new.explanation,
                "not_applicable": self.new.not_applicable, "not_applicable_reason": self.new.reason}


def check_assessment_workbook(file) -> str | None:
    """Why `file` is not a readable .xlsx, or None (for the upload form, before anything is staged)."""
    workbook, issues = _open(file)
    if workbook is not None:
        workbook.close()
    return issues[0].message if issues else None


def read_assessment_workbook(file, assessment) -> tuple[list[LeafChange], list[SheetIssue]]:
    """The changes `file` makes to `assessment`'s self-assessment and every problem found, cell by cell. A file
    of another assessment or of an outdated framework structure yields one issue and no change."""
    workbook, issues = _open(file)
    if workbook is None:
        return [], issues
    try:
        rows = workbook_rows(assessment)
        issues = _identity_issues(workbook, assessment, rows)
        if issues:
            return [], issues
        return _read_rows(workbook, rows)
    except Exception:  # read-only sheets parse lazily: a corrupt part only fails here
        return [], [_corrupt()]
    finally:
        workbook.close()


def _open(file):
    try:
        workbook, issues = open_workbook(file)
    except Exception:  # whatever a damaged upload makes openpyxl raise, the user gets a message
        workbook, issues = None, []
    if workbook is None:
        return None, limit_issues(issues) or [_corrupt()]
    return workbook, []


def _corrupt():
    return SheetIssue(_("Không đọc được tệp: cần sổ tự đánh giá .xlsx tải từ hệ thống (tệp không phải bảng tính "
                        "Excel hợp lệ hoặc đã bị hỏng)."))


def _identity_issues(workbook, assessment, rows):
    meta, issues = read_table(workbook, META, columns=("key", "value"), required=("key", "value"))
    found = {text(cells["key"]): text(cells["value"]) for _number, cells in meta}
    if issues or found.get("format") != FORMAT:
        return [SheetIssue(_("Tệp này không phải sổ tự đánh giá tải từ hệ thống: hãy tải sổ của đơn vị về, điền "
                             "rồi tải lên lại."))]
    expected = _identity(assessment, rows)
    if found.get("assessment") != expected["assessment"]:
        message = _("Tệp này là sổ tự đánh giá của đơn vị %(unit)s năm %(year)s, không phải của hồ sơ %(own)s năm "
                    "%(own_year)s: không nhận.")
        return [SheetIssue(message % {"unit": found.get("unit") or "?", "year": found.get("year") or "?",
                                      "own": expected["unit"], "own_year": expected["year"]})]
    if found.get("generation") != expected["generation"]:
        return [SheetIssue(_("Bộ chỉ số đã thay đổi kể từ khi tải sổ này (tiêu chí, điểm tối đa hoặc quy tắc "
                             "chấm): hãy tải sổ mới và điền lại."))]
    return []


def _read_rows(workbook, rows):
    table, issues = read_table(workbook, SHEET.lower(), columns=tuple(BY_HEADER), required=tuple(BY_HEADER))
    by_code = {row.code: row for row in rows}
    changes, seen = [], set()
    for number, cells in table:
        cells = {BY_HEADER[header]: value for header, value in cells.items()}
        row = _known_row(by_code, seen, number, text(cells["code"]), issues)
        if row is not None and row.self_scored:
            change = _CellReader(number, cells, issues, row.code).change(row)
            if change is not None and change.changed:
                changes.append(change)
    return changes, issues


def _known_row(by_code, seen, number, code, issues):
    if code not in by_code:
        issues.append(_cell_issue(number, "code", _("Mã «%(code)s» không có trong bộ chỉ số của hồ sơ này.")
                                  % {"code": code}))
        return None
    if code in seen:
        issues.append(_cell_issue(number, "code", _("Mã «%(code)s» xuất hiện hai lần.") % {"code": code}))
        return None
    seen.add(code)
    return by_code[code]


@dataclass(frozen=True)
class CellIssue(SheetIssue):
    """A problem of one cell, with the criterion of its row so the officer finds it by code as well."""

    code: str = ""


def _cell_issue(number, key, message, code=""):
    return CellIssue(message, SHEET, number, LETTER[key], code)


class _CellReader:
    """One row's input cells, converted and checked by the self-assessment service's own rules (self_claim), so
    the preview shows exactly what a confirmation saves; a bad cell is reported by its address."""

    def __init__(self, number, cells, issues, code):
        self.number, self.cells, self.issues, self.code = number, cells, issues, code

    def change(self, row):
        count = len(self.issues)
        entered = {INPUT_KEY[column]: value for column in row.inputs if (value := self._input(column)) is not None}
        not_applicable = self._flag("na") if row.may_claim_not_applicable else False
        if len(self.issues) > count:
            return None
        try:
            claim = self_claim(row.criterion, entered, explanation=self._paragraph("explanation"),
                               not_applicable=not_applicable, not_applicable_reason=self._paragraph("na_reason"))
        except InputError as error:
            return self._report(_column_of(error.field, row, entered), str(error))
        new = SelfValues(score=claim.self_score, inputs=claim.self_inputs, not_applicable=claim.self_not_applicable,
                         reason=claim.self_not_applicable_reason, explanation=claim.explanation)
        return LeafChange(row.code, row.title, self.number, row.saved, new)

    def _input(self, column):
        value = self.cells.get(column)
        if text(value) == "":
            return None
        if column == "choice":
            return text(value)
        try:
            return decimal(value)  # Excel hands numbers over as floats: read them as the decimals typed
        except ValueError:
            return self._report(column, _("«%(value)s» không phải là số.") % {"value": text(value)})

    def _flag(self, column):
        try:
            return yes_no(self.cells.get(column), default=False)
        except ValueError:
            self._report(column, _("Ghi «Có» nếu đề nghị không áp dụng, hoặc để trống."))
            return False

    def _paragraph(self, column):
        # Explanations keep their line breaks; text() would fold them into spaces.
        value = self.cells.get(column)
        lines = unicodedata.normalize("NFC", "" if value is None else str(value)).splitlines()
        return "\n".join(" ".join(line.split()) for line in lines).strip()

    def _report(self, column, message):
        self.issues.append(_cell_issue(self.number, column, message, self.code))
        return None


def _column_of(field, row, entered):
    """The cell an input error is about; the service names the numerator for every complaint of a fraction, but a
    missing or zero denominator is the denominator's."""
    if field == "numerator" and "numerator" in entered and entered.get("denominator", 0) <= 0:
        return "denominator"
    return FIELD_COLUMN.get(field, row.inputs[0] if row.inputs else "explanation")
