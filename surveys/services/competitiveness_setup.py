"""Setting up a competitiveness index's edition from its framework workbook (surveys/competitiveness_workbook.py):
the province writes the sub-indices, weights and indicators down, maps each indicator to the firms' survey
questions, and the edition starts collecting. Re-importing replaces the framework while collection is open;
once the edition is computed or published, its framework is kept as it was computed."""
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from scoring.excel.sheets import SheetIssue, WorkbookError
from scoring.models import AuditSource, Block, EditionSource, EditionState, Index, IndexEdition
from scoring.models.indices import PAR
from scoring.services.audit import audit_entry, audit_write

from ..competitiveness_workbook import INDICATORS, SETTINGS, CompetitivenessSpec
from ..models import CompetitivenessFramework, Indicator, Question, SubIndex, Survey


@dataclass(frozen=True)
class CompetitivenessImportSummary:
    framework: CompetitivenessFramework
    created: bool
    sub_indices: int
    indicators: int


def competitiveness_import_issues(spec: CompetitivenessSpec) -> list[SheetIssue]:
    """What the database says of a workbook: the index, block and survey exist, the survey rates the block, every
    question code is the survey's, and the edition is still collecting (or new)."""
    issues = []
    index = Index.objects.filter(code=spec.index).first()
    if index is None:
        message = _("chưa có chỉ số '%(code)s' (các chỉ số: %(codes)s)")
        codes = ", ".join(Index.objects.values_list("code", flat=True))
        issues.append(SheetIssue(message % {"code": spec.index, "codes": codes}, SETTINGS, None, "index"))
    elif index.code == PAR or index.frameworks.exists():
        message = _("chỉ số %(code)s được chấm theo bộ tiêu chí (tự đánh giá và thẩm định), không tính từ phiếu "
                    "khảo sát doanh nghiệp")
        issues.append(SheetIssue(message % {"code": index.code}, SETTINGS, None, "index"))
    block = Block.objects.filter(code=spec.block).first()
    if block is None:
        issues.append(SheetIssue(_("không có khối '%(code)s'") % {"code": spec.block}, SETTINGS, None, "block"))
    survey = Survey.objects.filter(code=spec.survey).first()
    if survey is None:
        issues.append(SheetIssue(_("không có cuộc điều tra '%(code)s'") % {"code": spec.survey}, SETTINGS, None,
                                 "survey"))
    else:
        issues += _survey_issues(spec, survey, block)
    if index is not None and block is not None:
        edition = IndexEdition.objects.filter(index=index, year=spec.year, block=block).first()
        if edition is not None and (edition.source != EditionSource.SURVEY
                                    or edition.state != EditionState.COLLECTING):
            message = _("%(edition)s đã %(state)s: bộ chỉ số không thay được nữa")
            issues.append(SheetIssue(message % {"edition": edition, "state": edition.get_state_display().lower()},
                                     SETTINGS))
    return issues


def _survey_issues(spec, survey, block):
    issues = []
    if block is not None and not survey.blocks.filter(pk=block.pk).exists():
        message = _("cuộc điều tra %(survey)s không khảo sát khối %(block)s")
        issues.append(SheetIssue(message % {"survey": survey.code, "block": block.code}, SETTINGS, None, "survey"))
    known = set(survey.questions.values_list("code", flat=True))
    for line in spec.indicators:
        unknown = [code for code in line.questions if code not in known]
        if unknown:
            message = _("câu hỏi %(codes)s không có trong cuộc điều tra %(survey)s")
            issues.append(SheetIssue(message % {"codes": ", ".join(unknown), "survey": survey.code}, INDICATORS,
                                     line.row, "questions"))
    return issues


def competitiveness_import(*, spec: CompetitivenessSpec, user=None,
                           source=AuditSource.IMPORT) -> CompetitivenessImportSummary:
    """Creates the edition (collecting) with the workbook's framework, or replaces the framework of an edition
    still collecting; all or nothing, audited. Raises WorkbookError with every problem."""
    with transaction.atomic():
        issues = competitiveness_import_issues(spec)
        if issues:
            raise WorkbookError(issues)
        index, block = Index.objects.get(code=spec.index), Block.objects.get(code=spec.block)
        survey = Survey.objects.get(code=spec.survey)
        edition, created = IndexEdition.objects.select_for_update().get_or_create(
            index=index, year=spec.year, block=block,
            defaults={"source": EditionSource.SURVEY, "version": spec.version, "precision": spec.precision})
        if not created:
            IndexEdition.objects.filter(pk=edition.pk).update(version=spec.version, precision=spec.precision)
            CompetitivenessFramework.objects.filter(edition=edition).delete()
        grades = [{"code": line.code, "label": line.label, "min_index": str(line.min_index)}
                  for line in sorted(spec.grades, key=lambda line: line.min_index, reverse=True)]
        framework = CompetitivenessFramework.objects.create(
            edition=edition, survey=survey, minimum_answers=spec.minimum_answers, bounds_years=spec.bounds_years,
            grades=grades)
        _write_tree(framework, spec)
        reason = _("Nhập bộ chỉ số: %(subs)d chỉ số thành phần, %(indicators)d chỉ tiêu, phiếu của %(survey)s") % {
            "subs": len(spec.sub_indices), "indicators": len(spec.indicators), "survey": survey.code}
        audit_write([audit_entry(entity="index_edition", entity_id=edition.pk, field="framework",
                                 old=None if created else "replaced", new=framework.pk, actor=user, source=source,
                                 reason=reason)])
    return CompetitivenessImportSummary(framework, created, len(spec.sub_indices), len(spec.indicators))


def _write_tree(framework, spec):
    subs = {line.code: SubIndex.objects.create(framework=framework, code=line.code, name=line.name,
                                               weight=line.weight, position=position)
            for position, line in enumerate(spec.sub_indices)}
    questions = dict(Question.objects.filter(survey=framework.survey).values_list("code", "pk"))
    links = []
    for position, line in enumerate(spec.indicators):
        indicator = Indicator.objects.create(sub_index=subs[line.sub_index], code=line.code, name=line.name,
                                             position=position)
        links += [Indicator.questions.through(indicator_id=indicator.pk, question_id=questions[code])
                  for code in dict.fromkeys(line.questions)]
    Indicator.questions.through.objects.bulk_create(links)

