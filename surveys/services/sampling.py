"""Entering the number of transactions N per unit and group (the sample planner's only input)."""
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

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


def sample_targets_import(*, survey: Survey, rows, user=None) -> int:
    """Sets N from a file's rows [(row, unit code, group code, N)], all or nothing; returns how many changed."""
    from scoring.excel.sheets import SheetIssue, WorkbookError
    from scoring.models import Unit

    groups = {group.code: group for group in survey.groups.all()}
    units = dict(Unit.objects.filter(block__in=survey.blocks.all()).values_list("code", "pk"))
    issues = [SheetIssue(_("đơn vị '%s' không thuộc các khối được điều tra") % unit, "targets", row, "unit_code")
              for row, unit, _group, _n in rows if unit not in units]
    issues += [SheetIssue(_("nhóm đối tượng '%s' không có trong cuộc điều tra") % group, "targets", row, "group")
               for row, _unit, group, _n in rows if group not in groups]
    if issues:
        raise WorkbookError(issues)
    with transaction.atomic():
        return sum(sample_targets_set(survey=survey, group=groups[code], user=user, transactions={
            units[unit]: n for _row, unit, group, n in rows if group == code}) for code in {r[2] for r in rows})
