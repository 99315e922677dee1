from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.utils import timezone

from scoring.demo.dti import dti_sample_spec
from scoring.demo.frameworks import demo_spec, sample_spec, seed_frameworks
from scoring.excel.frameworks import read_framework_workbook, write_framework_workbook
from scoring.framework_spec import validate_framework
from scoring.models import Agency, Assessment, AuditEntry, Criterion, Cycle, Framework, GradeTier, LeafScore
from scoring.selectors import framework_spec
from scoring.services.frameworks import FrameworkImportError, framework_import

from ..conftest import make_agency, make_block
from .framework_workbooks import SAMPLE, framework_xlsx

D = Decimal
CRITERION_FIELDS = ("code", "area_code", "depth", "position", "title", "max_points", "method", "rule",
                    "evidence_required", "agency__code", "guidance", "parent__code", "evidence_months_before")
GRADE_FIELDS = ("code", "label", "min_index", "min_area_index", "min_survey_index", "max_penalty", "position")
FRAMEWORK_FIELDS = ("year", "block__code", "code", "name", "version", "precision", "bonus_cap", "penalty_cap",
                    "clamp_total")


@pytest.fixture
def blocks(db):
    return {code: make_block(code, code, position) for position, code in enumerate(("SO", "HUYEN", "XA"), 1)}


def small_spec():
    spec, issues = read_framework_workbook(BytesIO(framework_xlsx()))
    assert issues == []
    return spec


def snapshot(framework):
    return {
        "framework": Framework.objects.filter(pk=framework.pk).values(*FRAMEWORK_FIELDS).get(),
        "criteria": list(framework.criteria.order_by("position").values_list(*CRITERION_FIELDS)),
        "grades": list(framework.grades.order_by("position").values_list(*GRADE_FIELDS)),
    }


def counts():
    return Framework.objects.count(), Criterion.objects.count(), GradeTier.objects.count(), Agency.objects.count()


def test_importing_creates_revision_1_with_the_whole_tree(blocks):
    framework, replaced = framework_import(spec=small_spec())

    assert (replaced, framework.revision, framework.block.code, framework.year) == (False, 1, "SO", 2024)
    nodes = {node.code: node for node in framework.criteria.select_related("parent", "agency")}
    assert nodes["1.1"].parent == nodes["1"] and nodes["1"].parent is None
    assert (nodes["1.1"].depth, nodes["1.1"].area_code, nodes["1.1"].position) == (1, "1", 1)
    assert (nodes["3.1"].area_code, nodes["3.1"].method, nodes["3.1"].rule) == ("3", "bonus", "manual 0.5")
    assert nodes["2.1"].rule == "" and nodes["1"].method == ""
    assert nodes["1.1"].agency.code == "SNV" and nodes["1.1"].evidence_required
    assert list(framework.grades.values_list("code", flat=True)) == ["A", "B", "C"]


def test_rules_are_stored_in_canonical_form(blocks):
    spec = small_spec()
    spec = replace(spec, criteria=tuple(replace(n, rule="manual 0,50") if n.code == "1.2" else n
                                        for n in spec.criteria))

    framework, _replaced = framework_import(spec=spec)

    assert framework.criteria.get(code="1.2").rule == "manual 0.5"


def test_an_unknown_appraiser_code_becomes_an_agency_without_a_name(blocks):
    make_agency("STP", "Sở Tư pháp")

    framework_import(spec=small_spec())

    assert Agency.objects.get(code="SNV").name == ""
    assert Agency.objects.get(code="STP").name == "Sở Tư pháp"


def test_appraiser_codes_match_known_agencies_in_any_case(blocks):
    agency = make_agency("SNV", "Sở Nội vụ")
    spec = small_spec()
    spec = replace(spec, criteria=tuple(replace(n, appraiser="snv") if n.appraiser else n for n in spec.criteria))

    framework, _replaced = framework_import(spec=spec)

    assert set(framework.criteria.exclude(agency=None).values_list("agency", flat=True)) == {agency.pk}
    assert Agency.objects.count() == 1


