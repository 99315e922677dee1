"""The DDCI framework workbook (surveys/competitiveness_workbook.py): read, written back, every problem placed."""
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from surveys.competitiveness_workbook import (
    CompetitivenessSpec, GradeLine, IndicatorLine, SubIndexLine, read_competitiveness_workbook,
    write_competitiveness_workbook,
)

SPEC = CompetitivenessSpec(
    index="DDCI", year=2024, block="SO", survey="DDCI-2024", version="DDCI-2024", precision=2, minimum_answers=2,
    bounds_years=1,
    sub_indices=(SubIndexLine(2, "time", "Chi phí thời gian", Decimal(60)),
                 SubIndexLine(3, "open", "Tính minh bạch", Decimal(40))),
    indicators=(IndicatorLine(2, "time", "t1", "Đúng hẹn", ("Q1",)), IndicatorLine(3, "time", "t2", "Đi lại", ("Q2",)),
                IndicatorLine(4, "open", "o1", "=Công khai", ("Q3", "Q4"))),
    grades=(GradeLine(2, "TOT", "Tốt", Decimal(60)), GradeLine(3, "TB", "Trung bình", Decimal(0))))


def workbook(settings=None, subs=None, indicators=None, grades=None) -> BytesIO:
    book = Workbook()
    book.remove(book.active)
    sheets = {"ddci": settings if settings is not None else [["key", "value"], ["year", 2024], ["block", "SO"],
                                                             ["survey", "DDCI-2024"]],
              "sub_indices": subs if subs is not None else [["code", "name", "weight"], ["time", "Thời gian", 100]],
              "indicators": indicators if indicators is not None else [["sub_index", "code", "name", "questions"],
                                                                       ["time", "t1", "Đúng hẹn", "Q1, Q2"]]}
    if grades is not None:
        sheets["grades"] = grades
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_an_exported_framework_reads_back_the_same():
    data = write_competitiveness_workbook(SPEC)
    spec, issues = read_competitiveness_workbook(BytesIO(data))
    assert issues == [] and spec == SPEC
    # A name starting with "=" is written as text, never as a formula.
    cell = load_workbook(BytesIO(data))["indicators"]["C4"]
    assert cell.value == "=Công khai" and cell.data_type == "s"


def test_defaults_fill_what_the_settings_leave_out():
    spec, issues = read_competitiveness_workbook(workbook())
    assert issues == []
    assert (spec.index, spec.precision, spec.minimum_answers, spec.bounds_years) == ("DDCI", 2, 30, 1)
    assert spec.indicators[0].questions == ("Q1", "Q2")


@pytest.mark.parametrize(("sheets", "where", "words"), [
    ({"settings": [["key", "value"], ["block", "SO"], ["survey", "S"]]}, ("ddci", "value"), "thiếu giá trị"),
    ({"settings": [["key", "value"], ["year", "năm ngoái"], ["block", "SO"], ["survey", "S"]]}, ("ddci", "value"),
     "không phải số nguyên"),
    ({"settings": [["key", "value"], ["year", 2024], ["block", "SO"], ["survey", "S"], ["colour", "x"]]},
     ("ddci", "key"), "khóa không biết"),
    ({"subs": [["code", "name", "weight"], ["time", "Thời gian", 60]]}, ("sub_indices", "weight"), "phải bằng 100%"),
    ({"subs": [["code", "name", "weight"], ["time", "Thời gian", -5]]}, ("sub_indices", "weight"), "lớn hơn 0"),
    ({"subs": [["code", "name", "weight"], ["time", "A", 50], ["time", "B", 50]]}, ("sub_indices", "code"), "trùng"),
    ({"indicators": [["sub_index", "code", "name", "questions"], ["gone", "t1", "x", "Q1"]]},
     ("indicators", "sub_index"), "không có trong sheet sub_indices"),
    ({"indicators": [["sub_index", "code", "name", "questions"], ["time", "t1", "x", ""]]},
     ("indicators", "questions"), "thiếu questions"),
    ({"subs": [["code", "name", "weight"], ["time", "A", 50], ["open", "B", 50]]}, ("sub_indices", "code"),
     "chưa có chỉ tiêu nào"),
])
def test_every_problem_is_placed_by_sheet_and_column(sheets, where, words):
    spec, issues = read_competitiveness_workbook(workbook(sheets.get("settings"), sheets.get("subs"),
                                                          sheets.get("indicators")))
    assert any((issue.sheet, issue.column) == where and words in issue.message for issue in issues), issues


def test_grades_are_optional_and_checked_row_by_row():
    spec, issues = read_competitiveness_workbook(workbook())
    assert spec.grades == ()
    spec, issues = read_competitiveness_workbook(workbook(grades=[
        ["code", "label", "min_index"], ["TOT", "Tốt", 60], ["KHA", "Khá", 160], ["TOT", "Lại tốt", 50]]))
    assert any((issue.sheet, issue.row, issue.column) == ("grades", 3, "min_index") for issue in issues)
    assert any((issue.sheet, issue.row) == ("grades", 4) and "trùng" in issue.message for issue in issues)


def test_a_missing_sheet_or_column_gives_no_spec():
    spec, issues = read_competitiveness_workbook(workbook(subs=[["code", "name"], ["time", "Thời gian"]]))
    assert spec is None and any(issue.row == 1 and issue.column == "weight" for issue in issues)


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message():
    spec, issues = read_competitiveness_workbook(BytesIO(b"not a workbook"))
    assert spec is None and ".xlsx" in str(issues[0])
