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


def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
