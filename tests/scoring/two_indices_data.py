"""A block holding PAR and DTI the same year (issue 14): three departments on both indices with different scores,
so every page can be checked to show the chosen index's rows alone.

PAR 2025: SNV 90, STP 80, STC 60 (SNV first). DTI 2025: SNV 55, STP 70.24 (shown "0,7024"), STC 81.5 (STC first).
"""
from decimal import Decimal

from scoring.excel.scores import ScoreCell, ScoreRow
from scoring.models import Index
from scoring.services.results import results_compute
from scoring.services.scores import scores_import
from tests.conftest import make_block, make_framework, make_unit

LEAVES = {"1.1": ("appraised", "10"), "2.1": ("appraised", "10")}
PAR_SCORES = {"SNV": ("9", "9"), "STP": ("8", "8"), "STC": ("6", "6")}
DTI_SCORES = {"SNV": ("5.5", "5.5"), "STP": ("7.024", "7.024"), "STC": ("8", "8.3")}
UNITS = {"SNV": "Sở Nội vụ", "STP": "Sở Tư pháp", "STC": "Sở Tài chính"}


def make_two_indices(year=2025, *, compute=True):
    """Block SO with a PAR and a DTI framework, cycle and results of `year`; returns the DTI Index."""
    block = make_block("SO")
    for code, name in UNITS.items():
        if not block.units.filter(code=code).exists():
            make_unit(code, name, block=block)
    dti = Index.objects.standard("DTI")
    make_framework(year=year, block=block, leaves=LEAVES)
    framework = make_framework(year=year, block=block, leaves=LEAVES, index=dti)
    type(framework).objects.filter(pk=framework.pk).update(code=f"DTI-{year}", name=f"Bộ chỉ số DTI {year}")
    import_index_scores(year, "SO", PAR_SCORES, "PAR")
    import_index_scores(year, "SO", DTI_SCORES, "DTI")
    if compute:
        results_compute(year=year)
    return dti


def import_index_scores(year, block_code, scores, index_code):
    rows = [ScoreRow(number, unit, leaf, ScoreCell(value=None), ScoreCell(value=Decimal(value)))
            for number, (unit, leaf, value) in enumerate(
                ((unit, leaf, value) for unit, values in scores.items() for leaf, value in zip(LEAVES, values)),
                start=2)]
    return scores_import(year=year, block_code=block_code, rows=rows, index_code=index_code)
