from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.excel import write_survey_workbook
from surveys.models import Survey
from surveys.selectors import survey_spec


class Command(BaseCommand):
    help = "Xuất bảng hỏi của một cuộc điều tra ra tệp Excel mà import_survey đọc lại được."

    def add_arguments(self, parser):
        parser.add_argument("code", help="mã cuộc điều tra")
        parser.add_argument("file", help="tệp .xlsx sẽ ghi")

    def handle(self, *args, code, file, **options):
        survey = Survey.objects.filter(code=code).first()
        if survey is None:
            raise CommandError(f"Không có cuộc điều tra mã {code}.")
        spec = survey_spec(survey)
        Path(file).write_bytes(write_survey_workbook(spec))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {len(spec.questions)} câu hỏi của {code} vào {file}"))
