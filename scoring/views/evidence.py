"""Evidence pages (tài liệu kiểm chứng): the box on the leaf page posts here, and leaves/<pk>/evidence/ shows
the same box on a page of its own (it also works without JavaScript and re-shows a refused upload's form).
Downloads are permission-checked and always served as attachments, never from /media."""
import os
import re
import unicodedata
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parindex.confirmation import confirmation_page, is_confirmed, rehearse

from ..evidence_types import KINDS
from ..permissions import get_evidence_for_user, get_leaf_score_for_user
from ..selectors.confirmations import evidence_summary
from ..selectors.evidence import evidence_panel, evidence_permit
from ..services import evidence as service
from ..services.evidence import EvidenceError


class EvidenceUploadForm(forms.Form):
    # Empty files reach the service, which says so in the same words as for every other refusal.
    file = forms.FileField(label=gettext_lazy("Tệp"), allow_empty_file=True,
                           error_messages={"required": gettext_lazy("Chọn tệp cần tải lên.")})
    document_number = forms.CharField(label=gettext_lazy("Số, ký hiệu văn bản"), max_length=100, required=False)
    issue_date = forms.DateField(label=gettext_lazy("Ngày ban hành"), input_formats=service.DATE_FORMATS,
                                 error_messages={"required": gettext_lazy("Nhập ngày ban hành (dd/mm/yyyy)."),
                                                 "invalid": gettext_lazy("Ngày ban hành nhập theo dạng dd/mm/yyyy.")})
    title = forms.CharField(label=gettext_lazy("Trích yếu"), max_length=500,
                            error_messages={"required": gettext_lazy("Nhập trích yếu (tên) của tài liệu.")})


@login_required
def evidence_list(request, pk):
    return _page(request, get_leaf_score_for_user(request.user, pk))


def _page(request, leaf_score, form=None):
    return render(request, "scoring/evidence_list.html", {
        "leaf_score": leaf_score, "evidence_panel": evidence_panel(request.user, leaf_score),
        "evidence_form": form, "evidence_next": reverse("scoring:evidence_list", args=[leaf_score.pk]),
        "leaf_url": _leaf_url(leaf_score),
    })


@login_required
@require_POST
def evidence_upload(request, pk):
    leaf_score = get_leaf_score_for_user(request.user, pk, action="self")
    if refused := _refusal(request, leaf_score):
        return refused
    form = EvidenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            evidence = service.evidence_add(leaf_score=leaf_score, user=request.user, upload=data["file"],
                                            document_number=data["document_number"], issue_date=data["issue_date"],
                                            title=data["title"])
        except EvidenceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã thêm tài liệu «%(title)s».") % {"title": evidence.title})
            return redirect(_back(request, leaf_score))
    return _page(request, leaf_score, form)


@login_required
@require_POST
def evidence_attach(request, pk):
    """Cites on this leaf a file already attached to another leaf of the same assessment."""
    return _reuse(request, pk, from_last_year=False)


@login_required
@require_POST
def evidence_link(request, pk):
    """Cites on this leaf a document of the unit's earlier evidence, remembering where it came from."""
    return _reuse(request, pk, from_last_year=True)


def _reuse(request, pk, *, from_last_year):
    leaf_score = get_leaf_score_for_user(request.user, pk, action="self")
    if refused := _refusal(request, leaf_score):
        return refused
    source_pk = request.POST.get("source", "")
    if not source_pk.isdigit():
        messages.error(request, _("Chọn tài liệu cần dùng lại."))
        return redirect(_back(request, leaf_score))
    source = get_evidence_for_user(request.user, int(source_pk))
    try:
        evidence = service.evidence_link(
            leaf_score=leaf_score, user=request.user, file=source.file,
            linked_from=source if from_last_year else None, document_number=source.document_number,
            issue_date=source.issue_date, title=source.title)
    except EvidenceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã thêm tài liệu «%(title)s».") % {"title": evidence.title})
    return redirect(_back(request, leaf_score))


@login_required
@require_POST
def evidence_remove(request, pk):
    evidence = get_evidence_for_user(request.user, pk, write=True)
    leaf_score = evidence.leaf_score
    try:
        if not is_confirmed(request):
            rehearse(lambda: service.evidence_remove(evidence=evidence, user=request.user))  # refused: say so now
            return confirmation_page(
                request, title=_("Gỡ tài liệu kiểm chứng này khỏi tiêu chí?"), summary=evidence_summary(evidence),
                note=_("Tài liệu không còn được tính cho tiêu chí này; muốn dùng lại phải đính kèm lại."),
                button=_("Gỡ tài liệu"), cancel_url=_back(request, leaf_score))
        service.evidence_remove(evidence=evidence, user=request.user)
    except EvidenceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã gỡ tài liệu «%(title)s».") % {"title": evidence.title})
    return redirect(_back(request, leaf_score))


@login_required
def evidence_download(request, pk):
    evidence = get_evidence_for_user(request.user, pk)
    stored = evidence.file
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp của tài liệu này không còn trên máy chủ; hãy báo quản trị hệ thống.")) from None
    response = FileResponse(handle, content_type=KINDS[stored.kind].content_type)
    response["Content-Disposition"] = attachment_header(evidence.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_header(name: str) -> str:
    """An attachment with the name in plain ASCII for old clients and exactly, in UTF-8, for the others
    (RFC 6266): "Quyết định 12.pdf" arrives as such, never as a page the browser would render."""
    stem, extension = os.path.splitext(name)
    plain = unicodedata.normalize("NFKD", stem.replace("đ", "d").replace("Đ", "D"))
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain.encode("ascii", "ignore").decode()).strip("-.")
    fallback = (plain or "tai-lieu") + re.sub(r"[^A-Za-z0-9.]", "", extension)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- Where to go back to ---------------------------------------------------------------------------------------


def _refusal(request, leaf_score):
    """The state's reason, when the unit may no longer change this leaf's documents."""
    permit = evidence_permit(request.user, leaf_score)
    if permit:
        return None
    messages.error(request, permit.reason)
    return redirect(_back(request, leaf_score))


def _back(request, leaf_score):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                                   require_https=request.is_secure()):
        return target
    return _leaf_url(leaf_score) or reverse("scoring:evidence_list", args=[leaf_score.pk])


def _leaf_url(leaf_score):
    """The leaf page, once its route exists (it is built alongside this one)."""
    try:
        return reverse("scoring:leaf_detail", args=[leaf_score.pk])
    except NoReverseMatch:
        return None
