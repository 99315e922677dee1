import pytest
from django.urls import reverse

from scoring.models import Framework, Role, Unit
from tests.conftest import make_block, make_unit, make_user

LIST = reverse("scoring:unit_list")


def detail(unit):
    return reverse("scoring:unit_detail", args=[unit.pk])


def make_framework(block, year, revision=1):
    return Framework.objects.create(year=year, block=block, revision=revision, code=f"{block.code}-{year}",
                                    name=f"Bộ chỉ số {block.code} {year} lần {revision}", version="876/2022")


def listed_codes(response):
    return [unit.code for unit in response.context["page"].object_list]


@pytest.fixture
def province(own_unit, other_unit):
    """Two departments (SNV, STC) from conftest, a district and two communes in two groups."""
    huyen, xa = make_block("HUYEN", "Khối huyện", 2), make_block("XA", "Khối xã", 3)
    make_unit("H-ANLAC", "Huyện An Lạc", block=huyen)
    make_unit("XA-001", "Phường Quang Trung", block=xa, group="Phường, thị trấn")
    make_unit("XA-002", "Xã An Phú", block=xa, group="Xã", ranked=False)
    return {"own": own_unit, "other": other_unit}


# --- Access ------------------------------------------------------------------------------------------------------


def test_the_unit_pages_require_signing_in(client, province):
    for url in (LIST, detail(province["own"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.UNIT_HEAD])
def test_a_unit_user_sees_only_their_own_unit_in_the_list(client, personas, province, role):
    client.force_login(personas[role])
    response = client.get(LIST)
    assert listed_codes(response) == ["SNV"]
    assert "Sở Tài chính" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.UNIT_HEAD])
def test_a_unit_user_gets_not_found_for_another_units_page(client, personas, province, role):
    client.force_login(personas[role])
    assert client.get(detail(province["other"])).status_code == 404
    assert client.get(detail(province["own"])).status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.APPRAISER, Role.LEADER])
def test_the_board_and_leaders_see_every_unit(client, personas, province, role):
    client.force_login(personas[role])
    assert listed_codes(client.get(LIST)) == ["SNV", "STC", "H-ANLAC", "XA-001", "XA-002"]
    assert client.get(detail(province["other"])).status_code == 200


def test_a_unit_that_does_not_exist_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("scoring:unit_detail", args=[999999])).status_code == 404


# --- Search, filters, pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, codes", [
    ("?q=xa-00", ["XA-001", "XA-002"]),
    ("?q=an", ["H-ANLAC", "XA-001", "XA-002"]),
    ("?q=quang+trung", ["XA-001"]),
    ("?block=XA", ["XA-001", "XA-002"]),
    ("?block=HUYEN&q=An", ["H-ANLAC"]),
    ("?ranked=no", ["XA-002"]),
    ("?ranked=yes&block=XA", ["XA-001"]),
    ("?ranked=maybe", ["SNV", "STC", "H-ANLAC", "XA-001", "XA-002"]),
])
def test_the_list_searches_by_code_or_name_and_filters_by_block_and_ranking(client, coordinator, province, query,
                                                                            codes):
    client.force_login(coordinator)
    assert listed_codes(client.get(LIST + query)) == codes


def test_the_block_filter_offers_the_blocks_of_the_visible_units(client, coordinator, unit_officer, province):
    client.force_login(coordinator)
    assert [b.code for b in client.get(LIST).context["blocks"]] == ["SO", "HUYEN", "XA"]
    client.force_login(unit_officer)
    assert [b.code for b in client.get(LIST).context["blocks"]] == ["SO"]


def test_the_list_shows_fifty_units_a_page_and_page_links_keep_the_filters(client, coordinator):
    xa = make_block("XA", "Khối xã", 3)
    Unit.objects.bulk_create([Unit(code=f"XA-{n:03d}", name=f"Xã số {n}", block=xa) for n in range(1, 121)])
    client.force_login(coordinator)
    first = client.get(LIST + "?block=XA&q=X%C3%A3")
    assert len(listed_codes(first)) == 50
    assert "?block=XA&amp;q=X%C3%A3&amp;page=2" in first.content.decode()
    last = client.get(LIST + "?block=XA&q=X%C3%A3&page=3")
    assert listed_codes(last) == [f"XA-{n:03d}" for n in range(101, 121)]
    assert "Trang 3 / 3" in last.content.decode()


def test_a_page_number_out_of_range_shows_the_last_page(client, coordinator, province):
    client.force_login(coordinator)
    assert client.get(LIST + "?page=99").context["page"].number == 1


def test_a_search_without_results_says_so(client, coordinator, province):
    client.force_login(coordinator)
    response = client.get(LIST + "?q=không-có-đơn-vị-này")
    assert "Không có đơn vị nào khớp với điều kiện tìm kiếm." in response.content.decode()


def test_an_empty_province_explains_how_to_add_units(client, db):
    client.force_login(make_user("dieuphoi", Role.COORDINATOR))
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Chưa có đơn vị nào." in response.content.decode()


# --- Detail ------------------------------------------------------------------------------------------------------


def test_the_detail_shows_the_unit_and_its_blocks_current_frameworks(client, coordinator, province):
    so = province["own"].block
    make_framework(so, 2024)
    old, current = make_framework(so, 2025, 1), make_framework(so, 2025, 2)
    make_framework(make_block("XA"), 2025)
    client.force_login(coordinator)
    response = client.get(detail(province["own"]))
    assert [fw.name for fw in response.context["frameworks"]] == ["Bộ chỉ số SO 2025 lần 2", "Bộ chỉ số SO 2024 lần 1"]
    html = response.content.decode()
    assert "Sở Nội vụ" in html and reverse("scoring:framework_detail", args=[current.pk]) in html
    assert reverse("scoring:framework_detail", args=[old.pk]) not in html


def test_the_detail_of_a_unit_not_ranked_says_it_is_scored_but_not_ranked(client, coordinator, province):
    client.force_login(coordinator)
    response = client.get(detail(Unit.objects.get(code="XA-002")))
    html = response.content.decode()
    assert "được chấm điểm nhưng không xếp hạng" in html and "Phường, thị trấn" not in html and "Xã" in html


def test_the_detail_of_a_block_without_frameworks_says_so(client, unit_officer, province):
    client.force_login(unit_officer)
    assert "Khối này chưa có bộ chỉ số nào." in client.get(detail(province["own"])).content.decode()


# --- History (domain.md, rule 13) ---------------------------------------------------------------------------------


def test_a_unit_page_shows_the_units_it_came_from_and_went_to(client, province, coordinator):
    merged = Unit.objects.get(code="XA-001")
    old = [make_unit("XA-OLD1", "Xã Cũ Một", block=merged.block), make_unit("XA-OLD2", "Xã Cũ Hai", block=merged.block)]
    merged.predecessors.set(old)
    client.force_login(coordinator)

    page = client.get(detail(merged)).content.decode()
    old_page = client.get(detail(old[0])).content.decode()

    assert "Hình thành từ" in page and "Xã Cũ Một" in page and "Xã Cũ Hai" in page
    assert "Đã sáp nhập / chuyển thành" in old_page and detail(merged) in old_page


def test_a_unit_user_sees_its_successor_named_but_not_linked_when_it_may_not_open_it(client, province, unit_officer):
    province["own"].successors.set([province["other"]])
    client.force_login(unit_officer)

    page = client.get(detail(province["own"])).content.decode()

    assert "Sở Tài chính (STC)" in page and detail(province["other"]) not in page
