from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """Session auth that answers 401 (not 403) to anonymous API calls, so clients know to log in."""

    def authenticate_header(self, request):
        return 'Session realm="parindex"'
