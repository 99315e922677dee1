"""The REST API of the yearly cycle: the pages' permissions, the services' refusals as 400/409, decimals as text."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring.models import (Assessment, AssessmentStatus, AuditEntry, AuditSource, Criterion, Cycle, Evidence,
                            LeafScore, Role)
from scoring.services.rounds import explanation_round_open
from tests.conftest import make_agency, make_block, make_framework, make_unit, make_user

from .evidence_files import pdf_bytes
from .test_excel_assessments import make_assessment, save_leaf

S = AssessmentStatus
APPRAISED_LEAVES = ("1.1", "1.2", "1.3", "2.1", "2.2")
SESSION_QUERIES = 5  # the session and its user read, the idle-timeout stamp written in a savepoint


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def assessment(own_unit, personas):
    """Area 1 is appraised by the appraiser persona's agency (STP), area 2 by another agency."""
    assessment = make_assessment(own_unit, self_assessment_deadline=timezone.localdate() + timedelta(days=30))
    framework = assessment.cycle.framework
    Criterion.objects.filter(framework=framework, area_code="1").update(agency=make_agency())
    Criterion.objects.filter(framework=framework, area_code="2").update(agency=make_agency("STC", "Sở Tài chính"))
    return assessment


@pytest.fixture
def other(assessment, other_unit):
    return make_assessment(other_unit, assessment.cycle.framework)


def as_user(client, personas, role):
    client.force_login(personas[role])
    return client


def leaf(assessment, code):
    return LeafScore.objects.get(assessment=assessment, criterion__code=code)


def api(name, **kwargs):
    return reverse(f"scoring_api:{name}", kwargs=kwargs)


def patch(client, score, body):
    return client.patch(api("leaf_detail", pk=score.pk), body, content_type="application/json")


def post(client, name, score, body=None):
    return client.post(api(name, pk=score.pk), body or {}, content_type="application/json")


def fields(response):
    """The fields an API refusal names: every error has the shape {"detail", "errors": [{"field", "message"}]}."""
    return [error["field"] for error in response.json()["errors"]]


def submitted(assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=S.SUBMITTED)


# --- Cycles and assessments --------------------------------------------------------------------------------------


def test_cycles_list_with_their_deadlines_and_a_unit_user_sees_only_its_blocks(client, personas, assessment):
    huyen = make_block("HUYEN", "Khối huyện", 2)
    Cycle.objects.create(year=2024, block=huyen, framework=make_framework(block=huyen))

    managers = as_user(client, personas, Role.COORDINATOR).get(api("cycle_list")).json()
    unit = as_user(client, personas, Role.UNIT_OFFICER).get(api("cycle_list")).json()

    assert managers["count"] == 2
    assert unit["count"] == 1
    first = unit["results"][0]
    assert (first["year"], first["block"], first["is_open"]) == (2024, "SO", True)
    assert first["self_assessment_deadline"] == (timezone.localdate() + timedelta(days=30)).isoformat()
    other_cycle = Cycle.objects.get(block=huyen)
    assert client.get(api("cycle_detail", pk=other_cycle.pk)).status_code == 404


def test_assessments_list_filtered_by_cycle_and_status_with_progress(client, personas, assessment, other,
                                                                      django_assert_max_num_queries):
    save_leaf(assessment, "1.1", self_score=Decimal("1"))
    save_leaf(assessment, "2.1", self_not_applicable=True, self_not_applicable_reason="Không có")
    save_leaf(assessment, "3.1", self_score=Decimal("0.5"))
    Assessment.objects.filter(pk=other.pk).update(status=S.SUBMITTED)
    for number in range(5):
        make_assessment(make_unit(f"X{number}"), assessment.cycle.framework)
    as_user(client, personas, Role.LEADER)

    with django_assert_max_num_queries(SESSION_QUERIES + 3):  # count, page, progress: whatever the page size
        body = client.get(api("assessment_list"), {"cycle": assessment.cycle_id}).json()
    drafts = client.get(api("assessment_list"), {"status": "draft"}).json()
    sent = client.get(api("assessment_list"), {"status": "submitted"}).json()

    assert body["count"] == 7
    snv = next(row for row in body["results"] if row["unit_code"] == "SNV")
    assert snv["progress"] == {"scorable": 5, "scored": 2, "percent": 40, "evidence_missing": 0,
                               "explanations_asked": 0, "bonus_claimed": "0.500", "penalty_claimed": "0.000",
                               "complete": False}
    assert (snv["status"], snv["status_label"], snv["year"]) == ("draft", "Đang tự đánh giá", 2024)
    assert drafts["count"] == 6
    assert [row["unit_code"] for row in sent["results"]] == ["STC"]


