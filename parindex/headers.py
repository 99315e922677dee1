"""Response headers Django does not write itself: Content-Security-Policy, Permissions-Policy, and no caching of
what a signed-in user saw.

The policy allows scripts from our own origin only (every script is a file under static/js, none inline), so an
escaping bug in a template cannot run script. Styles keep 'unsafe-inline': a few templates size bars and colour
grades with a style attribute, and injected CSS cannot run code."""
from django.utils.cache import add_never_cache_headers

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Nothing in the application uses these browser features; an injected frame or script cannot ask for them either.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in [
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb",
])


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = _signed_in(request)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if signed_in or _signed_in(request):
            # A shared office PC's browser cache or a proxy must not keep a unit's scores or evidence.
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response


def _signed_in(request):
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)
