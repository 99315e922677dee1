"""Unit pages: the list (search, filters, pages), one unit with its block's frameworks and its history, and the
units workbook: export, and import with a preview (nothing saved until confirmed)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors
from ..excel.sheets import WorkbookError
from ..excel.units import read_units_file, write_units_workbook
from ..forms import UnitsUploadForm
from ..permissions import get_unit_for_user, is_manager, require_manager, units_visible_to
from ..services.units import units_import, units_validate
from .frameworks import _xlsx
from .staging import forget_staged, stage_upload, staged_values_for_session

UPLOADS = "unit_uploads"

PAGE_SIZE = 50


@login_required
def unit_list(request):
    units = units_visible_to(request.user)
    filters = {name: request.GET.get(name, "").strip() for name in ("q", "block", "ranked")}
    found = selectors.units_search(units, **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scoring/unit_list.html", {
        "page": page, "filters": filters, "filtered": any(filters.values()), "has_units": units.exists(),
        "blocks": selectors.blocks_of(units), "can_import": is_manager(request.user),
    })


@login_required
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    frameworks = selectors.unit_frameworks(request.user, unit)
    return render(request, "scoring/unit_detail.html", {"unit": unit, "frameworks": frameworks,
                                                        **selectors.unit_history(request.user, unit)})


@login_required
def unit_export(request):
    require_manager(request.user)
    return _xlsx(write_units_workbook(selectors.units_for_export()), "don-vi.xlsx")


@login_required
def unit_import(request):
    require_manager(request.user)
    form = UnitsUploadForm(request.POST, request.FILES) if request.method == "POST" else UnitsUploadForm()
    if form.is_valid():
        return stage_upload(request, UPLOADS, form, "scoring:unit_import_confirm")
    return render(request, "scoring/unit_import.html", {"form": form})


@login_required
def unit_import_confirm(request, token):
    require_manager(request.user)
    values = staged_values_for_session(request, UPLOADS, token)  # parsed once, at the upload or by its job
    if request.method == "POST" and "cancel" in request.POST:
        forget_staged(request, UPLOADS, token)
        return redirect("scoring:unit_import")
    rows, blocks, issues = read_units_file(values)
    issues += units_validate(rows=rows, blocks=blocks)
    if request.method == "POST" and not issues:
        try:
            created, updated = units_import(rows=rows, blocks=blocks, user=request.user)
        except WorkbookError as error:
            issues = error.issues
        else:
            forget_staged(request, UPLOADS, token)
            messages.success(request, _("Đã tạo %(created)d, cập nhật %(updated)d đơn vị.") % {
                "created": created, "updated": updated})
            return redirect("scoring:unit_list")
    known = set(selectors.units_for_export_codes())
    return render(request, "scoring/unit_import_preview.html", {
        "rows": rows, "blocks": blocks, "issues": issues, "token": token,
        "new_count": sum(1 for row in rows if row.code not in known)})
