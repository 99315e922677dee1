"""Issue 10, done means: on an empty database, the project's own commands import the units workbook, a framework and
the accounts workbook, in that order, without the Django admin."""
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from openpyxl import load_workbook

from scoring.models import Agency, Block, Framework, Role, Unit, User

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_empty_server_takes_units_then_a_framework_then_accounts_with_its_own_commands(db, tmp_path):
    assert not (Block.objects.exists() or Unit.objects.exists() or User.objects.exists())

    units = run("import_units", str(SAMPLES / "don-vi-mau.xlsx"))
    framework = run("import_framework", str(SAMPLES / "khung-chi-so-so-2026.xlsx"))
    accounts = run("import_accounts", str(SAMPLES / "tai-khoan-mau.xlsx"), "--links", str(tmp_path / "links.xlsx"))

    assert "Đã tạo 67, cập nhật 0 đơn vị" in units
    assert list(Block.objects.values_list("code", flat=True)) == ["SO", "HUYEN", "XA"]
    assert sorted(Unit.objects.get(code="XA-022").predecessors.values_list("code", flat=True)) == ["XA-901", "XA-902"]
    assert Framework.objects.filter(year=2026, block__code="SO").exists(), framework
    assert set(Agency.objects.values_list("code", flat=True)) >= {"SNV", "STP", "STC", "VPUBND", "STTTT"}
    assert "Đã tạo 11, cập nhật 0 tài khoản" in accounts
    assert User.objects.get(username="thamdinh.stp").agency.code == "STP"
    assert User.objects.get(username="canbo.sonhai").unit.code == "XA-022"
    assert not User.objects.filter(role=Role.ADMIN).get().has_usable_password()
    links = list(load_workbook(tmp_path / "links.xlsx")["links"].iter_rows(min_row=2, values_only=True))
    assert len(links) == 11


def test_the_province_framework_sample_keeps_its_bonus_and_penalty_areas_as_written(db):
    run("import_units", str(SAMPLES / "don-vi-mau.xlsx"))
    run("import_framework", str(SAMPLES / "khung-chi-so-so-2026.xlsx"))

    criteria = Framework.objects.get(year=2026).criteria
    assert criteria.get(code="9").max_points == 0 and criteria.get(code="10").max_points == 0
    assert criteria.get(code="10.2").rule == "deduct 0.25"
    assert criteria.get(code="9.1").rule.startswith("choice ")
