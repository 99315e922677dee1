import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from scoring.demo import DEFAULT_PASSWORD, demo_unit_rows, seed_demo
from scoring.excel.units import read_units_workbook
from scoring.models import Framework, Role, Unit, UnitResult, User
from surveys.models import Survey

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "don-vi-mau.xlsx"


@pytest.fixture
def seeded(db):
    return seed_demo()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def units_fingerprint():
    rows = Unit.objects.order_by("code").values_list("pk", "code", "name", "block__code", "group", "ranked", "active")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def seed_command(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seeding_a_second_time_changes_nothing(seeded):
    counts, fingerprint = row_counts(), units_fingerprint()
    again = seed_demo()
    assert set(again.created.values()) == {0}
    assert not any(new for _user, new in again.accounts)
    assert row_counts() == counts
    assert units_fingerprint() == fingerprint


def test_the_demo_province_has_19_departments_8_districts_and_dozens_of_communes(seeded):
    assert Unit.objects.filter(block__code="SO").count() == 19
    assert Unit.objects.filter(block__code="HUYEN").count() == 8
    assert Unit.objects.filter(block__code="XA").count() >= 30
    assert list(Unit.objects.order_by("block__position").values_list("block__name", flat=True).distinct()) == [
        "Khối sở, ban, ngành", "Khối huyện, thị xã, thành phố", "Khối xã, phường, thị trấn"]


def test_communes_are_ranked_in_two_groups_and_one_department_is_not_ranked(seeded):
    groups = set(Unit.objects.filter(block__code="XA").values_list("group", flat=True))
    assert groups == {"Phường, thị trấn", "Xã"}
    assert list(Unit.objects.filter(ranked=False).values_list("name", flat=True)) == [
        "Ban Quản lý các khu công nghiệp"]


def test_every_block_gets_the_frameworks_of_2024_and_2025(seeded):
    assert seeded.created["bộ chỉ số"] == 6
    assert sorted(Framework.objects.values_list("block__code", "year")) == sorted(
        (block, year) for block in ("SO", "HUYEN", "XA") for year in (2024, 2025))


def test_every_role_has_a_demo_account_with_a_full_vietnamese_name(seeded):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="canbo.anlac").unit.name == "Huyện An Lạc"
    assert User.objects.get(username="thamdinh.stp").agency.code == "STP"
    admin = User.objects.get(username="quantri")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMIN
    assert User.objects.get(username="thutruong.snv").get_full_name() == "Vũ Đức Thắng"
    assert all(len(user.get_full_name().split()) >= 3 for user in User.objects.all())


def test_demo_accounts_sign_in_with_the_demo_password(client, seeded):
    for user, _new in seeded.accounts:
        response = client.post(reverse("login"), {"username": user.username, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302, user.username
        assert client.get(reverse("home")).context["user"] == user
        client.logout()


def test_existing_accounts_keep_their_password_and_names(seeded):
    user = User.objects.get(username="canbo.snv")
    user.set_password("mat-khau-rieng-cua-toi")
    user.first_name = "Tên mới"
    user.save()
    seed_demo(password="mat-khau-khac-2025")
    user.refresh_from_db()
    assert user.check_password("mat-khau-rieng-cua-toi") and user.first_name == "Tên mới"


def test_the_command_takes_the_password_from_demo_password_and_prints_the_accounts(db, client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "mat-khau-demo-rieng")
    out = seed_command()
    assert "canbo.anlac" in out and "Cán bộ đơn vị" in out and "Huyện An Lạc" in out
    assert "mat-khau-demo-rieng" in out and "thamdinh.stttt" in out
    # 65 active units and the two former communes merged into Xã Sơn Hải (scored in no year).
    assert "3 khối, 5 cơ quan thẩm định, 67 đơn vị, 9 tài khoản, 6 bộ chỉ số" in out
    # The whole province grows with each capability: two years scored, the 2026 cycle under way (19 departments and
    # 8 districts, two of the departments merged), the departments' DTI appraised in 2025 (19) and open in 2026
    # (18), a completed survey, DDCI for two years of departments and districts, DTI imported for the other three
    # years and blocks.
    assert ("65 đơn vị chấm điểm năm 2024, 65 đơn vị chấm điểm năm 2025, 19 đơn vị chấm điểm DTI năm 2025, "
            "26 hồ sơ kỳ đánh giá 2026, 18 hồ sơ kỳ DTI 2026, 1 cuộc điều tra") in out
    assert "4 kỳ DDCI" in out and "3 kỳ DTI" in out
    # PAR and DTI 2025 of every block are published (the departments' DTI with the rest).
    assert "4 khối công bố kết quả 2025" not in out
    assert UnitResult.objects.filter(year=2025, index_code="PAR").count() == 65
    assert UnitResult.objects.filter(year=2025, index_code="DTI").count() == 19
    assert Survey.objects.get(code="XHH-2025").responses.count() > 0
    assert User.objects.get(username="lanhdao").check_password("mat-khau-demo-rieng")
    assert "Đã tạo 0 dòng mới" in seed_command()


def unit_values(rows):
    return [(row.code, row.name, row.block, row.group, row.ranked, row.active is not False, row.successors or ())
            for row in rows]


def test_the_shipped_sample_file_lists_the_demo_provinces_units():
    rows, issues = read_units_workbook(SAMPLE)
    assert issues == []
    assert unit_values(rows) == unit_values(demo_unit_rows())
    assert [(row.code, row.successors) for row in rows if not row.active] == [("XA-901", ("XA-022",)),
                                                                             ("XA-902", ("XA-022",))]


def test_the_demo_shows_one_merge(db):
    seed_demo()

    merged = Unit.objects.get(code="XA-022")
    assert sorted(merged.predecessors.values_list("code", flat=True)) == ["XA-901", "XA-902"]
    assert not merged.predecessors.filter(active=True).exists()


def test_seed_demo_writes_the_sample_file_without_touching_the_database(db, tmp_path):
    path = tmp_path / "don-vi.xlsx"
    assert "Đã ghi danh sách đơn vị mẫu" in seed_command("--write-sample", str(path))
    assert unit_values(read_units_workbook(path)[0]) == unit_values(demo_unit_rows())
    assert Unit.objects.count() == 0
