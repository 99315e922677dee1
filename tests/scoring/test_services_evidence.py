import hashlib
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files import File

from scoring.models import AssessmentStatus, AuditEntry, AuditSource, Evidence, EvidenceFile, Role
from scoring.services import evidence as service
from scoring.services.evidence import (EvidenceError, evidence_add, evidence_details, evidence_file_name,
                                      evidence_link, evidence_remove)
from tests.conftest import make_user

from .evidence_data import make_assessment, make_leaf_score, set_status
from .evidence_files import SAMPLES, docx_bytes, image_bytes, pdf_bytes, upload, zip_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def leaf(own_unit):
    return make_leaf_score(make_assessment(own_unit))


def add(leaf, user, content=None, name="quyet-dinh.pdf", **fields):
    details = {"document_number": "12/QĐ-SNV", "issue_date": date(2024, 3, 15), "title": "Kế hoạch CCHC 2024",
               **fields}
    return evidence_add(leaf_score=leaf, user=user, upload=upload(name, content), **details)


def files_on_disk(media):
    return sorted(path for path in Path(media).rglob("*") if path.is_file())


def assert_nothing_changed(media):
    assert not Evidence.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not AuditEntry.objects.filter(entity="evidence").exists()
    assert files_on_disk(media) == []


# --- Upload ------------------------------------------------------------------------------------------------------


def test_an_upload_is_stored_under_its_hash_and_cited_with_number_date_and_title(leaf, unit_officer, media):
    content = pdf_bytes()

    evidence = add(leaf, unit_officer, content)

    digest = hashlib.sha256(content).hexdigest()
    stored = evidence.file
    assert (stored.sha256, stored.size, stored.kind, stored.original_name) == (digest, len(content), "pdf",
                                                                                "quyet-dinh.pdf")
    assert stored.file.name == f"evidence/{digest[:2]}/{digest}.pdf"
    assert (Path(media) / stored.file.name).read_bytes() == content
    assert files_on_disk(media) == [Path(media) / stored.file.name]  # the incoming copy is gone
    assert (evidence.document_number, evidence.issue_date, evidence.title) == ("12/QĐ-SNV", date(2024, 3, 15),
                                                                               "Kế hoạch CCHC 2024")
    assert (evidence.added_by, evidence.for_explanation, evidence.linked_from) == (unit_officer, False, None)


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_accepted_kind_can_be_uploaded(leaf, unit_officer, kind):
    name, make = SAMPLES[kind]

    assert add(leaf, unit_officer, make(), name=name).file.kind == kind


def test_the_same_bytes_on_two_leaves_are_stored_once(own_unit, unit_officer, media):
    assessment = make_assessment(own_unit)
    first, second = make_leaf_score(assessment, "1.1"), make_leaf_score(assessment, "1.2")
    content = pdf_bytes()

    one = add(first, unit_officer, content, name="ban-goc.pdf")
    two = add(second, unit_officer, content, name="ban-sao.pdf", title="Bản sao")

    assert one.file_id == two.file_id
    assert EvidenceFile.objects.count() == 1 and len(files_on_disk(media)) == 1
    assert two.file.original_name == "ban-goc.pdf"  # the stored name is the first sender's
    assert (one.file_name, two.file_name) == ("ban-goc.pdf", "ban-sao.pdf")  # each citation keeps its own
    assert Evidence.objects.count() == 2


def test_the_same_bytes_from_another_unit_reuse_the_stored_file(leaf, unit_officer, other_unit, media):
    other_officer = make_user("canbo-stc", Role.UNIT_OFFICER, unit=other_unit)
    other_leaf = make_leaf_score(make_assessment(other_unit))
    content = pdf_bytes()

    add(leaf, unit_officer, content)
    add(other_leaf, other_officer, content)

    assert EvidenceFile.objects.count() == 1 and len(files_on_disk(media)) == 1


def test_each_upload_keeps_its_own_file_name_when_the_bytes_are_stored_once(leaf, unit_officer, other_unit, media):
    other_officer = make_user("canbo-stc", Role.UNIT_OFFICER, unit=other_unit)
    other_leaf = make_leaf_score(make_assessment(other_unit))
    content = pdf_bytes()

    mine = add(leaf, unit_officer, content, name="ke-hoach-mat-cua-so-noi-vu.pdf")
    theirs = add(other_leaf, other_officer, content, name="ke-hoach-stc.pdf")

    assert mine.file_id == theirs.file_id
    assert (mine.file_name, theirs.file_name) == ("ke-hoach-mat-cua-so-noi-vu.pdf", "ke-hoach-stc.pdf")


