import time

from django.core.management.base import BaseCommand, CommandError

from scoring.services.jobs import job_enqueue


class Command(BaseCommand):
    help = "Gửi một tác vụ kiểm tra tới worker Celery và chờ kết quả."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30)

    def handle(self, *args, timeout, **options):
        job = job_enqueue(kind="selfcheck")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.2)
        if job.status != "done":
            raise CommandError(f"Worker không trả lời sau {timeout:g} giây (trạng thái: {job.get_status_display()}).")
        self.stdout.write(self.style.SUCCESS(f"Worker {job.result.get('worker')} đã xử lý tác vụ #{job.pk}."))
