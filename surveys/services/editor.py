"""The browser editor of a survey's design. Each edit is applied to the design as plain values (selectors.survey_spec)
and saved by survey_import, so the editor obeys exactly the rules of the Excel import (validate_survey, and the
checks that need the database) and is refused the same way once answers have been collected. Refusals raise
WorkbookError; the edited group or question carries the row EDITED, so its issues can be shown on its form.

Only the collection dates are not part of the design: they may move at any time (a survey is extended, or closed
early, while answers arrive)."""
from dataclasses import replace
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from scoring.excel.sheets import SheetIssue, WorkbookError
from scoring.models import AuditSource
from scoring.services.audit import audit_entry, audit_write

from ..models import Question, RespondentGroup, Survey
from ..selectors import survey_spec
from .design import SURVEY_SHEET, GroupSpec, QuestionSpec, SurveySpec, survey_import

EDITED = 0  # the questions "row" of the edited group or question (an Excel row is never 0)
DATES = ("opens_on", "closes_on")


@transaction.atomic
def survey_create(*, spec: SurveySpec, opens_on: date | None = None, closes_on: date | None = None,
                  user=None) -> Survey:
    """A new survey without groups or questions yet. Its code must be new: survey_import would otherwise replace
    the design of the survey that has it."""
    if Survey.objects.filter(code=spec.code).exists():
        message = _("Mã %(code)s đã được dùng cho một cuộc điều tra khác.") % {"code": spec.code}
        raise WorkbookError([SheetIssue(message, SURVEY_SHEET, None, "code")])
    survey = survey_import(spec=replace(spec, groups=(), questions=()), user=user, source=AuditSource.UI).survey
    survey_dates_set(survey=survey, opens_on=opens_on, closes_on=closes_on, user=user)
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, header: dict, opens_on: date | None, closes_on: date | None,
                  user=None) -> Survey:
    """The survey's own fields (name, year, blocks, settings: `header`, SurveySpec's names) and dates. The code
    stays: public links and printed QR codes carry it."""
    survey = _locked(survey)
    current = survey_spec(survey)
    spec = replace(current, **{name: value for name, value in header.items() if name != "code"})
    if spec != current:
        survey_import(spec=spec, user=user, source=AuditSource.UI)
        survey.refresh_from_db()
    survey_dates_set(survey=survey, opens_on=opens_on, closes_on=closes_on, user=user)
    return survey


def survey_dates_set(*, survey: Survey, opens_on: date | None, closes_on: date | None, user=None) -> None:
    changed = [(name, getattr(survey, name), value) for name, value in zip(DATES, (opens_on, closes_on))
               if getattr(survey, name) != value]
    for name, _old, value in changed:
        setattr(survey, name, value)
    if changed:
        survey.save(update_fields=[name for name, _old, _value in changed])
        audit_write([audit_entry(entity="survey", entity_id=survey.pk, field=name, old=old, new=value, actor=user)
                     for name, old, value in changed])


@transaction.atomic
def group_save(*, survey: Survey, spec: GroupSpec, group: RespondentGroup | None = None, user=None) -> Survey:
    """Adds a group, or changes the name and invitation mode of `group` (its code stays: invitations, sample
    targets and response sheets name it)."""
    current = survey_spec(_locked(survey))
    edited = replace(spec, code=group.code if group else spec.code, row=EDITED)
    groups = ([edited if g.code == group.code else g for g in current.groups] if group
              else [*current.groups, edited])
    return survey_import(spec=replace(current, groups=tuple(groups)), user=user, source=AuditSource.UI).survey


@transaction.atomic
def question_save(*, survey: Survey, spec: QuestionSpec, question: Question | None = None, user=None) -> Survey:
    """Adds a question at the end of its group, or replaces `question` in place."""
    current = survey_spec(_locked(survey))
    edited = replace(spec, row=EDITED)
    questions = list(current.questions)
    if question is not None:
        questions[_index(questions, question)] = edited
    else:
        last = max((i for i, q in enumerate(questions) if q.group == spec.group), default=len(questions) - 1)
        questions.insert(last + 1, edited)
    return survey_import(spec=replace(current, questions=tuple(questions)), user=user, source=AuditSource.UI).survey


@transaction.atomic
def question_delete(*, question: Question, user=None) -> Survey:
    """Refused once the question has answers, and (like every design change) once the survey has any."""
    answered = question.answers.count()
    if answered:
        message = _("Câu hỏi %(code)s đã có %(count)d câu trả lời: không xóa được.")
        raise WorkbookError([SheetIssue(message % {"code": question.code, "count": answered})])
    current = survey_spec(_locked(question.survey))
    questions = list(current.questions)
    del questions[_index(questions, question)]
    return survey_import(spec=replace(current, questions=tuple(questions)), user=user, source=AuditSource.UI).survey


def _locked(survey):
    # Two editors saving at once would each rebuild the design from what they read: one waits for the other.
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _index(questions, question):
    return next(i for i, q in enumerate(questions) if (q.group, q.code) == (question.group.code, question.code))
