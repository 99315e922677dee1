"""An upload larger than WORKBOOK_INLINE_MAX_KB is parsed once, by a background job in a child process with its own
time and memory limits; its page leads to the preview, which reads the parsed values and never the file again
(issue 13, point 2). Small uploads keep the instant preview."""
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from scoring.models import Job, JobStatus, Role
from scoring.services.upload_parse import PARSE_KIND
from tests.celery_worker import wait_for
from tests.conftest import make_block, make_user

from .accounts_workbooks import accounts_xlsx
from .framework_workbooks import framework_xlsx
from .test_excel_assessments import make_assessment
from .units_workbooks import units_xlsx

FRAMEWORK_CODES = ["1", "1.1", "1.2", "2", "2.1", "3", "3.1"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.WORKBOOK_INLINE_MAX_KB = 1  # every workbook of these tests is "large"
    return tmp_path


def upload(client, url, content, name="tep.xlsx"):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job is sent once the upload's transaction commits
        return client.post(url, {"file": SimpleUploadedFile(name, content)})


def parse_job():
    return Job.objects.get(kind=PARSE_KIND)


def staged(media_root, job):
    return media_root / "staging" / f"{job.params['token']}.xlsx"


def import_framework(client, coordinator):
    make_block("SO")
    client.force_login(coordinator)
    return upload(client, reverse("scoring:framework_import"), framework_xlsx())


def damaged(content):
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, data[:len(data) // 2] if "worksheets/sheet" in info.filename else data)
    return out.getvalue()


# --- Through the job ---------------------------------------------------------------------------------------------


def test_a_large_framework_upload_goes_through_the_job_and_its_preview_reads_the_stored_values(client, coordinator,
                                                                                           media_root):
    response = import_framework(client, coordinator)

    job = parse_job()
    assert response.status_code == 302 and response.url == reverse("scoring:job_detail", kwargs={"pk": job.pk})
    assert job.status == JobStatus.DONE and job.progress == 100 and job.created_by == coordinator
    status = client.get(reverse("scoring:job_status", kwargs={"pk": job.pk})).json()
    preview_url = reverse("scoring:framework_import_confirm", kwargs={"token": job.params["token"]})
    assert status["finished"] and status["next_url"] == preview_url
    assert client.get(response.url).url == preview_url  # the finished job's page goes on to the preview
    staged(media_root, job).write_bytes(b"garbage: the file is never read again")

    for preview in (client.get(preview_url), client.get(preview_url)):
        assert [row.code for row in preview.context["rows"]] == FRAMEWORK_CODES


def unit_upload(client, personas):
    client.force_login(personas[Role.ADMIN])
    return reverse("scoring:unit_import"), units_xlsx([("XA-001", "Xã An Phú", "XA", "", "có")],
                                                      blocks=[("XA", "Khối xã, phường", 3)])


def account_upload(client, personas):
    client.force_login(personas[Role.ADMIN])
    return reverse("scoring:account_import"), accounts_xlsx(
        [("canbo.moi", "Nguyễn Văn Hùng", "hung@snv.gov.vn", "unit_officer", "SNV", "", "")])


def design_upload(client, personas):
    from tests.surveys.survey_workbooks import design_xlsx

    client.force_login(personas[Role.COORDINATOR])
    return reverse("surveys:design_import"), design_xlsx().getvalue()


def workbook_upload(client, personas):
    from scoring.models import Unit

    assessment = make_assessment(Unit.objects.get(code="SNV"),
                                 self_assessment_deadline=timezone.localdate() + timedelta(days=30))
    client.force_login(personas[Role.UNIT_OFFICER])
    download = client.get(reverse("scoring:workbook_download", kwargs={"pk": assessment.pk}))
    return reverse("scoring:workbook_upload", kwargs={"pk": assessment.pk}), download.content


@pytest.mark.parametrize("kind", ["units", "accounts", "design", "workbook"])
def test_every_browser_import_parses_a_large_upload_in_the_job(client, personas, media_root, kind):
    url, content = {"units": unit_upload, "accounts": account_upload, "design": design_upload,
                    "workbook": workbook_upload}[kind](client, personas)

    response = upload(client, url, content)

    job = parse_job()
    assert response.url == reverse("scoring:job_detail", kwargs={"pk": job.pk})
    assert job.status == JobStatus.DONE, job.error
    staged(media_root, job).write_bytes(b"garbage: the file is never read again")
    preview = client.get(job.params["preview_url"])
    assert preview.status_code == 200
    assert "Không đọc được tệp" not in preview.content.decode()


def test_a_units_workbook_past_the_default_threshold_goes_through_the_job(client, personas, settings, media_root):
    settings.WORKBOOK_INLINE_MAX_KB = 300  # the default
    client.force_login(personas[Role.ADMIN])
    content = units_xlsx([(f"XA-{number:05}", f"Xã số {number} với một cái tên dài", "XA", "", "có")
                          for number in range(15_000)], blocks=[("XA", "Khối xã, phường", 3)])
    assert len(content) > 300 * 1024

    response = upload(client, reverse("scoring:unit_import"), content)

    job = parse_job()
    assert response.url == reverse("scoring:job_detail", kwargs={"pk": job.pk}) and job.status == JobStatus.DONE
    staged(media_root, job).write_bytes(b"garbage: the file is never read again")
    preview = client.get(response.url, follow=True)
    assert preview.context["new_count"] == 15_000 and len(preview.context["rows"]) == 15_000


def test_small_files_keep_the_instant_preview(client, coordinator, settings):
    settings.WORKBOOK_INLINE_MAX_KB = 300

    response = import_framework(client, coordinator)

    token = client.session["framework_uploads"][-1]
    assert response.url == reverse("scoring:framework_import_confirm", kwargs={"token": token})
    assert not Job.objects.filter(kind=PARSE_KIND).exists()
    assert [row.code for row in client.get(response.url).context["rows"]] == FRAMEWORK_CODES


# --- Limits and failures -------------------------------------------------------------------------------------------


def failed_job(client, response, upload_url=None):
    job = parse_job()
    assert response.url == reverse("scoring:job_detail", kwargs={"pk": job.pk})
    assert job.status == JobStatus.FAILED
    page = client.get(response.url).content.decode()
    assert f'href="{upload_url or reverse("scoring:framework_import")}"' in page  # upload again
    assert client.get(job.params["preview_url"]).status_code == 404
    assert client.get(reverse("scoring:job_status", kwargs={"pk": job.pk})).json()["next_url"] is None
    return job


def test_a_parse_past_the_memory_limit_fails_the_job_with_a_message_naming_it(client, personas, settings):
    settings.WORKBOOK_PARSE_MEMORY_MB = 1  # beyond what Django and openpyxl take before the parse
    client.force_login(personas[Role.ADMIN])
    rows = [(f"XA-{number:05}", f"Xã số {number} với một cái tên dài", "XA", "", "có") for number in range(15_000)]
    url = reverse("scoring:unit_import")

    job = failed_job(client, upload(client, url, units_xlsx(rows)), url)

    assert "Đọc tệp cần hơn 1 MB bộ nhớ (giới hạn WORKBOOK_PARSE_MEMORY_MB)" in job.error


def test_a_parse_past_the_time_limit_fails_the_job_with_a_message_naming_it(client, coordinator, settings):
    settings.WORKBOOK_PARSE_SECONDS = 0.01

    job = failed_job(client, import_framework(client, coordinator))

    assert "(giới hạn thời gian WORKBOOK_PARSE_SECONDS)" in job.error


def test_a_damaged_sheet_fails_the_job_with_the_readers_message_and_the_user_uploads_again(client, coordinator,
                                                                                         media_root):
    make_block("SO")
    client.force_login(coordinator)

    response = upload(client, reverse("scoring:framework_import"), damaged(framework_xlsx()))

    job = failed_job(client, response)
    assert "Không đọc được tệp" in job.error
    again = upload(client, reverse("scoring:framework_import"), framework_xlsx())
    assert Job.objects.filter(kind=PARSE_KIND).latest("pk").status == JobStatus.DONE
    assert client.get(again.url, follow=True).context["rows"]


def test_a_file_past_a_size_limit_is_still_refused_in_the_request(client, coordinator, settings, media_root):
    settings.WORKBOOK_UPLOAD_LIMITS = {**settings.WORKBOOK_UPLOAD_LIMITS, "max_rows": 3}

    response = import_framework(client, coordinator)

    assert response.status_code == 200 and "giới hạn 3 dòng" in response.content.decode()
    assert not Job.objects.exists() and not (media_root / "staging").exists()


# --- Access --------------------------------------------------------------------------------------------------------


def test_only_the_uploader_follows_the_job_to_the_preview(client, personas, own_unit, other_unit):
    from django.test import Client

    url, content = workbook_upload(client, personas)
    upload(client, url, content)
    job = parse_job()
    job_url = reverse("scoring:job_detail", kwargs={"pk": job.pk})
    head, stranger, manager = Client(), Client(), Client()
    head.force_login(personas[Role.UNIT_HEAD])
    stranger.force_login(make_user("canbo.khac", Role.UNIT_OFFICER, unit=other_unit))
    manager.force_login(personas[Role.COORDINATOR])

    assert client.get(job_url).url == job.params["preview_url"]
    assert client.get(job.params["preview_url"]).status_code == 200
    assert stranger.get(job_url).status_code == 404 and stranger.get(job.params["preview_url"]).status_code == 404
    assert head.get(job_url).status_code == 404  # the same unit, but not their upload
    assert head.get(job.params["preview_url"]).status_code == 404
    manager_page = manager.get(job_url)  # managers follow every job: the preview stays the uploader's
    assert manager_page.status_code == 200 and "Đọc tệp Excel tải lên" in manager_page.content.decode()
    assert job.params["preview_url"] not in manager_page.content.decode()
    assert manager.get(reverse("scoring:job_status", kwargs={"pk": job.pk})).json()["next_url"] is None
    assert manager.get(job.params["preview_url"]).status_code in (403, 404)


# --- A real worker -------------------------------------------------------------------------------------------------


@pytest.fixture
def worker_media(media_root, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(media_root))  # the worker, started next, reads the staged file there


def test_a_real_worker_parses_the_upload_and_the_preview_shows_its_rows(worker_media, celery_worker, client,
                                                                          coordinator, media_root):
    response = import_framework(client, coordinator)

    job = parse_job()
    assert response.url == reverse("scoring:job_detail", kwargs={"pk": job.pk})
    assert wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=60), celery_worker.output()[-3000:]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    staged(media_root, job).write_bytes(b"garbage: the file is never read again")
    preview = client.get(response.url, follow=True)
    assert [row.code for row in preview.context["rows"]] == FRAMEWORK_CODES
