"""Small real documents of every accepted kind, and the fakes a careless or hostile sender might upload, for the
evidence tests. Built here rather than stored so each file says how it was made."""
import struct
import zipfile
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def pdf_bytes(text="Quyet dinh ban hanh ke hoach CCHC"):
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    document = canvas.Canvas(buffer, invariant=True)  # the same bytes every time, as for a real file
    document.drawString(72, 720, text)
    document.save()
    return buffer.getvalue()


def image_bytes(kind):
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format={"png": "PNG", "jpg": "JPEG"}[kind])
    return buffer.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Báo cáo"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(files):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return buffer.getvalue()


def docx_bytes():
    return zip_bytes({
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                               '2006/content-types"/>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
        "word/document.xml": '<?xml version="1.0"?><w:document/>',
    })


def compound_file(streams, *, sector_shift=9, filler_sectors=1):
    """An OLE2 compound file ([MS-CFB]) whose directory lists `streams`: sector 0 holds the FAT, then
    `filler_sectors` of data, then the directory, which spans as many sectors as the entries need (so a reader
    must follow the FAT chain to find the later names)."""
    size = 1 << sector_shift
    entries = [_directory_entry("Root Entry", 5)] + [_directory_entry(name, 2) for name in streams]
    per_sector = size // 128
    directory_count = -(-len(entries) // per_sector)
    entries += [bytes(128)] * (directory_count * per_sector - len(entries))
    first_directory = 1 + filler_sectors
    fat = [FATSECT] + [ENDOFCHAIN] * filler_sectors
    fat += [first_directory + i + 1 for i in range(directory_count - 1)] + [ENDOFCHAIN]
    fat += [FREESECT] * (size // 4 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3 if sector_shift == 9 else 4, 0xFFFE, sector_shift, 6)
    header += bytes(6) + struct.pack("<IIIII", 0, 1, first_directory, 0, 4096)
    header += struct.pack("<IIII", ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    header += struct.pack("<109I", 0, *([FREESECT] * 108))
    header = header.ljust(size, b"\0")
    body = struct.pack(f"<{size // 4}I", *fat) + bytes(size) * filler_sectors + b"".join(entries)
    return header + body


def _directory_entry(name, kind):
    encoded = name.encode("utf-16-le") + b"\0\0"
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, NOSTREAM, 1 if kind == 5 else NOSTREAM) + bytes(16 + 4 + 16)
            + struct.pack("<IQ", ENDOFCHAIN, 0))


def doc_bytes():
    return compound_file(["\x01CompObj", "\x05SummaryInformation", "1Table", "Data", "WordDocument"])


def xls_bytes():
    return compound_file(["Workbook", "\x05SummaryInformation", "\x05DocumentSummaryInformation"])


SAMPLES = {
    "pdf": ("quyet-dinh.pdf", pdf_bytes),
    "docx": ("ke-hoach.docx", docx_bytes),
    "xlsx": ("bao-cao.xlsx", xlsx_bytes),
    "doc": ("cong-van.doc", doc_bytes),
    "xls": ("so-lieu.xls", xls_bytes),
    "jpg": ("anh-chup.jpg", lambda: image_bytes("jpg")),
    "png": ("so-do.png", lambda: image_bytes("png")),
}


def upload(name="quyet-dinh.pdf", content=None):
    """An uploaded file as a view or service receives it."""
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content)
