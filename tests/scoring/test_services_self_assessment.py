from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from scoring.models import Assessment, AssessmentStatus, AuditEntry, Evidence, EvidenceFile, LeafScore
from scoring.rules import ScoreError
from scoring.services.self_assessment import (InputError, SelfAssessmentErrors, SubmissionRefused,
                                              assessment_missing, assessment_self_save_many, assessment_submit,
                                              leaf_self_save)
from scoring.workflow import ConflictError, WorkflowError

from .cycle_data import APPRAISED_LEAVES, make_rules_framework, open_rules_cycle, score_of


@pytest.fixture
def cycle(own_unit, other_unit):
    return open_rules_cycle()


@pytest.fixture
def leaf(cycle, own_unit):
    return lambda code: score_of(cycle, own_unit, code)


def save(leaf_score, user, **inputs):
    extra = {key: inputs.pop(key) for key in ("explanation", "not_applicable", "not_applicable_reason",
                                              "expected_version") if key in inputs}
    return leaf_self_save(leaf_score=leaf_score, user=user, inputs=inputs, **extra)


def add_evidence(leaf_score, name="qd-01.pdf"):
    stored = EvidenceFile.objects.create(sha256=name.ljust(64, "0")[:64], file=f"evidence/{name}", size=10,
                                         kind="pdf", original_name=name)
    return Evidence.objects.create(leaf_score=leaf_score, file=stored, title="Quyết định ban hành kế hoạch")


# --- Each rule type --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "inputs", "score", "stored"), [
    ("1.1", {"value": "1,5"}, "1.5", {"value": "1.5"}),
    ("1.1", {"value": Decimal("0.25")}, "0.25", {"value": "0.25"}),
    ("1.2", {"choice": "chậm"}, "0.5", {"choice": "Chậm"}),
    ("1.2", {"choice": "Không ban hành"}, "0", {"choice": "Không ban hành"}),
    ("1.3", {"numerator": "95", "denominator": "100"}, "1.5", {"numerator": "95", "denominator": "100"}),
    ("1.3", {"numerator": "100", "denominator": "100"}, "2", {"numerator": "100", "denominator": "100"}),
    ("1.3", {"numerator": "69", "denominator": "100"}, "0", {"numerator": "69", "denominator": "100"}),
    ("1.4", {"numerator": "2", "denominator": "3"}, "2", {"numerator": "2", "denominator": "3"}),
    ("1.4", {"numerator": "1", "denominator": "7"}, "0.429", {"numerator": "1", "denominator": "7"}),
    ("1.5", {"occurrences": "2"}, "0.5", {"occurrences": "2"}),
    ("1.5", {"occurrences": "9"}, "0", {"occurrences": "9"}),
    ("3.1", {"value": "1.5"}, "1.5", {"value": "1.5"}),
    ("3.3", {"value": "0.5"}, "0.5", {"value": "0.5"}),
])
def test_each_rule_turns_what_the_unit_entered_into_its_score(leaf, unit_officer, code, inputs, score, stored):
    saved = save(leaf(code), unit_officer, **inputs)

    saved = LeafScore.objects.get(pk=saved.pk)
    assert saved.self_score == Decimal(score)
    assert saved.self_inputs == stored
    assert saved.version == 2


@pytest.mark.parametrize(("code", "inputs", "field", "message"), [
    ("1.1", {"value": "2,5"}, "value", "Điểm phải nằm trong khoảng 0 đến 2"),
    ("1.1", {"value": "0.3"}, "value", "Điểm phải là bội số của 0,25"),
    ("1.1", {"value": "-1"}, "value", "«-1» không phải là số không âm"),
    ("1.1", {"value": "một"}, "value", "«một» không phải là số không âm"),
    ("1.2", {"choice": "Trễ hạn"}, "choice", "Lựa chọn «Trễ hạn» không có trong quy tắc chấm điểm"),
    ("1.3", {"numerator": "120", "denominator": "100"}, "numerator", "Tử số không được lớn hơn mẫu số"),
    ("1.3", {"numerator": "5", "denominator": "0"}, "numerator", "Mẫu số phải lớn hơn 0"),
    ("1.4", {"numerator": "5"}, "numerator", "Chưa nhập mẫu số"),
    ("1.5", {"occurrences": "1.5"}, "occurrences", "Số lần vi phạm phải là số nguyên không âm."),
    ("3.1", {"value": "2.5"}, "value", "Điểm phải nằm trong khoảng 0 đến 2"),
])
def test_a_bad_input_is_refused_with_the_rules_message_beside_its_field(leaf, unit_officer, code, inputs, field,
                                                                       message):
    with pytest.raises(InputError) as refusal:
        save(leaf(code), unit_officer, **inputs)

    assert refusal.value.field == field and message in str(refusal.value)
    assert isinstance(refusal.value, ScoreError)
    assert leaf(code).self_score is None and leaf(code).version == 1


