from decimal import Decimal

import pytest

from scoring.models import AuditEntry, AuditSource, Job, LeafScore, Role
from scoring.rules import ScoreError
from scoring.services import appraisal as service
from scoring.services.appraisal import Decision
from scoring.services.explanations import assessment_submit_explanation, leaf_score_answer
from scoring.workflow import ConflictError, WorkflowError
from tests.conftest import make_unit

from .appraisal_data import S, leaf, make_cycle, make_file, score_of, self_scored
from .results_tables import make_result


@pytest.fixture
def cycle(db):
    return make_cycle()


@pytest.fixture
def appraiser(personas):
    return personas[Role.APPRAISER]


@pytest.fixture
def submitted(cycle, own_unit):
    return make_file(cycle, own_unit, scores=self_scored(**{"1.2": {"self_not_applicable": True,
                                                                    "self_not_applicable_reason": "Không có"}}))


def fresh(assessment, code="1.1"):
    return score_of(assessment, code)


def audit_of(score):
    return {entry.field: entry for entry in AuditEntry.objects.filter(entity="leaf_score", entity_id=score.pk)}


def status_audit(assessment):
    return list(AuditEntry.objects.filter(entity="assessment", entity_id=assessment.pk, field="status")
                .order_by("id").values_list("old_value", "new_value", "reason"))


def explained(assessment, appraiser, coordinator, unit_officer):
    """The board asks about 1.1, the unit answers and submits: the file is in round 2."""
    score = fresh(assessment)
    service.leaf_score_request_explanation(leaf_score=score, user=appraiser, version=score.version,
                                           question="Bổ sung quyết định ban hành kế hoạch")
    score = fresh(assessment)
    leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="Đã bổ sung QĐ 12/QĐ-UBND")
    assessment_submit_explanation(assessment=assessment, user=unit_officer)
    assessment.refresh_from_db()
    return assessment


# --- One leaf, round 1 ---------------------------------------------------------------------------------------


def test_accepting_copies_the_self_score_to_round_1_and_the_final_score(submitted, appraiser):
    score = fresh(submitted)

    service.leaf_score_accept(leaf_score=score, user=appraiser, version=score.version)

    score = fresh(submitted)
    assert (score.appraised_score, score.final_score, score.second_score) == (Decimal(2), Decimal(2), None)
    assert (score.appraised_by, score.version) == (appraiser, 2)
    assert audit_of(score)["final_score"].new_value == "2"
    assert audit_of(score)["final_score"].actor == appraiser


def test_the_first_decision_moves_a_submitted_file_into_appraisal_audited(submitted, appraiser):
    score = fresh(submitted)

    service.leaf_score_accept(leaf_score=score, user=appraiser, version=score.version)

    submitted.refresh_from_db()
    assert submitted.status == S.IN_APPRAISAL
    assert status_audit(submitted) == [("submitted", "in_appraisal", "")]


def test_adjusting_with_a_reason_writes_the_score_and_the_reason(submitted, appraiser):
    score = fresh(submitted)

    service.leaf_score_adjust(leaf_score=score, user=appraiser, version=1, score=Decimal("1.5"),
                              reason="Tài liệu không đúng năm")

    score = fresh(submitted)
    assert (score.appraised_score, score.appraisal_reason, score.final_score) == (
        Decimal("1.5"), "Tài liệu không đúng năm", Decimal("1.5"))
    entry = audit_of(score)["appraised_score"]
    assert (entry.old_value, entry.new_value, entry.reason) == ("", "1.5", "Tài liệu không đúng năm")


def test_a_score_different_from_the_self_score_needs_a_reason_and_nothing_changes(submitted, appraiser):
    score = fresh(submitted)

    with pytest.raises(ScoreError, match="Cần nêu lý do"):
        service.leaf_score_adjust(leaf_score=score, user=appraiser, version=1, score=Decimal("1.5"), reason="  ")

    score = fresh(submitted)
    assert (score.appraised_score, score.final_score, score.version) == (None, None, 1)
    assert not AuditEntry.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_a_score_equal_to_the_self_score_needs_no_reason(submitted, appraiser):
    score = fresh(submitted)

    service.leaf_score_adjust(leaf_score=score, user=appraiser, version=1, score=Decimal("2"))

    assert fresh(submitted).final_score == Decimal(2)