def test_a_unit_user_lists_only_its_own_assessment_and_not_another_units(client, personas, assessment, other):
    as_user(client, personas, Role.UNIT_OFFICER)

    body = client.get(api("assessment_list")).json()

    assert [row["unit_code"] for row in body["results"]] == ["SNV"]
    assert client.get(api("assessment_detail", pk=other.pk)).status_code == 404
    assert client.get(api("leaf_list", pk=other.pk)).status_code == 404
    assert client.get(api("leaf_detail", pk=leaf(other, "1.1").pk)).status_code == 404


def test_assessment_detail_says_whether_the_unit_may_still_self_assess_and_why_not(client, personas, assessment):
    as_user(client, personas, Role.UNIT_HEAD)
    open_now = client.get(api("assessment_detail", pk=assessment.pk)).json()
    Cycle.objects.filter(pk=assessment.cycle_id).update(self_assessment_deadline=date(2024, 12, 15))

    late = client.get(api("assessment_detail", pk=assessment.pk)).json()

    assert open_now["self_assessment"] == {"allowed": True, "reason": ""}
    assert late["self_assessment"] == {"allowed": False, "reason": "Đã hết hạn tự đánh giá ngày 15/12/2024."}
    assert late["progress"]["scorable"] == 5


def test_leaves_come_in_tree_order_with_decimals_as_text(client, personas, assessment,
                                                          django_assert_max_num_queries):
    save_leaf(assessment, "1.3", self_score=Decimal("1.5"), self_inputs={"numerator": "95", "denominator": "100"})
    as_user(client, personas, Role.UNIT_OFFICER)

    with django_assert_max_num_queries(SESSION_QUERIES + 3):  # the assessment, count, page
        body = client.get(api("leaf_list", pk=assessment.pk)).json()

    assert [row["criterion"]["code"] for row in body["results"]] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1"]
    ratio = body["results"][2]
    assert ratio["self_score"] == "1.500" and ratio["criterion"]["max_points"] == "2.000"
    assert ratio["self_inputs"] == {"numerator": "95", "denominator": "100"}
    assert ratio["criterion"]["rule_text"] == "Theo tỷ lệ: ≥ 100% → 2; ≥ 90% → 1,5; ≥ 70% → 1; ≥ 0% → 0"
    assert (ratio["evidence_count"], ratio["final_score"], ratio["version"]) == (0, None, 1)


# --- Self-assessment through the API -----------------------------------------------------------------------------


def test_the_unit_scores_a_leaf_and_the_change_is_audited_as_api(client, personas, assessment):
    officer = personas[Role.UNIT_OFFICER]
    as_user(client, personas, Role.UNIT_OFFICER)
    score = leaf(assessment, "1.1")

    response = patch(client, score, {"version": 1, "value": "1.75", "explanation": "Đã ban hành kế hoạch"})

    assert response.status_code == 200
    body = response.json()
    assert (body["self_score"], body["self_inputs"], body["version"]) == ("1.750", {"value": "1.75"}, 2)
    entry = AuditEntry.objects.get(entity_id=score.pk, field="self_score")
    assert (entry.source, entry.actor, entry.new_value) == (AuditSource.API, officer, "1.75")


def test_a_ratio_leaf_takes_its_numbers_in_two_requests_keeping_what_was_saved(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)
    score = leaf(assessment, "1.3")

    first = patch(client, score, {"version": 1, "numerator": "90"})
    second = patch(client, score, {"version": 1, "numerator": "90", "denominator": "100"})
    third = patch(client, score, {"version": 2, "numerator": "70"})

    assert first.status_code == 400
    assert first.json()["errors"] == [{"field": "numerator", "message": "Chưa nhập mẫu số"}]
    assert second.json()["self_score"] == "1.500"
    assert third.json()["self_score"] == "1.000"
    assert third.json()["self_inputs"] == {"numerator": "70", "denominator": "100"}


def test_a_score_outside_the_rule_is_refused_in_vietnamese_and_nothing_changes(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)
    score = leaf(assessment, "1.1")

    response = patch(client, score, {"version": 1, "value": "2.5"})

    assert response.status_code == 400
    assert response.json()["detail"] == "Điểm phải nằm trong khoảng 0 đến 2"
    assert leaf(assessment, "1.1").self_score is None


