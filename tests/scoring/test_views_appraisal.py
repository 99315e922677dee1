from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import AuditEntry, Evidence, EvidenceFile, ReasonTemplate, Role
from scoring.services import appraisal as service
from tests.access_matrix import CONFIRMED
from tests.conftest import make_unit

from .appraisal_data import S, leaf, make_cycle, make_file, score_of, self_scored


@pytest.fixture
def cycle(db):
    return make_cycle()


@pytest.fixture
def appraiser(personas):
    return personas[Role.APPRAISER]


@pytest.fixture
def mine(cycle, own_unit):
    return make_file(cycle, own_unit, scores=self_scored())


def signed_in(client, user):
    client.force_login(user)
    return client


def leaf_url(assessment, code):
    return reverse("scoring:appraisal_leaf", args=[assessment.pk, leaf(assessment.cycle, code).pk])


def criterion_url(cycle, code):
    return reverse("scoring:appraisal_criterion", args=[cycle.pk, leaf(cycle, code).pk])


# --- Decisions through the pages -------------------------------------------------------------------------------


def test_an_appraiser_accepts_a_leaf_and_comes_back_to_the_page_it_was_on(client, appraiser, mine, cycle):
    back = criterion_url(cycle, "1.1") + "#row"

    response = signed_in(client, appraiser).post(leaf_url(mine, "1.1"), {
        "decision": "accept", "version": "1", "next": back})

    assert response.status_code == 302 and response.url == back
    assert score_of(mine, "1.1").final_score == Decimal(2)


def test_an_adjustment_takes_its_reason_from_a_template_and_a_decimal_comma(client, appraiser, mine):
    template = ReasonTemplate.objects.create(text="Tài liệu kiểm chứng không đúng năm")

    signed_in(client, appraiser).post(leaf_url(mine, "1.2"), {
        "decision": "adjust", "version": "1", "score": "1,75", "reason_template": str(template.pk), "reason": ""})

    score = score_of(mine, "1.2")
    assert (score.appraised_score, score.appraisal_reason) == (Decimal("1.75"), template.text)


def test_a_template_of_another_agency_is_refused(client, appraiser, mine):
    from scoring.models import Agency

    template = ReasonTemplate.objects.create(text="Của Sở Tài chính", agency=Agency.objects.get(code="STC"))

    response = signed_in(client, appraiser).post(leaf_url(mine, "1.2"), {
        "decision": "adjust", "version": "1", "score": "1", "reason_template": str(template.pk)})

    assert response.status_code == 400
    assert "Mẫu lý do không còn dùng được" in response.content.decode()


def test_a_refused_adjustment_comes_back_with_the_reason_and_the_input_kept(client, appraiser, mine):
    response = signed_in(client, appraiser).post(leaf_url(mine, "1.1"), {
        "decision": "adjust", "version": "1", "score": "1,5", "reason": ""})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Cần nêu lý do khi điểm thẩm định khác điểm tự đánh giá." in page
    assert 'value="1,5"' in page
    assert score_of(mine, "1.1").final_score is None


def test_a_score_that_is_not_a_number_is_refused_clearly(client, appraiser, mine):
    response = signed_in(client, appraiser).post(leaf_url(mine, "1.1"), {
        "decision": "adjust", "version": "1", "score": "hai", "reason": "x"})

    assert response.status_code == 400
    assert "Điểm phải là một số, ví dụ 1,5." in response.content.decode()


def test_a_stale_form_shows_the_conflict_and_keeps_what_the_user_typed(client, appraiser, coordinator, mine):
    service.leaf_score_adjust(leaf_score=score_of(mine, "1.1"), user=coordinator, version=1, score=Decimal("1"),
                              reason="Thiếu kế hoạch")

    response = signed_in(client, appraiser).post(leaf_url(mine, "1.1"), {
        "decision": "adjust", "version": "1", "score": "0,5", "reason": "Lý do của tôi"})

    page = response.content.decode()
    assert response.status_code == 409
    assert "Tiêu chí này vừa được người khác cập nhật" in page
    assert 'value="0,5"' in page and "Lý do của tôi</textarea>" in page
    assert 'name="version" value="2"' in page  # saving again applies over the other save, knowingly
    assert "Thiếu kế hoạch" in page
    assert score_of(mine, "1.1").final_score == Decimal(1)


