from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.models import Job, JobStatus, UnitResult
from tests.scoring.results_data import make_province


def compute_results(*args):
    out = StringIO()
    call_command("compute_results", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_sync_computes_in_process_and_shows_progress_block_by_block(db):
    make_province()

    output = compute_results("--year", "2025", "--sync")

    assert "[  0%] Khối SO: đang tính" in output
    assert "[ 50%] Khối XA: đang tính" in output
    assert "Đã tính kết quả năm 2025: 15 đơn vị, khối SO, XA." in output
    assert UnitResult.objects.filter(year=2025).count() == 15
    assert not Job.objects.exists()


def test_sync_refuses_a_block_without_a_cycle(db):
    make_province()

    with pytest.raises(CommandError, match="Chưa có kỳ đánh giá năm 2025 cho khối HUYEN"):
        compute_results("--year", "2025", "--block", "HUYEN", "--sync")


def test_it_runs_the_job_and_waits_for_it(transactional_db):
    make_province()

    output = compute_results("--year", "2025", "--block", "SO")

    job = Job.objects.get(kind="compute_results")
    assert f"Tác vụ #{job.pk} (results:2025:SO) đã vào hàng đợi." in output
    assert "Đã tính kết quả năm 2025: 10 đơn vị, khối SO." in output
    assert job.status == JobStatus.DONE
    assert UnitResult.objects.filter(year=2025, block__code="SO").count() == 10


def test_it_fails_with_the_jobs_error(transactional_db):
    make_province()

    with pytest.raises(CommandError, match="lỗi: Chưa có kỳ đánh giá năm 2025 cho khối HUYEN"):
        compute_results("--year", "2025", "--block", "HUYEN")

    assert Job.objects.get().status == JobStatus.FAILED


def test_it_shows_the_progress_of_a_real_worker(celery_worker):
    make_province()

    output = compute_results("--year", "2025")

    assert "Đã tính kết quả năm 2025: 15 đơn vị, khối SO, XA." in output, celery_worker.output()[-3000:]
    assert Job.objects.get(kind="compute_results").status == JobStatus.DONE
    assert UnitResult.objects.filter(year=2025).count() == 15
