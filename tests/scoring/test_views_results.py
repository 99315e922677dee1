import hashlib
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import Cycle, Job, JobStatus, Publication, Role, RosterEntry, Unit, UnitResult
from scoring.services.publications import publication_create
from tests.conftest import make_block, make_framework, make_unit, make_user

from .results_tables import make_block_results, make_result

RESULTS = reverse("scoring:results")


@pytest.fixture
def results(personas):
    return make_block_results()


def signed_in(client, user):
    client.force_login(user)
    return client


# --- The ranking table -----------------------------------------------------------------------------------------


def test_the_table_shows_indices_with_a_decimal_comma_grade_labels_and_moves(client, leader, results):
    page = signed_in(client, leader).get(RESULTS, {"year": 2025, "block": "SO"}).content.decode()

    assert "Kết quả chỉ số CCHC năm 2025 · Khối sở, ban, ngành</h1>" in page
    assert "92,50" in page and "60,48" in page
    assert "Loại A" in page and "Loại B" in page
    assert "▲</span> tăng 1 bậc" in page and "▼</span> giảm 1 bậc" in page
    assert "+2,25" in page and "-5,00" in page
    assert "không so sánh được" in page and "không xếp hạng" in page


def test_an_incomplete_result_carries_a_badge(client, leader, results):
    results["STC"].incomplete = True
    results["STC"].save()

    assert "chưa đủ điểm" in signed_in(client, leader).get(RESULTS, {"year": 2025}).content.decode()


def test_without_a_choice_the_page_opens_the_newest_year_and_first_block(client, leader, results):
    response = signed_in(client, leader).get(RESULTS)

    assert (response.context["year"], response.context["current_block"].code) == (2025, "SO")
    assert len(response.context["rows"]) == 4


def test_a_year_without_results_shows_the_empty_state(client, coordinator, results):
    page = signed_in(client, coordinator).get(RESULTS, {"year": 2030}).content.decode()

    assert "Chưa có kết quả năm 2030. Điều phối viên bấm 'Tính kết quả'." in page
    assert "<table" not in page


def test_a_unit_user_sees_only_its_own_row_and_no_manager_buttons(client, personas, results):
    response = signed_in(client, personas[Role.UNIT_HEAD]).get(RESULTS, {"year": 2025, "block": "SO"})

    assert [row["unit_code"] for row in response.context["rows"]] == ["SNV"]
    assert reverse("scoring:results_run") not in response.content.decode()


def test_managers_get_the_run_and_publish_buttons_and_the_export_links(client, coordinator, results):
    page = signed_in(client, coordinator).get(RESULTS, {"year": 2025, "block": "SO"}).content.decode()

    assert reverse("scoring:results_run") in page and reverse("scoring:publication_create") in page
    assert f"{reverse('scoring:results_export')}?year=2025&amp;block=SO" in page
    assert f"{reverse('scoring_api:result_list')}?year=2025&amp;block=SO" in page


def test_the_table_shows_fifty_units_a_page(client, leader, db):
    framework = make_framework(year=2025, block=make_block("XA", "Khối xã"))
    for number in range(51):
        make_result(make_unit(f"X{number:02d}", block=framework.block), framework, rank=number + 1)

    response = signed_in(client, leader).get(RESULTS, {"year": 2025, "block": "XA", "page": 2})

    assert [row["unit_code"] for row in response.context["rows"]] == ["X50"]


def test_the_navigation_leads_to_the_results(client, leader):
    assert f'href="{RESULTS}"' in signed_in(client, leader).get(reverse("home")).content.decode()


# --- Exports ---------------------------------------------------------------------------------------------------


def test_the_excel_export_is_the_published_table_of_what_the_user_may_see(client, personas, results):
    for user, units in ((personas[Role.LEADER], 4), (personas[Role.UNIT_OFFICER], 1)):
        response = signed_in(client, user).get(reverse("scoring:results_export"), {"year": 2025, "block": "SO"})

        sheet = load_workbook(BytesIO(response.content)).active
        assert sheet.max_row == 2 + units
        assert "ket-qua-2025-SO.xlsx" in response["Content-Disposition"]


