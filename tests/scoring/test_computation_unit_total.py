"""computation.unit_total, the engine's short path for the self-assessed total: the same total and index as
compute_unit, whatever the caps, clamping and precision."""
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring.computation import ScoringRules, UnitParts, compute_unit, unit_total

points = st.decimals(min_value=0, max_value=60, places=3)
caps = st.none() | st.decimals(min_value=0, max_value=5, places=2)


@given(appraised=points, survey=points, bonus=points, penalty=points, max_appraised=points, max_survey=points,
       bonus_cap=caps, penalty_cap=caps, clamp=st.booleans(), precision=st.sampled_from([2, 3]))
def test_unit_total_gives_the_total_and_index_of_compute_unit(appraised, survey, bonus, penalty, max_appraised,
                                                              max_survey, bonus_cap, penalty_cap, clamp, precision):
    rules = ScoringRules(precision=precision, bonus_cap=bonus_cap, penalty_cap=penalty_cap, clamp_total=clamp)
    parts = UnitParts(appraised, survey, bonus, penalty, max_appraised, max_survey, (), False)

    full = compute_unit(parts, rules)

    assert unit_total(appraised, survey, bonus, penalty, max_appraised + max_survey, rules) == (full.total,
                                                                                                full.index)


def test_unit_total_has_no_index_without_a_maximum():
    assert unit_total(Decimal(0), Decimal(0), Decimal(1), Decimal(0), Decimal(0), ScoringRules()) == (Decimal(0),
                                                                                                       None)
