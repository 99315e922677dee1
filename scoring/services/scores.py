"""Bringing scores in bulk (`import_scores`): how a province loads its past years and a board its spreadsheet."""
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ..excel.sheets import SheetIssue, WorkbookError
from ..excel.scores import SHEET
from ..models import Assessment, AssessmentStatus, AuditSource, Cycle, Framework, LeafScore, Method, RosterEntry, Unit
from ..models.indices import PAR, index_suffix
from .audit import audit_entry, audit_write
from .results import results_refresh_later

FIELDS = ("self_score", "self_not_applicable", "final_score", "not_applicable")


@dataclass(frozen=True)
class ScoresImportSummary:
    cycle: Cycle
    assessments: int
    created: int
    updated: int
    unchanged: int


def scores_import(*, year, block_code, rows, user=None, source=AuditSource.IMPORT, index_code=PAR):
    """Replaces the listed leaves' scores with the file's values (never duplicates), all or nothing, audited."""
    framework = framework_for(year, block_code, index_code)
    units, leaves, issues = _validate(framework, rows)
    if issues:
        raise WorkbookError(issues)
    with transaction.atomic():
        cycle = cycle_for(framework)
        assessments = assessments_for(cycle, {units[row.unit_code] for row in rows})
        summary = _write_scores(rows, units, leaves, assessments, user, source)
        if cycle.is_open:
            _mark_appraised(assessments.values())
        else:  # a past year from the board's records (rule 13): its units are the file's, its files appraised
            _past_year_record(cycle, assessments)
        # Results already computed for the year follow the new scores within seconds (before a first run: nothing).
        results_refresh_later(year=cycle.year, unit_ids=assessments.keys())
    return ScoresImportSummary(cycle, len(assessments), *summary)


def framework_for(year, block_code, index_code=PAR):
    cycle = (Cycle.objects.filter(year=year, block__code=block_code, index_code=index_code)
             .select_related("framework").first())
    if cycle:
        return cycle.framework
    framework = (Framework.objects.filter(year=year, block__code=block_code, index__code=index_code)
                 .order_by("-revision").first())
    if framework is None:
        message = _("Chưa có bộ chỉ số%(index)s năm %(year)s cho khối %(block)s.") % {
            "index": index_suffix(index_code), "year": year, "block": block_code}
        raise WorkbookError([SheetIssue(message)])
    return framework


def _validate(framework, rows):
    units = dict(Unit.objects.filter(block=framework.block_id).values_list("code", "pk"))
    leaves = {c.code: c for c in framework.criteria.exclude(method="")}
    issues, seen = [], set()
    for row in rows:
        issues += _row_issues(row, units, leaves, framework, seen)
    return units, leaves, issues


def _row_issues(row, units, leaves, framework, seen):
    issues = []
    if row.unit_code not in units:
        message = _("đơn vị '%(code)s' không có trong khối %(block)s")
        issues.append(SheetIssue(message % {"code": row.unit_code, "block": framework.block.code}, SHEET, row.row,
                                 "unit_code"))
    leaf = leaves.get(row.criterion_code)
    if leaf is None:
        message = _("'%(code)s' không phải là tiêu chí lá của bộ chỉ số %(name)s")
        issues.append(SheetIssue(message % {"code": row.criterion_code, "name": framework.name}, SHEET, row.row,
                                 "criterion_code"))
    else:
        issues += _above_max_issues(row, leaf)
    key = (row.unit_code, row.criterion_code)
    if key in seen:
        issues.append(SheetIssue(_("trùng đơn vị và tiêu chí với một dòng phía trên"), SHEET, row.row))
    seen.add(key)
    return issues


def _above_max_issues(row, leaf):
    issues = []
    for column in ("self_score", "final_score"):
        value = getattr(row, column).value
        if value is not None and value > leaf.max_points:
            message = _("điểm %(value)s vượt điểm tối đa %(max)s của tiêu chí %(code)s")
            issues.append(SheetIssue(message % {"value": value, "max": leaf.max_points.normalize(),
                                                "code": leaf.code}, SHEET, row.row, column))
    return issues


