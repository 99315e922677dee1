from django.core.management.base import BaseCommand, CommandError

from scoring.excel.sheets import WorkbookError
from surveys.excel import read_targets_workbook
from surveys.models import Survey
from surveys.services.sampling import sample_targets_import


class Command(BaseCommand):
    help = "Nhập số giao dịch N của từng đơn vị và nhóm (sheet targets: unit_code, group, transactions) cho kế hoạch cỡ mẫu."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--survey", required=True, help="mã cuộc điều tra")

    def handle(self, *args, file, survey, **options):
        target = Survey.objects.filter(code=survey).first()
        if target is None:
            raise CommandError(f"Không có cuộc điều tra mã {survey}.")
        rows, issues = read_targets_workbook(file)
        try:
            if issues:
                raise WorkbookError(issues)
            changed = sample_targets_import(survey=target, rows=rows)
        except WorkbookError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu gì.")
        self.stdout.write(self.style.SUCCESS(f"Đã cập nhật số giao dịch của {changed} đơn vị và nhóm."))
