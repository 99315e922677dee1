import random
from decimal import Decimal

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from scoring import computation
from scoring.models import Criterion, Cycle, Job, JobStatus, LeafScore, Role, RosterEntry, Unit, UnitResult
from scoring.services import results_portable
from scoring.services.jobs import job_run
from scoring.services.results import (
    results_compute, results_refresh_later, results_refresh_units, results_run_start,
)
from tests.conftest import make_block, make_framework, make_unit, make_user
from tests.scoring.results_data import SO_LEAVES, import_scores, make_province

D = Decimal
COLUMNS = ("total", "index", "grade", "rank", "previous_index", "previous_rank", "index_change", "rank_change",
           "comparable", "incomplete")


@pytest.fixture
def province(db):
    make_province()


def table(year=2025, block="SO"):
    rows = UnitResult.objects.filter(year=year, block__code=block).select_related("unit")
    return {row.unit.code: tuple(getattr(row, column) for column in COLUMNS) for row in rows}


def snapshot(year=2025):
    """Every field of every row, computed_at included: "untouched" means exactly that."""
    return {row.unit_id: model_to_dict(row) | {"computed_at": row.computed_at}
            for row in UnitResult.objects.filter(year=year)}


def without_time(rows):
    return {key: {field: value for field, value in row.items() if field != "computed_at"}
            for key, row in rows.items()}


def result(code, year=2025):
    return UnitResult.objects.get(unit__code=code, year=year)


def set_final(code, leaf, value, year=2025):
    LeafScore.objects.filter(assessment__unit__code=code, assessment__cycle__year=year,
                             criterion__code=leaf).update(final_score=D(value))


# --- The hand-checked table ------------------------------------------------------------------------------------


def test_the_engine_agrees_with_the_hand_checked_table_for_departments(province):
    results_compute(year=2025)

    assert table() == {
        # total, index, grade, rank, last year's index and rank, changes, comparable, incomplete
        "SNV": (D("50"), D("100"), "A", 1, D("90"), 2, D("10"), 1, True, False),  # 52 with bonus: clamped
        "SCT": (D("47.5"), D("95"), "B", 2, None, None, None, None, None, False),  # area 3 at 75 < 80; new unit
        "SXD": (D("47.5"), D("95"), "A", 2, D("60"), 5, D("35"), 3, True, False),  # tie: 1, 2, 2, 4
        "STP": (D("42"), D("84"), "B", 4, D("100"), 1, D("-16"), -3, True, False),  # bonus 4 capped at 2
        "SYT": (D("32"), D("80"), "B", 5, D("50"), 6, D("30"), 1, True, False),  # 1.2 N/A: out of 40
        "STC": (D("37"), D("74"), "B", 6, D("80"), 3, D("-6"), -3, True, False),  # penalty 1
        "SKHDT": (D("36"), D("72"), "B", 7, D("70"), 4, D("2"), -3, True, False),
        "SGTVT": (D("0"), D("0"), "C", 8, D("40"), 7, D("-40"), -1, True, False),  # 1 - penalty 3: clamped at 0
        "SVH": (D("0"), D("0"), "C", 8, D("10"), 8, D("-10"), 0, True, True),  # no file this year
        "BQLKCN": (D("49"), D("98"), "A", None, D("100"), None, D("-2"), None, True, False),  # not ranked
    }


def test_the_engine_agrees_with_the_hand_checked_table_for_communes_in_groups(province):
    results_compute(year=2025)

    # Each group ranks on its own; a new framework edition makes every comparison "not like for like".
    assert table(block="XA") == {
        "P1": (D("18"), D("90"), "A", 1, D("50"), 2, D("40"), 1, False, False),
        "P2": (D("16"), D("80"), "B", 2, D("100"), 1, D("-20"), -1, False, False),
        "X2": (D("20"), D("100"), "A", 1, D("50"), 3, D("50"), 2, False, False),
        "X1": (D("10"), D("50"), "C", 2, D("100"), 1, D("-50"), -1, False, False),
        "X3": (D("10"), D("50"), "C", 2, D("60"), 2, D("-10"), 0, False, False),
    }
    assert set(UnitResult.objects.filter(block__code="XA", year=2025).values_list("group", flat=True)) == {
        "Phường", "Xã"}


