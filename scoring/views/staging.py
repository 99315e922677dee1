"""A staged upload (scoring/services/uploads.py) belongs to the session that uploaded it: previews of Excel imports
(frameworks, survey designs) keep its token in the session and answer 404 to anyone else's token."""
from django.http import Http404

from ..excel.limits import WorkbookLimits
from ..excel.sheets import read_workbook_values
from ..services.uploads import staged_upload_path, staged_values, staged_values_keep, upload_discard, upload_stage

KEPT_UPLOADS = 5


def stage_for_session(request, key, file, values=None):
    token = upload_stage(file=file, values=values)
    request.session[key] = [*request.session.get(key, []), token][-KEPT_UPLOADS:]
    return token


def staged_path_for_session(request, key, token):
    path = staged_upload_path(token)
    if token not in request.session.get(key, []) or path is None or not path.exists():
        raise Http404
    return path


def forget_staged(request, key, token):
    upload_discard(token=token)
    request.session[key] = [kept for kept in request.session.get(key, []) if kept != token]


def staged_values_for_session(request, key, token):
    """What the previews read: the staged upload's values, parsed once (at the upload, or here the first time for
    a file staged without them), never the file again."""
    path = staged_path_for_session(request, key, token)
    values = staged_values(token)
    if values is None:
        values, _issues = read_workbook_values(path, WorkbookLimits.upload())
        if values is None:
            return path  # the reader reports why the file cannot be read
        staged_values_keep(token=token, values=values)
    return values
