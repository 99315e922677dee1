"""The survey's results for managers and leaders (per unit, per group, per question, SIPAS, the survey leaves'
points), and the managers' Excel exports: every answer, streamed, and the aggregates."""
import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from ..excel import write_aggregates_workbook, write_answers_workbook
from ..permissions import can_manage_surveys, get_survey_for_manager, get_survey_for_user
from ..results import results_page, survey_aggregates
from ..selectors import survey_answer_rows, survey_question_columns

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def survey_results(request, pk):
    survey = get_survey_for_user(request.user, pk)
    results = results_page(survey, unit_code=request.GET.get("unit", "").strip(),
                           group_code=request.GET.get("group", "").strip(), page_number=request.GET.get("page"))
    return render(request, "surveys/results.html", {
        "survey": survey, "results": results, "can_manage": can_manage_surveys(request.user)})


@login_required
def survey_export_answers(request, pk):
    """A temporary file rather than memory: the write-only workbook of a national survey runs to hundreds of MB."""
    survey = get_survey_for_manager(request.user, pk)
    out = tempfile.TemporaryFile()
    write_answers_workbook(survey_question_columns(survey), survey_answer_rows(survey), out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{survey.code}-tra-loi.xlsx", content_type=XLSX)


@login_required
def survey_export_aggregates(request, pk):
    survey = get_survey_for_manager(request.user, pk)
    response = HttpResponse(write_aggregates_workbook(survey_aggregates(survey)), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{survey.code}-tong-hop.xlsx")
    return response
