import os
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand

from scoring.demo import DEFAULT_PASSWORD, demo_units, seed_demo
from scoring.demo.cycle import seed_cycle
from scoring.demo.dti_years import seed_dti_open, seed_dti_scored
from scoring.demo.indices import seed_indices
from scoring.demo.results import publish_demo_year, seed_results
from scoring.excel.units import write_units_workbook


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu Sơn Hà: khối, cơ quan, đơn vị, tài khoản cho mỗi vai trò, bộ chỉ số. Chạy lại không đổi gì."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD,
                            help="mật khẩu của tài khoản mẫu mới tạo (mặc định: biến DEMO_PASSWORD)")
        parser.add_argument("--write-sample", metavar="FILE",
                            help="chỉ ghi danh sách đơn vị mẫu ra tệp .xlsx (docs/samples/don-vi-mau.xlsx)")

    def handle(self, *args, password, write_sample, **options):
        if write_sample:
            Path(write_sample).write_bytes(write_units_workbook(demo_units()))
            self.stdout.write(self.style.SUCCESS(f"Đã ghi danh sách đơn vị mẫu vào {write_sample}"))
            return
        report = seed_demo(password=password)
        report.created.update({f"đơn vị chấm điểm năm {year}": n for year, n in seed_results().items()})
        report.created.update(seed_dti_scored())  # the departments' DTI appraised like PAR (issue 14)
        report.created["hồ sơ kỳ đánh giá 2026"] = seed_cycle()
        report.created.update(seed_dti_open())
        # Apps built on scoring (surveys) add their demo data through their AppConfig.seed_demo, so scoring
        # never imports them.
        for config in apps.get_app_configs():
            if config.name != "scoring" and hasattr(config, "seed_demo"):
                report.created.update(config.seed_demo())
        report.created.update(seed_indices())  # DTI of 2024 and of the districts, imported (issue 14)
        report.created["khối công bố kết quả 2025"] = publish_demo_year()
        self._print_accounts(report.accounts, password)
        created = ", ".join(f"{count} {what}" for what, count in report.created.items())
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {sum(report.created.values())} dòng mới: {created}."))

    def _print_accounts(self, accounts, password):
        rows = [("Tên đăng nhập", "Vai trò", "Đơn vị / cơ quan", "Mật khẩu")]
        rows += [(user.username, str(user.get_role_display()), str(user.unit or user.agency or "—"),
                  password if new else f"{password} *") for user, new in accounts]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if not all(new for _user, new in accounts):
            self.stdout.write("* tài khoản đã có từ trước: giữ nguyên, mật khẩu không bị đặt lại")
