"""A small province for the results engine's tests, hand-checked in test_services_results.py.

Block SO: ten departments on one framework edition both years, with bonus (cap 2), penalty (cap 3), N/A, ties,
clamping at both ends, a grade condition (tier A needs every area index >= 80), a unit that is not ranked, a unit
created in 2025 and a unit of the 2025 roster without a file. Block XA: communes in two groups, no survey held, and
a new framework edition in 2025, so its year-over-year comparison is "not like for like".
"""
from decimal import Decimal

from scoring.excel.scores import ScoreCell, ScoreRow
from scoring.models import Cycle, GradeTier, RosterEntry, Unit
from scoring.services.results import results_compute
from scoring.services.scores import scores_import
from tests.conftest import make_block, make_framework, make_unit

SO_LEAVES = {"1.1": ("appraised", "10"), "1.2": ("appraised", "10"), "2.1": ("appraised", "20"),
             "3.1": ("survey", "10"), "9.1": ("bonus", "5"), "9.2": ("penalty", "10")}
XA_LEAVES = {"1.1": ("appraised", "10"), "1.2": ("appraised", "10"), "2.1": ("survey", "10")}
GRADES = [("A", "90"), ("B", "70"), ("C", "0")]

SO_UNITS = ["SNV", "STP", "STC", "SKHDT", "SXD", "SYT", "SGTVT", "BQLKCN", "SVH"]  # SCT arrives in 2025
XA_UNITS = {"P1": "Phường", "P2": "Phường", "X1": "Xã", "X2": "Xã", "X3": "Xã"}

# 2024: every leaf at the same share of its maximum, so the index is the share (SNV 0.9 -> 90.00).
SO_2024_SHARES = {"SNV": "0.9", "STP": "1", "STC": "0.8", "SKHDT": "0.7", "SXD": "0.6", "SYT": "0.5",
                  "SGTVT": "0.4", "BQLKCN": "1", "SVH": "0.1"}
# 2025, leaf by leaf: a number is the final score, (self, final) a pair, "NA" not applicable.
SO_2025 = {
    "SNV": {"1.1": "10", "1.2": "10", "2.1": "20", "3.1": "10", "9.1": "5"},
    "STP": {"1.1": ("10", "8"), "1.2": ("10", "8"), "2.1": ("20", "16"), "3.1": "8", "9.1": ("5", "4")},
    "STC": {"1.1": "10", "1.2": "5", "2.1": "15", "3.1": "8", "9.2": "1"},
    "SKHDT": {"1.1": "8", "1.2": "8", "2.1": "14", "3.1": "6"},
    "SCT": {"1.1": "10", "1.2": "10", "2.1": "20", "3.1": "7.5"},
    "SXD": {"1.1": "9", "1.2": "9.5", "2.1": "20", "3.1": "9"},
    "SYT": {"1.1": ("9", "8"), "1.2": ("NA", "NA"), "2.1": ("16", "16"), "3.1": "8"},
    "SGTVT": {"1.1": "1", "1.2": "0", "2.1": "0", "3.1": "0", "9.2": "5"},
    "BQLKCN": {"1.1": "10", "1.2": "10", "2.1": "20", "3.1": "9"},
}
XA_2024 = {"P1": "5", "P2": "10", "X1": "10", "X2": "5", "X3": "6"}  # both appraised leaves; no survey
XA_2025 = {"P1": "9", "P2": "8", "X1": "5", "X2": "10", "X3": "5"}


def make_province():
    """Both blocks with their 2024 results computed and their 2025 scores imported (2025 not computed)."""
    so, xa = make_block("SO"), make_block("XA", "Khối xã, phường, thị trấn", 3)
    for code in SO_UNITS:
        make_unit(code, block=so, ranked=code != "BQLKCN")
    for code, group in XA_UNITS.items():
        make_unit(code, block=xa, group=group)
    for year, xa_version in ((2024, "876/2022"), (2025, "1234/2025")):
        so_framework = make_framework(year=year, block=so, leaves=SO_LEAVES, grades=GRADES, bonus_cap=Decimal(2),
                                      penalty_cap=Decimal(3))
        GradeTier.objects.filter(framework=so_framework, code="A").update(min_area_index=Decimal(80))
        make_framework(year=year, block=xa, version=xa_version, leaves=XA_LEAVES, grades=GRADES)
    import_scores(2024, "SO", {code: _shares(share) for code, share in SO_2024_SHARES.items()})
    import_scores(2024, "XA", {code: {"1.1": value, "1.2": value} for code, value in XA_2024.items()})
    results_compute(year=2024)
    make_unit("SCT", block=so)
    import_scores(2025, "SO", SO_2025)
    # SVH takes part in 2025 without a file: the coordinator kept it on the roster (rule 13).
    RosterEntry.objects.create(cycle=Cycle.objects.get(year=2025, block=so), unit=Unit.objects.get(code="SVH"))
    import_scores(2025, "XA", {code: {"1.1": value, "1.2": value} for code, value in XA_2025.items()})


def _shares(share):
    return {code: str(Decimal(maximum) * Decimal(share)) for code, (method, maximum) in SO_LEAVES.items()
            if method in ("appraised", "survey")}


def import_scores(year, block_code, scores, index_code="PAR"):
    """scores: {unit code: {leaf code: final | (self, final) | "NA"}}, through the import service."""
    rows = [ScoreRow(number, unit, leaf, *_cells(value))
            for number, (unit, leaf, value) in enumerate(_flat(scores), start=2)]
    return scores_import(year=year, block_code=block_code, rows=rows, index_code=index_code)


def _flat(scores):
    return [(unit, leaf, value) for unit, leaves in scores.items() for leaf, value in leaves.items()]


def _cells(value):
    self_value, final = value if isinstance(value, tuple) else (None, value)
    return _cell(self_value), _cell(final)


def _cell(value):
    if value == "NA":
        return ScoreCell(not_applicable=True)
    return ScoreCell(value=None if value is None else Decimal(value))
