"""The coordinator's acts on the yearly cycle (issue 3): opening a cycle for a block on its framework, its
deadlines, closing and reopening it. Each is atomic and audited. (Reopening one unit's assessment is the
appraisal's: services/appraisal.py.)"""
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Assessment, AuditSource, Criterion, Cycle, Framework, LeafScore, RosterEntry, Unit
from ..models.indices import PAR, index_suffix
from .audit import audit_entry, audit_write

# In the order the cycle runs through them; each must fall after the one before.
DEADLINE_FIELDS = ("self_assessment_deadline", "appraisal_deadline", "explanation_deadline",
                   "final_appraisal_deadline")
BATCH = 2000


class CycleError(ValueError):
    """A cycle act that can't be done; the message is for the coordinator."""


@dataclass(frozen=True)
class CycleFill:
    assessments: int  # assessments created
    leaf_scores: int  # leaf scores created


def deadline_issues(deadlines: dict[str, date | None]) -> list[tuple[str, str]]:
    """(field, message) for each deadline that does not fall after the deadlines before it; blanks are skipped."""
    issues, latest = [], None
    for field in DEADLINE_FIELDS:
        day = deadlines.get(field)
        if day is None:
            continue
        if latest is not None and day <= latest[1]:
            label = Cycle._meta.get_field(latest[0]).verbose_name
            issues.append((field, _("Phải sau %(label)s (%(date)s).") % {
                "label": label, "date": workflow.vn_date(latest[1])}))
        else:
            latest = (field, day)
    return issues


def _check_deadlines(deadlines):
    issues = deadline_issues(deadlines)
    if issues:
        raise CycleError(" ".join(f"{Cycle._meta.get_field(field).verbose_name.capitalize()}: {message}"
                                  for field, message in issues))


def framework_to_open(*, year: int, block, index_code: str = PAR) -> Framework:
    """The latest revision of the year's framework of an index for the block, or CycleError saying there is
    none."""
    framework = (Framework.objects.filter(year=year, block=block, index__code=index_code).select_related("index")
                 .order_by("-revision").first())
    if framework is None:
        raise CycleError(_("Chưa có bộ chỉ số%(index)s năm %(year)s cho %(block)s: nhập bộ chỉ số trước khi mở "
                           "kỳ.") % {"index": index_suffix(index_code), "year": year, "block": block})
    if not framework.criteria.exclude(method="").exists():
        raise CycleError(_("Bộ chỉ số «%(name)s» chưa có tiêu chí lá nào.") % {"name": framework.name})
    return framework


def _refuse_existing(year, block, index_code):
    existing = Cycle.objects.filter(year=year, block=block, index_code=index_code).first()
    if existing is not None:
        state = _("đang mở") if existing.is_open else _("đã đóng")
        raise CycleError(_("Kỳ đánh giá%(index)s năm %(year)s của %(block)s đã có (%(state)s). Mỗi khối chỉ có "
                           "một kỳ mỗi chỉ số mỗi năm: mở trang của kỳ đó để sửa hạn hoặc mở lại.")
                         % {"index": index_suffix(index_code), "year": year, "block": block, "state": state})


