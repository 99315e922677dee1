"""Survey pages for managers and leaders: the list, one survey with its groups, the public links with QR codes."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..kiosk import kiosk_start
from ..permissions import (can_manage_surveys, get_survey_for_manager, get_survey_for_user, public_groups,
                           require_survey_reader, surveys_visible_to)
from ..progress import groups_with_counts, surveys_with_counts
from ..qr import qr_svg
from ..questionnaire import rated_units


@login_required
def survey_list(request):
    require_survey_reader(request.user)
    surveys = surveys_with_counts(surveys_visible_to(request.user))
    return render(request, "surveys/survey_list.html",
                  {"surveys": surveys, "can_manage": can_manage_surveys(request.user)})


@login_required
def survey_detail(request, pk):
    survey = get_survey_for_user(request.user, pk)
    groups = groups_with_counts(survey)
    return render(request, "surveys/survey_detail.html", {
        "survey": survey, "groups": groups, "can_manage": can_manage_surveys(request.user),
        "has_public": any(not group.identified for group in groups),
        "has_identified": any(group.identified for group in groups),
    })


@login_required
def public_links(request, pk):
    """One card per rated unit to print and stick at its one-stop desk (QR code and short link)."""
    survey = get_survey_for_user(request.user, pk)
    links = [(unit, request.build_absolute_uri(reverse("surveys:answer_public", args=[survey.code, unit.code])))
             for unit in rated_units(survey)]
    cards = [(unit, url, qr_svg(url, title=unit.name)) for unit, url in links]
    return render(request, "surveys/public_links.html", {
        "survey": survey, "cards": cards, "groups": public_groups(survey),
        "can_manage": can_manage_surveys(request.user)})


@login_required
@require_POST
def kiosk_start_view(request, pk):
    """Turns this device into a kiosk for one unit's public link (surveys/kiosk.py): staff start each respondent."""
    survey = get_survey_for_manager(request.user, pk)
    code = request.POST.get("unit", "")
    # PostgreSQL refuses a NUL in a query parameter; no unit code holds one, so such a code names no unit.
    unit = None if "\x00" in code else rated_units(survey).filter(code=code).first()
    if unit is None or not public_groups(survey).exists():
        raise Http404
    response = redirect("surveys:answer_public", survey_code=survey.code, unit_code=unit.code)
    kiosk_start(response, survey, unit)
    return response