def test_a_stored_file_missing_from_disk_is_restored_by_the_next_upload_of_the_same_bytes(leaf, own_unit,
                                                                                            unit_officer, media):
    first = add(leaf, unit_officer)
    path = Path(media) / first.file.file.name
    path.unlink()

    add(make_leaf_score(leaf.assessment, "1.2"), unit_officer)

    assert path.read_bytes() == pdf_bytes()


def test_an_upload_and_a_removal_are_audited_with_title_and_hash_prefix(leaf, unit_officer):
    evidence = add(leaf, unit_officer)
    label = f"Kế hoạch CCHC 2024 ({evidence.file.sha256[:12]})"

    evidence_remove(evidence=evidence, user=unit_officer, source=AuditSource.API)

    added, removed = AuditEntry.objects.filter(entity="evidence").order_by("id")
    assert (added.entity_id, added.field, added.old_value, added.new_value) == (evidence.pk, "file", "", label)
    assert (removed.entity_id, removed.old_value, removed.new_value) == (evidence.pk, label, "")
    assert {added.assessment_id, removed.assessment_id} == {leaf.assessment_id}
    assert (added.actor, added.source, removed.source) == (unit_officer, AuditSource.UI, AuditSource.API)


def test_removing_a_citation_keeps_the_stored_bytes(leaf, unit_officer, media):
    evidence = add(leaf, unit_officer)

    evidence_remove(evidence=evidence, user=unit_officer)

    assert not Evidence.objects.exists()
    assert EvidenceFile.objects.count() == 1 and len(files_on_disk(media)) == 1


def test_the_same_file_twice_on_one_leaf_is_refused(leaf, unit_officer):
    add(leaf, unit_officer)

    with pytest.raises(EvidenceError, match="Tệp này đã có trong tài liệu kiểm chứng của tiêu chí 1.1"):
        add(leaf, unit_officer, title="Lần hai")
    assert Evidence.objects.count() == 1 and AuditEntry.objects.filter(entity="evidence").count() == 1


# --- Bad uploads change nothing ----------------------------------------------------------------------------------


def named(name, content):
    """An upload whose name reaches the service as sent (Django's own parser would have cut the path off)."""
    return File(BytesIO(content), name=name)


