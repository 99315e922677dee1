"""A small DTI-like block with two pillars for the pillar step's tests, hand-checked in
test_services_results_pillars.py.

Leaves: 1.1 appraised 10 and 2.1 appraised 20 in pillar CQS; 1.2 appraised 10 and 2.2 survey 10 in pillar KTS;
9.1 a bonus without pillar. Three departments; U3 is new in 2025."""
from scoring.models import Criterion, Index, Pillar
from scoring.services.results import results_compute
from tests.conftest import make_block, make_framework, make_unit
from tests.scoring.results_data import import_scores

LEAVES = {"1.1": ("appraised", "10"), "1.2": ("appraised", "10"), "2.1": ("appraised", "20"),
          "2.2": ("survey", "10"), "9.1": ("bonus", "5")}
PILLAR_OF = {"1.1": "CQS", "2.1": "CQS", "1.2": "KTS", "2.2": "KTS"}
SCORES_2024 = {"U1": {"1.1": "10", "1.2": "10", "2.1": "20", "2.2": "10"},
               "U2": {"1.1": "5", "1.2": "5", "2.1": "10", "2.2": "5"}}
SCORES_2025 = {"U1": {"1.1": "8", "1.2": "5", "2.1": "20", "2.2": "6", "9.1": "5"},
               "U2": {"1.1": "NA", "1.2": "10", "2.1": "15", "2.2": "10"},
               "U3": {"1.1": "10", "1.2": "NA", "2.1": "18", "2.2": "5"}}


def make_pillar_framework(year, block, index_code="PAR"):
    framework = make_framework(year=year, block=block, leaves=LEAVES, index=Index.objects.standard(index_code))
    pillars = {code: Pillar.objects.create(framework=framework, code=code, name=name, position=position)
               for position, (code, name) in enumerate((("CQS", "Chính quyền số"), ("KTS", "Kinh tế số")))}
    for code, pillar in PILLAR_OF.items():
        Criterion.objects.filter(framework=framework, code=code).update(pillar=pillars[pillar])
    return framework


def make_pillar_block(index_code="PAR"):
    """Block SO with 2024 and 2025 computed; its frameworks belong to the index `index_code`."""
    block = make_block("SO")
    for code in ("U1", "U2"):
        make_unit(code, block=block)
    for year in (2024, 2025):
        make_pillar_framework(year, block, index_code)
    import_scores(2024, "SO", SCORES_2024, index_code)
    results_compute(year=2024)
    make_unit("U3", block=block)
    import_scores(2025, "SO", SCORES_2025, index_code)
    results_compute(year=2025)
    return block
