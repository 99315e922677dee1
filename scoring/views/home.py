from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from ..models import Role
from ..selectors.assessments import home_todo
from ..selectors.setup import setup_checklist


@login_required
def home(request):
    context = selectors.home_summary(request.user)
    context["todo"] = home_todo(request.user, today=timezone.localdate())
    if request.user.role == Role.ADMIN or request.user.is_superuser:
        # An administrator's home starts with the setup checklist until everything is in place (issue 10).
        items = setup_checklist(year=timezone.localdate().year)
        context["setup_items"] = None if all(item.done for item in items) else items
    return render(request, "scoring/home.html", context)


def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
