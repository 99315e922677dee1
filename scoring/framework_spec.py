"""A criteria framework as plain values, and the rules its tree must obey (domain.md; issue 2).

The Excel reader builds a FrameworkSpec, validate_framework checks it, the import service saves it and the export
reads one back from the database, so every rule about a well-formed framework lives here, without the ORM.
Cells the reader could not understand arrive as None; the reader has already reported them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .rules import DeductRule, RuleError, format_decimal_vi, format_rule, parse_rule

FRAMEWORK, CRITERIA, GRADES, PILLARS = "framework", "criteria", "grades", "pillars"
APPRAISED, SURVEY, BONUS, PENALTY = "appraised", "survey", "bonus", "penalty"
METHODS = (APPRAISED, SURVEY, BONUS, PENALTY)
SCORED = (APPRAISED, SURVEY)  # what counts in Max_total and in a parent's maximum (domain.md, rule 5)
# The rules a bonus or penalty leaf may carry (domain.md, rule 1); on a penalty leaf `deduct k` is k per occurrence.
GRANTED_RULES = {BONUS: ("manual", "choice"), PENALTY: ("manual", "choice", "deduct")}
CODE = re.compile(r"\d+(\.\d+)*")
MAX_POINTS = Decimal("999999.999")  # Criterion.max_points: 9 digits, 3 decimals
THOUSANDTH = Decimal("0.001")
HUNDRED = Decimal(100)
# Column lengths of the models, checked here so PostgreSQL never refuses a row half-way through an import.
LENGTHS = {"framework": {"code": 50, "name": 300, "version": 50, "index": 20},
           "criterion": {"code": 40, "rule": 500, "appraiser": 30}, "grade": {"code": 20, "label": 100},
           "pillar": {"code": 40, "name": 200}}
HEADER_LABELS = {"code": "mã bộ chỉ số", "name": "tên bộ chỉ số", "year": "năm", "block": "khối",
                 "version": "phiên bản phương pháp"}


@dataclass(frozen=True)
class ImportIssue:
    """One problem of an imported workbook, located as precisely as the reader knows it."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = [f"Sheet `{self.sheet}`"] if self.sheet else []
        where += [f"dòng {self.row}"] if self.row else []
        where += [f"cột {self.column}"] if self.column else []
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    title: str
    max_points: Decimal | None
    method: str = ""
    rule: str = ""
    evidence_required: bool = False
    appraiser: str = ""
    guidance: str = ""
    row: int | None = field(default=None, compare=False)
    # Criterion.evidence_window: documents may be dated from this many months before 1 January of the assessment
    # year (column evidence_from_months_before of the workbook; blank or 0: the assessment year).
    evidence_months_before: int = 0
    pillar: str = ""  # the code of the leaf's pillar (PillarSpec), if the framework has pillars

    @property
    def parent_code(self) -> str:
        return self.code.rpartition(".")[0]

    @property
    def depth(self) -> int:
        return self.code.count(".")

    @property
    def area_code(self) -> str:
        return self.code.partition(".")[0]

    @property
    def is_leaf(self) -> bool:
        return bool(self.method)


@dataclass(frozen=True)
class GradeSpec:
    code: str
    label: str
    min_index: Decimal | None
    min_area_index: Decimal | None = None
    min_survey_index: Decimal | None = None
    max_penalty: Decimal | None = None
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PillarSpec:
    """A pillar: a second grouping of leaves besides the areas, with its own index and rank (sheet `pillars`)."""

    code: str
    name: str
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class FrameworkSpec:
    code: str
    name: str
    year: int | None
    block: str
    version: str
    precision: int | None = 2
    bonus_cap: Decimal | None = None
    penalty_cap: Decimal | None = None
    clamp_total: bool = True
    criteria: tuple[CriterionSpec, ...] = ()
    grades: tuple[GradeSpec, ...] = ()
    pillars: tuple[PillarSpec, ...] = ()
    rows: dict[str, int] = field(default_factory=dict, compare=False)  # key -> row of the framework sheet
    index: str = ""  # an Index code (PAR, DTI...); blank: PAR

    @property
    def max_total(self) -> Decimal:
        """Σ maxima of the appraised and survey leaves (domain.md, rule 5)."""
        return plain_decimal(sum((c.max_points or 0 for c in self.criteria if c.method in SCORED), Decimal(0)))


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """14.500 reads 14.5 and 10.000 reads 10: the trailing zeros of the stored 3 decimals say nothing."""
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def header_issue(spec: FrameworkSpec, key: str, message: str) -> ImportIssue:
    """An issue about a key of the framework sheet: its value cell, or the key itself when the row is missing."""
    row = spec.rows.get(key)
    return ImportIssue(FRAMEWORK, row, "value" if row else key, message)


