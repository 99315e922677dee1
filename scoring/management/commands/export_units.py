from pathlib import Path

from django.core.management.base import BaseCommand

from scoring.excel.units import write_units_workbook
from scoring.selectors import units_for_export


class Command(BaseCommand):
    help = "Xuất mọi đơn vị ra tệp Excel (sheet units) mà import_units đọc lại được."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx sẽ ghi")

    def handle(self, *args, file, **options):
        units = units_for_export()
        Path(file).write_bytes(write_units_workbook(units))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {len(units)} đơn vị vào {file}"))
