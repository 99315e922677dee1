from django.core.management.base import BaseCommand, CommandError

from scoring.excel.sheets import WorkbookError
from scoring.excel.units import read_units_workbook
from scoring.services.units import units_import, units_validate


class Command(BaseCommand):
    help = "Nhập danh sách đơn vị từ tệp Excel (sheet units). Nhập lại cập nhật theo mã; có lỗi thì không lưu gì."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx có sheet units: code, name, block, group, ranked, [active]")

    def handle(self, *args, file, **options):
        rows, issues = read_units_workbook(file)
        try:
            # Check the rows against the database too, so one run lists every problem of the file.
            issues += units_validate(rows=rows)
            if issues:
                raise WorkbookError(issues)
            created, updated = units_import(rows=rows)
        except WorkbookError as error:
            for issue in sorted(error.issues, key=lambda issue: issue.row or 0):
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu đơn vị nào.")
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {created}, cập nhật {updated} đơn vị"))
