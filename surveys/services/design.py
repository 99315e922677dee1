"""A survey's design (questionnaire) as plain values, its rules, and saving it: the Excel import, the browser editor
(services/editor.py) and the demo all come through here, so the rules cannot drift between them.

The Excel reader (surveys/excel.py) only parses cells; what it cannot understand it reports and hands on as None
or as written. validate_survey holds every rule a design must obey without the database (lengths, duplicate codes,
SIPAS elements and contents, settings in range) and parse_options the options' text syntax, which the editor's
question form uses too. survey_import adds what needs the database (blocks, survey leaves of the year's
frameworks, answers already collected) and saves all or nothing."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from scoring.excel.sheets import SheetIssue, WorkbookError, decimal, text
from scoring.framework_spec import merge_issues
from scoring.models import AuditSource, Block, Criterion, Framework, Method
from scoring.services.audit import audit_entry, audit_write
from scoring.services.scores import framework_for

from ..models import Content, Element, Option, Question, Rates, RespondentGroup, Response, Survey
from .responses import FIXED_COLUMNS

SURVEY_SHEET, QUESTIONS_SHEET = "survey", "questions"
SURVEY_FIELDS = ("name", "year", "anonymous", "satisfied_min_weight", "margin_of_error")
SURVEY_REQUIRED = ("code", "name", "year", "blocks")
# Column lengths of the models, checked here so the database never refuses a row half-way through an import.
LENGTHS = {"survey": {"code": Survey._meta.get_field("code").max_length,
                      "name": Survey._meta.get_field("name").max_length},
           "question": {"code": Question._meta.get_field("code").max_length,
                        "group": RespondentGroup._meta.get_field("code").max_length,
                        "criterion_code": Question._meta.get_field("criterion_code").max_length},
           "group_name": RespondentGroup._meta.get_field("name").max_length,
           "label": Option._meta.get_field("label").max_length}
CHOICES = {"element": Element, "content": Content, "rates": Rates}
YEARS = (2000, 2100)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class OptionSpec:
    label: str
    weight: Decimal | None  # percent; None: shown but not counted ("Không biết")


@dataclass(frozen=True)
class GroupSpec:
    code: str
    name: str
    identified: bool = False
    row: int | None = field(default=None, compare=False)  # the questions row that named the group


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
    year: int | None  # None: the reader could not read it (and said so)
    blocks: tuple[str, ...]
    groups: tuple[GroupSpec, ...]
    questions: tuple[QuestionSpec, ...]
    anonymous: bool = True
    satisfied_min_weight: Decimal | None = Decimal(60)
    margin_of_error: Decimal | None = Decimal("0.05")
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
    issues = _import_issues(spec, survey)
    if issues:
        raise WorkbookError(issues)
    created = survey is None
    survey = _save_survey(survey or Survey(code=spec.code), spec, _blocks(spec).values())
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


def survey_import_issues(spec: SurveySpec) -> list[SheetIssue]:
    """Everything survey_import would refuse, found without saving anything (the upload preview shows them)."""
    return _import_issues(spec, Survey.objects.filter(code=spec.code).first())


# --- Checks that need the database ------------------------------------------------------------------------------


def _import_issues(spec, survey):
    blocks = _blocks(spec)
    database = _replace_issues(survey, spec) + _block_issues(spec, blocks)
    if spec.year is not None:
        database += _criterion_issues(spec, blocks.values())
    return merge_issues(validate_survey(spec), database)


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


# --- The rules of a well-formed design (no database) ------------------------------------------------------------


def validate_survey(spec: SurveySpec) -> list[SheetIssue]:
    """Every problem of `spec` found without the database, located on its survey sheet key or questions row and
    column. Values a reader could not understand arrive as None or as written; merge_issues keeps the reader's
    report of a cell and drops a second one."""
    return _header_rules(spec) + _group_rules(spec) + _question_rules(spec)


def year_message(written) -> str:
    return _("năm phải là số nguyên từ 2000 đến 2100, không phải '%(value)s'") % {"value": written}


def _header_rules(spec):
    issues = [_header_issue(spec, key, _("thiếu giá trị của khóa '%(key)s'") % {"key": key})
              for key in SURVEY_REQUIRED if getattr(spec, key) in (None, "", ())]
    issues += [_header_issue(spec, key, message) for key in ("code", "name")
               if (message := _too_long(getattr(spec, key), LENGTHS["survey"][key]))]
    if spec.year is not None and not YEARS[0] <= spec.year <= YEARS[1]:
        issues.append(_header_issue(spec, "year", year_message(spec.year)))
    if not is_weight(spec.satisfied_min_weight):
        issues.append(_header_issue(spec, "satisfied_min_weight",
                                    _("trọng số hài lòng phải là số từ 0 đến 100, tối đa 2 chữ số thập phân")))
    margin = spec.margin_of_error
    if margin is None or not 0 < margin < 1 or margin % Decimal("0.001"):
        issues.append(_header_issue(spec, "margin_of_error", _("sai số e phải lớn hơn 0, nhỏ hơn 1, tối đa 3 chữ số "
                                                               "thập phân (ví dụ 0,05)")))
    return issues


def _too_long(value, limit):
    if len(value or "") > limit:
        return _("dài %(length)d ký tự, tối đa %(limit)d") % {"length": len(value), "limit": limit}
    return None


def is_weight(value) -> bool:
    """A percent with at most 2 decimals, as Option.weight and Survey.satisfied_min_weight store it."""
    return value is not None and 0 <= value <= HUNDRED and not value % Decimal("0.01")


def _group_rules(spec):
    issues, seen = [], set()
    for group in spec.groups:
        def report(column, message, row=group.row):
            issues.append(SheetIssue(message, QUESTIONS_SHEET, row, column))
        for column, value, limit in (("group", group.code, LENGTHS["question"]["group"]),
                                     ("group_name", group.name, LENGTHS["group_name"])):
            if not value:
                report(column, _("ô này không được để trống"))
            elif message := _too_long(value, limit):
                report(column, message)
        if group.code and group.code.upper() in seen:
            report("group", _("mã nhóm '%(code)s' bị lặp") % {"code": group.code})
        seen.add(group.code.upper())
    return issues


def _question_rules(spec):
    issues, seen = [], {}
    groups = {group.code.upper() for group in spec.groups}
    for question in spec.questions:
        def report(column, message, row=question.row):
            issues.append(SheetIssue(message, QUESTIONS_SHEET, row, column))
        _cell_rules(question, report)
        _choice_rules(question, report)
        _option_rules(question.options, lambda message: report("options", message))
        _unique_rule(question, seen, report)
        if question.group and question.group.upper() not in groups:
            report("group", _("nhóm '%(group)s' chưa có trong danh sách nhóm đối tượng") % {"group": question.group})
    return issues


def _cell_rules(question, report):
    for column in ("code", "group", "text"):
        if not getattr(question, column):
            report(column, _("ô này không được để trống"))
    for column, limit in LENGTHS["question"].items():
        if message := _too_long(getattr(question, column), limit):
            report(column, message)
    if question.code.lower() in FIXED_COLUMNS:
        report("code", _("mã câu hỏi không được trùng tên cột %(columns)s của sheet responses") % {
            "columns": ", ".join(FIXED_COLUMNS)})


def _choice_rules(question, report):
    for column, choices in CHOICES.items():
        value = getattr(question, column)
        if (value or column == "rates") and value not in choices.values:
            report(column, _("'%(value)s' không hợp lệ; dùng: %(values)s") % {"value": value,
                                                                            "values": ", ".join(choices.values)})
    if bool(question.element) != bool(question.content):
        report("content" if question.element else "element",
               _("yếu tố (element) và nội dung đo (content) SIPAS phải ghi cùng nhau, hoặc cùng để trống"))


def _option_rules(options, report):
    if not options:
        report(_("cần ít nhất một phương án, dạng A=100; B=60; C=20; D=0; E="))
    labels = set()
    for option in options:
        if problem := _label_problem(option.label):
            report(problem)
        elif option.label.casefold() in labels:
            report(_("phương án '%(label)s' bị lặp") % {"label": option.label})
        if option.weight is not None and not is_weight(option.weight):
            report(_weight_message(_plain(option.weight), option.label))
        labels.add(option.label.casefold())


def _unique_rule(question, seen, report):
    key = (question.group.upper(), question.code.lower())
    if question.code and key in seen:
        first = seen[key]
        message = (_("mã câu hỏi '%(code)s' trùng với dòng %(row)d trong nhóm %(group)s") if first and question.row
                   else _("mã câu hỏi '%(code)s' đã có trong nhóm %(group)s"))
        report("code", message % {"code": question.code, "row": first or 0, "group": question.group})
    seen.setdefault(key, question.row)


# --- The options' text syntax: an Excel cell and the editor's question form -------------------------------------


def parse_options(value, report) -> tuple[OptionSpec, ...]:
    """`A=100; B=60; C=20; D=0; E=`: label=weight in percent, separated by semicolons; a blank weight is an option
    that is not counted ("Không biết"). A label may itself hold "=": the weight is after the last one."""
    options, labels = [], set()
    parts = [part.strip() for part in text(value).split(";")]
    for part in [part for part in parts if part]:
        option = _option(part, report)
        if option and option.label.casefold() in labels:
            report(_("phương án '%(label)s' bị lặp") % {"label": option.label})
        elif option:
            labels.add(option.label.casefold())
            options.append(option)
    if not any(parts):
        report(_("cần ít nhất một phương án, dạng A=100; B=60; C=20; D=0; E="))
    return tuple(options)


def format_options(options) -> str:
    """The options as parse_options reads them back."""
    return "; ".join(f"{option.label}={_plain(option.weight)}" for option in options)


def _plain(value):
    return "" if value is None else format(value.normalize(), "f")


def _option(part, report):
    label, equals, weight = part.rpartition("=")
    label = label.strip()
    if not equals or not label:
        report(_("'%(part)s' không đúng dạng nhãn=trọng số (ví dụ B=60; để trống trọng số nếu không tính điểm)")
               % {"part": part})
        return None
    if problem := _label_problem(label):
        report(problem)
        return None
    return _weighted(label, weight.strip(), report)


def _label_problem(label):
    if len(label) > LENGTHS["label"]:
        return _("phương án '%(label)s' dài quá %(limit)d ký tự") % {"label": label[:40], "limit": LENGTHS["label"]}
    return None


def _weighted(label, weight, report):
    if not weight:
        return OptionSpec(label, None)
    try:
        number = decimal(weight)
    except ValueError:
        number = None
    if not is_weight(number):
        report(_weight_message(weight, label))
        return None
    return OptionSpec(label, number)


def _weight_message(weight, label):
    return (_("trọng số '%(weight)s' của phương án '%(label)s' phải là số từ 0 đến 100 (tối đa 2 chữ số thập phân) "
              "hoặc để trống") % {"weight": weight, "label": label})
