from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring.demo.dti import dti_sample_spec
from scoring.excel.frameworks import read_framework_workbook
from scoring.models import Agency, Framework, Role
from scoring.services.frameworks import framework_import

from ..conftest import make_block, make_user
from .framework_workbooks import SAMPLE, criteria_rows, framework_xlsx

LIST = reverse("scoring:framework_list")
IMPORT = reverse("scoring:framework_import")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sample(personas):
    make_block("SO")
    spec, _issues = read_framework_workbook(SAMPLE)
    return framework_import(spec=spec)[0]


def detail(framework, **query):
    url = reverse("scoring:framework_detail", args=[framework.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def upload(client, content=None, name="khung.xlsx"):
    content = framework_xlsx() if content is None else content
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def codes(response):
    return [row.code for row in response.context["rows"]]


# --- List -------------------------------------------------------------------------------------------------------


def test_the_list_shows_year_block_name_version_revision_and_lock(client, leader, sample):
    Framework.objects.filter(pk=sample.pk).update(locked_at=timezone.now())
    client.force_login(leader)

    response = client.get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bộ chỉ số cải cách hành chính cấp tỉnh năm 2017" in page and "2948/2017" in page
    assert "Đã khóa" in page
    assert response.context["frameworks"][0].leaf_count == sample.criteria.exclude(method="").count() == 86


def test_the_list_filters_by_year_and_block(client, leader, sample):
    make_block("XA", "Khối xã", 3)
    other = Framework.objects.create(year=2025, block=make_block("XA"), code="X", name="Khung xã", version="v")
    client.force_login(leader)

    assert list(client.get(LIST, {"year": 2025}).context["frameworks"]) == [other]
    assert list(client.get(LIST, {"block": "SO"}).context["frameworks"]) == [sample]
    assert list(client.get(LIST, {"year": "abc"}).context["frameworks"]) == [other, sample]


def test_an_empty_list_invites_managers_to_import(client, coordinator):
    client.force_login(coordinator)

    page = client.get(LIST).content.decode()

    assert "Chưa có bộ chỉ số nào." in page and IMPORT in page


def test_an_empty_list_offers_no_import_to_other_roles(client, leader):
    client.force_login(leader)

    page = client.get(LIST).content.decode()

    assert "Chưa có bộ chỉ số nào." in page and IMPORT not in page


# --- Detail -----------------------------------------------------------------------------------------------------


def test_the_detail_shows_the_tree_with_readable_rules(client, unit_officer, sample):
    client.force_login(unit_officer)

    response = client.get(detail(sample))

    page = response.content.decode()
    assert len(codes(response)) == 128
    assert "Chọn mức: Ban hành đúng hạn = 1; Ban hành chậm = 0,5; Không ban hành = 0" in page
    assert "Theo tỷ lệ: ≥ 100% → 2,5; ≥ 95% → 2; ≥ 90% → 1,5; ≥ 70% → 1; ≥ 0% → 0" in page
    assert "Trừ 0,25 điểm mỗi lần vi phạm, thấp nhất 0" in page
    assert "Theo kết quả điều tra xã hội học" in page
    assert "Chấm trực tiếp, bước 0,25" in page and "Tỷ lệ thuận" in page
    assert "<td class=\"num\">14,5</td>" in page
    assert "Bắt buộc" in page and "Xuất sắc" in page
    assert "Kế hoạch ban hành trước ngày 31/12 của năm trước năm kế hoạch.<br>" in page
    assert "js/tree-filter.js" in page and "data-print" in page


def test_the_detail_names_agencies_and_shows_unnamed_ones_by_code(client, leader, sample):
    client.force_login(leader)
    Agency.objects.filter(code="STP").update(name="Sở Tư pháp")

    rows = {row.code: row for row in client.get(detail(sample)).context["rows"]}

    assert rows["2.1.1"].agency == "Sở Tư pháp"
    assert rows["3.1.1"].agency == "VPUBND"


def test_searching_keeps_the_ancestors_of_matches(client, leader, sample):
    client.force_login(leader)

    response = client.get(detail(sample, q="ISO"))

    assert codes(response) == ["7", "7.3"]
    assert [row.matched for row in response.context["rows"]] == [False, True]


def test_searching_ignores_diacritics_and_case(client, leader, sample):
    client.force_login(leader)

    response = client.get(detail(sample, q="xin loi NGUOI dan"))

    assert codes(response) == ["3", "3.3", "3.3.3"]


def test_a_search_without_matches_says_so(client, leader, sample):
    client.force_login(leader)

    response = client.get(detail(sample, q="không-có-gì"))

    assert codes(response) == []
    assert "Không có tiêu chí nào khớp" in response.content.decode()


def test_the_export_downloads_a_workbook_that_reads_back(client, leader, sample):
    client.force_login(leader)

    response = client.get(reverse("scoring:framework_export", args=[sample.pk]))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="khung-chi-so-2017-so-lan-1.xlsx"' in response["Content-Disposition"]
    spec, issues = read_framework_workbook(BytesIO(response.content))
    assert issues == [] and spec.max_total == 100


# --- Import -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.UNIT_OFFICER, Role.UNIT_HEAD, Role.LEADER])
def test_only_managers_may_import(client, personas, media_root, role):
    client.force_login(personas[role])

    assert client.get(IMPORT).status_code == 403
    assert upload(client).status_code == 403
    assert client.get(reverse("scoring:framework_template")).status_code == 403
    assert not list(media_root.glob("staging/*.xlsx"))


def test_the_template_downloads_for_managers(client, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("scoring:framework_template"))

    assert 'filename="mau-khung-chi-so.xlsx"' in response["Content-Disposition"]


def test_an_upload_is_staged_and_previewed(client, coordinator, media_root):
    make_block("SO")
    client.force_login(coordinator)

    response = upload(client)

    token = client.session["framework_uploads"][-1]
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:framework_import_confirm", args=[token])
    assert (media_root / "staging" / f"{token}.xlsx").exists()
    preview = client.get(response["Location"])
    page = preview.content.decode()
    assert codes(preview) == ["1", "1.1", "1.2", "2", "2.1", "3", "3.1"]
    assert "Xác nhận nhập" in page and "tạo bộ chỉ số mới" in page
    assert "SNV (mã mới)" in page and "Khá" in page
    assert Framework.objects.count() == 0


def test_confirming_saves_the_framework_and_deletes_the_staged_file(client, coordinator, media_root):
    make_block("SO")
    client.force_login(coordinator)
    url = upload(client)["Location"]
    token = client.session["framework_uploads"][-1]

    response = client.post(url, {"confirm": "1"}, follow=True)

    framework = Framework.objects.get()
    assert response.redirect_chain[-1][0] == detail(framework)
    assert "tạo mới, lần sửa đổi 1" in response.content.decode()
    assert framework.created_by == coordinator and framework.criteria.count() == 7
    assert not (media_root / "staging" / f"{token}.xlsx").exists()
    assert token not in client.session["framework_uploads"]
    assert client.get(url).status_code == 404


def test_re_importing_a_locked_framework_says_a_new_revision_was_made(client, coordinator):
    make_block("SO")
    client.force_login(coordinator)
    client.post(upload(client)["Location"], {"confirm": "1"})
    Framework.objects.update(locked_at=timezone.now())

    response = client.post(upload(client)["Location"], {"confirm": "1"}, follow=True)

    assert "lần sửa đổi 1 đã khóa nên đã tạo lần sửa đổi 2" in response.content.decode()
    assert sorted(Framework.objects.values_list("revision", flat=True)) == [1, 2]


def test_re_importing_an_unlocked_framework_says_it_replaced_it(client, coordinator):
    make_block("SO")
    client.force_login(coordinator)
    client.post(upload(client)["Location"], {"confirm": "1"})
    preview = client.get(upload(client)["Location"])

    response = client.post(preview.wsgi_request.path, {"confirm": "1"}, follow=True)

    assert "thay thế toàn bộ nội dung lần sửa đổi 1" in preview.content.decode()
    assert "thay thế nội dung lần sửa đổi 1" in response.content.decode()
    assert Framework.objects.count() == 1


def test_the_preview_lists_errors_by_sheet_row_and_column_and_offers_no_confirmation(client, coordinator):
    make_block("SO")
    client.force_login(coordinator)
    broken = framework_xlsx(criteria=criteria_rows({"1.2": {"max_points": "một"}, "2.1": {"method": "khảo sát"}}),
                            header={"block": "TINH"})

    url = upload(client, broken)["Location"]
    page = client.get(url).content.decode()

    assert "Sheet `criteria`, dòng 4, cột max_points: «một» không phải là số" in page
    assert "Sheet `criteria`, dòng 6, cột method: Phương pháp «khảo sát» không hợp lệ" in page
    assert "Sheet `framework`, dòng 5, cột value: Khối «TINH» không có trong danh mục" in page
    assert "Xác nhận nhập" not in page
    client.post(url, {"confirm": "1"})
    assert Framework.objects.count() == 0


def test_cancelling_discards_the_staged_file(client, coordinator, media_root):
    client.force_login(coordinator)
    url = upload(client)["Location"]
    token = client.session["framework_uploads"][-1]

    response = client.post(url, {"cancel": "1"})

    assert response["Location"] == IMPORT
    assert not (media_root / "staging" / f"{token}.xlsx").exists()


def test_a_token_from_another_session_is_not_found(client, coordinator):
    other = make_user("dieuphoi2", Role.COORDINATOR)
    client.force_login(coordinator)
    url = upload(client)["Location"]
    client.force_login(other)

    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404


@pytest.mark.parametrize("name, content, message", [
    ("khung.xls", framework_xlsx(), "Chỉ nhận tệp Excel có đuôi .xlsx."),
    ("khung.csv", b"code,title", "Chỉ nhận tệp Excel có đuôi .xlsx."),
    ("khung.xlsx", b"this is not a workbook", "Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ"),
    ("khung.xlsx", b"PK\x03\x04" + b"\0" * 100, "Không đọc được tệp"),
])
def test_a_bad_upload_gets_a_clear_message_and_nothing_is_staged(client, coordinator, media_root, name, content,
                                                                 message):
    client.force_login(coordinator)

    response = upload(client, content, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not list(media_root.glob("staging/*.xlsx"))


def test_an_upload_over_5_mb_is_refused(client, coordinator, media_root):
    client.force_login(coordinator)

    response = upload(client, b"PK" + b"\0" * (5 * 1024 * 1024))

    assert "Tệp lớn hơn 5 MB." in response.content.decode()
    assert not list(media_root.glob("staging/*.xlsx"))


def test_the_upload_limit_follows_the_setting_on_the_page_and_in_the_refusal(client, coordinator, media_root,
                                                                              settings):
    settings.UPLOAD_MAX_MB, settings.UPLOAD_MAX_BYTES = 1, 1024 * 1024
    client.force_login(coordinator)

    page = client.get(reverse("scoring:framework_import")).content.decode()
    response = upload(client, b"PK" + b"\0" * (1024 * 1024 + 1))

    assert "tối đa 1 MB" in page and "Tệp lớn hơn 1 MB." in response.content.decode()


# --- Pillars ----------------------------------------------------------------------------------------------------


def test_the_detail_shows_the_pillars_and_each_leafs_pillar(client, leader, personas):
    make_block("SO")
    framework = framework_import(spec=dti_sample_spec())[0]
    client.force_login(leader)

    response = client.get(detail(framework))

    page = response.content.decode()
    assert [(row.code, row.leaves, row.max_points) for row in response.context["pillars"]] == [
        ("NT", 11, 485), ("CQS", 6, 360), ("KTS", 2, 90), ("XHS", 2, 65)]
    assert 'id="pillars"' in page and "Nền tảng chung" in page
    assert {row.code: row.pillar for row in response.context["rows"]}["5.4"] == "Kinh tế số"
    assert [row.code for row in client.get(detail(framework, q="xa hoi so")).context["rows"]] == [
        "1", "1.3", "7", "7.3"]


def test_the_detail_of_a_framework_without_pillars_has_no_pillar_column(client, leader, sample):
    client.force_login(leader)

    page = client.get(detail(sample)).content.decode()

    assert 'id="pillars"' not in page and "Trụ cột" not in page


def test_a_dti_workbook_is_previewed_with_its_index_and_saved_as_a_dti_framework(client, coordinator, media_root):
    make_block("SO")
    client.force_login(coordinator)

    url = upload(client, framework_xlsx(header={"index": "DTI"}))["Location"]
    assert "Bộ chỉ số thử nghiệm · DTI ·" in client.get(url).content.decode()
    client.post(url, {"confirm": "1"})

    framework = Framework.objects.get()
    assert (framework.index_code, framework.revision) == ("DTI", 1)
    listing = client.get(reverse("scoring:framework_list")).content.decode()
    assert "<td>DTI</td>" in listing


def test_a_workbook_naming_an_unknown_index_is_refused_at_its_cell(client, coordinator):
    make_block("SO")
    client.force_login(coordinator)

    page = client.get(upload(client, framework_xlsx(header={"index": "ABC"}))["Location"]).content.decode()

    assert "Sheet `framework`, dòng 11, cột value: Chỉ số «ABC» không có trong danh mục" in page
    assert "Xác nhận nhập" not in page
