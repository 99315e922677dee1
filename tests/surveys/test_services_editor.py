"""The editor's services: an edit is the current design plus one change, saved by survey_import; and the design's
rules (validate_survey) hold for designs built in code as for files."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from scoring.excel.sheets import WorkbookError
from surveys.demo_questionnaire import sample_survey_spec
from surveys.models import Question, RespondentGroup
from surveys.selectors import survey_spec
from surveys.services.answering import invitation_issue
from surveys.services.design import GroupSpec, OptionSpec, QuestionSpec, validate_survey
from surveys.services.editor import EDITED, group_save, question_save, survey_update

from .results_data import import_design, make_answered_survey, make_province

D = Decimal


@pytest.fixture
def survey(own_unit, other_unit):
    make_province()
    return import_design()


def test_moving_only_the_dates_of_an_answered_survey_leaves_its_design_alone(own_unit, other_unit):
    survey = make_answered_survey(points=False)
    before = list(Question.objects.values_list("pk", flat=True))
    header = {"name": survey.name, "year": survey.year, "blocks": ("SO",), "anonymous": True,
              "satisfied_min_weight": D(60), "margin_of_error": D("0.05")}

    survey_update(survey=survey, header=header, opens_on=None, closes_on=date(2024, 12, 31))

    survey.refresh_from_db()
    assert survey.closes_on == date(2024, 12, 31)
    assert list(Question.objects.values_list("pk", flat=True)) == before


def test_changing_the_design_of_an_answered_survey_is_refused(own_unit, other_unit):
    survey = make_answered_survey(points=False)
    header = {"name": "Tên khác", "year": 2024, "blocks": ("SO",), "anonymous": True,
              "satisfied_min_weight": D(60), "margin_of_error": D("0.05")}

    with pytest.raises(WorkbookError, match="đã có 5 phiếu trả lời"):
        survey_update(survey=survey, header=header, opens_on=None, closes_on=None)


def test_a_renamed_group_keeps_its_invitations(survey, own_unit):
    leaders = RespondentGroup.objects.get(survey=survey, code="LDSO")
    invitation_issue(survey=survey, group=leaders, people=[("Nguyễn Văn An", "", own_unit)])

    group_save(survey=survey, group=leaders, spec=GroupSpec("LDSO", "Lãnh đạo các sở", True))

    assert RespondentGroup.objects.get(pk=leaders.pk).name == "Lãnh đạo các sở"
    assert leaders.invitations.count() == 1


def test_the_edited_question_carries_the_edited_row_in_the_issues(survey):
    spec = QuestionSpec("C1", "NGUOIDAN", "Trùng mã", (OptionSpec("Có", D(100)),))

    with pytest.raises(WorkbookError) as error:
        question_save(survey=survey, spec=spec)

    assert [(issue.row, issue.column) for issue in error.value.issues] == [(EDITED, "code")]


def test_rules_hold_for_designs_built_in_code():
    spec = sample_survey_spec()
    broken = replace(spec, groups=(*spec.groups, GroupSpec(spec.groups[0].code.lower(), "Trùng")),
                     questions=(*spec.questions, QuestionSpec("X1", "KHONGCO", "Câu?", ())))

    assert validate_survey(spec) == []
    assert [(issue.column, issue.message) for issue in validate_survey(broken)] == [
        ("group", f"mã nhóm '{spec.groups[0].code.lower()}' bị lặp"),
        ("options", "cần ít nhất một phương án, dạng A=100; B=60; C=20; D=0; E="),
        ("group", "nhóm 'KHONGCO' chưa có trong danh sách nhóm đối tượng")]


def test_the_stored_design_reads_back_through_the_rules_unchanged(survey):
    assert validate_survey(survey_spec(survey)) == []
