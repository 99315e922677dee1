"""The offline round trip in the browser: download, upload, preview, confirm; nothing saved before confirmation."""
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from scoring.models import AssessmentStatus, AuditEntry, AuditSource, Framework, LeafScore, Role
from tests.conftest import make_agency, make_user

from .test_excel_assessments import fill, make_assessment, make_rules_framework, save_leaf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def staging_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def assessment(own_unit):
    return make_assessment(own_unit, self_assessment_deadline=timezone.localdate() + timedelta(days=30))


@pytest.fixture
def officer(client, personas):
    client.force_login(personas[Role.UNIT_OFFICER])
    return personas[Role.UNIT_OFFICER]


def download(client, assessment):
    response = client.get(reverse("scoring:workbook_download", kwargs={"pk": assessment.pk}))
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def upload(client, assessment, content, name="tu-danh-gia.xlsx"):
    return client.post(reverse("scoring:workbook_upload", kwargs={"pk": assessment.pk}),
                       {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def filled(client, assessment, values):
    return fill(download(client, assessment), values).getvalue()


def leaf(assessment, code):
    return LeafScore.objects.get(assessment=assessment, criterion__code=code)


# --- Download ----------------------------------------------------------------------------------------------------


def test_the_unit_downloads_its_workbook_as_an_attachment(client, officer, assessment, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("scoring:workbook_download", kwargs={"pk": assessment.pk}))

    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="tu-danh-gia-snv-2024.xlsx"'
    assert load_workbook(BytesIO(response.content))["Tự đánh giá"]["A3"].value == "1.1"


@pytest.mark.parametrize(("role", "status"), [(Role.COORDINATOR, 200), (Role.ADMIN, 200), (Role.UNIT_HEAD, 200),
                                              (Role.APPRAISER, 403), (Role.LEADER, 403)])
def test_unit_users_and_managers_download_appraisers_and_leaders_do_not(client, personas, assessment, role, status):
    client.force_login(personas[role])

    assert client.get(reverse("scoring:workbook_download", kwargs={"pk": assessment.pk})).status_code == status


def test_another_units_workbook_is_not_found(client, officer, assessment, other_unit):
    other = make_assessment(other_unit, assessment.cycle.framework)

    assert client.get(reverse("scoring:workbook_download", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("scoring:workbook_upload", kwargs={"pk": other.pk})).status_code == 404


# --- Upload, preview, confirm ------------------------------------------------------------------------------------


def test_an_upload_is_previewed_leaf_by_leaf_and_nothing_is_saved_before_confirmation(client, officer, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("1"), self_inputs={"value": "1"})
    content = filled(client, assessment, {("1.1", "score"): 1.75, ("1.3", "numerator"): 91,
                                          ("1.3", "denominator"): 100, ("2.1", "na"): "Có",
                                          ("2.1", "na_reason"): "Không có thủ tục"})

    response = upload(client, assessment, content)
    preview = client.get(response.url)

    assert response.status_code == 302
    page = preview.content.decode()
    assert "Xác nhận sẽ lưu thay đổi ở 3 tiêu chí" in page
    rows = _changes_table(page)
    assert rows == [["1.1", "Tiêu chí 1.1", "1", "1,75", ""], ["1.3", "Tiêu chí 1.3", "—", "1,5", ""],
                    ["2.1", "Tiêu chí 2.1", "—", "Không áp dụng", "Lý do không áp dụng: Không có thủ tục"]]
    assert leaf(assessment, "1.1").self_score == Decimal("1")
    assert not AuditEntry.objects.exists()


def test_confirming_saves_the_leaves_and_audits_them_as_an_import(client, officer, assessment):
    content = filled(client, assessment, {("1.1", "score"): 1.75, ("1.1", "explanation"): "Đã ban hành kế hoạch",
                                          ("1.2", "choice"): "Chậm, có lý do", ("2.2", "occurrences"): 1})
    confirm_url = upload(client, assessment, content).url

    response = client.post(confirm_url, {"confirm": "1"})

    assert response.status_code == 302
    assert response.url == reverse("scoring:assessment_detail", kwargs={"pk": assessment.pk})
    assert [(leaf(assessment, code).self_score, leaf(assessment, code).self_inputs) for code in ("1.1", "1.2", "2.2")] \
        == [(Decimal("1.750"), {"value": "1.75"}), (Decimal("0.500"), {"choice": "Chậm, có lý do"}),
            (Decimal("1.500"), {"occurrences": "1"})]
    assert leaf(assessment, "1.1").explanation == "Đã ban hành kế hoạch"
    audit = AuditEntry.objects.filter(assessment_id=assessment.pk)
    assert {entry.source for entry in audit} == {AuditSource.IMPORT}
    assert {entry.actor for entry in audit} == {officer}
    assert audit.get(entity_id=leaf(assessment, "1.1").pk, field="self_score").new_value == "1.75"
    assert client.get(confirm_url).status_code == 404  # the staged file is gone


def test_bad_cells_are_listed_by_address_and_confirming_saves_nothing(client, officer, assessment):
    content = filled(client, assessment, {("1.1", "score"): 2.5, ("1.2", "choice"): "Sớm",
                                          ("1.3", "numerator"): 5, ("2.2", "occurrences"): 1})
    confirm_url = upload(client, assessment, content).url

    page = client.post(confirm_url, {"confirm": "1"}).content.decode()

    assert "Tệp có 3 lỗi: chưa lưu gì" in page
    assert "Ô G3 (tiêu chí 1.1): Điểm phải nằm trong khoảng 0 đến 2" in page
    assert "Ô H4 (tiêu chí 1.2): Lựa chọn «Sớm» không có trong quy tắc chấm điểm" in page
    assert "Ô J5 (tiêu chí 1.3): Chưa nhập mẫu số" in page
    assert 'name="confirm"' not in page
    assert LeafScore.objects.filter(assessment=assessment).exclude(self_score=None).count() == 0
    assert not AuditEntry.objects.exists()


def test_what_only_the_service_can_check_comes_back_on_its_cell_and_nothing_is_saved(client, officer, own_unit):
    framework = make_rules_framework()
    Framework.objects.filter(pk=framework.pk).update(bonus_cap=Decimal("0.25"))
    assessment = make_assessment(own_unit, framework)
    content = filled(client, assessment, {("3.1", "score"): 0.5, ("1.1", "score"): 1})
    confirm_url = upload(client, assessment, content).url

    page = client.post(confirm_url, {"confirm": "1"}).content.decode()

    assert "Ô G11 (tiêu chí 3.1): Tổng điểm thưởng đơn vị đề nghị sẽ là 0,5, vượt trần 0,25 của bộ chỉ số." in page
    assert leaf(assessment, "1.1").self_score is None
    assert not AuditEntry.objects.exists()


def test_a_workbook_of_another_unit_is_refused(client, officer, assessment, other_unit, personas):
    other = make_assessment(other_unit, assessment.cycle.framework)
    client.force_login(personas[Role.COORDINATOR])
    content = filled(client, other, {("1.1", "score"): 1})
    client.force_login(officer)

    page = client.post(upload(client, assessment, content).url, {"confirm": "1"}).content.decode()

    assert "Tệp này là sổ tự đánh giá của đơn vị STC năm 2024, không phải của hồ sơ SNV năm 2024" in page
    assert not LeafScore.objects.exclude(self_score=None).exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("ho-so.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel có đuôi .xlsx."),
    ("doi-ten.xlsx", b"%PDF-1.4 renamed", "Không đọc được tệp"),
    ("rong.xlsx", b"", "Tệp rỗng: hãy chọn sổ tự đánh giá đã điền."),
])
def test_a_file_that_is_not_an_xlsx_is_refused_with_a_clear_message(client, officer, assessment, name, content,
                                                                      message):
    response = upload(client, assessment, content, name)

    assert response.status_code == 200
    assert message in response.content.decode()


def test_uploads_are_refused_with_the_workflows_reason_once_the_deadline_has_passed(client, officer, own_unit):
    assessment = make_assessment(own_unit, self_assessment_deadline=date(2024, 12, 15))
    content = filled(client, assessment, {("1.1", "score"): 1})

    page = client.get(reverse("scoring:workbook_upload", kwargs={"pk": assessment.pk})).content.decode()
    response = upload(client, assessment, content)

    assert "Đã hết hạn tự đánh giá ngày 15/12/2024." in page and 'type="file"' not in page
    assert response.status_code == 403
    assert not client.session.get("workbook_uploads")


def test_a_file_submitted_between_preview_and_confirmation_is_not_changed(client, officer, assessment):
    confirm_url = upload(client, assessment, filled(client, assessment, {("1.1", "score"): 1})).url
    type(assessment).objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)

    page = client.post(confirm_url, {"confirm": "1"}).content.decode()

    assert "Hồ sơ đã gửi, đang chờ thẩm định." in page
    assert leaf(assessment, "1.1").self_score is None


