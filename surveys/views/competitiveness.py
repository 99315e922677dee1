"""The coordinator closes a DDCI edition's collection: the index is computed from the firms' answers."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import CompetitivenessFramework
from ..permissions import require_survey_manager
from ..services.competitiveness import CollectionClosed, competitiveness_close


@login_required
@require_POST
def competitiveness_close_view(request, pk):
    require_survey_manager(request.user)
    framework = get_object_or_404(CompetitivenessFramework.objects.select_related("edition"), pk=pk)
    try:
        counts = competitiveness_close(framework=framework, actor=request.user)
    except (CollectionClosed, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã đóng thu thập phiếu và tính chỉ số: %(rated)d/%(units)d đơn vị được "
                                    "đánh giá.") % counts)
    return redirect("scoring:edition_list")
