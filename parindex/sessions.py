import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

IDLE_KEY = "parindex_last_seen"
START_KEY = "parindex_started"
# The last-seen time is rewritten at most once a minute: writing it on every request costs every page an UPDATE and
# a COMMIT of the session row. A session may therefore end up to a minute before its idle limit, never after.
TOUCH_SECONDS = 60


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS after login.

    The request that finds a limit passed goes on as anonymous: pages redirect to the login page, the API answers
    401. Timestamps are written after the view, so the login request itself starts the clock.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and has_expired(request.session, int(time.time())):
            logout(request)
            messages.info(request, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."))
        response = self.get_response(request)
        if request.user.is_authenticated:
            now = int(time.time())
            request.session.setdefault(START_KEY, now)
            if now - request.session.get(IDLE_KEY, 0) >= TOUCH_SECONDS:
                request.session[IDLE_KEY] = now
        return response


def has_expired(session, now):
    # A session signed in before these keys existed gets them on this request instead of being cut off.
    started, last_seen = session.get(START_KEY, now), session.get(IDLE_KEY, now)
    return now - last_seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS
