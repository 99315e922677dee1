"""A competitiveness index's edition (DDCI; domain.md rule 15) in the browser: its framework brought in from a
workbook (upload, preview, confirm) and downloaded in the same shape, its page (sub-indices and weights, the
indicators and their questions, each unit's valid answers against the minimum, the bounds and results once
computed), and the coordinator closing collection, after a confirmation that says who will be rated."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.confirmation import confirmation_page, is_confirmed
from scoring.excel.sheets import WorkbookError
from scoring.framework_spec import merge_issues
from scoring.permissions import is_manager
from scoring.views.staging import forget_staged, stage_upload, staged_values_for_session

from ..competitiveness_workbook import read_competitiveness_workbook, write_competitiveness_workbook
from ..editor_forms import CompetitivenessUploadForm
from ..permissions import get_competitiveness_for_user, require_survey_manager
from ..selectors import competitiveness_bounds, competitiveness_spec, competitiveness_units
from ..services.competitiveness import CollectionClosed, competitiveness_close
from ..services.competitiveness_setup import competitiveness_import, competitiveness_import_issues

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADS = "competitiveness_uploads"  # session key: the tokens of this user's staged DDCI framework workbooks


@login_required
def competitiveness_import_upload(request):
    require_survey_manager(request.user)
    form = CompetitivenessUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return stage_upload(request, UPLOADS, form, "surveys:competitiveness_import_confirm")
    return render(request, "surveys/competitiveness_import.html", {"form": form})


@login_required
def competitiveness_import_confirm(request, token):
    require_survey_manager(request.user)
    values = staged_values_for_session(request, UPLOADS, token)  # parsed once, at the upload or by its job
    if request.method == "POST" and "cancel" in request.POST:
        forget_staged(request, UPLOADS, token)
        return redirect("surveys:competitiveness_import")
    spec, issues = read_competitiveness_workbook(values)
    issues = merge_issues(issues, competitiveness_import_issues(spec)) if spec else issues
    if request.method == "POST" and not issues:
        try:
            summary = competitiveness_import(spec=spec, user=request.user)
        except WorkbookError as error:
            issues = error.issues
        else:
            forget_staged(request, UPLOADS, token)
            message = _("Đã nhập bộ chỉ số %(edition)s: %(subs)d chỉ số thành phần, %(indicators)d chỉ tiêu.")
            messages.success(request, message % {"edition": summary.framework.edition, "subs": summary.sub_indices,
                                                 "indicators": summary.indicators})
            return redirect("surveys:competitiveness_detail", summary.framework.pk)
    return render(request, "surveys/competitiveness_import_preview.html", {
        "spec": spec, "issues": issues, "token": token})


@login_required
def competitiveness_detail(request, pk):
    framework = get_competitiveness_for_user(request.user, pk)
    rows = competitiveness_units(framework)
    return render(request, "surveys/competitiveness_detail.html", {
        "framework": framework, "edition": framework.edition, "spec": competitiveness_spec(framework),
        "rows": rows, "enough": sum(1 for row in rows if row.enough), "bounds": competitiveness_bounds(framework),
        "can_manage": is_manager(request.user)})


@login_required
def competitiveness_export(request, pk):
    framework = get_competitiveness_for_user(request.user, pk)
    edition = framework.edition
    response = HttpResponse(write_competitiveness_workbook(competitiveness_spec(framework)), content_type=XLSX)
    name = f"bo-chi-so-{edition.index.code}-{edition.year}-{edition.block.code}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_POST
def competitiveness_close_view(request, pk):
    framework = get_competitiveness_for_user(request.user, pk, write=True)
    edition = framework.edition
    if not is_confirmed(request):
        rows = competitiveness_units(framework)
        enough = [row.unit.code for row in rows if row.enough]
        short = [f"{row.unit.code} ({row.answers})" for row in rows if not row.enough]
        summary = [(_("Được đánh giá"), _("%(count)d đơn vị có từ %(minimum)d phiếu hợp lệ") % {
                       "count": len(enough), "minimum": framework.minimum_answers}),
                   (_("Không được đánh giá"), ", ".join(short) or _("không có"))]
        return confirmation_page(
            request, title=_("Đóng thu thập phiếu và tính %(edition)s?") % {"edition": edition}, summary=summary,
            note=_("Phiếu nhận sau khi đóng không được tính. Có thể tính lại cho đến khi công bố."),
            button=_("Đóng và tính"), cancel_url=reverse("surveys:competitiveness_detail", args=[framework.pk]))
    try:
        counts = competitiveness_close(framework=framework, actor=request.user)
    except (CollectionClosed, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã đóng thu thập phiếu và tính chỉ số: %(rated)d/%(units)d đơn vị được "
                                    "đánh giá.") % counts)
    return redirect("surveys:competitiveness_detail", framework.pk)
