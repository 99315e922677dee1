"""Unit pages: the list (search, filters, pages) and one unit with its block's frameworks."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import selectors
from ..permissions import get_unit_for_user, units_visible_to

PAGE_SIZE = 50


@login_required
def unit_list(request):
    units = units_visible_to(request.user)
    filters = {name: request.GET.get(name, "").strip() for name in ("q", "block", "ranked")}
    found = selectors.units_search(units, **filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scoring/unit_list.html", {
        "page": page, "filters": filters, "filtered": any(filters.values()), "has_units": units.exists(),
        "blocks": selectors.blocks_of(units),
    })


@login_required
def unit_detail(request, pk):
    unit = get_unit_for_user(request.user, pk)
    frameworks = selectors.unit_frameworks(request.user, unit)
    return render(request, "scoring/unit_detail.html", {"unit": unit, "frameworks": frameworks,
                                                        **selectors.unit_history(request.user, unit)})
