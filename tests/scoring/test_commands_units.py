from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.models import Block, Unit, UnitResult
from tests.conftest import make_block, make_framework

from .units_workbooks import HEADER, units_xlsx

GOOD = [("SNV", "Sở Nội vụ", "SO", "", "có"), ("H-01", "Huyện An Lạc", "HUYEN", "", "có"),
        ("XA-001", "Xã An Phú", "XA", "Xã", "")]


@pytest.fixture
def blocks(db):
    return [make_block("SO", "Khối sở, ban, ngành", 1), make_block("HUYEN", "Khối huyện", 2),
            make_block("XA", "Khối xã", 3)]


@pytest.fixture
def xlsx_file(tmp_path):
    def write(rows, **options):
        path = tmp_path / "don-vi.xlsx"
        path.write_bytes(units_xlsx(rows, **options))
        return str(path)

    return write


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing_import(path):
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_units", path, stdout=StringIO(), stderr=err)
    return str(error.value), err.getvalue()


def test_import_units_creates_the_units_and_says_how_many(blocks, xlsx_file):
    out, _err = run("import_units", xlsx_file(GOOD))
    assert "Đã tạo 3, cập nhật 0 đơn vị" in out
    assert sorted(Unit.objects.values_list("code", "block__code", "group")) == [
        ("H-01", "HUYEN", ""), ("SNV", "SO", ""), ("XA-001", "XA", "Xã")]


def test_importing_again_updates_units_by_code(blocks, xlsx_file):
    run("import_units", xlsx_file(GOOD))
    changed = [("SNV", "Sở Nội vụ tỉnh Sơn Hà", "SO", "", "không"), *GOOD[1:]]
    out, _err = run("import_units", xlsx_file(changed))
    assert "Đã tạo 0, cập nhật 1 đơn vị" in out
    assert Unit.objects.count() == 3
    assert Unit.objects.filter(code="SNV", name="Sở Nội vụ tỉnh Sơn Hà", ranked=False).exists()


@pytest.mark.parametrize("rows, options, expected", [
    (GOOD, {"sheet": "Đơn vị"}, "Không có sheet 'units' (các sheet trong tệp: Đơn vị)."),
    ([row[:4] for row in GOOD], {"header": HEADER[:4]}, "Sheet units, dòng 1, cột ranked: thiếu cột này"),
    ([*GOOD, ("X", "Đơn vị X", "A" * 21, "", "")], {}, "Sheet units, dòng 5, cột block: dài 21 ký tự, tối đa 20"),
    ([*GOOD, ("SNV", "Sở Nội vụ (bản sao)", "SO", "", "")], {},
     "Sheet units, dòng 5, cột code: mã 'SNV' trùng với dòng 2"),
    ([*GOOD, ("X", "", "SO", "", "")], {}, "Sheet units, dòng 5, cột name: ô này không được để trống"),
    ([*GOOD, ("X", "Đơn vị X", "SO", "", "có thể")], {}, "Sheet units, dòng 5, cột ranked: giá trị 'có thể'"),
], ids=["missing sheet", "missing column", "block code too long", "duplicate code", "missing name", "bad ranked"])
def test_a_malformed_file_saves_nothing_and_says_where_the_problem_is(blocks, xlsx_file, rows, options, expected):
    message, err = failing_import(xlsx_file(rows, **options))
    assert expected in err
    assert "chưa lưu đơn vị nào" in message
    assert Unit.objects.count() == 0


def test_a_bad_row_in_a_reimport_leaves_the_existing_units_as_they_were(blocks, xlsx_file):
    run("import_units", xlsx_file(GOOD))
    failing_import(xlsx_file([("SNV", "Tên mới", "SO", "", ""), ("X", "Đơn vị X", "KHONG-CO", "", "?")]))
    assert Unit.objects.get(code="SNV").name == "Sở Nội vụ"
    assert Unit.objects.count() == 3 and not Block.objects.filter(code="KHONG-CO").exists()


