"""A survey's design (questionnaire) as plain values, and saving it: the Excel import and the demo come through here.

The reader (surveys/excel.py) checks what a file alone can tell: option syntax and weights, duplicate codes and
labels, SIPAS elements. survey_import checks what needs the database (blocks, survey leaves of the year's
frameworks, answers already collected) and saves all or nothing."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from scoring.excel.sheets import SheetIssue, WorkbookError
from scoring.models import AuditSource, Block, Criterion, Framework, Method
from scoring.services.audit import audit_entry, audit_write
from scoring.services.scores import framework_for

from ..models import Option, Question, RespondentGroup, Response, Survey

SURVEY_SHEET, QUESTIONS_SHEET = "survey", "questions"
SURVEY_FIELDS = ("name", "year", "anonymous", "satisfied_min_weight", "margin_of_error")


@dataclass(frozen=True)
class OptionSpec:
    label: str
    weight: Decimal | None  # percent; None: shown but not counted ("Không biết")


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    identified: bool = False


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    group: str  # a GroupSpec code
    text: str
    options: tuple[OptionSpec, ...]
    criterion_code: str = ""
    element: str = ""
    content: str = ""
    rates: str = "block"
    row: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SurveySpec:
    code: str
    name: str
    year: int
    blocks: tuple[str, ...]
    groups: tuple[GroupSpec, ...]
    questions: tuple[QuestionSpec, ...]
    anonymous: bool = True
    satisfied_min_weight: Decimal = Decimal(60)
    margin_of_error: Decimal = Decimal("0.05")
    rows: dict[str, int] = field(default_factory=dict, compare=False)  # key -> row of the survey sheet


@dataclass(frozen=True)
class SurveyImportSummary:
    survey: Survey
    created: bool
    groups: int
    questions: int


@transaction.atomic
def survey_import(*, spec: SurveySpec, user=None, source=AuditSource.IMPORT) -> SurveyImportSummary:
    """Creates the survey, or replaces its questionnaire in place while no answer has been collected."""
    survey = Survey.objects.select_for_update().filter(code=spec.code).first()
    blocks = _blocks(spec)
    issues = _replace_issues(survey, spec) + _block_issues(spec, blocks) + _criterion_issues(spec, blocks.values())
    if issues:
        raise WorkbookError(issues)
    created = survey is None
    survey = _save_survey(survey or Survey(code=spec.code), spec, blocks.values())
    Question.objects.filter(survey=survey).delete()  # their options go with them; no answer refers to them yet
    _save_questions(survey, _save_groups(survey, spec.groups), spec.questions)
    audit_write([audit_entry(entity="survey", entity_id=survey.pk, field="import", old="", actor=user, source=source,
                             new=_("%(groups)d nhóm, %(questions)d câu hỏi") % {
                                 "groups": len(spec.groups), "questions": len(spec.questions)})])
    return SurveyImportSummary(survey, created, len(spec.groups), len(spec.questions))


def year_frameworks(year: int, blocks: Iterable[Block]) -> dict[int, Framework]:
    """{block id: framework} of the year, as the scores are kept: the cycle's framework, else the latest revision.
    A block without a framework that year is left out."""
    frameworks = {}
    for block in blocks:
        try:
            frameworks[block.pk] = framework_for(year, block.code)
        except WorkbookError:
            continue
    return frameworks


# --- Checks that need the database ------------------------------------------------------------------------------


def _blocks(spec):
    wanted = {code.upper() for code in spec.blocks}
    return {block.code.upper(): block for block in Block.objects.all() if block.code.upper() in wanted}


def _header_issue(spec, key, message):
    row = spec.rows.get(key)
    return SheetIssue(message, SURVEY_SHEET, row, "value" if row else key)


def _replace_issues(survey, spec):
    if survey is None:
        return []
    answered = Response.objects.filter(survey=survey).count()
    if answered:
        message = _("Cuộc điều tra %(code)s đã có %(count)d phiếu trả lời: không thay được bảng hỏi. Tạo cuộc điều "
                    "tra với mã khác, hoặc xóa các phiếu trả lời trước.")
        return [SheetIssue(message % {"code": survey.code, "count": answered})]
    return _dropped_group_issues(survey, spec)


def _dropped_group_issues(survey, spec):
    """A group that leaves the questionnaire would take its invitations and sample targets with it."""
    kept = {group.code.upper() for group in spec.groups}
    used = survey.groups.filter(Q(invitations__isnull=False) | Q(targets__isnull=False)).distinct()
    message = _("nhóm %(code)s đã có phiếu mời hoặc cỡ mẫu nên phải giữ lại trong sheet questions")
    return [SheetIssue(message % {"code": group.code}, QUESTIONS_SHEET, None, "group")
            for group in used if group.code.upper() not in kept]


def _block_issues(spec, blocks):
    known = ", ".join(Block.objects.order_by("position", "code").values_list("code", flat=True)) or "—"
    message = _("khối '%(block)s' không tồn tại (các khối: %(known)s)")
    return [_header_issue(spec, "blocks", message % {"block": code, "known": known})
            for code in spec.blocks if code.upper() not in blocks]


def _criterion_issues(spec, blocks):
    frameworks = year_frameworks(spec.year, blocks).values()
    if blocks and not frameworks and any(question.criterion_code for question in spec.questions):
        message = _("Chưa có bộ chỉ số năm %(year)s của khối %(blocks)s: nhập bộ chỉ số trước, rồi nhập bảng hỏi có "
                    "câu hỏi tính điểm (cột criterion_code).")
        return [SheetIssue(message % {"year": spec.year, "blocks": ", ".join(block.code for block in blocks)})]
    codes = set(Criterion.objects.filter(framework__in=frameworks, method=Method.SURVEY).values_list("code", flat=True))
    names = ", ".join(block.code for block in blocks)
    message = _("'%(code)s' không phải là tiêu chí điều tra XHH (phương pháp survey) trong bộ chỉ số năm %(year)s "
                "của khối %(blocks)s")
    return [SheetIssue(message % {"code": question.criterion_code, "year": spec.year, "blocks": names},
                       QUESTIONS_SHEET, question.row, "criterion_code")
            for question in spec.questions if question.criterion_code and question.criterion_code not in codes]


# --- Saving -----------------------------------------------------------------------------------------------------


def _save_survey(survey, spec, blocks):
    for name in SURVEY_FIELDS:
        setattr(survey, name, getattr(spec, name))
    survey.save()
    survey.blocks.set(blocks)
    return survey


def _save_groups(survey, specs):
    """Groups are kept by code, so their invitations and sample targets stay; groups left out are removed."""
    existing = {group.code.upper(): group for group in survey.groups.all()}
    kept = {spec.code.upper() for spec in specs}
    survey.groups.exclude(pk__in=[g.pk for code, g in existing.items() if code in kept]).delete()
    groups = {}
    for position, spec in enumerate(specs):
        group = existing.get(spec.code.upper()) or RespondentGroup(survey=survey)
        group.code, group.name, group.identified, group.position = spec.code, spec.name, spec.identified, position
        group.save()
        groups[spec.code.upper()] = group
    return groups


def _save_questions(survey, groups, specs):
    questions = Question.objects.bulk_create([
        Question(survey=survey, group=groups[spec.group.upper()], code=spec.code, text=spec.text, position=position,
                 criterion_code=spec.criterion_code, element=spec.element, content=spec.content, rates=spec.rates)
        for position, spec in enumerate(specs)])
    Option.objects.bulk_create([
        Option(question=question, label=option.label, weight=option.weight, position=position)
        for question, spec in zip(questions, specs) for position, option in enumerate(spec.options)])
