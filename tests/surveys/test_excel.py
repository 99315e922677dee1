"""The survey design workbook: reading, writing back (a round trip), and every malformation reported in Vietnamese
with its sheet, row and column, nothing saved."""
from decimal import Decimal
from io import BytesIO

import pytest

from scoring.excel.sheets import WorkbookError
from scoring.models import AuditEntry
from surveys.excel import read_survey_workbook, write_survey_workbook
from surveys.models import Option, Question, RespondentGroup, Response, Survey
from surveys.selectors import survey_spec
from surveys.services.design import GroupSpec, OptionSpec, QuestionSpec, SurveySpec, survey_import
from tests.conftest import make_block, make_framework
from tests.formula_cells import INJECTIONS, formula_count

from .survey_workbooks import QUESTIONS, SURVEY, design_xlsx, make_surveyed_province, with_question

D = Decimal


def read_ok(**options):
    spec, issues = read_survey_workbook(design_xlsx(**options))
    assert issues == []
    return spec


def issues_of(**options):
    spec, issues = read_survey_workbook(design_xlsx(**options))
    assert issues
    return [(issue.sheet, issue.row, issue.column, issue.message) for issue in issues]


def import_issues(spec):
    with pytest.raises(WorkbookError) as error:
        survey_import(spec=spec)
    return [(issue.sheet, issue.row, issue.column, issue.message) for issue in error.value.issues]


@pytest.fixture
def province(db):
    return make_surveyed_province()


# --- Reading -------------------------------------------------------------------------------------------------------


def test_the_design_is_read_into_groups_questions_and_weighted_options():
    spec = read_ok()

    assert (spec.code, spec.year, spec.blocks, spec.anonymous) == ("XHH-2024", 2024, ("SO",), True)
    assert spec.groups == (GroupSpec("NGUOIDAN", "Người dân", False), GroupSpec("LDSO", "Lãnh đạo sở, ngành", True))
    first = spec.questions[0]
    assert (first.code, first.group, first.criterion_code, first.element, first.content, first.rates) == \
        ("C1", "NGUOIDAN", "8.1", "access", "satisfaction", "block")
    assert first.options == (OptionSpec("A", D(100)), OptionSpec("B", D(60)), OptionSpec("C", D(20)),
                             OptionSpec("D", D(0)), OptionSpec("E", None))
    assert spec.questions[4].rates == "own"


def test_optional_survey_keys_take_their_defaults():
    spec = read_ok(survey=SURVEY[:4])

    assert (spec.anonymous, spec.satisfied_min_weight, spec.margin_of_error) == (True, D(60), D("0.05"))


def test_blocks_are_a_comma_separated_list_in_any_case():
    spec = read_ok(survey=[*SURVEY[:3], ("blocks", "so, Huyen,XA, so")])

    assert spec.blocks == ("SO", "HUYEN", "XA")


def test_a_weight_may_have_a_decimal_comma_and_labels_may_be_long_text():
    spec = read_ok(questions=[with_question(0, options="Rất hài lòng=100; Hài lòng=62,5; Không biết=")])

    assert spec.questions[0].options == (OptionSpec("Rất hài lòng", D(100)), OptionSpec("Hài lòng", D("62.5")),
                                         OptionSpec("Không biết", None))


def test_sipas_elements_and_contents_may_be_written_as_their_vietnamese_labels():
    spec = read_ok(questions=[with_question(0, element="Thủ tục hành chính", content="sự hài lòng")])

    assert (spec.questions[0].element, spec.questions[0].content) == ("procedure", "satisfaction")


def test_a_group_is_named_by_its_code_when_no_row_names_it():
    spec = read_ok(questions=[with_question(0, group_name=""), with_question(1)])

    assert spec.groups == (GroupSpec("NGUOIDAN", "NGUOIDAN", False),)