def test_the_parts_show_caps_penalties_and_not_applicable_leaves(province):
    results_compute(year=2025)

    parts = {code: (r.appraised, r.survey, r.bonus, r.penalty, r.max_total, r.survey_index)
             for code, r in ((code, result(code)) for code in ("SNV", "STP", "SGTVT", "SYT"))}
    assert parts == {
        "SNV": (D("40"), D("10"), D("2"), D("0"), D("50"), D("100")),
        "STP": (D("32"), D("8"), D("2"), D("0"), D("50"), D("80")),
        "SGTVT": (D("1"), D("0"), D("0"), D("3"), D("50"), D("0")),
        "SYT": (D("24"), D("8"), D("0"), D("0"), D("40"), D("80")),
    }


def test_areas_hold_points_indices_and_changes_as_strings(province):
    results_compute(year=2025)

    # With each area's rank in the block and its change (test_each_areas_component_index_is_ranked...).
    assert result("SYT").areas == [
        {"code": "1", "points": "8.000", "max": "10.000", "index": "80.00", "change": "30.00", "rank": 4,
         "rank_change": 2},
        {"code": "2", "points": "16.000", "max": "20.000", "index": "80.00", "change": "30.00", "rank": 4,
         "rank_change": 2},
        {"code": "3", "points": "8.000", "max": "10.000", "index": "80.00", "change": "30.00", "rank": 3,
         "rank_change": 3},
    ]
    assert [area["change"] for area in result("SCT").areas] == [None, None, None]


def test_without_a_survey_the_index_is_the_appraised_part_rescaled(province):
    results_compute(year=2025)

    commune = result("P1")
    assert (commune.max_total, commune.survey, commune.survey_index) == (D("20"), D("0"), None)
    assert [area["code"] for area in commune.areas] == ["1"]


def test_the_self_assessed_total_uses_self_scores_and_official_survey_points(province):
    results_compute(year=2025)

    # STP: self 10 + 10 + 20, survey 8 as appraised, self bonus 5 capped at 2 -> 50; SYT: 9 + 16 + 8 of 40.
    assert (result("STP").self_total, result("STP").self_index) == (D("50"), D("100"))
    assert (result("SYT").self_total, result("SYT").self_index) == (D("33"), D("82.5"))
    assert (result("SNV").self_total, result("SNV").self_index) == (None, None)


def test_a_leaf_without_a_final_score_counts_zero_and_marks_the_result_incomplete(province):
    LeafScore.objects.filter(assessment__unit__code="SNV", assessment__cycle__year=2025,
                             criterion__code="2.1").update(final_score=None)

    results_compute(year=2025)

    assert (result("SNV").total, result("SNV").index, result("SNV").incomplete) == (D("32"), D("64"), True)


def test_a_unit_off_the_roster_gets_no_row_and_an_inactive_one_on_it_keeps_its_row(province):
    RosterEntry.objects.filter(cycle__year=2025, unit__code="SVH").delete()
    Unit.objects.filter(code="SNV").update(active=False)

    results_compute(year=2025)

    assert not UnitResult.objects.filter(year=2025, unit__code="SVH").exists()
    assert UnitResult.objects.filter(year=2024, unit__code="SVH").exists()
    assert result("SNV").index == D("100")


# --- The SQL sums agree with the pure arithmetic ---------------------------------------------------------------


def test_the_sql_sums_agree_with_aggregate_leaves_on_random_scores(db):
    block = make_block("SO")
    framework = make_framework(year=2025, block=block, leaves=SO_LEAVES, bonus_cap=D(2), penalty_cap=D(3))
    leaves = list(Criterion.objects.filter(framework=framework).exclude(method="").order_by("position"))
    rng = random.Random(2025)
    scores = {f"U{n:02d}": {leaf.code: _random_cell(rng, leaf) for leaf in leaves if rng.random() > 0.1}
              for n in range(30)}
    for code in scores:
        make_unit(code, block=block)
    import_scores(2025, "SO", scores)

    results_compute(year=2025)

    rules = results_portable.framework_shape(Cycle.objects.get()).rules
    for code, unit_scores in scores.items():
        official = computation.compute_unit(computation.aggregate_leaves(
            [_leaf_input(leaf, unit_scores.get(leaf.code), official=True) for leaf in leaves],
            survey_held=rules.survey_held), rules)
        stored = result(code)
        assert (stored.total, stored.index, stored.grade or None, stored.incomplete) == (
            official.total, official.index, official.grade, official.incomplete), code
        assert {a["code"]: D(a["index"]) for a in stored.areas} == {a.code: a.index for a in official.areas}


