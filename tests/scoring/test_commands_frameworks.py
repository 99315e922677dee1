from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from scoring.excel.frameworks import read_framework_workbook
from scoring.models import Agency, Criterion, Framework, GradeTier, Index

from ..conftest import make_block
from .framework_workbooks import (
    CRITERIA_COLUMNS, DROP, GRADE_COLUMNS, SAMPLE, criteria_rows, framework_xlsx, grade_rows,
)


@pytest.fixture
def blocks(db):
    return [make_block("SO", "Khối sở", 1), make_block("XA", "Khối xã", 2)]


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return Framework.objects.count(), Criterion.objects.count(), GradeTier.objects.count(), Agency.objects.count()


def test_importing_the_sample_prints_a_summary(blocks):
    out, err = run("import_framework", str(SAMPLE))

    assert err == ""
    assert out.strip() == (
        "Đã nhập bộ chỉ số «Bộ chỉ số cải cách hành chính cấp tỉnh năm 2017» (2017, khối SO): tạo mới, lần sửa "
        "đổi 1. 128 tiêu chí (86 tiêu chí chấm điểm), 5 xếp loại, tổng điểm tối đa 100.")
    assert Framework.objects.get().criteria.count() == 128


def test_importing_over_a_locked_framework_prints_the_new_revision(blocks):
    run("import_framework", str(SAMPLE))
    Framework.objects.update(locked_at=timezone.now())

    out, _err = run("import_framework", str(SAMPLE))

    assert "lần sửa đổi 1 đã khóa nên đã tạo lần sửa đổi 2" in out


def test_export_then_import_round_trips_through_the_commands(blocks, tmp_path):
    run("import_framework", str(SAMPLE))
    Framework.objects.update(locked_at=timezone.now())
    target = tmp_path / "xuat.xlsx"

    out, _err = run("export_framework", "--year", "2017", "--block", "SO", str(target))
    run("import_framework", str(target))

    assert out.startswith("Đã xuất bộ chỉ số «Bộ chỉ số cải cách hành chính cấp tỉnh năm 2017» năm 2017, khối SO")
    first, second = Framework.objects.order_by("revision")
    fields = ("code", "title", "max_points", "method", "rule", "evidence_required", "agency", "guidance", "depth")
    assert list(first.criteria.values_list(*fields)) == list(second.criteria.values_list(*fields))


def test_exporting_an_unknown_framework_fails(blocks, tmp_path):
    with pytest.raises(CommandError, match="Không có bộ chỉ số năm 2030, khối SO."):
        run("export_framework", "--year", "2030", "--block", "SO", str(tmp_path / "x.xlsx"))