# --- Malformations -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("options, fragment", [
    ("A100; B=60", "'A100' không đúng dạng nhãn=trọng số"),
    ("=100; B=60", "'=100' không đúng dạng"),
    ("", "cần ít nhất một phương án"),
    ("; ;", "cần ít nhất một phương án"),
    ("A=abc; B=60", "trọng số 'abc' của phương án 'A'"),
])
def test_bad_options_syntax_is_reported_on_its_cell(options, fragment):
    issues = issues_of(questions=[with_question(0, options=options)])

    assert any(row == 2 and column == "options" and fragment in message for _s, row, column, message in issues), issues


@pytest.mark.parametrize("weight", ["120", "-1", "100.5", "60.125"])
def test_a_weight_outside_0_to_100_or_with_more_than_2_decimals_is_refused(weight):
    issues = issues_of(questions=[with_question(0, options=f"A={weight}; B=60")])

    assert issues == [("questions", 2, "options", f"trọng số '{weight}' của phương án 'A' phải là số từ 0 đến 100 "
                                                  "(tối đa 2 chữ số thập phân) hoặc để trống")]


def test_a_duplicate_option_label_is_refused_in_any_case():
    issues = issues_of(questions=[with_question(0, options="A=100; B=60; a=0")])

    assert issues == [("questions", 2, "options", "phương án 'a' bị lặp")]


def test_a_duplicate_question_code_in_a_group_is_refused_but_not_across_groups():
    issues = issues_of(questions=[*QUESTIONS, with_question(1, code="c1")])

    assert issues == [("questions", 7, "code", "mã câu hỏi 'c1' trùng với dòng 2 trong nhóm NGUOIDAN")]


@pytest.mark.parametrize("column, value", [("element", "speed"), ("content", "hài lòng lắm"), ("rates", "all")])
def test_an_unknown_element_content_or_rates_is_refused(column, value):
    issues = issues_of(questions=[with_question(0, **{column: value})])

    assert len(issues) == 1
    assert issues[0][:3] == ("questions", 2, column)
    assert issues[0][3].startswith(f"'{value}' không hợp lệ; dùng: ")


def test_an_element_without_its_content_is_refused():
    issues = issues_of(questions=[with_question(0, content="")])

    assert issues == [("questions", 2, "content", "yếu tố (element) và nội dung đo (content) SIPAS phải ghi cùng "
                                                  "nhau, hoặc cùng để trống")]


def test_a_question_code_named_like_a_responses_column_is_refused():
    issues = issues_of(questions=[with_question(0, code="unit_code")])

    assert [row[:3] for row in issues] == [("questions", 2, "code")]


def test_contradicting_group_names_or_flags_are_refused():
    issues = issues_of(questions=[*QUESTIONS[:3], with_question(3), with_question(4, group_name="Lãnh đạo khác",
                                                                                  identified="không")])

    assert [row[:3] for row in issues] == [("questions", 6, "group_name"), ("questions", 6, "identified")]


@pytest.mark.parametrize("key, value, fragment", [
    ("year", "2024a", "năm phải là số nguyên từ 2000 đến 2100"),
    ("year", 1999, "năm phải là số nguyên"),
    ("anonymous", "có lẽ", "'có lẽ' không hợp lệ"),
    ("satisfied_min_weight", 101, "trọng số hài lòng phải là số từ 0 đến 100"),
    ("margin_of_error", 0, "sai số e phải lớn hơn 0"),
    ("colour", "xanh", "khóa 'colour' không được hỗ trợ"),
])
def test_bad_survey_values_are_reported_on_their_row(key, value, fragment):
    rows = [row for row in SURVEY if row[0] != key] + [(key, value)]
    issues = issues_of(survey=rows)

    assert len(issues) == 1 and fragment in issues[0][3], issues
    assert issues[0][:2] == ("survey", len(rows) + 1)


def test_a_missing_required_key_is_reported():
    issues = issues_of(survey=SURVEY[1:])

    assert issues == [("survey", None, "code", "thiếu giá trị của khóa 'code'")]


def test_a_missing_column_or_sheet_gives_no_design():
    spec, issues = read_survey_workbook(design_xlsx(question_header=("code", "group", "text", "options")))

    assert spec is None
    assert {issue.column for issue in issues} == {"criterion_code", "element", "content"}


