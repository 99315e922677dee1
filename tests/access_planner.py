"""Access-matrix lines of the improvement planner (format: top of tests/access_matrix.py)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
from .access_matrix import LOGIN, MANAGERS_ONLY, OWN_UNIT_ONLY, SIGNED_IN, UNIT, Redirect, access  # noqa: F401

# A year no other capability uses, later than any of theirs: the nav's entry opens the newest year with results.
YEAR = 2031
PLAN = {"pk": "unit", "year": "planner_year"}
OWN_PLAN = Redirect("scoring:planner", kwargs={"pk": "planner_own_unit", "year": "planner_year"})
PROVINCE = {"year": "planner_year"}


def objects(own_unit, other_unit):
    """Both units with a result of YEAR (one appraised leaf of 10 points, not scored) and a scenario each, that no
    persona created."""
    from decimal import Decimal

    from scoring.models import Scenario, UnitResult
    from tests.conftest import make_framework

    framework = make_framework(year=YEAR, block=own_unit.block, leaves={"1.1": ("appraised", "10")})
    scenarios = {}
    for side, unit in (("own", own_unit), ("other", other_unit)):
        UnitResult.objects.create(year=YEAR, block=unit.block, unit=unit, framework=framework, appraised=0,
                                  survey=0, bonus=0, penalty=0, total=0, max_total=Decimal(10), index=Decimal(0),
                                  grade="C", rank=1, incomplete=True)
        scenarios[side] = Scenario.objects.create(unit=unit, year=YEAR, name="Kịch bản", changes={"1.1": "5"}).pk
    shared = {"planner_year": YEAR, "planner_own_unit": own_unit.pk}
    return {side: {**shared, "scenario": scenarios[side]} for side in ("own", "other")}


MATRIX = {
    # Unit users land on their own unit's plan; the others on the province's analyses.
    "scoring:planner_home": access(anonymous=LOGIN, signed_in=Redirect("scoring:planner_province", kwargs=PROVINCE),
                                   unit_users=OWN_PLAN),
    "scoring:planner": access(**OWN_UNIT_ONLY, kwargs=PLAN),
    "scoring:planner_what_if": access(**OWN_UNIT_ONLY, kwargs=PLAN, method="post", data={"leaf-1.1": "5"}),
    # A saved scenario sends its author back to the plan with the scenario open.
    "scoring:planner_scenario_save": access(anonymous=LOGIN, signed_in=Redirect("scoring:planner", kwargs=PLAN),
                                            unit_users_on_other=404, kwargs=PLAN, method="post",
                                            data={"name": "Kịch bản thử", "leaf-1.1": "5"}),
    # Only its creator (none here) or a manager deletes a scenario; another unit's is not shown to unit users.
    "scoring:planner_scenario_delete": access(anonymous=LOGIN, managers=Redirect("scoring:planner", kwargs=PLAN),
                                              others=403, unit_users_on_other=404, kwargs={"pk": "scenario"},
                                              method="post"),
    "scoring:planner_province": access(anonymous=LOGIN, signed_in=200, unit_users=403, kwargs=PROVINCE),
}