def test_requesting_an_explanation_through_the_page(client, appraiser, mine):
    signed_in(client, appraiser).post(leaf_url(mine, "1.1"), {
        "decision": "ask", "version": "1", "question": "Bổ sung quyết định"})

    mine.refresh_from_db()
    assert mine.status == S.EXPLANATION_REQUESTED
    assert score_of(mine, "1.1").explanation_question == "Bổ sung quyết định"


# --- Who may do what -----------------------------------------------------------------------------------------------


def test_an_appraiser_can_not_touch_another_agencys_leaf(client, appraiser, mine, cycle):
    client = signed_in(client, appraiser)

    assert client.post(leaf_url(mine, "2.1"), {"decision": "accept", "version": "1"}).status_code == 403
    assert client.get(leaf_url(mine, "2.1")).status_code == 403
    assert client.get(criterion_url(cycle, "2.1")).status_code == 403
    assert score_of(mine, "2.1").final_score is None


def test_nobody_appraises_a_survey_leaf(client, coordinator, mine, cycle):
    assert signed_in(client, coordinator).get(criterion_url(cycle, "3.1")).status_code == 403


def test_a_leader_reads_results_but_changes_nothing(client, leader, mine, cycle):
    client = signed_in(client, leader)

    assert client.post(leaf_url(mine, "1.1"), {"decision": "accept", "version": "1"}).status_code == 403
    assert client.post(reverse("scoring:appraisal_finalize", args=[mine.pk])).status_code == 403
    assert client.post(reverse("scoring:appraisal_accept_untouched", args=[mine.pk])).status_code == 403
    assert client.get(reverse("scoring:appraisal_home")).status_code == 403
    assert score_of(mine, "1.1").final_score is None and not AuditEntry.objects.exists()


def test_a_unit_user_can_not_appraise_its_own_file(client, unit_officer, mine):
    response = signed_in(client, unit_officer).post(leaf_url(mine, "1.1"), {"decision": "accept", "version": "1"})

    assert response.status_code == 403
    assert score_of(mine, "1.1").final_score is None


def test_a_unit_user_does_not_learn_about_another_units_file(client, unit_officer, cycle, other_unit):
    theirs = make_file(cycle, other_unit, scores=self_scored())

    client = signed_in(client, unit_officer)
    assert client.post(leaf_url(theirs, "1.1"), {"decision": "accept", "version": "1"}).status_code == 404
    assert client.get(reverse("scoring:explanation_list", args=[theirs.pk])).status_code == 404


def test_only_managers_finalize_and_reopen(client, appraiser, mine):
    client = signed_in(client, appraiser)

    assert client.post(reverse("scoring:appraisal_finalize", args=[mine.pk])).status_code == 403
    assert client.get(reverse("scoring:appraisal_reopen", args=[mine.pk])).status_code == 403


# --- The coordinator -------------------------------------------------------------------------------------------


def test_finalizing_an_incomplete_file_says_which_leaves_lack_a_score(client, coordinator, mine):
    response = signed_in(client, coordinator).post(reverse("scoring:appraisal_finalize", args=[mine.pk]),
                                                   follow=True)

    assert "5 tiêu chí chưa có điểm chính thức: 1.1, 1.2, 2.1, 9.1, 9.2." in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == S.SUBMITTED


def test_accept_untouched_then_finalize_through_the_pages(client, coordinator, mine):
    client = signed_in(client, coordinator)

    page = client.post(reverse("scoring:appraisal_accept_untouched", args=[mine.pk]), CONFIRMED, follow=True)
    assert "Đã chấp nhận điểm tự đánh giá của 5 tiêu chí chưa thẩm định." in page.content.decode()
    page = client.post(reverse("scoring:appraisal_finalize", args=[mine.pk]), CONFIRMED, follow=True)

    assert f"Đã hoàn tất thẩm định {mine.unit.name}." in page.content.decode()
    mine.refresh_from_db()
    assert mine.status == S.APPRAISED
    assert "Hồ sơ đã thẩm định xong; cần mở lại để điều chỉnh." in page.content.decode()


def test_reopening_without_a_reason_keeps_the_form(client, coordinator, cycle, other_unit):
    done = make_file(cycle, other_unit, S.APPRAISED)

    response = signed_in(client, coordinator).post(reverse("scoring:appraisal_reopen", args=[done.pk]), {
        "target": "in_appraisal", "reason": ""})

    assert response.status_code == 400
    assert "Cần nêu lý do mở lại hồ sơ." in response.content.decode()
    done.refresh_from_db()
    assert done.status == S.APPRAISED


def test_reopening_with_a_reason(client, coordinator, cycle, other_unit):
    done = make_file(cycle, other_unit, S.APPRAISED)

    signed_in(client, coordinator).post(reverse("scoring:appraisal_reopen", args=[done.pk]), {
        "target": "in_appraisal", "reason": "Khiếu nại", **CONFIRMED})

    done.refresh_from_db()
    assert done.status == S.IN_APPRAISAL
    assert AuditEntry.objects.get(entity="assessment", field="status").reason == "Khiếu nại"


def test_finalizing_all_complete_units_of_a_cycle(client, coordinator, cycle, mine, other_unit):
    service.assessment_accept_untouched(assessment=mine, user=coordinator)
    make_file(cycle, other_unit, scores=self_scored())

    page = signed_in(client, coordinator).post(reverse("scoring:appraisal_cycle_finalize", args=[cycle.pk]),
                                               CONFIRMED, follow=True)

    assert "Đã hoàn tất thẩm định 1 đơn vị đủ điểm." in page.content.decode()


# --- The unit's answers --------------------------------------------------------------------------------------------


@pytest.fixture
def asked(mine, appraiser):
    service.leaf_score_request_explanation(leaf_score=score_of(mine, "1.1"), user=appraiser, version=1,
                                           question="Bổ sung quyết định ban hành")
    mine.refresh_from_db()
    return mine


def test_the_unit_sees_the_questions_and_answers_them(client, unit_officer, asked):
    client = signed_in(client, unit_officer)
    page = client.get(reverse("scoring:explanation_list", args=[asked.pk])).content.decode()
    assert "Bổ sung quyết định ban hành" in page

    score = score_of(asked, "1.1")
    response = client.post(reverse("scoring:explanation_answer", args=[score.pk]), {
        "version": str(score.version), "answer": "Đã có QĐ 12"})

    assert response.status_code == 302
    assert score_of(asked, "1.1").explanation_answer == "Đã có QĐ 12"
    page = client.post(reverse("scoring:explanation_submit", args=[asked.pk]), CONFIRMED, follow=True).content.decode()
    assert "Đã gửi giải trình tới Hội đồng thẩm định." in page
    asked.refresh_from_db()
    assert asked.status == S.EXPLANATION_SUBMITTED


def test_submitting_with_an_unanswered_question_says_which(client, unit_officer, asked):
    page = signed_in(client, unit_officer).post(reverse("scoring:explanation_submit", args=[asked.pk]),
                                                follow=True).content.decode()

    assert "Chưa trả lời yêu cầu giải trình của 1 tiêu chí: 1.1." in page


