"""Bringing answers in bulk (`import_responses`): paper questionnaires typed into a sheet, or another tool's export.

One row is one respondent's answers about one rated unit. A respondent's row replaces what an earlier file said
for the same unit (matched on survey, respondent key and unit), so a corrected file can be imported again. All or
nothing: any unknown unit, group, question or option stops the import before anything is written."""
from collections.abc import Sequence
from dataclasses import dataclass
from string import ascii_uppercase

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.excel.sheets import SheetIssue, WorkbookError
from scoring.models import AuditSource, Unit
from scoring.services.audit import audit_entry, audit_write

from ..models import Answer, Option, Question, Response, Source, Survey
from ..quality import flag_reasons

SHEET = "responses"
FIXED_COLUMNS = ("respondent", "group", "unit_code")
KEY_LENGTH = Response._meta.get_field("respondent_key").max_length
LOOKUP_CHUNK = 1000  # keys per IN (...) list: SQLite caps the parameters of one statement


@dataclass(frozen=True)
class ResponseRow:
    respondent: str
    group: str
    unit_code: str
    answers: tuple[tuple[str, str], ...]  # (question column, option as written); blank cells left out
    row: int | None = None


@dataclass(frozen=True)
class ResponsesImportSummary:
    survey: Survey
    created: int
    replaced: int
    answers: int
    flagged: int


@dataclass(frozen=True)
class _Choice:
    question_id: int
    option_id: int
    label: str
    position: int


class _Design:
    """The survey's units, groups, questions and options, loaded once, to check every row without a query."""

    def __init__(self, survey):
        blocks = set(survey.blocks.values_list("pk", flat=True))
        self.units = {code: (pk, block_id in blocks, block)
                      for code, pk, block_id, block in Unit.objects.values_list("code", "pk", "block", "block__code")}
        self.block_codes = ", ".join(sorted(survey.blocks.values_list("code", flat=True)))
        self.groups = {group.code.upper(): group for group in survey.groups.all()}
        self.questions = {}
        for question in Question.objects.filter(survey=survey).prefetch_related("options"):
            options = sorted(question.options.all(), key=lambda option: (option.position, option.pk))
            self.questions[(question.group_id, question.code.lower())] = (question, options)
        self.codes = {code for _group, code in self.questions}


@transaction.atomic
def responses_import(*, survey_code: str, rows: Sequence[ResponseRow], columns: Sequence[str] = (),
                     source: str = Source.IMPORT, user=None) -> ResponsesImportSummary:
    """Saves the rows' responses and answers; `columns` are the sheet's question columns (checked even if blank)."""
    survey = Survey.objects.select_for_update().filter(code=survey_code).first()
    if survey is None:
        raise WorkbookError([SheetIssue(_("Không có cuộc điều tra mã '%(code)s'.") % {"code": survey_code})])
    design = _Design(survey)
    choices, issues = _check(design, rows, columns)
    if issues:
        raise WorkbookError(issues)
    summary = _write(survey, design, rows, choices, source)
    audit_write([audit_entry(entity="survey", entity_id=survey.pk, field="responses", old="", actor=user,
                             source=AuditSource.IMPORT, reason=_("Nhập phiếu trả lời từ Excel"),
                             new=_("%(created)d phiếu mới, %(replaced)d phiếu thay thế") % {
                                 "created": summary.created, "replaced": summary.replaced})])
    return summary


# --- Checks -----------------------------------------------------------------------------------------------------


def _check(design, rows, columns):
    issues = _column_issues(design, columns)
    choices, seen = [], {}
    for row in rows:
        row_choices, row_issues = _row_check(design, row, seen)
        choices.append(row_choices)
        issues += row_issues
    return choices, issues


def _column_issues(design, columns):
    message = _("cột '%(column)s' không phải là mã câu hỏi nào của cuộc điều tra")
    return [SheetIssue(message % {"column": column}, SHEET, 1, column)
            for column in columns if column.lower() not in design.codes]


def _row_check(design, row, seen):
    issues = _unit_issues(design, row) + _key_issues(row, seen)
    group = design.groups.get(row.group.upper())
    if group is None:
        known = ", ".join(group.code for group in design.groups.values()) or "—"
        message = _("nhóm '%(group)s' không có trong cuộc điều tra (các nhóm: %(known)s)")
        return [], issues + [SheetIssue(message % {"group": row.group, "known": known}, SHEET, row.row, "group")]
    choices = []
    for column, written in row.answers:
        choice, issue = _choice(design, group, row, column, written)
        choices += [choice] if choice else []
        issues += [issue] if issue else []
    if not row.answers:
        issues.append(SheetIssue(_("phiếu không có câu trả lời nào"), SHEET, row.row))
    return choices, issues


