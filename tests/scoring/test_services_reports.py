"""Scorecards of a block in bulk: one ZIP with one PDF per unit under MEDIA_ROOT/reports/, written by a background
job with progress; a re-run replaces the archive, and the job page leads to a permission-checked download."""
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from scoring.models import Job, JobStatus, Role
from scoring.services.reports import scorecards_zip_start, scorecards_zip_write

from .scorecard_data import make_scored_block

NAMES = ["phieu-diem-2025-SNV-so-noi-vu.pdf", "phieu-diem-2025-STC-so-tai-chinh.pdf",
         "phieu-diem-2025-STP-so-tu-phap.pdf"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def block(personas, own_unit, other_unit):
    return make_scored_block(own_unit, other_unit)


def run_started_job(capture, **kwargs):
    """Starts the job and lets its on_commit enqueue run (Celery is eager in tests)."""
    with capture(execute=True):
        job = scorecards_zip_start(**kwargs)
    job.refresh_from_db()
    return job


def test_the_zip_holds_one_pdf_per_unit_named_after_it(block, media):
    outcome = scorecards_zip_write(year=2025, block_code="SO")

    assert outcome["path"] == "reports/phieu-diem-2025-so.zip" and outcome["units"] == 3
    with zipfile.ZipFile(media / outcome["path"]) as archive:
        assert archive.namelist() == NAMES
        first = PdfReader(BytesIO(archive.read(NAMES[0]))).pages[0].extract_text()
    assert "Sở Nội vụ" in first and "96,00" in first


def test_running_again_replaces_the_archive_and_leaves_nothing_else(block, media):
    scorecards_zip_write(year=2025, block_code="SO")
    block.units.get(code="STP").results.filter(year=2025).delete()

    outcome = scorecards_zip_write(year=2025, block_code="SO")

    assert [path.name for path in (media / "reports").iterdir()] == ["phieu-diem-2025-so.zip"]
    with zipfile.ZipFile(media / outcome["path"]) as archive:
        assert archive.namelist() == NAMES[:2]


def test_a_block_without_results_that_year_is_refused_and_writes_nothing(block, media):
    with pytest.raises(ValueError, match="Khối SO chưa có kết quả năm 2023."):
        scorecards_zip_write(year=2023, block_code="SO")

    assert not list((media / "reports").glob("*"))


def test_the_writer_reports_its_progress_unit_by_unit(block):
    steps = []

    scorecards_zip_write(year=2025, block_code="SO", progress=lambda percent, message: steps.append((percent,
                                                                                                     message)))

    assert steps == [(0, "Đang in phiếu điểm Sở Nội vụ (1/3)"), (33, "Đang in phiếu điểm Sở Tài chính (2/3)"),
                     (66, "Đang in phiếu điểm Sở Tư pháp (3/3)"), (100, "Xong: 3 phiếu điểm")]


def test_the_job_ends_done_with_its_file_in_the_result(block, coordinator, media,
                                                        django_capture_on_commit_callbacks):
    job = run_started_job(django_capture_on_commit_callbacks, year=2025, block_code="SO", user=coordinator)

    assert (job.status, job.progress, job.error) == (JobStatus.DONE, 100, "")
    assert job.result == {"path": "reports/phieu-diem-2025-so.zip", "units": 3,
                          "size": (media / "reports/phieu-diem-2025-so.zip").stat().st_size}


def test_a_second_click_while_the_job_waits_is_the_same_job(block, coordinator):
    first = scorecards_zip_start(year=2025, block_code="SO", user=coordinator)

    assert scorecards_zip_start(year=2025, block_code="SO", user=coordinator) == first
    assert Job.objects.filter(kind="scorecards_zip").count() == 1


def test_a_failed_job_says_why(block, coordinator, django_capture_on_commit_callbacks):
    job = run_started_job(django_capture_on_commit_callbacks, year=2023, block_code="SO", user=coordinator)

    assert job.status == JobStatus.FAILED and "chưa có kết quả năm 2023" in job.error


def test_the_job_page_offers_the_download_once_done(client, block, coordinator, django_capture_on_commit_callbacks):
    job = run_started_job(django_capture_on_commit_callbacks, year=2025, block_code="SO", user=coordinator)
    client.force_login(coordinator)

    page = client.get(reverse("scoring:job_detail", args=[job.pk])).content.decode()
    response = client.get(reverse("scoring:report_download", args=[job.pk]))

    assert f'href="{reverse("scoring:report_download", args=[job.pk])}"' in page
    assert "Tải phiếu điểm 3 đơn vị, khối SO năm 2025 (ZIP)" in page
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="phieu-diem-2025-so.zip"'
    assert zipfile.ZipFile(BytesIO(b"".join(response.streaming_content))).namelist() == NAMES


def test_only_the_starter_and_the_managers_may_download(client, block, personas, django_capture_on_commit_callbacks):
    job = run_started_job(django_capture_on_commit_callbacks, year=2025, block_code="SO",
                          user=personas[Role.COORDINATOR])
    url = reverse("scoring:report_download", args=[job.pk])

    for role, status in ((Role.ADMIN, 200), (Role.LEADER, 404), (Role.UNIT_HEAD, 404)):
        client.force_login(personas[role])
        assert client.get(url).status_code == status


def test_a_deleted_archive_is_not_found(client, block, coordinator, media, django_capture_on_commit_callbacks):
    job = run_started_job(django_capture_on_commit_callbacks, year=2025, block_code="SO", user=coordinator)
    (media / job.result["path"]).unlink()
    client.force_login(coordinator)

    assert client.get(reverse("scoring:report_download", args=[job.pk])).status_code == 404