@pytest.mark.parametrize(("code", "value", "message"), [
    ("1.1", Decimal("2.5"), "Điểm phải nằm trong khoảng 0 đến 2"),
    ("1.1", Decimal("-1"), "Điểm phải nằm trong khoảng 0 đến 2"),
    ("1.1", None, "Chưa nhập điểm"),
    ("2.1", Decimal("1.1"), None),  # within bounds, no step: allowed
])
def test_the_appraised_score_is_checked_against_the_leaf_maximum(submitted, coordinator, code, value, message):
    score = fresh(submitted, code)

    if message is None:
        service.leaf_score_adjust(leaf_score=score, user=coordinator, version=1, score=value, reason="Thiếu")
        assert fresh(submitted, code).final_score == value
    else:
        with pytest.raises(ScoreError, match=message):
            service.leaf_score_adjust(leaf_score=score, user=coordinator, version=1, score=value, reason="Thiếu")


def test_a_manual_leaf_with_a_step_refuses_a_score_off_the_step(cycle, other_unit, coordinator):
    assessment = make_file(cycle, other_unit, scores=self_scored())
    score = fresh(assessment, "1.2")

    with pytest.raises(ScoreError, match="bội số của 0,25"):
        service.leaf_score_adjust(leaf_score=score, user=coordinator, version=1, score=Decimal("1.1"), reason="x")


def test_confirming_a_not_applicable_claim_excludes_the_leaf(submitted, appraiser):
    score = fresh(submitted, "1.2")

    service.leaf_score_confirm_not_applicable(leaf_score=score, user=appraiser, version=1)

    score = fresh(submitted, "1.2")
    assert (score.not_applicable_decision, score.not_applicable, score.final_score) == (True, True, None)
    assert audit_of(score)["not_applicable"].new_value == "true"


def test_accepting_a_not_applicable_claim_confirms_it(submitted, appraiser):
    score = fresh(submitted, "1.2")

    service.leaf_score_accept(leaf_score=score, user=appraiser, version=1)

    assert fresh(submitted, "1.2").not_applicable is True


def test_rejecting_a_not_applicable_claim_needs_a_reason(submitted, appraiser):
    score = fresh(submitted, "1.2")

    with pytest.raises(ScoreError, match="Cần nêu lý do khi không chấp nhận"):
        service.leaf_score_reject_not_applicable(leaf_score=score, user=appraiser, version=1, reason="")

    assert fresh(submitted, "1.2").not_applicable_decision is None


def test_rejecting_a_not_applicable_claim_with_a_score_makes_it_official(submitted, appraiser):
    score = fresh(submitted, "1.2")

    service.leaf_score_reject_not_applicable(leaf_score=score, user=appraiser, version=1,
                                             reason="Đơn vị có thủ tục hành chính", score=Decimal("0.75"))

    score = fresh(submitted, "1.2")
    assert (score.not_applicable_decision, score.not_applicable, score.final_score) == (False, False, Decimal("0.75"))
    assert score.appraisal_reason == "Đơn vị có thủ tục hành chính"


def test_confirming_not_applicable_is_refused_when_the_unit_did_not_claim_it(submitted, appraiser):
    with pytest.raises(ScoreError, match="không đề nghị không áp dụng"):
        service.leaf_score_confirm_not_applicable(leaf_score=fresh(submitted), user=appraiser, version=1)


def test_accepting_a_leaf_the_unit_did_not_score_is_refused(cycle, other_unit, appraiser):
    assessment = make_file(cycle, other_unit, scores={"1.1": {"self_score": None}})

    with pytest.raises(ScoreError, match="chưa tự chấm"):
        service.leaf_score_accept(leaf_score=fresh(assessment), user=appraiser, version=1)


