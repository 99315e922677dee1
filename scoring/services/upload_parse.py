"""Parsing a large upload in a background job (issue 13): an upload larger than WORKBOOK_INLINE_MAX_KB is staged
unparsed and this job measures and reads it in a bounded child process (scoring/excel/bounded.py), then keeps its
values beside the staged file, where the preview reads them. A limit passed or a damaged file fails the job with
the reader's message; the user uploads again."""
from django.utils import translation
from django.utils.translation import gettext as _

from ..excel.bounded import parse_workbook_bounded
from ..excel.limits import WorkbookLimits
from .jobs import job_enqueue, job_progress, job_runner
from .uploads import staged_upload_path, staged_values_path

PARSE_KIND = "parse_upload"


class UploadParseError(Exception):
    """The staged upload could not be parsed; the message says why, in the uploader's language."""


def upload_parse_enqueue(*, token, preview_url, upload_url, user):
    """The job that parses the staged upload `token`; once done, its page leads to `preview_url`."""
    return job_enqueue(kind=PARSE_KIND, scope=token, user=user, params={
        "token": token, "preview_url": preview_url, "upload_url": upload_url,
        "language": translation.get_language()})


@job_runner(PARSE_KIND)
def upload_parse(job):
    with translation.override(job.params.get("language")):
        return _parse(job)


def _parse(job):
    token = job.params["token"]
    path = staged_upload_path(token)
    if path is None or not path.exists():
        raise UploadParseError(_("Tệp tải lên không còn trên máy chủ (tệp chờ quá một ngày bị xoá): hãy tải lên "
                                 "lại."))
    job_progress(job, 10, _("Đang đo và đọc tệp…"))
    part = staged_values_path(token).with_suffix(".values.part")

    def read(percent):
        job_progress(job, 10 + percent * 80 // 100, _("Đã đọc %(percent)s%% tệp…") % {"percent": percent})

    issues = parse_workbook_bounded(path, part, WorkbookLimits.upload(), progress=read)  # or WorkbookParseFailed
    if issues:
        part.unlink(missing_ok=True)
        raise UploadParseError(issues[0])
    job_progress(job, 90, _("Đang lưu dữ liệu đã đọc…"))
    part.replace(staged_values_path(token))  # the preview sees whole values or none
    return {"token": token}
