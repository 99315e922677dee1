from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from scoring.excel.accounts import read_accounts_workbook, write_links_workbook
from scoring.excel.sheets import WorkbookError
from scoring.services.accounts import accounts_import, accounts_validate
from scoring.services.set_password_links import set_password_links_email_later, set_password_links_issue


class Command(BaseCommand):
    help = ("Nhập tài khoản từ tệp Excel (sheet accounts: username, full_name, email, role, unit, agency, [active]). "
            "Nhập lại cập nhật theo tên đăng nhập; có lỗi thì không lưu gì. Tệp không có mật khẩu: tài khoản mới "
            "đặt mật khẩu qua đường dẫn dùng một lần (gửi e-mail nếu đã cấu hình, và ghi ra --links để in).")

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx có sheet accounts")
        parser.add_argument("--links", help="ghi đường dẫn đặt mật khẩu của các tài khoản mới vào tệp .xlsx này")

    def handle(self, *args, file, links=None, **options):
        rows, issues = read_accounts_workbook(file)
        try:
            issues += accounts_validate(rows=rows)  # one run lists every problem of the file
            if issues:
                raise WorkbookError(issues)
            with transaction.atomic():
                imported = accounts_import(rows=rows)
                issued = set_password_links_issue(users=imported.created) if links else []
                emailed = set_password_links_email_later(users=imported.created)
        except WorkbookError as error:
            for issue in sorted(error.issues, key=lambda issue: issue.row or 0):
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu tài khoản nào.")
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo {len(imported.created)}, cập nhật {len(imported.updated)} tài khoản; "
            f"gửi e-mail đường dẫn đặt mật khẩu cho {emailed} tài khoản"))
        if links:
            Path(links).write_bytes(write_links_workbook(issued))
            self.stdout.write(f"Đã ghi {len(issued)} đường dẫn đặt mật khẩu vào {links}")
        elif imported.created:
            self.stdout.write("Chưa in đường dẫn đặt mật khẩu: chạy lại với --links TỆP.xlsx cho lần sau, hoặc cấp "
                              "đường dẫn ở trang Tài khoản → Đường dẫn đặt mật khẩu.")
