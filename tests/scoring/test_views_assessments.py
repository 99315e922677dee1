import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from scoring.models import Assessment, AssessmentStatus, Cycle, LeafScore, Role
from scoring.services.self_assessment import leaf_self_save
from tests.conftest import make_unit

from .cycle_data import make_rules_framework, open_rules_cycle, score_of


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def cycle(own_unit, other_unit, personas):
    return open_rules_cycle()


@pytest.fixture
def leaf(cycle, own_unit):
    return lambda code: score_of(cycle, own_unit, code)


@pytest.fixture
def assessment(cycle, own_unit):
    return Assessment.objects.get(cycle=cycle, unit=own_unit)


def todo_url(assessment):
    return reverse("scoring:assessment_detail", args=[assessment.pk])


def leaf_url(score):
    return reverse("scoring:leaf_detail", args=[score.pk])


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- The to-do list --------------------------------------------------------------------------------------------


def test_the_todo_list_shows_the_tree_with_each_leafs_max_rule_guidance_and_what_is_missing(client, unit_officer,
                                                                                          assessment, leaf):
    leaf_self_save(leaf_score=leaf("1.2"), user=unit_officer, inputs={"choice": "Chậm"})

    response = signed_in(client, unit_officer).get(todo_url(assessment))

    rows = {row.tree.code: row for row in response.context["rows"]}
    assert list(rows)[:3] == ["1", "1.1", "1.2"]
    assert rows["1.1"].missing == ("chưa chấm",) and rows["1.2"].missing == ()
    assert rows["2.1"].missing == () and rows["3.1"].missing == ()
    page = text(response)
    assert "Hướng dẫn chấm 1.1" in page and "Chấm trực tiếp, bước 0,25" in page
    assert "Chọn mức: Đúng hạn = 1; Chậm = 0,5; Không ban hành = 0" in page
    assert "từ điều tra XHH" in page
    assert f'href="{leaf_url(leaf("1.2"))}"' in page
    assert '<td class="num score" data-label="Điểm tự đánh giá">0,5</td>' in page


def test_the_progress_figure_counts_the_same_leaves_the_rows_flag(client, unit_officer, assessment, leaf):
    for code, inputs in (("1.1", {"value": "1"}), ("1.5", {"occurrences": "1"})):
        leaf_self_save(leaf_score=leaf(code), user=unit_officer, inputs=inputs)
    leaf_self_save(leaf_score=leaf("1.3"), user=unit_officer, inputs={}, not_applicable=True,
                   not_applicable_reason="Không có hồ sơ")

    response = signed_in(client, unit_officer).get(todo_url(assessment))

    progress, rows = response.context["progress"], response.context["rows"]
    assert (progress.scored, progress.scorable, progress.evidence_missing, progress.percent) == (3, 5, 1, 60)
    assert progress.unscored == sum("chưa chấm" in row.missing for row in rows)
    assert progress.evidence_missing == sum("thiếu tài liệu kiểm chứng" in row.missing for row in rows)
    page = text(response)
    assert '<strong id="progress-scored">3/5</strong>' in page
    assert "Chưa chấm: 2" in page and "Thiếu tài liệu kiểm chứng (chưa giải trình): 1" in page


def test_only_missing_keeps_the_leaves_that_need_something_and_their_areas(client, unit_officer, assessment, leaf):
    leaf_self_save(leaf_score=leaf("1.1"), user=unit_officer, inputs={"value": "1"})

    response = signed_in(client, unit_officer).get(todo_url(assessment), {"show": "missing"})

    assert [row.tree.code for row in response.context["rows"]] == ["1", "1.2", "1.3", "1.4", "1.5"]


def test_the_todo_list_reads_a_fixed_number_of_queries_for_150_leaves(client, own_unit, unit_officer,
                                                                       django_assert_max_num_queries):
    leaves = {f"1.{n}": ("appraised", "2", "manual 0.5", n % 2 == 0) for n in range(1, 151)}
    cycle = open_rules_cycle(framework=make_rules_framework(leaves=leaves))
    assessment = Assessment.objects.get(cycle=cycle, unit=own_unit)
    signed_in(client, unit_officer)

    with django_assert_max_num_queries(14):
        response = client.get(todo_url(assessment))

    assert len(response.context["rows"]) == 151


