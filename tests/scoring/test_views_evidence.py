from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from scoring.models import AssessmentStatus, AuditEntry, Evidence, EvidenceFile, Role
from scoring.selectors.evidence import evidence_panel
from scoring.services.evidence import evidence_add
from tests.conftest import make_user

from .evidence_data import make_assessment, make_leaf_score, set_status
from .evidence_files import image_bytes, pdf_bytes, upload, xlsx_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def leaf(own_unit):
    return make_leaf_score(make_assessment(own_unit))


def signed_in(client, user):
    client.force_login(user)
    return client


def add(leaf, user, content=None, name="quyet-dinh.pdf", **fields):
    details = {"document_number": "12/QĐ-SNV", "issue_date": date(2024, 3, 15), "title": "Kế hoạch CCHC 2024",
               **fields}
    return evidence_add(leaf_score=leaf, user=user, upload=upload(name, content), **details)


def post_upload(client, leaf, content=None, name="quyet-dinh.pdf", **fields):
    data = {"file": upload(name, content), "document_number": "12/QĐ-SNV", "issue_date": "15/03/2024",
            "title": "Kế hoạch CCHC 2024", **fields}
    return client.post(reverse("scoring:evidence_upload", args=[leaf.pk]), data)


def leaf_page(leaf):
    return reverse("scoring:leaf_detail", args=[leaf.pk])


def evidence_page(leaf):
    return reverse("scoring:evidence_list", args=[leaf.pk])


# --- Upload ------------------------------------------------------------------------------------------------------


def test_an_officer_uploads_on_the_leaf_page_and_sees_the_document_listed(client, leaf, unit_officer):
    client = signed_in(client, unit_officer)

    response = post_upload(client, leaf, next=leaf_page(leaf))

    assert response.status_code == 302 and response.url == leaf_page(leaf)
    page = client.get(response.url).content.decode()
    assert "Đã thêm tài liệu «Kế hoạch CCHC 2024»." in page
    assert "Kế hoạch CCHC 2024" in page and "12/QĐ-SNV" in page and "15/03/2024" in page
    evidence = Evidence.objects.get()
    assert reverse("scoring:evidence_download", args=[evidence.pk]) in page
    assert (evidence.leaf_score, evidence.issue_date, evidence.added_by) == (leaf, date(2024, 3, 15), unit_officer)


def test_the_size_is_shown_with_a_decimal_comma(client, leaf, unit_officer):
    add(leaf, unit_officer, xlsx_bytes(), name="bao-cao.xlsx")
    size = EvidenceFile.objects.get().size
    expected = f"{size / 1024:.1f}".replace(".", ",") + "\xa0KB"

    page = signed_in(client, unit_officer).get(evidence_page(leaf)).content.decode()

    assert f"Excel · {expected}" in page


def test_an_iso_date_is_accepted_too(client, leaf, unit_officer):
    post_upload(signed_in(client, unit_officer), leaf, issue_date="2024-03-15")

    assert Evidence.objects.get().issue_date == date(2024, 3, 15)


def test_a_refused_upload_shows_the_reason_and_keeps_what_was_typed(client, leaf, unit_officer, media):
    response = post_upload(signed_in(client, unit_officer), leaf, image_bytes("png"), document_number="99/BC",
                           title="Báo cáo quý")

    page = response.content.decode()
    assert response.status_code == 200
    assert "mang đuôi PDF nhưng nội dung là tệp PNG" in page
    assert 'value="99/BC"' in page and 'value="Báo cáo quý"' in page and 'value="15/03/2024"' in page
    assert not Evidence.objects.exists() and not EvidenceFile.objects.exists()
    assert not [path for path in Path(media).rglob("*") if path.is_file()]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "", "Nhập trích yếu (tên) của tài liệu."),
    ("issue_date", "", "Nhập ngày ban hành (dd/mm/yyyy)."),
    ("issue_date", "31/02/2024", "Ngày ban hành nhập theo dạng dd/mm/yyyy."),
])
def test_missing_or_wrong_details_are_refused_with_a_message(client, leaf, unit_officer, field, value, message):
    response = post_upload(signed_in(client, unit_officer), leaf, **{field: value})

    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_without_a_file_the_form_asks_for_one(client, leaf, unit_officer):
    response = signed_in(client, unit_officer).post(reverse("scoring:evidence_upload", args=[leaf.pk]),
                                                    {"title": "Tài liệu", "issue_date": "15/03/2024"})

    assert "Chọn tệp cần tải lên." in response.content.decode()


def test_an_empty_file_is_refused_in_the_services_words(client, leaf, unit_officer):
    response = post_upload(signed_in(client, unit_officer), leaf, b"", name="rong.pdf")

    assert "Tệp «rong.pdf» rỗng (0 byte)." in response.content.decode()