def test_the_board_grants_bonus_points_within_the_leaf_maximum(submitted, coordinator):
    score = fresh(submitted, "9.1")

    with pytest.raises(ScoreError, match="0 đến 1"):
        service.leaf_score_adjust(leaf_score=score, user=coordinator, version=1, score=Decimal("1.5"), reason="x")
    service.leaf_score_adjust(leaf_score=score, user=coordinator, version=1, score=Decimal("0.5"),
                              reason="Chỉ một sáng kiến được công nhận")

    assert fresh(submitted, "9.1").final_score == Decimal("0.5")


def test_a_leaf_without_a_row_is_created_by_the_first_decision(cycle, other_unit, coordinator):
    assessment = make_file(cycle, other_unit)

    service.leaf_score_decide(assessment=assessment, criterion=leaf(cycle, "9.2"), user=coordinator, version=0,
                              decision=Decision(service.ACCEPT))

    score = fresh(assessment, "9.2")
    assert (score.final_score, score.version) == (Decimal(0), 1)
    assert audit_of(score)["final_score"].new_value == "0"


# --- Explanation round and round 2 ---------------------------------------------------------------------------


def test_requesting_an_explanation_moves_the_file_and_opens_the_round(submitted, appraiser):
    score = fresh(submitted)

    service.leaf_score_request_explanation(leaf_score=score, user=appraiser, version=1, question="Thiếu QĐ")

    score, _ = fresh(submitted), submitted.refresh_from_db()
    assert (score.explanation_question, score.final_score) == ("Thiếu QĐ", None)
    assert score.explanation_requested_at is not None
    assert (submitted.status, submitted.explanation_round) == (S.EXPLANATION_REQUESTED, True)
    assert status_audit(submitted) == [("submitted", "explanation_requested", "")]
    assert audit_of(score)["explanation_question"].new_value == "Thiếu QĐ"


def test_a_request_for_explanation_needs_a_question(submitted, appraiser):
    with pytest.raises(ScoreError, match="nội dung cần đơn vị giải trình"):
        service.leaf_score_request_explanation(leaf_score=fresh(submitted), user=appraiser, version=1, question=" ")


def test_round_1_decisions_still_write_round_1_while_the_unit_answers(submitted, appraiser, coordinator):
    score = fresh(submitted)
    service.leaf_score_request_explanation(leaf_score=score, user=appraiser, version=1, question="Thiếu QĐ")
    other = fresh(submitted, "2.1")

    service.leaf_score_adjust(leaf_score=other, user=coordinator, version=1, score=Decimal("2"),
                              reason="Thiếu báo cáo")

    other = fresh(submitted, "2.1")
    assert (other.appraised_score, other.second_score, other.final_score) == (Decimal(2), None, Decimal(2))


def test_round_2_writes_the_second_score_and_the_final_score_follows_it(submitted, appraiser, coordinator,
                                                                        unit_officer):
    score = fresh(submitted)
    service.leaf_score_adjust(leaf_score=score, user=appraiser, version=1, score=Decimal("1"), reason="Thiếu QĐ")
    explained(submitted, appraiser, coordinator, unit_officer)
    assert submitted.status == S.EXPLANATION_SUBMITTED
    score = fresh(submitted)

    service.leaf_score_adjust(leaf_score=score, user=appraiser, version=score.version, score=Decimal("2"))

    score = fresh(submitted)
    assert (score.appraised_score, score.appraisal_reason) == (Decimal(1), "Thiếu QĐ")
    assert (score.second_score, score.final_score) == (Decimal(2), Decimal(2))
    assert audit_of(score)["second_score"].new_value == "2"