def test_the_unit_lands_on_its_todo_list_from_the_home_page(client, unit_officer, assessment):
    response = signed_in(client, unit_officer).get(reverse("home"))

    assert f'href="{todo_url(assessment)}"' in response.content.decode()
    assert "đã chấm 0/5 tiêu chí" in text(response)


# --- Read-only states ------------------------------------------------------------------------------------------


def test_after_the_deadline_the_unit_reads_why_it_can_no_longer_score(client, unit_officer, assessment, cycle, leaf):
    yesterday = timezone.localdate() - timedelta(days=1)
    Cycle.objects.filter(pk=cycle.pk).update(self_assessment_deadline=yesterday)

    todo = text(signed_in(client, unit_officer).get(todo_url(assessment)))
    page = text(client.get(leaf_url(leaf("1.1"))))

    note = f"Đã hết hạn tự đánh giá ngày {yesterday:%d/%m/%Y}."
    assert note in todo and note in page
    assert 'id="leaf-form"' not in page


@pytest.mark.parametrize(("status", "note"), [
    (AssessmentStatus.SUBMITTED, "Hồ sơ đã gửi, đang chờ thẩm định."),
    (AssessmentStatus.IN_APPRAISAL, "Hồ sơ đã gửi, đang thẩm định."),
])
def test_a_submitted_file_says_so_and_offers_no_form(client, unit_officer, assessment, leaf, status, note):
    Assessment.objects.filter(pk=assessment.pk).update(status=status)

    page = text(signed_in(client, unit_officer).get(leaf_url(leaf("1.1"))))

    assert note in page and 'id="leaf-form"' not in page


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.LEADER, Role.COORDINATOR])
def test_other_roles_read_any_assessment_without_the_form(client, personas, cycle, other_unit, role):
    score = score_of(cycle, other_unit, "1.1")

    todo = signed_in(client, personas[role]).get(todo_url(score.assessment))
    page = client.get(leaf_url(score))

    assert todo.status_code == page.status_code == 200
    assert 'id="leaf-form"' not in page.content.decode()
    assert reverse("scoring:assessment_submit", args=[score.assessment_id]) not in todo.content.decode()


# --- Permissions -----------------------------------------------------------------------------------------------


def test_a_unit_user_can_neither_read_nor_change_another_units_assessment(client, unit_officer, cycle, other_unit):
    score = score_of(cycle, other_unit, "1.1")
    signed_in(client, unit_officer)

    assert client.get(todo_url(score.assessment)).status_code == 404
    assert client.get(leaf_url(score)).status_code == 404
    assert client.post(leaf_url(score), {"value": "1", "version": "1"}).status_code == 404
    assert client.post(reverse("scoring:assessment_submit", args=[score.assessment_id])).status_code == 404
    assert LeafScore.objects.get(pk=score.pk).self_score is None


@pytest.mark.parametrize("role", [Role.LEADER, Role.APPRAISER, Role.COORDINATOR])
def test_roles_outside_the_unit_cannot_self_score_or_submit(client, personas, leaf, assessment, role):
    signed_in(client, personas[role])

    assert client.post(leaf_url(leaf("1.1")), {"value": "1", "version": "1"}).status_code == 403
    assert client.post(reverse("scoring:assessment_submit", args=[assessment.pk])).status_code == 403
    assert leaf("1.1").self_score is None


def test_the_unit_officer_scores_but_only_the_head_submits(client, unit_officer, assessment):
    response = signed_in(client, unit_officer).post(reverse("scoring:assessment_submit", args=[assessment.pk]))

    assert response.status_code == 403
    assert reverse("scoring:assessment_submit", args=[assessment.pk]) not in text(client.get(todo_url(assessment)))


def test_nobody_self_scores_after_submission(client, unit_officer, assessment, leaf):
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)

    response = signed_in(client, unit_officer).post(leaf_url(leaf("1.1")), {"value": "1", "version": "1"})

    assert response.status_code == 200
    assert "Hồ sơ đã gửi, đang chờ thẩm định." in text(response)
    assert leaf("1.1").self_score is None


