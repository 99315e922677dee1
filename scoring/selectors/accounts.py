"""Reads for the onboarding pages: accounts, agencies and the setup checklist (issue 10)."""
from django.db.models import Count, Q

from ..models import Agency, Role, User


def agencies_with_appraisers():
    """Every agency, with its count of active appraisers, for the agencies page."""
    active = Q(members__role=Role.APPRAISER, members__is_active=True)
    return list(Agency.objects.annotate(appraiser_count=Count("members", filter=active)).order_by("code"))


def accounts_for_export(users=None):
    users = User.objects.all() if users is None else users
    return list(users.select_related("unit", "agency").order_by("role", "unit__code", "username"))


def accounts_search(users, *, q="", role=""):
    users = users.select_related("unit", "agency").order_by("username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
                             | Q(email__icontains=q) | Q(unit__code__iexact=q))
    if role:
        users = users.filter(role=role)
    return users
