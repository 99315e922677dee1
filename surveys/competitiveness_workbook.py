"""The workbook of a competitiveness index's framework (DDCI; domain.md rule 15), how a province writes it down:

- sheet `ddci` (key, value): index (an index code, DDCI by default), year, block, survey (the code of the firms'
  survey whose questions the indicators read), version, precision (0-4), minimum_answers, bounds_years (1: the
  min-max bounds are this year's; N: over the last N years);
- sheet `sub_indices` (code, name, weight): 8 to 10 sub-indices as a rule, weights in percent summing to 100;
- sheet `indicators` (sub_index, code, name, questions): each indicator of a sub-index and the survey's question
  codes it reads, separated by commas;
- optional sheet `grades` (code, label, min_index): the grades (xếp loại) by the lowest index that reaches each.

Read into a CompetitivenessSpec and written back in the same shape, so an export imports unchanged. Every problem
is reported with its sheet, row and column in one pass; what needs the database (the index, block, survey and its
questions) is checked by surveys/services/competitiveness_setup.py."""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from scoring.excel.cells import text_row, workbook_bytes
from scoring.excel.sheets import SheetIssue, decimal, open_workbook, read_table, text

SETTINGS, SUBS, INDICATORS, GRADES = "ddci", "sub_indices", "indicators", "grades"
SETTING_KEYS = ("index", "year", "block", "survey", "version", "precision", "minimum_answers", "bounds_years")
REQUIRED_KEYS = ("year", "block", "survey")
SUB_COLUMNS = ("code", "name", "weight")
INDICATOR_COLUMNS = ("sub_index", "code", "name", "questions")
GRADE_COLUMNS = ("code", "label", "min_index")
HUNDRED = Decimal(100)
DEFAULTS = {"index": "DDCI", "version": "", "precision": 2, "minimum_answers": 30, "bounds_years": 1}
WHOLE_NUMBERS = {"year": (2000, 2100), "precision": (0, 4), "minimum_answers": (1, 100000), "bounds_years": (1, 10)}


@dataclass(frozen=True)
class SubIndexLine:
    row: int
    code: str
    name: str
    weight: Decimal


@dataclass(frozen=True)
class IndicatorLine:
    row: int
    sub_index: str
    code: str
    name: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class GradeLine:
    row: int
    code: str
    label: str
    min_index: Decimal


@dataclass(frozen=True)
class CompetitivenessSpec:
    index: str
    year: int
    block: str
    survey: str
    version: str
    precision: int
    minimum_answers: int
    bounds_years: int
    sub_indices: tuple[SubIndexLine, ...]
    indicators: tuple[IndicatorLine, ...]
    grades: tuple[GradeLine, ...] = ()


# --- Reading -----------------------------------------------------------------------------------------------------


def read_competitiveness_workbook(file) -> tuple[CompetitivenessSpec | None, list[SheetIssue]]:
    workbook, issues = open_workbook(file)
    if workbook is None:
        return None, issues
    try:
        settings, issues = read_table(workbook, SETTINGS, columns=("key", "value"), required=("key", "value"))
        subs, sub_issues = read_table(workbook, SUBS, columns=SUB_COLUMNS, required=SUB_COLUMNS)
        lines, line_issues = read_table(workbook, INDICATORS, columns=INDICATOR_COLUMNS, required=INDICATOR_COLUMNS)
        grades, grade_issues = ([], []) if GRADES not in {name.strip().lower() for name in workbook.sheetnames} else (
            read_table(workbook, GRADES, columns=GRADE_COLUMNS, required=GRADE_COLUMNS))
    finally:
        workbook.close()
    issues += sub_issues + line_issues + [issue for issue in grade_issues if issue.row]
    if any(issue.sheet is None or issue.row == 1 for issue in issues):
        return None, issues
    header = _settings(settings, issues)
    sub_indices = tuple(line for line in (_sub_index(number, cells, issues) for number, cells in subs) if line)
    indicators = tuple(line for line in (_indicator(number, cells, issues) for number, cells in lines) if line)
    tiers = tuple(line for line in (_grade(number, cells, issues) for number, cells in grades) if line)
    if header is None:
        return None, issues
    spec = CompetitivenessSpec(**header, sub_indices=sub_indices, indicators=indicators, grades=tiers)
    return spec, issues + competitiveness_shape_issues(spec)


def _settings(table, issues):
    values, rows = {}, {}
    for number, cells in table:
        key = text(cells["key"]).lower()
        if key not in SETTING_KEYS:
            message = _("khóa không biết '%(key)s' (các khóa: %(keys)s)")
            issues.append(SheetIssue(message % {"key": key, "keys": ", ".join(SETTING_KEYS)}, SETTINGS, number, "key"))
            continue
        if key in values:
            issues.append(SheetIssue(_("khóa này xuất hiện hai lần"), SETTINGS, number, "key"))
        values[key], rows[key] = text(cells["value"]), number
    header, ok = dict(DEFAULTS), True
    for key in SETTING_KEYS:
        value = values.get(key, "")
        if not value:
            if key in REQUIRED_KEYS:
                issues.append(SheetIssue(_("thiếu giá trị của khóa '%(key)s'") % {"key": key}, SETTINGS,
                                         rows.get(key), "value"))
                ok = False
            continue
        if key in WHOLE_NUMBERS:
            number = _whole(value, *WHOLE_NUMBERS[key])
            if number is None:
                low, high = WHOLE_NUMBERS[key]
                message = _("'%(value)s' không phải số nguyên từ %(low)s đến %(high)s") % {
                    "value": value, "low": low, "high": high}
                issues.append(SheetIssue(message, SETTINGS, rows[key], "value"))
                ok = False
                continue
            value = number
        header[key] = value
    return header if ok else None


