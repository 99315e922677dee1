import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.excel.sheets import WorkbookError
from scoring.models import AuditEntry, AuditSource, Block, Unit
from scoring.services.units import BlockRow, UnitRow, units_import, units_validate
from tests.conftest import make_block


@pytest.fixture
def blocks(db):
    return {
        "SO": make_block("SO", "Khối sở, ban, ngành", 1),
        "HUYEN": make_block("HUYEN", "Khối huyện, thị xã, thành phố", 2),
        "XA": make_block("XA", "Khối xã, phường, thị trấn", 3),
    }


def row(code, name=None, block="SO", **extra):
    return UnitRow(code=code, name=name or f"Đơn vị {code}", block=block, **extra)


def snapshot():
    return sorted(Unit.objects.values_list("code", "name", "block__code", "group", "ranked", "active"))


def test_it_creates_units_with_their_block_group_and_flags(blocks):
    created, updated = units_import(rows=[row("SNV", "Sở Nội vụ"), row("BQLKCN", ranked=False),
                                          row("XA-001", "Xã An Phú", "XA", group="Xã")])
    assert (created, updated) == (3, 0)
    assert snapshot() == [("BQLKCN", "Đơn vị BQLKCN", "SO", "", False, True),
                          ("SNV", "Sở Nội vụ", "SO", "", True, True),
                          ("XA-001", "Xã An Phú", "XA", "Xã", True, True)]


def test_reimporting_updates_units_by_code_and_never_duplicates_them(blocks):
    units_import(rows=[row("SNV", "Sở Nội vụ"), row("STP", "Sở Tư pháp")])
    created, updated = units_import(rows=[row("SNV", "Sở Nội vụ tỉnh Sơn Hà", ranked=False), row("STP", "Sở Tư pháp"),
                                          row("STC", "Sở Tài chính")])
    assert (created, updated) == (1, 1)
    assert Unit.objects.count() == 3
    assert Unit.objects.get(code="SNV").name == "Sở Nội vụ tỉnh Sơn Hà"


def test_a_unit_can_move_to_another_block(blocks):
    units_import(rows=[row("H1", block="HUYEN")])
    assert units_import(rows=[row("H1", block="XA", group="Xã")]) == (0, 1)
    assert Unit.objects.get(code="H1").block == blocks["XA"]


def test_an_identical_reimport_counts_and_writes_nothing(blocks):
    rows = [row("SNV"), row("STP")]
    units_import(rows=rows)
    assert units_import(rows=rows) == (0, 0)


def test_without_an_active_value_an_existing_unit_keeps_its_own(blocks):
    units_import(rows=[row("OLD")])
    Unit.objects.filter(code="OLD").update(active=False)
    units_import(rows=[row("OLD", "Đơn vị cũ")])
    assert Unit.objects.get(code="OLD").active is False
    units_import(rows=[row("OLD", "Đơn vị cũ", active=True)])
    assert Unit.objects.get(code="OLD").active is True


def test_block_codes_match_in_any_case(blocks):
    units_import(rows=[row("X1", block="xa")])
    assert Unit.objects.get(code="X1").block == blocks["XA"]


def test_an_unknown_block_code_creates_the_block_named_after_its_code_and_placed_last(blocks, coordinator):
    units_import(rows=[row("SNV", row=2), row("ABC-1", block="ABC", row=5)], user=coordinator)

    block = Block.objects.get(code="ABC")
    assert (block.name, block.position) == ("ABC", 4)
    assert Unit.objects.get(code="ABC-1").block == block
    assert set(AuditEntry.objects.filter(entity="block", entity_id=block.pk).values_list("field", "new_value")) == {
        ("code", "ABC"), ("name", "ABC"), ("position", "4")}


def test_on_an_empty_installation_the_blocks_sheet_names_and_orders_the_blocks(db):
    units_import(rows=[row("SNV", block="so"), row("XA-1", block="XA")],
                 blocks=[BlockRow("XA", "Khối xã, phường", 2), BlockRow("SO", "Khối sở, ban, ngành", 1)])

    assert list(Block.objects.values_list("code", "name", "position")) == [
        ("SO", "Khối sở, ban, ngành", 1), ("XA", "Khối xã, phường", 2)]


def test_the_blocks_sheet_renames_and_reorders_known_blocks_audited(blocks, coordinator):
    units_import(rows=[row("SNV")], blocks=[BlockRow("xa", "Khối cấp xã", 0)], user=coordinator)

    assert Block.objects.values_list("name", "position").get(code="XA") == ("Khối cấp xã", 0)
    assert set(AuditEntry.objects.filter(entity="block").values_list("field", "old_value", "new_value")) == {
        ("name", "Khối xã, phường, thị trấn", "Khối cấp xã"), ("position", "3", "0")}


def test_a_block_listed_twice_in_the_blocks_sheet_saves_nothing(db):
    with pytest.raises(WorkbookError) as error:
        units_import(rows=[row("SNV")], blocks=[BlockRow("SO", row=2), BlockRow("so", row=3)])
    assert [str(issue) for issue in error.value.issues] == ["Sheet blocks, dòng 3, cột code: mã 'so' trùng với dòng 2"]
    assert Block.objects.count() == Unit.objects.count() == 0


