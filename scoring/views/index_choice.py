"""The index a results page or export reads, from ?index= (issue 14): PAR when absent, 404 when unknown."""
from django.http import Http404
from django.utils.translation import gettext as _

from ..selectors.index_scope import INDEX_PARAM, index_find, index_tabs


def index_asked(params):
    """The Index asked for by `params` (request.GET or POST); PAR without one; 404 for a code no index has."""
    index = index_find(params.get(INDEX_PARAM))
    if index is None:
        raise Http404(_("Không có chỉ số này."))
    return index


def index_context(request, year, block, index) -> dict:
    """What templates/scoring/_index_tabs.html and the index's figures need: the chosen index and the switcher's
    tabs (None with a single index: the page looks as it did before indices became data)."""
    return {"index": index, "index_tabs": index_tabs(year, block, index, request.GET)}