# --- The leaf page ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "expected"), [
    ("1.1", ['name="value"', 'inputmode="decimal"', "Từ 0 đến 2, bước 0,25."]),
    ("1.2", ['type="radio" name="choice" value="Đúng hạn"', 'value="Chậm"', "Chậm (0,5 điểm)"]),
    ("1.3", ['name="numerator"', 'name="denominator"', 'data-bands="100=2;90=1.5;70=1;0=0"']),
    ("1.4", ['name="numerator"', 'name="denominator"', 'data-rule-kind="proportional"']),
    ("1.5", ['name="occurrences"', "mỗi lần trừ 0,25 điểm", 'data-per-occurrence="0.25"']),
    ("3.1", ['name="value"', "Điểm đề nghị", "Trần của bộ chỉ số"]),
])
def test_the_leaf_form_asks_what_the_rule_needs(client, unit_officer, leaf, code, expected):
    page = signed_in(client, unit_officer).get(leaf_url(leaf(code))).content.decode()

    for fragment in expected:
        assert fragment in page
    assert ('name="not_applicable"' in page) == (code != "3.1")


def test_a_survey_leaf_is_shown_but_not_self_scored(client, unit_officer, leaf):
    page = text(signed_in(client, unit_officer).get(leaf_url(leaf("2.1"))))

    assert "đơn vị không tự chấm" in page and 'id="leaf-form"' not in page


def test_saving_shows_the_computed_score(client, unit_officer, leaf):
    score = leaf("1.3")

    response = signed_in(client, unit_officer).post(
        leaf_url(score), {"numerator": "95", "denominator": "100", "explanation": "Báo cáo số 3", "version": "1"},
        follow=True)

    assert response.redirect_chain[-1][0] == leaf_url(score)
    page = text(response)
    assert "Đã lưu tiêu chí 1.3." in page and '<dd id="saved-self-score"><strong>1,5</strong></dd>' in page
    assert "95 / 100" in page
    assert leaf("1.3").self_score == Decimal("1.5") and leaf("1.3").explanation == "Báo cáo số 3"