def test_after_a_reopen_a_leaf_decided_in_round_2_is_revised_in_round_2(submitted, appraiser, coordinator,
                                                                         unit_officer):
    explained(submitted, appraiser, coordinator, unit_officer)
    score = fresh(submitted)
    service.leaf_score_adjust(leaf_score=score, user=appraiser, version=score.version, score=Decimal("1.5"),
                              reason="Bổ sung chưa đủ")
    service.assessment_reopen(assessment=submitted, user=coordinator, target=S.IN_APPRAISAL, reason="Sai sót")
    score = fresh(submitted)

    service.leaf_score_adjust(leaf_score=score, user=appraiser, version=score.version, score=Decimal("1"),
                              reason="Chấm lại")

    score = fresh(submitted)
    assert (score.appraised_score, score.second_score, score.final_score) == (None, Decimal(1), Decimal(1))


# --- Conflicts -------------------------------------------------------------------------------------------------


def test_a_stale_version_is_refused_as_a_conflict_and_changes_nothing(submitted, appraiser, coordinator):
    score = fresh(submitted)
    service.leaf_score_adjust(leaf_score=score, user=coordinator, version=1, score=Decimal("1"), reason="Thiếu")

    with pytest.raises(ConflictError, match="vừa được người khác cập nhật"):
        service.leaf_score_accept(leaf_score=score, user=appraiser, version=1)

    score = fresh(submitted)
    assert (score.final_score, score.appraised_by, score.version) == (Decimal(1), coordinator, 2)
    assert AuditEntry.objects.filter(entity="leaf_score", actor=appraiser).count() == 0


def test_the_save_is_a_conditional_update_on_the_version(submitted, appraiser, monkeypatch):
    """Someone saves between our read and our write: the UPDATE finds no row at our version and nothing is
    written, audit included."""
    score = fresh(submitted)
    real_changes = service._changes

    def changes_then_someone_saves(*args, **kwargs):
        LeafScore.objects.filter(pk=score.pk).update(version=5)
        return real_changes(*args, **kwargs)

    monkeypatch.setattr(service, "_changes", changes_then_someone_saves)

    with pytest.raises(ConflictError):
        service.leaf_score_accept(leaf_score=score, user=appraiser, version=1)

    score = fresh(submitted)
    assert (score.final_score, score.version) == (None, 1)  # the whole transaction rolled back
    assert not AuditEntry.objects.exists()


# --- A unit at once --------------------------------------------------------------------------------------------


def test_accepting_all_untouched_leaves_is_audited_leaf_by_leaf_as_bulk(cycle, other_unit, coordinator):
    assessment = make_file(cycle, other_unit, scores=self_scored(**{"9.2": {"self_score": None}}))
    touched = fresh(assessment, "2.1")
    service.leaf_score_adjust(leaf_score=touched, user=coordinator, version=1, score=Decimal("1"), reason="Thiếu")

    summary = service.assessment_accept_untouched(assessment=assessment, user=coordinator)

    assert (summary.accepted, summary.skipped) == (4, [])
    finals = dict(LeafScore.objects.filter(assessment=assessment).values_list("criterion__code", "final_score"))
    assert finals == {"1.1": Decimal(2), "1.2": Decimal("2.5"), "2.1": Decimal(1), "9.1": Decimal(1),
                      "9.2": Decimal(0)}
    bulk = AuditEntry.objects.filter(source=AuditSource.BULK, field="final_score")
    assert sorted(bulk.values_list("entity_id", flat=True)) == sorted(
        LeafScore.objects.filter(assessment=assessment).exclude(criterion__code="2.1").values_list("pk", flat=True))
    assert fresh(assessment, "1.1").version == 2


def test_bulk_acceptance_covers_only_the_appraisers_areas_and_skips_unscored_leaves(cycle, other_unit, appraiser):
    assessment = make_file(cycle, other_unit, scores=self_scored(**{"1.2": {"self_score": None}}))

    summary = service.assessment_accept_untouched(assessment=assessment, user=appraiser)

    assert (summary.accepted, summary.skipped) == (1, ["1.2"])
    finals = dict(LeafScore.objects.filter(assessment=assessment).values_list("criterion__code", "final_score"))
    assert finals == {"1.1": Decimal(2), "1.2": None, "2.1": None, "9.1": None, "9.2": None}


