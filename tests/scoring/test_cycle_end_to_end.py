"""The yearly cycle end to end on PostgreSQL, through the services every page and the API call: a cycle opened on a
small framework with a leaf of every rule type, a survey leaf, bonus and penalty leaves; two units self-score (one
claims N/A), attach evidence and submit; the board adjusts, asks for an explanation, the unit answers, round 2
decides, the coordinator finalizes; the results engine then gives totals and indices checked by hand below, and
every score change is in the audit log.

Framework (tests/scoring/cycle_data.py, 2025, block SO): 1.1 manual (max 2, step 0.25), 1.2 choice (1), 1.3 ratio
bands (2), 1.4 proportional (3), 1.5 deduction (1, evidence required); 2.1 survey (5); 3.1, 3.2 bonus (2 each,
cap 3); 3.3 penalty (2, cap 1.5). Sở Tư pháp appraises 1.1-1.3, Sở Tài chính 1.4-1.5, the coordinator the rest.
"""
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.utils import InternalError

from scoring.excel.scores import ScoreCell, ScoreRow
from scoring.models import (Assessment, AssessmentStatus, AuditEntry, AuditSource, Criterion, Evidence, EvidenceFile,
                            GradeTier, LeafScore, Role, UnitResult)
from scoring.services import appraisal, explanations, rounds, self_assessment
from scoring.services.cycles import cycle_open
from scoring.services.evidence import evidence_add, evidence_link
from scoring.services.results import results_compute
from scoring.services.scores import scores_import
from tests.conftest import make_agency, make_user

from .cycle_data import deadlines, make_rules_framework, score_of
from .evidence_files import pdf_bytes, upload

D = Decimal
S = AssessmentStatus

# What each unit enters. SNV (Sở Nội vụ) scores every leaf; STC (Sở Tài chính) claims 1.3 does not apply and
# leaves bonus 3.2 blank.
SNV_INPUTS = {"1.1": {"value": "1.75"}, "1.2": {"choice": "Chậm"}, "1.3": {"numerator": "95", "denominator": "100"},
              "1.4": {"numerator": "45", "denominator": "60"}, "1.5": {"occurrences": "1"}, "3.1": {"value": "2"},
              "3.2": {"value": "1"}, "3.3": {"value": "0.5"}}
STC_INPUTS = {"1.1": {"value": "2"}, "1.2": {"choice": "Đúng hạn"}, "1.4": {"numerator": "30", "denominator": "30"},
              "1.5": {"occurrences": "0"}, "3.1": {"value": "2"}, "3.3": {"value": "1"}}
# The self-scores the rules give for those inputs: 1.3 ratio 95 % ≥ 90 % → 1.5; 1.4 3 × 45/60 = 2.25;
# 1.5 1 − 0.25 × 1 = 0.75.
SNV_SELF = {"1.1": D("1.75"), "1.2": D("0.5"), "1.3": D("1.5"), "1.4": D("2.25"), "1.5": D("0.75"), "3.1": D(2),
            "3.2": D(1), "3.3": D("0.5")}
STC_SELF = {"1.1": D(2), "1.2": D(1), "1.4": D(3), "1.5": D(1), "3.1": D(2), "3.3": D(1)}
# The survey's points for leaf 2.1, brought in the way import_scores brings them.
SURVEY = {"SNV": D("4.2"), "STC": D(5)}


