"""The unit's offline round trip (issue 3): download its self-assessment workbook, fill it in Excel, upload it back,
see what will change leaf by leaf and every bad cell by its address; nothing is saved until the unit confirms."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy

from ..excel.assessments import (
    FIELD_COLUMN, LETTER, SHEET, CellIssue, check_assessment_workbook, read_assessment_workbook, workbook_filename,
    write_assessment_workbook,
)
from ..forms import FrameworkUploadForm
from ..framework_spec import plain_decimal
from ..models import AuditSource
from ..permissions import get_assessment_for_user, get_assessment_workbook_for_user
from ..services.self_assessment import SelfAssessmentErrors, assessment_self_save_many, self_permit
from ..workflow import Permit, WorkflowError
from .staging import forget_staged, stage_upload, staged_values_for_session

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOADS = "workbook_uploads"  # session key: the tokens of this user's staged workbooks
class WorkbookUploadForm(FrameworkUploadForm):
    """The framework upload's checks (an .xlsx of at most UPLOAD_MAX_MB, measured, parsed once), then the
    self-assessment workbook's own."""

    file = forms.FileField(label=gettext_lazy("Sổ tự đánh giá đã điền (.xlsx, tối đa %(mb)s MB)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
                           error_messages={"empty": gettext_lazy("Tệp rỗng: hãy chọn sổ tự đánh giá đã điền.")})
    check = staticmethod(check_assessment_workbook)


@login_required
def workbook_download(request, pk):
    assessment = get_assessment_workbook_for_user(request.user, pk)
    response = HttpResponse(write_assessment_workbook(assessment), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, workbook_filename(assessment))
    return response


@login_required
def workbook_upload(request, pk):
    assessment = get_assessment_for_user(request.user, pk, action="self")
    permit = self_permit(assessment)
    form = WorkbookUploadForm(request.POST, request.FILES) if request.method == "POST" else WorkbookUploadForm()
    if permit and form.is_valid():
        return stage_upload(request, UPLOADS, form, "scoring:workbook_confirm", pk=assessment.pk)
    return render(request, "scoring/workbook_upload.html", {"assessment": assessment, "permit": permit, "form": form},
                  status=403 if request.method == "POST" and not permit else 200)


@login_required
def workbook_confirm(request, pk, token):
    assessment = get_assessment_for_user(request.user, pk, action="self")
    values = staged_values_for_session(request, UPLOADS, token)  # parsed once, at the upload or by its job
    if request.method == "POST" and "cancel" in request.POST:
        forget_staged(request, UPLOADS, token)
        return redirect("scoring:workbook_upload", pk=assessment.pk)
    permit = self_permit(assessment)
    changes, issues = read_assessment_workbook(values, assessment)
    if request.method == "POST" and permit and changes and not issues:
        saved, issues, permit = _save(assessment, request.user, changes, permit)
        if saved is not None:
            forget_staged(request, UPLOADS, token)
            messages.success(request, _("Đã lưu %(count)d tiêu chí từ sổ tự đánh giá.") % {"count": saved})
            return redirect("scoring:assessment_detail", pk=assessment.pk)
    return render(request, "scoring/workbook_preview.html", {
        "assessment": assessment, "token": token, "permit": permit, "issues": _cells(issues),
        "changes": [_display(change) for change in changes],
    })


def _save(assessment, user, changes, permit):
    """(leaves saved or None, what the service refused cell by cell, the permit): all or nothing, audited as an
    import. The state is checked again under the service's lock: a submission since the preview wins."""
    try:
        saved = assessment_self_save_many(assessment=assessment, user=user, entries=[c.entry() for c in changes],
                                          source=AuditSource.IMPORT)
    except SelfAssessmentErrors as errors:
        rows = {change.code: change.row for change in changes}
        return None, [_service_issue(rows, *error) for error in errors.errors], permit
    except WorkflowError as error:
        return None, [], Permit(False, str(error))
    return saved, [], permit


def _service_issue(rows, code, field, message):
    column = FIELD_COLUMN.get(field)
    return CellIssue(str(message), SHEET, rows.get(code), LETTER[column] if column else None, code)


def _cells(issues):
    """Issues as the preview lists them: the cell address ("G12") where there is one."""
    return [{"cell": f"{issue.column}{issue.row}" if issue.column and issue.row else "",
             "row": issue.row if not issue.column else None, "code": getattr(issue, "code", ""),
             "message": issue.message} for issue in issues]


def _display(change):
    return {"code": change.code, "title": change.title, "row": change.row,
            "old": _score_text(change.old), "new": _score_text(change.new),
            "score_changed": change.score_changed or change.inputs_changed,
            "explanation": change.new.explanation if change.explanation_changed else None,
            "reason": change.new.reason if change.reason_changed else None}


def _score_text(values):
    if values.not_applicable:
        return _("Không áp dụng")
    if values.score is None:
        return "—"
    return number_format(plain_decimal(values.score))
