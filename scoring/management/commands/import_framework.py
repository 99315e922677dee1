from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.excel.frameworks import read_framework_workbook
from scoring.framework_display import describe_import
from scoring.framework_spec import merge_issues
from scoring.selectors import framework_block_issues
from scoring.services.frameworks import FrameworkImportError, framework_import


class Command(BaseCommand):
    help = ("Nhập bộ chỉ số từ tệp Excel (sheet framework, criteria, grades). Bộ chỉ số đã khóa thì tạo lần sửa "
            "đổi mới, chưa khóa thì thay thế; có lỗi thì không lưu gì.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx, ví dụ docs/samples/khung-chi-so-tinh-2017.xlsx")

    def handle(self, *args, file, **options):
        if not Path(file).is_file():
            raise CommandError(f"Không tìm thấy tệp {file}")
        spec, issues = read_framework_workbook(file)
        try:
            # The database's checks too, so one run lists every problem of the file.
            issues = merge_issues(issues, framework_block_issues(spec)) if spec else issues
            if issues:
                raise FrameworkImportError(issues)
            framework, replaced = framework_import(spec=spec)
        except FrameworkImportError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được bộ chỉ số: {len(error.issues)} lỗi, chưa lưu gì.")
        leaves = sum(1 for node in spec.criteria if node.is_leaf)
        self.stdout.write(self.style.SUCCESS(
            f"{describe_import(framework, replaced)} {len(spec.criteria)} tiêu chí ({leaves} tiêu chí chấm điểm), "
            f"{len(spec.grades)} xếp loại, tổng điểm tối đa {spec.max_total}."))
