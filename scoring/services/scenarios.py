"""Saving and deleting the improvement planner's what-if scenarios. A scenario changes no score and no result (it
is never written to an assessment), so it is not audited; who created it is kept, and only they or a manager may
delete it (permissions.get_scenario_for_user(write=True))."""
from decimal import Decimal

from django.db import transaction

from ..models import Scenario
from ..models.indices import PAR


@transaction.atomic
def scenario_save(*, unit, year: int, name: str, changes: dict[str, Decimal], user,
                  index_code: str = PAR) -> Scenario:
    """A new scenario of the unit, year and index; the changes as {criterion code: points as text}, nothing
    lost."""
    if not changes:
        raise ValueError("a scenario needs at least one changed leaf")
    return Scenario.objects.create(unit=unit, year=year, index_code=index_code, name=name.strip(), created_by=user,
                                   changes={code: _text(points) for code, points in sorted(changes.items())})


@transaction.atomic
def scenario_delete(*, scenario: Scenario) -> None:
    """Deletes the scenario; the caller fetched it with get_scenario_for_user(write=True)."""
    scenario.delete()


def _text(points: Decimal) -> str:
    # "f" keeps normalize() from writing 10 as 1E+1.
    return format(points.normalize(), "f")
