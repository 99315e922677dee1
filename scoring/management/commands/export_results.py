import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.excel.results import write_results_workbook
from scoring.selectors import block_find, results_legend, results_rows
from scoring.selectors.index_scope import index_find
from scoring.selectors.status import results_status


class Command(BaseCommand):
    help = ("Xuất kết quả chỉ số CCHC của một khối trong một năm: JSON (số thập phân dạng chuỗi, đúng như API "
            "/api/v1/results/) hoặc bảng Excel để công bố.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--block", required=True, help="mã khối, ví dụ SO")
        parser.add_argument("--index", default="PAR", help="mã chỉ số, ví dụ DTI; mặc định PAR")
        parser.add_argument("--format", dest="output_format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="tệp sẽ ghi; bỏ trống: JSON ra màn hình, Excel vào ket-qua-NAM-KHOI.xlsx")

    def handle(self, *args, year, block, output_format, output, index, **options):
        found = block_find(block)
        if found is None:
            raise CommandError(f"Không có khối «{block}».")
        # An operator's command: every unit's result, there is no user to restrict by.
        rows = results_rows(year, found.code, None, index)
        if output_format == "json":
            status = {**({} if index == "PAR" else {"index": index}), **results_status(year, found, index).as_json()}
            self._write_json(year, found.code, status, rows, output)
        else:
            name = f"ket-qua-{year}-{found.code}.xlsx" if index == "PAR" else f"ket-qua-{index}-{year}-{found.code}.xlsx"
            # The workbook writes the index on its scale (a DTI on 0-1), as the results page's export does.
            self._write_xlsx(rows, results_legend(year, found, index), output or name, index_find(index))

    def _write_json(self, year, block, status, rows, output):
        # "status": "provisional" until the block's year is published, then "published" with version and SHA-256.
        text = json.dumps({"year": year, "block": block, **status, "results": rows}, ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Đã xuất {len(rows)} đơn vị vào {output}")
        else:
            self.stdout.write(text)

    def _write_xlsx(self, rows, legend, output, index=None):
        Path(output).write_bytes(write_results_workbook(rows, legend, index))
        self.stdout.write(self.style.SUCCESS(f"Đã xuất {len(rows)} đơn vị vào {output}"))
