"""Reads for scoring pages and the API. Set-based queries; lists always pass through permissions.visible_to."""
from django.db.models import Count, Q

from .models import Block, Unit
from .permissions import frameworks_visible_to, is_manager, units_visible_to


def home_summary(user):
    frameworks = frameworks_visible_to(user).latest_revisions()
    own_unit = units_visible_to(user).filter(pk=user.unit_id).first() if user.is_unit_user else None
    return {
        "unit_count": units_visible_to(user).active().count(),
        "frameworks": frameworks.order_by("-year", "block__position")[:12],
        "own_unit": own_unit,
        "own_unit_frameworks": unit_frameworks(user, own_unit)[:4] if own_unit else [],
        "is_manager": is_manager(user),
        "block_counts": blocks_with_unit_counts() if is_manager(user) else [],
    }


# --- Units -------------------------------------------------------------------------------------------------------


def units_search(units, *, q="", block="", ranked=""):
    """The unit list's filters; an empty value filters nothing."""
    if q:
        units = units.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if block:
        units = units.filter(block__code=block)
    if ranked in ("yes", "no"):
        units = units.filter(ranked=ranked == "yes")
    return units


def blocks_of(units):
    """The blocks the given units belong to, for the list's block filter."""
    return Block.objects.filter(pk__in=units.values("block")).order_by("position", "code")


def unit_frameworks(user, unit):
    """The current framework revision of each year for the unit's block, newest year first."""
    return frameworks_visible_to(user).filter(block=unit.block_id).latest_revisions().order_by("-year")


def blocks_with_unit_counts():
    active = Q(units__active=True)
    return Block.objects.annotate(
        unit_count=Count("units", filter=active),
        unranked_count=Count("units", filter=active & Q(units__ranked=False)),
    ).order_by("position", "code")


def units_for_export():
    """Every unit: the export is an operator's command, there is no user to restrict by."""
    return list(Unit.objects.select_related("block").order_by("block__position", "block__code", "code"))