# --- History: successors and predecessors (domain.md, rule 13) ---------------------------------------------------


def links():
    return sorted(Unit.successors.through.objects.values_list("from_unit__code", "to_unit__code"))


def test_several_units_name_one_successor_and_a_split_unit_is_named_by_the_units_it_became(blocks, coordinator):
    units_import(rows=[row("XA-1"), row("XA-2"), row("XA-9"), row("H-OLD", block="HUYEN")])

    units_import(rows=[row("XA-1", active=False, successors=("XA-12",)), row("XA-2", active=False,
                       successors=("XA-12",)), row("XA-12", "Xã mới"),
                       row("XA-9A", predecessors=("XA-9",)), row("XA-9B", predecessors=("XA-9",))], user=coordinator)

    assert links() == [("XA-1", "XA-12"), ("XA-2", "XA-12"), ("XA-9", "XA-9A"), ("XA-9", "XA-9B")]
    merged = Unit.objects.get(code="XA-12")
    assert sorted(merged.predecessors.values_list("code", flat=True)) == ["XA-1", "XA-2"]
    assert AuditEntry.objects.filter(entity="unit", field="successor", new_value="XA-12",
                                     actor=coordinator).count() == 2


def test_reimporting_a_successor_column_replaces_the_units_links_and_a_missing_column_keeps_them(blocks):
    units_import(rows=[row("A", successors=("B",)), row("B"), row("C")])

    units_import(rows=[row("A"), row("B"), row("C")])  # no successor column: links kept
    assert links() == [("A", "B")]
    assert units_import(rows=[row("A", successors=("C",)), row("B"), row("C")]) == (0, 1)
    assert links() == [("A", "C")]
    units_import(rows=[row("A", successors=()), row("B"), row("C")])
    assert links() == []


def test_a_successor_that_is_no_unit_or_the_unit_itself_saves_nothing(blocks):
    with pytest.raises(WorkbookError) as error:
        units_import(rows=[row("A", row=2, successors=("NOPE",)), row("B", row=3, predecessors=("B",))])
    assert [str(issue) for issue in error.value.issues] == [
        "Sheet units, dòng 2, cột successor: không có đơn vị mã 'NOPE' (trong tệp hay đã nhập trước)",
        "Sheet units, dòng 3, cột predecessors: đơn vị không thể kế thừa chính nó ('B')"]
    assert Unit.objects.count() == 0


def test_a_code_listed_twice_saves_nothing_and_points_at_the_first_line(blocks):
    with pytest.raises(WorkbookError) as error:
        units_import(rows=[row("SNV", row=2), row("STP", row=3), row("SNV", row=4)])
    assert [str(issue) for issue in error.value.issues] == ["Sheet units, dòng 4, cột code: mã 'SNV' trùng với dòng 2"]
    assert Unit.objects.count() == 0


def test_validation_reports_the_same_issues_without_saving(blocks):
    issues = units_validate(rows=[row("A", row=2), row("A", block="NOPE", row=3)])
    assert [issue.column for issue in issues] == ["code"] and Unit.objects.count() == Block.objects.count() - 3 == 0


def test_units_are_read_and_written_set_based_not_one_query_per_unit(blocks):
    units_import(rows=[row(f"U{n}") for n in range(300)])
    changed = [row(f"U{n}", "Tên mới") for n in range(300)] + [row(f"N{n}") for n in range(300)]
    with CaptureQueriesContext(connection) as queries:
        assert units_import(rows=changed) == (300, 300)
    sql = [q["sql"] for q in queries.captured_queries]
    assert [s.split(" FROM ")[1].split()[0] for s in sql if s.startswith("SELECT")] == ['"scoring_block"',
                                                                                       '"scoring_unit"']
    # Writes come in batches, sized by the database's parameter limit (on SQLite about 160 units a query).
    assert len([s for s in sql if s.startswith(("INSERT", "UPDATE")) and "scoring_unit" in s]) <= 6


def test_each_creation_and_change_is_written_to_the_audit_log(blocks, coordinator):
    units_import(rows=[row("SYT", "Sở Y tế")], user=coordinator)
    units_import(rows=[row("SYT", "Sở Y tế tỉnh Sơn Hà", block="XA")], user=coordinator)
    changes = AuditEntry.objects.filter(entity="unit", entity_id=Unit.objects.get(code="SYT").pk)
    assert set(changes.values_list("source", "actor")) == {(AuditSource.IMPORT, coordinator.pk)}
    assert set(changes.values_list("field", "old_value", "new_value")) == {
        ("code", "", "SYT"), ("name", "", "Sở Y tế"), ("block", "", "SO"),
        ("name", "Sở Y tế", "Sở Y tế tỉnh Sơn Hà"), ("block", "SO", "XA"),
    }


def test_a_new_unit_logs_its_group_and_flags_only_where_they_differ_from_the_defaults(blocks):
    units_import(rows=[row("BQL", ranked=False, group="Ban")])
    fields = AuditEntry.objects.filter(entity="unit").values_list("field", "new_value")
    assert set(fields) == {("code", "BQL"), ("name", "Đơn vị BQL"), ("block", "SO"), ("group", "Ban"),
                           ("ranked", "false")}
