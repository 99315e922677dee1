"""Scores and results of the demo province for 2024 and 2025: plausible, reproducible, loaded through scores_import
like a board's spreadsheet, then computed by the results engine.

Every unit draws from random.Random of its own (seeded by its code, and by its code and the year), so adding a
unit or a criterion never changes another unit's scores. A unit keeps a level from one year to the next, with
some drift, so the year-over-year columns show units rising and falling."""
import random
from decimal import Decimal

from django.db import transaction

from ..computation import BONUS, PENALTY, SURVEY
from ..excel.scores import ScoreCell, ScoreRow
from ..models import Assessment, Block, Cycle, Framework, Publication, Unit, UnitResult, User
from ..models.indices import PAR
from ..rules import ChoiceRule, DeductRule, ManualRule, RatioRule, parse_rule, quantize_points
from ..services.publications import publication_create
from ..services.results import results_compute
from ..services.scores import scores_import
from .planner import seed_planner

SEED = "parindex-demo"
YEARS = (2024, 2025)
PUBLISHED = 2025
# Files still under appraisal (some leaves without a final score: the result shows as incomplete). None: 2025 is
# closed and published (issue 11); 2026, open, shows the incomplete files (demo_cycle).
INCOMPLETE = {}
INDEX_WORDS = {PAR: "CCHC", "DTI": "chuyển đổi số (DTI)"}
NA = ScoreCell(not_applicable=True)
EMPTY = ScoreCell()


def seed_results() -> dict:
    """Scores every active unit of every block for each demo year not scored yet, then computes its results.

    Returns {year: units scored now}; a year whose cycles already have assessments is left alone (0)."""
    seeded = {}
    for year in YEARS:
        seeded[year] = (0 if Assessment.objects.filter(cycle__year=year, cycle__index_code=PAR).exists()
                        else _seed_year(year))
        # After the scores' commit: results computed inside it would make the import schedule needless refreshes.
        if seeded[year] or not UnitResult.objects.filter(year=year).exists():
            _compute(year)
    seed_planner()  # the improvement planner's saved examples (issue 6)
    return seeded


def publish_demo_year(year=PUBLISHED) -> int:
    """The People's Committee approved the year: each block's results published, as the coordinator's button does
    (once: a block published already is left alone). Last of the seed, after the survey's points came in."""
    if UnitResult.objects.filter(year=year, incomplete=False).exists():
        results_compute(year=year)  # the survey's points may have arrived by refreshes still waiting
    published = 0
    coordinator = User.objects.filter(username="dieuphoi").first()
    cycles = Cycle.objects.filter(year=year).order_by("block__position", "index_code")
    for block, index in cycles.values_list("block__code", "index_code"):
        if not Publication.objects.filter(year=year, block__code=block, index_code=index).exists():
            publication_create(year=year, block_code=block, index_code=index, user=coordinator,
                               note=f"Quyết định phê duyệt kết quả chỉ số {INDEX_WORDS.get(index, index)} năm "
                                    f"{year} (mẫu)")
            published += 1
    return published


@transaction.atomic
def _seed_year(year):
    scored = 0
    for block in Block.objects.order_by("position", "code"):
        framework = Framework.objects.filter(year=year, block=block, index__code=PAR).order_by("-revision").first()
        units = list(Unit.objects.active().filter(block=block).order_by("code").values_list("code", flat=True))
        if framework and units:
            scores_import(year=year, block_code=block.code, rows=demo_score_rows(framework, units))
            scored += len(units)
    return scored


def _compute(year):
    if Framework.objects.filter(year=year, cycles__isnull=False).exists():
        results_compute(year=year)


def demo_score_rows(framework, unit_codes) -> list[ScoreRow]:
    """One row per unit and leaf of `framework`; the same arguments always give the same rows."""
    leaves = list(framework.criteria.exclude(method="").order_by("position")
                  .values_list("code", "method", "max_points", "rule"))
    rows = []
    for unit_code in unit_codes:
        rng = random.Random(f"{SEED}:{unit_code}:{framework.year}")
        level = _level(unit_code, rng)
        incomplete = unit_code in INCOMPLETE.get(framework.year, ())
        for code, method, max_points, rule in leaves:
            self_cell, final_cell = _leaf_cells(rng, method, max_points, rule, level, incomplete)
            rows.append(ScoreRow(len(rows) + 2, unit_code, code, self_cell, final_cell))
    return rows


def _level(unit_code, rng):
    """The unit's usual share of the points, the same every year, moved a little each year."""
    usual = random.Random(f"{SEED}:{unit_code}").uniform(0.62, 0.95)
    return min(0.99, max(0.4, usual + rng.uniform(-0.06, 0.06)))


def _leaf_cells(rng, method, max_points, rule, level, incomplete):
    if method == SURVEY:  # points from the questionnaires: never self-scored
        return EMPTY, _cell(quantize_points(max_points * _share(rng, level, 0.08)))
    if method == BONUS:
        return _claim(rng, 0.25, max_points, rule, board_cuts=0.3)
    if method == PENALTY:
        return _claim(rng, 0.12, max_points, rule, board_cuts=0)
    return _appraised(rng, max_points, rule, level, incomplete)


def _appraised(rng, max_points, rule, level, incomplete):
    if rng.random() < 0.03:
        return NA, NA  # e.g. a department with no procedures of its own
    final = _snap(rule, max_points, _share(rng, level, 0.12))
    # A third of the items are scored higher by the unit than by the board.
    own = _snap(rule, max_points, Decimal(1)) if rng.random() < 0.35 else final
    if incomplete and rng.random() < 0.25:
        return _cell(max(own, final)), EMPTY  # not appraised yet
    return _cell(max(own, final)), _cell(final)


def _claim(rng, chance, max_points, rule, *, board_cuts):
    """Bonus and penalty points: most units claim none; the board sometimes refuses a bonus claim."""
    if rng.random() >= chance:
        return EMPTY, EMPTY
    claimed = _snap(rule, max_points, _fraction(rng.uniform(0.3, 1)))
    return _cell(claimed), _cell(Decimal(0) if rng.random() < board_cuts else claimed)


def _share(rng, level, spread):
    return _fraction(rng.gauss(level, spread))


def _fraction(value):
    # Three decimals, so the same seed gives the same Decimal on any platform.
    return Decimal(str(round(min(1.0, max(0.0, value)), 3)))


def _snap(rule_text, max_points, share):
    """The score the leaf's rule allows nearest to `share` of its maximum (a choice, a band, a step...)."""
    target = max_points * share
    options = _options(parse_rule(rule_text, max_points=max_points), max_points)
    if not options:
        return quantize_points(target)
    return min(options, key=lambda points: (abs(points - target), -points))


def _options(rule, max_points):
    if isinstance(rule, ChoiceRule):
        return [points for _label, points in rule.options]
    if isinstance(rule, RatioRule):
        return [points for _threshold, points in rule.bands]
    if isinstance(rule, DeductRule):  # the maximum less whole deductions, never below 0
        per = rule.per_occurrence
        return [max(max_points - per * n, Decimal(0)) for n in range(int(max_points // per) + 2)]
    if isinstance(rule, ManualRule) and rule.step:
        return [rule.step * n for n in range(int(max_points // rule.step) + 1)]
    return []  # proportional, or manual without a step: any value up to the maximum


def _cell(value):
    return ScoreCell(value=value)