def merge_issues(*groups: list[ImportIssue]) -> list[ImportIssue]:
    """All issues, one per cell: the first report of a cell (the reader's, usually the most precise) wins."""
    seen, merged = set(), []
    for issue in (issue for group in groups for issue in group):
        key = (issue.sheet, issue.row, issue.column)
        if key not in seen:
            seen.add(key)
            merged.append(issue)
    return merged


def canonical_rule(node: CriterionSpec) -> str:
    """The rule as stored: canonical text for scored leaves, nothing for survey leaves and inner nodes."""
    if node.method not in (APPRAISED, BONUS, PENALTY):
        return ""
    return format_rule(parse_rule(node.rule, max_points=node.max_points))


def validate_framework(spec: FrameworkSpec) -> list[ImportIssue]:
    return [*_header_issues(spec), *_criteria_issues(spec.criteria), *_grade_issues(spec.grades),
            *_pillar_issues(spec.pillars, spec.criteria)]


# --- The framework sheet ---------------------------------------------------------------------------------------


def _header_issues(spec: FrameworkSpec) -> list[ImportIssue]:
    issues = [header_issue(spec, key, f"Thiếu {label} ({key})")
              for key, label in HEADER_LABELS.items() if getattr(spec, key) in (None, "")]
    issues += [header_issue(spec, key, f"Dài quá {limit} ký tự")
               for key, limit in LENGTHS["framework"].items() if len(getattr(spec, key)) > limit]
    if spec.year is not None and not 2000 <= spec.year <= 2100:
        issues.append(header_issue(spec, "year", f"Năm {spec.year} phải trong khoảng 2000 đến 2100"))
    if spec.precision is None or not 0 <= spec.precision <= 3:
        issues.append(header_issue(spec, "precision", "Số chữ số thập phân của chỉ số phải là số nguyên từ 0 đến 3"))
    for key in ("bonus_cap", "penalty_cap"):
        message = _points_problem(getattr(spec, key), required=False)
        issues += [header_issue(spec, key, message)] if message else []
    return issues


def _points_problem(value: Decimal | None, *, required: bool = True, high: Decimal = MAX_POINTS) -> str | None:
    if value is None:
        return "Thiếu giá trị" if required else None
    if value < 0:
        return f"Không được âm: {format_decimal_vi(value)}"
    if value > high:
        return f"Không được lớn hơn {format_decimal_vi(high)}: {format_decimal_vi(value)}"
    if value % THOUSANDTH:
        return f"Chỉ được có tối đa 3 chữ số thập phân: {format_decimal_vi(value)}"
    return None


# --- The criteria sheet ----------------------------------------------------------------------------------------


def _criteria_issues(criteria: tuple[CriterionSpec, ...]) -> list[ImportIssue]:
    if not criteria:
        return [ImportIssue(CRITERIA, None, None, "Sheet không có tiêu chí nào")]
    all_codes = {node.code for node in criteria}
    placed: dict[str, CriterionSpec] = {}
    issues = []
    for node in criteria:
        issues += _node_issues(node, placed, all_codes)
        if CODE.fullmatch(node.code) and node.code not in placed:
            placed[node.code] = node
    # A row whose code is wrong is not in the tree: the sums would only repeat that error.
    sums = not any(issue.column == "code" for issue in issues)
    issues += _shape_issues(placed, sums=sums)
    if not any(node.method in SCORED for node in criteria):
        issues.append(ImportIssue(CRITERIA, None, "method", "Cần ít nhất một tiêu chí thẩm định hoặc điều tra XHH"))
    return issues


