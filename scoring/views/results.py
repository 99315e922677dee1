"""Results pages: a block's ranking table with its exports, a results run followed on its job page, and the
publications: immutable snapshots anyone can check against their SHA-256."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.confirmation import confirmation_page, is_confirmed, rehearse

from .. import selectors
from ..excel.results import write_results_workbook
from ..models import JobStatus
from ..models.indices import PAR
from ..permissions import (
    get_job_for_user, get_publication_for_user, is_manager, publications_visible_to, require_results_manager,
    results_visible_to,
)
from ..selectors.confirmations import publication_summary
from ..services import publications as publication_service
from ..services.jobs import jobs_sweep
from ..services.results import COMPUTE_KIND, results_run_start
from ..services.upload_parse import PARSE_KIND
from ..selectors.index_scope import index_find
from .index_choice import index_asked, index_context

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ResultsScopeForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    block = forms.CharField(max_length=20, required=False)
    note = forms.CharField(max_length=2000, required=False)

    def scope(self):
        """(year, block code), each None when absent or invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("year"), (data.get("block") or "").strip() or None


# --- The ranking table -----------------------------------------------------------------------------------------


@login_required
def results_page(request):
    results = results_visible_to(request.user)
    years, blocks = selectors.results_choices(request.user)
    index = index_asked(request.GET)
    year, block = _chosen(ResultsScopeForm(request.GET).scope(), years, blocks)
    legend = selectors.results_legend(year, block, index.code) if block else None
    found = selectors.results_table(results, year, block.code, index.code) if block else results.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    grades = legend.grades if legend else {}
    return render(request, "scoring/results_list.html", {
        "year": year, "current_block": block, "years": years, "blocks": blocks, "legend": legend, "page": page,
        "rows": [selectors.result_display(selectors.result_row(result), grades) for result in page],
        "can_manage": is_manager(request.user), "query": _query(year, block, index.code),
        "publication": selectors.publication_latest(publications_visible_to(request.user), year, block, index.code),
        **index_context(request, year, block, index),
    })


def _chosen(scope, years, blocks):
    """The year and block asked for, else the newest year and the first block the user may see."""
    year, code = scope
    year = year or (years[0] if years else timezone.localdate().year)
    block = next((block for block in blocks if block.code == code), blocks[0] if blocks else None)
    return year, block


def _query(year, block, index_code=PAR):
    """The page's scope as a query string: PAR names no index, as before indices became data."""
    index = {} if index_code == PAR else {"index": index_code}
    return urlencode({"year": year, "block": block.code, **index}) if block else urlencode({"year": year, **index})


@login_required
def results_export(request):
    results = results_visible_to(request.user)
    year, code = ResultsScopeForm(request.GET).scope()
    if not (year and code):
        return HttpResponseBadRequest(_("Cần chọn năm và khối, ví dụ ?year=2025&block=SO."))
    block, index = selectors.block_find(code), index_asked(request.GET)
    if block is None:
        raise Http404(_("Không có khối này."))
    rows = [selectors.result_row(result) for result in selectors.results_table(results, year, block.code, index.code)]
    content = write_results_workbook(rows, selectors.results_legend(year, block, index.code), index)
    response = HttpResponse(content, content_type=XLSX)
    code = "" if index.code == PAR else f"{index.code}-"
    response["Content-Disposition"] = content_disposition_header(True, f"ket-qua-{code}{year}-{block.code}.xlsx")
    return response


# --- A results run and its job page ----------------------------------------------------------------------------


@login_required
@require_POST
def results_run(request):
    require_results_manager(request.user)
    year, block = ResultsScopeForm(request.POST).scope()
    if not year:
        messages.error(request, _("Chọn năm cần tính kết quả."))
        return redirect("scoring:results")
    # The index of the page's switcher; none (a year of PAR alone) runs every index of the year, as before.
    index_code = index_asked(request.POST).code if request.POST.get("index") else None
    job = results_run_start(year=year, block_code=block, index_code=index_code, user=request.user)
    return redirect("scoring:job_detail", pk=job.pk)


