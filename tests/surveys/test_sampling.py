"""The sample planner: n = N / (1 + N·e²) rounded up (domain.md rule 12; the formula is tested in
test_aggregation.py), completion against it, units below target."""
import pytest

from scoring.models import AuditEntry
from surveys.models import SampleTarget
from surveys.sampling import sample_plan
from surveys.services.answering import response_submit_public
from surveys.services.sampling import sample_targets_set

from .questionnaires import choose, make_group, make_survey


@pytest.fixture
def survey(own_unit, other_unit):
    return make_survey()


def test_the_plan_lists_every_rated_unit_with_its_target_and_completion(survey, own_unit, other_unit):
    citizens = make_group(survey, "ND")
    sample_targets_set(survey=survey, group=citizens, transactions={own_unit.pk: 3, other_unit.pk: None})
    for device in ("a", "b"):
        response_submit_public(survey=survey, unit=own_unit, group=citizens, device_hash=device,
                               answers=choose(citizens), elapsed_seconds=60)

    rows = {row.unit: row for row in sample_plan(survey, citizens)}

    assert (rows[own_unit].target, rows[own_unit].completed, rows[own_unit].percent) == (3, 2, 67)
    assert rows[own_unit].below_target
    assert (rows[other_unit].target, rows[other_unit].below_target) == (None, False)


def test_entering_transactions_creates_changes_and_clears_them_audited(survey, own_unit, other_unit, coordinator):
    citizens = make_group(survey, "ND")
    sample_targets_set(survey=survey, group=citizens, transactions={own_unit.pk: 100, other_unit.pk: 50})

    changed = sample_targets_set(survey=survey, group=citizens, user=coordinator,
                                 transactions={own_unit.pk: 100, other_unit.pk: None})

    assert changed == 1
    assert list(SampleTarget.objects.values_list("unit", "transactions")) == [(own_unit.pk, 100)]
    entry = AuditEntry.objects.filter(field="sample_transactions").first()
    assert (entry.actor, entry.old_value, entry.new_value) == (coordinator, "50", "")
