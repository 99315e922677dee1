from datetime import date, timedelta

import pytest
from django.db import connection

from scoring.models import Assessment, AuditEntry, Cycle, Framework, LeafScore, RosterEntry, Unit
from scoring.services.cycles import (CycleError, cycle_close, cycle_deadlines_update, cycle_fill, cycle_open,
                                     cycle_reopen, deadline_issues)
from scoring.services.scores import cycle_for
from tests.conftest import make_block, make_unit

from .cycle_data import LEAVES, deadlines, make_rules_framework, open_rules_cycle


@pytest.fixture
def units(own_unit, other_unit):
    return [own_unit, other_unit]


def audit_rows(entity, entity_id):
    return list(AuditEntry.objects.filter(entity=entity, entity_id=entity_id)
                .order_by("id").values_list("field", "old_value", "new_value"))


# --- Opening ---------------------------------------------------------------------------------------------------


def test_opening_gives_every_active_unit_of_the_block_an_assessment_with_a_score_per_leaf(units, coordinator):
    retired = make_unit("SXD", "Sở Xây dựng")
    retired.active = False
    retired.save()
    make_unit("XA1", block=make_block("XA", "Khối xã", 3))

    cycle = open_rules_cycle(user=coordinator)

    assessments = Assessment.objects.filter(cycle=cycle)
    assert sorted(assessments.values_list("unit__code", flat=True)) == ["SNV", "STC"]
    assert set(assessments.values_list("status", flat=True)) == {"draft"}
    assert LeafScore.objects.filter(assessment__cycle=cycle).count() == 2 * len(LEAVES)
    assert not LeafScore.objects.filter(assessment__cycle=cycle, self_score__isnull=False).exists()
    assert cycle.opened_by == coordinator and cycle.is_open


def test_opening_locks_the_framework_and_audits_the_opening_and_each_deadline(units, coordinator):
    framework = make_rules_framework()
    dates = deadlines()

    cycle = open_rules_cycle(user=coordinator, framework=framework)

    framework.refresh_from_db()
    assert framework.is_locked
    rows = audit_rows("cycle", cycle.pk)
    assert rows[0] == ("is_open", "", "true")
    assert rows[1:] == [(field, "", day.isoformat()) for field, day in dates.items()]
    assert set(AuditEntry.objects.filter(entity="cycle").values_list("actor", flat=True)) == {coordinator.pk}


def test_opening_takes_the_latest_revision_of_the_years_framework(units):
    make_rules_framework(revision=1)
    latest = make_rules_framework(revision=2)

    assert open_rules_cycle(framework=latest).framework == latest
    assert Cycle.objects.get().framework.revision == 2


def test_opening_the_same_year_and_block_twice_says_so_instead_of_failing(units):
    framework = make_rules_framework()
    open_rules_cycle(framework=framework)

    with pytest.raises(CycleError, match="Kỳ đánh giá năm 2025 của Khối sở, ban, ngành đã có \\(đang mở\\)"):
        cycle_open(year=2025, block=framework.block, user=None, deadlines=deadlines())
    assert Cycle.objects.count() == 1


def test_a_past_cycle_brought_in_by_the_score_import_is_not_opened_again(units):
    framework = make_rules_framework(year=2023)
    cycle_for(framework)

    with pytest.raises(CycleError, match="đã có \\(đã đóng\\)"):
        cycle_open(year=2023, block=framework.block, user=None, deadlines=deadlines())


def test_a_year_without_a_framework_cannot_be_opened(units):
    with pytest.raises(CycleError, match="Chưa có bộ chỉ số năm 2030"):
        cycle_open(year=2030, block=make_block(), user=None, deadlines=deadlines())
    assert not Cycle.objects.exists()


def test_a_framework_without_leaves_cannot_be_opened(units):
    framework = Framework.objects.create(year=2025, block=make_block(), code="RONG", name="Bộ rỗng", version="1")

    with pytest.raises(CycleError, match="chưa có tiêu chí lá nào"):
        cycle_open(year=2025, block=framework.block, user=None, deadlines=deadlines())


def test_deadlines_out_of_order_are_refused_and_nothing_is_opened(units):
    dates = deadlines()
    dates["appraisal_deadline"] = dates["self_assessment_deadline"]

    with pytest.raises(CycleError, match="Hạn thẩm định vòng 1: Phải sau hạn tự đánh giá"):
        open_rules_cycle(**dates)
    assert not Cycle.objects.exists() and not Framework.objects.get().is_locked


def test_opening_is_set_based_whatever_the_number_of_units(db, django_assert_max_num_queries):
    for number in range(40):
        make_unit(f"U{number:02d}")
    framework = make_rules_framework()

    # SQLite caps the parameters of one statement, so its bulk inserts come in more (fixed-size) batches.
    # +2 over the cycle and its files: the roster read and written in one statement each.
    with django_assert_max_num_queries(18 if connection.vendor == "postgresql" else 42):
        cycle = open_rules_cycle(framework=framework)

    assert LeafScore.objects.filter(assessment__cycle=cycle).count() == 40 * len(LEAVES)


