from datetime import timedelta

import pytest
from django.urls import reverse

from scoring.models import Assessment, AssessmentStatus, AuditEntry, Cycle, Role
from tests.conftest import make_block, make_unit, make_user

from .cycle_data import deadlines, make_rules_framework, open_rules_cycle, score_of

LIST = reverse("scoring:cycle_list")
CREATE = reverse("scoring:cycle_create")


def signed_in(client, user):
    client.force_login(user)
    return client


def iso(dates):
    return {field: day.isoformat() for field, day in dates.items()}


@pytest.fixture
def cycle(own_unit, other_unit):
    return open_rules_cycle()


# --- The list --------------------------------------------------------------------------------------------------


def test_the_list_shows_each_cycle_with_its_deadline_and_counts(client, coordinator, cycle, other_unit):
    Assessment.objects.filter(cycle=cycle, unit=other_unit).update(status=AssessmentStatus.APPRAISED)

    response = signed_in(client, coordinator).get(LIST)

    row = response.context["page"][0]
    assert (row.assessment_count, row.draft_count, row.appraised_count) == (2, 1, 1)
    html = response.content.decode()
    assert reverse("scoring:cycle_detail", args=[cycle.pk]) in html and CREATE in html
    assert cycle.self_assessment_deadline.strftime("%d/%m/%Y") in html


def test_a_unit_user_sees_only_its_blocks_cycles_and_counts_only_its_own_file(client, unit_officer, cycle):
    other_block = make_rules_framework(block=make_block("XA", "Khối xã", 3))
    make_unit("XA1", block=other_block.block)
    open_rules_cycle(framework=other_block)

    response = signed_in(client, unit_officer).get(LIST)

    assert [c.pk for c in response.context["page"]] == [cycle.pk]
    assert response.context["page"][0].assessment_count == 1
    assert CREATE not in response.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(client, coordinator, own_unit, django_assert_max_num_queries):
    for year in range(2020, 2026):
        open_rules_cycle(framework=make_rules_framework(year=year))
    signed_in(client, coordinator)

    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200


# --- Opening ---------------------------------------------------------------------------------------------------


def test_the_coordinator_opens_a_cycle_from_the_form(client, coordinator, own_unit):
    framework = make_rules_framework()
    form = {"year": 2025, "block": framework.block.pk, **iso(deadlines())}

    response = signed_in(client, coordinator).post(CREATE, form, follow=True)

    cycle = Cycle.objects.get()
    assert response.redirect_chain[-1][0] == reverse("scoring:cycle_detail", args=[cycle.pk])
    assert "Đã mở kỳ đánh giá Khối sở, ban, ngành 2025: 1 hồ sơ đơn vị." in response.content.decode()
    assert cycle.opened_by == coordinator and cycle.framework == framework


def test_opening_a_cycle_that_exists_shows_the_reason_on_the_form(client, coordinator, cycle):
    form = {"year": 2025, "block": cycle.block.pk, **iso(deadlines())}

    response = signed_in(client, coordinator).post(CREATE, form)

    assert response.status_code == 200
    assert "Kỳ đánh giá năm 2025 của Khối sở, ban, ngành đã có (đang mở)." in response.content.decode()
    assert Cycle.objects.count() == 1


def test_deadlines_out_of_order_are_shown_beside_the_field(client, coordinator, own_unit):
    framework = make_rules_framework()
    dates = deadlines()
    dates["explanation_deadline"] = dates["self_assessment_deadline"] - timedelta(days=1)

    response = signed_in(client, coordinator).post(CREATE, {"year": 2025, "block": framework.block.pk,
                                                            **iso(dates)})

    assert response.context["form"].errors["explanation_deadline"][0].startswith("Phải sau hạn thẩm định vòng 1")
    assert not Cycle.objects.exists()


def test_a_missing_deadline_is_required(client, coordinator, own_unit):
    framework = make_rules_framework()
    dates = iso(deadlines())
    del dates["final_appraisal_deadline"]

    response = signed_in(client, coordinator).post(CREATE, {"year": 2025, "block": framework.block.pk, **dates})

    assert "final_appraisal_deadline" in response.context["form"].errors and not Cycle.objects.exists()


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.LEADER, Role.UNIT_HEAD])
def test_only_managers_open_cycles(client, personas, role, own_unit):
    framework = make_rules_framework()

    response = signed_in(client, personas[role]).post(CREATE, {"year": 2025, "block": framework.block.pk,
                                                               **iso(deadlines())})

    assert response.status_code == 403 and not Cycle.objects.exists()


# --- A cycle's assessments -------------------------------------------------------------------------------------


def test_the_cycle_page_shows_each_units_status_progress_and_submission_date(client, leader, cycle, own_unit,
                                                                            unit_officer):
    from scoring.services.self_assessment import leaf_self_save

    leaf_self_save(leaf_score=score_of(cycle, own_unit, "1.1"), user=unit_officer, inputs={"value": "1"})
    leaf_self_save(leaf_score=score_of(cycle, own_unit, "1.5"), user=unit_officer, inputs={"occurrences": "0"})

    response = signed_in(client, leader).get(reverse("scoring:cycle_detail", args=[cycle.pk]))

    rows = {a.unit.code: a for a in response.context["rows"]}
    assert (rows["SNV"].progress.scored, rows["SNV"].progress.scorable, rows["SNV"].progress.evidence_missing) == (
        2, 5, 1)
    html = response.content.decode()
    assert "2/5" in html and "(40%)" in html and "0/5" in html and "Đang tự đánh giá" in html
    assert reverse("scoring:cycle_deadlines", args=[cycle.pk]) not in html