def test_bulk_acceptance_grants_zero_to_bonus_and_penalty_leaves_the_unit_never_opened(cycle, other_unit,
                                                                                       coordinator):
    assessment = make_file(cycle, other_unit, scores={"1.1": Decimal(1)})

    service.assessment_accept_untouched(assessment=assessment, user=coordinator)

    assert fresh(assessment, "9.1").final_score == Decimal(0)
    assert fresh(assessment, "9.2").final_score == Decimal(0)
    assert not LeafScore.objects.filter(assessment=assessment, criterion__code="3.1").exists()


# --- Finalization and reopening --------------------------------------------------------------------------------


def test_finalizing_is_refused_naming_the_leaves_without_a_final_score(submitted, coordinator):
    service.leaf_score_accept(leaf_score=fresh(submitted), user=coordinator, version=1)

    with pytest.raises(WorkflowError, match=r"4 tiêu chí chưa có điểm chính thức: 1\.2, 2\.1, 9\.1, 9\.2\."):
        service.assessment_finalize(assessment=submitted, user=coordinator)

    submitted.refresh_from_db()
    assert (submitted.status, submitted.finalized_at) == (S.IN_APPRAISAL, None)


def test_finalizing_a_complete_file_closes_it_audited(submitted, coordinator):
    service.assessment_accept_untouched(assessment=submitted, user=coordinator)

    service.assessment_finalize(assessment=submitted, user=coordinator)

    submitted.refresh_from_db()
    assert submitted.status == S.APPRAISED and submitted.finalized_at is not None
    assert status_audit(submitted)[-1] == ("in_appraisal", "appraised", "")


def test_nothing_changes_after_finalization(submitted, appraiser, coordinator, unit_officer):
    service.assessment_accept_untouched(assessment=submitted, user=coordinator)
    service.assessment_finalize(assessment=submitted, user=coordinator)
    score = fresh(submitted)

    with pytest.raises(WorkflowError, match="cần mở lại"):
        service.leaf_score_adjust(leaf_score=score, user=coordinator, version=score.version, score=Decimal(1),
                                  reason="x")
    with pytest.raises(WorkflowError):
        service.leaf_score_request_explanation(leaf_score=score, user=appraiser, version=score.version,
                                               question="?")
    with pytest.raises(WorkflowError):
        service.assessment_accept_untouched(assessment=submitted, user=coordinator)
    with pytest.raises(WorkflowError):
        leaf_score_answer(leaf_score=score, user=unit_officer, version=score.version, answer="x")
    with pytest.raises(WorkflowError):
        service.assessment_finalize(assessment=submitted, user=coordinator)

    assert fresh(submitted).final_score == Decimal(2)


def test_finalizing_all_complete_units_leaves_the_incomplete_ones(cycle, own_unit, other_unit, coordinator):
    complete = make_file(cycle, own_unit, scores=self_scored())
    incomplete = make_file(cycle, other_unit, scores=self_scored())
    service.assessment_accept_untouched(assessment=complete, user=coordinator)

    finalized = service.cycle_finalize_complete(cycle=cycle, user=coordinator)

    assert [assessment.pk for assessment in finalized] == [complete.pk]
    complete.refresh_from_db(), incomplete.refresh_from_db()
    assert (complete.status, incomplete.status) == (S.APPRAISED, S.SUBMITTED)
    assert AuditEntry.objects.filter(entity="assessment", field="status", new_value="appraised",
                                     source=AuditSource.BULK).count() == 1


def test_reopening_needs_a_reason(submitted, coordinator):
    with pytest.raises(WorkflowError, match="Cần nêu lý do mở lại"):
        service.assessment_reopen(assessment=submitted, user=coordinator, target=S.DRAFT, reason=" ")