def test_a_stale_version_is_a_conflict_and_nothing_is_lost(client, personas, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("1"), self_inputs={"value": "1"}, version=3)
    as_user(client, personas, Role.UNIT_OFFICER)

    response = patch(client, leaf(assessment, "1.1"), {"version": 2, "value": "2"})

    assert response.status_code == 409
    assert "vừa được người khác lưu" in response.json()["detail"]
    assert leaf(assessment, "1.1").self_score == Decimal("1")


def test_a_submitted_file_refuses_self_assessment_with_the_workflows_reason(client, personas, assessment):
    submitted(assessment)
    as_user(client, personas, Role.UNIT_OFFICER)

    response = patch(client, leaf(assessment, "1.1"), {"version": 1, "value": "1"})

    assert response.status_code == 400
    assert response.json()["detail"] == "Hồ sơ đã gửi, đang chờ thẩm định."


@pytest.mark.parametrize("role", [Role.LEADER, Role.APPRAISER, Role.COORDINATOR])
def test_only_the_units_own_users_self_assess(client, personas, assessment, role):
    as_user(client, personas, role)

    assert patch(client, leaf(assessment, "1.1"), {"version": 1, "value": "1"}).status_code == 403
    assert leaf(assessment, "1.1").self_score is None


def test_the_head_submits_and_is_told_what_is_missing(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)
    assert client.post(api("assessment_submit", pk=assessment.pk)).status_code == 403
    as_user(client, personas, Role.UNIT_HEAD)

    refused = client.post(api("assessment_submit", pk=assessment.pk))
    for code in APPRAISED_LEAVES:
        save_leaf(assessment, code, self_score=Decimal("1"))
    accepted = client.post(api("assessment_submit", pk=assessment.pk))

    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("Chưa thể gửi hồ sơ: còn 5 mục chưa đủ")
    assert refused.json()["missing"][0] == {"criterion_code": "1.1", "reason": "chưa chấm"}
    assert accepted.status_code == 200 and accepted.json()["status"] == "submitted"
    assert AuditEntry.objects.get(entity="assessment", field="status").source == AuditSource.API


# --- Evidence ----------------------------------------------------------------------------------------------------


def upload(client, score, content=None, **fields):
    data = {"file": SimpleUploadedFile("Kế hoạch.pdf", pdf_bytes() if content is None else content),
            "title": "Kế hoạch CCHC năm 2024", "document_number": "12/KH-SNV", "issue_date": "15/01/2024", **fields}
    return client.post(api("evidence_list", pk=score.pk), data)


def test_the_unit_uploads_lists_downloads_and_removes_evidence(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)
    score = leaf(assessment, "1.1")

    created = upload(client, score)
    listed = client.get(api("evidence_list", pk=score.pk)).json()
    download = client.get(created.json()["download_url"])
    removed = client.delete(api("evidence_detail", pk=created.json()["id"]))

    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["document_number"], body["issue_date"], body["kind"]) == (
        "Kế hoạch CCHC năm 2024", "12/KH-SNV", "2024-01-15", "pdf")
    assert body["size"] == len(pdf_bytes()) and body["flags"] == []
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert removed.status_code == 204 and not Evidence.objects.exists()
    assert list(AuditEntry.objects.filter(entity="evidence").values_list("source", flat=True)) == ["api", "api"]


def test_evidence_dated_outside_the_year_is_flagged(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)

    body = upload(client, leaf(assessment, "1.1"), issue_date="2023-12-31").json()

    assert body["flags"] == ["Ngày ban hành ngoài năm đánh giá"]


def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_is_stored(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)

    response = upload(client, leaf(assessment, "1.1"), content=b"MZ not a pdf at all")

    assert response.status_code == 400
    assert "PDF" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_another_units_evidence_is_not_found_and_leaders_cannot_upload(client, personas, assessment, other):
    client.force_login(make_user("canbo2", Role.UNIT_OFFICER, unit=other.unit))
    theirs = upload(client, leaf(other, "1.1")).json()["id"]

    as_user(client, personas, Role.UNIT_OFFICER)
    assert client.get(api("evidence_detail", pk=theirs)).status_code == 404
    assert client.get(api("evidence_download", pk=theirs)).status_code == 404
    assert client.delete(api("evidence_detail", pk=theirs)).status_code == 404
    assert upload(client, leaf(other, "1.1")).status_code == 404
    as_user(client, personas, Role.LEADER)
    assert client.get(api("evidence_detail", pk=theirs)).status_code == 200
    assert upload(client, leaf(assessment, "1.1")).status_code == 403
    assert client.delete(api("evidence_detail", pk=theirs)).status_code == 403
    assert Evidence.objects.count() == 1


