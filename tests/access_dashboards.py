"""Access-matrix lines of one capability (format: top of tests/access_matrix.py)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
from .access_matrix import LOGIN, MANAGERS_ONLY, OWN_UNIT_ONLY, SIGNED_IN, UNIT, Redirect, access  # noqa: F401

PUBLISHED_YEAR = {"year": "public_year"}


def objects(own_unit, other_unit):
    """The values this capability's route kwargs name: {"own": {...}, "other": {...}} (per side)."""
    from scoring.models import Publication
    from scoring.services.publications import content_sha256

    content = {"year": 2023, "blocks": []}
    Publication.objects.create(year=2023, version=1, content=content, sha256=content_sha256(content))
    return {"own": {"public_year": 2023}, "other": {"public_year": 2023}}


# The ranking dashboards are the leaders', managers' and appraisers' (permissions.may_see_dashboards); the public
# page of a published year needs no login (tests/scoring/test_views_public.py: 404 for a year not published).
DASHBOARD_READERS = {"anonymous": LOGIN, "signed_in": 200, "unit_users": 403}

MATRIX = {
    "scoring:dashboard": access(**DASHBOARD_READERS),
    "scoring:dashboard_changes": access(**DASHBOARD_READERS),
    "scoring:public_years": access(everyone=200),
    "scoring:public_year": access(everyone=200, kwargs=PUBLISHED_YEAR),
    "scoring:public_content": access(everyone=200, kwargs=PUBLISHED_YEAR),
}