def test_the_import_is_audited(blocks, coordinator):
    framework, _replaced = framework_import(spec=small_spec(), user=coordinator)

    entry = AuditEntry.objects.get(entity="framework", entity_id=framework.pk)
    assert (entry.actor, entry.field, entry.source) == (coordinator, "import", "import")
    assert entry.new_value == "tạo lần sửa đổi 1: 7 tiêu chí, 3 xếp loại, tổng điểm 8"


def test_the_import_needs_a_number_of_queries_that_grows_with_depth_not_rows(blocks, django_assert_max_num_queries):
    spec = sample_spec(year=2024)

    # SQLite caps the parameters of a statement: its widest level of criteria takes two INSERTs there.
    with django_assert_max_num_queries(16 if connection.vendor == "postgresql" else 17):
        framework, _replaced = framework_import(spec=spec)

    assert framework.criteria.count() == len(spec.criteria) == 128


def test_a_locked_framework_is_kept_and_a_second_revision_created(blocks):
    first, _replaced = framework_import(spec=small_spec())
    Framework.objects.filter(pk=first.pk).update(locked_at=timezone.now())
    before = snapshot(first)
    changed = replace(small_spec(), name="Bộ chỉ số sửa đổi")

    second, replaced = framework_import(spec=changed)

    assert (replaced, second.revision, second.name) == (False, 2, "Bộ chỉ số sửa đổi")
    assert second.pk != first.pk
    assert snapshot(first) == before
    assert second.criteria.count() == first.criteria.count()


def test_an_unlocked_framework_is_replaced_in_place(blocks):
    first, _replaced = framework_import(spec=small_spec())
    old_ids = set(first.criteria.values_list("pk", flat=True))
    spec = small_spec()
    shorter = replace(spec, name="Bản sửa", criteria=spec.criteria[:5])

    again, replaced = framework_import(spec=shorter)

    assert (replaced, again.pk, again.revision, again.name) == (True, first.pk, 1, "Bản sửa")
    assert Framework.objects.count() == 1
    assert again.criteria.count() == 5
    assert not Criterion.objects.filter(pk__in=old_ids).exists()
    assert again.grades.count() == 3


def test_an_unlocked_framework_whose_criteria_are_scored_is_not_replaced(blocks, own_unit):
    first, _replaced = framework_import(spec=small_spec())
    cycle = Cycle.objects.create(year=2024, block=first.block, framework=first)
    assessment = Assessment.objects.create(cycle=cycle, unit=own_unit)
    LeafScore.objects.create(assessment=assessment, criterion=first.criteria.get(code="1.1"))
    before = snapshot(first)

    with pytest.raises(FrameworkImportError, match="Không thay thế được lần sửa đổi 1: dữ liệu khác đang dùng"):
        framework_import(spec=replace(small_spec(), name="Bản sửa"))

    assert snapshot(first) == before


def test_a_replacement_follows_the_latest_revision(blocks):
    first, _replaced = framework_import(spec=small_spec())
    Framework.objects.filter(pk=first.pk).update(locked_at=timezone.now())
    second, _replaced = framework_import(spec=small_spec())

    third, replaced = framework_import(spec=small_spec())

    assert (replaced, third.pk, third.revision) == (True, second.pk, 2)


def test_an_unknown_block_is_refused_and_nothing_is_saved(blocks):
    before = counts()

    with pytest.raises(FrameworkImportError) as error:
        framework_import(spec=replace(small_spec(), block="TINH"))

    assert [str(issue) for issue in error.value.issues] == [
        "Sheet `framework`, dòng 5, cột value: Khối «TINH» không có trong danh mục; các khối hiện có: SO, HUYEN, XA"]
    assert counts() == before


def test_an_invalid_spec_is_refused_and_nothing_is_saved(blocks):
    spec = small_spec()
    broken = replace(spec, criteria=tuple(replace(n, max_points=D(9)) if n.code == "1" else n for n in spec.criteria))
    before = counts()

    with pytest.raises(FrameworkImportError, match="Điểm tối đa 9 khác tổng điểm tối đa các tiêu chí con"):
        framework_import(spec=broken)

    assert counts() == before


