"""Survey points end to end: answers → LeafScore.final_score of the survey leaves their questions are mapped to,
audited as "survey" (domain.md, rule 11).

The design (survey_workbooks): NGUOIDAN C1, C2 → leaf 8.1 (max 3); LDSO C1, C2 → leaf 8.2 (max 2.5); NGUOIDAN C3
counts for nothing. Weights: A 100, B 60, C 20, D 0, E not counted."""
from decimal import Decimal

import pytest

from scoring.models import Assessment, AuditEntry, Cycle, LeafScore
from scoring.services.jobs import RUNNERS
from surveys.excel import read_survey_workbook
from surveys.models import Response
from surveys.services import points as points_service
from surveys.services.design import survey_import
from surveys.services.points import survey_points_compute
from surveys.services.responses import ResponseRow, responses_import
from tests.conftest import make_block, make_framework, make_unit

from .survey_workbooks import LEAVES, SURVEY, design_xlsx, make_surveyed_province, with_question

D = Decimal
ANSWERS = [
    ("P-001", "NGUOIDAN", "SNV", {"C1": "A", "C2": "B"}),
    ("P-002", "NGUOIDAN", "SNV", {"C1": "C", "C2": "E", "C3": "Đúng hẹn"}),
    ("L-01", "LDSO", "SNV", {"C1": "A", "C2": "D"}),
    ("L-02", "LDSO", "SNV", {"C1": "B"}),
    ("P-010", "NGUOIDAN", "STC", {"C1": "C", "C2": "E"}),
]
# SNV 8.1: 3 × (100 + 60 + 20) / 3 / 100 = 1.8 (E is not counted); 8.2: 2.5 × (100 + 0 + 60) / 3 / 100 = 1.3333…
# STC 8.1: 3 × 20 / 100 = 0.6; 8.2: no answer. SKHDT: no answer at all.
EXPECTED = {("SNV", "8.1"): D("1.800"), ("SNV", "8.2"): D("1.333"), ("STC", "8.1"): D("0.600")}


@pytest.fixture
def refreshes(monkeypatch):
    calls = []
    monkeypatch.setattr(points_service, "results_refresh_later",
                        lambda *, year, unit_ids: calls.append((year, set(unit_ids))))
    return calls


@pytest.fixture
def framework(db, refreshes):
    framework = make_surveyed_province()
    make_unit("SKHDT", "Sở Kế hoạch và Đầu tư", block=framework.block)
    import_design()
    return framework


def import_design(**options):
    spec, issues = read_survey_workbook(design_xlsx(**options))
    assert issues == []
    return survey_import(spec=spec).survey


def answer(rows, survey_code="XHH-2024"):
    responses_import(survey_code=survey_code, rows=[
        ResponseRow(key, group, unit, tuple(answers.items()), number) for number, (key, group, unit, answers)
        in enumerate(rows, start=2)])


def final_scores(year=2024):
    return {(s.assessment.unit.code, s.criterion.code): s.final_score
            for s in LeafScore.objects.filter(assessment__cycle__year=year).select_related("assessment__unit",
                                                                                           "criterion")}


def test_answers_become_the_final_scores_of_the_mapped_survey_leaves(framework):
    answer(ANSWERS)

    result = survey_points_compute(year=2024)

    assert final_scores() == EXPECTED
    assert (result["units"], result["leaves"], result["created"], result["updated"]) == (3, 6, 3, 0)


def test_new_scores_are_ordinary_leaf_scores_with_the_defaults_of_a_new_one(framework):
    answer(ANSWERS)

    survey_points_compute(year=2024)

    score = LeafScore.objects.get(assessment__unit__code="SNV", criterion__code="8.1")
    # Every column the SQL insert does not set holds what a new LeafScore() would, including columns added later.
    fresh = LeafScore()
    written = {"id", "assessment", "criterion", "final_score", "updated_at"}
    fields = [field.attname for field in LeafScore._meta.concrete_fields if field.name not in written]
    assert {name: getattr(score, name) for name in fields} == {name: getattr(fresh, name) for name in fields}
    assert score.updated_at is not None
    entry = AuditEntry.objects.get(entity="leaf_score", entity_id=score.pk)
    assert entry.created_at is not None and entry.actor is None


