"""Who may see and do what in scoring. Every view fetches through these helpers; role checks live nowhere else."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Framework, Role, Unit

MANAGERS = (Role.ADMIN, Role.COORDINATOR)


def is_manager(user):
    """Runs the yearly cycle: coordinators (Home Affairs) and administrators."""
    return user.is_authenticated and (user.role in MANAGERS or user.is_superuser)


def require_manager(user):
    if not is_manager(user):
        raise PermissionDenied


def units_visible_to(user):
    units = Unit.objects.select_related("block")
    if not user.is_authenticated:
        return units.none()
    if user.is_unit_user:
        return units.filter(pk=user.unit_id)
    return units


def get_unit_for_user(user, pk, *, write=False):
    """Another unit's record answers 404 so its existence is not revealed."""
    unit = get_object_or_404(units_visible_to(user), pk=pk)
    if write:
        require_manager(user)
    return unit


def frameworks_visible_to(user):
    """Frameworks are the published rules: every signed-in role reads them."""
    if not user.is_authenticated:
        return Framework.objects.none()
    return Framework.objects.select_related("block")


def get_framework_for_user(user, pk, *, write=False):
    framework = get_object_or_404(frameworks_visible_to(user), pk=pk)
    if write:
        require_manager(user)
    return framework