def test_a_path_in_the_file_name_never_reaches_the_disk(client, leaf, unit_officer, media, tmp_path):
    """Django's parser keeps only the base name of a multipart file name; the bytes go under their hash."""
    boundary = "ranh-gioi"
    content = pdf_bytes()
    body = b"".join([
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nTài liệu\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="issue_date"\r\n\r\n15/03/2024\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode(), content, f"\r\n--{boundary}--\r\n".encode()])

    signed_in(client, unit_officer).generic("POST", reverse("scoring:evidence_upload", args=[leaf.pk]), body,
                                            content_type=f"multipart/form-data; boundary={boundary}")

    stored = EvidenceFile.objects.get()
    assert stored.original_name == "passwd.pdf"
    assert [path.relative_to(media).as_posix() for path in Path(media).rglob("*") if path.is_file()] == [
        stored.file.name]
    assert not (tmp_path / "etc").exists()


# --- Who may write -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.APPRAISER, Role.COORDINATOR, Role.ADMIN])
def test_leaders_appraisers_and_managers_may_not_upload_link_or_remove(client, leaf, personas, role):
    evidence = add(leaf, personas[Role.UNIT_OFFICER])
    client = signed_in(client, personas[role])

    assert post_upload(client, leaf).status_code == 403
    assert client.post(reverse("scoring:evidence_attach", args=[leaf.pk]), {"source": evidence.pk}).status_code == 403
    assert client.post(reverse("scoring:evidence_link", args=[leaf.pk]), {"source": evidence.pk}).status_code == 403
    assert client.post(reverse("scoring:evidence_remove", args=[evidence.pk])).status_code == 403
    assert Evidence.objects.count() == 1