def test_the_excel_export_needs_a_year_and_a_block(client, leader, results):
    response = signed_in(client, leader).get(reverse("scoring:results_export"), {"year": 2025})

    assert response.status_code == 400
    assert "Cần chọn năm và khối" in response.content.decode()


# --- A results run and its job page ----------------------------------------------------------------------------


def test_a_manager_starts_a_run_and_lands_on_its_job_page(client, coordinator, results):
    response = signed_in(client, coordinator).post(reverse("scoring:results_run"), {"year": 2025, "block": "SO"})

    job = Job.objects.get()
    assert response.url == reverse("scoring:job_detail", args=[job.pk])
    assert (job.kind, job.scope, job.created_by, job.status) == (
        "compute_results", "results:2025:SO", coordinator, JobStatus.QUEUED)


def test_a_run_over_the_whole_year_has_the_year_scope(client, coordinator, db):
    signed_in(client, coordinator).post(reverse("scoring:results_run"), {"year": 2025, "block": ""})

    assert Job.objects.get().scope == "results:2025:*"


def test_the_run_computes_in_the_background_and_its_page_then_leads_to_the_results(
        client, coordinator, personas, django_capture_on_commit_callbacks):
    framework = make_framework(year=2025, block=make_block("SO"))
    cycle = Cycle.objects.create(year=2025, block=framework.block, framework=framework)
    RosterEntry.objects.bulk_create(RosterEntry(cycle=cycle, unit=unit)
                                    for unit in Unit.objects.filter(block=cycle.block))

    with django_capture_on_commit_callbacks(execute=True):  # tests run the task in-process
        signed_in(client, coordinator).post(reverse("scoring:results_run"), {"year": 2025})
    job = Job.objects.get()

    assert job.status == JobStatus.DONE
    assert UnitResult.objects.filter(year=2025).exists()
    page = client.get(reverse("scoring:job_detail", args=[job.pk])).content.decode()
    assert f'href="{RESULTS}?year=2025"' in page
    assert client.get(reverse("scoring:job_status", args=[job.pk])).json()["next_url"] == f"{RESULTS}?year=2025"


def test_the_job_page_has_a_progress_bar_a_script_to_follow_it_and_a_fallback_without_javascript(
        client, coordinator):
    job = Job.objects.create(kind="compute_results", scope="results:2025:*", params={"year": 2025},
                             status=JobStatus.RUNNING, progress=40, message="Khối SO: đang tính")

    page = signed_in(client, coordinator).get(reverse("scoring:job_detail", args=[job.pk])).content.decode()

    assert '<progress id="job-progress" max="100" value="40">' in page
    assert "Khối SO: đang tính" in page
    assert f'data-job-status-url="{reverse("scoring:job_status", args=[job.pk])}"' in page
    assert "js/job-progress.js" in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page


def test_a_finished_job_page_stops_refreshing(client, coordinator):
    job = Job.objects.create(kind="compute_results", scope="results:2025:*", params={"year": 2025},
                             status=JobStatus.FAILED, error="Chưa có kỳ đánh giá nào năm 2025.")

    page = signed_in(client, coordinator).get(reverse("scoring:job_detail", args=[job.pk])).content.decode()

    assert "Chưa có kỳ đánh giá nào năm 2025." in page
    assert "http-equiv" not in page and "data-job-status-url" not in page


def test_the_job_status_is_json_for_the_progress_bar(client, coordinator):
    job = Job.objects.create(kind="compute_results", scope="results:2025:SO", params={"year": 2025, "block": "SO"},
                             status=JobStatus.RUNNING, progress=55, message="Khối SO: đang tính")

    body = signed_in(client, coordinator).get(reverse("scoring:job_status", args=[job.pk])).json()

    assert body == {"id": job.pk, "status": "running", "status_label": "Đang chạy", "progress": 55,
                    "message": "Khối SO: đang tính", "error": "", "finished": False, "next_url": None}


def test_a_job_is_visible_to_whoever_started_it_and_hidden_from_others(client, personas):
    starter, other = personas[Role.LEADER], make_user("lanhdao2", Role.LEADER)
    job = Job.objects.create(kind="selfcheck", created_by=starter)
    url = reverse("scoring:job_status", args=[job.pk])

    assert signed_in(client, starter).get(url).status_code == 200
    assert signed_in(client, other).get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.APPRAISER, Role.UNIT_OFFICER, Role.UNIT_HEAD, Role.LEADER])