def test_every_problem_of_the_file_is_listed_in_one_run(blocks, xlsx_file):
    _message, err = failing_import(xlsx_file([("A", "Đơn vị A", "", "", ""), ("B", "Đơn vị B", "SO", "", "?")]))
    assert "dòng 2, cột block" in err and "dòng 3, cột ranked" in err


def test_a_file_that_does_not_exist_is_reported(db, tmp_path):
    _message, err = failing_import(str(tmp_path / "khong-co.xlsx"))
    assert "Không đọc được tệp" in err


def test_exported_units_import_back_without_any_change(blocks, xlsx_file, tmp_path):
    run("import_units", xlsx_file([*GOOD, ("BQL", "Ban Quản lý các khu công nghiệp", "SO", "", "không")]))
    Unit.objects.filter(code="H-01").update(active=False)
    before = sorted(Unit.objects.values_list("code", "name", "block__code", "group", "ranked", "active"))
    exported = tmp_path / "xuat.xlsx"
    out, _err = run("export_units", str(exported))
    assert f"Đã xuất 4 đơn vị vào {exported}" in out
    Unit.objects.all().delete()
    assert "Đã tạo 4, cập nhật 0 đơn vị" in run("import_units", str(exported))[0]
    assert sorted(Unit.objects.values_list("code", "name", "block__code", "group", "ranked", "active")) == before


HISTORY = ("code", "name", "block", "group", "ranked", "active", "successor", "predecessors")


def test_on_an_empty_database_the_file_brings_its_blocks_and_its_merge(db, xlsx_file, tmp_path):
    rows = [("SNV", "Sở Nội vụ", "SO", "", "có", "", "", ""),
            ("XA-001", "Xã An Phú", "XA", "", "", "không", "XA-100", ""),
            ("XA-002", "Xã An Hòa", "XA", "", "", "không", "XA-100", ""),
            ("XA-100", "Xã An Phú Hòa", "XA", "", "", "", "", "")]
    blocks = [("SO", "Khối sở", 1), ("XA", "Khối xã", 2)]
    out, _err = run("import_units", xlsx_file(rows, header=HISTORY, blocks=blocks))

    assert "Đã tạo 4, cập nhật 0 đơn vị" in out
    assert list(Block.objects.values_list("code", "name", "position")) == [("SO", "Khối sở", 1), ("XA", "Khối xã", 2)]
    assert sorted(Unit.objects.get(code="XA-100").predecessors.values_list("code", flat=True)) == ["XA-001", "XA-002"]
    assert not Unit.objects.get(code="XA-001").active

    exported = tmp_path / "xuat.xlsx"
    run("export_units", str(exported))
    Unit.objects.all().delete()
    Block.objects.all().delete()
    run("import_units", str(exported))
    assert sorted(Unit.objects.get(code="XA-100").predecessors.values_list("code", flat=True)) == ["XA-001", "XA-002"]
    assert list(Block.objects.values_list("code", "name", "position")) == [("SO", "Khối sở", 1), ("XA", "Khối xã", 2)]


def test_deactivating_or_merging_a_unit_never_changes_a_past_years_results(blocks, xlsx_file):
    run("import_units", xlsx_file(GOOD))
    unit = Unit.objects.get(code="XA-001")
    framework = make_framework(year=2024, block=unit.block)
    UnitResult.objects.create(year=2024, block=unit.block, unit=unit, framework=framework, group="Xã", appraised=8,
                              survey=0, bonus=0, penalty=0, total=8, max_total=10, index=80, rank=1)
    before = list(UnitResult.objects.values())

    run("import_units", xlsx_file([("XA-001", "Xã An Phú", "SO", "", "không", "không", "XA-100", ""),
                                   ("XA-100", "Xã mới", "XA", "", "", "", "", "")], header=HISTORY))

    assert list(UnitResult.objects.values()) == before
    assert Unit.objects.get(code="XA-001").successors.get().code == "XA-100"
