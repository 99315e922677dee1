"""The REST API of the cycle as a whole: the coordinator opens, reschedules, closes, reopens and finalizes; the board
accepts a file's untouched leaves and reads its reason templates; the coordinator reopens one file; the unit
reuses its stored documents. Same permissions as the pages, every change audited as coming from the API."""
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import (Agency, RosterEntry, Assessment, AssessmentStatus, AuditEntry, AuditSource, Cycle, Evidence,
                            EvidenceFile, Framework, LeafScore, ReasonTemplate, Role)
from scoring.services.evidence import evidence_add
from tests.conftest import make_agency, make_block, make_framework, make_unit, make_user

from . import evidence_data
from .appraisal_data import make_cycle, make_file, score_of, self_scored
from .cycle_data import make_rules_framework
from .evidence_files import image_bytes, pdf_bytes, upload

S = AssessmentStatus
NOT_MANAGERS = [Role.APPRAISER, Role.LEADER, Role.UNIT_OFFICER, Role.UNIT_HEAD]
DEADLINES = {"self_assessment_deadline": "2025-12-15", "appraisal_deadline": "2026-01-10",
             "explanation_deadline": "20/01/2026", "final_appraisal_deadline": "2026-02-01"}


def refusal(field, message):
    """The one shape of an API refusal (parindex/api_errors.py)."""
    return {"detail": message, "errors": [{"field": field, "message": message}]}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def as_user(client, personas, role):
    client.force_login(personas[role])
    return client


def api(name, **kwargs):
    return reverse(f"scoring_api:{name}", kwargs=kwargs)


def send(client, name, pk, body=None, method="post"):
    return getattr(client, method)(api(name, pk=pk), body or {}, content_type="application/json")


def audit(**filters):
    return AuditEntry.objects.filter(**filters).order_by("id")


# --- Opening a cycle ---------------------------------------------------------------------------------------------


