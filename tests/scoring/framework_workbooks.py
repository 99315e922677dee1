"""Building small framework workbooks in tests, well-formed or broken one cell at a time.

A criteria row of the sheet is a dict by column name; its sheet row is its index + 2 (row 1 holds the headers).
"""
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "khung-chi-so-tinh-2017.xlsx"
TEMPLATE = SAMPLE.with_name("mau-khung-chi-so.xlsx")
DROP = object()  # a header key or column to leave out

HEADER = {"code": "THU-2024", "name": "Bộ chỉ số thử nghiệm", "year": 2024, "block": "SO", "version": "876/2022",
          "precision": 2, "bonus_cap": 1, "penalty_cap": None, "clamp_total": "yes"}
CRITERIA_COLUMNS = ("code", "title", "max_points", "method", "rule", "evidence_required", "appraiser", "guidance")
CRITERIA = (
    ("1", "Chỉ đạo, điều hành CCHC", 3, None, None, None, None, None),
    ("1.1", "Ban hành kế hoạch CCHC", 2, "appraised", "choice Đúng hạn=2; Chậm=1; Không=0", "yes", "SNV",
     "Tài liệu: quyết định ban hành kế hoạch"),
    ("1.2", "Báo cáo định kỳ", 1, "appraised", "deduct 0.25", "no", "SNV", None),
    ("2", "Tác động của CCHC", 5, None, None, None, None, None),
    ("2.1", "Sự hài lòng của người dân", 5, "survey", None, "no", None, None),
    ("3", "Điểm thưởng", 1, None, None, None, None, None),
    ("3.1", "Được khen thưởng về CCHC", 1, "bonus", "manual 0.5", "yes", "SNV", None),
)
GRADE_COLUMNS = ("code", "label", "min_index", "min_area_index")
GRADES = (("A", "Tốt", 80, 70), ("B", "Khá", 50, None), ("C", "Yếu", 0, None))


def criteria_rows(changes=None, *, extra=()):
    """The criteria rows as dicts; `changes` maps a code to the cells to replace in its row."""
    rows = [dict(zip(CRITERIA_COLUMNS, row)) for row in CRITERIA] + [dict(row) for row in extra]
    for row in rows:
        row.update((changes or {}).get(row["code"], {}))
    return rows


def grade_rows(changes=None):
    rows = [dict(zip(GRADE_COLUMNS, row)) for row in GRADES]
    for row in rows:
        row.update((changes or {}).get(row["code"], {}))
    return rows


def framework_xlsx(*, header=None, criteria=None, grades=None, criteria_columns=CRITERIA_COLUMNS,
                   grade_columns=GRADE_COLUMNS, sheets=("framework", "criteria", "grades")) -> bytes:
    """A workbook; `header` updates HEADER (DROP removes a key); columns and sheets may be left out or renamed."""
    values = {**HEADER, **(header or {})}
    tables = {
        "framework": [["key", "value"]] + [[key, value] for key, value in values.items() if value is not DROP],
        "criteria": _table(criteria_rows() if criteria is None else criteria, criteria_columns),
        "grades": _table(grade_rows() if grades is None else grades, grade_columns),
    }
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in sheets:
        sheet = workbook.create_sheet(name)
        for row in tables[name.lower()]:
            sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(rows, columns):
    return [list(columns)] + [[row.get(column) for column in columns] for row in rows]
