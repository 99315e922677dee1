"""Every index of a unit's year, and the conference report of a year and block (issue 14)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.confirmation import confirmation_page, is_confirmed

from .. import selectors
from ..excel.conference import write_conference_workbook
from ..excel.indices import read_index_workbook
from ..excel.sheets import WorkbookError
from ..forms import IndexForm, IndexResultsUploadForm
from ..models import Block, Index, IndexEdition, UnitResult
from ..permissions import (
    get_edition_for_manager, get_scorecard_unit_for_user, is_admin, require_admin, require_dashboard_reader,
    require_manager,
)
from ..reports.conference import conference_filename, conference_pdf, conference_title, summary_lines
from ..selectors.indices import conference_report, unit_indices
from ..services.indices import EditionPublished, IndexRefused, edition_import, edition_publish, index_create
from .results import XLSX, ResultsScopeForm
from .scorecards import PDF, _attachment, _year
from .staging import forget_staged, stage_for_session, staged_values_for_session


@login_required
def unit_indices_page(request, pk, year):
    unit = get_scorecard_unit_for_user(request.user, pk)
    lines = unit_indices(unit, _year(year))
    return render(request, "scoring/unit_indices.html", {
        "unit": unit, "year": year, "lines": lines, "years": _unit_years(unit)})


@login_required
def unit_indices_latest(request, pk):
    """The unit's latest year with any index result; the unit's page when it has none yet."""
    unit = get_scorecard_unit_for_user(request.user, pk)
    years = _unit_years(unit)
    return redirect("scoring:unit_indices", pk=unit.pk, year=years[0]) if years else redirect(
        "scoring:unit_detail", pk=unit.pk)


@login_required
def conference_report_page(request):
    require_dashboard_reader(request.user)
    year, code = ResultsScopeForm(request.GET).scope()
    block = selectors.block_find(code)
    report = conference_report(year, block) if year and block else None
    return render(request, "scoring/conference_report.html", {
        "year": year, "chosen_block": block, "blocks": Block.objects.order_by("position", "code"), "report": report,
        "title": conference_title(report) if report else _("Báo cáo hội nghị"),
        "summaries": [(summary, summary_lines(summary)) for summary in report.summaries] if report else ()})


@login_required
def conference_report_pdf(request):
    report = _report(request)
    return _attachment(conference_pdf(report), PDF, conference_filename(report, "pdf"))


@login_required
def conference_report_xlsx(request):
    report = _report(request)
    return _attachment(write_conference_workbook(report), XLSX, conference_filename(report, "xlsx"))


def _report(request):
    require_dashboard_reader(request.user)
    year, code = ResultsScopeForm(request.GET).scope()
    block = selectors.block_find(code)
    if not (year and block):
        raise Http404(_("Cần chọn năm và khối, ví dụ ?year=2025&block=SO."))
    return conference_report(year, block)


def _unit_years(unit):
    years = set(UnitResult.objects.filter(unit=unit).values_list("year", flat=True))
    years |= set(IndexEdition.objects.filter(results__unit=unit).values_list("year", flat=True))
    return sorted(years, reverse=True)


# --- The indices themselves: PAR, DTI, DDCI and those a province names ----------------------------------------------


@login_required
def index_list(request):
    """Managers read the indices; an administrator adds one the province names (code, name, scale, place)."""
    require_manager(request.user)
    form = IndexForm(request.POST or None) if is_admin(request.user) else None
    if request.method == "POST":
        require_admin(request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                index = index_create(code=data["code"], name=data["name"], scale=data["scale"],
                                     position=data["position"], user=request.user)
            except IndexRefused as error:
                form.add_error("code", str(error))
            else:
                messages.success(request, _("Đã thêm chỉ số %(code)s.") % {"code": index.code})
                return redirect("scoring:index_list")
    indices = Index.objects.annotate(framework_count=Count("frameworks", distinct=True),
                                     edition_count=Count("editions", distinct=True)).order_by("position", "code")
    return render(request, "scoring/index_list.html", {"indices": indices, "form": form})


# --- Editions: results imported from a workbook, and publication ---------------------------------------------------

UPLOADS = "index_results_uploads"


@login_required
def edition_list(request):
    require_manager(request.user)
    # "competitiveness" is the surveys app's DDCI framework of an edition (a reverse relation: no import).
    editions = (IndexEdition.objects.select_related("index", "block", "competitiveness")
                .order_by("-year", "index__position", "block__position"))
    return render(request, "scoring/edition_list.html", {"editions": editions})


@login_required
def edition_import_upload(request):
    require_manager(request.user)
    form = IndexResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = stage_for_session(request, UPLOADS, form.cleaned_data["file"])
        data = form.cleaned_data
        request.session[f"{UPLOADS}:{token}"] = {
            "index": data["index"].code, "year": data["year"], "block": data["block"].code,
            "precision": data["precision"], "version": data["version"]}
        return redirect("scoring:edition_import_confirm", token=token)
    return render(request, "scoring/edition_import.html", {"form": form})


@login_required
def edition_import_confirm(request, token):
    require_manager(request.user)
    # Parsed once under the upload limits (views/staging.py), never the file again.
    values = staged_values_for_session(request, UPLOADS, token)
    target = request.session.get(f"{UPLOADS}:{token}")
    if target is None:
        raise Http404
    if request.method == "POST" and "cancel" in request.POST:
        forget_staged(request, UPLOADS, token)
        return redirect("scoring:edition_import")
    rows, issues = read_index_workbook(values)
    index, block = Index.objects.get(code=target["index"]), Block.objects.get(code=target["block"])
    if request.method == "POST" and not issues:
        try:
            edition_import(index=index, year=target["year"], block=block, rows=rows, version=target["version"],
                           precision=target["precision"], actor=request.user)
        except WorkbookError as error:
            issues = error.issues
        except EditionPublished as error:
            issues = [str(error)]
        else:
            forget_staged(request, UPLOADS, token)
            messages.success(request, _("Đã nhập %(count)d dòng kết quả.") % {"count": len(rows)})
            return redirect("scoring:edition_list")
    return render(request, "scoring/edition_import.html", {
        "rows": rows, "issues": issues, "token": token, "target": target, "index": index, "target_block": block})


@login_required
@require_POST
def edition_publish_view(request, pk):
    edition = get_edition_for_manager(request.user, pk)
    if not is_confirmed(request):
        rated = edition.results.filter(rated=True).count()
        summary = [(_("Số đơn vị được đánh giá"), rated),
                   (_("Số đơn vị không đủ phiếu, không được đánh giá"), edition.results.count() - rated)]
        return confirmation_page(
            request, title=_("Công bố %(edition)s?") % {"edition": edition}, summary=summary,
            note=_("Kết quả đã công bố không tính lại hay nhập lại được."), button=_("Công bố"),
            cancel_url=reverse("scoring:edition_list"))
    try:
        edition_publish(edition=edition, actor=request.user)
    except EditionPublished as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã công bố %(edition)s.") % {"edition": edition})
    return redirect("scoring:edition_list")