def test_importing_a_missing_file_fails(blocks, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run("import_framework", str(tmp_path / "khong-co.xlsx"))


# --- Malformed workbooks: each is refused with its location, and nothing changes ---------------------------------

WITHOUT_MAX = tuple(column for column in CRITERIA_COLUMNS if column != "max_points")
WITHOUT_MIN_INDEX = tuple(column for column in GRADE_COLUMNS if column != "min_index")
MALFORMED = {
    "missing sheet": (
        {"sheets": ("framework", "criteria")}, "Không có sheet 'grades' (các sheet trong tệp: framework, criteria)."),
    "missing column": (
        {"criteria_columns": WITHOUT_MAX}, "Sheet `criteria`, dòng 1, cột max_points: thiếu cột này"),
    "missing grade column": (
        {"grade_columns": WITHOUT_MIN_INDEX}, "Sheet `grades`, dòng 1, cột min_index: thiếu cột này"),
    "missing year": ({"header": {"year": DROP}}, "Sheet `framework`, cột year: Thiếu năm (year)"),
    "blank year": ({"header": {"year": None}}, "Sheet `framework`, dòng 4, cột value: Thiếu năm (year)"),
    "non-numeric year": (
        {"header": {"year": "2024a"}}, "Sheet `framework`, dòng 4, cột value: «2024a» không phải là số nguyên"),
    "unknown block": (
        {"header": {"block": "TINH"}},
        "Sheet `framework`, dòng 5, cột value: Khối «TINH» không có trong danh mục; các khối hiện có: SO, XA"),
    "bad code format": (
        {"criteria": criteria_rows({"1.2": {"code": "1-2"}})},
        "Sheet `criteria`, dòng 4, cột code: Mã «1-2» không đúng dạng số phân cấp như 1, 1.2, 1.2.3"),
    "parent code missing": (
        {"criteria": criteria_rows(extra=[{"code": "4.1", "title": "Lạc", "max_points": 0, "method": "bonus"}])},
        "Sheet `criteria`, dòng 9, cột code: Không có tiêu chí cha «4» của «4.1»"),
    "duplicate code": (
        {"criteria": criteria_rows({"1.2": {"code": "1.1", "rule": "manual"}})},
        "Sheet `criteria`, dòng 4, cột code: Mã «1.1» bị trùng với dòng 3"),
    "parent max differs from the sum": (
        {"criteria": criteria_rows({"2": {"max_points": 6}})},
        "Sheet `criteria`, dòng 5, cột max_points: Điểm tối đa 6 khác tổng điểm tối đa các tiêu chí con (2.1: 5 = 5)"),
    "negative max": (
        {"criteria": criteria_rows({"3": {"max_points": -1}, "3.1": {"max_points": -1, "rule": None}})},
        "Sheet `criteria`, dòng 8, cột max_points: Điểm tối đa không được âm: -1"),
    "non-number max": (
        {"criteria": criteria_rows({"1.2": {"max_points": "1 điểm"}})},
        "Sheet `criteria`, dòng 4, cột max_points: «1 điểm» không phải là số"),
    "unknown method": (
        {"criteria": criteria_rows({"1.2": {"method": "tự chấm"}})},
        "Sheet `criteria`, dòng 4, cột method: Phương pháp «tự chấm» không hợp lệ"),
    "bad rule": (
        {"criteria": criteria_rows({"1.1": {"rule": "choice Đúng hạn 2"}})},
        "Sheet `criteria`, dòng 3, cột rule: «Đúng hạn 2» phải có dạng nhãn=điểm"),
    "rule points above the leaf max": (
        {"criteria": criteria_rows({"1.1": {"rule": "ratio 100=2.5; 0=0"}})},
        "Sheet `criteria`, dòng 3, cột rule: Điểm 2,5 vượt quá điểm tối đa 2"),
    "leaf with children": (
        {"criteria": criteria_rows(extra=[{"code": "1.2.1", "title": "Con", "max_points": 1, "method": "appraised"}])},
        "Sheet `criteria`, dòng 4, cột method: Tiêu chí có phương pháp chấm không được có tiêu chí con (1.2.1)"),
    "inner row without children": (
        {"criteria": criteria_rows(extra=[{"code": "4", "title": "Trống", "max_points": 0}])},
        "Sheet `criteria`, dòng 9, cột method: Thiếu phương pháp"),
    "precision out of range": (
        {"header": {"precision": 4}},
        "Sheet `framework`, dòng 7, cột value: Số chữ số thập phân của chỉ số phải là số nguyên từ 0 đến 3"),
    "bad yes/no": (
        {"header": {"clamp_total": "tùy"}}, "Sheet `framework`, dòng 10, cột value: «tùy» không hợp lệ; ghi yes"),
    "grade without label": (
        {"grades": grade_rows({"B": {"label": None}})}, "Sheet `grades`, dòng 3, cột label: Thiếu tên xếp loại"),
    "grade minimum not a number": (
        {"grades": grade_rows({"A": {"min_index": "tám mươi"}})},
        "Sheet `grades`, dòng 2, cột min_index: «tám mươi» không phải là số"),
    "grade minimum above 100": (
        {"grades": grade_rows({"A": {"min_index": 101}})},
        "Sheet `grades`, dòng 2, cột min_index: Chỉ số phải trong khoảng 0 đến 100: 101"),
    "duplicate grade code": (
        {"grades": grade_rows({"B": {"code": "A"}})},
        "Sheet `grades`, dòng 3, cột code: Mã xếp loại «A» bị trùng với dòng 2"),
    "no grades": ({"grades": []}, "Sheet `grades`: không có dòng dữ liệu nào"),
    "empty criteria sheet": ({"criteria": []}, "Sheet `criteria`: không có dòng dữ liệu nào"),
}


@pytest.fixture
def existing(blocks, tmp_path):
    """An unlocked framework of the same year and block, which a successful import would replace."""
    run("import_framework", str(write(tmp_path / "co-san.xlsx", framework_xlsx())))
    return counts()


def write(path, content):
    path.write_bytes(content)
    return path


def refused(path):
    """The error lines of an import that must fail."""
    err = StringIO()
    with pytest.raises(CommandError, match="Không nhập được bộ chỉ số: .* lỗi, chưa lưu gì."):
        call_command("import_framework", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


@pytest.mark.parametrize("changes, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_workbook_is_refused_with_its_location_and_nothing_changes(existing, tmp_path, changes,
                                                                                message):
    errors = refused(write(tmp_path / "khung.xlsx", framework_xlsx(**changes)))

    assert any(line.startswith(message) for line in errors), errors
    assert counts() == existing
    assert Framework.objects.get().name == "Bộ chỉ số thử nghiệm"


def test_a_corrupt_file_is_refused_with_a_message(existing, tmp_path):
    errors = refused(write(tmp_path / "hong.xlsx", b"PK\x03\x04 not really a zip"))

    assert errors == ["Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị hỏng."]
    assert counts() == existing


def test_export_takes_the_index_and_the_file_names_it(blocks, tmp_path):
    run("import_framework", str(SAMPLE))
    Framework.objects.update(index=Index.objects.standard("DTI"))
    target = tmp_path / "dti.xlsx"

    with pytest.raises(CommandError, match="Không có bộ chỉ số năm 2017, khối SO."):
        run("export_framework", "--year", "2017", "--block", "SO", str(target))
    run("export_framework", "--year", "2017", "--block", "SO", "--index", "dti", str(target))

    spec, issues = read_framework_workbook(target)
    assert issues == [] and spec.index == "DTI"
