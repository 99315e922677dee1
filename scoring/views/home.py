from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from ..selectors.assessments import home_todo


@login_required
def home(request):
    context = selectors.home_summary(request.user)
    context["todo"] = home_todo(request.user, today=timezone.localdate())
    return render(request, "scoring/home.html", context)


@login_required
def session_keepalive(request):
    """Asked by static/js/session.js when the user chooses to stay signed in: the request itself moves the idle
    clock (parindex/sessions.py); the answer says how long the next idle stretch may be."""
    return JsonResponse({"idle_seconds": settings.SESSION_IDLE_SECONDS})


def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
