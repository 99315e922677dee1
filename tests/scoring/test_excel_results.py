from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from scoring.excel.results import write_results_workbook
from scoring.models import Framework
from scoring.selectors import results_legend, results_rows
from tests.conftest import make_block
from tests.formula_cells import HYPERLINK, assert_plain_text, formula_count

from .results_tables import make_block_results

HEADERS = ["Hạng", "Mã đơn vị", "Tên đơn vị", "Nhóm", "1. Lĩnh vực 1", "2. Lĩnh vực 2", "Điểm thẩm định",
           "Điểm điều tra", "Điểm thưởng", "Điểm trừ", "Tổng điểm", "Điểm tối đa", "Chỉ số (%)", "Xếp loại",
           "Thay đổi thứ hạng", "Thay đổi chỉ số"]


@pytest.fixture
def results(personas):
    return make_block_results()


def workbook(year=2025, block="SO"):
    content = write_results_workbook(results_rows(year, block, None), results_legend(year, make_block(block)))
    return load_workbook(BytesIO(content)).active


def values(sheet, row):
    return [cell.value for cell in sheet[row]]


def test_a_title_row_then_vietnamese_headers_with_one_column_per_indexed_area(results):
    sheet = workbook()

    assert sheet["A1"].value == "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025 – KHỐI SỞ, BAN, NGÀNH"
    assert values(sheet, 2) == HEADERS


def test_the_header_row_is_frozen(results):
    assert workbook().freeze_panes == "A3"


def test_ranked_units_come_first_by_rank_then_the_unit_left_out_of_the_ranking(results):
    sheet = workbook()

    assert [(row[0], row[1]) for row in sheet.iter_rows(min_row=3, values_only=True)] == [
        (1, "SNV"), (2, "STC"), (3, "STP"), ("Không xếp hạng", "BQL")]


def test_a_units_row_holds_numbers_not_text(results):
    snv = values(workbook(), 3)

    assert snv == [1, "SNV", "Sở Nội vụ", None, 92.5, 82.5, 18.5, 8.25, 1, 0, 27.75, 30, 92.5, "Loại A", 1, 2.25]
    assert all(isinstance(value, (int, float)) for value in snv[4:13] + snv[14:])


def test_number_formats_follow_three_decimals_for_points_and_the_frameworks_precision_for_indices(results):
    sheet = workbook()
    formats = [cell.number_format for cell in sheet[3]]

    assert formats[4:6] == ["0.00", "0.00"]
    assert formats[6:12] == ["0.000"] * 6
    assert formats[12] == "0.00"
    assert formats[14:] == ["+0;-0;0", "+0.00;-0.00;0.00"]


def test_a_framework_with_three_decimals_formats_indices_with_three(results):
    Framework.objects.update(precision=3)

    sheet = workbook()

    assert sheet["M3"].number_format == "0.000"
    assert sheet["M3"].value == 92.5


def test_the_grade_column_shows_the_tiers_label_and_changes_keep_their_sign(results):
    stc = values(workbook(), 4)

    assert (stc[13], stc[14], stc[15]) == ("Loại B", -1, -5)


def test_an_index_stored_with_more_digits_than_the_precision_is_written_whole(results):
    results["STP"].index = Decimal("60.476")
    results["STP"].save()

    assert workbook()["M5"].value == 60.476


def test_a_block_without_results_has_its_title_and_headers_only(db):
    make_block("XA", "Khối xã, phường, thị trấn")

    sheet = workbook(block="XA")

    assert sheet["A1"].value == "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025 – KHỐI XÃ, PHƯỜNG, THỊ TRẤN"
    assert sheet.max_row == 2


def test_a_unit_name_that_is_a_formula_is_written_as_text(results):
    from scoring.models import Unit

    Unit.objects.filter(code="SNV").update(name=HYPERLINK)

    content = write_results_workbook(results_rows(2025, "SO", None), results_legend(2025, make_block("SO")))

    assert formula_count(content) == 0
    sheet = load_workbook(BytesIO(content)).active
    assert_plain_text(next(row[2] for row in sheet.iter_rows(min_row=3) if row[1].value == "SNV"), HYPERLINK)
