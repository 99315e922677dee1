"""Importing a criteria framework (from Excel or the demo); uploads wait for confirmation in services/uploads.py."""
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from ..framework_spec import FrameworkSpec, ImportIssue, canonical_rule, merge_issues, validate_framework
from ..models import Agency, AuditSource, Block, Criterion, Framework, GradeTier, Index, Pillar
from ..models.indices import PAR, STANDARD
from ..selectors import framework_block_issues
from .audit import audit_entry, audit_write

HEADER_FIELDS = ("code", "name", "version", "precision", "bonus_cap", "penalty_cap", "clamp_total")
GRADE_FIELDS = ("code", "label", "min_index", "min_area_index", "min_survey_index", "max_penalty")


class FrameworkImportError(ValueError):
    """The spec breaks a rule; nothing has been saved."""

    def __init__(self, issues: list[ImportIssue]):
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues


@transaction.atomic
def framework_import(*, spec: FrameworkSpec, user=None, source=AuditSource.IMPORT) -> tuple[Framework, bool]:
    """Save `spec` as the framework of its year and block, all or nothing. The latest revision is replaced in
    place unless it is locked (an assessment cycle uses it): then a new revision is created. Returns the framework
    and whether it replaced an existing revision."""
    issues = merge_issues(validate_framework(spec), framework_block_issues(spec))
    if issues:
        raise FrameworkImportError(issues)
    framework, replaced = _target(spec, user)
    for name in HEADER_FIELDS:
        setattr(framework, name, getattr(spec, name))
    framework.save()
    pillars = Pillar.objects.bulk_create(Pillar(framework=framework, position=position, code=pillar.code,
                                                name=pillar.name) for position, pillar in enumerate(spec.pillars))
    _create_criteria(framework, spec, _agencies(spec), {pillar.code: pillar for pillar in pillars})
    GradeTier.objects.bulk_create(_grade(framework, position, grade) for position, grade in enumerate(spec.grades))
    audit_write([audit_entry(entity="framework", entity_id=framework.pk, field="import", old="",
                             new=_audit_summary(framework, spec, replaced), actor=user, source=source)])
    return framework, replaced


def _target(spec: FrameworkSpec, user) -> tuple[Framework, bool]:
    block = Block.objects.get(code__iexact=spec.block)
    index = _index(spec.index)
    # Locked for the transaction, so two imports of one index, year and block can't both replace it. Revisions
    # are counted per index: DTI's first framework of a year is revision 1 beside PAR's.
    latest = (Framework.objects.select_for_update().filter(year=spec.year, block=block, index=index)
              .order_by("-revision").first())
    if latest is None or latest.is_locked:
        revision = latest.revision + 1 if latest else 1
        return Framework(index=index, year=spec.year, block=block, revision=revision, created_by=user), False
    _clear(latest)
    return latest, True


def _index(code) -> Index:
    code = code or PAR
    return Index.objects.standard(code) if code in STANDARD else Index.objects.get(code=code)


def _clear(framework: Framework) -> None:
    try:
        framework.criteria.all().delete()
    except ProtectedError as error:
        message = _("Không thay thế được lần sửa đổi %(revision)s: dữ liệu khác đang dùng các tiêu chí của nó. "
                    "Hãy khóa bộ chỉ số rồi nhập lại để tạo lần sửa đổi mới.") % {"revision": framework.revision}
        raise FrameworkImportError([ImportIssue("", None, None, message)]) from error
    framework.grades.all().delete()
    framework.pillars.all().delete()


def _agencies(spec: FrameworkSpec) -> dict[str, Agency]:
    """Agencies by upper-cased code. A code not known yet becomes an agency without a name, for the coordinator
    to name later. Codes match case-insensitively, like block codes."""
    codes = {node.appraiser for node in spec.criteria if node.appraiser}
    known = {agency.code.upper() for agency in Agency.objects.only("code")}
    Agency.objects.bulk_create([Agency(code=code) for code in codes if code.upper() not in known],
                               ignore_conflicts=True)
    return {agency.code.upper(): agency for agency in Agency.objects.all()}


def _create_criteria(framework: Framework, spec: FrameworkSpec, agencies: dict[str, Agency],
                     pillars: dict[str, Pillar]) -> None:
    # One INSERT per depth: parents exist (with their ids) before their children are built.
    saved: dict[str, Criterion] = {}
    for depth in sorted({node.depth for node in spec.criteria}):
        batch = [_criterion(framework, position, node, saved, agencies, pillars)
                 for position, node in enumerate(spec.criteria) if node.depth == depth]
        saved.update((criterion.code, criterion) for criterion in Criterion.objects.bulk_create(batch))


def _criterion(framework, position, node, saved, agencies, pillars) -> Criterion:
    return Criterion(
        framework=framework, parent=saved.get(node.parent_code), code=node.code, area_code=node.area_code,
        depth=node.depth, position=position, title=node.title, max_points=_stored_max(node), method=node.method,
        rule=canonical_rule(node), evidence_required=node.evidence_required,
        evidence_months_before=node.evidence_months_before,
        agency=agencies.get(node.appraiser.upper()), guidance=node.guidance, pillar=pillars.get(node.pillar),
    )


def _stored_max(node) -> Decimal:
    # Only a parent of bonus and penalty leaves may leave its maximum blank (framework_spec): it has none of its own.
    return Decimal(0) if node.max_points is None else node.max_points


def _grade(framework, position, grade) -> GradeTier:
    return GradeTier(framework=framework, position=position, **{name: getattr(grade, name) for name in GRADE_FIELDS})


def _audit_summary(framework, spec, replaced) -> str:
    action = "thay thế" if replaced else "tạo"
    return (f"{action} lần sửa đổi {framework.revision}: {len(spec.criteria)} tiêu chí, "
            f"{len(spec.grades)} xếp loại, tổng điểm {spec.max_total}")
