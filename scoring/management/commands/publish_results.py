from django.core.management.base import BaseCommand, CommandError

from scoring.services.publications import PublicationRefused, publication_create


class Command(BaseCommand):
    help = ("Công bố kết quả một khối trong một năm, như nút «Công bố» trên trang Kết quả: ảnh chụp không sửa được, "
            "kèm mã SHA-256. Nếu bị từ chối, liệt kê mọi đơn vị cản trở và trang để giải quyết.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--block", required=True, help="mã khối, ví dụ SO")
        parser.add_argument("--index", default="PAR", help="mã chỉ số, ví dụ DTI; mặc định PAR")
        parser.add_argument("--note", default="", help="ghi chú, ví dụ số quyết định phê duyệt")

    def handle(self, *args, year, block, note, index, **options):
        try:
            publication = publication_create(year=year, block_code=block, index_code=index, note=note)
        except PublicationRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(self.style.SUCCESS(
            f"Đã công bố kết quả {index} năm {year} khối {block}, lần {publication.version}. SHA-256: {publication.sha256}"))