def test_a_stale_answer_comes_back_with_the_text_kept(client, unit_officer, asked):
    score = score_of(asked, "1.1")

    response = signed_in(client, unit_officer).post(reverse("scoring:explanation_answer", args=[score.pk]), {
        "version": "1", "answer": "Câu trả lời dài của tôi"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Tiêu chí này vừa được người khác cập nhật" in page and "Câu trả lời dài của tôi</textarea>" in page


def test_the_board_reads_the_answers_but_has_no_answer_form(client, appraiser, asked):
    page = signed_in(client, appraiser).get(reverse("scoring:explanation_list", args=[asked.pk])).content.decode()

    assert "Bổ sung quyết định ban hành" in page
    assert reverse("scoring:explanation_answer", args=[score_of(asked, "1.1").pk]) not in page


def test_a_board_member_can_not_answer_for_the_unit(client, appraiser, asked):
    score = score_of(asked, "1.1")

    response = signed_in(client, appraiser).post(reverse("scoring:explanation_answer", args=[score.pk]), {
        "version": str(score.version), "answer": "x"})

    assert response.status_code == 403


# --- Pages and their numbers -------------------------------------------------------------------------------------


def many_files(cycle, count):
    files = []
    for number in range(count):
        unit = make_unit(f"U{number:02d}", block=cycle.block)
        files.append(make_file(cycle, unit, scores=self_scored()))
    stored = EvidenceFile.objects.create(sha256="c" * 64, file="evidence/c.pdf", size=1, kind="pdf",
                                         original_name="c.pdf")
    for assessment in files:
        Evidence.objects.create(leaf_score=score_of(assessment, "1.1"), file=stored, title="Kế hoạch")
    return files


def test_the_criterion_across_units_page_costs_the_same_queries_for_any_number_of_units(
        client, appraiser, cycle, django_assert_max_num_queries):
    last_year = make_cycle(year=2024)
    for assessment in many_files(cycle, 25):
        make_file(last_year, assessment.unit, S.APPRAISED, {"1.1": {"final_score": Decimal("1.5")}})
    client = signed_in(client, appraiser)
    ReasonTemplate.objects.create(text="Thiếu tài liệu")
    url = criterion_url(cycle, "1.1")

    # The page reads the cycle, the criterion, the units, their scores, evidence and last year's scores and the
    # reason templates once each, however many units; the rest is the session (read, and refreshed on write).
    with django_assert_max_num_queries(14):
        response = client.get(url)

    page = response.content.decode()
    assert len(response.context["rows"]) == 25
    assert page.count(">Kế hoạch</a>") == 25
    assert page.count('<td class="num previous-cell">1,5</td>') == 25
    assert page.count('name="decision" value="accept"') == 25
    assert "Thiếu tài liệu" in page


def test_the_criterion_page_paginates_the_units(client, appraiser, cycle):
    many_files(cycle, 26)

    response = signed_in(client, appraiser).get(criterion_url(cycle, "1.1"), {"page": 2})

    assert [row.assessment.unit.code for row in response.context["rows"]] == ["U25"]


def test_the_unit_page_shows_the_appraisers_leaves_with_decimal_commas(client, appraiser, mine,
                                                                       django_assert_max_num_queries):
    client = signed_in(client, appraiser)
    with django_assert_max_num_queries(17):  # +1: what "accept every untouched leaf" would take, by agency
        response = client.get(reverse("scoring:appraisal_assessment", args=[mine.pk]))

    assert [row.criterion.code for row in response.context["rows"]] == ["1.1", "1.2"]
    page = response.content.decode()
    assert "<strong>2,5</strong>" in page and "(tối đa 3)" in page


def test_the_cycle_page_lists_files_and_criteria_with_what_is_left(client, appraiser, cycle, mine, other_unit,
                                                                   django_assert_max_num_queries):
    make_file(cycle, other_unit, scores=self_scored())
    service.leaf_score_accept(leaf_score=score_of(mine, "1.1"), user=appraiser, version=1)

    client = signed_in(client, appraiser)
    with django_assert_max_num_queries(18):  # +2: the agencies still in round 1, and the appraiser's own
        response = client.get(reverse("scoring:appraisal_cycle", args=[cycle.pk]))

    assert [(a.unit.code, left) for a, left in response.context["files"]] == [("SNV", 1), ("STC", 2)]
    assert [(c.code, left) for c, left in response.context["criteria"]] == [("1.1", 1), ("1.2", 2)]


def test_the_work_list_counts_leaves_left_per_cycle(client, appraiser, cycle, mine, django_assert_max_num_queries):
    client = signed_in(client, appraiser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("scoring:appraisal_home"))

    page = response.content.decode()
    assert [(c.pk, work.left) for c, work in response.context["rows"]] == [(cycle.pk, 2)]
    assert "Đã gửi: 1" in page and "<strong>2</strong>" in page


def test_the_board_link_shows_for_the_board_only(client, appraiser, leader):
    home = reverse("scoring:appraisal_home")

    assert home in signed_in(client, appraiser).get(reverse("home")).content.decode()
    assert home not in signed_in(client, leader).get(reverse("home")).content.decode()


# --- Navigation, wording and bad input (helper ux) ---------------------------------------------------------------


def test_the_criterion_page_says_the_rule_in_words_and_steps_to_the_neighbouring_criteria(client, appraiser, cycle,
                                                                                          mine):
    page = signed_in(client, appraiser).get(criterion_url(cycle, "1.2")).content.decode()

    assert "Chấm trực tiếp, bước 0,25" in page and "manual 0.25" not in page
    assert f'href="{criterion_url(cycle, "1.1")}" rel="prev"' in page
    assert 'rel="next"' not in page  # 1.2 is the last leaf of Sở Tư pháp's area


def test_the_unit_page_and_the_criterion_page_link_each_other_at_the_right_page_and_row(client, appraiser, cycle):
    files = many_files(cycle, 26)  # U25 is on the criterion page's second page (25 units a page)
    last, criterion = files[-1], leaf(cycle, "1.1")
    anchor = f"#leaf-{last.pk}-{criterion.pk}"
    unit_url = reverse("scoring:appraisal_assessment", args=[last.pk])

    unit_page = signed_in(client, appraiser).get(unit_url).content.decode()
    criterion_page = client.get(criterion_url(cycle, "1.1"), {"page": 2}).content.decode()

    assert f'href="{criterion_url(cycle, "1.1")}?page=2{anchor}">so sánh các đơn vị</a>' in unit_page
    assert f'href="{unit_url}?page=1{anchor}">cả hồ sơ đơn vị</a>' in criterion_page


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_missing_or_garbled_version_says_the_page_is_out_of_date_and_keeps_the_input(client, appraiser, mine,
                                                                                       version):
    response = signed_in(client, appraiser).post(leaf_url(mine, "1.2"), {
        "decision": "adjust", "version": version, "score": "1,5", "reason": "Thiếu quyết định"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Trang này đã cũ: hãy tải lại trang, xem giá trị hiện tại rồi lưu lại." in page
    assert 'value="1,5"' in page and "Thiếu quyết định" in page
    assert score_of(mine, "1.2").final_score is None


def test_an_unknown_decision_is_refused_in_words(client, appraiser, mine):
    response = signed_in(client, appraiser).post(leaf_url(mine, "1.1"), {"decision": "delete", "version": "1"})

    assert response.status_code == 400 and "Hãy chọn một quyết định." in response.content.decode()


def test_a_finalized_file_shows_no_empty_decision_column(client, coordinator, cycle, own_unit):
    done = make_file(cycle, own_unit, S.APPRAISED, scores=self_scored())

    page = signed_in(client, coordinator).get(reverse("scoring:appraisal_assessment", args=[done.pk])).content.decode()

    assert 'class="table appraisal-table read-only"' in page
    assert "Hồ sơ đã thẩm định xong; cần mở lại để điều chỉnh." in page


def test_an_answer_without_its_version_says_the_page_is_out_of_date_and_keeps_the_text(client, unit_officer, asked):
    score = score_of(asked, "1.1")

    response = signed_in(client, unit_officer).post(reverse("scoring:explanation_answer", args=[score.pk]),
                                                    {"answer": "Đã ban hành tại QĐ 12"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Trang này đã cũ: hãy tải lại trang, xem giá trị hiện tại rồi lưu lại." in page
    assert "Đã ban hành tại QĐ 12" in page and score_of(asked, "1.1").explanation_answer == ""


@pytest.mark.parametrize(("role", "linked"), [(Role.APPRAISER, True), (Role.UNIT_OFFICER, False)])
def test_the_explanation_page_takes_the_board_back_to_its_appraisal(client, personas, asked, role, linked):
    page = signed_in(client, personas[role]).get(reverse("scoring:explanation_list", args=[asked.pk]))

    assert (reverse("scoring:appraisal_assessment", args=[asked.pk]) in page.content.decode()) == linked
    assert "chưa trả lời" in page.content.decode()


# --- Confirmations: nothing happens without one ----------------------------------------------------------------


def test_bulk_acceptance_first_asks_with_how_many_leaves_of_which_agencies(client, coordinator, mine):
    page = signed_in(client, coordinator).post(reverse("scoring:appraisal_accept_untouched", args=[mine.pk]))

    text = page.content.decode()
    assert page.status_code == 200 and 'id="confirm-step"' in text
    assert "Số tiêu chí sẽ được chấp nhận" in text and "<strong>5</strong>" in text
    assert "Sở Tư pháp" in text or "Chưa giao cơ quan" in text
    assert 'name="confirmed" value="1"' in text
    assert score_of(mine, "1.1").final_score is None
    assert not AuditEntry.objects.filter(entity="leaf_score").exists()


def test_finalizing_a_unit_first_asks_with_its_official_total(client, coordinator, mine):
    service.assessment_accept_untouched(assessment=mine, user=coordinator)

    page = signed_in(client, coordinator).post(reverse("scoring:appraisal_finalize", args=[mine.pk]))

    assert 'id="confirm-step"' in page.content.decode() and "Tổng điểm chính thức" in page.content.decode()
    mine.refresh_from_db()
    assert mine.status != S.APPRAISED


def test_finalizing_all_first_lists_the_units_it_would_close(client, coordinator, cycle, mine):
    service.assessment_accept_untouched(assessment=mine, user=coordinator)

    page = signed_in(client, coordinator).post(reverse("scoring:appraisal_cycle_finalize", args=[cycle.pk]))

    assert 'id="confirm-step"' in page.content.decode() and mine.unit.name in page.content.decode()
    mine.refresh_from_db()
    assert mine.status != S.APPRAISED


def test_reopening_first_asks_with_the_target_and_the_reason(client, coordinator, cycle, other_unit):
    done = make_file(cycle, other_unit, S.APPRAISED)

    page = signed_in(client, coordinator).post(reverse("scoring:appraisal_reopen", args=[done.pk]), {
        "target": "in_appraisal", "reason": "Khiếu nại của đơn vị"})

    text = page.content.decode()
    assert 'id="confirm-step"' in text and "Khiếu nại của đơn vị" in text
    assert 'name="reason" value="Khiếu nại của đơn vị"' in text  # the confirm button posts the same fields
    done.refresh_from_db()
    assert done.status == S.APPRAISED


def test_sending_the_explanation_first_asks_and_saves_the_typed_answer_meanwhile(client, unit_officer, asked):
    score = score_of(asked, "1.1")

    page = signed_in(client, unit_officer).post(reverse("scoring:explanation_submit", args=[asked.pk]), {
        f"answer-{score.pk}": "Đã ban hành QĐ 12", f"version-{score.pk}": str(score.version)})

    assert 'id="confirm-step"' in page.content.decode() and "1 / 1" in page.content.decode()
    assert score_of(asked, "1.1").explanation_answer == "Đã ban hành QĐ 12"  # saved: nothing typed is lost
    asked.refresh_from_db()
    assert asked.status == S.EXPLANATION_REQUESTED


def test_send_saves_every_answer_typed_on_the_page_without_pressing_save(client, unit_officer, asked):
    score = score_of(asked, "1.1")
    client = signed_in(client, unit_officer)

    page = client.post(reverse("scoring:explanation_submit", args=[asked.pk]), {
        f"answer-{score.pk}": "Đã ban hành QĐ 12", f"version-{score.pk}": str(score.version), **CONFIRMED},
        follow=True)

    assert "Đã gửi giải trình tới Hội đồng thẩm định." in page.content.decode()
    assert score_of(asked, "1.1").explanation_answer == "Đã ban hành QĐ 12"
    asked.refresh_from_db()
    assert asked.status == S.EXPLANATION_SUBMITTED


def test_the_confirmation_repost_of_saved_answers_does_not_conflict_with_itself(client, unit_officer, asked):
    score = score_of(asked, "1.1")
    client = signed_in(client, unit_officer)
    fields = {f"answer-{score.pk}": "Đã ban hành QĐ 12", f"version-{score.pk}": str(score.version)}
    url = reverse("scoring:explanation_submit", args=[asked.pk])

    client.post(url, fields)  # the step: saves, asks
    client.post(url, {**fields, **CONFIRMED})  # the same fields again, confirmed

    asked.refresh_from_db()
    assert asked.status == S.EXPLANATION_SUBMITTED


def test_a_refused_answer_comes_back_with_every_typed_answer_kept(client, unit_officer, asked):
    score = score_of(asked, "1.1")

    page = signed_in(client, unit_officer).post(reverse("scoring:explanation_submit", args=[asked.pk]), {
        f"answer-{score.pk}": "Câu trả lời dài của tôi", f"version-{score.pk}": "0"})

    assert page.status_code == 409
    assert "Câu trả lời dài của tôi</textarea>" in page.content.decode()
    assert score_of(asked, "1.1").explanation_answer == ""


def test_save_keeps_the_unit_on_the_page_at_its_question(client, unit_officer, asked):
    score = score_of(asked, "1.1")

    response = signed_in(client, unit_officer).post(reverse("scoring:explanation_submit", args=[asked.pk]), {
        f"answer-{score.pk}": "Đã có QĐ 12", f"version-{score.pk}": str(score.version), "save": str(score.pk)})

    assert response.status_code == 302 and response.url.endswith(f"#leaf-{score.pk}")
    assert score_of(asked, "1.1").explanation_answer == "Đã có QĐ 12"
    asked.refresh_from_db()
    assert asked.status == S.EXPLANATION_REQUESTED


def test_a_refused_decision_on_the_criterion_page_stays_there_with_everything_typed(client, appraiser, mine, cycle):
    template = ReasonTemplate.objects.create(text="Tài liệu kiểm chứng không đúng năm")
    back = criterion_url(cycle, "1.2") + "?page=1#row"

    response = signed_in(client, appraiser).post(leaf_url(mine, "1.2"), {
        "decision": "adjust", "version": "1", "score": "mười", "reason_template": str(template.pk),
        "reason": "Lý do tôi gõ", "next": back})

    text = response.content.decode()
    assert response.status_code == 400
    assert response.templates[0].name == "scoring/appraisal_criterion.html"
    assert "Điểm phải là một số, ví dụ 1,5." in text
    assert 'value="mười"' in text and "Lý do tôi gõ</textarea>" in text
    assert f'<option value="{template.pk}" selected>' in text
    assert score_of(mine, "1.2").final_score is None


def test_a_refused_decision_from_another_page_still_shows_the_leaf_page(client, appraiser, mine):
    response = signed_in(client, appraiser).post(leaf_url(mine, "1.2"), {
        "decision": "adjust", "version": "1", "score": "mười", "next": "/appraisal/"})

    assert response.status_code == 400 and response.templates[0].name == "scoring/appraisal_leaf.html"
