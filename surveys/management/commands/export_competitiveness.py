from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.competitiveness_workbook import write_competitiveness_workbook
from surveys.models import CompetitivenessFramework
from surveys.selectors import competitiveness_spec


class Command(BaseCommand):
    help = "Xuất bộ chỉ số năng lực cạnh tranh của một kỳ ra tệp Excel mà import_competitiveness đọc lại được."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--block", required=True, help="mã khối, ví dụ SO")
        parser.add_argument("--index", default="DDCI", help="mã chỉ số, mặc định DDCI")
        parser.add_argument("file", help="tệp .xlsx sẽ ghi")

    def handle(self, *args, year, block, index, file, **options):
        framework = (CompetitivenessFramework.objects.filter(edition__index__code=index, edition__year=year,
                                                             edition__block__code=block)
                     .select_related("edition__index", "edition__block", "survey").first())
        if framework is None:
            raise CommandError(f"Không có bộ chỉ số {index} năm {year} của khối {block}.")
        spec = competitiveness_spec(framework)
        Path(file).write_bytes(write_competitiveness_workbook(spec))
        self.stdout.write(self.style.SUCCESS(
            f"Đã xuất {len(spec.sub_indices)} chỉ số thành phần, {len(spec.indicators)} chỉ tiêu vào {file}"))
