import time

from django.core.management.base import BaseCommand, CommandError

from scoring.models import JobStatus
from scoring.services.results import results_compute, results_run_start

POLL_SECONDS = 0.5
IDLE_HINT_SECONDS = 15


class Command(BaseCommand):
    help = ("Tính kết quả chỉ số CCHC của một năm (mọi khối hoặc một khối) trên worker nền, hiện tiến độ và chờ "
            "xong. Kết quả cũ của phạm vi đó được thay thế trọn vẹn, hoặc giữ nguyên nếu có lỗi.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--block", help="mã khối, ví dụ SO; bỏ trống: mọi khối")
        parser.add_argument("--index", help="mã chỉ số, ví dụ DTI; bỏ trống: mọi chỉ số")
        parser.add_argument("--sync", action="store_true", help="tính ngay trong tiến trình này, không qua worker")

    def handle(self, *args, year, block, index, sync, **options):
        if sync:
            summary = self._compute(year, block, index)
        else:
            summary = self._wait(results_run_start(year=year, block_code=block, index_code=index))
        self.stdout.write(self.style.SUCCESS(
            f"Đã tính kết quả năm {year}: {summary['units']} đơn vị, khối {', '.join(summary['blocks'])}."))

    def _compute(self, year, block, index):
        try:
            return results_compute(year=year, block_code=block, index_code=index, progress=self._progress)
        except ValueError as error:
            raise CommandError(str(error))

    def _wait(self, job):
        self.stdout.write(f"Tác vụ #{job.pk} ({job.scope}) đã vào hàng đợi.")
        shown, started = None, time.monotonic()
        job.refresh_from_db()  # without a broker the job has already run in-process
        while not job.is_finished:
            if (job.progress, job.message) != shown:
                shown = (job.progress, job.message)
                self._progress(job.progress, job.message or job.get_status_display())
            self._hint_if_idle(job, started)
            time.sleep(POLL_SECONDS)
            job.refresh_from_db()
        if job.status == JobStatus.FAILED:
            raise CommandError(f"Tác vụ #{job.pk} lỗi: {job.error}")
        return job.result

    def _progress(self, percent, message):
        self.stdout.write(f"[{percent:3d}%] {message}")

    def _hint_if_idle(self, job, started):
        waited = time.monotonic() - started
        if job.status == JobStatus.QUEUED and IDLE_HINT_SECONDS <= waited < IDLE_HINT_SECONDS + POLL_SECONDS:
            self.stderr.write("Chưa worker nào nhận tác vụ: chạy `make worker`, hoặc dùng --sync để tính ngay.")
