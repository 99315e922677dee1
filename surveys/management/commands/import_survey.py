from django.core.management.base import BaseCommand, CommandError

from scoring.excel.sheets import WorkbookError
from surveys.excel import read_survey_workbook
from surveys.services.design import survey_import


class Command(BaseCommand):
    help = ("Nhập bảng hỏi điều tra XHH từ tệp Excel (sheet survey và questions). Nhập lại cùng mã sẽ thay bảng hỏi "
            "khi chưa có phiếu trả lời nào.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        spec, issues = read_survey_workbook(file)
        try:
            if issues or spec is None:
                raise WorkbookError(issues)
            summary = survey_import(spec=spec)
        except WorkbookError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu gì.")
        verb = "Đã tạo" if summary.created else "Đã thay bảng hỏi của"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} cuộc điều tra {summary.survey.code} năm {summary.survey.year}: {summary.groups} nhóm đối tượng, "
            f"{summary.questions} câu hỏi."))