def cycle_for(framework):
    cycle, _created = Cycle.objects.get_or_create(
        year=framework.year, block_id=framework.block_id, index_code=framework.index_code, defaults={"framework": framework, "is_open": False})
    if framework.locked_at is None:
        Framework.objects.filter(pk=framework.pk).update(locked_at=timezone.now())
    return cycle


def assessments_for(cycle, unit_ids):
    existing = set(Assessment.objects.filter(cycle=cycle, unit_id__in=unit_ids).values_list("unit_id", flat=True))
    Assessment.objects.bulk_create([Assessment(cycle=cycle, unit_id=pk) for pk in unit_ids - existing])
    if not cycle.is_open:  # a past year brought in from files (rule 13): its units are those of the files
        RosterEntry.objects.bulk_create([RosterEntry(cycle=cycle, unit_id=pk) for pk in unit_ids],
                                        ignore_conflicts=True)
    return {a.unit_id: a for a in Assessment.objects.filter(cycle=cycle, unit_id__in=unit_ids)}


def _write_scores(rows, units, leaves, assessments, user, source):
    current = {(s.assessment_id, s.criterion_id): s
               for s in LeafScore.objects.filter(assessment__in=assessments.values())}
    new, changed, audit = [], [], []
    for row in rows:
        assessment = assessments[units[row.unit_code]]
        values = _values(row)
        score = current.get((assessment.pk, leaves[row.criterion_code].pk))
        if score is None:
            new.append(LeafScore(assessment=assessment, criterion=leaves[row.criterion_code], **values))
        elif _apply(score, values, audit, user, source):
            changed.append(score)
    created = LeafScore.objects.bulk_create(new, batch_size=2000)
    audit += [_audit(s, field, None, getattr(s, field), user, source) for s in created for field in FIELDS
              if getattr(s, field) not in (None, False)]
    LeafScore.objects.bulk_update(changed, [*FIELDS, "version"], batch_size=2000)
    audit_write(audit)
    return len(created), len(changed), len(rows) - len(created) - len(changed)


def _values(row):
    return {"self_score": row.self_score.value, "self_not_applicable": row.self_score.not_applicable,
            "final_score": row.final_score.value, "not_applicable": row.final_score.not_applicable}


def _apply(score, values, audit, user, source):
    changes = [(field, getattr(score, field), value) for field, value in values.items()
               if getattr(score, field) != value]
    for field, old, new in changes:
        audit.append(_audit(score, field, old, new, user, source))
        setattr(score, field, new)
    score.version += bool(changes)
    return bool(changes)


def _audit(score, field, old, new, user, source):
    return audit_entry(entity="leaf_score", entity_id=score.pk, field=field, old=old, new=new, actor=user,
                       source=source, reason=_("Nhập điểm từ Excel"), assessment_id=score.assessment_id)


def _past_year_record(cycle, assessments):
    # The survey was held that year when the records give a survey leaf its points (rule 14).
    held = LeafScore.objects.filter(assessment__cycle=cycle, criterion__method=Method.SURVEY,
                                    final_score__isnull=False).exists()
    Cycle.objects.filter(pk=cycle.pk).update(survey_held=held)
    Assessment.objects.filter(pk__in=[a.pk for a in assessments.values()]).exclude(
        status=AssessmentStatus.APPRAISED).update(status=AssessmentStatus.APPRAISED, finalized_at=timezone.now())


def _mark_appraised(assessments):
    """A file that gives every leaf of a unit a final score (or N/A) closes that unit's appraisal."""
    assessments = list(assessments)
    if not assessments:
        return
    leaf_count = assessments[0].cycle.framework.criteria.exclude(method="").count()
    complete = (LeafScore.objects.filter(assessment__in=assessments).exclude(final_score=None, not_applicable=False)
                .values("assessment_id").annotate(n=Count("id")).filter(n=leaf_count).values("assessment_id"))
    Assessment.objects.filter(pk__in=complete).exclude(status=AssessmentStatus.APPRAISED).update(
        status=AssessmentStatus.APPRAISED, finalized_at=timezone.now())
