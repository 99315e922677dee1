"""Every index of a unit's year, and the conference report of a year and block (issue 14)."""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors
from ..excel.conference import write_conference_workbook
from ..models import Block, IndexEdition, UnitResult
from ..permissions import get_scorecard_unit_for_user, require_dashboard_reader
from ..reports.conference import conference_filename, conference_pdf, conference_title, summary_lines
from ..selectors.indices import conference_report, unit_indices
from .results import XLSX, ResultsScopeForm
from .scorecards import PDF, _attachment, _year


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