def test_a_file_that_is_not_a_workbook_is_refused():
    spec, issues = read_survey_workbook(BytesIO(b"not a workbook"))

    assert spec is None
    assert "Excel" in str(issues[0])


# --- Import: what needs the database -------------------------------------------------------------------------------


def test_importing_creates_the_survey_its_groups_questions_and_options(province):
    summary = survey_import(spec=read_ok())

    survey = summary.survey
    assert (summary.created, summary.groups, summary.questions) == (True, 2, 5)
    assert list(survey.blocks.values_list("code", flat=True)) == ["SO"]
    assert list(survey.groups.order_by("position").values_list("code", "name", "identified")) == [
        ("NGUOIDAN", "Người dân", False), ("LDSO", "Lãnh đạo sở, ngành", True)]
    question = Question.objects.get(group__code="NGUOIDAN", code="C1")
    assert list(question.options.order_by("position").values_list("label", "weight")) == [
        ("A", D(100)), ("B", D(60)), ("C", D(20)), ("D", D(0)), ("E", None)]
    assert AuditEntry.objects.filter(entity="survey", entity_id=survey.pk).count() == 1


def test_an_unknown_block_is_refused_and_nothing_is_saved(province):
    issues = import_issues(read_ok(survey=[*SURVEY[:3], ("blocks", "SO, KHOI-LA")]))

    assert issues == [("survey", 5, "value", "khối 'KHOI-LA' không tồn tại (các khối: SO, XA)")]
    assert not Survey.objects.exists()


@pytest.mark.parametrize("code", ["1.1", "8", "9.9"])
def test_a_criterion_that_is_not_a_survey_leaf_of_the_year_is_refused(province, code):
    issues = import_issues(read_ok(questions=[with_question(0, criterion_code=code)]))

    assert issues == [("questions", 2, "criterion_code",
                       f"'{code}' không phải là tiêu chí điều tra XHH (phương pháp survey) trong bộ chỉ số năm 2024 "
                       "của khối SO")]
    assert not Question.objects.exists()


def test_scored_questions_without_a_framework_of_the_year_are_refused_once(province):
    issues = import_issues(read_ok(survey=[*SURVEY[:2], ("year", 2030), ("blocks", "SO")]))

    assert issues == [(None, None, None, "Chưa có bộ chỉ số năm 2030 của khối SO: nhập bộ chỉ số trước, rồi nhập "
                                         "bảng hỏi có câu hỏi tính điểm (cột criterion_code).")]


def test_a_survey_leaf_of_another_year_or_of_a_block_not_surveyed_is_refused(province):
    make_framework(year=2023, block=make_block("SO"), leaves={"7.1": ("survey", "1")})
    make_framework(year=2024, block=make_block("XA"), leaves={"6.1": ("survey", "1")})

    issues = import_issues(read_ok(questions=[with_question(0, criterion_code="7.1"),
                                              with_question(1, criterion_code="6.1")]))

    assert [issue[1] for issue in issues] == [2, 3]


def test_a_leaf_of_any_surveyed_block_is_accepted(province):
    make_framework(year=2024, block=make_block("XA"), leaves={"6.1": ("survey", "1")})

    spec = read_ok(survey=[*SURVEY[:3], ("blocks", "SO, XA")], questions=[with_question(0, criterion_code="6.1")])

    assert survey_import(spec=spec).questions == 1


def test_reimporting_replaces_the_questions_in_place_and_keeps_the_survey_and_groups(province):
    first = survey_import(spec=read_ok()).survey
    group = RespondentGroup.objects.get(code="NGUOIDAN")

    changed = with_question(0, text="Câu hỏi đã sửa", options="Có=100; Không=0")
    summary = survey_import(spec=read_ok(questions=[changed]))

    assert (summary.survey.pk, summary.created, summary.questions) == (first.pk, False, 1)
    assert RespondentGroup.objects.get(code="NGUOIDAN").pk == group.pk
    assert not RespondentGroup.objects.filter(code="LDSO").exists()
    assert list(Question.objects.values_list("text", flat=True)) == ["Câu hỏi đã sửa"]
    assert Option.objects.count() == 2


