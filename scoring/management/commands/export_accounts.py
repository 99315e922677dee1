from pathlib import Path

from django.core.management.base import BaseCommand

from scoring.excel.accounts import write_accounts_workbook
from scoring.selectors.accounts import accounts_for_export


class Command(BaseCommand):
    help = "Xuất mọi tài khoản ra tệp Excel (sheet accounts, không có mật khẩu) mà import_accounts đọc lại được."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx sẽ ghi")

    def handle(self, *args, file, **options):
        users = accounts_for_export()
        Path(file).write_bytes(write_accounts_workbook(users))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {len(users)} tài khoản vào {file}"))