def _whole(value, low, high):
    try:
        number = decimal(value)
    except ValueError:
        return None
    return int(number) if number == int(number) and low <= number <= high else None


def _sub_index(number, cells, issues):
    code, name = text(cells["code"]), text(cells["name"])
    found = [SheetIssue(_("thiếu %(column)s") % {"column": column}, SUBS, number, column)
             for column, value in (("code", code), ("name", name)) if not value]
    try:
        weight = decimal(cells["weight"])
    except ValueError:
        weight = None
    if weight is None or not Decimal(0) < weight <= HUNDRED:
        found.append(SheetIssue(_("trọng số phải là số lớn hơn 0 và không quá 100 (phần trăm)"), SUBS, number,
                                "weight"))
    issues += found
    return None if found else SubIndexLine(number, code, name, weight)


def _indicator(number, cells, issues):
    sub, code, name = text(cells["sub_index"]), text(cells["code"]), text(cells["name"])
    questions = tuple(part for part in (text(piece) for piece in text(cells["questions"]).split(",")) if part)
    found = [SheetIssue(_("thiếu %(column)s") % {"column": column}, INDICATORS, number, column)
             for column, value in (("sub_index", sub), ("code", code), ("name", name), ("questions", questions))
             if not value]
    issues += found
    return None if found else IndicatorLine(number, sub, code, name, questions)


def _grade(number, cells, issues):
    code, label = text(cells["code"]), text(cells["label"])
    found = [SheetIssue(_("thiếu %(column)s") % {"column": column}, GRADES, number, column)
             for column, value in (("code", code), ("label", label)) if not value]
    try:
        minimum = decimal(cells["min_index"])
    except ValueError:
        minimum = None
    if minimum is None or not Decimal(0) <= minimum <= HUNDRED:
        found.append(SheetIssue(_("chỉ số tối thiểu phải là số từ 0 đến 100"), GRADES, number, "min_index"))
    issues += found
    return None if found else GradeLine(number, code, label, minimum)


def competitiveness_shape_issues(spec: CompetitivenessSpec) -> list[SheetIssue]:
    """The rules that need nothing but the workbook: unique codes, weights summing to 100 (rule 15), every
    indicator under a listed sub-index and every sub-index with an indicator."""
    issues, seen = [], set()
    for line in spec.sub_indices:
        if line.code in seen:
            issues.append(SheetIssue(_("mã chỉ số thành phần trùng với một dòng phía trên"), SUBS, line.row, "code"))
        seen.add(line.code)
    if not spec.sub_indices:
        issues.append(SheetIssue(_("chưa có chỉ số thành phần nào"), SUBS))
    total = sum((line.weight for line in spec.sub_indices), Decimal(0))
    if spec.sub_indices and total != HUNDRED:
        message = _("tổng trọng số các chỉ số thành phần là %(total)s%%, phải bằng 100%%")
        issues.append(SheetIssue(message % {"total": total.normalize()}, SUBS, None, "weight"))
    codes, used = set(), set()
    for line in spec.indicators:
        if (line.sub_index, line.code) in codes:
            issues.append(SheetIssue(_("mã chỉ tiêu trùng trong cùng chỉ số thành phần"), INDICATORS, line.row, "code"))
        codes.add((line.sub_index, line.code))
        used.add(line.sub_index)
        if line.sub_index not in seen:
            message = _("chỉ số thành phần '%(code)s' không có trong sheet %(sheet)s")
            issues.append(SheetIssue(message % {"code": line.sub_index, "sheet": SUBS}, INDICATORS, line.row,
                                     "sub_index"))
    for line in spec.sub_indices:
        if line.code not in used:
            issues.append(SheetIssue(_("chỉ số thành phần này chưa có chỉ tiêu nào trong sheet %(sheet)s")
                                     % {"sheet": INDICATORS}, SUBS, line.row, "code"))
    codes, minimums = set(), set()
    for line in spec.grades:
        if line.code in codes or line.min_index in minimums:
            issues.append(SheetIssue(_("xếp loại trùng mã hoặc trùng chỉ số tối thiểu với một dòng phía trên"),
                                     GRADES, line.row))
        codes.add(line.code)
        minimums.add(line.min_index)
    return issues


# --- Writing -----------------------------------------------------------------------------------------------------


def write_competitiveness_workbook(spec: CompetitivenessSpec) -> bytes:
    workbook = Workbook(write_only=True)
    settings = workbook.create_sheet(SETTINGS)
    settings.append(text_row(settings, ["key", "value"]))
    for key in SETTING_KEYS:
        settings.append(text_row(settings, [key, getattr(spec, key)]))
    subs = workbook.create_sheet(SUBS)
    subs.append(text_row(subs, list(SUB_COLUMNS)))
    for line in spec.sub_indices:
        subs.append(text_row(subs, [line.code, line.name, line.weight]))
    indicators = workbook.create_sheet(INDICATORS)
    indicators.append(text_row(indicators, list(INDICATOR_COLUMNS)))
    for line in spec.indicators:
        indicators.append(text_row(indicators, [line.sub_index, line.code, line.name, ", ".join(line.questions)]))
    if spec.grades:
        grades = workbook.create_sheet(GRADES)
        grades.append(text_row(grades, list(GRADE_COLUMNS)))
        for line in spec.grades:
            grades.append(text_row(grades, [line.code, line.label, line.min_index]))
    return workbook_bytes(workbook)
