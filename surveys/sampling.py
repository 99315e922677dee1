"""The sample planner: target sample n = N / (1 + N·e²) per unit and group (domain.md rule 12), and completion.
The formula itself is surveys.aggregation.sample_size (pure arithmetic, rounded up)."""
from dataclasses import dataclass

from django.db.models import Count

from scoring.models import Unit

from .aggregation import sample_size
from .models import Response, SampleTarget
from .questionnaire import rated_units


@dataclass(frozen=True)
class PlanRow:
    unit: Unit
    transactions: int | None
    target: int | None
    completed: int

    @property
    def percent(self):
        return round(self.completed * 100 / self.target) if self.target else None

    @property
    def below_target(self):
        return self.target is not None and self.completed < self.target


def sample_plan(survey, group) -> list[PlanRow]:
    """Every rated unit, with its N when entered; flagged responses count (they are kept for review)."""
    transactions = dict(SampleTarget.objects.filter(survey=survey, group=group).values_list("unit", "transactions"))
    completed = dict(Response.objects.filter(survey=survey, group=group).values("unit")
                     .annotate(n=Count("pk")).values_list("unit", "n"))
    return [PlanRow(unit, transactions.get(unit.pk), _target(transactions.get(unit.pk), survey),
                    completed.get(unit.pk, 0)) for unit in rated_units(survey)]


def _target(transactions, survey):
    return None if transactions is None else sample_size(transactions, survey.margin_of_error)