def _node_issues(node: CriterionSpec, placed: dict, all_codes: set) -> list[ImportIssue]:
    def issue(column, message):
        return ImportIssue(CRITERIA, node.row, column, message)

    problems = [(column, message) for column, message in (
        ("code", _code_problem(node, placed, all_codes)),
        ("title", None if node.title else "Thiếu tên tiêu chí"),
        ("max_points", _max_problem(node.max_points) if node.max_points is not None or node.is_leaf else None),
        ("method", _method_problem(node)),
        ("appraiser", _too_long(node.appraiser, "appraiser")),
        ("evidence_from_months_before", _months_problem(node.evidence_months_before)),
    ) if message]
    problems += _leaf_field_problems(node)
    return [issue(column, message) for column, message in problems]


MAX_EVIDENCE_MONTHS = 24


def _months_problem(months: int | None) -> str | None:
    if months is None or 0 <= months <= MAX_EVIDENCE_MONTHS:
        return None
    return f"Số tháng trước năm đánh giá phải từ 0 đến {MAX_EVIDENCE_MONTHS}"


def _max_problem(value: Decimal | None) -> str | None:
    if value is None:
        return "Thiếu điểm tối đa"
    problem = _points_problem(value)
    return problem and f"Điểm tối đa {problem[0].lower()}{problem[1:]}"


def _code_problem(node: CriterionSpec, placed: dict, all_codes: set) -> str | None:
    if not node.code:
        return "Thiếu mã tiêu chí"
    if not CODE.fullmatch(node.code):
        return f"Mã «{node.code}» không đúng dạng số phân cấp như 1, 1.2, 1.2.3"
    if node.code in placed:
        return f"Mã «{node.code}» bị trùng với dòng {placed[node.code].row}"
    if node.parent_code and node.parent_code not in placed:
        if node.parent_code in all_codes:
            return f"Tiêu chí cha «{node.parent_code}» phải đứng trước tiêu chí con «{node.code}»"
        return f"Không có tiêu chí cha «{node.parent_code}» của «{node.code}»"
    return _too_long(node.code, "code")


def _too_long(value: str, column: str) -> str | None:
    limit = LENGTHS["criterion"][column]
    return f"Dài quá {limit} ký tự" if len(value) > limit else None


def _method_problem(node: CriterionSpec) -> str | None:
    if node.method and node.method not in METHODS:
        return f"Phương pháp «{node.method}» không hợp lệ; chỉ dùng: {', '.join(METHODS)}"
    return None


def _leaf_field_problems(node: CriterionSpec) -> list[tuple[str, str]]:
    if not node.is_leaf:
        fields = (("rule", "Quy tắc chấm", node.rule), ("appraiser", "Cơ quan thẩm định", node.appraiser),
                  ("evidence_required", "Yêu cầu tài liệu kiểm chứng", node.evidence_required),
                  ("evidence_from_months_before", "Thời gian của tài liệu kiểm chứng", node.evidence_months_before))
        return [(column, f"{label} chỉ ghi cho tiêu chí có phương pháp chấm (tiêu chí lá)")
                for column, label, value in fields if value]
    problem = _rule_problem(node)
    return [("rule", problem)] if problem else []


def _rule_problem(node: CriterionSpec) -> str | None:
    if node.method == SURVEY:
        return "Tiêu chí điều tra XHH không có quy tắc chấm: điểm lấy từ kết quả điều tra" if node.rule else None
    if node.method not in METHODS or node.max_points is None or node.max_points < 0:
        return None
    try:
        rule = parse_rule(node.rule, max_points=node.max_points)
    except RuleError as error:
        return str(error)
    if node.method in GRANTED_RULES and rule.kind not in GRANTED_RULES[node.method]:
        what = "Điểm thưởng" if node.method == BONUS else "Điểm trừ"
        return (f"{what} không dùng quy tắc {rule.kind}; chỉ dùng: {', '.join(GRANTED_RULES[node.method])}")
    if isinstance(rule, DeductRule) and rule.per_occurrence > node.max_points:
        return (f"Số điểm trừ mỗi lần {format_decimal_vi(rule.per_occurrence)} lớn hơn điểm tối đa "
                f"{format_decimal_vi(node.max_points)}")
    if len(node.rule) > LENGTHS["criterion"]["rule"]:
        return f"Dài quá {LENGTHS['criterion']['rule']} ký tự"
    return None


