from django.core.management.base import BaseCommand, CommandError

from scoring.excel.sheets import WorkbookError
from scoring.excel.units import read_units_file
from scoring.services.units import units_import, units_validate


class Command(BaseCommand):
    help = ("Nhập danh sách đơn vị từ tệp Excel (sheet units, sheet blocks tùy chọn); khối chưa có được tạo. Nhập lại "
            "cập nhật theo mã; có lỗi thì không lưu gì.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx có sheet units: code, name, block, group, ranked, [active, "
                                         "successor, predecessors]; sheet blocks tùy chọn: code, name, position")

    def handle(self, *args, file, **options):
        rows, blocks, issues = read_units_file(file)
        try:
            # Check the rows against the database too, so one run lists every problem of the file.
            issues += units_validate(rows=rows, blocks=blocks)
            if issues:
                raise WorkbookError(issues)
            created, updated = units_import(rows=rows, blocks=blocks)
        except WorkbookError as error:
            for issue in sorted(error.issues, key=lambda issue: issue.row or 0):
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu đơn vị nào.")
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {created}, cập nhật {updated} đơn vị"))
