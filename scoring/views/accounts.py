"""Accounts (issue 10): the list, the Excel import with a preview (nothing saved until confirmed), the export, the
set-password links to print, and the public one-time page where a new account's owner chooses a password."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from ..selectors import SEARCH_MAX
from ..excel.accounts import read_accounts_workbook, write_accounts_workbook, write_links_workbook
from ..excel.sheets import WorkbookError
from ..forms import AccountsUploadForm
from ..permissions import accounts_visible_to, require_account_manager
from ..selectors.accounts import accounts_for_export, accounts_search
from ..services.accounts import accounts_import, accounts_validate
from ..services.set_password_links import (LinkRefused, set_password_link_check, set_password_links_email_later,
                                           set_password_links_issue, set_password_with_link, users_awaiting_password)
from .frameworks import _xlsx
from .staging import forget_staged, stage_upload, staged_values_for_session

UPLOADS = "account_uploads"
PAGE_SIZE = 50


@login_required
def account_list(request):
    require_account_manager(request.user)
    filters = {name: request.GET.get(name, "").strip()[:SEARCH_MAX] for name in ("q", "role")}
    page = Paginator(accounts_search(accounts_visible_to(request.user), **filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "scoring/account_list.html", {"page": page, "filters": filters})


@login_required
def account_export(request):
    require_account_manager(request.user)
    return _xlsx(write_accounts_workbook(accounts_for_export(accounts_visible_to(request.user))), "tai-khoan.xlsx")


@login_required
def account_import(request):
    require_account_manager(request.user)
    form = AccountsUploadForm(request.POST, request.FILES) if request.method == "POST" else AccountsUploadForm()
    if form.is_valid():
        return stage_upload(request, UPLOADS, form, "scoring:account_import_confirm")
    return render(request, "scoring/account_import.html", {"form": form})


@login_required
def account_import_confirm(request, token):
    require_account_manager(request.user)
    values = staged_values_for_session(request, UPLOADS, token)  # parsed once, at the upload or by its job
    if request.method == "POST" and "cancel" in request.POST:
        forget_staged(request, UPLOADS, token)
        return redirect("scoring:account_import")
    rows, issues = read_accounts_workbook(values)
    issues += accounts_validate(rows=rows, actor=request.user)
    if request.method == "POST" and not issues:
        try:
            with transaction.atomic():
                imported = accounts_import(rows=rows, actor=request.user)
                links = set_password_links_issue(users=imported.created, actor=request.user)
                emailed = set_password_links_email_later(users=imported.created)
        except WorkbookError as error:
            issues = error.issues
        else:
            forget_staged(request, UPLOADS, token)
            messages.success(request, _("Đã tạo %(created)d, cập nhật %(updated)d tài khoản; gửi e-mail đường dẫn "
                                        "đặt mật khẩu cho %(emailed)d tài khoản.") % {
                "created": len(imported.created), "updated": len(imported.updated), "emailed": emailed})
            return _links_page(request, links)
    return render(request, "scoring/account_import_preview.html", {"rows": rows, "issues": issues, "token": token})


@login_required
def account_links(request):
    """Accounts still without a password; POST issues a fresh link for each, to print or download."""
    require_account_manager(request.user)
    awaiting = users_awaiting_password(accounts_visible_to(request.user).select_related("unit", "agency"))
    if request.method == "POST":
        links = set_password_links_issue(users=awaiting, actor=request.user)
        if "xlsx" in request.POST:
            return _xlsx(write_links_workbook(links), "duong-dan-dat-mat-khau.xlsx")
        return _links_page(request, links)
    return render(request, "scoring/account_links.html", {"awaiting": awaiting})


def _links_page(request, links):
    rows = [(link, request.build_absolute_uri(link.path)) for link in links]
    response = render(request, "scoring/account_links_issued.html", {"rows": rows})
    response["Cache-Control"] = "no-store"  # live links: never kept by a browser or proxy cache
    return response


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def set_password(request, token):
    """Public: the owner of a new account chooses a password through a one-time link; Django's validators apply."""
    try:
        link = set_password_link_check(token)
    except LinkRefused as refusal:
        return render(request, "registration/set_password_refused.html", {"reason": str(refusal)},
                      status=refusal.status)
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_password_with_link(token=token, password=form.cleaned_data["new_password1"])
        except LinkRefused as refusal:
            return render(request, "registration/set_password_refused.html", {"reason": str(refusal)},
                      status=refusal.status)
        messages.success(request, _("Đã đặt mật khẩu. Hãy đăng nhập bằng tên %(username)s.") % {
            "username": link.user.username})
        return redirect("login")
    response = render(request, "registration/set_password.html", {"form": form, "account": link.user})
    # The token is in the address: never sent to another site. ("no-referrer" would make the form post Origin: null,
    # which Django's CSRF check refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response