def test_the_sample_workbook_imports_and_totals_100(blocks):
    spec, issues = read_framework_workbook(SAMPLE)

    framework, _replaced = framework_import(spec=spec)

    assert issues == []
    leaves = framework.criteria.filter(method__in=("appraised", "survey"))
    assert sum(leaves.values_list("max_points", flat=True)) == 100
    assert framework.criteria.filter(depth=0).count() == 10


def test_export_then_import_gives_back_the_same_framework(blocks):
    first, _replaced = framework_import(spec=sample_spec(year=2024))
    Framework.objects.filter(pk=first.pk).update(locked_at=timezone.now())

    spec, issues = read_framework_workbook(BytesIO(write_framework_workbook(framework_spec(first))))
    second, _replaced = framework_import(spec=spec)

    assert issues == []
    assert second.revision == 2
    assert snapshot(second) == snapshot(first)


def test_the_demo_evidence_window_of_1_1_1_survives_export_and_import(blocks):
    first, _replaced = framework_import(spec=demo_spec(year=2025, block="SO"))
    Framework.objects.filter(pk=first.pk).update(locked_at=timezone.now())
    exported = framework_spec(first)

    spec, issues = read_framework_workbook(BytesIO(write_framework_workbook(exported)))
    second, _replaced = framework_import(spec=spec)

    assert issues == []
    assert spec == exported
    assert {node.code: node.evidence_months_before for node in spec.criteria if node.evidence_months_before} == {
        "1.1.1": 3}
    leaf = second.criteria.get(code="1.1.1")
    assert (second.revision, leaf.evidence_months_before) == (2, 3)
    assert leaf.evidence_window(2025) == (date(2024, 10, 1), date(2025, 12, 31))


def test_a_changed_evidence_window_makes_the_specs_differ():
    spec = demo_spec(year=2025, block="SO")
    changed = replace(spec, criteria=tuple(replace(node, evidence_months_before=0) for node in spec.criteria))

    assert changed != spec


def province_spec():
    """A framework as provinces write it (domain.md, rule 1): an area of bonus and penalty leaves without a maximum,
    a choice on the bonus leaf and a deduction per occurrence on a penalty leaf."""
    spec = small_spec()
    area = next(node for node in spec.criteria if node.code == "3")
    granted = (replace(area, max_points=None),
               replace(next(node for node in spec.criteria if node.code == "3.1"),
                       rule="choice Giải thưởng cấp tỉnh=0.5; Cấp bộ=1", max_points=D(1)),
               replace(area, code="3.2", title="Chậm báo cáo", max_points=D(2), method="penalty", rule="deduct 0,5"))
    return replace(spec, criteria=(*(node for node in spec.criteria if node.area_code != "3"), *granted))


def test_a_framework_as_provinces_write_it_imports_and_exports_back_unchanged(blocks):
    first, _replaced = framework_import(spec=province_spec())
    Framework.objects.filter(pk=first.pk).update(locked_at=timezone.now())

    spec, issues = read_framework_workbook(BytesIO(write_framework_workbook(framework_spec(first))))
    second, _replaced = framework_import(spec=spec)

    assert issues == []
    assert snapshot(second) == snapshot(first)
    assert first.criteria.get(code="3").max_points == 0
    assert first.criteria.get(code="3.2").rule == "deduct 0.5"


# --- Demo frameworks --------------------------------------------------------------------------------------------


def test_seeding_creates_two_years_for_every_block_once(blocks):
    assert seed_frameworks() == 6
    assert seed_frameworks() == 0
    versions = dict(((f.year, f.block.code), f.version) for f in Framework.objects.select_related("block"))
    assert versions[(2024, "SO")] == "2948/2017"
    assert {versions[key] for key in versions if key != (2024, "SO")} == {"876/2022"}
    assert Agency.objects.get(code="STP").name == "Sở Tư pháp"