GRANTED_LEAVES = {
    "1.1": ("appraised", "2", "manual", False),
    "3.1": ("bonus", "1", "choice Giải thưởng cấp tỉnh=0.5; Cấp bộ=1", False),
    "3.2": ("penalty", "2", "deduct 0.5", False),
}


@pytest.mark.parametrize(("code", "inputs", "score", "stored"), [
    ("3.1", {"choice": "cấp bộ"}, "1", {"choice": "Cấp bộ"}),
    ("3.2", {"occurrences": "0"}, "0", {"occurrences": "0"}),
    ("3.2", {"occurrences": "3"}, "1.5", {"occurrences": "3"}),
    ("3.2", {"occurrences": "7"}, "2", {"occurrences": "7"}),
])
def test_bonus_and_penalty_leaves_follow_a_choice_or_a_deduction_per_occurrence(own_unit, other_unit, unit_officer,
                                                                              code, inputs, score, stored):
    framework = make_rules_framework(leaves=GRANTED_LEAVES, bonus_cap=None, penalty_cap=None)
    cycle = open_rules_cycle(framework=framework)

    saved = LeafScore.objects.get(pk=save(score_of(cycle, own_unit, code), unit_officer, **inputs).pk)

    assert saved.self_score == Decimal(score) and saved.self_inputs == stored


def test_a_survey_leaf_is_never_self_scored(leaf, unit_officer):
    with pytest.raises(WorkflowError, match="điều tra xã hội học"):
        save(leaf("2.1"), unit_officer, value="3")


def test_blank_inputs_clear_the_score_and_keep_the_explanation(leaf, unit_officer):
    save(leaf("1.1"), unit_officer, value="2")

    saved = save(leaf("1.1"), unit_officer, value="", explanation="Sẽ bổ sung số liệu")

    assert saved.self_score is None and saved.self_inputs == {}
    assert LeafScore.objects.get(pk=saved.pk).explanation == "Sẽ bổ sung số liệu"


# --- Bonus and penalty caps ------------------------------------------------------------------------------------


def test_a_bonus_claim_above_the_frameworks_cap_is_refused(leaf, unit_officer):
    save(leaf("3.1"), unit_officer, value="2")

    with pytest.raises(InputError, match="Tổng điểm thưởng đơn vị đề nghị sẽ là 3,5, vượt trần 3 của bộ chỉ số."):
        save(leaf("3.2"), unit_officer, value="1.5")
    assert save(leaf("3.2"), unit_officer, value="1").self_score == Decimal(1)


def test_lowering_a_claim_already_counted_is_never_refused_by_the_cap(leaf, unit_officer):
    save(leaf("3.1"), unit_officer, value="2")
    save(leaf("3.2"), unit_officer, value="1")

    assert save(leaf("3.1"), unit_officer, value="1.5").self_score == Decimal("1.5")


def test_a_penalty_claim_above_its_cap_is_refused(leaf, unit_officer):
    with pytest.raises(InputError, match="Tổng điểm trừ đơn vị đề nghị sẽ là 2, vượt trần 1,5"):
        save(leaf("3.3"), unit_officer, value="2")


# --- Not applicable --------------------------------------------------------------------------------------------


def test_claiming_not_applicable_needs_a_reason(leaf, unit_officer):
    with pytest.raises(InputError) as refusal:
        save(leaf("1.3"), unit_officer, not_applicable=True, not_applicable_reason="  ")

    assert refusal.value.field == "not_applicable_reason"
    assert str(refusal.value) == "Cần nêu lý do đề nghị không áp dụng."