def test_an_out_of_range_score_is_refused_with_the_message_and_the_input_kept(client, unit_officer, leaf):
    response = signed_in(client, unit_officer).post(leaf_url(leaf("1.1")), {"value": "0.3", "version": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["value"] == ["Điểm phải là bội số của 0,25"]
    assert 'value="0.3"' in response.content.decode()
    assert leaf("1.1").self_score is None


def test_a_not_applicable_claim_without_reason_is_refused_beside_the_reason(client, unit_officer, leaf):
    response = signed_in(client, unit_officer).post(leaf_url(leaf("1.4")), {"not_applicable": "on", "version": "1"})

    assert response.context["form"].errors["not_applicable_reason"] == ["Cần nêu lý do đề nghị không áp dụng."]


def test_a_bonus_claim_above_the_cap_is_refused_with_the_cap_in_the_message(client, unit_officer, leaf):
    leaf_self_save(leaf_score=leaf("3.1"), user=unit_officer, inputs={"value": "2"})

    response = signed_in(client, unit_officer).post(leaf_url(leaf("3.2")), {"value": "2", "version": "1"})

    assert "vượt trần 3 của bộ chỉ số" in response.context["form"].errors["value"][0]


def test_a_stale_save_is_a_conflict_that_keeps_the_users_input(client, unit_officer, personas, leaf):
    leaf_self_save(leaf_score=leaf("1.1"), user=personas["unit_head"], inputs={"value": "2"})

    response = signed_in(client, unit_officer).post(leaf_url(leaf("1.1")), {"value": "0.5", "version": "1",
                                                                            "explanation": "Của tôi"})

    page = text(response)
    assert "Tiêu chí 1.1 vừa được người khác lưu" in page
    assert 'value="0.5"' in page and "Của tôi" in page
    assert response.context["form"]["version"].value() == "2"
    assert '<dd id="saved-self-score"><strong>2</strong></dd>' in page
    assert leaf("1.1").self_score == 2

    again = client.post(leaf_url(leaf("1.1")), {"value": "0.5", "version": "2"})
    assert again.status_code == 302 and leaf("1.1").self_score == Decimal("0.5")


def test_the_leaf_page_includes_evidence_appraisal_and_history_in_that_order(client, unit_officer, leaf):
    response = signed_in(client, unit_officer).get(leaf_url(leaf("1.1")))

    names = [template.name for template in response.templates]
    order = [names.index(name) for name in ("scoring/_evidence_panel.html", "scoring/_leaf_appraisal.html",
                                            "scoring/_leaf_history.html")]
    assert order == sorted(order)
    assert {"evidence_panel", "leaf_appraisal", "leaf_history"} <= set(response.context.keys())


def test_the_leaf_page_links_to_the_previous_and_next_leaves(client, unit_officer, leaf):
    page = signed_in(client, unit_officer).get(leaf_url(leaf("1.2"))).content.decode()

    assert f'href="{leaf_url(leaf("1.1"))}" rel="prev"' in page
    assert f'href="{leaf_url(leaf("1.3"))}" rel="next"' in page


def test_the_leaf_page_reads_a_fixed_number_of_queries(client, unit_officer, leaf, django_assert_max_num_queries):
    signed_in(client, unit_officer)

    with django_assert_max_num_queries(25):
        assert client.get(leaf_url(leaf("1.3"))).status_code == 200


# --- Submission ------------------------------------------------------------------------------------------------


def test_the_head_is_told_which_leaves_are_missing_then_submits(client, personas, assessment, leaf):
    head = personas[Role.UNIT_HEAD]
    url = reverse("scoring:assessment_submit", args=[assessment.pk])

    refused = text(signed_in(client, head).post(url, follow=True))
    assert "Chưa thể gửi hồ sơ: còn 5 mục chưa đủ: 1.1 (chưa chấm), 1.2 (chưa chấm)" in refused

    for code, inputs in {"1.1": {"value": "2"}, "1.2": {"choice": "Đúng hạn"},
                         "1.3": {"numerator": "1", "denominator": "1"}, "1.4": {"numerator": "1", "denominator": "2"},
                         "1.5": {"occurrences": "4"}}.items():
        leaf_self_save(leaf_score=leaf(code), user=head, inputs=inputs)
    done = text(client.post(url, {"confirmed": "1"}, follow=True))

    assert "Đã gửi hồ sơ tự đánh giá tới Hội đồng thẩm định." in done
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
    assert "Hồ sơ đã gửi, đang chờ thẩm định." in done


def test_submitting_needs_a_post(client, personas, assessment):
    url = reverse("scoring:assessment_submit", args=[assessment.pk])

    assert signed_in(client, personas[Role.UNIT_HEAD]).get(url).status_code == 405


def test_a_unit_of_another_block_reaches_nothing_of_this_cycle(client, cycle):
    from tests.conftest import make_block, make_user

    stranger = make_user("xa", Role.UNIT_OFFICER, unit=make_unit("XA1", block=make_block("XA", "Khối xã", 3)))

    signed_in(client, stranger)
    assert client.get(reverse("scoring:cycle_detail", args=[cycle.pk])).status_code == 404


# --- The home page's to-do box ---------------------------------------------------------------------------------


def test_the_home_page_shows_the_units_upcoming_deadline_and_its_reminders(client, unit_officer, cycle):
    from scoring.models import Reminder
    from scoring.services.reminders import reminders_send

    due = timezone.localdate() + timedelta(days=3)
    Cycle.objects.filter(pk=cycle.pk).update(self_assessment_deadline=due)
    reminders_send()

    page = text(signed_in(client, unit_officer).get(reverse("home")))

    assert f"{due:%d/%m/%Y}</span>: Hạn tự đánh giá · Khối sở, ban, ngành 2025 (còn 3 ngày)" in page
    assert Reminder.objects.get(user=unit_officer).message in page


def test_a_submitted_unit_is_no_longer_shown_the_self_assessment_deadline(client, unit_officer, cycle, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)

    response = signed_in(client, unit_officer).get(reverse("home"))

    assert response.context["todo"]["deadlines"] == []


def test_after_submitting_the_home_page_no_longer_counts_down_to_the_self_assessment_deadline(
        client, unit_officer, cycle, assessment):
    from scoring.models import Reminder
    from scoring.services.reminders import reminders_send

    Cycle.objects.filter(pk=cycle.pk).update(self_assessment_deadline=timezone.localdate() + timedelta(days=3))
    reminders_send()
    message = Reminder.objects.get(user=unit_officer).message
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)

    page = text(signed_in(client, unit_officer).get(reverse("home")))

    assert message not in page and "còn 3 ngày" not in page


def test_the_board_sees_how_many_submitted_assessments_wait_for_it(client, personas, cycle, assessment):
    from scoring.models import Criterion

    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED)
    Criterion.objects.filter(framework=cycle.framework, code="1.1").update(agency=personas[Role.APPRAISER].agency)

    for role, count in ((Role.COORDINATOR, 1), (Role.APPRAISER, 1)):
        response = signed_in(client, personas[role]).get(reverse("home"))
        assert response.context["todo"]["waiting_count"] == count
        assert "Hồ sơ đã gửi đang chờ thẩm định: <strong>1</strong>" in text(response)

    Criterion.objects.filter(framework=cycle.framework).update(agency=None)
    assert signed_in(client, personas[Role.APPRAISER]).get(reverse("home")).context["todo"]["waiting_count"] == 0


