"""The managers' browser editor of a survey's design: the survey, its groups, its questions with their options. Every
save goes through services/editor.py, hence through the Excel import's rules; a refused save comes back with the
reasons on the form and everything typed kept."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.excel.sheets import WorkbookError

from ..editor_forms import GroupForm, QuestionForm, SurveyForm
from ..permissions import get_group_for_user, get_question_for_user, get_survey_for_manager, require_survey_manager
from ..selectors import survey_design, survey_leaf_choices
from ..services import editor
from ..services.design import SurveySpec


def _saved(form, save):
    """The survey `save` (a service call) saved, or None: then its reasons are on the form."""
    try:
        return save()
    except WorkbookError as error:
        form.add_issues(error.issues)
        return None


@login_required
def survey_design_view(request, pk):
    survey = get_survey_for_manager(request.user, pk)
    return render(request, "surveys/editor_design.html", {
        "survey": survey, "groups": survey_design(survey), "responses": survey.responses.count()})


@login_required
def survey_create(request):
    require_survey_manager(request.user)
    form = SurveyForm(request.POST or None)
    survey = form.is_valid() and _saved(form, lambda: editor.survey_create(
        spec=SurveySpec(**form.header(), groups=(), questions=()), opens_on=form.cleaned_data["opens_on"],
        closes_on=form.cleaned_data["closes_on"], user=request.user))
    if survey:
        messages.success(request, _("Đã tạo cuộc điều tra %(code)s. Thêm nhóm đối tượng và câu hỏi.")
                         % {"code": survey.code})
        return redirect("surveys:survey_design", survey.pk)
    return render(request, "surveys/editor_survey.html", {"form": form, "survey": None})


@login_required
def survey_edit(request, pk):
    survey = get_survey_for_manager(request.user, pk)
    form = SurveyForm(request.POST or None, survey=survey)
    if form.is_valid() and _saved(form, lambda: editor.survey_update(
            survey=survey, header=form.header(), opens_on=form.cleaned_data["opens_on"],
            closes_on=form.cleaned_data["closes_on"], user=request.user)):
        messages.success(request, _("Đã lưu thông tin cuộc điều tra."))
        return redirect("surveys:survey_design", survey.pk)
    return render(request, "surveys/editor_survey.html", {"form": form, "survey": survey})


@login_required
def group_create(request, pk):
    survey = get_survey_for_manager(request.user, pk)
    form = GroupForm(request.POST or None)
    if form.is_valid() and _saved(form, lambda: editor.group_save(survey=survey, spec=form.spec(),
                                                                  user=request.user)):
        messages.success(request, _("Đã thêm nhóm %(name)s.") % {"name": form.cleaned_data["name"]})
        return redirect("surveys:survey_design", survey.pk)
    return render(request, "surveys/editor_group.html", {"form": form, "survey": survey, "group": None})


@login_required
def group_edit(request, pk, group_pk):
    group = get_group_for_user(request.user, pk, group_pk, write=True)
    form = GroupForm(request.POST or None, group=group)
    if form.is_valid() and _saved(form, lambda: editor.group_save(survey=group.survey, spec=form.spec(),
                                                                  group=group, user=request.user)):
        messages.success(request, _("Đã lưu nhóm %(name)s.") % {"name": form.cleaned_data["name"]})
        return redirect("surveys:survey_design", group.survey.pk)
    return render(request, "surveys/editor_group.html", {"form": form, "survey": group.survey, "group": group})


@login_required
def question_create(request, pk, group_pk):
    group = get_group_for_user(request.user, pk, group_pk, write=True)
    form = QuestionForm(request.POST or None, leaves=survey_leaf_choices(group.survey))
    if form.is_valid() and _saved(form, lambda: editor.question_save(survey=group.survey, spec=form.spec(group),
                                                                     user=request.user)):
        messages.success(request, _("Đã thêm câu hỏi %(code)s.") % {"code": form.cleaned_data["code"]})
        return redirect("surveys:survey_design", group.survey.pk)
    return _question_page(request, form, group, None)


@login_required
def question_edit(request, pk, question_pk):
    question = get_question_for_user(request.user, pk, question_pk, write=True)
    group = question.group
    form = QuestionForm(request.POST or None, leaves=survey_leaf_choices(question.survey), question=question)
    if form.is_valid() and _saved(form, lambda: editor.question_save(
            survey=question.survey, spec=form.spec(group), question=question, user=request.user)):
        messages.success(request, _("Đã lưu câu hỏi %(code)s.") % {"code": form.cleaned_data["code"]})
        return redirect("surveys:survey_design", question.survey.pk)
    return _question_page(request, form, group, question)


def _question_page(request, form, group, question):
    return render(request, "surveys/editor_question.html", {
        "form": form, "survey": group.survey, "group": group, "question": question})


@login_required
@require_POST
def question_delete(request, pk, question_pk):
    question = get_question_for_user(request.user, pk, question_pk, write=True)
    try:
        editor.question_delete(question=question, user=request.user)
    except WorkbookError as error:
        for issue in error.issues:
            messages.error(request, issue.message)
    else:
        messages.success(request, _("Đã xóa câu hỏi %(code)s.") % {"code": question.code})
    return redirect("surveys:survey_design", question.survey.pk)
