"""The demo province's DDCI (from generated firms' answers) and DTI (imported, but appraised like PAR for the
departments in 2025) for two years, checked against the engine's rows by the unit page and the conference
report."""
from decimal import ROUND_HALF_UP, Decimal

import pytest

from scoring.demo import seed_demo
from scoring.demo.dti_years import seed_dti_scored
from scoring.demo.indices import seed_indices
from scoring.models import Block, EditionSource, EditionState, IndexEdition, IndexResult, Unit, UnitResult
from scoring.selectors.indices import conference_report, unit_indices
from surveys.demo_competitiveness import seed_competitiveness
from surveys.models import Response


@pytest.fixture
def seeded(db):
    seed_demo(password="mat-khau-thu-nghiem-2024")
    seed_dti_scored()
    return seed_competitiveness(), seed_indices()


def test_ddci_and_dti_have_two_years_for_departments_and_districts(seeded):
    ddci, dti = seeded
    assert ddci["kỳ DDCI"] == 4 and dti == {"kỳ DTI": 3}
    assert ddci["phiếu doanh nghiệp"] == Response.objects.filter(survey__code__startswith="DDCI-").count()
    editions = IndexEdition.objects.order_by("index__code", "year", "block__position")
    assert [(e.index.code, e.year, e.block.code, e.source, e.state) for e in editions] == [
        ("DDCI", year, block, EditionSource.SURVEY, EditionState.PUBLISHED if year == 2024 else EditionState.COMPUTED)
        for year in (2024, 2025) for block in ("SO", "HUYEN")] + [
        ("DTI", year, block, EditionSource.IMPORTED, EditionState.PUBLISHED if year == 2024 else EditionState.COMPUTED)
        for year in (2024, 2025) for block in ("SO", "HUYEN") if (year, block) != (2025, "SO")]


def test_a_department_with_too_few_firms_is_not_rated_and_the_others_are_ranked(seeded):
    results = IndexResult.objects.filter(edition__index__code="DDCI", edition__year=2025, edition__block__code="SO")
    assert list(results.filter(rated=False).values_list("unit__code", flat=True)) == ["BDT"]
    ranks = sorted(results.exclude(rank=None).values_list("rank", flat=True))
    assert ranks[0] == 1 and len(ranks) == results.filter(rated=True, unit__ranked=True).count()
    assert all(Decimal(10) <= value <= Decimal(100) for value in results.exclude(value=None).values_list(
        "value", flat=True))


def test_seeding_again_creates_nothing(seeded):
    assert seed_competitiveness() == {} and seed_indices() == {} and seed_dti_scored() == {}


def test_the_unit_page_and_the_report_match_the_engine_rows(seeded):
    unit = Unit.objects.get(code="SNV")
    for owner, code in ((unit, "DDCI"), (unit, "DTI"), (Unit.objects.get(code="HUYEN-03"), "DTI")):
        line = next(line for line in unit_indices(owner, 2025) if line.code == code)
        appraised = UnitResult.objects.filter(year=2025, unit=owner, index_code=code).first()
        # The departments' DTI 2025 is the engine's (a percentage), shown on DTI's 0-1 scale and published.
        now = (IndexResult(value=appraised.index / 100, rank=appraised.rank) if appraised else
               IndexResult.objects.get(edition__index__code=code, edition__year=2025, unit=owner))
        before = IndexResult.objects.get(edition__index__code=code, edition__year=2024, unit=owner)
        assert (line.value, line.rank) == (now.value, now.rank)
        assert line.value_change == now.value - before.value
        assert line.rank_change == before.rank - now.rank
        assert line.provisional is (appraised is None)
    report = conference_report(2025, Block.objects.get(code="SO"))
    ddci = next(summary for summary in report.summaries if summary.code == "DDCI")
    values = list(IndexResult.objects.filter(edition__index__code="DDCI", edition__year=2025,
                                             edition__block__code="SO").exclude(value=None)
                  .values_list("value", flat=True))
    assert ddci.average == (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
