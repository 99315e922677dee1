from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError

from scoring.excel.scores import ScoreCell, ScoreRow
from scoring.excel.sheets import WorkbookError
from scoring.models import Assessment, AssessmentStatus, AuditEntry, Cycle, LeafScore
from scoring.services.cycles import cycle_open
from scoring.services.scores import scores_import
from tests.conftest import make_framework, make_unit

D = Decimal


def row(number, unit, criterion, self_score=None, final_score=None):
    return ScoreRow(number, unit, criterion, cell(self_score), cell(final_score))


def cell(value):
    if value == "NA":
        return ScoreCell(not_applicable=True)
    return ScoreCell(value=None if value is None else D(value))


@pytest.fixture
def framework(db):
    make_unit("SNV", "Sở Nội vụ")
    make_unit("STC", "Sở Tài chính")
    return make_framework(year=2024)


def scores_of(unit_code):
    return {s.criterion.code: (s.self_score, s.self_not_applicable, s.final_score, s.not_applicable)
            for s in LeafScore.objects.filter(assessment__unit__code=unit_code).select_related("criterion")}


def test_importing_scores_creates_the_cycle_assessments_and_leaf_scores(framework):
    summary = scores_import(year=2024, block_code="SO", rows=[
        row(2, "SNV", "1.1", "2", "1.5"), row(3, "SNV", "1.2", "NA", "NA"), row(4, "STC", "1.1", "1", None)])

    assert (summary.assessments, summary.created, summary.updated) == (2, 3, 0)
    assert scores_of("SNV") == {"1.1": (D("2"), False, D("1.5"), False), "1.2": (None, True, None, True)}
    assert Cycle.objects.get().framework == framework
    framework.refresh_from_db()
    assert framework.is_locked


def test_reimporting_replaces_values_and_never_duplicates(framework):
    scores_import(year=2024, block_code="SO", rows=[row(2, "SNV", "1.1", "2", "1.5")])

    summary = scores_import(year=2024, block_code="SO", rows=[row(2, "SNV", "1.1", "2", "1.75")])

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    assert LeafScore.objects.count() == 1
    assert scores_of("SNV")["1.1"][2] == D("1.75")


def test_every_written_value_is_audited_as_an_import(framework):
    scores_import(year=2024, block_code="SO", rows=[row(2, "SNV", "1.1", "2", "1.5")])
    scores_import(year=2024, block_code="SO", rows=[row(2, "SNV", "1.1", "2", "1.75")])

    changes = list(AuditEntry.objects.filter(field="final_score").order_by("id")
                   .values_list("old_value", "new_value", "source"))
    assert changes == [("", "1.5", "import"), ("1.5", "1.75", "import")]


def test_an_unchanged_reimport_writes_no_audit_rows(framework):
    rows = [row(2, "SNV", "1.1", "2", "1.5")]
    scores_import(year=2024, block_code="SO", rows=rows)
    before = AuditEntry.objects.count()

    summary = scores_import(year=2024, block_code="SO", rows=rows)

    assert summary.unchanged == 1
    assert AuditEntry.objects.count() == before


def test_a_past_year_from_a_file_is_appraised_and_its_roster_is_the_units_of_the_file(framework):
    make_unit("SXD", "Sở Xây dựng")
    scores_import(year=2024, block_code="SO", rows=[
        row(2, "SNV", "1.1", None, "2"), row(3, "SNV", "1.2", None, "NA"), row(4, "SNV", "2.1", None, "4"),
        row(5, "STC", "1.1", None, "2")])

    statuses = dict(Assessment.objects.values_list("unit__code", "status"))
    assert statuses == {"SNV": AssessmentStatus.APPRAISED, "STC": AssessmentStatus.APPRAISED}
    cycle = Cycle.objects.get(year=2024)
    assert sorted(cycle.roster.values_list("unit__code", flat=True)) == ["SNV", "STC"]


def test_in_an_open_cycle_only_a_unit_with_every_leaf_final_is_marked_appraised(framework):
    cycle = cycle_open(year=2024, block=framework.block, user=None, deadlines={})
    scores_import(year=2024, block_code="SO", rows=[
        row(2, "SNV", "1.1", None, "2"), row(3, "SNV", "1.2", None, "NA"), row(4, "SNV", "2.1", None, "4"),
        row(5, "STC", "1.1", None, "2")])

    statuses = dict(Assessment.objects.filter(cycle=cycle).values_list("unit__code", "status"))
    assert statuses == {"SNV": AssessmentStatus.APPRAISED, "STC": AssessmentStatus.DRAFT}


@pytest.mark.parametrize("bad_row, column, fragment", [
    (row(2, "XYZ", "1.1", None, "1"), "unit_code", "đơn vị 'XYZ' không có trong khối SO"),
    (row(2, "SNV", "9.9", None, "1"), "criterion_code", "'9.9' không phải là tiêu chí lá"),
    (row(2, "SNV", "1", None, "1"), "criterion_code", "'1' không phải là tiêu chí lá"),
    (row(2, "SNV", "1.1", "2.5", None), "self_score", "vượt điểm tối đa 2"),
])
def test_a_bad_row_is_rejected_with_its_position_and_nothing_is_saved(framework, bad_row, column, fragment):
    good = row(3, "STC", "1.1", None, "1")

    with pytest.raises(WorkbookError) as error:
        scores_import(year=2024, block_code="SO", rows=[bad_row, good])

    issue = error.value.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("scores", 2, column)
    assert fragment in issue.message
    assert (Cycle.objects.count(), Assessment.objects.count(), LeafScore.objects.count()) == (0, 0, 0)


def test_a_duplicate_unit_and_criterion_is_rejected(framework):
    with pytest.raises(WorkbookError, match="trùng đơn vị và tiêu chí"):
        scores_import(year=2024, block_code="SO", rows=[row(2, "SNV", "1.1", None, "1"),
                                                        row(3, "SNV", "1.1", None, "2")])


def test_a_year_without_a_framework_is_refused_clearly(framework):
    with pytest.raises(WorkbookError, match="Chưa có bộ chỉ số năm 2030 cho khối SO"):
        scores_import(year=2030, block_code="SO", rows=[row(2, "SNV", "1.1", None, "1")])


def test_the_database_refuses_to_change_or_delete_audit_rows(framework, require_postgres):
    scores_import(year=2024, block_code="SO", rows=[row(2, "SNV", "1.1", "2", "1.5")])
    entry = AuditEntry.objects.first()

    for statement in ("UPDATE scoring_auditentry SET new_value = 'x' WHERE id = %s",
                      "DELETE FROM scoring_auditentry WHERE id = %s"):
        with pytest.raises(InternalError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, new_value=entry.new_value).exists()
    assert entry.new_value in ("2", "1.5")


def test_the_database_refuses_to_truncate_the_audit_log(framework, require_postgres):
    scores_import(year=2024, block_code="SO", rows=[row(2, "SNV", "1.1", "2", "1.5")])

    with pytest.raises(InternalError, match="append-only: TRUNCATE refused"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred FK checks
            cursor.execute("SET LOCAL parindex.allow_truncate = 'off'")  # the test suite's own sessions allow it
            cursor.execute("TRUNCATE scoring_auditentry")
    assert AuditEntry.objects.exists()