def test_the_sql_self_assessed_sums_agree_with_aggregate_leaves(db):
    block = make_block("SO")
    framework = make_framework(year=2025, block=block, leaves=SO_LEAVES, bonus_cap=D(2), penalty_cap=D(3))
    leaves = list(Criterion.objects.filter(framework=framework).exclude(method="").order_by("position"))
    rng = random.Random(7)
    scores = {f"U{n:02d}": {leaf.code: _random_cell(rng, leaf) for leaf in leaves} for n in range(30)}
    for code in scores:
        make_unit(code, block=block)
    import_scores(2025, "SO", scores)

    results_compute(year=2025)

    rules = results_portable.framework_shape(Cycle.objects.get()).rules
    for code, unit_scores in scores.items():
        own = computation.compute_unit(computation.aggregate_leaves(
            [_leaf_input(leaf, unit_scores.get(leaf.code), official=False) for leaf in leaves],
            survey_held=rules.survey_held), rules)
        assert (result(code).self_total, result(code).self_index) == (own.total, own.index), code


def _random_cell(rng, leaf):
    def value():
        roll = rng.random()
        if roll < 0.08 and leaf.method != "survey":
            return "NA"
        if roll < 0.16:
            return None
        return str((leaf.max_points * D(rng.randint(0, 100)) / 100).quantize(D("0.001")))

    final = value()
    return final if leaf.method == "survey" else (value(), final)


def _leaf_input(leaf, cell, *, official):
    self_value, final = cell if isinstance(cell, tuple) else (None, cell)
    # Survey leaves keep their official points in the self-assessed total.
    value = final if official or leaf.method == "survey" else self_value
    return computation.LeafInput(leaf.code, leaf.area_code, leaf.method, leaf.max_points,
                                 None if value in (None, "NA") else D(value), value == "NA")


# --- Runs are whole, repeatable and scoped -----------------------------------------------------------------------


def test_a_rerun_gives_identical_rows(province):
    results_compute(year=2025)
    first = snapshot()

    results_compute(year=2025)

    assert without_time(snapshot()) == without_time(first)


def test_a_crash_inside_the_run_leaves_the_previous_results_intact(province, monkeypatch):
    results_compute(year=2025)
    before = snapshot()
    set_final("SNV", "1.1", "0")
    rank, ranked = computation.rank_units, []

    def rank_then_crash(entries):
        if ranked:  # the first block is rewritten before the second is ranked
            raise RuntimeError("mất điện")
        ranked.append(True)
        return rank(entries)

    monkeypatch.setattr(computation, "rank_units", rank_then_crash)

    with pytest.raises(RuntimeError):
        results_compute(year=2025)

    assert ranked and snapshot() == before


def test_a_block_run_leaves_other_blocks_untouched(province):
    results_compute(year=2025)
    communes = {pk: row for pk, row in snapshot().items() if row["block"] == _block_id("XA")}

    summary = results_compute(year=2025, block_code="SO")

    assert summary == {"units": 10, "blocks": ["SO"]}
    assert {pk: row for pk, row in snapshot().items() if row["block"] == _block_id("XA")} == communes


def test_a_run_reports_its_progress_block_by_block(province):
    steps = []

    summary = results_compute(year=2025, progress=lambda percent, message: steps.append((percent, message)))

    assert summary == {"units": 15, "blocks": ["SO", "XA"]}
    assert [percent for percent, _message in steps] == [0, 50, 100]
    assert "SO" in steps[0][1] and "XA" in steps[1][1]


def test_a_year_or_block_without_a_cycle_is_refused_clearly(province):
    with pytest.raises(ValueError, match="Chưa có kỳ đánh giá năm 2025 cho khối HUYEN"):
        results_compute(year=2025, block_code="HUYEN")
    with pytest.raises(ValueError, match="Chưa có kỳ đánh giá nào năm 2030"):
        results_compute(year=2030)