def test_a_not_applicable_claim_drops_the_score_and_keeps_the_reason(leaf, unit_officer):
    save(leaf("1.3"), unit_officer, numerator="9", denominator="10")

    saved = save(leaf("1.3"), unit_officer, numerator="9", denominator="10", not_applicable=True,
                 not_applicable_reason="Sở không giải quyết thủ tục hành chính")

    saved = LeafScore.objects.get(pk=saved.pk)
    assert (saved.self_score, saved.self_not_applicable, saved.self_inputs) == (None, True, {})
    assert saved.self_not_applicable_reason == "Sở không giải quyết thủ tục hành chính"


def test_bonus_and_penalty_leaves_are_not_claimed_not_applicable(leaf, unit_officer):
    with pytest.raises(InputError, match="Chỉ tiêu chí thẩm định"):
        save(leaf("3.1"), unit_officer, not_applicable=True, not_applicable_reason="Không có")


# --- Audit, versions, conflicts --------------------------------------------------------------------------------


def test_each_changed_field_writes_one_audit_row_with_old_and_new_values(leaf, unit_officer, cycle):
    score = leaf("1.3")
    save(score, unit_officer, numerator="95", denominator="100", explanation="Theo báo cáo số 12")

    rows = AuditEntry.objects.filter(entity="leaf_score", entity_id=score.pk).order_by("id")
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("self_score", "", "1.5"),
        ("self_inputs", "", '{"denominator": "100", "numerator": "95"}'),
        ("explanation", "", "Theo báo cáo số 12"),
    ]
    assert {(r.actor_id, r.assessment_id, r.source) for r in rows} == {(unit_officer.pk, score.assessment_id, "ui")}


def test_saving_the_same_values_again_changes_nothing_and_writes_no_audit(leaf, unit_officer):
    first = save(leaf("1.1"), unit_officer, value="1")
    before = AuditEntry.objects.count()

    again = save(leaf("1.1"), unit_officer, value="1.00")

    assert again.version == first.version == 2
    assert AuditEntry.objects.count() == before


def test_a_save_against_a_stale_version_is_a_conflict_and_changes_nothing(leaf, unit_officer, personas):
    opened = leaf("1.1")
    save(leaf("1.1"), personas["unit_head"], value="2", expected_version=opened.version)

    with pytest.raises(ConflictError, match="Tiêu chí 1.1 vừa được người khác lưu"):
        save(opened, unit_officer, value="0.5", expected_version=opened.version)
    assert leaf("1.1").self_score == Decimal(2) and leaf("1.1").version == 2


# --- State and deadline ----------------------------------------------------------------------------------------


def test_after_the_deadline_the_unit_can_no_longer_save(leaf, unit_officer, cycle):
    yesterday = timezone.localdate() - timedelta(days=1)
    type(cycle).objects.filter(pk=cycle.pk).update(self_assessment_deadline=yesterday)

    with pytest.raises(WorkflowError, match=f"Đã hết hạn tự đánh giá ngày {yesterday:%d/%m/%Y}."):
        save(leaf("1.1"), unit_officer, value="1")


def test_on_the_deadline_day_the_unit_still_saves(leaf, unit_officer, cycle):
    type(cycle).objects.filter(pk=cycle.pk).update(self_assessment_deadline=timezone.localdate())

    assert save(leaf("1.1"), unit_officer, value="1").self_score == 1


@pytest.mark.parametrize("status", [s for s in AssessmentStatus if s != AssessmentStatus.DRAFT])
def test_nobody_self_scores_after_submission(leaf, unit_officer, status):
    Assessment.objects.filter(pk=leaf("1.1").assessment_id).update(status=status)

    with pytest.raises(WorkflowError):
        save(leaf("1.1"), unit_officer, value="1")
    assert leaf("1.1").self_score is None


def test_a_closed_cycle_refuses_saves(leaf, unit_officer, cycle):
    type(cycle).objects.filter(pk=cycle.pk).update(is_open=False)

    with pytest.raises(WorkflowError, match="Kỳ đánh giá đã đóng."):
        save(leaf("1.1"), unit_officer, value="1")


# --- Many leaves at once ---------------------------------------------------------------------------------------