def test_a_unit_without_a_valid_answer_gets_no_score_rather_than_zero(framework):
    answer(ANSWERS)

    survey_points_compute(year=2024)

    scores = final_scores()
    assert ("STC", "8.2") not in scores and ("SKHDT", "8.1") not in scores
    assert all(value is not None for value in scores.values())


def test_every_written_value_is_audited_as_survey_with_its_reason(framework):
    answer(ANSWERS)

    survey_points_compute(year=2024)

    entries = AuditEntry.objects.filter(entity="leaf_score")
    assert sorted(entries.values_list("new_value", flat=True)) == ["0.6", "1.333", "1.8"]
    assert set(entries.values_list("source", "reason", "field", "old_value")) == {
        ("survey", "Điểm từ điều tra XHH", "final_score", "")}
    assert all(entry.assessment_id for entry in entries)


def test_the_cycle_and_assessments_are_created_the_way_score_imports_create_them(framework):
    answer(ANSWERS)

    survey_points_compute(year=2024)

    cycle = Cycle.objects.get(year=2024)
    assert cycle.framework == framework
    assert set(Assessment.objects.values_list("unit__code", flat=True)) == {"SNV", "STC"}
    framework.refresh_from_db()
    assert framework.is_locked


def test_running_again_changes_nothing_and_audits_nothing(framework, refreshes):
    answer(ANSWERS)
    survey_points_compute(year=2024)
    audited = AuditEntry.objects.count()

    result = survey_points_compute(year=2024)

    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 6)
    assert AuditEntry.objects.count() == audited
    assert refreshes[-1] == (2024, set())


def test_new_answers_update_the_scores_with_the_old_value_in_the_audit(framework):
    answer(ANSWERS)
    survey_points_compute(year=2024)

    answer([("P-011", "NGUOIDAN", "STC", {"C1": "A"})])  # STC 8.1: 3 × (20 + 100) / 2 / 100 = 1.8
    result = survey_points_compute(year=2024)

    assert result["updated"] == 1
    assert final_scores()[("STC", "8.1")] == D("1.800")
    score = LeafScore.objects.get(assessment__unit__code="STC", criterion__code="8.1")
    assert score.version == 2
    entry = AuditEntry.objects.filter(entity="leaf_score", entity_id=score.pk).latest("id")
    assert (entry.old_value, entry.new_value, entry.source) == ("0.6", "1.8", "survey")


def test_a_score_whose_answers_are_gone_becomes_empty_and_is_audited(framework):
    answer(ANSWERS)
    survey_points_compute(year=2024)

    answer([("P-010", "NGUOIDAN", "STC", {"C2": "E"})])  # the only valid answer is replaced by a "don't know"
    survey_points_compute(year=2024)

    assert final_scores()[("STC", "8.1")] is None
    entry = AuditEntry.objects.filter(entity="leaf_score").latest("id")
    assert (entry.old_value, entry.new_value) == ("0.6", "")


def test_flagged_responses_still_count(framework):
    import_design(survey=[("code", "XHH-B"), *SURVEY[1:]], questions=[
        with_question(n, group="NGUOIDAN", code=f"Q{n}", criterion_code="8.1", element="", content="", group_name="",
                      identified="", options="A=100; B=60; C=20; D=0; E=") for n in range(5)])
    answer([("P-001", "NGUOIDAN", "SKHDT", {f"Q{n}": "C" for n in range(5)})], survey_code="XHH-B")
    assert Response.objects.get(respondent_key="P-001").flagged

    survey_points_compute(year=2024)

    assert final_scores()[("SKHDT", "8.1")] == D("0.600")


