"""The project's URLs plus two that fail on purpose, for tests/test_errors.py (400 and 500 can't be provoked
through a real page without breaking it)."""
from django.core.exceptions import SuspiciousOperation
from django.urls import path

from parindex.urls import handler400, handler403, handler404, handler500, urlpatterns as project_urlpatterns  # noqa: F401


def suspicious(request):
    raise SuspiciousOperation("a tampered request")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("test-errors/400/", suspicious), path("test-errors/500/", broken), *project_urlpatterns]