def test_reopening_is_audited_with_its_reason_and_allows_changes_again(submitted, coordinator):
    service.assessment_accept_untouched(assessment=submitted, user=coordinator)
    service.assessment_finalize(assessment=submitted, user=coordinator)

    service.assessment_reopen(assessment=submitted, user=coordinator, target=S.IN_APPRAISAL,
                              reason="Đơn vị khiếu nại tiêu chí 1.1")

    submitted.refresh_from_db()
    assert (submitted.status, submitted.finalized_at) == (S.IN_APPRAISAL, None)
    assert status_audit(submitted)[-1] == ("appraised", "in_appraisal", "Đơn vị khiếu nại tiêu chí 1.1")
    score = fresh(submitted)
    service.leaf_score_adjust(leaf_score=score, user=coordinator, version=score.version, score=Decimal("1.5"),
                              reason="Khiếu nại có cơ sở một phần")
    assert fresh(submitted).final_score == Decimal("1.5")


def test_a_draft_can_not_be_reopened(cycle, other_unit, coordinator):
    draft = make_file(cycle, other_unit, status=S.DRAFT)

    with pytest.raises(WorkflowError, match="không cần mở lại"):
        service.assessment_reopen(assessment=draft, user=coordinator, target=S.DRAFT, reason="x")


def test_the_board_can_not_decide_on_a_draft(cycle, other_unit, coordinator):
    draft = make_file(cycle, other_unit, status=S.DRAFT, scores={"1.1": Decimal(1)})

    with pytest.raises(WorkflowError, match="chưa gửi hồ sơ"):
        service.leaf_score_accept(leaf_score=fresh(draft), user=coordinator, version=1)


# --- Results follow ----------------------------------------------------------------------------------------------


def test_a_decision_refreshes_the_units_result_after_the_commit(submitted, own_unit, coordinator,
                                                                django_capture_on_commit_callbacks):
    make_result(own_unit, submitted.cycle.framework)
    make_result(make_unit("BQL", block=own_unit.block), submitted.cycle.framework)

    with django_capture_on_commit_callbacks(execute=True):
        service.leaf_score_adjust(leaf_score=fresh(submitted), user=coordinator, version=1, score=Decimal("1.5"),
                                  reason="Thiếu")

    job = Job.objects.get(kind="refresh_results")
    assert job.params["unit_ids"] == [own_unit.pk]


@pytest.mark.django_db(transaction=True)
def test_two_appraisers_saving_the_same_leaf_at_once_only_one_wins(require_postgres, personas, own_unit):
    """Real concurrent transactions: the second save waits for the first, then finds the version moved on."""
    import threading

    from django.db import connection

    assessment = make_file(make_cycle(), own_unit, scores=self_scored())
    score = fresh(assessment)
    start, outcomes = threading.Barrier(2), []

    def save(user, value):
        try:
            start.wait()
            service.leaf_score_adjust(leaf_score=score, user=user, version=1, score=value, reason="Đồng thời")
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(personas[role], value)) for role, value in (
        (Role.APPRAISER, Decimal("1")), (Role.COORDINATOR, Decimal("1.5")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "saved"]
    assert fresh(assessment).version == 2
    assert AuditEntry.objects.filter(entity="leaf_score", field="final_score").count() == 1


def test_the_service_refuses_an_appraiser_outside_the_leafs_agency_even_when_a_caller_skips_the_view(submitted):
    from django.core.exceptions import PermissionDenied

    from scoring.models import Agency
    from tests.conftest import make_user

    outsider = make_user("thamdinh.stc", Role.APPRAISER, agency=Agency.objects.create(code="STC-X", name="Sở khác"))
    score = fresh(submitted)

    with pytest.raises(PermissionDenied):
        service.leaf_score_adjust(leaf_score=score, user=outsider, version=score.version, score=Decimal("1"),
                                  reason="Không đủ tài liệu")

    unchanged = fresh(submitted)
    assert (unchanged.appraised_score, unchanged.final_score, unchanged.version) == (None, None, score.version)
    assert not AuditEntry.objects.filter(entity="leaf_score", entity_id=score.pk).exists()