def test_many_leaves_save_together_and_are_audited_like_single_edits(cycle, own_unit, unit_officer, leaf):
    assessment = leaf("1.1").assessment
    changed = assessment_self_save_many(assessment=assessment, user=unit_officer, source="import", entries=[
        {"criterion_code": "1.1", "value": "1.75", "explanation": "Kế hoạch số 5"},
        {"criterion_code": "1.2", "choice": "Đúng hạn"},
        {"criterion_code": "1.5", "occurrences": 1},
        {"criterion_code": "1.4", "not_applicable": True, "not_applicable_reason": "Không có hồ sơ"},
    ])

    assert changed == 4
    assert [leaf(code).self_score for code in ("1.1", "1.2", "1.5")] == [Decimal("1.75"), 1, Decimal("0.75")]
    assert leaf("1.4").self_not_applicable and leaf("1.1").explanation == "Kế hoạch số 5"
    sources = set(AuditEntry.objects.filter(entity="leaf_score").values_list("source", flat=True))
    assert sources == {"import"}
    assert AuditEntry.objects.filter(entity="leaf_score", field="self_score").count() == 3


def test_a_bulk_save_with_any_error_saves_nothing_and_lists_every_problem(cycle, unit_officer, leaf):
    assessment = leaf("1.1").assessment

    with pytest.raises(SelfAssessmentErrors) as refusal:
        assessment_self_save_many(assessment=assessment, user=unit_officer, entries=[
            {"criterion_code": "1.1", "value": "1"},
            {"criterion_code": "1.2", "choice": "Trễ"},
            {"criterion_code": "9.9", "value": "1"},
            {"criterion_code": "3.1", "value": "2"},
            {"criterion_code": "3.2", "value": "2"},
        ])

    errors = refusal.value.errors
    assert [(code, field) for code, field, _message in errors] == [
        ("1.2", "choice"), ("9.9", "criterion_code"), ("3.1", "value"), ("3.2", "value")]
    assert "vượt trần 3" in errors[-1][2]
    assert leaf("1.1").self_score is None
    assert not AuditEntry.objects.filter(entity="leaf_score").exists()


def test_a_bulk_entry_without_explanation_keeps_the_one_saved(cycle, unit_officer, leaf):
    save(leaf("1.1"), unit_officer, value="1", explanation="Giữ nguyên")

    assessment_self_save_many(assessment=leaf("1.1").assessment, user=unit_officer,
                              entries=[{"criterion_code": "1.1", "value": "2"}])

    assert leaf("1.1").explanation == "Giữ nguyên" and leaf("1.1").self_score == 2


def test_a_bulk_entry_with_a_stale_version_is_a_listed_conflict(cycle, unit_officer, leaf):
    save(leaf("1.1"), unit_officer, value="1")

    with pytest.raises(SelfAssessmentErrors) as refusal:
        assessment_self_save_many(assessment=leaf("1.1").assessment, user=unit_officer,
                                  entries=[{"criterion_code": "1.1", "value": "2", "expected_version": 1}])

    assert refusal.value.errors[0][:2] == ("1.1", "version")


def test_a_bulk_save_of_150_leaves_takes_a_fixed_number_of_queries(own_unit, unit_officer,
                                                                  django_assert_max_num_queries):
    from .cycle_data import make_rules_framework

    leaves = {f"1.{n}": ("appraised", "2", "manual 0.5", False) for n in range(1, 151)}
    cycle = open_rules_cycle(framework=make_rules_framework(leaves=leaves))
    assessment = Assessment.objects.get(cycle=cycle, unit=own_unit)
    entries = [{"criterion_code": code, "value": "1.5"} for code in leaves]

    with django_assert_max_num_queries(12):
        assert assessment_self_save_many(assessment=assessment, user=unit_officer, entries=entries) == 150

    assert AuditEntry.objects.filter(entity="leaf_score").count() == 300


# --- What is missing and submission ----------------------------------------------------------------------------


def test_missing_lists_every_unscored_appraised_leaf_and_nothing_else(leaf):
    missing = assessment_missing(leaf("1.1").assessment)

    assert [(item.leaf_score.criterion.code, item.reason) for item in missing] == [
        (code, "chưa chấm") for code in APPRAISED_LEAVES]


def test_a_not_applicable_claim_is_not_missing(leaf, unit_officer):
    save(leaf("1.1"), unit_officer, not_applicable=True, not_applicable_reason="Không áp dụng")

    assert "1.1" not in {item.leaf_score.criterion.code for item in assessment_missing(leaf("1.1").assessment)}


