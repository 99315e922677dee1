"""Writing the audit log. Services call these inside their own transaction, so the log and the change commit
together or not at all."""
from decimal import Decimal

from ..models import AuditEntry, AuditSource


def audit_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def audit_entry(*, entity, entity_id, field, old, new, actor=None, source=AuditSource.UI, reason="",
                assessment_id=None):
    """An unsaved entry: services collect them and write them with audit_write (one INSERT for a bulk path)."""
    return AuditEntry(actor=actor, source=source, entity=entity, entity_id=entity_id, field=field,
                      old_value=audit_value(old), new_value=audit_value(new), reason=reason,
                      assessment_id=assessment_id)


def audit_write(entries):
    return AuditEntry.objects.bulk_create(entries, batch_size=2000)
