"""The managers' exports of a survey's results, read back with openpyxl: every answer (one row per response,
streamed) and the aggregates (survey points per unit and leaf, SIPAS per element, distributions per question).
The figures are those of tests/surveys/results_data.py."""
from datetime import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys import selectors
from surveys.excel import write_answers_workbook
from surveys.models import Answer, Response
from surveys.results import survey_aggregates
from surveys.selectors import AnswerRow, survey_answer_rows, survey_question_columns
from tests.formula_cells import HYPERLINK, INJECTIONS, assert_plain_text, formula_count

from .questionnaires import make_group, make_survey
from .results_data import SPEEDER, make_answered_survey

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
FIXED = ["Mã phiếu", "Nhóm", "Mã đơn vị", "Tên đơn vị", "Nguồn", "Ngày trả lời", "Đáng ngờ", "Lý do đánh dấu"]


@pytest.fixture
def survey(own_unit, other_unit):
    return make_answered_survey()


@pytest.fixture
def manager(client, coordinator):
    client.force_login(coordinator, backend=MODEL_BACKEND)
    return client


def download(client, route, survey):
    response = client.get(reverse(route, args=[survey.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, load_workbook(BytesIO(content))


def rows_of(sheet):
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


# --- Every answer ---------------------------------------------------------------------------------------------------


def test_the_answers_export_has_one_row_per_response_and_a_column_per_question_code(manager, survey):
    response, workbook = download(manager, "surveys:survey_export_answers", survey)

    assert response["Content-Disposition"] == 'attachment; filename="XHH-2024-tra-loi.xlsx"'
    header, *rows = rows_of(workbook["tra-loi"])
    assert header == [*FIXED, "C1", "C2", "C3"]
    assert len(rows) == Response.objects.count() == 5
    by_id = {row[0]: row for row in rows}
    flagged = by_id[str(Response.objects.get(respondent_key="P-002").pk)]
    assert flagged[1:5] == ["NGUOIDAN", "SNV", "Sở Nội vụ", "Nhập từ Excel"]
    assert flagged[6:] == ["có", SPEEDER, "C", "E", "Đúng hẹn"]


def test_a_question_code_shared_by_two_groups_holds_each_groups_own_answer(manager, survey):
    _response, workbook = download(manager, "surveys:survey_export_answers", survey)

    leaders = {row[0]: row for row in rows_of(workbook["tra-loi"])[1:] if row[1] == "LDSO"}
    l01 = leaders[str(Response.objects.get(respondent_key="L-01").pk)]
    assert l01[8:] == ["A", "D", None]
    assert l01[6:8] == ["không", None]


def test_the_answer_date_is_a_date_shown_day_month_year(manager, survey):
    _response, workbook = download(manager, "surveys:survey_export_answers", survey)

    cell = workbook["tra-loi"]["F2"]
    submitted = Response.objects.first().submitted_on
    assert cell.value == datetime(submitted.year, submitted.month, submitted.day)
    assert cell.number_format == "DD/MM/YYYY"


def test_rows_are_read_in_chunks_and_none_is_lost_between_them(survey, monkeypatch):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 2)

    rows = list(survey_answer_rows(survey))

    assert len(rows) == 5 and len({row.response_id for row in rows}) == 5
    assert sum(len(row.labels) for row in rows) == Answer.objects.filter(response__survey=survey).count()


def test_the_writer_streams_rows_from_an_iterator_in_write_only_mode(survey):
    consumed = []

    def rows():
        for row in survey_answer_rows(survey):
            consumed.append(row.response_id)
            yield row

    out = BytesIO()
    write_answers_workbook(survey_question_columns(survey), rows(), out)

    assert len(consumed) == 5
    assert load_workbook(BytesIO(out.getvalue()))["tra-loi"].max_row == 6


def test_codes_and_labels_that_look_like_numbers_or_formulas_stay_text():
    row = AnswerRow("id-1", "G", "001", "Xã Một", "paper", datetime(2024, 10, 1).date(), False, "", {7: "=1+1"})

    out = BytesIO()
    write_answers_workbook([(7, "1")], iter([row]), out)

    sheet = load_workbook(BytesIO(out.getvalue()))["tra-loi"]
    assert [sheet["C2"].value, sheet["E2"].value, sheet["I1"].value, sheet["I2"].value] == ["001", "Phiếu giấy",
                                                                                            "1", "=1+1"]
    assert sheet["I2"].data_type == "s"


def test_an_empty_survey_exports_just_the_header(manager, own_unit):
    empty = make_survey()
    make_group(empty, "ND", questions=2)

    _response, workbook = download(manager, "surveys:survey_export_answers", empty)

    assert rows_of(workbook["tra-loi"]) == [[*FIXED, "ND1", "ND2"]]


# --- Aggregates -----------------------------------------------------------------------------------------------------


def test_the_aggregates_export_has_points_sipas_and_distribution_sheets(manager, survey):
    response, workbook = download(manager, "surveys:survey_export_aggregates", survey)

    assert response["Content-Disposition"] == 'attachment; filename="XHH-2024-tong-hop.xlsx"'
    assert workbook.sheetnames == ["diem-dieu-tra", "sipas", "phan-bo"]


def test_points_are_per_unit_and_survey_leaf(manager, survey):
    _response, workbook = download(manager, "surveys:survey_export_aggregates", survey)

    header, *rows = rows_of(workbook["diem-dieu-tra"])
    assert header == ["Mã đơn vị", "Tên đơn vị", "Khối", "8.1. Tiêu chí 8.1 (tối đa 3)",
                      "8.2. Tiêu chí 8.2 (tối đa 2,5)"]
    assert rows == [["SNV", "Sở Nội vụ", "SO", 1.8, 1.333], ["STC", "Sở Tài chính", "SO", 0.6, None]]
    assert workbook["diem-dieu-tra"]["D2"].number_format == "0.000"


def test_sipas_is_per_element_for_the_survey_then_each_unit(manager, survey):
    _response, workbook = download(manager, "surveys:survey_export_aggregates", survey)

    header, whole, snv, stc = rows_of(workbook["sipas"])
    assert header[2:4] == ["Tiếp cận dịch vụ (%)", "Thủ tục hành chính (%)"] and header[-2:] == [
        "Chung (%)", "Số câu trả lời hợp lệ"]
    assert whole[0] == "Toàn bộ" and whole[2:] == [33.33, 100, None, None, None, 50, 4]
    assert snv[:2] == ["SNV", "Sở Nội vụ"] and snv[2:] == [50, 100, None, None, None, 66.67, 3]
    assert stc[2:] == [0, None, None, None, None, 0, 1]


def test_distributions_list_every_option_of_every_question(manager, survey):
    _response, workbook = download(manager, "surveys:survey_export_aggregates", survey)

    header, *rows = rows_of(workbook["phan-bo"])
    assert header == ["Nhóm", "Mã câu hỏi", "Câu hỏi", "Phương án", "Trọng số (%)", "Số câu trả lời", "Tỷ lệ (%)"]
    assert len(rows) == 5 + 5 + 2 + 5 + 5
    assert rows[2] == ["NGUOIDAN", "C1", "Ông/bà hài lòng với việc tiếp cận dịch vụ?", "C", 20, 2, 66.67]
    assert rows[4][3:] == ["E", None, 0, 0]


@pytest.mark.parametrize("route", ["surveys:survey_export_answers", "surveys:survey_export_aggregates"])
def test_leaders_may_read_results_but_not_download_every_answer(client, leader, survey, route):
    client.force_login(leader, backend=MODEL_BACKEND)

    assert client.get(reverse(route, args=[survey.pk])).status_code == 403


def test_the_points_cells_hold_the_stored_decimals(survey):
    aggregates = survey_aggregates(survey)

    snv = next(unit for unit in aggregates.units if unit.code == "SNV")
    assert aggregates.points[(snv.pk, "8.2")] == (Decimal("1.333"), Decimal("2.500"))


@pytest.mark.parametrize("value", INJECTIONS)
def test_every_text_of_an_answer_row_that_looks_like_a_formula_stays_text(value):
    row = AnswerRow("id-1", value, value, value, "paper", datetime(2024, 10, 1).date(), True, value, {7: value})

    out = BytesIO()
    write_answers_workbook([(7, value)], iter([row]), out)

    assert formula_count(out.getvalue()) == 0
    sheet = load_workbook(BytesIO(out.getvalue()))["tra-loi"]
    for address in ("B2", "C2", "D2", "H2", "I2", "I1"):
        assert_plain_text(sheet[address], value)


def test_unit_and_survey_names_that_are_formulas_stay_text_in_the_aggregates(manager, survey):
    from scoring.models import Unit

    Unit.objects.update(name=HYPERLINK)
    type(survey).objects.filter(pk=survey.pk).update(name=HYPERLINK)

    response = manager.get(reverse("surveys:survey_export_aggregates", args=[survey.pk]))

    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert formula_count(content) == 0
    names = [cell for sheet in load_workbook(BytesIO(content)) for row in sheet.iter_rows() for cell in row
             if cell.value == HYPERLINK]
    assert names
    for cell in names:
        assert_plain_text(cell, HYPERLINK)