def test_a_leader_gets_no_todo_box(client, leader, cycle):
    assert 'id="todo"' not in signed_in(client, leader).get(reverse("home")).content.decode()


# --- Wording, numbers and bad input (helper ux) ---------------------------------------------------------------


@pytest.mark.parametrize("field", ["numerator", "denominator"])
def test_a_count_written_with_a_thousands_dot_is_refused_beside_it_and_kept(client, unit_officer, leaf, field):
    typed = {"numerator": "950", "denominator": "1000", field: "1.250", "explanation": "Theo báo cáo năm"}

    response = signed_in(client, unit_officer).post(leaf_url(leaf("1.3")), {**typed, "version": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        "«1.250» dễ bị hiểu nhầm: viết 1250 nếu là số nguyên, hoặc 1,250 nếu là số thập phân."]
    page = response.content.decode()
    assert 'value="1.250"' in page and "Theo báo cáo năm" in page
    assert leaf("1.3").self_score is None and leaf("1.3").self_inputs == {}


def test_a_decimal_comma_is_read_and_shown_back_as_typed(client, unit_officer, leaf):
    saved = signed_in(client, unit_officer).post(leaf_url(leaf("1.1")), {"value": "1,75", "version": "1"})

    assert saved.status_code == 302 and leaf("1.1").self_score == Decimal("1.75")
    assert 'name="value" value="1,75"' in client.get(leaf_url(leaf("1.1"))).content.decode()


@pytest.mark.parametrize("version", ["abc", "1.5", "x" * 40])
def test_a_garbled_version_says_the_page_is_out_of_date_and_keeps_the_input(client, unit_officer, leaf, version):
    response = signed_in(client, unit_officer).post(leaf_url(leaf("1.1")), {"value": "1,5", "version": version,
                                                                            "explanation": "Giữ lại"})

    page = text(response)
    assert response.status_code == 200
    assert "Trang này đã cũ: hãy tải lại trang, xem điểm hiện tại rồi lưu lại." in page
    assert 'value="1,5"' in page and "Giữ lại" in page and leaf("1.1").self_score is None


@pytest.mark.parametrize("version", [None, "", " "])
def test_a_post_without_its_version_never_saves_over_a_newer_edit(client, unit_officer, leaf, version):
    leaf_self_save(leaf_score=leaf("1.1"), user=unit_officer, inputs={"value": "2"})  # saved since the page was read
    posted = {"value": "0,5", "explanation": "Bản cũ"} | ({} if version is None else {"version": version})

    response = signed_in(client, unit_officer).post(leaf_url(leaf("1.1")), posted)

    assert "Trang này đã cũ: hãy tải lại trang, xem điểm hiện tại rồi lưu lại." in text(response)
    assert leaf("1.1").self_score == Decimal("2") and leaf("1.1").explanation == ""


def test_each_number_input_says_its_range_and_accepts_a_comma(client, unit_officer, leaf):
    page = signed_in(client, unit_officer).get(leaf_url(leaf("1.1"))).content.decode()

    assert 'type="number"' not in page  # a number input drops "1,5" to "15" before the server sees it
    assert 'aria-describedby="id_value_helptext"' in page and "Từ 0 đến 2, bước 0,25." in page


def test_a_bonus_leaf_says_what_the_other_bonus_leaves_already_claim(client, unit_officer, leaf):
    leaf_self_save(leaf_score=leaf("3.1"), user=unit_officer, inputs={"value": "1.5"})

    page = text(signed_in(client, unit_officer).get(leaf_url(leaf("3.2"))))

    assert "Trần của bộ chỉ số</dt><dd>3 <small" in page
    assert "đơn vị đã đề nghị 1,5 điểm ở các tiêu chí điểm thưởng khác" in page


@pytest.mark.parametrize("role", [Role.LEADER, Role.APPRAISER, Role.COORDINATOR])
def test_someone_elses_draft_says_why_it_is_read_only(client, personas, assessment, leaf, role):
    signed_in(client, personas[role])
    note = "Đơn vị đang tự đánh giá; chỉ cán bộ và thủ trưởng Sở Nội vụ sửa được hồ sơ này."

    assert note in text(client.get(todo_url(assessment)))
    assert note in text(client.get(leaf_url(leaf("1.1"))))


def test_the_todo_list_sends_the_unit_to_the_boards_questions(client, unit_officer, assessment, leaf):
    LeafScore.objects.filter(pk=leaf("1.2").pk).update(explanation_question="Bổ sung quyết định?")
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.EXPLANATION_REQUESTED)
    explanations = reverse("scoring:explanation_list", args=[assessment.pk])

    page = text(signed_in(client, unit_officer).get(todo_url(assessment)))
    home = text(client.get(reverse("home")))

    assert "Hội đồng thẩm định yêu cầu giải trình 1 tiêu chí." in page
    assert f'<a class="button primary" href="{explanations}">Trả lời yêu cầu giải trình</a>' in page
    assert f'href="{explanations}">Trả lời yêu cầu giải trình</a>' in home