def test_only_managers_may_run_or_publish(client, personas, results, role):
    client = signed_in(client, personas[role])

    assert client.post(reverse("scoring:results_run"), {"year": 2025}).status_code == 403
    assert client.post(reverse("scoring:publication_create"), {"year": 2025}).status_code == 403
    assert not Job.objects.exists() and not Publication.objects.exists()


# --- Publications ----------------------------------------------------------------------------------------------


def test_a_manager_publishes_and_lands_on_the_publication(client, coordinator, results):
    response = signed_in(client, coordinator).post(reverse("scoring:publication_create"),
                                                   {"year": 2025, "block": "SO", "note": "QĐ 12/QĐ-UBND",
                                                    "confirmed": "1"})

    publication = Publication.objects.get()
    assert response.url == reverse("scoring:publication_detail", args=[publication.pk])
    assert (publication.note, publication.published_by) == ("QĐ 12/QĐ-UBND", coordinator)


def test_a_refused_publication_goes_back_to_the_results_with_the_reason(client, coordinator, results):
    results["STP"].incomplete = True
    results["STP"].save()

    response = signed_in(client, coordinator).post(reverse("scoring:publication_create"),
                                                   {"year": 2025, "block": "SO"}, follow=True)

    assert "1 đơn vị chưa đủ điểm: STP (chưa đủ điểm: " in response.content.decode()
    assert not Publication.objects.exists()


def test_the_publication_page_shows_the_full_sha256_the_date_and_a_way_to_check_it(client, leader, coordinator,
                                                                                  results):
    publication = publication_create(year=2025, block_code="SO", user=coordinator)

    page = signed_in(client, leader).get(reverse("scoring:publication_detail", args=[publication.pk])).content.decode()

    assert f'<p class="hash" id="publication-sha256">{publication.sha256}</p>' in page
    assert publication.published_at.astimezone().strftime("%d/%m/%Y") in page
    assert "sha256sum" in page and reverse("scoring:publication_content", args=[publication.pk]) in page
    assert "Sở Nội vụ" in page and "92,50" in page and "Loại A" in page


def test_the_content_file_hashes_to_the_published_sha256(client, leader, coordinator, results):
    publication = publication_create(year=2025, block_code="SO", user=coordinator)

    response = signed_in(client, leader).get(reverse("scoring:publication_content", args=[publication.pk]))

    assert hashlib.sha256(response.content).hexdigest() == publication.sha256


def test_a_correction_page_lists_the_changes(client, leader, coordinator, results):
    publication_create(year=2025, block_code="SO", user=coordinator)
    results["STP"].index = "63.81"
    results["STP"].save()
    correction = publication_create(year=2025, block_code="SO", user=coordinator)

    page = signed_in(client, leader).get(reverse("scoring:publication_detail", args=[correction.pk])).content.decode()

    assert "Đính chính so với lần 1" in page
    assert "<td>STP</td><td>Chỉ số (%) <small" in page and "60.48" in page and "63.81" in page


def test_the_publication_list_shows_each_version(client, leader, coordinator, results):
    publication_create(year=2025, block_code="SO", user=coordinator)

    page = signed_in(client, leader).get(reverse("scoring:publication_list")).content.decode()

    assert "Lần 1" in page and reverse("scoring:publication_detail", args=[Publication.objects.get().pk]) in page


def test_publishing_without_a_year_says_to_choose_one(client, coordinator, results):
    response = signed_in(client, coordinator).post(reverse("scoring:publication_create"), {"year": "x"}, follow=True)

    assert "Chọn năm cần công bố." in response.content.decode()


def test_publishing_first_asks_with_the_year_version_and_units_and_publishes_nothing(client, coordinator, results):
    page = signed_in(client, coordinator).post(reverse("scoring:publication_create"), {"year": 2025, "block": "SO"})

    text = page.content.decode()
    assert 'id="confirm-step"' in text and "Lần công bố" in text and "Số đơn vị" in text
    assert not Publication.objects.exists()