def test_a_coordinator_opens_a_cycle_with_its_deadlines_and_every_unit_gets_its_file(client, personas, other_unit):
    framework = make_rules_framework(year=2025)
    as_user(client, personas, Role.COORDINATOR)

    response = client.post(api("cycle_list"), {"year": 2025, "block": "SO", **DEADLINES},
                           content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    cycle = Cycle.objects.get(year=2025, block__code="SO")
    assert (body["id"], body["framework"], body["is_open"], body["explanation_deadline"]) == (
        cycle.pk, framework.pk, True, "2026-01-20")
    assert cycle.final_appraisal_deadline == date(2026, 2, 1)
    assert sorted(cycle.assessments.values_list("unit__code", flat=True)) == ["SNV", "STC"]
    assert LeafScore.objects.filter(assessment__cycle=cycle).count() == 2 * 9
    assert Framework.objects.get(pk=framework.pk).locked_at is not None
    entries = audit(entity="cycle", entity_id=cycle.pk)
    assert [entry.field for entry in entries] == ["is_open", "self_assessment_deadline", "appraisal_deadline",
                                                  "explanation_deadline", "final_appraisal_deadline"]
    assert {(entry.source, entry.actor) for entry in entries} == {(AuditSource.API, personas[Role.COORDINATOR])}


def test_opening_a_cycle_twice_or_without_a_framework_or_block_is_refused_in_vietnamese(client, personas):
    make_rules_framework(year=2025)
    as_user(client, personas, Role.COORDINATOR)

    def open_cycle(**body):
        return client.post(api("cycle_list"), body, content_type="application/json")

    first = open_cycle(year=2025, block="SO")
    twice = open_cycle(year=2025, block="SO")
    no_framework = open_cycle(year=2026, block="SO")
    no_block = open_cycle(year=2025, block="XYZ")
    no_year = open_cycle(block="SO")

    assert first.status_code == 201
    assert twice.status_code == 400 and twice.json()["detail"].startswith("Kỳ đánh giá năm 2025 của")
    assert "đã có (đang mở)" in twice.json()["detail"]
    assert no_framework.status_code == 400 and no_framework.json()["detail"].startswith("Chưa có bộ chỉ số năm 2026")
    assert no_block.status_code == 400 and no_block.json() == refusal("block", "Không có khối «XYZ».")
    assert no_year.status_code == 400 and no_year.json() == refusal("year", "Cần năm đánh giá, ví dụ 2025.")
    assert Cycle.objects.count() == 1


def test_deadlines_out_of_order_are_refused_with_the_message_and_no_cycle_is_opened(client, personas):
    make_rules_framework(year=2025)
    as_user(client, personas, Role.COORDINATOR)

    response = client.post(api("cycle_list"), {"year": 2025, "block": "SO", **DEADLINES,
                                               "appraisal_deadline": "2025-12-01"}, content_type="application/json")
    bad_date = client.post(api("cycle_list"), {"year": 2025, "block": "SO", "appraisal_deadline": "31/02/2026"},
                           content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == "Hạn thẩm định vòng 1: Phải sau hạn tự đánh giá (15/12/2025)."
    assert bad_date.status_code == 400
    assert bad_date.json() == refusal("appraisal_deadline", "Ngày nhập theo dạng yyyy-mm-dd hoặc dd/mm/yyyy.")
    assert not Cycle.objects.exists() and not AuditEntry.objects.exists()


# --- Deadlines, closing, reopening -------------------------------------------------------------------------------


@pytest.fixture
def cycle(personas):
    return make_cycle(self_assessment_deadline=date(2025, 12, 15), appraisal_deadline=date(2026, 1, 10),
                      explanation_deadline=date(2026, 1, 20), final_appraisal_deadline=date(2026, 2, 1))


def test_a_coordinator_moves_one_deadline_and_the_others_keep_their_values(client, personas, cycle):
    as_user(client, personas, Role.COORDINATOR)

    response = send(client, "cycle_detail", cycle.pk, {"explanation_deadline": "25/01/2026",
                                                       "reason": "Lùi hạn theo Công văn 15"}, method="patch")

    assert response.status_code == 200
    assert (response.json()["explanation_deadline"], response.json()["self_assessment_deadline"]) == (
        "2026-01-25", "2025-12-15")
    cycle.refresh_from_db()
    assert (cycle.explanation_deadline, cycle.appraisal_deadline) == (date(2026, 1, 25), date(2026, 1, 10))
    entry = audit(entity="cycle").get()
    assert (entry.field, entry.old_value, entry.new_value, entry.reason, entry.source) == (
        "explanation_deadline", "2026-01-20", "2026-01-25", "Lùi hạn theo Công văn 15", AuditSource.API)


def test_a_null_deadline_clears_it(client, personas, cycle):
    as_user(client, personas, Role.ADMIN)

    response = send(client, "cycle_detail", cycle.pk, {"final_appraisal_deadline": None}, method="patch")

    assert response.status_code == 200 and response.json()["final_appraisal_deadline"] is None
    assert Cycle.objects.get(pk=cycle.pk).final_appraisal_deadline is None


def test_moving_a_deadline_before_the_one_it_follows_is_refused_and_nothing_changes(client, personas, cycle):
    as_user(client, personas, Role.COORDINATOR)

    response = send(client, "cycle_detail", cycle.pk, {"self_assessment_deadline": "2026-01-15"}, method="patch")

    assert response.status_code == 400
    assert response.json()["detail"] == "Hạn thẩm định vòng 1: Phải sau hạn tự đánh giá (15/01/2026)."
    assert Cycle.objects.get(pk=cycle.pk).self_assessment_deadline == date(2025, 12, 15)
    assert not AuditEntry.objects.exists()


def test_closing_and_reopening_a_cycle_is_audited_once_each(client, personas, cycle, own_unit):
    assert not Assessment.objects.filter(cycle=cycle).exists()
    RosterEntry.objects.create(cycle=cycle, unit=own_unit)
    as_user(client, personas, Role.COORDINATOR)

    closed = send(client, "cycle_close", cycle.pk, {"reason": "Hết hạn"})
    closed_again = send(client, "cycle_close", cycle.pk)
    reopened = send(client, "cycle_reopen", cycle.pk, {"reason": "Gia hạn cho đơn vị mới"})

    assert (closed.status_code, closed.json()["is_open"]) == (200, False)
    assert (closed_again.status_code, closed_again.json()["is_open"]) == (200, False)
    assert (reopened.status_code, reopened.json()["is_open"]) == (200, True)
    assert [(e.old_value, e.new_value, e.reason, e.source) for e in audit(entity="cycle", field="is_open")] == [
        ("true", "false", "Hết hạn", AuditSource.API), ("false", "true", "Gia hạn cho đơn vị mới", AuditSource.API)]
    # Reopening gives the units of the roster that have no file yet theirs (rule 13).
    assert Assessment.objects.filter(cycle=cycle, unit=own_unit).exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_managers_run_cycles(client, personas, cycle, role):
    make_rules_framework(year=2026)
    as_user(client, personas, role)

    answers = [
        client.post(api("cycle_list"), {"year": 2026, "block": "SO"}, content_type="application/json").status_code,
        send(client, "cycle_detail", cycle.pk, {"self_assessment_deadline": None}, method="patch").status_code,
        send(client, "cycle_close", cycle.pk).status_code,
        send(client, "cycle_reopen", cycle.pk).status_code,
        send(client, "cycle_finalize_complete", cycle.pk).status_code,
    ]

    assert answers == [403] * 5
    assert list(Cycle.objects.values_list("year", "is_open", "self_assessment_deadline")) == [
        (2025, True, date(2025, 12, 15))]
    assert not AuditEntry.objects.exists()


def test_a_unit_user_is_not_told_about_another_blocks_cycle(client, personas):
    huyen = make_block("HUYEN", "Khối huyện", 2)
    theirs = Cycle.objects.create(year=2025, block=huyen, framework=make_framework(year=2025, block=huyen))
    as_user(client, personas, Role.UNIT_HEAD)

    assert send(client, "cycle_close", theirs.pk).status_code == 404
    assert send(client, "cycle_detail", theirs.pk, {}, method="patch").status_code == 404
    assert send(client, "cycle_finalize_complete", theirs.pk).status_code == 404


def test_anonymous_calls_are_told_to_sign_in(client, cycle):
    assert client.post(api("cycle_list"), {}).status_code == 401
    assert send(client, "cycle_close", cycle.pk).status_code == 401
    assert client.get(api("reason_template_list")).status_code == 401


# --- Finalizing every complete unit ------------------------------------------------------------------------------


def final_scores(**overrides):
    """Every leaf of appraisal_data's framework with a final score (the survey leaf's from the survey)."""
    scores = {code: {"self_score": Decimal(1), "final_score": Decimal(1)}
              for code in ("1.1", "1.2", "2.1", "3.1", "9.1", "9.2")}
    return {**scores, **overrides}


def test_finalizing_a_cycle_closes_every_complete_unit_and_leaves_the_others(client, personas, cycle, own_unit,
                                                                              other_unit):
    complete = make_file(cycle, own_unit, S.IN_APPRAISAL, final_scores())
    also = make_file(cycle, other_unit, S.EXPLANATION_SUBMITTED, final_scores(
        **{"2.1": {"self_not_applicable": True, "not_applicable": True}}))
    lacking = make_file(cycle, make_unit("SXD"), S.IN_APPRAISAL, final_scores(**{"1.2": Decimal(1)}))
    draft = make_file(cycle, make_unit("SYT"), S.DRAFT, final_scores())
    as_user(client, personas, Role.COORDINATOR)

    response = send(client, "cycle_finalize_complete", cycle.pk)

    assert response.status_code == 200
    assert response.json() == {"finalized": 2, "assessments": sorted([complete.pk, also.pk])}
    statuses = dict(Assessment.objects.values_list("pk", "status"))
    assert (statuses[complete.pk], statuses[also.pk], statuses[lacking.pk], statuses[draft.pk]) == (
        S.APPRAISED, S.APPRAISED, S.IN_APPRAISAL, S.DRAFT)
    assert Assessment.objects.get(pk=complete.pk).finalized_at is not None
    entries = audit(entity="assessment", field="status")
    assert sorted((e.entity_id, e.new_value, e.source) for e in entries) == sorted(
        [(complete.pk, S.APPRAISED, AuditSource.API), (also.pk, S.APPRAISED, AuditSource.API)])


def test_finalizing_a_cycle_with_no_complete_unit_changes_nothing(client, personas, cycle, own_unit):
    make_file(cycle, own_unit, S.IN_APPRAISAL, self_scored())
    as_user(client, personas, Role.COORDINATOR)

    response = send(client, "cycle_finalize_complete", cycle.pk)

    assert response.json() == {"finalized": 0, "assessments": []}
    assert not AuditEntry.objects.exists()


# --- Accepting a file's untouched leaves -------------------------------------------------------------------------


def test_an_appraisers_bulk_accept_covers_only_their_agencys_leaves(client, personas, cycle, own_unit):
    file = make_file(cycle, own_unit, S.SUBMITTED, self_scored(**{"1.2": {"self_score": None}}))
    as_user(client, personas, Role.APPRAISER)  # Sở Tư pháp: area 1

    response = send(client, "assessment_accept_untouched", file.pk)

    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["skipped"]) == (1, ["1.2"])
    assert (body["assessment"]["id"], body["assessment"]["status"]) == (file.pk, "in_appraisal")
    assert score_of(file, "1.1").final_score == Decimal(2)
    for code in ("1.2", "2.1", "9.1", "9.2"):  # 1.2 unscored; 2.1 Sở Tài chính's; 9.x the coordinator's
        assert score_of(file, code).final_score is None
    leaf_entries = audit(entity="leaf_score", entity_id=score_of(file, "1.1").pk)
    assert {entry.source for entry in leaf_entries} == {AuditSource.API}
    assert {"appraised_score", "final_score"} <= {entry.field for entry in leaf_entries}
    assert audit(entity="assessment", field="status").get().source == AuditSource.API


def test_a_coordinators_bulk_accept_covers_every_leaf_and_grants_zero_for_unclaimed_bonuses(client, personas, cycle,
                                                                                              own_unit):
    file = make_file(cycle, own_unit, S.IN_APPRAISAL, {"1.1": Decimal(2), "1.2": Decimal("2.5"), "2.1": Decimal(3)})
    as_user(client, personas, Role.COORDINATOR)

    body = send(client, "assessment_accept_untouched", file.pk).json()

    assert (body["accepted"], body["skipped"]) == (5, [])
    finals = {code: score_of(file, code).final_score for code in ("1.1", "1.2", "2.1", "9.1", "9.2")}
    assert finals == {"1.1": Decimal(2), "1.2": Decimal("2.5"), "2.1": Decimal(3), "9.1": Decimal(0),
                      "9.2": Decimal(0)}
    assert not LeafScore.objects.filter(assessment=file, criterion__code="3.1").exists()  # survey: not the board's


def test_bulk_accept_is_refused_on_a_draft_and_to_whoever_may_not_appraise(client, personas, cycle, own_unit,
                                                                             other_unit):
    draft = make_file(cycle, own_unit, S.DRAFT, self_scored())
    theirs = make_file(cycle, other_unit, S.SUBMITTED, self_scored())

    as_user(client, personas, Role.APPRAISER)
    refused = send(client, "assessment_accept_untouched", draft.pk)
    as_user(client, personas, Role.LEADER)
    leader = send(client, "assessment_accept_untouched", theirs.pk)
    as_user(client, personas, Role.UNIT_HEAD)
    own = send(client, "assessment_accept_untouched", draft.pk)
    other = send(client, "assessment_accept_untouched", theirs.pk)

    assert refused.status_code == 400 and refused.json()["detail"] == "Đơn vị chưa gửi hồ sơ tự đánh giá."
    assert (leader.status_code, own.status_code, other.status_code) == (403, 403, 404)
    assert not LeafScore.objects.exclude(final_score=None).exists()
    assert not AuditEntry.objects.exists()


# --- Reopening one file ------------------------------------------------------------------------------------------


def test_the_coordinator_reopens_a_finalized_file_to_the_board_with_a_reason(client, personas, cycle, own_unit):
    file = make_file(cycle, own_unit, S.APPRAISED, final_scores(), finalized_at=timezone.now())
    as_user(client, personas, Role.COORDINATOR)

    response = send(client, "assessment_reopen", file.pk, {"target": "in_appraisal",
                                                           "reason": "Đơn vị khiếu nại tiêu chí 1.2"})

    assert response.status_code == 200 and response.json()["status"] == "in_appraisal"
    file.refresh_from_db()
    assert (file.status, file.finalized_at) == (S.IN_APPRAISAL, None)
    entry = audit(entity="assessment").get()
    assert (entry.old_value, entry.new_value, entry.reason, entry.source) == (
        S.APPRAISED, S.IN_APPRAISAL, "Đơn vị khiếu nại tiêu chí 1.2", AuditSource.API)


def test_reopening_needs_a_reason_a_known_target_and_a_file_handed_in(client, personas, cycle, own_unit, other_unit):
    file = make_file(cycle, own_unit, S.APPRAISED, final_scores(), finalized_at=timezone.now())
    draft = make_file(cycle, other_unit, S.DRAFT)
    as_user(client, personas, Role.COORDINATOR)

    no_reason = send(client, "assessment_reopen", file.pk, {"target": "draft", "reason": "  "})
    no_target = send(client, "assessment_reopen", file.pk, {"reason": "Khiếu nại"})
    bad_target = send(client, "assessment_reopen", file.pk, {"target": "appraised", "reason": "Khiếu nại"})
    not_needed = send(client, "assessment_reopen", draft.pk, {"target": "in_appraisal", "reason": "Khiếu nại"})

    assert no_reason.status_code == 400 and no_reason.json()["detail"] == "Cần nêu lý do mở lại hồ sơ."
    assert no_target.status_code == 400
    assert no_target.json() == refusal("target", "Chọn trạng thái mở lại về: draft hoặc in_appraisal.")
    assert bad_target.json() == refusal("target", "Chỉ mở lại về trạng thái draft hoặc in_appraisal.")
    assert not_needed.status_code == 400
    assert not_needed.json()["detail"] == "Hồ sơ đang ở trạng thái «Đang tự đánh giá», không cần mở lại."
    assert Assessment.objects.get(pk=file.pk).status == S.APPRAISED
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_only_managers_reopen_a_file(client, personas, cycle, own_unit, other_unit, role):
    own = make_file(cycle, own_unit, S.APPRAISED, final_scores())
    theirs = make_file(cycle, other_unit, S.APPRAISED, final_scores())
    as_user(client, personas, role)
    body = {"target": "draft", "reason": "Khiếu nại"}

    answers = (send(client, "assessment_reopen", own.pk, body).status_code,
               send(client, "assessment_reopen", theirs.pk, body).status_code)

    assert answers == ((403, 404) if role in (Role.UNIT_OFFICER, Role.UNIT_HEAD) else (403, 403))
    assert set(Assessment.objects.values_list("status", flat=True)) == {S.APPRAISED}


# --- Reusing the unit's stored documents -------------------------------------------------------------------------


@pytest.fixture
def documents(personas, own_unit):
    """The unit's file of 2024 (document on 1.1, leaf 1.2 without one) and its 2023 documents on 1.1 and 1.2."""
    officer = personas[Role.UNIT_OFFICER]

    def add(leaf_score, title, day, content=None, name="quyet-dinh.pdf"):
        return evidence_add(leaf_score=leaf_score, user=officer, upload=upload(name, content),
                            document_number="12/KH-SNV", issue_date=day, title=title)

    last_year = evidence_data.make_assessment(own_unit, year=2023)
    old_on_12 = add(evidence_data.make_leaf_score(last_year, "1.2"), "Sơ đồ 2023", date(2023, 5, 2),
                    image_bytes("png"), "so-do.png")
    old_on_11 = add(evidence_data.make_leaf_score(last_year, "1.1"), "Kế hoạch 2023", date(2023, 1, 5),
                   image_bytes("jpg"), "ke-hoach.jpg")
    this_year = evidence_data.make_assessment(own_unit, year=2024)
    first = add(evidence_data.make_leaf_score(this_year, "1.1"), "Kế hoạch 2024", date(2024, 1, 15))
    target = evidence_data.make_leaf_score(this_year, "1.2")
    return {"first": first, "target": target, "old_on_11": old_on_11, "old_on_12": old_on_12}


def test_the_unit_sees_which_documents_it_may_reuse_on_a_leaf(client, personas, documents):
    as_user(client, personas, Role.UNIT_OFFICER)

    body = client.get(api("evidence_sources", pk=documents["target"].pk)).json()

    assert (body["allowed"], body["reason"]) == (True, "")
    assert body["attach"] == [{"id": documents["first"].pk, "label": "1.1 · Kế hoạch 2024 · 12/KH-SNV · 15/01/2024"}]
    # Last year's documents, those of the same criterion code (1.2) first.
    assert [row["id"] for row in body["last_year"]] == [documents["old_on_12"].pk, documents["old_on_11"].pk]


def test_a_reader_gets_no_choices_and_another_units_leaf_is_not_found(client, personas, documents, other_unit):
    theirs = evidence_data.make_leaf_score(evidence_data.make_assessment(other_unit, year=2024), "1.2")
    as_user(client, personas, Role.LEADER)
    leader = client.get(api("evidence_sources", pk=documents["target"].pk)).json()
    as_user(client, personas, Role.UNIT_OFFICER)

    assert leader == {"allowed": False, "reason": "", "attach": [], "last_year": []}
    assert client.get(api("evidence_sources", pk=theirs.pk)).status_code == 404


def test_a_submitted_file_offers_no_choices_and_says_why(client, personas, documents):
    Assessment.objects.filter(pk=documents["target"].assessment_id).update(status=S.SUBMITTED)
    as_user(client, personas, Role.UNIT_OFFICER)

    body = client.get(api("evidence_sources", pk=documents["target"].pk)).json()

    assert body == {"allowed": False, "reason": "Hồ sơ đã gửi, đang chờ thẩm định.", "attach": [], "last_year": []}


def test_a_stored_file_is_attached_to_another_leaf_without_a_new_copy(client, personas, documents):
    as_user(client, personas, Role.UNIT_OFFICER)
    target, first = documents["target"], documents["first"]
    before = AuditEntry.objects.count()

    response = send(client, "evidence_attach", target.pk, {"source": first.pk})
    again = send(client, "evidence_attach", target.pk, {"source": first.pk})

    assert response.status_code == 201
    body = response.json()
    assert (body["leaf_score"], body["title"], body["document_number"], body["issue_date"], body["linked"]) == (
        target.pk, "Kế hoạch 2024", "12/KH-SNV", "2024-01-15", False)
    attached = Evidence.objects.get(leaf_score=target)
    assert (attached.file_id, attached.linked_from) == (first.file_id, None)
    assert EvidenceFile.objects.count() == 3  # the 2024 PDF, the 2023 PNG and JPG: nothing copied
    assert again.status_code == 400
    assert again.json()["detail"] == "Tệp này đã có trong tài liệu kiểm chứng của tiêu chí 1.2."
    new = AuditEntry.objects.order_by("id")[before:]
    assert [(e.entity, e.source) for e in new] == [("evidence", AuditSource.API), ("leaf_score", AuditSource.API)]


def test_last_years_document_is_linked_remembering_where_it_came_from(client, personas, documents):
    as_user(client, personas, Role.UNIT_OFFICER)
    target, old = documents["target"], documents["old_on_12"]

    response = send(client, "evidence_link", target.pk, {"source": old.pk})
    this_year = send(client, "evidence_link", target.pk, {"source": documents["first"].pk})

    assert response.status_code == 201
    assert (response.json()["linked"], response.json()["flags"]) == (True, ["Ngày ban hành ngoài năm đánh giá"])
    linked = Evidence.objects.get(leaf_score=target)
    assert (linked.linked_from, linked.file_id, linked.title) == (old, old.file_id, "Sơ đồ 2023")
    assert this_year.status_code == 400
    assert this_year.json()["detail"] == "Chỉ liên kết được tài liệu kiểm chứng của đơn vị trong các năm trước."
    assert AuditEntry.objects.filter(entity="evidence", entity_id=linked.pk, source=AuditSource.API).exists()


def test_reusing_needs_a_source_and_never_reaches_another_units_document(client, personas, documents, other_unit):
    stranger = make_user("canbo2", Role.UNIT_OFFICER, unit=other_unit)
    theirs_leaf = evidence_data.make_leaf_score(evidence_data.make_assessment(other_unit, year=2023), "1.1")
    theirs = evidence_add(leaf_score=theirs_leaf, user=stranger, title="Của đơn vị khác",
                          upload=upload("cua-ho.pdf", pdf_bytes("Cua don vi khac")))
    assert theirs.file_id != documents["first"].file_id
    as_user(client, personas, Role.UNIT_OFFICER)
    target = documents["target"]

    missing = send(client, "evidence_attach", target.pk, {})
    other_document = send(client, "evidence_link", target.pk, {"source": theirs.pk})
    other_leaf = send(client, "evidence_attach", theirs_leaf.pk, {"source": documents["first"].pk})

    assert missing.status_code == 400 and missing.json() == refusal("source", "Chọn tài liệu cần dùng lại.")
    assert (other_document.status_code, other_leaf.status_code) == (404, 404)
    assert not Evidence.objects.filter(leaf_score=target).exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.APPRAISER, Role.COORDINATOR])