def test_seeding_skips_a_year_and_block_that_already_has_a_framework(blocks):
    framework_import(spec=replace(small_spec(), year=2025, block="XA"))

    assert seed_frameworks() == 5
    assert Framework.objects.get(year=2025, block__code="XA").code == "THU-2024"


def test_demo_variants_differ_by_block_and_all_total_100():
    so, district, commune = (demo_spec(year=2025, block=code) for code in ("SO", "HUYEN", "XA"))

    assert len(commune.criteria) < len(district.criteria) < len(so.criteria)
    assert so.max_total == district.max_total == commune.max_total == 100
    assert validate_framework(so) == validate_framework(district) == validate_framework(commune) == []
    assert any("UBND huyện giao" in node.title for node in commune.criteria)


# --- Pillars ----------------------------------------------------------------------------------------------------


def test_a_framework_with_pillars_exports_and_imports_back_the_same(blocks):
    spec = dti_sample_spec()
    framework, _replaced = framework_import(spec=spec)

    assert list(framework.pillars.values_list("code", "name", "position")) == [
        ("NT", "Nền tảng chung", 0), ("CQS", "Chính quyền số", 1), ("KTS", "Kinh tế số", 2), ("XHS", "Xã hội số", 3)]
    assert framework.criteria.get(code="5.4").pillar.code == "KTS"
    assert not framework.criteria.filter(method="", pillar__isnull=False).exists()
    exported, issues = read_framework_workbook(BytesIO(write_framework_workbook(framework_spec(framework))))
    assert issues == [] and exported == spec
    again, replaced = framework_import(spec=exported)
    assert replaced and again.pk == framework.pk and framework_spec(again) == spec


def test_replacing_a_framework_with_pillars_by_one_without_drops_its_pillars(blocks):
    framework, _replaced = framework_import(spec=dti_sample_spec())
    framework_import(spec=replace(dti_sample_spec(), pillars=(),
                                  criteria=tuple(replace(node, pillar="") for node in dti_sample_spec().criteria)))

    assert not framework.pillars.exists() and framework_spec(framework).pillars == ()


# --- Frameworks of another index (DTI) ----------------------------------------------------------------------------


def test_a_dti_framework_is_revision_1_beside_par_and_its_reimport_replaces_only_itself(blocks):
    par, _replaced = framework_import(spec=small_spec())
    Framework.objects.filter(pk=par.pk).update(locked_at=timezone.now())

    dti, replaced = framework_import(spec=replace(small_spec(), index="DTI", code="DTI-SO-2024"))
    again, replaced_again = framework_import(spec=replace(small_spec(), index="DTI", code="DTI-SO-2024"))

    assert (dti.index_code, dti.revision, replaced) == ("DTI", 1, False)
    assert (again.pk, replaced_again) == (dti.pk, True)
    assert Framework.objects.get(pk=par.pk).index_code == "PAR" and Framework.objects.count() == 2


def test_an_unknown_index_is_refused_at_its_cell_and_nothing_is_saved(blocks):
    spec, issues = read_framework_workbook(BytesIO(framework_xlsx(header={"index": "CCHC2"})))
    before = counts()

    with pytest.raises(FrameworkImportError) as error:
        framework_import(spec=spec)

    assert issues == [] and [str(issue) for issue in error.value.issues] == [
        "Sheet `framework`, dòng 11, cột value: Chỉ số «CCHC2» không có trong danh mục; các chỉ số hiện có: "
        "PAR, DTI, DDCI"]
    assert counts() == before


def test_a_dti_framework_exported_then_imported_keeps_its_index(blocks):
    first, _replaced = framework_import(spec=replace(sample_spec(year=2024), index="DTI"))
    Framework.objects.filter(pk=first.pk).update(locked_at=timezone.now())

    spec, issues = read_framework_workbook(BytesIO(write_framework_workbook(framework_spec(first))))
    second, _replaced = framework_import(spec=spec)

    assert issues == [] and spec.index == "DTI"
    assert (second.index_code, second.revision) == ("DTI", 2)
    assert snapshot(second) == snapshot(first)
