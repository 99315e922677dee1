import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring.models import Agency, AuditEntry, Block, Cycle, Role, Unit
from scoring.selectors.setup import setup_checklist
from tests.conftest import make_agency, make_block, make_framework, make_unit, make_user

from .units_workbooks import units_xlsx

SETUP = reverse("scoring:setup")
YEAR = timezone.localdate().year


def items(**_ignored):
    return {item.key: item for item in setup_checklist(year=YEAR)}


def test_on_an_empty_installation_everything_is_missing_and_each_item_links_to_its_fix(db):
    checklist = items()

    assert [key for key, item in checklist.items() if item.done] == []
    assert checklist["blocks"].fix_url == checklist["units"].fix_url == reverse("scoring:unit_import")
    assert checklist["frameworks"].fix_url == reverse("scoring:framework_import")
    assert checklist["cycles"].fix_url == reverse("scoring:cycle_create")


def test_unit_accounts_are_missing_until_every_unit_of_a_block_in_play_has_an_officer_and_a_head(db):
    block = make_block()
    first, second = make_unit("SNV", block=block), make_unit("STC", block=block)
    make_framework(year=YEAR, block=block)
    make_user("canbo.snv", Role.UNIT_OFFICER, unit=first)

    accounts = items()["accounts"]
    assert not accounts.done and accounts.missing == ["SNV thiếu thủ trưởng", "STC thiếu cán bộ và thủ trưởng"]

    make_user("thutruong.snv", Role.UNIT_HEAD, unit=first)
    make_user("canbo.stc", Role.UNIT_OFFICER, unit=second)
    make_user("thutruong.stc", Role.UNIT_HEAD, unit=second)
    assert items()["accounts"].done


def test_agencies_need_a_name_and_an_active_appraiser(db):
    agency = Agency.objects.create(code="STTTT")
    assert items()["agencies"].missing == ["STTTT chưa có tên", "STTTT chưa có thành viên thẩm định"]

    Agency.objects.filter(pk=agency.pk).update(name="Sở Thông tin và Truyền thông")
    make_user("thamdinh.stttt", Role.APPRAISER, agency=agency)
    assert items()["agencies"].done


def test_an_administrators_home_starts_with_the_checklist_until_everything_is_in_place(client, personas):
    client.force_login(personas[Role.ADMIN])
    assert client.get(reverse("home")).context["setup_items"]

    block = Block.objects.get()
    framework = make_framework(year=YEAR, block=block)
    Cycle.objects.create(year=YEAR, block=block, framework=framework)
    make_user("thutruong.stc", Role.UNIT_HEAD, unit=make_unit("STC", block=block))
    make_user("canbo.stc", Role.UNIT_OFFICER, unit=Unit.objects.get(code="STC"))
    assert all(item.done for item in setup_checklist(year=YEAR))
    assert client.get(reverse("home")).context["setup_items"] is None


def test_a_coordinators_home_does_not_start_with_the_checklist(client, coordinator):
    client.force_login(coordinator)
    assert "setup_items" not in client.get(reverse("home")).context
    assert client.get(SETUP).status_code == 200


def test_the_blocks_page_renames_and_orders_blocks_audited(client, coordinator):
    make_block("XA", "Khối xã", 3)
    client.force_login(coordinator)
    page = client.get(reverse("scoring:block_list"))
    assert [block.code for block, _form in page.context["rows"]] == ["SO", "XA"]

    client.post(reverse("scoring:block_list"), {
        "blocks-TOTAL_FORMS": "2", "blocks-INITIAL_FORMS": "2",
        "blocks-0-name": "Khối sở, ban, ngành", "blocks-0-position": "5",
        "blocks-1-name": "Khối xã, phường", "blocks-1-position": "1"})

    assert list(Block.objects.values_list("code", "name")) == [("XA", "Khối xã, phường"), ("SO", "Khối sở, ban, ngành")]
    assert AuditEntry.objects.filter(entity="block", actor=coordinator).count() == 3


def test_the_agencies_page_names_agencies_and_shows_their_members(client, coordinator, personas):
    unnamed = Agency.objects.create(code="SXD")
    client.force_login(coordinator)

    client.post(reverse("scoring:agency_list"), {
        "agencies-TOTAL_FORMS": "2", "agencies-INITIAL_FORMS": "2",
        "agencies-0-name": "Sở Tư pháp", "agencies-1-name": "Sở Xây dựng"})
    detail = client.get(reverse("scoring:agency_detail", args=[make_agency().pk])).content.decode()

    assert Agency.objects.get(pk=unnamed.pk).name == "Sở Xây dựng"
    assert AuditEntry.objects.filter(entity="agency", entity_id=unnamed.pk, new_value="Sở Xây dựng").exists()
    assert "thamdinh" in detail


def test_the_units_workbook_is_previewed_then_imported_with_its_blocks_in_the_browser(client, personas):
    client.force_login(personas[Role.ADMIN])
    content = units_xlsx([("XA-001", "Xã An Phú", "XA", "", "có")], blocks=[("XA", "Khối xã, phường", 3)])

    confirm = client.post(reverse("scoring:unit_import"), {"file": SimpleUploadedFile("don-vi.xlsx", content)}).url
    preview = client.get(confirm)
    assert preview.context["new_count"] == 1 and not Unit.objects.filter(code="XA-001").exists()

    done = client.post(confirm, {"confirm": "1"})

    assert done.url == reverse("scoring:unit_list")
    assert Unit.objects.get(code="XA-001").block.name == "Khối xã, phường"


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.UNIT_OFFICER, Role.LEADER])
def test_only_managers_open_the_onboarding_pages(client, personas, role):
    client.force_login(personas[role])
    for route in ("scoring:setup", "scoring:block_list", "scoring:agency_list", "scoring:unit_import",
                  "scoring:account_list"):
        assert client.get(reverse(route)).status_code == 403


def test_a_block_needs_its_par_cycle_and_a_cycle_of_every_other_index_framed_that_year(db):
    from scoring.models import Index
    from scoring.services.cycles import cycle_open
    block = make_block()
    make_unit("S1", block=block)
    make_framework(year=YEAR, block=block)
    make_framework(year=YEAR, block=block, index=Index.objects.standard("DTI"))

    cycle_open(year=YEAR, block=block, user=None, deadlines={})

    assert items()["frameworks"].done
    assert not items()["cycles"].done and f"{block.code} (DTI)" in items()["cycles"].summary
    cycle_open(year=YEAR, block=block, user=None, deadlines={}, index_code="DTI")
    assert items()["cycles"].done and Cycle.objects.filter(year=YEAR, block=block).count() == 2
