from django.core.management.base import BaseCommand, CommandError

from scoring.excel.sheets import WorkbookError
from surveys.competitiveness_workbook import read_competitiveness_workbook
from surveys.services.competitiveness_setup import competitiveness_import


class Command(BaseCommand):
    help = ("Nhập bộ chỉ số năng lực cạnh tranh (DDCI) từ tệp Excel (sheet ddci, sub_indices, indicators): tạo kỳ "
            "chỉ số đang thu thập phiếu, hoặc thay bộ chỉ số của kỳ còn đang thu thập.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        spec, issues = read_competitiveness_workbook(file)
        try:
            if issues or spec is None:
                raise WorkbookError(issues)
            summary = competitiveness_import(spec=spec)
        except WorkbookError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu gì.")
        verb = "Đã tạo" if summary.created else "Đã thay bộ chỉ số của"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {summary.framework.edition}: {summary.sub_indices} chỉ số thành phần, {summary.indicators} "
            f"chỉ tiêu."))
