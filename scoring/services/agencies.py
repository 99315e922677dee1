"""Naming the appraising agencies that framework imports created by their code (issue 10)."""
from django.db import transaction

from ..models import Agency, AuditSource
from .audit import audit_entry, audit_write


@transaction.atomic
def agency_rename(*, agency: Agency, name: str, user=None, source=AuditSource.UI) -> bool:
    name = " ".join(name.split())
    if name == agency.name:
        return False
    audit_write([audit_entry(entity="agency", entity_id=agency.pk, field="name", old=agency.name, new=name,
                             actor=user, source=source)])
    Agency.objects.filter(pk=agency.pk).update(name=name)
    agency.name = name
    return True