def _unit_issues(design, row):
    unit = design.units.get(row.unit_code)
    if unit is None:
        return [SheetIssue(_("đơn vị '%(code)s' không tồn tại") % {"code": row.unit_code}, SHEET, row.row,
                           "unit_code")]
    if not unit[1]:
        message = _("đơn vị '%(code)s' thuộc khối %(block)s, không phải khối được đánh giá (%(blocks)s)")
        return [SheetIssue(message % {"code": row.unit_code, "block": unit[2], "blocks": design.block_codes},
                           SHEET, row.row, "unit_code")]
    return []


def _key_issues(row, seen):
    issues = []
    if not row.respondent:
        issues.append(SheetIssue(_("ô này không được để trống"), SHEET, row.row, "respondent"))
    if len(row.respondent) > KEY_LENGTH:
        issues.append(SheetIssue(_("dài quá %(limit)d ký tự") % {"limit": KEY_LENGTH}, SHEET, row.row, "respondent"))
    key = (row.respondent, row.unit_code)
    if key in seen:
        message = _("người trả lời '%(key)s' đã đánh giá đơn vị %(unit)s ở dòng %(first)d")
        issues.append(SheetIssue(message % {"key": row.respondent, "unit": row.unit_code, "first": seen[key]},
                                 SHEET, row.row, "respondent"))
    seen.setdefault(key, row.row)
    return issues


def _choice(design, group, row, column, written):
    found = design.questions.get((group.pk, column.lower()))
    if found is None:
        message = _("câu hỏi %(column)s không thuộc nhóm %(group)s") % {"column": column, "group": group.code}
        return None, SheetIssue(message, SHEET, row.row, column)
    question, options = found
    option = _option(options, written)
    if option is None:
        message = _("phương án '%(written)s' không có trong câu hỏi %(code)s (các phương án: %(labels)s)")
        labels = "; ".join(option.label for option in options)
        return None, SheetIssue(message % {"written": written, "code": question.code, "labels": labels},
                                SHEET, row.row, column)
    return _Choice(question.pk, option.pk, option.label, options.index(option)), None


def _option(options: list[Option], written: str) -> Option | None:
    """The option whose label is written (any case); else, for a single letter, the option at that place in the
    list (A = first): paper forms print the options as A., B., C. and data entry types the letter."""
    wanted = written.casefold()
    for option in options:
        if option.label.casefold() == wanted:
            return option
    place = ascii_uppercase.find(written.upper()) if len(written) == 1 else -1
    return options[place] if 0 <= place < len(options) else None


# --- Writing ----------------------------------------------------------------------------------------------------


def _write(survey, design, rows, choices, source):
    existing = _existing(survey, design, rows)
    today = timezone.localdate()
    new, replaced, answers = [], [], []
    for row, row_choices in zip(rows, choices):
        unit_id = design.units[row.unit_code][0]
        response = Response(survey=survey, group=design.groups[row.group.upper()], unit_id=unit_id, source=source,
                            respondent_key=row.respondent, submitted_on=today, **_flags(row_choices))
        if (row.respondent, unit_id) in existing:
            response.pk = existing[(row.respondent, unit_id)]
            replaced.append(response)
        else:
            new.append(response)
        answers += [Answer(response_id=response.pk, question_id=c.question_id, option_id=c.option_id)
                    for c in row_choices]
    _save(new, replaced, answers)
    return ResponsesImportSummary(survey, len(new), len(replaced), len(answers),
                                  sum(response.flagged for response in new + replaced))


def _existing(survey, design, rows):
    """{(respondent key, unit id): response id} of the responses the rows replace."""
    keys = sorted({row.respondent for row in rows})
    found = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        found.update({(key, unit): pk for key, unit, pk in Response.objects.filter(
            survey=survey, respondent_key__in=keys[start:start + LOOKUP_CHUNK]).values_list(
            "respondent_key", "unit", "pk")})
    return found


def _flags(choices):
    # Straight-lining is judged on places in the option lists, the same rule as answers given online.
    reasons = flag_reasons(elapsed_seconds=None, question_count=len(choices), positions=[c.position for c in choices])
    return {"flagged": bool(reasons), "flag_reason": "; ".join(reasons)[:200]}


def _save(new, replaced, answers):
    Response.objects.bulk_create(new, batch_size=1000)
    Response.objects.bulk_update(replaced, ["group", "source", "submitted_on", "flagged", "flag_reason"],
                                 batch_size=1000)
    # One DELETE for every replaced response's old answers; their new answers come with the rest.
    Answer.objects.filter(response_id__in=[response.pk for response in replaced]).delete()
    Answer.objects.bulk_create(answers, batch_size=5000)
