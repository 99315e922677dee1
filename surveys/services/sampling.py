"""Entering the number of transactions N per unit and group (the sample planner's only input)."""
from collections.abc import Mapping

from django.db import transaction

from scoring.services.audit import audit_entry, audit_write

from ..models import RespondentGroup, SampleTarget, Survey


@transaction.atomic
def sample_targets_set(*, survey: Survey, group: RespondentGroup, transactions: Mapping[int, int | None],
                       user=None) -> int:
    """Sets N for each unit id given (None clears it); returns how many changed. Audited per change."""
    current = {target.unit_id: target for target in SampleTarget.objects.filter(survey=survey, group=group)}
    changes = {unit: n for unit, n in transactions.items() if n != getattr(current.get(unit), "transactions", None)}
    SampleTarget.objects.filter(survey=survey, group=group,
                                unit__in=[unit for unit, n in changes.items() if n is None]).delete()
    for unit, n in changes.items():
        if n is not None:
            SampleTarget.objects.update_or_create(survey=survey, group=group, unit_id=unit,
                                                  defaults={"transactions": n})
    audit_write([audit_entry(entity="survey", entity_id=survey.pk, field="sample_transactions",
                             old=getattr(current.get(unit), "transactions", None), new=n, actor=user,
                             reason=f"{group.code}/unit {unit}") for unit, n in changes.items()])
    return len(changes)
