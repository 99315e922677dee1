"""import_responses: one row per respondent and rated unit, replaced (never duplicated) on re-import, all or nothing,
straight-liners flagged but kept."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.excel.sheets import WorkbookError
from scoring.models import AuditEntry
from surveys.excel import read_responses_workbook, read_survey_workbook
from surveys.models import Answer, Response, Source
from surveys.services.design import survey_import
from surveys.services.responses import ResponseRow, responses_import

from .survey_workbooks import design_xlsx, make_surveyed_province, responses_xlsx, with_question

ALL_SAME = [with_question(0)] + [with_question(0, code=f"C{n}", criterion_code="") for n in range(2, 7)]


@pytest.fixture
def survey(db):
    make_surveyed_province()
    spec, _issues = read_survey_workbook(design_xlsx())
    return survey_import(spec=spec).survey


def row(respondent, unit="SNV", group="NGUOIDAN", number=2, **answers):
    return ResponseRow(respondent, group, unit, tuple(answers.items()), number)


def answers_of(respondent, unit="SNV"):
    return {(a.question.code, a.option.label) for a in Answer.objects.filter(
        response__respondent_key=respondent, response__unit__code=unit).select_related("question", "option")}


def rejected(rows, columns=("C1", "C2", "C3")):
    with pytest.raises(WorkbookError) as error:
        responses_import(survey_code="XHH-2024", rows=rows, columns=columns)
    assert not Response.objects.exists()
    return [(issue.row, issue.column, issue.message) for issue in error.value.issues]


def test_rows_become_responses_with_their_answers(survey):
    summary = responses_import(survey_code="XHH-2024", rows=[
        row("P-001", C1="A", C2="B", C3="Trễ hẹn"), row("P-002", unit="STC", number=3, C1="E")], source=Source.PAPER)

    assert (summary.created, summary.replaced, summary.answers, summary.flagged) == (2, 0, 4, 0)
    assert answers_of("P-001") == {("C1", "A"), ("C2", "B"), ("C3", "Trễ hẹn")}
    response = Response.objects.get(respondent_key="P-002")
    assert (response.unit.code, response.group.code, response.source) == ("STC", "NGUOIDAN", "paper")
    assert AuditEntry.objects.filter(entity="survey", field="responses").count() == 1


def test_labels_match_in_any_case_and_a_letter_picks_the_option_at_that_place(survey):
    responses_import(survey_code="XHH-2024", rows=[row("P-001", C1="b", C3="a")])

    assert answers_of("P-001") == {("C1", "B"), ("C3", "Đúng hẹn")}


def test_the_same_question_code_means_the_question_of_the_rows_group(survey):
    responses_import(survey_code="XHH-2024", rows=[row("L-01", group="ldso", C1="C", C2="D")])

    answers = Answer.objects.filter(response__respondent_key="L-01").select_related("question__group")
    assert {a.question.group.code for a in answers} == {"LDSO"}


def test_reimporting_the_same_respondents_replaces_their_answers_and_never_duplicates(survey):
    responses_import(survey_code="XHH-2024", rows=[row("P-001", C1="A", C2="B"), row("P-002", C1="A")])
    first_id = Response.objects.get(respondent_key="P-001").pk

    summary = responses_import(survey_code="XHH-2024", rows=[row("P-001", C1="D")])

    assert (summary.created, summary.replaced) == (0, 1)
    assert Response.objects.count() == 2
    assert Response.objects.get(respondent_key="P-001").pk == first_id
    assert answers_of("P-001") == {("C1", "D")}
    assert answers_of("P-002") == {("C1", "A")}


def test_the_same_respondent_may_rate_several_units(survey):
    summary = responses_import(survey_code="XHH-2024", rows=[row("L-01", "SNV", "LDSO", 2, C1="A"),
                                                               row("L-01", "STC", "LDSO", 3, C1="B")])

    assert summary.created == 2


def test_replacing_is_set_based_whatever_the_number_of_rows(survey):
    rows = [row(f"P-{n:03d}", C1="A", C2="B") for n in range(300)]
    responses_import(survey_code="XHH-2024", rows=rows)

    with CaptureQueriesContext(connection) as queries:
        responses_import(survey_code="XHH-2024", rows=rows)

    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 1 and "surveys_answer" in deletes[0]
    assert len(queries.captured_queries) < 20
    assert Answer.objects.count() == 600


def test_an_unknown_unit_or_a_unit_outside_the_surveyed_blocks_is_rejected(survey):
    issues = rejected([row("P-001", unit="SKHONG", C1="A"), row("P-002", unit="XA-001", number=3, C1="A")])

    assert issues == [(2, "unit_code", "đơn vị 'SKHONG' không tồn tại"),
                      (3, "unit_code", "đơn vị 'XA-001' thuộc khối XA, không phải khối được đánh giá (SO)")]


def test_an_unknown_group_is_rejected(survey):
    assert rejected([row("P-001", group="SINHVIEN", C1="A")]) == [
        (2, "group", "nhóm 'SINHVIEN' không có trong cuộc điều tra (các nhóm: NGUOIDAN, LDSO)")]


def test_an_unknown_option_label_for_that_question_is_rejected(survey):
    assert rejected([row("P-001", C1="A", C3="Z")]) == [
        (2, "C3", "phương án 'Z' không có trong câu hỏi C3 (các phương án: Đúng hẹn; Trễ hẹn)")]


def test_a_question_of_another_group_is_rejected(survey):
    assert rejected([row("L-01", group="LDSO", C3="A")]) == [(2, "C3", "câu hỏi C3 không thuộc nhóm LDSO")]


def test_an_unknown_question_column_is_rejected_even_when_blank(survey):
    assert rejected([row("P-001", C1="A")], columns=("C1", "C9")) == [
        (1, "C9", "cột 'C9' không phải là mã câu hỏi nào của cuộc điều tra")]


def test_a_respondent_twice_for_one_unit_and_an_empty_response_are_rejected(survey):
    assert rejected([row("P-001", C1="A"), row("P-001", number=3, C1="B"), row("P-002", number=4)]) == [
        (3, "respondent", "người trả lời 'P-001' đã đánh giá đơn vị SNV ở dòng 2"),
        (4, None, "phiếu không có câu trả lời nào")]


def test_an_unknown_survey_is_rejected(survey):
    with pytest.raises(WorkbookError, match="Không có cuộc điều tra mã 'XHH-1990'"):
        responses_import(survey_code="XHH-1990", rows=[row("P-001", C1="A")])


def test_one_bad_row_saves_nothing_and_every_problem_is_reported(survey):
    issues = rejected([row("P-001", C1="A"), row("P-002", number=3, C1="Z"), row("P-003", unit="X", number=4, C1="A")])

    assert [issue[0] for issue in issues] == [3, 4]


# --- Straight-liners -------------------------------------------------------------------------------------------------


@pytest.fixture
def long_survey(db):
    make_surveyed_province()
    spec, _issues = read_survey_workbook(design_xlsx(questions=ALL_SAME))
    return survey_import(spec=spec).survey


def test_a_respondent_choosing_the_same_option_for_five_questions_is_flagged_not_dropped(long_survey):
    same = {f"C{n}": "A" for n in range(1, 6)}
    summary = responses_import(survey_code="XHH-2024", rows=[row("P-001", **same)])

    response = Response.objects.get()
    assert summary.flagged == 1
    assert response.flagged
    assert response.flag_reason == "chọn cùng một phương án cho mọi câu"
    assert response.answers.count() == 5


@pytest.mark.parametrize("answers", [
    {f"C{n}": "A" for n in range(1, 5)},  # four questions: too few to tell
    {**{f"C{n}": "A" for n in range(1, 6)}, "C6": "B"},
])
def test_fewer_than_five_answers_or_any_different_choice_is_not_flagged(long_survey, answers):
    responses_import(survey_code="XHH-2024", rows=[row("P-001", **answers)])

    assert not Response.objects.get().flagged


def test_a_corrected_reimport_clears_the_flag(long_survey):
    responses_import(survey_code="XHH-2024", rows=[row("P-001", **{f"C{n}": "A" for n in range(1, 6)})])

    responses_import(survey_code="XHH-2024", rows=[row("P-001", **{f"C{n}": "A" for n in range(1, 5)}, C5="B")])

    assert Response.objects.get().flag_reason == ""


# --- The responses sheet ---------------------------------------------------------------------------------------------


def test_the_sheet_gives_question_columns_as_written_and_leaves_blank_cells_out():
    columns, rows, issues = read_responses_workbook(responses_xlsx([("P-001", "NGUOIDAN", "SNV", "A", None, 1)]))

    assert issues == []
    assert columns == ["C1", "C2", "C3"]
    assert rows == [ResponseRow("P-001", "NGUOIDAN", "SNV", (("C1", "A"), ("C3", "1")), 2)]


@pytest.mark.parametrize("header, column", [
    (("respondent", "group", "C1"), "unit_code"),
    (("group", "unit_code", "C1"), "respondent"),
])
def test_a_missing_column_is_reported_in_the_header(header, column):
    _columns, _rows, issues = read_responses_workbook(responses_xlsx([("x", "y", "z")], header=header))

    assert [(issue.row, issue.column) for issue in issues] == [(1, column)]


def test_a_blank_respondent_group_or_unit_is_reported():
    _columns, _rows, issues = read_responses_workbook(responses_xlsx([(None, "NGUOIDAN", None, "A")]))

    assert [(issue.row, issue.column, issue.message) for issue in issues] == [
        (2, "respondent", "ô này không được để trống"), (2, "unit_code", "ô này không được để trống")]

