import time

from django.conf import settings
from django.contrib.auth import logout

IDLE_KEY = "parindex_last_seen"
START_KEY = "parindex_started"


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(START_KEY, now)
            last_seen = request.session.get(IDLE_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            else:
                request.session[IDLE_KEY] = now
        return self.get_response(request)