def test_only_the_units_own_users_reuse_documents(client, personas, documents, role):
    as_user(client, personas, role)
    target = documents["target"].pk

    assert send(client, "evidence_attach", target, {"source": documents["first"].pk}).status_code == 403
    assert send(client, "evidence_link", target, {"source": documents["old_on_11"].pk}).status_code == 403
    assert not Evidence.objects.filter(leaf_score=documents["target"]).exists()


def test_a_submitted_file_refuses_reuse_with_the_workflows_reason(client, personas, documents):
    Assessment.objects.filter(pk=documents["target"].assessment_id).update(status=S.SUBMITTED)
    as_user(client, personas, Role.UNIT_OFFICER)

    response = send(client, "evidence_link", documents["target"].pk, {"source": documents["old_on_11"].pk})

    assert response.status_code == 400 and response.json()["detail"] == "Hồ sơ đã gửi, đang chờ thẩm định."
    assert not Evidence.objects.filter(leaf_score=documents["target"]).exists()


# --- Reason templates --------------------------------------------------------------------------------------------


def test_the_board_reads_the_shared_reason_templates_and_its_agencys(client, personas):
    make_agency()
    stc = make_agency("STC", "Sở Tài chính")
    shared = ReasonTemplate.objects.create(text="Tài liệu kiểm chứng không đúng năm", position=1)
    own = ReasonTemplate.objects.create(text="Văn bản QPPL chưa rà soát", agency=Agency.objects.get(code="STP"),
                                        position=2)
    theirs = ReasonTemplate.objects.create(text="Của Sở Tài chính", agency=stc, position=3)
    ReasonTemplate.objects.create(text="Không dùng nữa", active=False)

    appraiser = as_user(client, personas, Role.APPRAISER).get(api("reason_template_list")).json()
    coordinator = as_user(client, personas, Role.COORDINATOR).get(api("reason_template_list")).json()

    assert appraiser["results"] == [
        {"id": shared.pk, "text": "Tài liệu kiểm chứng không đúng năm", "agency": None, "position": 1},
        {"id": own.pk, "text": "Văn bản QPPL chưa rà soát", "agency": "STP", "position": 2}]
    assert [row["id"] for row in coordinator["results"]] == [shared.pk, own.pk, theirs.pk]


