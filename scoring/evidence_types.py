"""What kind of document an uploaded file really is, from its bytes (pure: no Django, no database).

A file's extension says what the sender claims; its first bytes say what it is. Evidence is accepted only when
both agree on one of the kinds below, so a script renamed to .pdf, a PNG renamed to .pdf or an arbitrary ZIP
renamed to .docx is refused before anything is stored.
"""
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    extensions: tuple
    content_type: str


KINDS = {kind.code: kind for kind in (
    Kind("pdf", "PDF", (".pdf",), "application/pdf"),
    Kind("docx", "Word", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Kind("xlsx", "Excel", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Kind("doc", "Word 97-2003", (".doc",), "application/msword"),
    Kind("xls", "Excel 97-2003", (".xls",), "application/vnd.ms-excel"),
    Kind("jpg", "JPEG", (".jpg", ".jpeg"), "image/jpeg"),
    Kind("png", "PNG", (".png",), "image/png"),
)}
EXTENSIONS = tuple(extension for kind in KINDS.values() for extension in kind.extensions)

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def kind_of_name(name: str) -> str | None:
    """The kind a file name's extension claims, or None for an extension we do not accept."""
    lowered = name.lower()
    for kind in KINDS.values():
        if lowered.endswith(kind.extensions):
            return kind.code
    return None


def detect_kind(stream: BinaryIO) -> str | None:
    """The kind of a seekable binary stream from its content, or None when it is none of KINDS. The stream is
    left at its start."""
    stream.seek(0)
    head = stream.read(8)
    try:
        if head.startswith(PDF):
            return "pdf"
        if head.startswith(PNG):
            return "png"
        if head.startswith(JPEG):
            return "jpg"
        if head.startswith(ZIP):
            return _office_open_xml_kind(stream)
        if head.startswith(OLE2):
            return _compound_file_kind(stream)
        return None
    finally:
        stream.seek(0)


def _office_open_xml_kind(stream):
    """DOCX and XLSX are ZIP packages with a [Content_Types].xml and the word/ or xl/ part; any other ZIP is not."""
    stream.seek(0)
    try:
        names = zipfile.ZipFile(stream).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    word = any(name.startswith("word/") for name in names)
    excel = any(name.startswith("xl/") for name in names)
    if word == excel:  # neither, or a package claiming to be both
        return None
    return "docx" if word else "xlsx"


def _compound_file_kind(stream):
    """DOC and XLS are OLE2 compound files: a Word file holds a "WordDocument" stream, an Excel file a "Workbook"
    (BIFF8) or "Book" (BIFF5) stream. Other compound files (PowerPoint, Outlook, installers) are refused."""
    try:
        names = compound_file_stream_names(stream)
    except (ValueError, struct.error, OSError):
        return None
    word = "WordDocument" in names
    excel = bool({"Workbook", "Book"} & names)
    if word == excel:
        return None
    return "doc" if word else "xls"


ENDOFCHAIN = 0xFFFFFFFE
MAX_REGULAR_SECTOR = 0xFFFFFFFA
STREAM = 2


def compound_file_stream_names(stream) -> set:
    """The names of the streams in an OLE2 compound file's directory ([MS-CFB] 2.2, 2.6), following the FAT
    chain of directory sectors. Raises ValueError on a malformed file."""
    stream.seek(0, 2)
    file_size = stream.tell()
    stream.seek(0)
    header = stream.read(512)
    if len(header) < 512:
        raise ValueError("truncated header")
    shift, = struct.unpack_from("<H", header, 30)
    if shift not in (9, 12):
        raise ValueError("bad sector size")
    sector_size = 1 << shift
    fat = _fat(stream, header, sector_size, file_size)
    first_directory_sector, = struct.unpack_from("<I", header, 48)
    names = set()
    for sector in _chain(first_directory_sector, fat, file_size // sector_size):
        stream.seek((sector + 1) * sector_size)
        data = stream.read(sector_size)
        for offset in range(0, len(data) - 127, 128):
            entry = data[offset:offset + 128]
            length, kind = struct.unpack_from("<HB", entry, 64)
            if kind == STREAM and 2 <= length <= 64:
                names.add(entry[:length - 2].decode("utf-16-le", "replace"))
    return names


def _fat(stream, header, sector_size, file_size):
    """The file allocation table: the first 109 FAT sectors are listed in the header, the rest in DIFAT sectors."""
    fat_sector_count, = struct.unpack_from("<I", header, 44)
    difat_start, difat_count = struct.unpack_from("<II", header, 68)
    if fat_sector_count > file_size // sector_size:
        raise ValueError("too many FAT sectors")
    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    per_sector = sector_size // 4
    sector = difat_start
    for _ in range(min(difat_count, file_size // sector_size)):
        if sector > MAX_REGULAR_SECTOR:
            break
        stream.seek((sector + 1) * sector_size)
        values = struct.unpack(f"<{per_sector}I", stream.read(sector_size))
        fat_sectors += values[:-1]
        sector = values[-1]
    fat = []
    for sector in fat_sectors[:fat_sector_count]:
        if sector > MAX_REGULAR_SECTOR:
            raise ValueError("bad FAT sector")
        stream.seek((sector + 1) * sector_size)
        fat += struct.unpack(f"<{per_sector}I", stream.read(sector_size))
    return fat


def _chain(start, fat, limit):
    """The sectors of a chain; a loop or a chain longer than the file is malformed."""
    sector, seen = start, 0
    while sector != ENDOFCHAIN:
        if sector > MAX_REGULAR_SECTOR or sector >= len(fat) or seen > limit:
            raise ValueError("broken chain")
        yield sector
        sector, seen = fat[sector], seen + 1
