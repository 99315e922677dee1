"""The scorecard workbook, read back with openpyxl: the PDF's content as numbers with the framework's precision,
Vietnamese headers, the criteria sheet's header frozen."""
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from openpyxl import load_workbook

from scoring.excel.scorecards import write_scorecard_workbook
from scoring.models import Unit
from scoring.selectors.scorecards import scorecard
from tests.formula_cells import HYPERLINK, assert_plain_text, formula_count

from .pillars_data import make_pillar_block
from .scorecard_data import make_evidence, make_scored_block, make_survey_answers


@pytest.fixture
def workbook(personas, leader, own_unit, other_unit):
    make_scored_block(own_unit, other_unit)
    make_evidence(own_unit)
    make_survey_answers(own_unit, other_unit)
    with translation.override("vi"):
        return load_workbook(BytesIO(write_scorecard_workbook(scorecard(leader, own_unit, 2025))))


def facts(sheet):
    """{label: cell} of the summary's label/value lines."""
    return {row[0].value: row[1] for row in sheet.iter_rows(min_row=5, max_col=2) if row[0].value}


def test_the_workbook_has_a_summary_the_criteria_and_the_survey(workbook):
    assert workbook.sheetnames == ["Tổng hợp", "Tiêu chí", "Điều tra XHH"]
    summary = workbook["Tổng hợp"]
    assert summary["A1"].value == "PHIẾU ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025"
    assert summary["A2"].value == "Sở Nội vụ"


def test_the_summary_holds_the_engines_figures_as_formatted_numbers(workbook):
    cells = facts(workbook["Tổng hợp"])

    assert (cells["Chỉ số (%)"].value, cells["Chỉ số (%)"].number_format) == (96, "0.00")
    assert cells["Xếp loại"].value == "Loại A"
    assert (cells["Thứ hạng trong khối"].value, cells["Số đơn vị được xếp hạng"].value) == (1, 3)
    assert (cells["Thay đổi thứ hạng"].value, cells["Thay đổi thứ hạng"].number_format) == (1, "+0;-0;0")
    assert (cells["Thay đổi chỉ số"].value, cells["Thay đổi chỉ số"].number_format) == (16, "+0.00;-0.00;0.00")
    assert (cells["Tổng điểm"].value, cells["Tổng điểm"].number_format) == (48, "0.000")
    assert cells["Chỉ số trung bình của khối (%)"].value == 74.5
    assert cells["So sánh được với năm trước"].value == "Có"


def test_the_area_table_sits_beside_the_block_average(workbook):
    sheet = workbook["Tổng hợp"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Mã lĩnh vực")
    areas = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=header[0].row + 1)]

    assert [cell.value for cell in header] == ["Mã lĩnh vực", "Lĩnh vực", "Điểm", "Điểm tối đa", "Chỉ số (%)",
                                               "Trung bình khối (%)", "Thay đổi chỉ số", "Thứ hạng trong khối",
                                               "Thay đổi thứ hạng"]
    assert areas[0][:7] == ["1", "Lĩnh vực 1", 19, 20, 95, 75, 15]
    assert [Decimal(str(row[5])) for row in areas] == [Decimal("75"), Decimal("73.33"), Decimal("73.33")]
    assert sheet.cell(header[0].row + 1, 5).number_format == "0.00"


def test_the_criteria_sheet_has_a_frozen_vietnamese_header_and_every_leaf(workbook):
    sheet = workbook["Tiêu chí"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert [cell.value for cell in sheet[1]][:9] == ["Mã", "Tiêu chí", "Điểm tối đa", "Tự đánh giá",
                                                     "Thẩm định vòng 1", "Thẩm định vòng 2", "Điểm chính thức",
                                                     "Điểm bị mất", "Lý do điều chỉnh"]
    assert sheet.freeze_panes == "C2"
    assert rows["1.1"][:9] == ("1.1", "Tiêu chí 1.1", 10, 10, 8, 9, 9, 1, "Đã bổ sung kế hoạch khi giải trình")
    assert rows["1"][6:8] == (19, 1)  # the area sums its leaves
    assert rows["1.2"][10] == "12/QĐ-SNV Quyết định ban hành kế hoạch CCHC năm 2025 (15/01/2025)"
    assert sheet["G2"].number_format == "0.000"


def test_the_survey_sheet_counts_the_responses(workbook):
    sheet = workbook["Điều tra XHH"]

    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [("3.1", "Tiêu chí 3.1", 10, 9, 3)]


def test_a_unit_name_and_an_appraisers_reason_that_are_formulas_are_written_as_text(personas, leader, own_unit,
                                                                                    other_unit):
    from scoring.models import LeafScore

    make_scored_block(own_unit, other_unit)
    reason = "=1+1"
    LeafScore.objects.filter(assessment__unit=own_unit, assessment__cycle__year=2025, criterion__code="1.1").update(
        second_reason=reason)
    own_unit.name = HYPERLINK
    own_unit.save()

    with translation.override("vi"):
        content = write_scorecard_workbook(scorecard(leader, own_unit, 2025))

    assert formula_count(content) == 0
    workbook = load_workbook(BytesIO(content))
    assert_plain_text(workbook["Tổng hợp"]["A2"], HYPERLINK)
    criteria = workbook["Tiêu chí"]
    reasons = [cell for row in criteria.iter_rows() for cell in row if cell.value == reason]
    assert len(reasons) == 1
    assert_plain_text(reasons[0], reason)


def test_the_pillars_follow_the_areas_with_their_rank_and_change(leader):
    make_pillar_block()
    with translation.override("vi"):
        card = scorecard(leader, Unit.objects.get(code="U2"), 2025)
        sheet = load_workbook(BytesIO(write_scorecard_workbook(card)))["Tổng hợp"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Mã trụ cột")
    pillars = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=header[0].row + 1)]

    assert [cell.value for cell in header][:2] == ["Mã trụ cột", "Trụ cột"]
    assert pillars == [["CQS", "Chính quyền số", 15, 20, 75, None, 25, 3, -1],
                       ["KTS", "Kinh tế số", 20, 20, 100, None, 50, 1, 1]]