def test_the_cycle_page_filters_by_status_and_searches_units(client, coordinator, cycle, other_unit):
    Assessment.objects.filter(cycle=cycle, unit=other_unit).update(status=AssessmentStatus.SUBMITTED)
    url = reverse("scoring:cycle_detail", args=[cycle.pk])
    signed_in(client, coordinator)

    assert [a.unit.code for a in client.get(url, {"status": "submitted"}).context["rows"]] == ["STC"]
    assert [a.unit.code for a in client.get(url, {"q": "nội vụ"}).context["rows"]] == ["SNV"]
    counts = {value: count for value, _label, count in client.get(url).context["status_counts"]}
    assert counts["draft"] == 1 and counts["submitted"] == 1


def test_a_unit_user_sees_only_its_own_assessment_on_the_cycle_page(client, unit_officer, cycle):
    response = signed_in(client, unit_officer).get(reverse("scoring:cycle_detail", args=[cycle.pk]))

    assert [a.unit.code for a in response.context["rows"]] == ["SNV"]


def test_the_cycle_page_paginates_fifty_units_with_a_fixed_number_of_queries(client, coordinator, db,
                                                                            django_assert_max_num_queries):
    for number in range(60):
        make_unit(f"U{number:02d}")
    cycle = open_rules_cycle()
    signed_in(client, coordinator)
    url = reverse("scoring:cycle_detail", args=[cycle.pk])

    with django_assert_max_num_queries(10):
        response = client.get(url)

    assert len(response.context["rows"]) == 50
    assert len(client.get(url, {"page": 2}).context["rows"]) == 11  # and the personas' own unit


# --- Deadlines, closing, reopening ------------------------------------------------------------------------------


def test_the_coordinator_moves_a_deadline_with_a_reason_and_it_is_audited(client, coordinator, cycle):
    dates = deadlines()
    dates["final_appraisal_deadline"] += timedelta(days=7)
    url = reverse("scoring:cycle_deadlines", args=[cycle.pk])

    response = signed_in(client, coordinator).post(url, {**iso(dates), "reason": "Công văn 45"}, follow=True)

    assert "Đã lưu hạn của kỳ đánh giá: 1 thay đổi." in response.content.decode()
    entry = AuditEntry.objects.filter(entity="cycle", field="final_appraisal_deadline").latest("id")
    assert (entry.new_value, entry.reason, entry.actor) == (dates["final_appraisal_deadline"].isoformat(),
                                                           "Công văn 45", coordinator)


def test_the_deadlines_form_shows_the_current_dates(client, coordinator, cycle):
    html = signed_in(client, coordinator).get(reverse("scoring:cycle_deadlines", args=[cycle.pk])).content.decode()

    assert f'value="{cycle.self_assessment_deadline.strftime("%d/%m/%Y")}"' in html


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.LEADER, Role.UNIT_OFFICER])
def test_only_managers_change_deadlines_or_close_a_cycle(client, personas, cycle, role):
    signed_in(client, personas[role])

    assert client.post(reverse("scoring:cycle_deadlines", args=[cycle.pk]), iso(deadlines())).status_code == 403
    assert client.post(reverse("scoring:cycle_close", args=[cycle.pk])).status_code == 403
    cycle.refresh_from_db()
    assert cycle.is_open


def test_closing_and_reopening_the_cycle(client, coordinator, cycle):
    signed_in(client, coordinator)

    closed = client.post(reverse("scoring:cycle_close", args=[cycle.pk]), {"confirmed": "1"},
                         follow=True).content.decode()
    cycle.refresh_from_db()
    assert not cycle.is_open and "Đã đóng kỳ đánh giá" in closed
    client.post(reverse("scoring:cycle_reopen", args=[cycle.pk]))
    cycle.refresh_from_db()
    assert cycle.is_open


def test_closing_needs_a_post(client, coordinator, cycle):
    assert signed_in(client, coordinator).get(reverse("scoring:cycle_close", args=[cycle.pk])).status_code == 405


def test_an_empty_installation_shows_the_empty_list(client, db):
    coordinator = make_user("dieuphoi", Role.COORDINATOR)

    assert "Chưa có kỳ đánh giá nào." in signed_in(client, coordinator).get(LIST).content.decode()


# --- Bad input and navigation (helper ux) ---------------------------------------------------------------------