def _shape_issues(placed: dict[str, CriterionSpec], *, sums: bool) -> list[ImportIssue]:
    children = defaultdict(list)
    for node in placed.values():
        if node.parent_code in placed:
            children[node.parent_code].append(node)
    issues = []
    for node in placed.values():
        message = _shape_problem(node, children[node.code])
        issues += [ImportIssue(CRITERIA, node.row, "method", message)] if message else []
        message = _sum_problem(node, children[node.code], children) if sums else None
        issues += [ImportIssue(CRITERIA, node.row, "max_points", message)] if message else []
    return issues


def _shape_problem(node: CriterionSpec, kids: list[CriterionSpec]) -> str | None:
    if node.is_leaf and kids:
        return (f"Tiêu chí có phương pháp chấm không được có tiêu chí con "
                f"({', '.join(kid.code for kid in kids)}); để trống phương pháp của tiêu chí cha")
    if not node.is_leaf and not kids:
        return "Thiếu phương pháp: tiêu chí không có tiêu chí con phải ghi phương pháp chấm"
    return None


def _sum_problem(node: CriterionSpec, kids: list[CriterionSpec], children: dict) -> str | None:
    """A parent's maximum is the sum of its scored children's (bonus and penalty subtrees stay out of it). A parent
    holding only bonus and penalty has no maximum of its own: blank, 0 or the sum of its children (domain.md, rule 1).
    Every message names the children it added up and those it left out."""
    if node.is_leaf or not kids:
        return None
    counted = [kid for kid in kids if _is_scored(kid, children)]
    if not counted:
        return _granted_parent_problem(node, kids)
    if node.max_points is None:
        return "Thiếu điểm tối đa"
    values = [kid.max_points for kid in counted]
    if None in values:
        return None
    total = sum(values, Decimal(0))
    if node.max_points == total:
        return None
    left_out = [kid for kid in kids if kid not in counted]
    message = (f"Điểm tối đa {format_decimal_vi(node.max_points)} khác tổng điểm tối đa các tiêu chí con "
               f"({_sum_text(counted)} = {format_decimal_vi(total)})")
    if left_out:
        message += f"; không tính điểm thưởng, điểm trừ: {', '.join(kid.code for kid in left_out)}"
    return message


def _granted_parent_problem(node: CriterionSpec, kids: list[CriterionSpec]) -> str | None:
    values = [kid.max_points for kid in kids]
    if node.max_points is None or node.max_points == 0 or None in values:
        return None
    total = sum(values, Decimal(0))
    if node.max_points == total:
        return None
    return (f"Điểm tối đa {format_decimal_vi(node.max_points)}: tiêu chí chỉ gồm điểm thưởng, điểm trừ nên để "
            f"trống, ghi 0 hoặc ghi tổng điểm tối đa các tiêu chí con ({_sum_text(kids)} = "
            f"{format_decimal_vi(total)})")


def _sum_text(kids: list[CriterionSpec]) -> str:
    return " + ".join(f"{kid.code}: {format_decimal_vi(kid.max_points)}" for kid in kids)


def _is_scored(node: CriterionSpec, children: dict) -> bool:
    if node.is_leaf:
        return node.method not in (BONUS, PENALTY)  # an unknown method is reported on its own row
    return any(_is_scored(kid, children) for kid in children[node.code])


# --- The grades sheet ------------------------------------------------------------------------------------------


