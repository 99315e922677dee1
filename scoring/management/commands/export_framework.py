from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.excel.frameworks import write_framework_workbook
from scoring.selectors import framework_find, framework_spec


class Command(BaseCommand):
    help = "Xuất bộ chỉ số của một năm và một khối ra tệp Excel mà import_framework đọc lại được nguyên vẹn."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="năm đánh giá, ví dụ 2025")
        parser.add_argument("--block", required=True, help="mã khối, ví dụ SO")
        parser.add_argument("--revision", type=int, help="lần sửa đổi (mặc định: lần mới nhất)")
        parser.add_argument("--index", default="PAR", help="mã chỉ số, ví dụ PAR (mặc định) hoặc DTI")
        parser.add_argument("file", help="tệp .xlsx sẽ ghi")

    def handle(self, *args, year, block, revision, file, index, **options):
        framework = framework_find(year=year, block=block, revision=revision, index_code=index.upper())
        if framework is None:
            which = f", lần sửa đổi {revision}" if revision else ""
            named = "" if index.upper() == "PAR" else f" {index.upper()}"
            raise CommandError(f"Không có bộ chỉ số{named} năm {year}, khối {block}{which}.")
        spec = framework_spec(framework)
        Path(file).write_bytes(write_framework_workbook(spec))
        self.stdout.write(self.style.SUCCESS(
            f"Đã xuất bộ chỉ số «{framework.name}» năm {year}, khối {framework.block.code}, lần sửa đổi "
            f"{framework.revision}: {len(spec.criteria)} tiêu chí, {len(spec.grades)} xếp loại → {file}"))
