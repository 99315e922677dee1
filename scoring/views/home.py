from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from .. import selectors


@login_required
def home(request):
    return render(request, "scoring/home.html", selectors.home_summary(request.user))


def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
