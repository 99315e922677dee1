"""Who takes part in a year (rules 13-14): the roster, past years that never move, late units."""
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from scoring.models import (AssessmentStatus, AuditEntry, Cycle, LateDecision, LeafScore, Publication, RosterEntry,
                            Unit, UnitResult)
from scoring.services.results import results_compute
from scoring.services.roster import (NOT_SUBMITTED, RosterError, late_appraise_as_is, late_decision_undo,
                                     roster_add, roster_remove)
from tests.conftest import make_unit, make_user
from tests.scoring.results_data import import_scores, make_province

D = Decimal


@pytest.fixture
def province(db):
    make_province()


@pytest.fixture
def coordinator(db):
    return make_user("dieuphoi", role="coordinator")


def rows(year):
    return {row.unit_id: {name: value for name, value in model_to_dict(row).items() if name != "id"}
            for row in UnitResult.objects.filter(year=year)}


def result(code, year=2025):
    return UnitResult.objects.get(unit__code=code, year=year)


# --- A past year never moves ------------------------------------------------------------------------------------


def test_recomputing_a_past_year_after_units_are_created_merged_or_deactivated_changes_none_of_its_rows(province):
    results_compute(year=2024)
    before = rows(2024)
    so = Cycle.objects.get(year=2024, block__code="SO").block
    make_unit("SMOI", block=so)  # created later
    absorbed, absorbing = Unit.objects.get(code="SGTVT"), Unit.objects.get(code="SXD")
    absorbed.successors.add(absorbing)  # merged
    Unit.objects.filter(pk=absorbed.pk).update(active=False)
    Unit.objects.filter(code="SVH").update(active=False)  # deactivated

    results_compute(year=2024)

    assert rows(2024) == before
    assert not UnitResult.objects.filter(unit__code="SMOI").exists()


def test_a_unit_new_this_year_has_no_change_and_one_that_absorbed_another_is_not_like_for_like(province):
    Unit.objects.get(code="SGTVT").successors.add(Unit.objects.get(code="SXD"))

    results_compute(year=2025)

    assert (result("SCT").previous_index, result("SCT").index_change, result("SCT").comparable) == (None, None, None)
    assert (result("SXD").index_change, result("SXD").comparable) == (D("35"), False)
    assert result("SNV").comparable is True


def test_a_year_with_a_survey_against_one_without_is_not_like_for_like(province):
    Cycle.objects.filter(year=2025, block__code="SO").update(survey_held=False)

    results_compute(year=2025)

    # Without the survey, SNV's A is rescaled: 40 / 40; 2024 held it, so the comparison is flagged.
    assert (result("SNV").index, result("SNV").survey_index, result("SNV").comparable) == (D("100"), None, False)


def test_a_held_survey_without_points_keeps_the_result_incomplete(province):
    LeafScore.objects.filter(assessment__unit__code="SNV", assessment__cycle__year=2025,
                             criterion__code="3.1").update(final_score=None)

    results_compute(year=2025)

    assert (result("SNV").total, result("SNV").max_total, result("SNV").incomplete) == (D("42"), D("50"), True)


# --- The coordinator's roster -----------------------------------------------------------------------------------


def test_adding_and_removing_a_unit_is_audited_and_the_results_follow(province, coordinator):
    cycle = Cycle.objects.get(year=2025, block__code="SO")
    newcomer = make_unit("SMOI", block=cycle.block)

    roster_add(cycle=cycle, unit=newcomer, user=coordinator, reason="Thành lập giữa năm, tham gia theo chỉ đạo")
    results_compute(year=2025)
    assert result("SMOI").incomplete is True

    roster_remove(cycle=cycle, unit=newcomer, user=coordinator, reason="Không đủ thời gian hoạt động")
    results_compute(year=2025)
    assert not UnitResult.objects.filter(unit__code="SMOI").exists()
    assert list(AuditEntry.objects.filter(entity="roster", entity_id=cycle.pk).order_by("id").values_list(
        "field", "old_value", "new_value", "reason")) == [
        ("unit:SMOI", "false", "true", "Thành lập giữa năm, tham gia theo chỉ đạo"),
        ("unit:SMOI", "true", "false", "Không đủ thời gian hoạt động")]


