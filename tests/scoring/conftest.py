"""Fixtures shared by the permission proofs of the yearly cycle (tests/scoring/cycle_permissions_data.py)."""
from .cycle_permissions_data import finalized, handed_in, media, world  # noqa: F401 (fixtures, found by name)
