"""Who may see and do what in scoring. Every view fetches through these helpers; role checks live nowhere else."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Framework, Job, Publication, Role, Unit, UnitResult

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


# --- Results, their runs and publications (issue 4) -------------------------------------------------------------


def results_visible_to(user):
    """Managers, leaders and appraisers read every result; a unit user only its own unit's."""
    results = UnitResult.objects.select_related("unit", "framework")
    if not user.is_authenticated:
        return results.none()
    if user.is_unit_user:
        return results.filter(unit=user.unit_id)
    return results


def require_results_manager(user):
    """Starting a results run and publishing are the managers' acts."""
    require_manager(user)


def jobs_visible_to(user):
    """Managers follow every job; anyone else only the jobs they started."""
    if not user.is_authenticated:
        return Job.objects.none()
    if is_manager(user):
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def get_job_for_user(user, pk):
    return get_object_or_404(jobs_visible_to(user), pk=pk)


def publications_visible_to(user):
    """A publication is the People's Committee's public table: every signed-in role reads it."""
    if not user.is_authenticated:
        return Publication.objects.none()
    return Publication.objects.select_related("published_by")


def get_publication_for_user(user, pk):
    return get_object_or_404(publications_visible_to(user), pk=pk)