@pytest.mark.parametrize("route", ["scoring:cycle_close", "scoring:cycle_reopen"])
def test_a_reason_the_database_cannot_store_is_refused_with_a_message(client, coordinator, cycle, route):
    if route == "scoring:cycle_reopen":
        Cycle.objects.filter(pk=cycle.pk).update(is_open=False)
    audited = AuditEntry.objects.filter(entity="cycle", field="is_open").count()

    response = signed_in(client, coordinator).post(reverse(route, args=[cycle.pk]), {"reason": "a\x00b"}, follow=True)

    assert response.status_code == 200 and "message-error" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).is_open == (route == "scoring:cycle_close")
    assert AuditEntry.objects.filter(entity="cycle", field="is_open").count() == audited


def test_deadlines_are_typed_and_shown_as_dd_mm_yyyy(client, coordinator, cycle):
    dates = deadlines()
    dates["final_appraisal_deadline"] += timedelta(days=3)
    typed = {field: day.strftime("%d/%m/%Y") for field, day in dates.items()}

    response = signed_in(client, coordinator).post(reverse("scoring:cycle_deadlines", args=[cycle.pk]), typed)

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.final_appraisal_deadline == dates["final_appraisal_deadline"]
    html = client.get(reverse("scoring:cycle_deadlines", args=[cycle.pk])).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in html and 'type="date"' not in html


@pytest.mark.parametrize("typed", ["12/31/2026", "31-12-2026", "abc", "31/02/2026"])
def test_a_date_that_is_not_dd_mm_yyyy_is_refused_beside_its_field_and_kept(client, coordinator, cycle, typed):
    before = cycle.self_assessment_deadline
    form = {**iso(deadlines()), "self_assessment_deadline": typed, "reason": "Công văn 12"}

    response = signed_in(client, coordinator).post(reverse("scoring:cycle_deadlines", args=[cycle.pk]), form)

    assert response.status_code == 200
    assert response.context["form"].errors["self_assessment_deadline"] == [
        "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/12/2026."]
    html = response.content.decode()
    assert f'value="{typed}"' in html and 'value="Công văn 12"' in html
    cycle.refresh_from_db()
    assert cycle.self_assessment_deadline == before


@pytest.mark.parametrize(("role", "linked"), [(Role.APPRAISER, True), (Role.COORDINATOR, True), (Role.LEADER, False)])
def test_the_cycle_page_takes_the_board_to_its_appraisal(client, personas, cycle, role, linked):
    html = signed_in(client, personas[role]).get(reverse("scoring:cycle_detail", args=[cycle.pk])).content.decode()

    assert (reverse("scoring:appraisal_cycle", args=[cycle.pk]) in html) == linked


def test_a_closed_cycle_says_what_closing_stops(client, leader, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(is_open=False)

    html = signed_in(client, leader).get(reverse("scoring:cycle_detail", args=[cycle.pk])).content.decode()

    assert "Kỳ đánh giá đã đóng: các đơn vị không tự chấm điểm và không thêm tài liệu kiểm chứng được nữa." in html


def test_closing_the_cycle_first_asks_with_its_files_and_nothing_closes(client, coordinator, cycle):
    page = signed_in(client, coordinator).post(reverse("scoring:cycle_close", args=[cycle.pk]), {"reason": "Hết năm"})

    text = page.content.decode()
    assert 'id="confirm-step"' in text and "Hồ sơ chưa hoàn tất thẩm định" in text and "Hết năm" in text
    cycle.refresh_from_db()
    assert cycle.is_open


# --- An index beside PAR ----------------------------------------------------------------------------------------


def test_the_coordinator_opens_a_dti_cycle_beside_the_par_one_of_the_same_year_and_block(client, coordinator, cycle):
    dti = make_rules_framework(index_code="DTI")
    dates = deadlines()

    response = signed_in(client, coordinator).post(CREATE, {"index": "DTI", "year": 2025, "block": dti.block_id,
                                                            **iso(dates)})

    opened = Cycle.objects.get(year=2025, block=dti.block, index_code="DTI")
    assert response.status_code == 302 and opened.framework == dti
    assert Cycle.objects.filter(year=2025, block=dti.block).count() == 2
    detail = signed_in(client, coordinator).get(reverse("scoring:cycle_detail", args=[opened.pk])).content.decode()
    assert "2025 (DTI)" in detail
    listing = signed_in(client, coordinator).get(LIST).content.decode()
    assert "2025 (DTI)" in listing


def test_a_cycle_of_an_index_without_a_framework_that_year_is_refused(client, coordinator, cycle):
    make_rules_framework(year=2024, index_code="DTI")  # DTI is offered, but has no 2025 framework

    response = signed_in(client, coordinator).post(CREATE, {"index": "DTI", "year": 2025, "block": cycle.block_id,
                                                            **iso(deadlines())})

    assert response.status_code == 200
    assert "Chưa có bộ chỉ số DTI năm 2025" in response.content.decode()
    assert not Cycle.objects.filter(index_code="DTI").exists()


def test_the_form_offers_par_and_the_indices_that_have_a_framework(client, coordinator, own_unit):
    make_rules_framework(index_code="DTI")

    form = signed_in(client, coordinator).get(CREATE).context["form"]

    assert [index.code for index in form.fields["index"].queryset] == ["PAR", "DTI"]
    assert [fw.index.code for fw in signed_in(client, coordinator).get(CREATE).context["frameworks"]] == ["DTI"]
