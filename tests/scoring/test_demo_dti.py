"""The sample DTI framework in docs/samples reads back as a valid framework of seven areas, four pillars and 1,000
points."""
from decimal import Decimal
from pathlib import Path

from scoring.demo.dti import dti_sample_spec
from scoring.excel.frameworks import read_framework_workbook
from scoring.framework_spec import validate_framework

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "khung-chi-so-dti-mau.xlsx"


def test_the_sample_dti_workbook_is_the_spec_and_valid():
    spec, issues = read_framework_workbook(SAMPLE)
    assert issues == [] and validate_framework(spec) == []
    assert spec.criteria == dti_sample_spec().criteria
    assert spec.pillars == dti_sample_spec().pillars
    assert spec.max_total == Decimal(1000)
    assert [node.title for node in spec.criteria if "." not in node.code] == [
        "Chuyển đổi nhận thức", "Kiến tạo thể chế", "Phát triển hạ tầng và nền tảng số", "Thông tin và dữ liệu số",
        "Hoạt động chính quyền số", "An toàn thông tin mạng", "Đào tạo và phát triển nguồn nhân lực"]


def test_every_scored_leaf_of_the_sample_counts_in_one_of_the_four_pillars():
    spec = dti_sample_spec()
    points = {pillar.code: sum((node.max_points for node in spec.criteria if node.pillar == pillar.code), Decimal(0))
              for pillar in spec.pillars}

    assert [pillar.name for pillar in spec.pillars] == ["Nền tảng chung", "Chính quyền số", "Kinh tế số", "Xã hội số"]
    assert all(node.pillar for node in spec.criteria if node.is_leaf)
    assert sum(points.values()) == spec.max_total and all(points.values())