def test_the_todo_list_offers_the_workbook_to_the_unit_only(client, personas, assessment):
    workbook = reverse("scoring:workbook_upload", args=[assessment.pk])

    assert workbook in signed_in(client, personas[Role.UNIT_OFFICER]).get(todo_url(assessment)).content.decode()
    assert workbook not in signed_in(client, personas[Role.LEADER]).get(todo_url(assessment)).content.decode()


def test_a_file_submitted_by_the_system_shows_when_without_a_500(client, leader, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SUBMITTED,
                                                       submitted_at=timezone.now(), submitted_by=None)

    response = signed_in(client, leader).get(todo_url(assessment))

    assert response.status_code == 200 and "gửi lúc" in text(response)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.APPRAISER])
def test_the_boards_home_box_leads_to_the_appraisal_work_list(client, personas, cycle, role):
    page = text(signed_in(client, personas[role]).get(reverse("home")))

    assert f'<a href="{reverse("scoring:appraisal_home")}">Đi tới trang thẩm định</a>' in page


def test_submitting_first_asks_with_the_self_assessed_total_and_index_and_sends_nothing(client, personas,
                                                                                        assessment, leaf):
    head = personas[Role.UNIT_HEAD]
    for code, inputs in {"1.1": {"value": "2"}, "1.2": {"choice": "Đúng hạn"},
                         "1.3": {"numerator": "1", "denominator": "1"}, "1.4": {"numerator": "1", "denominator": "2"},
                         "1.5": {"occurrences": "4"}}.items():
        leaf_self_save(leaf_score=leaf(code), user=head, inputs=inputs)

    page = text(signed_in(client, head).post(reverse("scoring:assessment_submit", args=[assessment.pk])))

    assert 'id="confirm-step"' in page
    assert "Tổng điểm tự đánh giá" in page and "Chỉ số tự đánh giá" in page and "%" in page
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT
