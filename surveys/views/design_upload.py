"""The survey design workbook in the browser: upload with a preview (nothing is saved until the manager confirms a
file without errors), and the download of a survey's design in the same shape, so a design can be edited in Excel
and brought back. The staging of uploads is the framework import's (scoring/services/uploads.py)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from scoring.excel.sheets import WorkbookError
from scoring.framework_spec import merge_issues
from scoring.models import AuditSource
from scoring.views.staging import forget_staged, stage_upload, staged_values_for_session

from ..editor_forms import DesignUploadForm
from ..excel import read_survey_workbook, write_survey_workbook
from ..models import Survey
from ..permissions import get_survey_for_manager, require_survey_manager
from ..selectors import survey_spec
from ..services.design import survey_import, survey_import_issues

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADS = "survey_uploads"  # session key: the tokens of this user's staged design workbooks


@login_required
def design_import(request):
    require_survey_manager(request.user)
    form = DesignUploadForm(request.POST, request.FILES) if request.method == "POST" else DesignUploadForm()
    if form.is_valid():
        return stage_upload(request, UPLOADS, form, "surveys:design_import_confirm")
    return render(request, "surveys/editor_import.html", {"form": form})


@login_required
def design_import_confirm(request, token):
    require_survey_manager(request.user)
    values = staged_values_for_session(request, UPLOADS, token)  # parsed once, at the upload or by its job
    if request.method == "POST" and "cancel" in request.POST:
        forget_staged(request, UPLOADS, token)
        return redirect("surveys:design_import")
    spec, issues = read_survey_workbook(values)
    issues = merge_issues(issues, survey_import_issues(spec)) if spec else issues
    if request.method == "POST" and not issues:
        try:
            summary = survey_import(spec=spec, user=request.user, source=AuditSource.IMPORT)
        except WorkbookError as error:
            issues = error.issues
        else:
            forget_staged(request, UPLOADS, token)
            messages.success(request, _imported(summary))
            return redirect("surveys:survey_design", summary.survey.pk)
    return render(request, "surveys/editor_import_preview.html", {
        "spec": spec, "issues": issues, "token": token,
        "target": Survey.objects.filter(code=spec.code).first() if spec else None})


def _imported(summary):
    message = (_("Đã tạo cuộc điều tra %(code)s: %(groups)d nhóm đối tượng, %(questions)d câu hỏi.") if summary.created
               else _("Đã thay bảng hỏi của cuộc điều tra %(code)s: %(groups)d nhóm đối tượng, %(questions)d câu hỏi."))
    return message % {"code": summary.survey.code, "groups": summary.groups, "questions": summary.questions}


@login_required
def survey_design_export(request, pk):
    survey = get_survey_for_manager(request.user, pk)
    response = HttpResponse(write_survey_workbook(survey_spec(survey)), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{survey.code}-bang-hoi.xlsx")
    return response
