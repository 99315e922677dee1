from django.core.management.base import BaseCommand, CommandError

from scoring.excel.scores import read_scores_workbook
from scoring.excel.sheets import WorkbookError
from scoring.services.scores import scores_import


class Command(BaseCommand):
    help = "Nhập điểm tự đánh giá và điểm chính thức từ tệp Excel (sheet scores). Nhập lại sẽ thay thế, không nhân đôi."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--block", required=True)
        parser.add_argument("--index", default="PAR", help="Mã chỉ số của bộ chỉ số (mặc định PAR; ví dụ DTI).")

    def handle(self, *args, file, year, block, index, **options):
        rows, issues = read_scores_workbook(file)
        try:
            if issues:
                raise WorkbookError(issues)
            summary = scores_import(year=year, block_code=block, rows=rows, index_code=index)
        except WorkbookError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu gì.")
        self.stdout.write(self.style.SUCCESS(
            f"Đã nhập điểm {summary.assessments} đơn vị năm {year} khối {block}: {summary.created} mới, "
            f"{summary.updated} thay đổi, {summary.unchanged} không đổi."))
