"""A staged upload (scoring/services/uploads.py) belongs to the session that uploaded it: previews of Excel imports
(frameworks, units, accounts, self-assessment workbooks, survey designs) keep its token in the session and answer
404 to anyone else's token. A small upload is parsed in the request; a larger one (WORKBOOK_INLINE_MAX_KB) by a
background job with its own time and memory limits (scoring/services/upload_parse.py), whose page leads to the
preview once done."""
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect

from ..excel.limits import WorkbookLimits
from ..excel.sheets import read_workbook_values
from ..services.upload_parse import upload_parse_enqueue
from ..services.uploads import staged_upload_path, staged_values, staged_values_keep, upload_discard, upload_stage

KEPT_UPLOADS = 5


def stage_for_session(request, key, file, values=None):
    token = upload_stage(file=file, values=values)
    request.session[key] = [*request.session.get(key, []), token][-KEPT_UPLOADS:]
    return token


def stage_upload(request, key, form, preview, **kwargs):
    """Stages a valid upload form's file and answers the redirect: to the preview `preview` (a URL name taking the
    token and `kwargs`) when the form parsed the file, else to the page of the job that parses it."""
    token = stage_for_session(request, key, form.cleaned_data["file"], values=form.values)
    response = redirect(preview, token=token, **kwargs)
    if form.values is not None:
        return response
    job = upload_parse_enqueue(token=token, preview_url=response.url, upload_url=request.get_full_path(),
                               user=request.user)
    return redirect("scoring:job_detail", pk=job.pk)


def staged_path_for_session(request, key, token):
    path = staged_upload_path(token)
    if token not in request.session.get(key, []) or path is None or not path.exists():
        raise Http404
    return path


def forget_staged(request, key, token):
    upload_discard(token=token)
    request.session[key] = [kept for kept in request.session.get(key, []) if kept != token]


def staged_values_for_session(request, key, token):
    """What the previews read: the staged upload's values, parsed once (at the upload, by the parsing job, or here
    the first time for a small file staged without them), never the file again. A large file without values (its
    job failed or has not finished) has no preview."""
    path = staged_path_for_session(request, key, token)
    values = staged_values(token)
    if values is None:
        if path.stat().st_size > settings.WORKBOOK_INLINE_MAX_KB * 1024:
            raise Http404
        values, _issues = read_workbook_values(path, WorkbookLimits.upload())
        if values is None:
            return path  # the reader reports why the file cannot be read
        staged_values_keep(token=token, values=values)
    return values