def test_the_number_of_queries_does_not_grow_with_the_number_of_units(db):
    counts = []
    for year, units in ((2024, 5), (2025, 50)):
        block = make_block(f"K{year}", position=year)
        make_framework(year=year, block=block, leaves=SO_LEAVES)
        for n in range(units):
            make_unit(f"{year}-{n:02d}", block=block)
        import_scores(year, block.code, {f"{year}-{n:02d}": {"1.1": "5", "2.1": "10", "3.1": "7"}
                                         for n in range(units)})
        with CaptureQueriesContext(connection) as queries:
            results_compute(year=year)
        counts.append(len(queries))

    # SQLite caps a bulk insert near 38 rows of UnitResult, so 50 units take one more INSERT there.
    assert counts[1] - counts[0] <= (1 if connection.vendor == "sqlite" else 0), counts


# --- Starting runs and refreshing ------------------------------------------------------------------------------


def test_starting_a_run_twice_makes_one_job(province):
    coordinator = make_user("dieuphoi", Role.COORDINATOR)
    first = results_run_start(year=2025, user=coordinator)
    second = results_run_start(year=2025)

    assert second.pk == first.pk
    assert (first.kind, first.scope, first.params) == ("compute_results", "results:2025:*",
                                                       {"year": 2025, "block": None})
    assert first.created_by == coordinator
    assert results_run_start(year=2025, block_code="SO").pk != first.pk


def test_a_finished_run_does_not_stop_a_new_one(province):
    first = results_run_start(year=2025)
    Job.objects.filter(pk=first.pk).update(status=JobStatus.DONE)

    assert results_run_start(year=2025).pk != first.pk


def test_a_run_job_computes_the_results_and_records_them(province):
    job = results_run_start(year=2025, block_code="XA")

    job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress, job.result) == (JobStatus.DONE, 100, {"units": 5, "blocks": ["XA"]})
    assert table(block="XA")["P1"][3] == 1


