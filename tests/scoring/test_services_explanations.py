from datetime import date

import pytest

from scoring.models import AuditEntry, Cycle, Role
from scoring.services.appraisal import leaf_score_request_explanation
from scoring.services.explanations import assessment_submit_explanation, leaf_score_answer
from scoring.workflow import ConflictError, WorkflowError

from .appraisal_data import S, make_cycle, make_file, score_of, self_scored


@pytest.fixture
def asked(db, personas, own_unit):
    """The board asked about 1.1 and 2.1 of the own unit's file."""
    cycle = make_cycle(explanation_deadline=date(2025, 12, 20))
    assessment = make_file(cycle, own_unit, scores=self_scored())
    for code, user in (("1.1", personas[Role.APPRAISER]), ("2.1", personas[Role.COORDINATOR])):
        leaf_score_request_explanation(leaf_score=score_of(assessment, code), user=user, version=1,
                                       question=f"Giải trình tiêu chí {code}")
    assessment.refresh_from_db()
    return assessment


BEFORE_DEADLINE = date(2025, 12, 19)


def test_the_unit_answers_a_question_audited(asked, unit_officer):
    score = score_of(asked, "1.1")

    leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer=" Đã ban hành QĐ 5 ",
                      today=BEFORE_DEADLINE)

    score = score_of(asked, "1.1")
    assert (score.explanation_answer, score.version) == ("Đã ban hành QĐ 5", 3)
    assert score.explanation_answered_at is not None
    entry = AuditEntry.objects.get(entity="leaf_score", entity_id=score.pk, field="explanation_answer")
    assert (entry.old_value, entry.new_value, entry.actor) == ("", "Đã ban hành QĐ 5", unit_officer)


def test_an_empty_answer_is_refused(asked, unit_officer):
    score = score_of(asked, "1.1")

    with pytest.raises(WorkflowError, match="Hãy nhập nội dung giải trình"):
        leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="  ")


def test_a_leaf_nobody_asked_about_takes_no_answer(asked, unit_officer):
    score = score_of(asked, "1.2")

    with pytest.raises(WorkflowError, match="không yêu cầu giải trình tiêu chí này"):
        leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="x",
                          today=BEFORE_DEADLINE)


def test_answers_are_refused_after_the_explanation_deadline(asked, unit_officer):
    score = score_of(asked, "1.1")

    with pytest.raises(WorkflowError, match="Đã hết hạn giải trình ngày 20/12/2025"):
        leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="x",
                          today=date(2025, 12, 21))

    assert score_of(asked, "1.1").explanation_answer == ""


def test_a_stale_answer_is_a_conflict(asked, unit_officer, personas):
    score = score_of(asked, "1.1")
    leaf_score_answer(leaf_score=score, user=personas[Role.UNIT_HEAD], version=score.version, answer="Lần 1",
                      today=BEFORE_DEADLINE)

    with pytest.raises(ConflictError):
        leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="Lần 2",
                          today=BEFORE_DEADLINE)

    assert score_of(asked, "1.1").explanation_answer == "Lần 1"


def test_submitting_is_refused_naming_the_unanswered_leaves(asked, unit_officer):
    score = score_of(asked, "1.1")
    leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="x", today=BEFORE_DEADLINE)

    with pytest.raises(WorkflowError, match=r"Chưa trả lời yêu cầu giải trình của 1 tiêu chí: 2\.1\."):
        assessment_submit_explanation(assessment=asked, user=unit_officer, today=BEFORE_DEADLINE)

    asked.refresh_from_db()
    assert asked.status == S.EXPLANATION_REQUESTED


def test_submitting_every_answer_hands_the_file_back_for_round_2(asked, unit_officer):
    for code in ("1.1", "2.1"):
        score = score_of(asked, code)
        leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="Đã bổ sung",
                          today=BEFORE_DEADLINE)

    assessment_submit_explanation(assessment=asked, user=unit_officer, today=BEFORE_DEADLINE)

    asked.refresh_from_db()
    assert asked.status == S.EXPLANATION_SUBMITTED
    entry = AuditEntry.objects.filter(entity="assessment", field="status").latest("id")
    assert (entry.old_value, entry.new_value, entry.actor) == ("explanation_requested", "explanation_submitted",
                                                              unit_officer)


def test_submitting_after_the_deadline_is_refused(asked, unit_officer):
    Cycle.objects.filter(pk=asked.cycle_id).update(explanation_deadline=date(2025, 1, 1))

    with pytest.raises(WorkflowError, match="Đã hết hạn giải trình ngày 01/01/2025"):
        assessment_submit_explanation(assessment=asked, user=unit_officer, today=date(2025, 1, 2))


def test_a_file_with_no_question_can_not_submit_an_explanation(db, other_unit, unit_officer):
    assessment = make_file(make_cycle(), other_unit)

    with pytest.raises(WorkflowError, match="Không thể thực hiện"):
        assessment_submit_explanation(assessment=assessment, user=unit_officer)
