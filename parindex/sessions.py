import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

IDLE_KEY = "parindex_last_seen"
START_KEY = "parindex_started"
# A form posted to a session that had ended: what was typed, kept in the new (anonymous) session until the user,
# signed in again, is back on the form's page. Django's login keeps an anonymous session's data (cycle_key).
KEPT_POST_KEY = "parindex_kept_post"
KEPT_POST_SECONDS = 60 * 60
KEPT_POST_MAX_CHARS = 64 * 1024
NEVER_KEPT = {"csrfmiddlewaretoken", "confirmed"}  # a kept post is refilled, never confirmed or sent by itself
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
        expired = request.user.is_authenticated and has_expired(request.session, int(time.time()))
        if expired:
            logout(request)
        response = self.get_response(request)
        kept = None
        if request.method == "POST" and not request.user.is_authenticated and _sends_to_login(response):
            kept = keep_post(request)  # says so itself
            response = kept or response
        if expired and not kept:
            messages.info(request, _("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại."))
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


def _sends_to_login(response):
    login_path = resolve_url(settings.LOGIN_URL)
    # Only a page that refused the anonymous post sends to the login page with `next`; a view that merely goes
    # there (choosing the language on the login page) keeps its own answer, cookie included.
    location = urlsplit(response.get("Location", ""))
    return response.status_code == 302 and location.path == login_path and "next=" in location.query


def form_page(request):
    """The page the post came from (the form), when it is on this site; else the address posted to."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc == request.get_host() and referer.path:
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.path


def keep_post(request):
    """Keeps a post refused for want of a session (it had expired, or was lost) and sends the user to sign in and
    back to the form; None when there is nothing worth keeping (API calls, passwords, files, too much text)."""
    if request.path.startswith("/api/"):
        return None
    fields = [(name, value) for name, values in request.POST.lists() if name not in NEVER_KEPT
              and "password" not in name for value in values]
    if not fields or sum(len(value) for _name, value in fields) > KEPT_POST_MAX_CHARS:
        return None
    page = form_page(request)
    request.session[KEPT_POST_KEY] = {"page": urlsplit(page).path, "action": request.path, "fields": fields,
                                      "at": int(time.time())}
    messages.warning(request, _("Phiên làm việc đã hết hạn trước khi biểu mẫu được gửi. Hãy đăng nhập lại: nội "
                                "dung bạn vừa nhập đã được giữ và sẽ được điền lại, chưa gửi đi."))
    return redirect_to_login(page)


def kept_post(request):
    """Context processor: the post kept for this page (taken once, by the user who signs in again)."""
    session = getattr(request, "session", None)
    if session is None or request.method != "GET" or KEPT_POST_KEY not in session:
        return {}
    kept = session[KEPT_POST_KEY]
    if int(time.time()) - kept.get("at", 0) > KEPT_POST_SECONDS:
        del session[KEPT_POST_KEY]
        return {}
    if not request.user.is_authenticated or kept.get("page") != request.path:
        return {}
    del session[KEPT_POST_KEY]
    # What the user typed, for reading without JavaScript: not the page's own values (versions, addresses, choices).
    texts = [value for name, value in kept["fields"]
             if value.strip() and not value.strip().isdigit() and name not in {"next", "decision"}]
    return {"kept_post": {"data": {"action": kept["action"], "fields": kept["fields"]}, "texts": texts}}


def session_timing(request):
    """Context processor: how long an idle page may wait before its session ends (static/js/session.js)."""
    user = getattr(request, "user", None)
    return {"session_idle_seconds": settings.SESSION_IDLE_SECONDS if user and user.is_authenticated else None}
