"""The demo province's departments run DTI like PAR (issue 14): the sample DTI framework (scoring/demo/dti.py) for
block SO in 2025 and 2026; 2025 scored as the Department of Information and Communications (STTTT) appraised it,
computed and published; 2026 open beside the PAR cycle, a few departments self-assessing. DTI 2024 and the
districts' DTI stay imported editions (scoring/demo/indices.py), so the unit page compares 2025 with 2024.

Skipped where done: a framework, cycle or publication that exists is left alone, so running it again changes
nothing."""

from django.db import transaction

from ..models import AuditSource, Block, Cycle, Framework, Publication, Unit, UnitResult, User
from ..services.cycles import cycle_open
from ..services.frameworks import framework_import
from ..services.publications import publication_create
from ..services.results import results_compute
from ..services.scores import scores_import
from .dti import dti_sample_spec
from .results import demo_score_rows

DTI = "DTI"
BLOCK = "SO"
SCORED, OPEN = 2025, 2026
# The 2026 DTI files the demo walks (the others stay untouched drafts): Sở Nội vụ's accounts find their draft.
STATES = {"SNV": "draft", "STTTT": "submitted", "STC": "submitted", "SYT": "draft"}


@transaction.atomic
def seed_dti_scored() -> dict[str, int]:
    """2025, scored on the units of that year (run before the 2026 cycle merges two departments)."""
    block = Block.objects.filter(code=BLOCK).first()
    if block is None:
        return {}
    coordinator = User.objects.filter(username="dieuphoi").first()
    scored = _score(block, _framework(block, SCORED, coordinator), coordinator)
    return {f"đơn vị chấm điểm DTI năm {SCORED}": scored} if scored else {}


@transaction.atomic
def seed_dti_open() -> dict[str, int]:
    """2026, open beside the block's PAR cycle (run after it, whose deadlines it takes)."""
    block = Block.objects.filter(code=BLOCK).first()
    if block is None:
        return {}
    coordinator = User.objects.filter(username="dieuphoi").first()
    _framework(block, OPEN, coordinator)
    opened = _open(block, coordinator)
    return {f"hồ sơ kỳ DTI {OPEN}": opened} if opened else {}


def _framework(block, year, user):
    found = Framework.objects.filter(year=year, block=block, index__code=DTI).order_by("-revision").first()
    if found:
        return found
    spec = dti_sample_spec(year=year, block=block.code)
    return framework_import(spec=spec, user=user, source=AuditSource.SYSTEM)[0]


def _score(block, framework, coordinator):
    """The board's 2025 sheet for DTI, entered by STTTT's appraiser; then computed and published."""
    scored = 0
    if not Cycle.objects.filter(year=SCORED, block=block, index_code=DTI).exists():
        units = list(Unit.objects.active().filter(block=block).order_by("code").values_list("code", flat=True))
        appraiser = User.objects.filter(role="appraiser", agency__code="STTTT").first() or coordinator
        scores_import(year=SCORED, block_code=block.code, index_code=DTI, user=appraiser,
                      source=AuditSource.SYSTEM, rows=demo_score_rows(framework, units))
        scored = len(units)
    if scored or not UnitResult.objects.filter(year=SCORED, block=block, index_code=DTI).exists():
        results_compute(year=SCORED, block_code=block.code, index_code=DTI)
    if not Publication.objects.filter(year=SCORED, block=block, index_code=DTI).exists():
        publication_create(year=SCORED, block_code=block.code, index_code=DTI, user=coordinator,
                           note=f"Quyết định phê duyệt kết quả chỉ số chuyển đổi số (DTI) năm {SCORED} (mẫu)")
    return scored


def _open(block, coordinator):
    """The 2026 DTI cycle on the same deadlines as the block's PAR cycle, a few files self-assessed."""
    from .cycle import walk_file  # demo.cycle imports the whole workflow; only this step needs it

    if Cycle.objects.filter(year=OPEN, block=block, index_code=DTI).exists():
        return 0
    par = Cycle.objects.filter(year=OPEN, block=block, index_code="PAR").first()
    fields = ("self_assessment_deadline", "appraisal_deadline", "explanation_deadline", "final_appraisal_deadline")
    cycle = cycle_open(year=OPEN, block=block, user=coordinator, source=AuditSource.SYSTEM, index_code=DTI,
                       deadlines={field: getattr(par, field) if par else None for field in fields})
    for assessment in cycle.assessments.select_related("unit").filter(unit__code__in=STATES).order_by("unit__code"):
        walk_file(assessment, STATES[assessment.unit.code], coordinator)
    return cycle.assessments.count()
