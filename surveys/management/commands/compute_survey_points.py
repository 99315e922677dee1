import time

from django.core.management.base import BaseCommand, CommandError

from scoring.models import Job, JobStatus
from surveys.services.points import survey_points_compute, survey_points_start


class Command(BaseCommand):
    help = ("Tính điểm các tiêu chí điều tra XHH của một năm từ câu trả lời, qua tác vụ nền (chờ và in tiến độ); "
            "--sync: tính ngay trong tiến trình này.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--sync", action="store_true", help="tính ngay, không qua worker")
        parser.add_argument("--timeout", type=int, default=900, help="số giây chờ tác vụ nền (mặc định 900)")

    def handle(self, *args, year, sync, timeout, **options):
        if sync:
            result = survey_points_compute(year=year, progress=self._progress)
        else:
            result = self._wait(survey_points_start(year=year), timeout)
        self.stdout.write(self.style.SUCCESS(
            f"Năm {year}: {result['surveys']} cuộc điều tra, {result['units']} đơn vị, {result['leaves']} điểm tiêu "
            f"chí: {result['created']} mới, {result['updated']} thay đổi, {result['unchanged']} không đổi."))
        if result["blocks_without_framework"]:
            self.stderr.write(f"Khối chưa có bộ chỉ số năm {year}: {', '.join(result['blocks_without_framework'])}")

    def _progress(self, percent, message=""):
        self.stdout.write(f"{percent:3d}% {message}")

    def _wait(self, job, timeout):
        deadline, shown = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            job = Job.objects.get(pk=job.pk)
            if (job.progress, job.message) != shown:
                shown = (job.progress, job.message)
                self._progress(job.progress, job.message)
            if job.status == JobStatus.DONE:
                return job.result
            if job.status == JobStatus.FAILED:
                raise CommandError(f"Tác vụ {job.pk} lỗi: {job.error}")
            time.sleep(0.5)
        raise CommandError(f"Tác vụ {job.pk} chưa xong sau {timeout} giây (worker có đang chạy không?); "
                           "xem lại trạng thái sau.")
