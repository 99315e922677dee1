from drf_spectacular.authentication import SessionScheme as CookieScheme
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """Session auth that answers 401 (not 403) to anonymous API calls, so clients know to log in."""

    def authenticate_header(self, request):
        return 'Session realm="parindex"'


class SessionScheme(CookieScheme):
    """Documents our subclass as the session cookie; unknown authenticators fail `check --deploy` (W001)."""

    target_class = SessionAuthentication
