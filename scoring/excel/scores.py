"""The `scores` sheet of `import_scores`: one row per unit and leaf criterion."""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .sheets import SheetIssue, decimal, open_workbook, read_table, text

SHEET = "scores"
COLUMNS = ("unit_code", "criterion_code", "self_score", "final_score")
NA_WORDS = {"na", "n/a", "kad", "không áp dụng"}


@dataclass(frozen=True)
class ScoreCell:
    """A score as written in the file: a number, "not applicable", or nothing yet."""

    value: Decimal | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class ScoreRow:
    row: int
    unit_code: str
    criterion_code: str
    self_score: ScoreCell
    final_score: ScoreCell


def read_scores_workbook(file):
    workbook, issues = open_workbook(file)
    if workbook is None:
        return [], issues
    try:
        table, issues = read_table(workbook, SHEET, columns=COLUMNS, required=COLUMNS[:2])
    finally:
        workbook.close()
    rows = []
    for number, cells in table:
        row = _read_row(number, cells, issues)
        if row:
            rows.append(row)
    return rows, issues


def _read_row(number, cells, issues):
    codes = {}
    for column in ("unit_code", "criterion_code"):
        codes[column] = text(cells.get(column))
        if not codes[column]:
            issues.append(SheetIssue(_("ô này không được để trống"), SHEET, number, column))
    scores = {column: _read_score(number, column, cells.get(column), issues) for column in COLUMNS[2:]}
    if len(codes["unit_code"]) and len(codes["criterion_code"]) and None not in scores.values():
        return ScoreRow(number, codes["unit_code"], codes["criterion_code"], **scores)
    return None


def _read_score(number, column, value, issues):
    word = text(value)
    if word == "":
        return ScoreCell()
    if word.lower() in NA_WORDS:
        return ScoreCell(not_applicable=True)
    try:
        score = decimal(value)
    except ValueError:
        issues.append(SheetIssue(_("'%(value)s' không phải là số (ghi số điểm, NA hoặc để trống)") % {"value": word},
                                 SHEET, number, column))
        return None
    if score < 0 or score != score.quantize(Decimal("0.001")):
        issues.append(SheetIssue(_("điểm phải không âm và có tối đa 3 chữ số thập phân"), SHEET, number, column))
        return None
    return ScoreCell(value=score)