@pytest.fixture
def people(personas, own_unit, other_unit):
    return {"coordinator": personas[Role.COORDINATOR], "justice": personas[Role.APPRAISER],
            "finance": make_user("thamdinh.stc", Role.APPRAISER, agency=make_agency("STC", "Sở Tài chính")),
            "SNV": (personas[Role.UNIT_OFFICER], personas[Role.UNIT_HEAD]),
            "STC": (make_user("canbo.stc", Role.UNIT_OFFICER, unit=other_unit),
                    make_user("thutruong.stc", Role.UNIT_HEAD, unit=other_unit))}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def framework_with_agencies_and_grades(block):
    framework = make_rules_framework(year=2025, block=block)
    leaves = Criterion.objects.filter(framework=framework)
    leaves.filter(code__in=["1.1", "1.2", "1.3"]).update(agency=make_agency("STP", "Sở Tư pháp"))
    leaves.filter(code__in=["1.4", "1.5"]).update(agency=make_agency("STC", "Sở Tài chính"))
    for position, (code, minimum) in enumerate([("XS", "98"), ("T", "80"), ("K", "0")]):
        GradeTier.objects.create(framework=framework, code=code, label=code, min_index=D(minimum), position=position)
    return framework


def leaf(cycle, unit, code):
    return score_of(cycle, unit, code)


def decide(cycle, unit, code, user, kind, **decision):
    """One decision of the board on the leaf as it is now (the version a page would have drawn)."""
    score = leaf(cycle, unit, code)
    return appraisal.leaf_score_decide(assessment=score.assessment, criterion=score.criterion, user=user,
                                       version=score.version, decision=appraisal.Decision(kind, **decision))


def file_of(cycle, unit):
    return Assessment.objects.select_related("cycle").get(cycle=cycle, unit=unit)


