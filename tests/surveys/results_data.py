"""A surveyed province with answers, for the results page, its exports and the browser journey.

The design is survey_workbooks' (NGUOIDAN C1 access/satisfaction → leaf 8.1, C2 procedure/satisfaction → 8.1,
C3 perception; LDSO C1, C2 → 8.2). With the satisfied threshold at 60:
- SIPAS access: SNV A, C; STC C → 1 of 3 (33,33%); procedure: SNV B (E is not counted) → 1 of 1; overall 2 of 4.
- Points (domain rule 11): SNV 8.1 = 1,800, 8.2 = 1,333; STC 8.1 = 0,600, 8.2 not scored.
- Citizens' sample: SNV N = 10 → n = 10, 2 answered (below target); STC N = 1 → n = 1, 1 answered.
- P-002 is flagged (a speeder): counted all the same."""
from scoring.models import Unit
from surveys.excel import read_survey_workbook
from surveys.models import Response
from surveys.services.design import survey_import
from surveys.services.points import survey_points_compute
from surveys.services.responses import ResponseRow, responses_import
from surveys.services.sampling import sample_targets_set

from tests.conftest import make_block, make_framework

from .survey_workbooks import LEAVES, design_xlsx

ANSWERS = [
    ("P-001", "NGUOIDAN", "SNV", {"C1": "A", "C2": "B"}),
    ("P-002", "NGUOIDAN", "SNV", {"C1": "C", "C2": "E", "C3": "Đúng hẹn"}),
    ("L-01", "LDSO", "SNV", {"C1": "A", "C2": "D"}),
    ("L-02", "LDSO", "SNV", {"C1": "B"}),
    ("P-010", "NGUOIDAN", "STC", {"C1": "C", "C2": "E"}),
]
SPEEDER = "trả lời quá nhanh (3 giây cho 3 câu)"


def import_design(**options):
    spec, issues = read_survey_workbook(design_xlsx(**options))
    assert issues == []
    return survey_import(spec=spec).survey


def answer(rows, survey_code="XHH-2024"):
    responses_import(survey_code=survey_code, rows=[
        ResponseRow(key, group, unit, tuple(answers.items()), number) for number, (key, group, unit, answers)
        in enumerate(rows, start=2)])


def make_province():
    """Block SO with units SNV and STC (the personas' own_unit and other_unit when they exist) and the 2024
    framework holding survey leaves 8.1 (3 points) and 8.2 (2.5 points)."""
    block = make_block("SO")
    for code, name in (("SNV", "Sở Nội vụ"), ("STC", "Sở Tài chính")):
        Unit.objects.get_or_create(code=code, defaults={"name": name, "block": block})
    return make_framework(year=2024, block=block, leaves=LEAVES)


def make_answered_survey(*, points=True):
    """The survey XHH-2024, answered as the module says."""
    make_province()
    survey = import_design()
    answer(ANSWERS)
    Response.objects.filter(respondent_key="P-002").update(flagged=True, flag_reason=SPEEDER)
    units = dict(Unit.objects.values_list("code", "pk"))
    sample_targets_set(survey=survey, group=survey.groups.get(code="NGUOIDAN"),
                       transactions={units["SNV"]: 10, units["STC"]: 1})
    if points:
        survey_points_compute(year=2024)
    return survey
