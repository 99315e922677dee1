"""Day one of a province (issue 10): the setup checklist, the blocks (rename, order) and the appraising agencies
(name them, see their members). Administrators and coordinators only."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..forms import AgencyFormSet, BlockFormSet
from ..permissions import get_agency_for_user, require_account_manager
from ..selectors.accounts import agencies_with_appraisers
from ..selectors.setup import setup_checklist
from ..services.agencies import agency_rename
from ..services.units import block_update


@login_required
def setup_page(request):
    require_account_manager(request.user)
    items = setup_checklist(year=timezone.localdate().year)
    return render(request, "scoring/setup.html", {"items": items, "complete": all(item.done for item in items)})


@login_required
def block_list(request):
    require_account_manager(request.user)
    blocks = list(selectors.blocks_with_unit_counts())
    initial = [{"name": block.name, "position": block.position} for block in blocks]
    formset = BlockFormSet(request.POST or None, initial=initial, prefix="blocks")
    if request.method == "POST" and _rows_posted(formset, blocks):
        with transaction.atomic():
            for block, form in zip(blocks, formset.forms):
                block_update(block=block, name=form.cleaned_data["name"], position=form.cleaned_data["position"],
                             user=request.user, reason=_("Trang khối đơn vị"))
        messages.success(request, _("Đã lưu tên và thứ tự các khối."))
        return redirect("scoring:block_list")
    return render(request, "scoring/block_list.html", {"rows": list(zip(blocks, formset.forms)), "formset": formset})


@login_required
def agency_list(request):
    require_account_manager(request.user)
    agencies = agencies_with_appraisers()
    formset = AgencyFormSet(request.POST or None, initial=[{"name": agency.name} for agency in agencies],
                            prefix="agencies")
    if request.method == "POST" and _rows_posted(formset, agencies):
        with transaction.atomic():
            for agency, form in zip(agencies, formset.forms):
                agency_rename(agency=agency, name=form.cleaned_data["name"], user=request.user)
        messages.success(request, _("Đã lưu tên các cơ quan thẩm định."))
        return redirect("scoring:agency_list")
    rows = [(agency, form, agency.appraiser_count) for agency, form in zip(agencies, formset.forms)]
    return render(request, "scoring/agency_list.html", {"rows": rows, "formset": formset})


def _rows_posted(formset, objects):
    """The formset is valid and holds one filled form per row of the page: a stale or forged management form (more
    or fewer rows, rows left empty) changes nothing and the page says so."""
    if formset.is_valid() and len(formset.forms) == len(objects) and all("name" in form.cleaned_data
                                                                            for form in formset.forms):
        return True
    if not formset.non_form_errors() and not any(form.errors for form in formset.forms):
        formset._non_form_errors = formset.error_class([_("Trang đã cũ: tải lại trang rồi lưu lại.")])
    return False


@login_required
def agency_detail(request, pk):
    agency = get_agency_for_user(request.user, pk)
    members = agency.members.order_by("-is_active", "username")
    criteria = agency.criteria.select_related("framework").order_by("-framework__year", "framework__block__position",
                                                                    "position")[:200]
    return render(request, "scoring/agency_detail.html", {"agency": agency, "members": members,
                                                           "criteria": criteria})