BAD_UPLOADS = {
    "a PNG renamed to .pdf": (upload("quyet-dinh.pdf", image_bytes("png")), "mang đuôi PDF nhưng nội dung là tệp PNG"),
    "a ZIP that is not DOCX": (upload("ke-hoach.docx", zip_bytes({"a.txt": "x"})), "không phải PDF, DOCX"),
    "text renamed to .docx": (upload("ke-hoach.docx", "Báo cáo".encode()), "có thể tệp đã bị đổi đuôi"),
    "a DOCX renamed to .xlsx": (upload("bao-cao.xlsx", docx_bytes()), "mang đuôi XLSX nhưng nội dung là tệp Word"),
    "an empty file": (upload("rong.pdf", b""), "«rong.pdf» rỗng (0 byte)"),
    "an extension not accepted": (upload("chay.exe", b"MZ\x90\x00"), "Chỉ nhận tệp PDF, DOCX, XLSX, DOC, XLS"),
    "a parent-directory path": (named("../../etc/passwd.pdf", pdf_bytes()), "chứa đường dẫn thư mục"),
    "a Windows path": (named("C:\\temp\\a.pdf", pdf_bytes()), "chứa đường dẫn thư mục"),
    "a NUL in the name": (named("a\x00.pdf", pdf_bytes()), "ký tự điều khiển"),
    "a control character": (named("bao\x07cao.pdf", pdf_bytes()), "ký tự điều khiển"),
    "a right-to-left override": (named("tai\u202efdp.exe.pdf", pdf_bytes()), "ký tự điều khiển"),
    "a name that is only dots": (named("...pdf", pdf_bytes()), "không hợp lệ"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_in_vietnamese_and_leaves_nothing(leaf, unit_officer, media, case):
    bad, message = BAD_UPLOADS[case]

    with pytest.raises(EvidenceError, match=re.escape(message)):
        evidence_add(leaf_score=leaf, user=unit_officer, upload=bad, document_number="", issue_date=None,
                     title="Tài liệu")
    assert_nothing_changed(media)


def test_a_file_over_the_configured_size_is_refused(leaf, unit_officer, media, settings):
    settings.EVIDENCE_MAX_MB = 1
    big = pdf_bytes() + b"\n%" + b"0" * (1024 * 1024)

    with pytest.raises(EvidenceError, match="lớn hơn 1 MB"):
        add(leaf, unit_officer, big)
    assert_nothing_changed(media)


def test_a_file_whose_declared_size_lies_is_measured_while_streaming(leaf, unit_officer, media, settings):
    settings.EVIDENCE_MAX_MB = 1
    lying = upload("quyet-dinh.pdf", pdf_bytes() + b"0" * (1024 * 1024))
    lying.size = 1000

    with pytest.raises(EvidenceError, match="lớn hơn 1 MB"):
        evidence_add(leaf_score=leaf, user=unit_officer, upload=lying, title="Tài liệu")
    assert_nothing_changed(media)


def test_a_failure_after_the_file_was_placed_takes_the_file_back(leaf, unit_officer, media, monkeypatch):
    def failing_cite(*args, **kwargs):
        raise RuntimeError("mất kết nối cơ sở dữ liệu")

    monkeypatch.setattr(service, "_cite", failing_cite)

    with pytest.raises(RuntimeError):
        add(leaf, unit_officer)
    assert_nothing_changed(media)


def test_the_display_name_is_a_cleaned_base_name():
    decomposed = "Quye\u0302\u0301t   \u0111i\u0323nh.pdf"  # NFD, as macOS sends it, with a run of spaces

    assert evidence_file_name(decomposed) == "Quyết định.pdf"
    long_name = evidence_file_name("a" * 300 + ".pdf")
    assert len(long_name) == 255 and long_name.endswith(".pdf")


@pytest.mark.parametrize(("given", "expected"), [
    ("15/03/2024", date(2024, 3, 15)), ("2024-03-15", date(2024, 3, 15)), (date(2024, 3, 15), date(2024, 3, 15)),
    ("", None), (None, None),
])
def test_issue_dates_are_read_as_dd_mm_yyyy_or_iso(given, expected):
    assert evidence_details("", given, "Tài liệu")[1] == expected


@pytest.mark.parametrize(("number", "issued", "title", "message"), [
    ("", "31/02/2024", "Tài liệu", "Ngày ban hành «31/02/2024» không hợp lệ; nhập theo dạng dd/mm/yyyy."),
    ("", None, "   ", "Nhập trích yếu (tên) của tài liệu."),
    ("x" * 101, None, "Tài liệu", "Số, ký hiệu văn bản dài quá 100 ký tự."),
    ("", None, "x" * 501, "Trích yếu dài quá 500 ký tự."),
])
def test_bad_details_are_refused_before_anything_is_read(leaf, unit_officer, media, number, issued, title, message):
    with pytest.raises(EvidenceError) as refusal:
        add(leaf, unit_officer, document_number=number, issue_date=issued, title=title)
    assert str(refusal.value) == message
    assert_nothing_changed(media)


# --- Who may write, and when -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.APPRAISER, Role.COORDINATOR, Role.ADMIN])
def test_only_the_units_own_users_write_its_evidence(leaf, personas, media, role):
    with pytest.raises(PermissionDenied):
        add(leaf, personas[role])
    assert_nothing_changed(media)


def test_another_units_officer_may_not_write_here(leaf, other_unit, media):
    with pytest.raises(PermissionDenied):
        add(leaf, make_user("canbo-stc", Role.UNIT_OFFICER, unit=other_unit))
    assert_nothing_changed(media)


def test_the_unit_head_may_add_too(leaf, personas):
    assert add(leaf, personas[Role.UNIT_HEAD]).added_by == personas[Role.UNIT_HEAD]


@pytest.mark.parametrize(("status", "cycle_fields", "reason"), [
    (AssessmentStatus.SUBMITTED, {}, "Hồ sơ đã gửi, đang chờ thẩm định."),
    (AssessmentStatus.IN_APPRAISAL, {}, "Hồ sơ đã gửi, đang thẩm định."),
    (AssessmentStatus.APPRAISED, {}, "Hồ sơ đã thẩm định xong; chỉ Sở Nội vụ có thể mở lại."),
    (AssessmentStatus.DRAFT, {"self_assessment_deadline": date(2024, 12, 15)},
     "Đã hết hạn tự đánh giá ngày 15/12/2024."),
    (AssessmentStatus.DRAFT, {"is_open": False}, "Kỳ đánh giá đã đóng."),
])
def test_a_read_only_state_refuses_with_its_reason_and_leaves_nothing(leaf, unit_officer, media, status,
                                                                       cycle_fields, reason):
    leaf = set_status(leaf, status, **cycle_fields)

    with pytest.raises(EvidenceError) as refusal:
        add(leaf, unit_officer)
    assert str(refusal.value) == reason
    assert_nothing_changed(media)


def test_a_submission_between_the_page_and_the_click_wins(leaf, unit_officer, media):
    """The page was opened while in draft; the assessment was submitted before the upload arrived."""
    set_status(leaf, AssessmentStatus.SUBMITTED)  # `leaf` still says draft

    with pytest.raises(EvidenceError, match="Hồ sơ đã gửi"):
        add(leaf, unit_officer)
    assert_nothing_changed(media)


def test_during_an_explanation_round_a_questioned_leaf_takes_new_evidence_marked_as_such(leaf, unit_officer):
    leaf.explanation_question = "Đề nghị bổ sung quyết định ban hành kế hoạch."
    leaf.save()
    leaf = set_status(leaf, AssessmentStatus.EXPLANATION_REQUESTED)

    evidence = add(leaf, unit_officer)

    assert evidence.for_explanation is True
    assert AuditEntry.objects.get(entity="evidence").reason == "Bổ sung khi giải trình"


def test_during_an_explanation_round_a_leaf_without_a_question_is_closed(leaf, unit_officer, media):
    leaf = set_status(leaf, AssessmentStatus.EXPLANATION_REQUESTED)

    with pytest.raises(EvidenceError, match="Hội đồng không yêu cầu giải trình tiêu chí này."):
        add(leaf, unit_officer)
    assert_nothing_changed(media)


def test_after_the_explanation_deadline_nothing_is_added(leaf, unit_officer, media):
    leaf.explanation_question = "Bổ sung tài liệu."
    leaf.save()
    leaf = set_status(leaf, AssessmentStatus.EXPLANATION_REQUESTED, explanation_deadline=date(2025, 1, 10))

    with pytest.raises(EvidenceError, match="Đã hết hạn giải trình ngày 10/01/2025."):
        add(leaf, unit_officer)


def test_during_an_explanation_round_only_the_documents_added_in_answer_can_be_withdrawn(leaf, unit_officer):
    first = add(leaf, unit_officer)
    leaf.explanation_question = "Bổ sung tài liệu."
    leaf.save()
    leaf = set_status(leaf, AssessmentStatus.EXPLANATION_REQUESTED)
    answer = add(leaf, unit_officer, image_bytes("png"), name="anh.png", title="Ảnh chụp")

    with pytest.raises(EvidenceError, match="chỉ gỡ được tài liệu bổ sung khi giải trình"):
        evidence_remove(evidence=first, user=unit_officer)
    evidence_remove(evidence=answer, user=unit_officer)

    assert list(Evidence.objects.all()) == [first]


def test_removal_is_refused_once_submitted(leaf, unit_officer):
    evidence = add(leaf, unit_officer)
    set_status(leaf, AssessmentStatus.SUBMITTED)

    with pytest.raises(EvidenceError, match="Hồ sơ đã gửi"):
        evidence_remove(evidence=Evidence.objects.get(pk=evidence.pk), user=unit_officer)
    assert Evidence.objects.count() == 1 and AuditEntry.objects.filter(entity="evidence").count() == 1


def test_a_survey_leaf_takes_no_evidence(own_unit, unit_officer):
    survey_leaf = make_leaf_score(make_assessment(own_unit), "2.1")

    with pytest.raises(EvidenceError, match="Tiêu chí điều tra xã hội học"):
        add(survey_leaf, unit_officer)


# --- Citing again: another leaf, last year -----------------------------------------------------------------------


def test_a_stored_file_is_cited_on_another_leaf_without_storing_it_again(leaf, unit_officer, media):
    first = add(leaf, unit_officer)
    other_leaf = make_leaf_score(leaf.assessment, "1.2")

    again = evidence_link(leaf_score=other_leaf, user=unit_officer, file=first.file, document_number="12/QĐ-SNV",
                          issue_date="15/03/2024", title="Kế hoạch CCHC 2024")

    assert (again.file_id, again.linked_from, again.leaf_score_id) == (first.file_id, None, other_leaf.pk)
    assert len(files_on_disk(media)) == 1
    assert AuditEntry.objects.filter(entity="evidence", entity_id=again.pk, field="file").exists()


def test_last_years_document_is_linked_and_remembers_where_it_came_from(own_unit, unit_officer):
    last_year = add(make_leaf_score(make_assessment(own_unit, year=2023)), unit_officer, title="Kế hoạch 2023")
    leaf = make_leaf_score(make_assessment(own_unit, year=2024))

    linked = evidence_link(leaf_score=leaf, user=unit_officer, file=last_year.file, linked_from=last_year,
                           document_number=last_year.document_number, issue_date=last_year.issue_date,
                           title=last_year.title)

    assert (linked.linked_from, linked.file_id, linked.title) == (last_year, last_year.file_id, "Kế hoạch 2023")


def test_another_units_file_cannot_be_cited(leaf, unit_officer, other_unit):
    theirs = add(make_leaf_score(make_assessment(other_unit)), make_user("canbo-stc", Role.UNIT_OFFICER,
                                                                          unit=other_unit))

    with pytest.raises(EvidenceError, match="Chỉ dùng lại được tệp mà đơn vị đã tải lên."):
        evidence_link(leaf_score=leaf, user=unit_officer, file=theirs.file, title="Không phải của mình")
    assert Evidence.objects.count() == 1


def test_a_link_must_come_from_an_earlier_year_and_hold_the_same_file(own_unit, unit_officer):
    this_year = make_assessment(own_unit, year=2024)
    same_year = add(make_leaf_score(this_year, "1.1"), unit_officer)
    leaf = make_leaf_score(this_year, "1.2")
    old = add(make_leaf_score(make_assessment(own_unit, year=2023)), unit_officer, image_bytes("jpg"), "anh.jpg")

    with pytest.raises(EvidenceError, match="tài liệu kiểm chứng của đơn vị trong các năm trước"):
        evidence_link(leaf_score=leaf, user=unit_officer, file=same_year.file, linked_from=same_year, title="x")
    with pytest.raises(EvidenceError, match="tài liệu kiểm chứng của đơn vị trong các năm trước"):
        evidence_link(leaf_score=leaf, user=unit_officer, file=same_year.file, linked_from=old, title="x")


# --- The leaf's history ------------------------------------------------------------------------------------------


def test_the_leaf_history_shows_a_document_added_and_removed_even_after_removal(leaf, unit_officer):
    from scoring.selectors.appraisal import leaf_history

    evidence = add(leaf, unit_officer)
    label = f"Kế hoạch CCHC 2024 ({evidence.file.sha256[:12]})"
    evidence_remove(evidence=evidence, user=unit_officer)

    keyed_to_leaf = AuditEntry.objects.filter(entity="leaf_score", entity_id=leaf.pk).order_by("id")
    assert [(e.field, e.old_value, e.new_value, e.actor, e.assessment_id) for e in keyed_to_leaf] == [
        ("evidence", "", label, unit_officer, leaf.assessment_id),
        ("evidence", label, "", unit_officer, leaf.assessment_id)]
    history = leaf_history(leaf)
    assert [(row["field"], row["old"], row["new"]) for row in history] == [  # newest first
        ("Tài liệu kiểm chứng", label, "—"), ("Tài liệu kiểm chứng", "—", label)]


def test_a_document_cited_on_another_leaf_stays_out_of_this_leafs_history(leaf, unit_officer):
    from scoring.selectors.appraisal import leaf_history

    other_leaf = make_leaf_score(leaf.assessment, "1.2")
    add(other_leaf, unit_officer)

    assert len(leaf_history(leaf)) == 0
    assert len(leaf_history(other_leaf)) == 1