def test_the_whole_cycle_from_opening_to_results(require_postgres, people, own_unit, other_unit, media):
    snv, stc = own_unit, other_unit
    coordinator, justice, finance = people["coordinator"], people["justice"], people["finance"]
    (snv_officer, snv_head), (stc_officer, stc_head) = people["SNV"], people["STC"]

    # --- The coordinator opens the cycle ---------------------------------------------------------------------
    framework = framework_with_agencies_and_grades(snv.block)
    cycle = cycle_open(year=2025, block=snv.block, user=coordinator, deadlines=deadlines())
    assert cycle.assessments.count() == 2 and LeafScore.objects.filter(assessment__cycle=cycle).count() == 18

    # --- Both units self-score, attach evidence and submit ---------------------------------------------------
    for code, inputs in SNV_INPUTS.items():
        self_assessment.leaf_self_save(leaf_score=leaf(cycle, snv, code), user=snv_officer, inputs=inputs)
    for code, inputs in STC_INPUTS.items():
        self_assessment.leaf_self_save(leaf_score=leaf(cycle, stc, code), user=stc_officer, inputs=inputs)
    self_assessment.leaf_self_save(leaf_score=leaf(cycle, stc, "1.3"), user=stc_officer, inputs={},
                                   not_applicable=True, not_applicable_reason="Sở không có thủ tục hành chính")
    decision_pdf = pdf_bytes("Quyet dinh 12/QD-SNV")
    plan = evidence_add(leaf_score=leaf(cycle, snv, "1.5"), user=snv_officer, upload=upload("qd-12.pdf", decision_pdf),
                        document_number="12/QĐ-SNV", issue_date=date(2025, 2, 10), title="Kế hoạch CCHC 2025")
    evidence_link(leaf_score=leaf(cycle, snv, "1.1"), user=snv_officer, file=plan.file,
                  document_number="12/QĐ-SNV", issue_date=date(2025, 2, 10), title="Kế hoạch CCHC 2025")
    evidence_add(leaf_score=leaf(cycle, stc, "1.5"), user=stc_officer, upload=upload("bc.pdf", pdf_bytes("BC STC")),
                 title="Báo cáo CCHC 2025", issue_date="20/03/2025")
    for unit, head in ((snv, snv_head), (stc, stc_head)):
        self_assessment.assessment_submit(assessment=file_of(cycle, unit), user=head)
    assert {file_of(cycle, unit).status for unit in (snv, stc)} == {S.SUBMITTED}
    assert {unit: {s.criterion.code: s.self_score for s in LeafScore.objects.filter(
        assessment__cycle=cycle, assessment__unit=unit, self_score__isnull=False).select_related("criterion")}
        for unit in (snv, stc)} == {snv: SNV_SELF, stc: STC_SELF}
    assert EvidenceFile.objects.filter(sha256=plan.file.sha256).count() == 1  # cited twice, stored once

    # The survey ran meanwhile: its points for leaf 2.1 come in as import_scores brings them.
    scores_import(year=2025, block_code="SO", user=coordinator, rows=[
        ScoreRow(number, code, "2.1", ScoreCell(), ScoreCell(value=points))
        for number, (code, points) in enumerate(SURVEY.items(), start=2)])

    # --- Round 1 -------------------------------------------------------------------------------------------------
    decide(cycle, snv, "1.1", justice, appraisal.ADJUST, score=D("1.5"), reason="Kế hoạch ban hành chậm 2 tháng")
    decide(cycle, snv, "1.2", justice, appraisal.ACCEPT)
    decide(cycle, stc, "1.1", justice, appraisal.ACCEPT)
    decide(cycle, stc, "1.2", justice, appraisal.ACCEPT)
    decide(cycle, stc, "1.3", justice, appraisal.CONFIRM_NA, reason="Đúng: sở không giải quyết TTHC")
    decide(cycle, snv, "1.4", finance, appraisal.ACCEPT)
    decide(cycle, snv, "1.5", finance, appraisal.ACCEPT)
    decide(cycle, stc, "1.4", finance, appraisal.ADJUST, score=D("2.5"), reason="Thiếu 5 hồ sơ trong báo cáo")
    decide(cycle, stc, "1.5", finance, appraisal.ACCEPT)
    decide(cycle, snv, "3.2", coordinator, appraisal.ADJUST, score=D(2), reason="Được Bộ Nội vụ khen thưởng")
    decide(cycle, snv, "1.3", justice, appraisal.ASK, question="Đề nghị bổ sung số liệu hồ sơ đúng hạn.")
    assert file_of(cycle, snv).status == S.IN_APPRAISAL  # the question waits: Finance is still in round 1
    # Both agencies finish round 1: the explanation round opens by itself and SNV's file goes to the unit.
    assert rounds.agency_round_finish(cycle=cycle, agency=justice.agency, user=justice) == 0
    assert rounds.agency_round_finish(cycle=cycle, agency=finance.agency, user=finance) == 1
    accepted = [appraisal.assessment_accept_untouched(assessment=file_of(cycle, unit), user=coordinator).accepted
                for unit in (snv, stc)]
    assert accepted == [2, 3]  # SNV 3.1, 3.3; STC 3.1, 3.2 (nothing claimed: 0 granted), 3.3
    assert (file_of(cycle, snv).status, file_of(cycle, stc).status) == (S.EXPLANATION_REQUESTED, S.IN_APPRAISAL)

    # --- The unit answers, round 2 decides -------------------------------------------------------------------
    asked = leaf(cycle, snv, "1.3")
    explanations.leaf_score_answer(leaf_score=asked, user=snv_officer, version=asked.version,
                                   answer="Đã bổ sung báo cáo: 95/100 hồ sơ đúng hạn, 5 hồ sơ trễ có lý do.")
    answered_with = evidence_add(leaf_score=leaf(cycle, snv, "1.3"), user=snv_officer,
                                 upload=upload("bc-tthc.pdf", pdf_bytes("Bao cao TTHC")), title="Báo cáo TTHC 2025",
                                 issue_date="05/04/2025")
    explanations.assessment_submit_explanation(assessment=file_of(cycle, snv), user=snv_officer)
    decide(cycle, snv, "1.3", justice, appraisal.ADJUST, score=D(2), reason="Đã giải trình đủ: đạt 100 %")
    assert answered_with.for_explanation
    round_two = leaf(cycle, snv, "1.3")
    assert (round_two.appraised_score, round_two.second_score, round_two.final_score) == (None, D(2), D(2))

    # --- Finalization -----------------------------------------------------------------------------------------
    finalized = appraisal.cycle_finalize_complete(cycle=cycle, user=coordinator)
    assert sorted(assessment.unit.code for assessment in finalized) == ["SNV", "STC"]
    assert {file_of(cycle, unit).status for unit in (snv, stc)} == {S.APPRAISED}

    # --- Results -------------------------------------------------------------------------------------------------
    assert results_compute(year=2025)["units"] == 2
    results = {row.unit.code: row for row in UnitResult.objects.filter(year=2025).select_related("unit")}

    # SNV official: A = 1.5 (1.1, adjusted) + 0.5 + 2 (1.3, round 2) + 2.25 + 0.75 = 7; X = 4.2;
    # B = min(2 + 2 (3.2 raised by the board), cap 3) = 3; P = 0.5; max = 2+1+2+3+1 + 5 = 14;
    # total = 7 + 4.2 + 3 − 0.5 = 13.7; index = 13.7 / 14 × 100 = 97.857… → 97.86 (grade T: 80 ≤ 97.86 < 98).
    # Self-assessed: 1.75 + 0.5 + 1.5 + 2.25 + 0.75 = 6.75, + 4.2 (survey points are never self-scored)
    # + min(2 + 1, 3) − 0.5 = 13.45; 13.45 / 14 × 100 = 96.071… → 96.07.
    # Areas: 1: 7 / 9 = 77.777… → 77.78; 2 (survey): 4.2 / 5 → 84.00; 3 holds only bonus and penalty: no index.
    snv_result = results["SNV"]
    assert (snv_result.appraised, snv_result.survey, snv_result.bonus, snv_result.penalty) == (
        D("7.000"), D("4.200"), D("3.000"), D("0.500"))
    assert (snv_result.total, snv_result.max_total, snv_result.index) == (D("13.700"), D("14.000"), D("97.86"))
    assert (snv_result.self_total, snv_result.self_index) == (D("13.450"), D("96.07"))
    assert (snv_result.survey_index, snv_result.grade, snv_result.rank) == (D("84.00"), "T", 2)
    assert [(area["code"], D(area["index"])) for area in snv_result.areas] == [("1", D("77.78")), ("2", D("84.00"))]

    # STC official: A = 2 + 1 + 2.5 + 1 = 6.5 (1.3 confirmed N/A: out of points and maximum); X = 5;
    # B = min(2 + 0, 3) = 2; P = min(1, 1.5) = 1; max = (9 − 2) + 5 = 12; 6.5 + 5 + 2 − 1 = 12.5, clamped to 12;
    # index = 12 / 12 × 100 = 100.00 (grade XS, rank 1). Self-assessed: 2 + 1 + 3 + 1 = 7 (1.3 claimed N/A),
    # + 5 + 2 − 1 = 13, clamped to 12 → 100.00. Areas: 1: 6.5 / 7 = 92.857… → 92.86; 2: 5 / 5 → 100.00.
    stc_result = results["STC"]
    assert (stc_result.appraised, stc_result.survey, stc_result.bonus, stc_result.penalty) == (
        D("6.500"), D("5.000"), D("2.000"), D("1.000"))
    assert (stc_result.total, stc_result.max_total, stc_result.index) == (D("12.000"), D("12.000"), D("100.00"))
    assert (stc_result.self_total, stc_result.self_index) == (D("12.000"), D("100.00"))
    assert (stc_result.survey_index, stc_result.grade, stc_result.rank) == (D("100.00"), "XS", 1)
    assert [(area["code"], D(area["index"])) for area in stc_result.areas] == [("1", D("92.86")), ("2", D("100.00"))]
    assert not snv_result.incomplete and not stc_result.incomplete

    # --- The audit log ---------------------------------------------------------------------------------------
    audit = AuditEntry.objects.filter(assessment_id__in=[file_of(cycle, unit).pk for unit in (snv, stc)])
    scores = LeafScore.objects.filter(assessment__cycle=cycle).select_related("assessment__unit", "criterion")
    # Every self-score and every official score as it stands is the last value its field was audited with.
    for score in scores:
        for field in ("self_score", "final_score"):
            if getattr(score, field) is not None:
                last = audit.filter(entity="leaf_score", entity_id=score.pk, field=field).order_by("id").last()
                assert last is not None and D(last.new_value) == getattr(score, field), (score.criterion.code, field)
    # 8 + 6 self-scores; final scores: 8 decisions on SNV, 7 on STC (1.3 confirmed N/A has none), 2 survey points.
    assert audit.filter(field="self_score").count() == 14
    assert audit.filter(field="final_score").count() == 17
    assert audit.filter(field="final_score", source=AuditSource.IMPORT).count() == 2
    # Who, old, new, why: the round-1 cut, the N/A confirmed, the round-2 decision, the bonus raised.
    spot = {(entry.entity_id, entry.field): entry for entry in audit.filter(entity="leaf_score")}
    cut = spot[(leaf(cycle, snv, "1.1").pk, "appraised_score")]
    assert (cut.actor, cut.old_value, cut.new_value, cut.reason) == (justice, "", "1.5",
                                                                     "Kế hoạch ban hành chậm 2 tháng")
    confirmed = spot[(leaf(cycle, stc, "1.3").pk, "not_applicable")]
    assert (confirmed.actor, confirmed.old_value, confirmed.new_value) == (justice, "false", "true")
    claim = spot[(leaf(cycle, stc, "1.3").pk, "self_not_applicable_reason")]
    assert (claim.actor, claim.new_value) == (stc_officer, "Sở không có thủ tục hành chính")
    second = spot[(leaf(cycle, snv, "1.3").pk, "second_score")]
    assert (second.actor, second.old_value, second.new_value, second.reason) == (justice, "", "2",
                                                                                 "Đã giải trình đủ: đạt 100 %")
    raised = spot[(leaf(cycle, snv, "3.2").pk, "final_score")]
    assert (raised.actor, raised.old_value, raised.new_value) == (coordinator, "", "2")
    answer = spot[(leaf(cycle, snv, "1.3").pk, "explanation_answer")]
    assert answer.actor == snv_officer and answer.new_value.startswith("Đã bổ sung báo cáo")
    # A decision's reason is stored once, on its first entry (the history shows it beside the others).
    bulk = audit.filter(field="appraised_score", source=AuditSource.BULK).values_list("reason", flat=True)
    assert list(bulk) == ["Chấp nhận hàng loạt điểm tự đánh giá"] * 5
    # Each file's way through the states, in order.
    path = list(audit.filter(entity="assessment", entity_id=file_of(cycle, snv).pk, field="status")
                .order_by("id").values_list("old_value", "new_value"))
    assert path == [(S.DRAFT, S.SUBMITTED), (S.SUBMITTED, S.IN_APPRAISAL),
                    (S.IN_APPRAISAL, S.EXPLANATION_REQUESTED), (S.EXPLANATION_REQUESTED, S.EXPLANATION_SUBMITTED),
                    (S.EXPLANATION_SUBMITTED, S.APPRAISED)]
    # Documents: added on SNV's leaves 1.5, 1.1 and 1.3, keyed to the leaf (its history shows them).
    documents = audit.filter(entity="leaf_score", field="evidence", assessment_id=file_of(cycle, snv).pk)
    assert sorted(leaf_id for leaf_id in documents.values_list("entity_id", flat=True)) == sorted(
        leaf(cycle, snv, code).pk for code in ("1.1", "1.3", "1.5"))
    assert Evidence.objects.filter(leaf_score__assessment__cycle=cycle).count() == 4

    # On PostgreSQL the log itself refuses to be edited, whoever asks (the raw-SQL proof for both statements is
    # tests/scoring/test_services_scores.py::test_the_database_refuses_to_change_or_delete_audit_rows).
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=cut.pk).update(new_value="2")
    assert AuditEntry.objects.get(pk=cut.pk).new_value == "1.5"
