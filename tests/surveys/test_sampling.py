"""The sample planner: n = N / (1 + N·e²) rounded up (domain.md rule 12; the formula is tested in
test_aggregation.py), completion against it, units below target."""
import pytest

from scoring.models import AuditEntry
from surveys.models import SampleTarget
from surveys.sampling import sample_plan
from surveys.services.answering import response_submit_public
from surveys.services.sampling import sample_targets_set

from .questionnaires import choose, make_group, make_survey


@pytest.fixture
def survey(own_unit, other_unit):
    return make_survey()


def test_the_plan_lists_every_rated_unit_with_its_target_and_completion(survey, own_unit, other_unit):
    citizens = make_group(survey, "ND")
    sample_targets_set(survey=survey, group=citizens, transactions={own_unit.pk: 3, other_unit.pk: None})
    for device in ("a", "b"):
        response_submit_public(survey=survey, unit=own_unit, group=citizens, device_hash=device,
                               answers=choose(citizens), elapsed_seconds=60)

    rows = {row.unit: row for row in sample_plan(survey, citizens)}

    assert (rows[own_unit].target, rows[own_unit].completed, rows[own_unit].percent) == (3, 2, 67)
    assert rows[own_unit].below_target
    assert (rows[other_unit].target, rows[other_unit].below_target) == (None, False)


def test_entering_transactions_creates_changes_and_clears_them_audited(survey, own_unit, other_unit, coordinator):
    citizens = make_group(survey, "ND")
    sample_targets_set(survey=survey, group=citizens, transactions={own_unit.pk: 100, other_unit.pk: 50})

    changed = sample_targets_set(survey=survey, group=citizens, user=coordinator,
                                 transactions={own_unit.pk: 100, other_unit.pk: None})

    assert changed == 1
    assert list(SampleTarget.objects.values_list("unit", "transactions")) == [(own_unit.pk, 100)]
    entry = AuditEntry.objects.filter(field="sample_transactions").first()
    assert (entry.actor, entry.old_value, entry.new_value) == (coordinator, "50", "")


def targets_file(tmp_path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "targets"
    sheet.append(["unit_code", "group", "transactions"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "muc-tieu.xlsx"
    book.save(path)
    return path


def test_transactions_can_be_imported_from_a_workbook_and_give_the_target_sample(survey, own_unit, tmp_path):
    from django.core.management import call_command

    from surveys.aggregation import sample_size
    from surveys.models import SampleTarget

    make_group(survey, "NguoiDan")
    call_command("import_sample_targets", str(targets_file(tmp_path, [["SNV", "NguoiDan", 1200]])),
                 survey=survey.code)

    target = SampleTarget.objects.get(survey=survey, unit=own_unit)
    assert target.transactions == 1200
    assert sample_size(1200, survey.margin_of_error) == 300  # 1200 / (1 + 1200 × 0.05²) = 300


@pytest.mark.parametrize("row, column", [
    (["XYZ", "NguoiDan", 10], "unit_code"), (["SNV", "KhongCo", 10], "group"), (["SNV", "NguoiDan", -3], "transactions"),
    (["SNV", "NguoiDan", 2.5], "transactions")])
def test_a_bad_targets_row_is_reported_and_nothing_is_saved(survey, own_unit, tmp_path, capsys, row, column):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from surveys.models import SampleTarget

    make_group(survey, "NguoiDan")
    with pytest.raises(CommandError, match="chưa lưu gì"):
        call_command("import_sample_targets", str(targets_file(tmp_path, [["SNV", "NguoiDan", 50], row])),
                     survey=survey.code)

    assert f"dòng 3, cột {column}" in capsys.readouterr().err
    assert not SampleTarget.objects.exists()