def cycle_open(*, year: int, block, user, deadlines: dict[str, date | None], source=AuditSource.UI,
               index_code: str = PAR) -> Cycle:
    """Opens the year's cycle of an index (PAR, DTI...) for `block` on the latest framework revision: an
    assessment for every active unit and a leaf score for every leaf, the framework locked. Refused (CycleError)
    if the cycle exists already."""
    _check_deadlines(deadlines)
    _refuse_existing(year, block, index_code)
    framework = framework_to_open(year=year, block=block, index_code=index_code)
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: another coordinator may open it at the same moment
                cycle = Cycle.objects.create(year=year, block=block, framework=framework, opened_by=user,
                                             is_open=True, **{f: deadlines.get(f) for f in DEADLINE_FIELDS})
        except IntegrityError:
            _refuse_existing(year, block, index_code)
            raise
        Framework.objects.filter(pk=framework.pk, locked_at=None).update(locked_at=timezone.now())
        # The roster (rule 13): the block's active units today; a unit created later joins only by a decision.
        RosterEntry.objects.bulk_create([RosterEntry(cycle=cycle, unit_id=pk) for pk in Unit.objects.active()
                                         .filter(block=block).values_list("pk", flat=True)], batch_size=BATCH)
        cycle_fill(cycle)
        reason = _("Mở kỳ đánh giá trên bộ chỉ số «%(name)s», lần sửa đổi %(revision)s") % {
            "name": framework.name, "revision": framework.revision}
        audit_write([_cycle_audit(cycle, "is_open", None, True, user, source, reason)]
                    + [_cycle_audit(cycle, f, None, getattr(cycle, f), user, source, reason)
                       for f in DEADLINE_FIELDS if getattr(cycle, f)])
    return cycle


def cycle_fill(cycle) -> CycleFill:
    """Gives every unit of the roster an assessment and every assessment a leaf score per leaf, creating only what
    is missing (a cycle brought in by import_scores holds only the leaves of its file)."""
    units = (RosterEntry.objects.filter(cycle=cycle).exclude(unit__assessments__cycle=cycle)
             .values_list("unit_id", flat=True))
    created = Assessment.objects.bulk_create([Assessment(cycle=cycle, unit_id=pk) for pk in units],
                                             batch_size=BATCH)
    leaves = list(Criterion.objects.filter(framework=cycle.framework_id).exclude(method="")
                  .values_list("pk", flat=True))
    present = set(LeafScore.objects.filter(assessment__cycle=cycle).values_list("assessment_id", "criterion_id"))
    missing = [LeafScore(assessment_id=assessment_id, criterion_id=leaf)
               for assessment_id in Assessment.objects.filter(cycle=cycle).values_list("pk", flat=True)
               for leaf in leaves if (assessment_id, leaf) not in present]
    LeafScore.objects.bulk_create(missing, batch_size=BATCH)
    return CycleFill(len(created), len(missing))


def cycle_deadlines_update(*, cycle, user, deadlines: dict[str, date | None], reason="",
                           source=AuditSource.UI) -> int:
    """Sets the cycle's deadlines; returns how many changed. Each change is audited with its old value."""
    _check_deadlines(deadlines)
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        changes = [(f, getattr(cycle, f), deadlines.get(f)) for f in DEADLINE_FIELDS
                   if getattr(cycle, f) != deadlines.get(f)]
        for field, _old, new in changes:
            setattr(cycle, field, new)
        if changes:
            cycle.save(update_fields=[field for field, _old, _new in changes])
            audit_write([_cycle_audit(cycle, field, old, new, user, source, reason) for field, old, new in changes])
    return len(changes)


def cycle_close(*, cycle, user, reason="", source=AuditSource.UI) -> bool:
    """Closes the cycle: nobody self-scores any more. False if it was closed already."""
    return _set_open(cycle, False, user, reason, source)


def cycle_reopen(*, cycle, user, reason="", source=AuditSource.UI) -> bool:
    """Opens a closed cycle again, giving units added to the roster, or leaves an import left out, their rows.
    False if it was open already."""
    with transaction.atomic():
        changed = _set_open(cycle, True, user, reason, source)
        if changed:
            cycle_fill(cycle)
    return changed


def _set_open(cycle, is_open, user, reason, source):
    with transaction.atomic():
        # A conditional UPDATE: two coordinators pressing the button at once change (and audit) it once.
        changed = Cycle.objects.filter(pk=cycle.pk, is_open=not is_open).update(is_open=is_open)
        if changed:
            audit_write([_cycle_audit(cycle, "is_open", not is_open, is_open, user, source, reason)])
    cycle.is_open = is_open
    return bool(changed)


def _cycle_audit(cycle, field, old, new, user, source, reason):
    return audit_entry(entity="cycle", entity_id=cycle.pk, field=field, old=old, new=new, actor=user,
                       source=source, reason=reason)

