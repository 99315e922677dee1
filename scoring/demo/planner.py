"""Two saved what-if scenarios of the demo province's improvement planner, so the planner page opens with examples:
Sở Nội vụ's 2025 plan, as its officer would save them. Keyed on (unit, year, name): running it again adds none."""
from ..models import Role, Scenario, Unit, User
from ..selectors.planner import unit_plan
from ..services.scenarios import scenario_save
from . import ACCOUNTS

UNIT, YEAR = "SNV", 2025


def seed_planner() -> int:
    """Saves the demo scenarios not saved yet; returns how many were created."""
    unit = Unit.objects.filter(code=UNIT).first()
    plan = unit_plan(unit, YEAR) if unit else None
    if plan is None:
        return 0
    officer = User.objects.filter(username=_officer_username()).first()
    created = 0
    for name, changes in _scenarios(plan):
        if changes and not Scenario.objects.filter(unit=unit, year=YEAR, name=name).exists():
            scenario_save(unit=unit, year=YEAR, name=name, changes=changes, user=officer)
            created += 1
    return created


def _officer_username():
    return next((account.username for account in ACCOUNTS
                 if account.role == Role.UNIT_OFFICER and account.unit == UNIT), None)


def _scenarios(plan):
    # Neither depends on the grade: the survey's demo answers, loaded after this, move the survey points.
    appraised = [leaf for leaf in plan.table if leaf.method == "appraised"]
    area = _weakest_area(appraised)
    return [
        ("Hoàn thiện ba tiêu chí mất điểm nhiều nhất", {leaf.code: leaf.max_points for leaf in appraised[:3]}),
        (f"Hoàn thiện lĩnh vực {area}", {leaf.code: leaf.max_points for leaf in appraised if leaf.area_code == area}),
    ]


def _weakest_area(appraised):
    """The area where the unit lost the most appraised points (the first in framework order among equals)."""
    lost = {}
    for leaf in appraised:
        lost[leaf.area_code] = lost.get(leaf.area_code, 0) + leaf.recoverable
    return max(sorted(lost), key=lambda area: lost[area], default="")
