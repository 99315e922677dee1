"""Framework pages: the list, one framework's tree (searchable, printable), its Excel export, and the Excel import
with a preview: nothing is saved until the coordinator confirms a file without errors."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from ..selectors import SEARCH_MAX
from .. import selectors
from ..excel.frameworks import read_framework_workbook, write_framework_template, write_framework_workbook
from ..forms import FrameworkUploadForm
from ..framework_display import describe_import, export_filename, pillar_rows
from ..framework_spec import merge_issues
from ..permissions import frameworks_visible_to, get_framework_for_user, is_manager, require_manager
from ..services.frameworks import FrameworkImportError, framework_import as import_spec
from .staging import forget_staged, stage_upload, staged_values_for_session

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADS = "framework_uploads"  # session key: the tokens of this user's staged workbooks


@login_required
def framework_list(request):
    frameworks = frameworks_visible_to(request.user)
    filters = {"year": _year(request.GET.get("year")), "block": request.GET.get("block", "").strip()}
    return render(request, "scoring/framework_list.html", {
        "frameworks": selectors.frameworks_search(frameworks, **filters), "filters": filters,
        "filtered": any(filters.values()), "has_frameworks": frameworks.exists(),
        "years": selectors.framework_years(frameworks), "blocks": selectors.framework_blocks(frameworks),
        "can_import": is_manager(request.user),
    })


def _year(value):
    return int(value) if value and value.isdigit() else None


@login_required
def framework_detail(request, pk):
    framework = get_framework_for_user(request.user, pk)
    q = request.GET.get("q", "").strip()[:SEARCH_MAX]
    spec = selectors.framework_spec(framework)
    return render(request, "scoring/framework_detail.html", {
        "framework": framework, "spec": spec, "rows": selectors.criteria_tree(spec, q), "q": q,
        "pillars": pillar_rows(spec),
        "can_import": is_manager(request.user),
    })


@login_required
def framework_export(request, pk):
    framework = get_framework_for_user(request.user, pk)
    content = write_framework_workbook(selectors.framework_spec(framework))
    return _xlsx(content, export_filename(framework))


@login_required
def framework_template(request):
    require_manager(request.user)
    return _xlsx(write_framework_template(), "mau-khung-chi-so.xlsx")


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def framework_import(request):
    require_manager(request.user)
    form = FrameworkUploadForm(request.POST, request.FILES) if request.method == "POST" else FrameworkUploadForm()
    if form.is_valid():
        return stage_upload(request, UPLOADS, form, "scoring:framework_import_confirm")
    return render(request, "scoring/framework_import.html", {"form": form})


@login_required
def framework_import_confirm(request, token):
    require_manager(request.user)
    values = staged_values_for_session(request, UPLOADS, token)  # parsed once, at the upload or by its job
    if request.method == "POST" and "cancel" in request.POST:
        forget_staged(request, UPLOADS, token)
        return redirect("scoring:framework_import")
    spec, issues = read_framework_workbook(values)
    issues = merge_issues(issues, selectors.framework_block_issues(spec)) if spec else issues
    if request.method == "POST" and not issues:
        try:
            framework, replaced = import_spec(spec=spec, user=request.user)
        except FrameworkImportError as error:
            issues = error.issues
        else:
            forget_staged(request, UPLOADS, token)
            messages.success(request, describe_import(framework, replaced))
            return redirect("scoring:framework_detail", pk=framework.pk)
    return render(request, "scoring/framework_import_preview.html", _preview(spec, issues, token))


def _preview(spec, issues, token):
    return {
        "spec": spec, "issues": issues, "token": token,
        "rows": selectors.criteria_tree(spec) if spec else [], "pillars": pillar_rows(spec) if spec else [],
        "target": selectors.framework_import_target(spec) if spec else None,
    }