def test_cancelling_forgets_the_staged_file(client, officer, assessment):
    confirm_url = upload(client, assessment, filled(client, assessment, {("1.1", "score"): 1})).url

    response = client.post(confirm_url, {"cancel": "1"})

    assert response.url == reverse("scoring:workbook_upload", kwargs={"pk": assessment.pk})
    assert client.get(confirm_url).status_code == 404


def test_a_staged_file_belongs_to_the_session_that_uploaded_it(client, officer, assessment, personas, own_unit):
    confirm_url = upload(client, assessment, filled(client, assessment, {("1.1", "score"): 1})).url
    client.force_login(personas[Role.UNIT_HEAD])

    assert client.get(confirm_url).status_code == 404


def test_only_the_units_own_users_upload(client, personas, assessment):
    agency = make_agency("SKHDT", "Sở Kế hoạch")
    for user in (personas[Role.COORDINATOR], personas[Role.LEADER], make_user("td2", Role.APPRAISER, agency=agency)):
        client.force_login(user)
        assert client.get(reverse("scoring:workbook_upload", kwargs={"pk": assessment.pk})).status_code == 403


def _changes_table(page):
    """The preview's rows as cell texts."""
    import re

    body = page.split('id="changes"')[1].split("</table>")[0].split("<tbody>")[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def test_a_refusal_under_the_services_lock_is_shown_with_its_reason(client, officer, assessment, monkeypatch):
    """The page checks the state before saving; the service checks it again under its lock, and wins a race."""
    from scoring.views import workbooks

    confirm_url = upload(client, assessment, filled(client, assessment, {("1.1", "score"): 1})).url
    permits = iter([workbooks.Permit(True)])

    def submitted_meanwhile(assessment):
        # The page's check passes; by the time the service locks the row, the head has submitted.
        type(assessment).objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
        return next(permits)

    monkeypatch.setattr(workbooks, "self_permit", submitted_meanwhile)

    page = client.post(confirm_url, {"confirm": "1"}).content.decode()

    assert "Hồ sơ đã gửi, đang chờ thẩm định." in page
    assert leaf(assessment, "1.1").self_score is None
