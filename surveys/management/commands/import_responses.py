from django.core.management.base import BaseCommand, CommandError

from scoring.excel.sheets import WorkbookError
from surveys.excel import read_responses_workbook
from surveys.models import Source
from surveys.services.responses import responses_import


class Command(BaseCommand):
    help = ("Nhập phiếu trả lời từ tệp Excel (sheet responses: respondent, group, unit_code, rồi mỗi câu hỏi một "
            "cột). Nhập lại cùng người trả lời và đơn vị sẽ thay thế, không nhân đôi.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--survey", required=True, help="mã cuộc điều tra")
        parser.add_argument("--source", choices=[Source.IMPORT, Source.PAPER], default=Source.IMPORT,
                            help="import: từ công cụ khác; paper: phiếu giấy đã nhập vào bảng tính")

    def handle(self, *args, file, survey, source, **options):
        columns, rows, issues = read_responses_workbook(file)
        try:
            if issues:
                raise WorkbookError(issues)
            summary = responses_import(survey_code=survey, rows=rows, columns=columns, source=source)
        except WorkbookError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"Không nhập được: {len(error.issues)} lỗi, chưa lưu gì.")
        self.stdout.write(self.style.SUCCESS(
            f"Đã nhập {summary.created + summary.replaced} phiếu vào {survey}: {summary.created} mới, "
            f"{summary.replaced} thay thế, {summary.answers} câu trả lời, {summary.flagged} phiếu bị đánh dấu "
            f"cần xem lại."))