@pytest.mark.parametrize("role", [Role.LEADER, Role.UNIT_OFFICER, Role.UNIT_HEAD])
def test_reason_templates_are_the_boards_only(client, personas, role):
    ReasonTemplate.objects.create(text="Thiếu tài liệu")

    assert as_user(client, personas, role).get(api("reason_template_list")).status_code == 403


def test_the_reason_template_list_reads_in_one_query_however_many(client, personas, django_assert_max_num_queries):
    for number in range(12):
        ReasonTemplate.objects.create(text=f"Lý do {number}", agency=make_agency(f"A{number}", f"Cơ quan {number}"))
    as_user(client, personas, Role.COORDINATOR)

    with django_assert_max_num_queries(5 + 2):  # the session's queries, then count and page
        body = client.get(api("reason_template_list")).json()

    assert body["count"] == 12


# --- The schema --------------------------------------------------------------------------------------------------


def test_the_schema_documents_the_cycle_and_bulk_endpoints(client, personas):
    as_user(client, personas, Role.LEADER)

    paths = client.get(reverse("api_schema"), {"format": "json"}).json()["paths"]

    expected = {
        "/api/v1/cycles/": {"get", "post"}, "/api/v1/cycles/{id}/": {"get", "patch"},
        "/api/v1/cycles/{id}/close/": {"post"}, "/api/v1/cycles/{id}/reopen/": {"post"},
        "/api/v1/cycles/{id}/finalize-complete/": {"post"}, "/api/v1/assessments/{id}/accept-untouched/": {"post"},
        "/api/v1/assessments/{id}/reopen/": {"post"}, "/api/v1/leaves/{id}/evidence/sources/": {"get"},
        "/api/v1/leaves/{id}/evidence/attach/": {"post"}, "/api/v1/leaves/{id}/evidence/link/": {"post"},
        "/api/v1/reason-templates/": {"get"},
    }
    assert {path: set(paths[path]) - {"parameters"} for path in expected if path in paths} == expected
    operations = {paths[path][method]["operationId"] for path, methods in expected.items() for method in methods}
    assert {"cycles_open", "cycles_deadlines_update", "cycles_close", "cycles_reopen", "cycles_finalize_complete",
            "assessments_accept_untouched", "assessments_reopen", "leaves_evidence_sources", "leaves_evidence_attach",
            "leaves_evidence_link", "reason_templates_list"} <= operations
    reopen = paths["/api/v1/assessments/{id}/reopen/"]["post"]
    assert set(reopen["responses"]) == {"200", "400", "401", "403", "404"}
    assert "requestBody" in reopen and "requestBody" in paths["/api/v1/cycles/{id}/"]["patch"]