def test_another_units_leaf_and_evidence_answer_404(client, leaf, unit_officer, other_unit):
    theirs_leaf = make_leaf_score(make_assessment(other_unit))
    theirs = add(theirs_leaf, make_user("canbo-stc", Role.UNIT_OFFICER, unit=other_unit))
    client = signed_in(client, unit_officer)

    assert client.get(evidence_page(theirs_leaf)).status_code == 404
    assert post_upload(client, theirs_leaf).status_code == 404
    assert client.get(reverse("scoring:evidence_download", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("scoring:evidence_remove", args=[theirs.pk])).status_code == 404
    # Citing their document on our own leaf: the source is looked up as ours, so it is not found either.
    assert client.post(reverse("scoring:evidence_attach", args=[leaf.pk]), {"source": theirs.pk}).status_code == 404
    assert client.post(reverse("scoring:evidence_link", args=[leaf.pk]), {"source": theirs.pk}).status_code == 404
    assert Evidence.objects.count() == 1


def test_a_read_only_state_says_why_and_offers_no_form(client, leaf, unit_officer):
    add(leaf, unit_officer)
    leaf = set_status(leaf, AssessmentStatus.SUBMITTED)
    client = signed_in(client, unit_officer)

    page = client.get(evidence_page(leaf)).content.decode()
    response = post_upload(client, leaf, image_bytes("jpg"), name="anh.jpg", next=evidence_page(leaf))

    assert "Hồ sơ đã gửi, đang chờ thẩm định." in page
    assert 'name="file"' not in page and ">Gỡ<" not in page
    assert response.status_code == 302
    assert "Hồ sơ đã gửi, đang chờ thẩm định." in client.get(response.url).content.decode()
    assert Evidence.objects.count() == 1


def test_after_the_deadline_the_page_gives_the_date(client, leaf, unit_officer):
    leaf = set_status(leaf, AssessmentStatus.DRAFT, self_assessment_deadline=date(2024, 12, 15))

    page = signed_in(client, unit_officer).get(evidence_page(leaf)).content.decode()

    assert "Đã hết hạn tự đánh giá ngày 15/12/2024." in page


def test_a_leader_reads_the_list_without_forms_or_reasons(client, leaf, unit_officer, leader):
    add(leaf, unit_officer)

    page = signed_in(client, leader).get(evidence_page(leaf)).content.decode()

    assert "Kế hoạch CCHC 2024" in page and "Tải về" in page
    assert 'name="file"' not in page and "evidence-reason" not in page


def test_during_an_explanation_round_the_form_says_new_documents_answer_the_board(client, leaf, unit_officer):
    leaf.explanation_question = "Bổ sung quyết định."
    leaf.save()
    leaf = set_status(leaf, AssessmentStatus.EXPLANATION_REQUESTED)
    client = signed_in(client, unit_officer)

    post_upload(client, leaf)
    page = client.get(evidence_page(leaf)).content.decode()

    assert Evidence.objects.get().for_explanation is True
    assert "Tài liệu thêm bây giờ được ghi là bổ sung khi giải trình." in page
    assert "bổ sung khi giải trình</span>" in page


# --- Attach, link, remove ----------------------------------------------------------------------------------------


def test_a_file_of_another_leaf_is_attached_without_a_new_upload(client, leaf, unit_officer, media):
    first = add(leaf, unit_officer)
    second_leaf = make_leaf_score(leaf.assessment, "1.2")
    client = signed_in(client, unit_officer)
    page = client.get(evidence_page(second_leaf)).content.decode()

    response = client.post(reverse("scoring:evidence_attach", args=[second_leaf.pk]), {"source": first.pk})

    assert f'<option value="{first.pk}">1.1 · Kế hoạch CCHC 2024 · 12/QĐ-SNV · 15/03/2024</option>' in page
    assert response.status_code == 302 and response.url == leaf_page(second_leaf)
    attached = Evidence.objects.get(leaf_score=second_leaf)
    assert (attached.file_id, attached.title, attached.linked_from) == (first.file_id, first.title, None)
    assert EvidenceFile.objects.count() == 1


def test_last_years_documents_are_offered_same_criterion_first_and_linked(client, own_unit, unit_officer):
    old_assessment = make_assessment(own_unit, year=2023)
    other_criterion = add(make_leaf_score(old_assessment, "1.2"), unit_officer, image_bytes("png"), "so-do.png",
                          title="Sơ đồ 2023", issue_date=date(2023, 5, 2))
    same_criterion = add(make_leaf_score(old_assessment, "1.1"), unit_officer, title="Kế hoạch 2023",
                         issue_date=date(2023, 1, 5))
    leaf = make_leaf_score(make_assessment(own_unit, year=2024), "1.1")
    client = signed_in(client, unit_officer)
    page = client.get(evidence_page(leaf)).content.decode()

    client.post(reverse("scoring:evidence_link", args=[leaf.pk]), {"source": same_criterion.pk})

    assert "Dùng lại tài liệu kiểm chứng năm 2023" in page
    assert page.index("Kế hoạch 2023") < page.index("Sơ đồ 2023")
    linked = Evidence.objects.get(leaf_score=leaf)
    assert (linked.linked_from, linked.file_id) == (same_criterion, same_criterion.file_id)
    after = client.get(evidence_page(leaf)).content.decode()
    assert "dùng lại từ năm trước" in after
    assert "Ngày ban hành ngoài năm đánh giá" in after  # dated 2023, cited for 2024
    assert other_criterion.pk not in [choice.pk for choice in evidence_panel(unit_officer, leaf)["attach_choices"]]


def test_reusing_without_a_choice_says_what_is_missing(client, leaf, unit_officer):
    response = signed_in(client, unit_officer).post(reverse("scoring:evidence_attach", args=[leaf.pk]),
                                                    {"source": "", "next": evidence_page(leaf)})

    assert "Chọn tài liệu cần dùng lại." in signed_in(client, unit_officer).get(response.url).content.decode()


def test_a_document_is_removed_and_the_removal_audited(client, leaf, unit_officer):
    evidence = add(leaf, unit_officer)
    client = signed_in(client, unit_officer)

    response = client.post(reverse("scoring:evidence_remove", args=[evidence.pk]),
                           {"next": evidence_page(leaf), "confirmed": "1"})

    assert response.url == evidence_page(leaf)
    assert "Đã gỡ tài liệu «Kế hoạch CCHC 2024»." in client.get(response.url).content.decode()
    assert not Evidence.objects.exists()
    assert AuditEntry.objects.filter(entity="evidence", entity_id=evidence.pk, new_value="").exists()


def test_a_removal_refused_by_the_state_is_reported(client, leaf, unit_officer):
    evidence = add(leaf, unit_officer)
    set_status(leaf, AssessmentStatus.IN_APPRAISAL)
    client = signed_in(client, unit_officer)

    response = client.post(reverse("scoring:evidence_remove", args=[evidence.pk]))

    assert "Hồ sơ đã gửi, đang thẩm định." in client.get(response.url).content.decode()
    assert Evidence.objects.count() == 1


def test_a_next_address_on_another_site_is_ignored(client, leaf, unit_officer):
    response = post_upload(signed_in(client, unit_officer), leaf, next="https://ke-gian.example/")

    assert response.url == leaf_page(leaf)


# --- Download ----------------------------------------------------------------------------------------------------


def test_a_download_is_an_attachment_with_an_ascii_fallback_and_the_exact_utf8_name(client, leaf, unit_officer,
                                                                                    leader):
    content = pdf_bytes()
    evidence = add(leaf, unit_officer, content, name="Quyết định 12.pdf")

    response = signed_in(client, leader).get(reverse("scoring:evidence_download", args=[evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="Quyet-dinh-12.pdf"; '
                                               "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(content))


def test_an_image_is_downloaded_with_its_detected_type_never_shown_inline(client, leaf, unit_officer):
    evidence = add(leaf, unit_officer, image_bytes("jpg"), name="anh.JPEG")

    response = signed_in(client, unit_officer).get(reverse("scoring:evidence_download", args=[evidence.pk]))

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith('attachment; filename="anh.JPEG"')


def test_a_file_missing_from_disk_answers_404_with_a_message(client, leaf, unit_officer, media):
    evidence = add(leaf, unit_officer)
    (Path(media) / evidence.file.file.name).unlink()

    response = signed_in(client, unit_officer).get(reverse("scoring:evidence_download", args=[evidence.pk]))

    assert response.status_code == 404


# --- The panel's queries -----------------------------------------------------------------------------------------


def test_the_panel_reads_in_two_queries_however_many_documents(leaf, unit_officer, django_assert_max_num_queries):
    other_leaf = make_leaf_score(leaf.assessment, "1.2")
    for number in range(6):
        add(leaf, unit_officer, pdf_bytes(f"Tai lieu {number}"), title=f"Tài liệu {number}")
        add(other_leaf, unit_officer, pdf_bytes(f"Khac {number}"), title=f"Khác {number}")
    leaf = type(leaf).objects.select_related("assessment__cycle", "assessment__unit", "criterion").get(pk=leaf.pk)

    with django_assert_max_num_queries(2):
        panel = evidence_panel(unit_officer, leaf)

    assert len(panel["items"]) == 6 and len(panel["attach_choices"]) == 6


def test_the_evidence_page_does_not_query_per_document(client, leaf, unit_officer, django_assert_max_num_queries):
    for number in range(8):
        add(leaf, unit_officer, pdf_bytes(f"Tai lieu {number}"), title=f"Tài liệu {number}")
    client = signed_in(client, unit_officer)
    client.get(evidence_page(leaf))  # session and language set up once

    with django_assert_max_num_queries(8):
        page = client.get(evidence_page(leaf)).content.decode()

    assert page.count("Tải về<span") == 8


def test_the_admin_shows_evidence_read_only_without_a_link_to_the_bytes(client, leaf, unit_officer, personas):
    evidence = add(leaf, unit_officer)
    client = signed_in(client, personas[Role.ADMIN])

    citation = client.get(reverse("admin:scoring_evidence_change", args=[evidence.pk]))
    stored = client.get(reverse("admin:scoring_evidencefile_change", args=[evidence.file_id]))

    assert citation.status_code == stored.status_code == 200
    assert "Kế hoạch CCHC 2024" in citation.content.decode()
    assert evidence.file.sha256 in stored.content.decode() and "/media/" not in stored.content.decode()
    assert client.get(reverse("admin:scoring_evidence_add")).status_code == 403
    assert client.post(reverse("admin:scoring_evidence_delete", args=[evidence.pk]), {"post": "yes"}).status_code == 403


def test_another_unit_uploading_the_same_bytes_downloads_them_under_its_own_name(client, leaf, unit_officer,
                                                                                 other_unit):
    other_officer = make_user("canbo-stc", Role.UNIT_OFFICER, unit=other_unit)
    other_leaf = make_leaf_score(make_assessment(other_unit))
    add(leaf, unit_officer, name="bao-cao-mat-snv.pdf")
    theirs = add(other_leaf, other_officer, name="bao-cao-stc.pdf")
    signed_in(client, other_officer)

    page = client.get(reverse("scoring:evidence_download", args=[theirs.pk]))
    api = client.get(reverse("scoring_api:evidence_download", args=[theirs.pk]))
    listed = client.get(reverse("scoring_api:evidence_list", args=[other_leaf.pk])).json()

    for response in (page, api):
        assert "bao-cao-stc.pdf" in response["Content-Disposition"]
        assert "snv" not in response["Content-Disposition"]
    assert [item["original_name"] for item in listed["results"]] == ["bao-cao-stc.pdf"]


def test_removing_a_document_first_asks_naming_it_and_removes_nothing(client, leaf, unit_officer):
    evidence = add(leaf, unit_officer)

    page = signed_in(client, unit_officer).post(reverse("scoring:evidence_remove", args=[evidence.pk]),
                                                {"next": evidence_page(leaf)})

    text = page.content.decode()
    assert 'id="confirm-step"' in text and "Kế hoạch CCHC 2024" in text
    assert f'href="{evidence_page(leaf)}"' in text  # cancel goes back where the user was
    assert Evidence.objects.count() == 1