def test_reimporting_a_survey_that_has_answers_is_refused_with_a_clear_message(province):
    survey = survey_import(spec=read_ok()).survey
    Response.objects.create(survey=survey, group=survey.groups.first(), unit=province.block.units.first(),
                            source="paper", submitted_on="2024-10-01")

    issues = import_issues(read_ok(questions=[with_question(0, text="Câu hỏi đã sửa")]))

    assert issues == [(None, None, None, "Cuộc điều tra XHH-2024 đã có 1 phiếu trả lời: không thay được bảng hỏi. "
                                         "Tạo cuộc điều tra với mã khác, hoặc xóa các phiếu trả lời trước.")]
    assert Question.objects.count() == 5


def test_a_group_with_sample_targets_cannot_be_dropped_by_a_reimport(province):
    from surveys.models import SampleTarget

    survey = survey_import(spec=read_ok()).survey
    SampleTarget.objects.create(survey=survey, group=survey.groups.get(code="LDSO"),
                                unit=province.block.units.first(), transactions=100)

    issues = import_issues(read_ok(questions=QUESTIONS[:3]))

    assert issues == [("questions", None, "group", "nhóm LDSO đã có phiếu mời hoặc cỡ mẫu nên phải giữ lại trong "
                                                   "sheet questions")]


# --- Writing back --------------------------------------------------------------------------------------------------


def test_a_written_design_reads_back_equal_field_by_field():
    spec = read_ok(survey=[*SURVEY, ("satisfied_min_weight", 75.5), ("margin_of_error", 0.1)],
                   questions=[*QUESTIONS, with_question(2, code="C4", options="=x=100; B=0,5")])

    again, issues = read_survey_workbook(BytesIO(write_survey_workbook(spec)))

    assert issues == []
    assert again == spec
    assert again.questions[-1].options == (OptionSpec("=x", D(100)), OptionSpec("B", D("0.5")))


def test_an_imported_design_exports_equal_to_the_file(province):
    spec = read_ok()
    survey = survey_import(spec=spec).survey

    exported = survey_spec(survey)

    assert exported == spec
    again, issues = read_survey_workbook(BytesIO(write_survey_workbook(exported)))
    assert issues == [] and again == spec


def test_export_keeps_codes_that_look_like_numbers_as_text():
    spec = SurveySpec(code="2024", name="Khảo sát", year=2024, blocks=("SO",), groups=(GroupSpec("1", "Nhóm 1"),),
                      questions=(QuestionSpec("1", "1", "Câu một", (OptionSpec("1", D(100)),), criterion_code="8.1"),))

    again, issues = read_survey_workbook(BytesIO(write_survey_workbook(spec)))

    assert issues == []
    assert again == spec


def test_round_trip_keeps_unicode_as_nfc():
    decomposed = "Ho\u0302\u0300i"  # "Hồi" typed as base letters and combining marks
    spec = read_ok(questions=[with_question(0, text=decomposed)])

    assert spec.questions[0].text == "Hồi"



@pytest.mark.parametrize("value", INJECTIONS)
def test_a_design_whose_texts_look_like_formulas_is_written_as_text(value):
    import dataclasses

    spec = read_ok()
    question = dataclasses.replace(spec.questions[0], text=value)
    spec = dataclasses.replace(spec, name=value, questions=[question, *spec.questions[1:]])

    content = write_survey_workbook(spec)

    assert formula_count(content) == 0
    again, _issues = read_survey_workbook(BytesIO(content))
    assert (again.name, again.questions[0].text) == (" ".join(value.split()),) * 2


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_responses_sheet_whose_answers_look_like_formulas_is_written_as_text(value):
    from surveys.excel import write_responses_workbook
    from surveys.services.responses import ResponseRow

    content = write_responses_workbook(["C1"], [ResponseRow(value, "G", "SNV", (("C1", value),))])

    assert formula_count(content) == 0