# --- Appraisal ---------------------------------------------------------------------------------------------------


def test_an_appraiser_accepts_a_self_score_of_their_agencys_area(client, personas, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("1.5"))
    submitted(assessment)
    as_user(client, personas, Role.APPRAISER)

    response = post(client, "leaf_accept", leaf(assessment, "1.1"), {"version": 1})

    assert response.status_code == 200
    assert (response.json()["appraised_score"], response.json()["final_score"]) == ("1.500", "1.500")
    assert Assessment.objects.get(pk=assessment.pk).status == S.IN_APPRAISAL
    assert set(AuditEntry.objects.values_list("source", flat=True)) == {AuditSource.API}


def test_an_appraiser_cannot_touch_another_agencys_area_nor_a_leader_anything(client, personas, assessment):
    save_leaf(assessment, "2.1", self_score=Decimal("1"))
    save_leaf(assessment, "1.1", self_score=Decimal("1"))
    submitted(assessment)

    as_user(client, personas, Role.APPRAISER)
    outside = post(client, "leaf_accept", leaf(assessment, "2.1"), {"version": 1})
    as_user(client, personas, Role.LEADER)
    leader = post(client, "leaf_adjust", leaf(assessment, "1.1"), {"version": 1, "score": "1", "reason": "x"})
    as_user(client, personas, Role.UNIT_HEAD)
    unit = post(client, "leaf_accept", leaf(assessment, "1.1"), {"version": 1})

    assert (outside.status_code, leader.status_code, unit.status_code) == (403, 403, 403)
    assert not LeafScore.objects.exclude(final_score=None).exists()


def test_setting_a_different_score_needs_a_reason(client, personas, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("2"))
    submitted(assessment)
    as_user(client, personas, Role.APPRAISER)
    score = leaf(assessment, "1.1")

    refused = post(client, "leaf_adjust", score, {"version": 1, "score": "1.5"})
    adjusted = post(client, "leaf_adjust", score, {"version": 1, "score": "1.5", "reason": "Thiếu kế hoạch quý"})

    assert refused.status_code == 400
    assert refused.json()["detail"] == "Cần nêu lý do khi điểm thẩm định khác điểm tự đánh giá."
    assert adjusted.status_code == 200
    assert (adjusted.json()["appraised_score"], adjusted.json()["appraisal_reason"]) == ("1.500", "Thiếu kế hoạch quý")


def test_two_appraisers_saving_the_same_leaf_the_second_gets_a_conflict(client, personas, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("2"))
    submitted(assessment)
    as_user(client, personas, Role.APPRAISER)
    first = post(client, "leaf_accept", leaf(assessment, "1.1"), {"version": 1})
    as_user(client, personas, Role.COORDINATOR)

    second = post(client, "leaf_adjust", leaf(assessment, "1.1"), {"version": 1, "score": "1", "reason": "Khác"})

    assert first.status_code == 200 and second.status_code == 409
    assert leaf(assessment, "1.1").final_score == Decimal("2")


def test_not_applicable_claims_are_confirmed_or_rejected(client, personas, assessment):
    for code in ("1.2", "1.3"):
        save_leaf(assessment, code, self_not_applicable=True, self_not_applicable_reason="Không có thủ tục")
    submitted(assessment)
    as_user(client, personas, Role.APPRAISER)

    confirmed = post(client, "leaf_confirm_not_applicable", leaf(assessment, "1.2"), {"version": 1})
    no_reason = post(client, "leaf_reject_not_applicable", leaf(assessment, "1.3"), {"version": 1})
    rejected = post(client, "leaf_reject_not_applicable", leaf(assessment, "1.3"),
                    {"version": 1, "reason": "Có thủ tục phát sinh", "score": "0.5"})

    assert (confirmed.json()["not_applicable"], confirmed.json()["final_score"]) == (True, None)
    assert no_reason.status_code == 400 and fields(no_reason) == ["reason"]
    assert (rejected.json()["not_applicable"], rejected.json()["final_score"]) == (False, "0.500")