def test_surveys_of_the_same_year_pool_their_answers(framework):
    import_design(survey=[("code", "XHH-B"), *SURVEY[1:]])
    answer([("P-001", "NGUOIDAN", "SKHDT", {"C1": "A"})])
    answer([("P-001", "NGUOIDAN", "SKHDT", {"C1": "D"})], survey_code="XHH-B")

    survey_points_compute(year=2024)

    assert final_scores()[("SKHDT", "8.1")] == D("1.500")  # 3 × (100 + 0) / 2 / 100


def test_a_survey_leaf_no_question_is_mapped_to_is_left_alone(db, refreshes):
    framework = make_framework(year=2024, block=make_block("SO"), leaves={**LEAVES, "8.3": ("survey", "1")})
    make_unit("SNV", block=framework.block)
    import_design()
    answer([("P-001", "NGUOIDAN", "SNV", {"C1": "A"})])
    cycle = Cycle.objects.create(year=2024, block=framework.block, framework=framework)
    assessment = Assessment.objects.create(cycle=cycle, unit=framework.block.units.get())
    LeafScore.objects.create(assessment=assessment, criterion=framework.criteria.get(code="8.3"), final_score=D("0.7"))

    result = survey_points_compute(year=2024)

    assert final_scores() == {("SNV", "8.1"): D("3.000"), ("SNV", "8.3"): D("0.7")}
    assert result["leaves"] == 2


def test_answers_of_another_year_do_not_count(framework):
    answer(ANSWERS)

    result = survey_points_compute(year=2023)

    assert result["leaves"] == 0
    assert not LeafScore.objects.exists()


def test_a_surveyed_block_without_a_framework_that_year_is_reported_and_skipped(db, refreshes):
    make_surveyed_province()  # XA-001's block XA has no framework in 2024
    import_design(survey=[*SURVEY[:3], ("blocks", "SO, XA")])
    answer([("P-001", "NGUOIDAN", "XA-001", {"C1": "A"})])

    result = survey_points_compute(year=2024)

    assert result["blocks_without_framework"] == ["XA"]
    assert result["units"] == 2
    assert not LeafScore.objects.filter(assessment__unit__code="XA-001").exists()


def test_the_changed_units_results_are_refreshed(framework, refreshes):
    answer(ANSWERS)

    survey_points_compute(year=2024)

    year, unit_ids = refreshes[-1]
    assert year == 2024
    assert unit_ids == set(framework.block.units.filter(code__in=["SNV", "STC"]).values_list("pk", flat=True))


def test_progress_is_reported_up_to_100(framework):
    seen = []

    survey_points_compute(year=2024, progress=lambda percent, message="": seen.append(percent))

    assert seen[-1] == 100 and seen == sorted(seen)


def test_the_job_runner_is_registered_when_celery_loads_surveys_tasks():
    import surveys.tasks  # noqa: F401

    assert "compute_survey_points" in RUNNERS


def test_postgresql_array_parameters_quote_text_and_keep_nulls():
    from surveys.services.score_writes import _array_literal

    assert _array_literal([1, None, D("1.500")]) == "{1,NULL,1.500}"
    assert _array_literal(['a "b"', "c\\d", ""]) == '{"a \\"b\\"","c\\\\d",""}'


def test_survey_points_appear_in_the_units_results_and_follow_new_answers(db, django_capture_on_commit_callbacks):
    from scoring.models import UnitResult
    from scoring.services.results import results_compute

    make_surveyed_province()
    import_design()
    answer(ANSWERS)
    survey_points_compute(year=2024)
    results_compute(year=2024)
    snv = UnitResult.objects.get(year=2024, unit__code="SNV")
    assert snv.survey == D("3.133")  # 1.800 + 1.333

    answer([("P-003", "NGUOIDAN", "SNV", {"C1": "A", "C2": "A"})])
    with django_capture_on_commit_callbacks(execute=True):
        survey_points_compute(year=2024)

    snv.refresh_from_db()
    # 8.1: 3 × (100 + 60 + 20 + 100 + 100) / 5 / 100 = 2.280, through the debounced refresh, not a new full run.
    assert snv.survey == D("3.613")
