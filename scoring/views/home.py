from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from .. import selectors
from ..models import Role
from ..selectors.assessments import home_todo, notices_of
from ..selectors.health import health_report
from ..selectors.setup import setup_checklist
from ..services.notices import user_email_notices_set


@login_required
def home(request):
    context = selectors.home_summary(request.user)
    context["todo"] = home_todo(request.user, today=timezone.localdate())
    if request.user.role == Role.ADMIN or request.user.is_superuser:
        # An administrator's home starts with the setup checklist until everything is in place (issue 10).
        items = setup_checklist(year=timezone.localdate().year)
        context["setup_items"] = None if all(item.done for item in items) else items
    context["notices"] = notices_of(request.user)[:10]
    return render(request, "scoring/home.html", context)


class NoticeSettingsForm(forms.Form):
    email_notices = forms.BooleanField(label=gettext_lazy("Gửi thông báo cho tôi qua e-mail"), required=False)


@login_required
def notice_settings(request):
    """Each person turns the e-mail of notices on or off (the home page shows them either way)."""
    # An unticked box posts nothing: the form is bound by the method, not by a non-empty body.
    form = NoticeSettingsForm(request.POST if request.method == "POST" else None,
                              initial={"email_notices": request.user.email_notices})
    if form.is_valid():
        user_email_notices_set(user=request.user, enabled=form.cleaned_data["email_notices"])
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notice_settings")
    return render(request, "scoring/notice_settings.html", {"form": form, "notices": notices_of(request.user)[:50]})


@login_required
def session_keepalive(request):
    """Asked by static/js/session.js when the user chooses to stay signed in: the request itself moves the idle
    clock (parindex/sessions.py); the answer says how long the next idle stretch may be."""
    return JsonResponse({"idle_seconds": settings.SESSION_IDLE_SECONDS})


def healthz(request):
    """For the load balancer and docker-compose: the database, the broker and the last worker heartbeat, each
    with its status; 503 only when the database is down (selectors/health.py)."""
    status, body = health_report()
    return JsonResponse(body, status=status)
