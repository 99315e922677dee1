"""Input no view can use answers 400 with a message, before any view sees it: a NUL byte in the query string or the
path would otherwise reach PostgreSQL, which refuses it with an error the view does not expect (a 500). The API
answers {"detail": ...} like its other errors; pages answer plain text. Posted fields are the forms' and
serializers' to refuse (their character fields do), with the page's own message."""
from django.db import OperationalError
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET):
            return _refusal(request, _("Yêu cầu có ký tự không hợp lệ (NUL) trong địa chỉ hoặc tham số."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        # SQLite (`make run`) refuses what PostgreSQL takes or answers empty: an integer past 64 bits and a LIKE
        # pattern past 50,000 characters. Both come from what was typed, so they are the request's fault, not a 500.
        if isinstance(exception, OverflowError) or (isinstance(exception, OperationalError)
                                                    and "pattern too complex" in str(exception)):
            return _refusal(request, _("Giá trị nhập quá lớn hoặc quá dài."))
        return None


def _refusal(request, message):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _has_nul(query):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())
