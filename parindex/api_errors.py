"""One shape for every API error, and the schema that says so.

Every refusal of /api/v1/ is `{"detail": "<Vietnamese sentence>"}`, with `errors: [{"field", "message"}]` when
fields were refused (a field path like `entries.2.value`; null for a problem of the whole request) and `missing`
for a submission refused for missing items. DRF's own validation errors, `{field: [messages]}`, are rewritten to
it, and a URL under /api/ that matches no route (a non-numeric id) answers JSON 404, not the HTML page."""
from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler

from .errors import page_not_found

API_PREFIX = "/api/"
STANDARD_REFUSALS = {
    "400": "Dữ liệu gửi lên không hợp lệ (detail; errors theo từng trường).",
    "401": "Chưa đăng nhập.",
    "403": "Vai trò của người dùng không được làm việc này.",
    "404": "Không có, hoặc người dùng không được xem.",
}


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(exc.detail))
        detail = errors[0]["message"] if len(errors) == 1 else _(
            "Dữ liệu gửi lên có %(count)s lỗi: xem từng trường trong errors.") % {"count": len(errors)}
        response.data = {"detail": detail, "errors": errors}
    return response


def _flatten(detail, path=()):
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, path if key == "non_field_errors" else (*path, str(key)))
    elif isinstance(detail, list) and detail and all(isinstance(item, str) for item in detail):
        for message in detail:
            yield {"field": ".".join(path) or None, "message": str(message)}
    elif isinstance(detail, list):
        for position, item in enumerate(detail):
            yield from _flatten(item, (*path, str(position)))
    else:
        yield {"field": ".".join(path) or None, "message": str(detail)}


def not_found(request, exception):
    """handler404: JSON under /api/ (a client parses it), the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Không tìm thấy.")}, status=404)
    return page_not_found(request, exception)


def document_standard_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents 400, 401, 403 and 404 as the Error shape,
    unless the view already says more about them (a read refuses a malformed query parameter with 400 too)."""
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            for code in STANDARD_REFUSALS:
                responses.setdefault(code, {**error, "description": STANDARD_REFUSALS[code]})
    return result
