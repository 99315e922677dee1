from django.conf import settings
from django.shortcuts import render


def locked_out(request, credentials, *args, **kwargs):
    """django-axes' lockout answer: the Vietnamese page, saying how many minutes to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked.html", {"cooloff_minutes": minutes}, status=429)
