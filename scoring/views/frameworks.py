"""Framework pages: the list, one framework's tree (searchable, printable), its Excel export, and the Excel import
with a preview: nothing is saved until the coordinator confirms a file without errors."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from .. import selectors
from ..excel.frameworks import read_framework_workbook, write_framework_template, write_framework_workbook
from ..forms import FrameworkUploadForm
from ..framework_display import describe_import, export_filename
from ..framework_spec import merge_issues
from ..permissions import frameworks_visible_to, get_framework_for_user, is_manager, require_manager
from ..services.frameworks import FrameworkImportError, framework_import as import_spec
from ..services.uploads import staged_upload_path, upload_discard, upload_stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADS = "framework_uploads"  # session key: the tokens of this user's staged workbooks
KEPT_UPLOADS = 5


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
    q = request.GET.get("q", "").strip()
    spec = selectors.framework_spec(framework)
    return render(request, "scoring/framework_detail.html", {
        "framework": framework, "spec": spec, "rows": selectors.criteria_tree(spec, q), "q": q,
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
        token = upload_stage(file=form.cleaned_data["file"])
        tokens = request.session.get(UPLOADS, [])
        request.session[UPLOADS] = [*tokens, token][-KEPT_UPLOADS:]
        return redirect("scoring:framework_import_confirm", token=token)
    return render(request, "scoring/framework_import.html", {"form": form})


@login_required
def framework_import_confirm(request, token):
    require_manager(request.user)
    path = _staged_path(request, token)
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, token)
        return redirect("scoring:framework_import")
    spec, issues = read_framework_workbook(path)
    issues = merge_issues(issues, selectors.framework_block_issues(spec)) if spec else issues
    if request.method == "POST" and not issues:
        try:
            framework, replaced = import_spec(spec=spec, user=request.user)
        except FrameworkImportError as error:
            issues = error.issues
        else:
            _forget(request, token)
            messages.success(request, describe_import(framework, replaced))
            return redirect("scoring:framework_detail", pk=framework.pk)
    return render(request, "scoring/framework_import_preview.html", _preview(spec, issues, token))


def _staged_path(request, token):
    # A token is only good in the session that uploaded it: another user's preview answers 404.
    path = staged_upload_path(token)
    if token not in request.session.get(UPLOADS, []) or path is None or not path.exists():
        raise Http404
    return path


def _forget(request, token):
    upload_discard(token=token)
    request.session[UPLOADS] = [kept for kept in request.session.get(UPLOADS, []) if kept != token]


def _preview(spec, issues, token):
    return {
        "spec": spec, "issues": issues, "token": token,
        "rows": selectors.criteria_tree(spec) if spec else [],
        "target": selectors.framework_import_target(spec) if spec else None,
    }
