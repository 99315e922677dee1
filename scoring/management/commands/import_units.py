from django.core.management.base import BaseCommand, CommandError

from scoring.excel.units import read_units_workbook
from scoring.services.units import units_import, units_validate


class Command(BaseCommand):
    help = "Nhập danh sách đơn vị từ tệp Excel (sheet units: code, name, block, group, ranked, active). Tất cả hoặc không."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx")

    def handle(self, *args, file, **options):
        rows, issues = read_units_workbook(file)
        issues += units_validate(rows=rows)
        if issues:
            for issue in issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Có {len(issues)} lỗi; chưa lưu đơn vị nào.")
        created, updated = units_import(rows=rows)
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {created}, cập nhật {updated} đơn vị"))
