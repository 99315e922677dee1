"""A staged upload (scoring/services/uploads.py) belongs to the session that uploaded it: previews of Excel imports
(frameworks, survey designs) keep its token in the session and answer 404 to anyone else's token."""
from django.http import Http404

from ..services.uploads import staged_upload_path, upload_discard, upload_stage

KEPT_UPLOADS = 5


def stage_for_session(request, key, file):
    token = upload_stage(file=file)
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
