"""A unit's scorecard (page, PDF, workbook), the ranking table as PDF, and the scorecards of a whole block in one
ZIP built in the background; see scoring/urls.py."""
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import get_format
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..excel.scorecards import write_scorecard_workbook
from ..permissions import get_job_for_user, get_scorecard_unit_for_user, is_manager, require_manager
from ..reports.ranking import ranking_filename, ranking_pdf
from ..reports.scorecard import scorecard_filename, scorecard_pdf
from ..selectors import scorecards
from ..services.reports import scorecards_zip_file, scorecards_zip_start
from .index_choice import index_asked, index_context
from .results import XLSX, ResultsScopeForm

PDF = "application/pdf"
YEARS = range(2000, 2101)
THREE = Decimal("0.001")


class BlockYearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    block = forms.CharField(max_length=20)


# --- A unit's scorecard ----------------------------------------------------------------------------------------


@login_required
def scorecard_page(request, pk, year):
    unit = get_scorecard_unit_for_user(request.user, pk)
    index = index_asked(request.GET)
    card = scorecards.scorecard(request.user, unit, _year(year), index_code=index.code)
    return render(request, "scoring/scorecard.html", {
        "unit": unit, "year": year, "card": card, **index_context(request, year, unit.block_id, index),
        "years": scorecards.scorecard_years(request.user, unit, index.code),
        "chart": _chart(card) if card else None, "can_manage": is_manager(request.user),
        "criteria_rows": _criteria_rows(card.rows) if card else (),
    })


@login_required
def scorecard_pdf_download(request, pk, year):
    card = _card(request, pk, year, with_evidence=False)
    return _attachment(scorecard_pdf(card), PDF, scorecard_filename(card, "pdf"))


@login_required
def scorecard_xlsx_download(request, pk, year):
    card = _card(request, pk, year, with_evidence=True)  # the workbook's "Tài liệu kiểm chứng" column lists them
    return _attachment(write_scorecard_workbook(card), XLSX, scorecard_filename(card, "xlsx"))


def _card(request, pk, year, *, with_evidence):
    unit = get_scorecard_unit_for_user(request.user, pk)
    card = scorecards.scorecard(request.user, unit, _year(year), with_evidence=with_evidence,
                                index_code=index_asked(request.GET).code)
    if card is None:
        raise Http404(_("Đơn vị chưa có kết quả năm này."))
    return card


def _year(year):
    if year not in YEARS:
        raise Http404(_("Năm không hợp lệ."))
    return year


def _chart(card):
    """The area chart's data for json_script: decimals as strings, so nothing is rounded on the way."""
    return {
        "labels": [f"{area.code}. {area.title}" for area in card.areas],
        "unit": [_text(area.index) for area in card.areas],
        "average": [_text(area.block_average) for area in card.areas],
        "unitLabel": card.unit.name, "averageLabel": _("Trung bình khối"),
    }


def _criteria_rows(rows):
    """The criteria table's rows as HTML, built here: a template loop over a tree of 150 criteria with a
    floatformat per cell was most of the page's time (format_html's lazy escaping too). Every text is escaped
    (html.escape, as the template's autoescape); numbers are printed digits."""
    separator, na = get_format("DECIMAL_SEPARATOR"), escape(_("KAD"))
    unscored = f'<span class="muted" title="{escape(_("Chưa có điểm chính thức: tính là 0"))}">—</span>'
    return [mark_safe(_criteria_row(row, separator, na, unscored)) for row in rows]  # noqa: S308 (escaped)


def _criteria_row(row, separator, na, unscored):
    def points(value):  # floatformat:3 ("12,500"), half up as floatformat rounds
        return "" if value is None else f"{value.quantize(THREE, rounding=ROUND_HALF_UP):f}".replace(".", separator)

    lost, code = points(row.points_lost) if row.points_lost else "", escape(row.code)
    classes = f"depth-{row.depth}{' leaf' if row.is_leaf else ''}{' lost' if row.points_lost and row.is_leaf else ''}"
    label = f' <small class="muted">· {escape(row.method_label)}</small>' if row.is_leaf else ""
    start = (f'<tr class="{classes}" data-code="{code}"><td>{code}</td><td>{escape(row.title)}{label}</td>'
             f'<td class="num">{points(row.max_points) or "—"}</td>')
    if not row.is_leaf:
        return (f'{start}<td></td><td></td><td></td><td class="num" data-col="final">{points(row.final_score)}</td>'
                f'<td class="num" data-col="lost">{lost}</td><td></td><td class="no-print"></td></tr>')
    final = na if row.not_applicable else points(row.final_score) if row.final_score is not None else unscored
    own = na if row.self_not_applicable else points(row.self_score)
    evidence = "".join(_evidence_item(item) for item in row.evidence)
    return (f'{start}<td class="num" data-col="self">{own}</td>'
            f'<td class="num" data-col="round1">{points(row.appraised_score)}</td>'
            f'<td class="num" data-col="round2">{points(row.second_score)}</td>'
            f'<td class="num" data-col="final"><strong>{final}</strong></td><td class="num" data-col="lost">{lost}</td>'
            f'<td data-col="reason">{linebreaksbr(row.reason, autoescape=True)}</td>'
            f'<td class="no-print" data-col="evidence">{evidence}</td></tr>')


def _evidence_item(item):
    title = f'<a href="{escape(item.url)}">{escape(item.title)}</a>' if item.url else escape(item.title)
    note = ""
    if item.document_number or item.issue_date:
        date = f" {item.issue_date:%d/%m/%Y}" if item.issue_date else ""
        note = f' <small class="muted">{escape(item.document_number)}{date}</small>'
    return f"<div>{title}{note}</div>"


def _text(value):
    return None if value is None else str(value)


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- The ranking table as PDF ----------------------------------------------------------------------------------


@login_required
def results_export_pdf(request):
    year, code = ResultsScopeForm(request.GET).scope()
    if not (year and code):
        return HttpResponseBadRequest(_("Cần chọn năm và khối, ví dụ ?year=2025&block=SO."))
    block, index = selectors.block_find(code), index_asked(request.GET)
    if block is None:
        raise Http404(_("Không có khối này."))
    legend = selectors.results_legend(year, block, index.code)
    content = ranking_pdf(selectors.results_rows(year, block.code, request.user, index.code), legend, index)
    return _attachment(content, PDF, ranking_filename(legend, index))


# --- Scorecards of a block in bulk -----------------------------------------------------------------------------


@login_required
@require_POST
def scorecards_zip_request(request):
    require_manager(request.user)
    form, index = BlockYearForm(request.POST), index_asked(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chọn năm và khối cần in phiếu điểm."))
        return redirect("scoring:results")
    try:
        job = scorecards_zip_start(year=form.cleaned_data["year"], block_code=form.cleaned_data["block"],
                                   index_code=index.code, user=request.user)
    except ValueError as refusal:
        messages.error(request, str(refusal))
        return redirect("scoring:results")
    return redirect("scoring:job_detail", pk=job.pk)


@login_required
def report_download(request, pk):
    job = get_job_for_user(request.user, pk)
    path = scorecards_zip_file(job)
    if path is None:
        raise Http404(_("Tệp của tác vụ này chưa có hoặc đã bị xóa."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")