@login_required
def job_detail(request, pk):
    job = _swept(get_job_for_user(request.user, pk))
    next_url = _job_next_url(job, request.user)
    if job.kind == PARSE_KIND and next_url:
        return redirect(next_url)  # an upload parsed (in-process: before its page was asked for) goes to its preview
    return render(request, "scoring/results_job.html", {"job": job, "next_url": next_url})


@login_required
def job_status(request, pk):
    job = _swept(get_job_for_user(request.user, pk))
    return JsonResponse({
        "id": job.pk, "status": job.status, "status_label": job.get_status_display(), "progress": job.progress,
        "message": job.message, "error": job.error, "finished": job.is_finished,
        "next_url": _job_next_url(job, request.user),
    })


def _swept(job):
    """In-process, nobody else notices that the process running a job died: the page that waits on it does."""
    if not job.is_finished:
        jobs_sweep(resend=False)
        job.refresh_from_db()
    return job


def _job_next_url(job, user):
    """Where a finished job leads: a results run to the table it computed, an upload's parsing to its preview (the
    uploader's alone: a staged upload belongs to the session that uploaded it)."""
    if job.kind == PARSE_KIND:
        return job.params.get("preview_url") if job.status == JobStatus.DONE and job.created_by_id == user.pk else None
    if job.kind != COMPUTE_KIND or job.status != JobStatus.DONE:
        return None
    query = {"year": job.params.get("year"), **({"block": job.params["block"]} if job.params.get("block") else {}),
             **({"index": job.params["index"]} if job.params.get("index") not in (None, PAR) else {})}
    return f"{reverse('scoring:results')}?{urlencode(query)}"


# --- Publications ----------------------------------------------------------------------------------------------


@login_required
@require_POST
def publication_create(request):
    require_results_manager(request.user)
    form, index = ResultsScopeForm(request.POST), index_asked(request.POST)
    year, block = form.scope()
    back = _back(year, block, index.code)

    def publish():
        return publication_service.publication_create(year=year, block_code=block, index_code=index.code,
                                                      user=request.user, note=form.cleaned_data.get("note", ""))

    try:
        if not is_confirmed(request):
            title = _("Công bố kết quả năm %(year)s của khối %(block)s?") if index.code == PAR else _(
                "Công bố kết quả %(index)s năm %(year)s của khối %(block)s?")
            return confirmation_page(
                request, title=title % {"year": year, "block": block, "index": index.code},
                summary=publication_summary(rehearse(publish)),
                note=_("Bản công bố là bản chụp bất biến: không sửa được, chỉ có thể công bố lần sau để đính chính."),
                button=_("Công bố"), cancel_url=back)
        publication = publish()
    except publication_service.PublicationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    messages.success(request, _("Đã công bố kết quả năm %(year)s của %(block)s, lần %(version)s.") % {
        "year": year, "block": publication.block, "version": publication.version})
    return redirect("scoring:publication_detail", pk=publication.pk)


def _back(year, block, index_code):
    index = {} if index_code == PAR else {"index": index_code}
    return f"{reverse('scoring:results')}?{urlencode({'year': year or '', 'block': block or '', **index})}"


@login_required
def publication_list(request):
    publications = publications_visible_to(request.user)
    return render(request, "scoring/results_publication_list.html", {
        "publications": publications.defer("content").order_by("-year", "index_code", "-version"),
        "several_indices": publications.exclude(index_code=PAR).exists(),
    })


@login_required
def publication_detail(request, pk):
    publication = get_publication_for_user(request.user, pk)
    return render(request, "scoring/results_publication_detail.html", {
        "publication": publication, "index": index_find(publication.index_code) or index_find(PAR),
        "tables": selectors.publication_tables(publication.content),
        "changes": selectors.publication_change_rows(publication.changes),
    })


@login_required
def publication_content(request, pk):
    """The exact bytes the SHA-256 was computed over, so anyone can check a printed table against it."""
    publication = get_publication_for_user(request.user, pk)
    response = HttpResponse(publication_service.canonical_bytes(publication.content),
                            content_type="application/json; charset=utf-8")
    index = "" if publication.index_code == PAR else f"{publication.index_code}-"
    filename = f"cong-bo-ket-qua-{index}{publication.year}-lan-{publication.version}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