def missing_of(leaf):
    return [(item.leaf_score.criterion.code, item.reason) for item in assessment_missing(leaf("1.1").assessment)]


def test_a_leaf_scored_above_zero_without_required_evidence_needs_evidence_or_an_explanation(leaf, unit_officer):
    save(leaf("1.5"), unit_officer, occurrences="0")  # 1 point, evidence required

    assert ("1.5", "thiếu tài liệu kiểm chứng (hoặc giải trình)") in missing_of(leaf)
    save(leaf("1.5"), unit_officer, occurrences="0", explanation="Văn bản đang chờ ký")
    assert "1.5" not in [code for code, _reason in missing_of(leaf)]
    save(leaf("1.5"), unit_officer, occurrences="0")
    assert "1.5" in [code for code, _reason in missing_of(leaf)]
    add_evidence(leaf("1.5"))
    assert "1.5" not in [code for code, _reason in missing_of(leaf)]


def test_a_zero_score_needs_no_evidence(leaf, unit_officer):
    save(leaf("1.5"), unit_officer, occurrences="4")

    assert "1.5" not in [i.leaf_score.criterion.code for i in assessment_missing(leaf("1.1").assessment)]


def fill_everything(leaf, user):
    for code, inputs in {"1.1": {"value": "2"}, "1.2": {"choice": "Đúng hạn"},
                         "1.3": {"numerator": "1", "denominator": "1"}, "1.4": {"numerator": "1", "denominator": "2"},
                         "1.5": {"occurrences": "1", "explanation": "Đã có báo cáo"}}.items():
        save(leaf(code), user, **inputs)


def test_submission_is_refused_while_leaves_are_missing_and_says_which(leaf, personas):
    head = personas["unit_head"]
    fill_everything(leaf, head)
    save(leaf("1.3"), head, numerator="")

    with pytest.raises(SubmissionRefused) as refusal:
        assessment_submit(assessment=leaf("1.1").assessment, user=head)

    assert str(refusal.value) == "Chưa thể gửi hồ sơ: còn 1 mục chưa đủ: 1.3 (chưa chấm)."
    assert [item.leaf_score.criterion.code for item in refusal.value.missing] == ["1.3"]
    assert Assessment.objects.get(pk=leaf("1.1").assessment_id).status == AssessmentStatus.DRAFT


def test_a_complete_file_is_submitted_stamped_and_audited(leaf, personas):
    head = personas["unit_head"]
    fill_everything(leaf, head)

    submitted = assessment_submit(assessment=leaf("1.1").assessment, user=head)

    stored = Assessment.objects.get(pk=submitted.pk)
    assert stored.status == AssessmentStatus.SUBMITTED
    assert stored.submitted_by == head and stored.submitted_at is not None
    entry = AuditEntry.objects.get(entity="assessment", entity_id=stored.pk)
    assert (entry.field, entry.old_value, entry.new_value, entry.actor) == ("status", "draft", "submitted", head)
    with pytest.raises(WorkflowError, match="Hồ sơ đã gửi, đang chờ thẩm định."):
        assessment_submit(assessment=stored, user=head)


def test_submission_after_the_deadline_is_refused(leaf, personas, cycle):
    fill_everything(leaf, personas["unit_head"])
    type(cycle).objects.filter(pk=cycle.pk).update(self_assessment_deadline=timezone.localdate() - timedelta(days=1))

    with pytest.raises(WorkflowError, match="Đã hết hạn tự đánh giá"):
        assessment_submit(assessment=leaf("1.1").assessment, user=personas["unit_head"])


# --- The claim itself, without the database --------------------------------------------------------------------


@given(st.integers(min_value=-4, max_value=40))
def test_a_manual_score_is_accepted_exactly_on_the_steps_between_zero_and_the_maximum(quarters_times_two):
    from scoring.models import Criterion
    from scoring.services.self_assessment import self_claim

    value = Decimal(quarters_times_two) / 8  # eighths: half of them fall off the 0.25 step
    criterion = Criterion(code="1.1", method="appraised", rule="manual 0.25", max_points=Decimal(2))
    on_step = value % Decimal("0.25") == 0 and 0 <= value <= 2
    try:
        claim = self_claim(criterion, {"value": format(value, "f")})
    except InputError:
        assert not on_step
    else:
        assert on_step and claim.self_score == value