def test_an_explanation_is_requested_answered_and_submitted_for_round_two(client, personas, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("2"))
    submitted(assessment)
    as_user(client, personas, Role.APPRAISER)
    asked = post(client, "leaf_request_explanation", leaf(assessment, "1.1"),
                 {"version": 1, "question": "Bổ sung kế hoạch quý IV?"})
    explanation_round_open(cycle=assessment.cycle, user=None)  # the coordinator opens the round (issue 11)
    as_user(client, personas, Role.LEADER)
    leader = post(client, "leaf_answer", leaf(assessment, "1.1"), {"version": 2, "answer": "x"})
    as_user(client, personas, Role.UNIT_OFFICER)

    answered = post(client, "leaf_answer", leaf(assessment, "1.1"), {"version": 2, "answer": "Đã bổ sung."})
    handed = client.post(api("assessment_submit_explanation", pk=assessment.pk))

    assert asked.json()["explanation_question"] == "Bổ sung kế hoạch quý IV?"
    assert leader.status_code == 403
    assert answered.json()["explanation_answer"] == "Đã bổ sung."
    assert handed.status_code == 200 and handed.json()["status"] == "explanation_submitted"


def test_the_coordinator_finalizes_only_when_every_leaf_has_a_final_score(client, personas, assessment):
    submitted(assessment)
    as_user(client, personas, Role.APPRAISER)
    assert client.post(api("assessment_finalize", pk=assessment.pk)).status_code == 403
    as_user(client, personas, Role.COORDINATOR)

    refused = client.post(api("assessment_finalize", pk=assessment.pk))
    LeafScore.objects.filter(assessment=assessment).update(final_score=Decimal("0"))
    finalized = client.post(api("assessment_finalize", pk=assessment.pk))

    assert refused.status_code == 400 and "chưa có điểm chính thức" in refused.json()["detail"]
    assert finalized.status_code == 200 and finalized.json()["status"] == "appraised"


# --- The schema --------------------------------------------------------------------------------------------------


def test_the_schema_documents_every_endpoint_of_the_cycle(client, personas):
    as_user(client, personas, Role.LEADER)

    paths = client.get(reverse("api_schema"), {"format": "json"}).json()["paths"]

    expected = {
        "/api/v1/cycles/": {"get", "post"}, "/api/v1/cycles/{id}/": {"get", "patch"}, "/api/v1/assessments/": {"get"},
        "/api/v1/assessments/{id}/": {"get"}, "/api/v1/assessments/{id}/leaves/": {"get"},
        "/api/v1/assessments/{id}/submit/": {"post"}, "/api/v1/assessments/{id}/submit-explanation/": {"post"},
        "/api/v1/assessments/{id}/finalize/": {"post"}, "/api/v1/leaves/{id}/": {"get", "patch"},
        "/api/v1/leaves/{id}/accept/": {"post"}, "/api/v1/leaves/{id}/adjust/": {"post"},
        "/api/v1/leaves/{id}/confirm-not-applicable/": {"post"}, "/api/v1/leaves/{id}/reject-not-applicable/": {"post"},
        "/api/v1/leaves/{id}/request-explanation/": {"post"}, "/api/v1/leaves/{id}/answer/": {"post"},
        "/api/v1/leaves/{id}/evidence/": {"get", "post"}, "/api/v1/evidence/{id}/": {"get", "delete"},
        "/api/v1/evidence/{id}/download/": {"get"},
    }
    assert {path: set(paths[path]) - {"parameters"} for path in expected if path in paths} == expected
    adjust = paths["/api/v1/leaves/{id}/adjust/"]["post"]
    assert set(adjust["responses"]) == {"200", "400", "401", "403", "404", "409"}
    assert "multipart/form-data" in paths["/api/v1/leaves/{id}/evidence/"]["post"]["requestBody"]["content"]


def test_anonymous_calls_are_told_to_sign_in(client, assessment):
    assert client.get(api("assessment_list")).status_code == 401
    assert client.patch(api("leaf_detail", pk=leaf(assessment, "1.1").pk), {}).status_code == 401


# --- The pages' length limits, and each text stored once in the audit log (issue 13) --------------------------


