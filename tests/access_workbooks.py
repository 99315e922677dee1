"""Access-matrix lines of one capability (format: top of tests/access_matrix.py)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
from .access_matrix import LOGIN, MANAGERS_ONLY, OWN_UNIT_ONLY, SIGNED_IN, UNIT, Redirect, access  # noqa: F401


def objects(own_unit, other_unit):
    """The values this capability's route kwargs name: {"own": {...}, "other": {...}} (per side)."""
    return {"own": {}, "other": {}}


MATRIX = {}
