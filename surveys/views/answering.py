"""The respondent's pages (no login): a one-time invitation link, the public link per survey and unit, thanks.

Mobile first and without JavaScript; always in Vietnamese, the questionnaire's language, whatever the browser
asks for. Nothing is saved until the whole form is valid; a refused form comes back with every choice kept."""
import functools

from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from scoring.models import Unit

from ..forms import PublicAnswerForm, QuestionnaireForm
from ..kiosk import kiosk_device, kiosk_next, kiosk_of
from ..models import Survey
from ..permissions import get_invitation_for_token, get_public_link, public_groups
from ..questionnaire import device_answered_today, invitation_sections, unit_sections
from ..services.answering import AnsweringError, response_submit_by_token, response_submit_public
from ..throttle import (client_ip, count_post, device_hash, device_id, elapsed_seconds, needs_human_check,
                        remember_device, started_stamp, too_many_posts)
from ..tokens import invitation_refusal, survey_refusal

STATUS = {"used": 410, "refused": 410, "duplicate": 409, "unknown": 404, "group": 404, "incomplete": 400}


def in_vietnamese(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override("vi"):
            return view(request, *args, **kwargs)
    return wrapper


def closed(request, message, *, status, survey=None):
    return render(request, "surveys/answer_closed.html", {"message": message, "survey": survey}, status=status)


@never_cache
@in_vietnamese
def answer_token(request, token):
    invitation = get_invitation_for_token(token)
    if invitation is None:
        return closed(request, _("Đường dẫn khảo sát không đúng hoặc đã được thay bằng đường dẫn mới."), status=404)
    refusal = invitation_refusal(invitation, timezone.localdate())
    if refusal:
        return closed(request, refusal, status=410, survey=invitation.survey)
    form = QuestionnaireForm(invitation_sections(invitation), request.POST or None)
    if form.is_valid():
        return _submit_token(request, token, form, invitation.survey)
    return _form_page(request, form, survey=invitation.survey, invitation=invitation)


def _submit_token(request, token, form, survey):
    try:
        response_submit_by_token(token=token, answers=form.answers(),
                                 elapsed_seconds=elapsed_seconds(request.POST.get("started", "")))
    except AnsweringError as error:
        return closed(request, error.message, status=STATUS[error.code], survey=survey)
    return redirect("surveys:answer_thanks")


def _form_page(request, form, **context):
    return render(request, "surveys/answer_form.html", {
        "form": form, "started": request.POST.get("started") or started_stamp(), **context},
        status=400 if form.is_bound else 200)


@never_cache
@in_vietnamese
def answer_public(request, survey_code, unit_code):
    survey, unit = get_public_link(survey_code, unit_code)
    ip = client_ip(request)
    refused = _public_refusal(request, survey, ip)
    if refused:
        return refused
    group = _chosen_group(request, survey)
    if group is None:
        return render(request, "surveys/answer_groups.html", {
            "survey": survey, "unit": unit, "groups": public_groups(survey)})
    kiosk = kiosk_of(request, survey, unit)
    if kiosk:  # a shared desk device: each respondent the staff start counts as a device of its own
        return _public_form(request, survey, unit, group, device_hash(kiosk_device(kiosk), ip), ip, kiosk=kiosk)
    device, is_new = device_id(request)
    response = _public_form(request, survey, unit, group, device_hash(device, ip), ip)
    if is_new:
        remember_device(response, device)
    return response


def _public_refusal(request, survey, ip):
    if too_many_posts(ip):
        return closed(request, _("Có quá nhiều phiếu gửi từ mạng này. Xin vui lòng thử lại sau một giờ."),
                      status=429, survey=survey)
    refusal = survey_refusal(survey, timezone.localdate())
    return closed(request, refusal, status=410, survey=survey) if refusal else None


def _chosen_group(request, survey):
    """The one group answering without invitation, or the one the respondent picked (?nhom=code)."""
    groups = list(public_groups(survey))
    if len(groups) == 1:
        return groups[0]
    code = request.POST.get("nhom") or request.GET.get("nhom")
    return next((group for group in groups if group.code == code), None)


def _public_form(request, survey, unit, group, hashed, ip, *, kiosk=None):
    if device_answered_today(survey=survey, unit=unit, device_hash=hashed,
                             today=timezone.localdate()) >= survey.public_daily_limit:
        if kiosk:
            return redirect("surveys:answer_thanks")  # the staff start the next respondent from there
        return closed(request, _("Thiết bị này đã gửi ý kiến về %(unit)s hôm nay. Cảm ơn ông/bà!")
                      % {"unit": unit.name}, status=200, survey=survey)
    human_check = needs_human_check(ip) and not kiosk  # at a kiosk the staff see who answers
    if request.method == "POST":
        count_post(ip)
    form = PublicAnswerForm(unit_sections(group, unit), request.POST or None, human_check=human_check)
    if form.is_valid():
        return _submit_public(request, form, survey=survey, unit=unit, group=group, hashed=hashed)
    return _form_page(request, form, survey=survey, unit=unit, group=group)


def _submit_public(request, form, *, survey, unit, group, hashed):
    try:
        response_submit_public(survey=survey, unit=unit, group=group, device_hash=hashed,
                               answers=form.unit_answers(),
                               elapsed_seconds=elapsed_seconds(request.POST.get("started", "")))
    except AnsweringError as error:
        return closed(request, error.message, status=STATUS[error.code], survey=survey)
    return redirect("surveys:answer_thanks")


@never_cache
@in_vietnamese
def answer_thanks(request):
    kiosk = kiosk_of(request)
    return render(request, "surveys/answer_thanks.html", {"kiosk": kiosk})


@require_POST
@in_vietnamese
def kiosk_next_respondent(request):
    """At a kiosk, the staff hand the device to the next citizen: a fresh form for the kiosk's survey and unit."""
    kiosk = kiosk_of(request)
    if kiosk is None:
        return closed(request, _("Thiết bị này không ở chế độ quầy tiếp nhận."), status=404)
    survey = Survey.objects.filter(pk=kiosk["survey"]).first()
    unit = Unit.objects.filter(pk=kiosk["unit"]).first()
    if survey is None or unit is None:
        return closed(request, _("Thiết bị này không ở chế độ quầy tiếp nhận."), status=404)
    response = redirect("surveys:answer_public", survey_code=survey.code, unit_code=unit.code)
    kiosk_next(response, kiosk)
    return response