def _grade_issues(grades: tuple[GradeSpec, ...]) -> list[ImportIssue]:
    if not grades:
        return [ImportIssue(GRADES, None, None, "Chưa có xếp loại nào")]
    rows: dict[str, int | None] = {}
    issues = []
    for grade in grades:
        issues += [ImportIssue(GRADES, grade.row, column, message) for column, message in _grade_problems(grade, rows)]
        rows.setdefault(grade.code, grade.row)
    return issues


def _grade_problems(grade: GradeSpec, rows: dict) -> list[tuple[str, str]]:
    limits = LENGTHS["grade"]
    problems = [
        ("code", "Thiếu mã xếp loại" if not grade.code else None),
        ("code", f"Mã xếp loại «{grade.code}» bị trùng với dòng {rows[grade.code]}" if grade.code in rows else None),
        ("code", f"Dài quá {limits['code']} ký tự" if len(grade.code) > limits["code"] else None),
        ("label", "Thiếu tên xếp loại" if not grade.label else None),
        ("label", f"Dài quá {limits['label']} ký tự" if len(grade.label) > limits["label"] else None),
        ("min_index", _index_problem(grade.min_index, required=True)),
        ("min_area_index", _index_problem(grade.min_area_index)),
        ("min_survey_index", _index_problem(grade.min_survey_index)),
        ("max_penalty", _points_problem(grade.max_penalty, required=False)),
    ]
    return [(column, message) for column, message in problems if message]


def _index_problem(value: Decimal | None, *, required: bool = False) -> str | None:
    if value is None:
        return "Thiếu chỉ số tối thiểu" if required else None
    if not 0 <= value <= HUNDRED:
        return f"Chỉ số phải trong khoảng 0 đến 100: {format_decimal_vi(value)}"
    return _points_problem(value)


# --- The pillars sheet -----------------------------------------------------------------------------------------


def _pillar_issues(pillars: tuple[PillarSpec, ...], criteria: tuple[CriterionSpec, ...]) -> list[ImportIssue]:
    """The pillars sheet's rows, and each criterion's pillar: a known code, on an appraised or survey leaf only
    (bonus and penalty points are no component's points, rule 6)."""
    rows: dict[str, int | None] = {}
    issues = []
    for pillar in pillars:
        issues += [ImportIssue(PILLARS, pillar.row, column, message)
                   for column, message in _pillar_problems(pillar, rows)]
        rows.setdefault(pillar.code, pillar.row)
    for node in criteria:
        message = _leaf_pillar_problem(node, rows)
        issues += [ImportIssue(CRITERIA, node.row, "pillar", message)] if message else []
    used = {node.pillar for node in criteria}
    issues += [ImportIssue(PILLARS, pillar.row, "code", f"Trụ cột «{pillar.code}» chưa có tiêu chí nào")
               for pillar in pillars if pillar.code and pillar.code not in used]
    return issues


def _pillar_problems(pillar: PillarSpec, rows: dict) -> list[tuple[str, str]]:
    limits = LENGTHS["pillar"]
    problems = [
        ("code", "Thiếu mã trụ cột" if not pillar.code else None),
        ("code", f"Mã trụ cột «{pillar.code}» bị trùng với dòng {rows[pillar.code]}" if pillar.code in rows else None),
        ("code", f"Dài quá {limits['code']} ký tự" if len(pillar.code) > limits["code"] else None),
        ("name", "Thiếu tên trụ cột" if not pillar.name else None),
        ("name", f"Dài quá {limits['name']} ký tự" if len(pillar.name) > limits["name"] else None),
    ]
    return [(column, message) for column, message in problems if message]


def _leaf_pillar_problem(node: CriterionSpec, pillars: dict) -> str | None:
    if not node.pillar:
        return None
    if node.pillar not in pillars:
        known = ", ".join(code for code in pillars if code) or "—"
        return f"Không có trụ cột «{node.pillar}» trong sheet pillars; các trụ cột hiện có: {known}"
    if not node.is_leaf:
        return "Trụ cột chỉ ghi cho tiêu chí có phương pháp chấm (tiêu chí lá)"
    if node.method in (BONUS, PENALTY):
        return "Điểm thưởng, điểm trừ không thuộc trụ cột nào: để trống cột pillar"
    return None