# --- Deadlines -------------------------------------------------------------------------------------------------


def test_each_deadline_must_fall_after_the_ones_before_it():
    start = date(2024, 12, 15)
    in_order = {"self_assessment_deadline": start, "appraisal_deadline": start + timedelta(days=1),
                "explanation_deadline": None, "final_appraisal_deadline": start + timedelta(days=2)}
    assert deadline_issues(in_order) == []

    issues = deadline_issues({**in_order, "final_appraisal_deadline": start})
    assert issues == [("final_appraisal_deadline", "Phải sau hạn thẩm định vòng 1 (16/12/2024).")]


def test_changing_deadlines_audits_each_changed_field_with_its_old_value_and_the_reason(units, coordinator):
    cycle = open_rules_cycle()
    old = deadlines()
    new = {**old, "explanation_deadline": old["explanation_deadline"] + timedelta(days=2),
           "final_appraisal_deadline": old["final_appraisal_deadline"] + timedelta(days=5)}

    changed = cycle_deadlines_update(cycle=cycle, user=coordinator, deadlines=new, reason="Gia hạn theo công văn 12")

    assert changed == 2
    cycle.refresh_from_db()
    assert cycle.final_appraisal_deadline == new["final_appraisal_deadline"]
    entries = AuditEntry.objects.filter(entity="cycle", entity_id=cycle.pk, actor=coordinator).order_by("id")
    assert [(e.field, e.old_value, e.new_value, e.reason) for e in entries] == [
        ("explanation_deadline", old["explanation_deadline"].isoformat(), new["explanation_deadline"].isoformat(),
         "Gia hạn theo công văn 12"),
        ("final_appraisal_deadline", old["final_appraisal_deadline"].isoformat(),
         new["final_appraisal_deadline"].isoformat(), "Gia hạn theo công văn 12"),
    ]


def test_saving_the_same_deadlines_changes_and_audits_nothing(units, coordinator):
    cycle = open_rules_cycle()
    before = AuditEntry.objects.count()

    assert cycle_deadlines_update(cycle=cycle, user=coordinator, deadlines=deadlines()) == 0
    assert AuditEntry.objects.count() == before


def test_deadlines_edited_out_of_order_are_refused_and_kept(units, coordinator):
    cycle = open_rules_cycle()
    bad = {**deadlines(), "self_assessment_deadline": deadlines()["final_appraisal_deadline"]}

    with pytest.raises(CycleError):
        cycle_deadlines_update(cycle=cycle, user=coordinator, deadlines=bad)
    cycle.refresh_from_db()
    assert cycle.self_assessment_deadline == deadlines()["self_assessment_deadline"]


# --- Closing and reopening -------------------------------------------------------------------------------------


def test_closing_then_reopening_is_audited_once_each_however_often_pressed(units, coordinator):
    cycle = open_rules_cycle()

    assert cycle_close(cycle=cycle, user=coordinator, reason="Kết thúc năm") is True
    assert cycle_close(cycle=cycle, user=coordinator) is False
    assert cycle_reopen(cycle=cycle, user=coordinator) is True
    assert cycle_reopen(cycle=cycle, user=coordinator) is False

    cycle.refresh_from_db()
    assert cycle.is_open
    assert audit_rows("cycle", cycle.pk)[-2:] == [("is_open", "true", "false"), ("is_open", "false", "true")]


def test_reopening_an_imported_cycle_gives_its_roster_the_missing_leaves_and_no_new_unit(units, coordinator):
    framework = make_rules_framework(year=2024)
    cycle = cycle_for(framework)
    partial = Assessment.objects.create(cycle=cycle, unit=units[0])
    RosterEntry.objects.create(cycle=cycle, unit=units[0])
    LeafScore.objects.create(assessment=partial, criterion=framework.criteria.get(code="1.1"), final_score=1)

    cycle_reopen(cycle=cycle, user=coordinator)

    assert list(Assessment.objects.filter(cycle=cycle)) == [partial]
    assert LeafScore.objects.filter(assessment__cycle=cycle).count() == len(LEAVES)
    assert LeafScore.objects.get(assessment=partial, criterion__code="1.1").final_score == 1


def test_opening_a_cycle_sets_its_roster_to_the_blocks_active_units(units):
    Unit.objects.filter(pk=units[1].pk).update(active=False)

    cycle = open_rules_cycle()

    assert list(cycle.roster.values_list("unit", flat=True)) == [units[0].pk]


def test_filling_a_complete_cycle_creates_nothing(units):
    cycle = open_rules_cycle()

    fill = cycle_fill(cycle)

    assert (fill.assessments, fill.leaf_scores) == (0, 0)
