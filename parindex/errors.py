"""Our own pages for 400, 403, 404, 500 and CSRF failures: Vietnamese (English when chosen), inside the site's
navigation, with a way back. Django's defaults are bare English pages that leave a civil servant stranded."""
import logging
from urllib.parse import urlparse

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TEMPLATE = "errors/page.html"


def back_url(request):
    """The page the user came from, when it is on this site (never send anyone back to another site)."""
    referer = request.META.get("HTTP_REFERER", "")
    parsed = urlparse(referer)
    if referer and parsed.netloc == request.get_host() and parsed.path != request.path:
        return referer
    return ""


def error_page(request, status, title, explanation):
    context = {"status": status, "title": title, "explanation": explanation, "back_url": back_url(request)}
    return HttpResponse(render_to_string(TEMPLATE, context, request=request), status=status)


def bad_request(request, exception=None):
    return error_page(request, 400, _("Yêu cầu không hợp lệ"),
                      _("Máy chủ không hiểu yêu cầu này. Hãy quay lại trang trước, tải lại và thử lần nữa."))


def permission_denied(request, exception=None):
    return error_page(request, 403, _("Bạn không có quyền mở trang này"),
                      _("Tài khoản của bạn không được giao việc trên trang này. Nếu cần quyền, hãy liên hệ "
                        "người điều phối (Sở Nội vụ)."))


def page_not_found(request, exception=None):
    return error_page(request, 404, _("Không tìm thấy trang"),
                      _("Địa chỉ này không có trên hệ thống hoặc đã bị gỡ. Hãy kiểm tra đường dẫn, hoặc quay lại."))


def csrf_failure(request, reason=""):
    return error_page(request, 403, _("Biểu mẫu đã hết hiệu lực"),
                      _("Trang được mở quá lâu hoặc bạn đã đăng nhập lại ở nơi khác, nên biểu mẫu không được gửi. "
                        "Hãy quay lại, tải lại trang rồi gửi lại."))


def server_error(request):
    """The full page needs the database (the signed-in user, the navigation); when that is what failed, a plain
    page in the same words still answers instead of a second error."""
    title = _("Hệ thống gặp lỗi")
    explanation = _("Đã có lỗi phía máy chủ và việc vừa làm có thể chưa được lưu. Lỗi đã được ghi lại; hãy quay "
                    "lại và thử lần nữa sau ít phút.")
    try:
        return error_page(request, 500, title, explanation)
    except Exception:  # noqa: BLE001 - whatever broke the page must not break the error page
        logger.exception("the 500 page could not be rendered with the site's layout")
        return HttpResponse(f"<!DOCTYPE html><html lang=\"vi\"><meta charset=\"utf-8\"><title>{title}</title>"
                            f"<h1>{title}</h1><p>{explanation}</p><p><a href=\"/\">{_('Về trang chủ')}</a></p>",
                            status=500)