def test_a_run_job_that_fails_says_why(province):
    job = results_run_start(year=2025, block_code="HUYEN")

    job_run(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "HUYEN" in job.error


def test_refreshing_a_unit_reranks_its_block_and_leaves_other_blocks_untouched(province):
    results_compute(year=2025)
    before = snapshot()
    set_final("SKHDT", "2.1", "20")  # 36 -> 42 points: from 7th to 4th, tied with STP
    set_final("SKHDT", "3.1", "6")

    results_refresh_units(year=2025, unit_ids=[Unit.objects.get(code="SKHDT").pk])

    after = snapshot()
    assert table()["SKHDT"][:4] == (D("42"), D("84"), "B", 4)
    assert (table()["STC"][3], table()["STC"][7]) == (7, -4)  # pushed down one place
    assert after[_unit_id("SNV")] == before[_unit_id("SNV")]  # rank unchanged: row not rewritten
    assert {pk: row for pk, row in after.items() if row["block"] == _block_id("XA")} == {
        pk: row for pk, row in before.items() if row["block"] == _block_id("XA")}


def test_a_refresh_gives_the_rows_a_full_run_would(province):
    results_compute(year=2025)
    set_final("SGTVT", "2.1", "20")
    set_final("SXD", "1.1", "5")

    results_refresh_units(year=2025, unit_ids=Unit.objects.filter(code__in=["SGTVT", "SXD"]).values_list(
        "pk", flat=True))
    refreshed = without_time(snapshot())
    results_compute(year=2025)

    assert refreshed == without_time(snapshot())


def test_a_refresh_does_nothing_for_a_block_without_results(province):
    results_refresh_units(year=2025, unit_ids=[Unit.objects.get(code="SNV").pk])

    assert not UnitResult.objects.filter(year=2025).exists()


class FakeTask:
    """Stands for the broker holding a message until its countdown ends."""

    def __init__(self, sent):
        self.sent = sent

    def apply_async(self, args, countdown=None):
        self.sent.append(countdown)


def test_refreshes_requested_within_the_delay_merge_into_one_job(province, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    results_compute(year=2025)
    sent = []
    monkeypatch.setattr("scoring.tasks.run_job", FakeTask(sent))
    snv, stp, p1 = (Unit.objects.get(code=code).pk for code in ("SNV", "STP", "P1"))

    with django_capture_on_commit_callbacks(execute=True):
        results_refresh_later(year=2025, unit_ids=[snv])
        results_refresh_later(year=2025, unit_ids=[stp, snv])
        results_refresh_later(year=2025, unit_ids=[p1])

    jobs = {job.scope: job.params["unit_ids"] for job in Job.objects.filter(kind="refresh_results")}
    assert jobs == {"results:2025:SO": sorted([snv, stp]), "results:2025:XA": [p1]}
    assert sent == [3, 3]


def test_a_refresh_job_that_started_takes_no_more_units(province, monkeypatch, django_capture_on_commit_callbacks):
    results_compute(year=2025)
    monkeypatch.setattr("scoring.tasks.run_job", FakeTask([]))
    snv, stp = (Unit.objects.get(code=code).pk for code in ("SNV", "STP"))
    with django_capture_on_commit_callbacks(execute=True):
        results_refresh_later(year=2025, unit_ids=[snv])
    Job.objects.filter(kind="refresh_results").update(status=JobStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        results_refresh_later(year=2025, unit_ids=[stp])

    assert sorted(Job.objects.filter(kind="refresh_results").values_list("params__unit_ids", flat=True)) == [
        [snv], [stp]]


def test_importing_scores_refreshes_results_already_computed(province, django_capture_on_commit_callbacks):
    results_compute(year=2025)

    with django_capture_on_commit_callbacks(execute=True):
        import_scores(2025, "SO", {"SKHDT": {"2.1": "20"}})

    assert table()["SKHDT"][:4] == (D("42"), D("84"), "B", 4)
    assert Job.objects.get(kind="refresh_results").status == JobStatus.DONE


def test_importing_scores_before_any_results_schedules_nothing(province, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_scores(2025, "SO", {"SKHDT": {"2.1": "20"}})

    assert not Job.objects.filter(kind="refresh_results").exists()


def _unit_id(code):
    return Unit.objects.get(code=code).pk


def _block_id(code):
    return Unit.objects.filter(block__code=code).values_list("block", flat=True).first()


# --- Component ranks (rules 9-10) --------------------------------------------------------------------------------


def area_ranks(code, year=2025):
    return {area["code"]: (area["rank"], area["rank_change"]) for area in result(code, year).areas}


def test_each_areas_component_index_is_ranked_in_the_block_with_its_change_since_last_year(province):
    results_compute(year=2025)

    # Area 1 (1.1 + 1.2 of 20): SNV 100, SCT 100, SXD 92.5, STP 80, SKHDT 80, SYT 80 (8 of 10, 1.2 N/A), STC 75,
    # SGTVT 5, SVH 0 (no file); BQLKCN 100 but not ranked. 2024 (every leaf at the unit's share): STP 1, SNV 2,
    # STC 3, SKHDT 4, SXD 5, SYT 6, SGTVT 7, SVH 8.
    assert {code: area_ranks(code)["1"] for code in ("SNV", "SCT", "SXD", "STP", "SKHDT", "SYT", "STC", "SGTVT",
                                                     "SVH", "BQLKCN")} == {
        "SNV": (1, 1), "SCT": (1, None), "SXD": (3, 2), "STP": (4, -3), "SKHDT": (4, 0), "SYT": (4, 2),
        "STC": (7, -4), "SGTVT": (8, -1), "SVH": (9, -1), "BQLKCN": (None, None)}
    # Area 3, the survey (of 10): SNV 10, SXD 9, then STP, STC, SYT 8, SCT 7.5, SKHDT 6, SGTVT and SVH 0.
    assert {code: area_ranks(code)["3"][0] for code in ("SNV", "SXD", "STP", "STC", "SYT", "SCT", "SKHDT",
                                                        "SGTVT", "SVH")} == {
        "SNV": 1, "SXD": 2, "STP": 3, "STC": 3, "SYT": 3, "SCT": 6, "SKHDT": 7, "SGTVT": 8, "SVH": 8}


def test_communes_are_ranked_per_area_inside_their_group(province):
    results_compute(year=2025)

    # XA 2025, area 1 (both leaves, of 20): Phường P1 18 > P2 16; Xã X2 20 > X1 10 = X3 10.
    assert {code: area_ranks(code)["1"][0] for code in ("P1", "P2", "X1", "X2", "X3")} == {
        "P1": 1, "P2": 2, "X2": 1, "X1": 2, "X3": 2}


def test_a_refresh_re_ranks_the_areas_of_the_whole_block(province):
    results_compute(year=2025)
    set_final("SGTVT", "2.1", "20")

    results_refresh_units(year=2025, unit_ids=[Unit.objects.get(code="SGTVT").pk])

    # Area 2 (2.1 of 20): SGTVT now 100, with SNV, SCT and SXD: all four share rank 1, STP is 5th.
    assert area_ranks("SGTVT")["2"][0] == 1 and area_ranks("STP")["2"][0] == 5
