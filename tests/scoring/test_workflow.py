"""The yearly cycle's state machine, every state against every action, and the permits around the deadlines."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import workflow
from scoring.models import AssessmentStatus as S
from scoring.workflow import (TRANSITIONS, ConflictError, Permit, WorkflowError, appraisal_permit, appraisal_round,
                              explanation_permit, next_status, reopen_status, self_assessment_permit, status_note)

STATES = list(S)
DEADLINE = date(2024, 12, 15)
# Every (state, action) the machine allows, and where it leads: anything not listed here must be refused.
ALLOWED = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.SUBMITTED, "start_appraisal"): S.IN_APPRAISAL,
    (S.SUBMITTED, "request_explanation"): S.EXPLANATION_REQUESTED,
    (S.IN_APPRAISAL, "request_explanation"): S.EXPLANATION_REQUESTED,
    (S.EXPLANATION_REQUESTED, "request_explanation"): S.EXPLANATION_REQUESTED,
    (S.EXPLANATION_REQUESTED, "submit_explanation"): S.EXPLANATION_SUBMITTED,
    (S.SUBMITTED, "finalize"): S.APPRAISED,
    (S.IN_APPRAISAL, "finalize"): S.APPRAISED,
    (S.EXPLANATION_REQUESTED, "finalize"): S.APPRAISED,
    (S.EXPLANATION_SUBMITTED, "finalize"): S.APPRAISED,
}


# --- Transitions -----------------------------------------------------------------------------------------------


def test_the_machine_knows_exactly_the_five_actions_of_the_cycle():
    assert set(TRANSITIONS) == {"submit", "start_appraisal", "request_explanation", "submit_explanation", "finalize"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_each_action_from_each_state_leads_where_the_table_says_or_is_refused(state, action):
    expected = ALLOWED.get((state, action))

    if expected is None:
        with pytest.raises(WorkflowError) as refusal:
            next_status(state, action)
        assert str(S(state).label) in str(refusal.value)
        assert str(refusal.value).startswith("Không thể thực hiện thao tác này")
    else:
        assert next_status(state, action) == expected


def test_an_appraised_assessment_takes_no_step_at_all():
    for action in TRANSITIONS:
        with pytest.raises(WorkflowError):
            next_status(S.APPRAISED, action)


def test_the_whole_happy_path_with_an_explanation_round_ends_appraised():
    status = S.DRAFT
    for action in ("submit", "start_appraisal", "request_explanation", "submit_explanation", "finalize"):
        status = next_status(status, action)
    assert status == S.APPRAISED


@given(st.lists(st.sampled_from(sorted(TRANSITIONS)), max_size=12))
def test_any_sequence_of_actions_only_ever_visits_states_of_the_cycle(actions):
    status = S.DRAFT
    for action in actions:
        try:
            after = next_status(status, action)
        except WorkflowError:
            continue
        assert (status, action) in ALLOWED and after == ALLOWED[(status, action)]
        status = after
    assert status in S.values


# --- Reopening -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("target", [S.DRAFT, S.IN_APPRAISAL])
def test_reopening_goes_back_to_the_unit_or_to_the_board_from_any_later_state(state, target):
    if state == S.DRAFT or state == target:
        with pytest.raises(WorkflowError, match="không cần mở lại"):
            reopen_status(state, target)
    else:
        assert reopen_status(state, target) == target


@pytest.mark.parametrize("target", [S.SUBMITTED, S.EXPLANATION_REQUESTED, S.EXPLANATION_SUBMITTED, S.APPRAISED])
def test_reopening_to_any_other_state_is_refused(target):
    with pytest.raises(WorkflowError, match="Chỉ mở lại về trạng thái tự đánh giá hoặc đang thẩm định."):
        reopen_status(S.APPRAISED, target)


# --- Notes -----------------------------------------------------------------------------------------------------


def test_every_state_but_draft_explains_itself_in_vietnamese():
    assert status_note(S.DRAFT) == ""
    notes = {state: status_note(state) for state in STATES if state != S.DRAFT}
    assert notes[S.IN_APPRAISAL] == "Hồ sơ đã gửi, đang thẩm định."
    assert notes[S.SUBMITTED] == "Hồ sơ đã gửi, đang chờ thẩm định."
    assert "Sở Nội vụ" in notes[S.APPRAISED]
    assert all(notes.values()) and len(set(notes.values())) == len(notes)


def test_a_status_note_accepts_the_plain_string_stored_in_the_database():
    assert status_note("in_appraisal") == status_note(S.IN_APPRAISAL)


# --- The unit's self-assessment permit -------------------------------------------------------------------------


def test_a_draft_may_be_scored_up_to_and_on_the_deadline_day():
    for today in (DEADLINE - timedelta(days=30), DEADLINE):
        assert self_assessment_permit(S.DRAFT, today=today, deadline=DEADLINE) == Permit(True)


def test_the_day_after_the_deadline_the_draft_is_locked_with_the_date_in_the_reason():
    permit = self_assessment_permit(S.DRAFT, today=DEADLINE + timedelta(days=1), deadline=DEADLINE)

    assert not permit
    assert permit.reason == "Đã hết hạn tự đánh giá ngày 15/12/2024."


def test_a_cycle_without_a_deadline_never_locks_a_draft_by_date():
    assert self_assessment_permit(S.DRAFT, today=date(2099, 1, 1), deadline=None)


@pytest.mark.parametrize("state", [state for state in STATES if state != S.DRAFT])
def test_after_submission_nobody_self_scores_whatever_the_date(state):
    permit = self_assessment_permit(state, today=DEADLINE - timedelta(days=10), deadline=DEADLINE)

    assert not permit and permit.reason == status_note(state)


@pytest.mark.parametrize("state", STATES)
def test_a_closed_cycle_locks_every_state_first(state):
    permit = self_assessment_permit(state, today=DEADLINE, deadline=DEADLINE, cycle_open=False)

    assert not permit and permit.reason == "Kỳ đánh giá đã đóng."


@given(st.sampled_from(STATES), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))), st.booleans())
def test_the_self_assessment_permit_is_allowed_exactly_when_open_draft_and_not_late(state, today, deadline, is_open):
    permit = self_assessment_permit(state, today=today, deadline=deadline, cycle_open=is_open)

    expected = is_open and state == S.DRAFT and (deadline is None or today <= deadline)
    assert bool(permit) == expected
    assert (permit.reason == "") == expected


# --- The unit's explanation permit -----------------------------------------------------------------------------


def test_an_asked_leaf_may_be_answered_until_the_explanation_deadline_inclusive():
    assert explanation_permit(S.EXPLANATION_REQUESTED, today=DEADLINE, deadline=DEADLINE, asked=True)
    late = explanation_permit(S.EXPLANATION_REQUESTED, today=DEADLINE + timedelta(days=1), deadline=DEADLINE,
                              asked=True)
    assert not late and late.reason == "Đã hết hạn giải trình ngày 15/12/2024."


def test_a_leaf_the_board_did_not_ask_about_is_not_answered():
    permit = explanation_permit(S.EXPLANATION_REQUESTED, today=DEADLINE, deadline=DEADLINE, asked=False)

    assert not permit and permit.reason == "Hội đồng không yêu cầu giải trình tiêu chí này."


@pytest.mark.parametrize("state", [state for state in STATES if state != S.EXPLANATION_REQUESTED])
def test_outside_the_explanation_round_no_answer_is_taken(state):
    permit = explanation_permit(state, today=DEADLINE, deadline=DEADLINE, asked=True)

    assert not permit
    assert permit.reason == (status_note(state) or "Hồ sơ chưa gửi thẩm định.")


# --- The board -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_the_board_appraises_from_submission_until_finalization(state):
    permit = appraisal_permit(state)

    assert bool(permit) == (state in workflow.APPRAISABLE)
    if state == S.DRAFT:
        assert permit.reason == "Đơn vị chưa gửi hồ sơ tự đánh giá."
    if state == S.APPRAISED:
        assert permit.reason == "Hồ sơ đã thẩm định xong; cần mở lại để điều chỉnh."


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("asked", [False, True])
def test_decisions_are_round_two_only_once_the_unit_has_answered_a_question(state, asked):
    expected = 2 if asked and state == S.EXPLANATION_SUBMITTED else 1

    assert appraisal_round(state, explanation_round=asked) == expected


# --- Errors ----------------------------------------------------------------------------------------------------


def test_a_conflict_is_a_workflow_error_so_one_handler_catches_both():
    assert issubclass(ConflictError, WorkflowError) and issubclass(WorkflowError, ValueError)


def test_a_permit_reads_as_its_answer():
    assert Permit(True) and not Permit(False, "lý do")
    assert workflow.vn_date(date(2025, 1, 5)) == "05/01/2025"
