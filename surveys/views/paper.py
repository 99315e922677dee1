"""Paper forms typed in by staff: pick the group and the rated unit once, then one form per respondent, fast."""
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..forms import PaperChoiceForm, PaperEntryForm
from ..permissions import get_survey_for_user
from ..questionnaire import rated_units, unit_sections
from ..services.answering import AnsweringError, paper_entry


@login_required
def paper_entry_view(request, pk):
    survey = get_survey_for_user(request.user, pk, write=True)
    choice = PaperChoiceForm(survey.groups.all(), rated_units(survey), request.GET or None)
    if not choice.is_valid():
        return render(request, "surveys/paper_choice.html", {"survey": survey, "choice": choice})
    group, unit = choice.cleaned_data["group"], choice.cleaned_data["unit"]
    sections = unit_sections(group, unit)
    form = PaperEntryForm(sections, request.POST or None, initial={"respondent_key": request.GET.get("next", "")})
    if form.is_valid():
        try:
            return _saved(request, survey, group, unit, form)
        except AnsweringError as error:
            form.add_error("respondent_key", error.message)
    return render(request, "surveys/paper_entry.html", {
        "survey": survey, "group": group, "unit": unit, "form": form, "has_questions": bool(sections)})


def _saved(request, survey, group, unit, form):
    key = form.cleaned_data["respondent_key"]
    paper_entry(survey=survey, group=group, unit=unit, respondent_key=key, answers=form.unit_answers(),
                user=request.user)
    messages.success(request, _("Đã lưu phiếu số %(key)s.") % {"key": key})
    query = urlencode({"group": group.pk, "unit": unit.pk, "next": next_key(key)})
    return redirect(f"{reverse('surveys:paper_entry', args=[survey.pk])}?{query}")


def next_key(key):
    """The number after the one just typed, keeping its zeros and prefix ("PG-009" → "PG-010"); else blank."""
    match = re.fullmatch(r"(.*?)(\d+)", key)
    if not match:
        return ""
    prefix, digits = match.groups()
    return f"{prefix}{int(digits) + 1:0{len(digits)}d}"