def test_the_api_refuses_an_explanation_or_reason_longer_than_the_pages_allow(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)
    score = leaf(assessment, "1.1")

    long_explanation = patch(client, score, {"version": 1, "value": "1", "explanation": "x" * 5001})
    long_reason = patch(client, score, {"version": 1, "not_applicable": True, "not_applicable_reason": "x" * 2001})
    fits = patch(client, score, {"version": 1, "value": "1", "explanation": "x" * 5000})

    assert long_explanation.status_code == 400 and fields(long_explanation) == ["explanation"]
    assert long_explanation.json()["detail"] == "Tối đa 5000 ký tự."
    assert long_reason.status_code == 400 and fields(long_reason) == ["not_applicable_reason"]
    assert fits.status_code == 200


def test_the_api_refuses_an_appraisal_reason_longer_than_the_page_allows(client, personas, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("2"), self_inputs={"value": "2"})
    Assessment.objects.filter(pk=assessment.pk).update(status=S.IN_APPRAISAL)
    as_user(client, personas, Role.APPRAISER)

    response = post(client, "leaf_adjust", leaf(assessment, "1.1"), {"version": 1, "score": "1", "reason": "x" * 2001})

    assert response.status_code == 400 and fields(response) == ["reason"]
    assert leaf(assessment, "1.1").appraised_score is None


def test_an_adjustment_reason_is_stored_once_in_the_audit_log(client, personas, assessment):
    save_leaf(assessment, "1.1", self_score=Decimal("2"), self_inputs={"value": "2"})
    Assessment.objects.filter(pk=assessment.pk).update(status=S.IN_APPRAISAL)
    as_user(client, personas, Role.APPRAISER)
    reason = "Lý do rất dài " * 100

    response = post(client, "leaf_adjust", leaf(assessment, "1.1"), {"version": 1, "score": "1", "reason": reason})

    assert response.status_code == 200
    entries = AuditEntry.objects.filter(entity="leaf_score", entity_id=leaf(assessment, "1.1").pk)
    copies = sum(text.count(reason.strip()) for entry in entries
                 for text in (entry.old_value, entry.new_value, entry.reason))
    assert copies == 1
    assert {entry.field for entry in entries} == {"appraised_score", "final_score"}


def test_an_explanation_is_stored_once_in_the_audit_log(client, personas, assessment):
    as_user(client, personas, Role.UNIT_OFFICER)
    explanation = "Giải trình " * 400

    patch(client, leaf(assessment, "1.1"), {"version": 1, "value": "1", "explanation": explanation})

    entries = AuditEntry.objects.filter(entity="leaf_score", entity_id=leaf(assessment, "1.1").pk)
    assert sum(text.count(explanation.strip()) for entry in entries
               for text in (entry.old_value, entry.new_value, entry.reason)) == 1


def test_a_non_numeric_id_answers_a_json_404_not_the_html_page(client, personas):
    as_user(client, personas, Role.LEADER)

    for path in ("/api/v1/units/abc/", "/api/v1/leaves/-1/", "/api/v1/khong-co/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
        assert response.json() == {"detail": "Không tìm thấy."}
    assert "text/html" in client.get("/khong-co-trang-nay/")["Content-Type"]


def test_every_operation_documents_its_refusals_in_the_one_error_shape(client, personas):
    as_user(client, personas, Role.LEADER)

    schema = client.get(reverse("api_schema"), {"format": "json"}).json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert {"400", "401", "403", "404"} <= set(operation["responses"]), (path, method)
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"] and "errors" in error["properties"]
    item = schema["components"]["schemas"]["ErrorItem"]
    assert item["properties"]["field"]["nullable"] is True


def test_the_api_opens_a_dti_cycle_beside_par_and_lists_cycles_by_index(client, personas, assessment):
    from scoring.models import Index
    par = assessment.cycle
    make_framework(year=par.year, block=par.block, index=Index.objects.standard("DTI"))
    client.force_login(personas["coordinator"])
    url = reverse("scoring_api:cycle_list")

    response = client.post(url, {"year": par.year, "block": par.block.code, "index": "dti"},
                           content_type="application/json")

    assert response.status_code == 201, response.json()
    assert response.json()["index"] == "DTI"
    assert [row["index"] for row in client.get(url, {"index": "DTI"}).json()["results"]] == ["DTI"]
    refused = client.post(url, {"year": par.year, "block": par.block.code, "index": "XYZ"},
                          content_type="application/json")
    assert refused.status_code == 400 and "XYZ" in str(refused.json())
