"""A large upload's job page follows the parse and, once done, opens the preview (static JS, no inline script)."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from scoring.models import Job, JobStatus
from scoring.services.jobs import job_run
from scoring.services.upload_parse import PARSE_KIND
from tests.conftest import make_block
from tests.scoring.framework_workbooks import framework_xlsx

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_the_parse_and_opens_the_preview(page, live_server, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKBOOK_INLINE_MAX_KB = 1
    make_block("SO")
    upload = tmp_path / "khung.xlsx"
    upload.write_bytes(framework_xlsx())
    login(page, live_server, "dieuphoi")
    page.goto(live_server.url + reverse("scoring:framework_import"))
    page.locator("input[type=file]").set_input_files(upload)
    with page.expect_navigation():
        page.get_by_role("button", name="Tải lên và xem trước").click()
    job = Job.objects.get(kind=PARSE_KIND)
    preview_url = live_server.url + job.params["preview_url"]
    expect(page).to_have_url(preview_url)  # in-process the job ran before its page was asked for
    expect(page.locator("body")).to_contain_text("3.1")

    # The same job as a worker would run it: its page is open while it is queued, and follows it to the end.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, progress=0, finished_at=None)
    (settings.MEDIA_ROOT / "staging" / f"{job.params['token']}.values").unlink()
    page.goto(live_server.url + reverse("scoring:job_detail", kwargs={"pk": job.pk}))
    expect(page.get_by_role("heading", name="Đọc tệp Excel tải lên")).to_be_visible()
    job_run(job.pk)
    expect(page).to_have_url(preview_url, timeout=15_000)
    expect(page.locator("body")).to_contain_text("3.1")
