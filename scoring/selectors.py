"""Reads for scoring pages and the API. Set-based queries; lists always pass through permissions.visible_to."""
from .permissions import frameworks_visible_to, units_visible_to


def home_summary(user):
    frameworks = frameworks_visible_to(user).latest_revisions()
    return {
        "unit_count": units_visible_to(user).active().count(),
        "frameworks": frameworks.order_by("-year", "block__position")[:12],
    }