def test_a_roster_change_needs_a_reason_and_a_unpublished_year(province, coordinator):
    cycle = Cycle.objects.get(year=2025, block__code="SO")
    with pytest.raises(RosterError, match="Ghi lý do"):
        roster_remove(cycle=cycle, unit=Unit.objects.get(code="SVH"), user=coordinator, reason=" ")
    Publication.objects.create(year=2025, block=cycle.block, version=1, content={}, sha256="0" * 64)
    with pytest.raises(RosterError, match="đã công bố"):
        roster_remove(cycle=cycle, unit=Unit.objects.get(code="SVH"), user=coordinator, reason="Giải thể")


# --- Units that never submitted ---------------------------------------------------------------------------------


@pytest.fixture
def late_cycle(province):
    """2025 of SO, with SVH's file opened but never submitted: it self-scored 1.1 only."""
    cycle = Cycle.objects.get(year=2025, block__code="SO")
    import_scores(2025, "SO", {"SVH": {"1.1": ("4", None)}})
    from scoring.services.cycles import cycle_fill
    cycle_fill(cycle)
    cycle.assessments.filter(unit__code="SVH").update(status=AssessmentStatus.DRAFT)
    return cycle


def test_appraising_what_a_late_unit_has_scores_its_empty_leaves_zero_and_is_reversible(late_cycle, coordinator):
    svh = Unit.objects.get(code="SVH")

    count = late_appraise_as_is(cycle=late_cycle, unit=svh, user=coordinator, reason="Quá hạn 30 ngày")

    scores = {s.criterion.code: (s.final_score, s.appraisal_reason) for s in LeafScore.objects.filter(
        assessment__cycle=late_cycle, assessment__unit=svh).select_related("criterion")}
    # 1.1 was self-scored: the board appraises it; survey leaf 3.1 comes from the survey.
    assert scores["1.2"] == scores["2.1"] == scores["9.1"] == scores["9.2"] == (D("0"), NOT_SUBMITTED)
    assert scores["1.1"] == (None, "") and scores["3.1"][0] is None
    assert count == 4
    entry = RosterEntry.objects.get(cycle=late_cycle, unit=svh)
    assert (entry.late_decision, entry.late_reason) == (LateDecision.APPRAISE_AS_IS, "Quá hạn 30 ngày")
    assert late_cycle.assessments.get(unit=svh).status == AssessmentStatus.IN_APPRAISAL

    late_decision_undo(cycle=late_cycle, unit=svh, user=coordinator, reason="Đơn vị gửi bổ sung")

    assert not LeafScore.objects.filter(assessment__unit=svh, assessment__cycle=late_cycle,
                                        final_score__isnull=False).exists()
    assert late_cycle.assessments.get(unit=svh).status == AssessmentStatus.DRAFT
    assert RosterEntry.objects.get(cycle=late_cycle, unit=svh).late_decision == ""


def test_a_unit_that_submitted_is_not_decided_as_late(late_cycle, coordinator):
    with pytest.raises(RosterError, match="đã gửi"):
        late_appraise_as_is(cycle=late_cycle, unit=Unit.objects.get(code="SNV"), user=coordinator, reason="x")


def test_a_scorecard_waits_for_the_survey_only_when_it_is_held(province, db):
    from scoring.selectors.scorecards import scorecard

    LeafScore.objects.filter(assessment__unit__code="SNV", assessment__cycle__year=2025,
                             criterion__code="3.1").update(final_score=None)
    results_compute(year=2025)
    snv = Unit.objects.get(code="SNV")
    assert scorecard(None, snv, 2025).awaiting_survey is True

    Cycle.objects.filter(year=2025, block__code="SO").update(survey_held=False)
    results_compute(year=2025)
    card = scorecard(None, snv, 2025)
    # Not held: the survey leaf is out of the maximum and of the points lost alike (one basis, rule 6).
    assert (card.awaiting_survey, card.result.max_total, card.points_lost) == (False, D("40"), D("0"))


def test_publishing_another_index_of_the_year_leaves_the_par_roster_open(province, coordinator):
    cycle = Cycle.objects.get(year=2025, block__code="SO")
    Publication.objects.create(year=2025, block=cycle.block, index_code="DTI", version=1, content={}, sha256="0" * 64)

    roster_remove(cycle=cycle, unit=Unit.objects.get(code="SVH"), user=coordinator, reason="Giải thể")

    assert not RosterEntry.objects.filter(cycle=cycle, unit__code="SVH").exists()
