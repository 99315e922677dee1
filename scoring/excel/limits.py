"""Workbooks are measured before openpyxl parses them. An .xlsx is a zip: a 5 MB upload can inflate to gigabytes,
and openpyxl's read-only mode still pads every row to the sheet's declared or widest column and yields every empty
row up to the last row named. So before anything is parsed, `measure_workbook` reads the zip's directory (the
uncompressed size of each member, its compression ratio, the total) and then scans each sheet's XML as raw bytes,
bounded by those sizes: its declared `<dimension>`, then the rows and cells openpyxl would produce, stopping as
soon as a limit is passed. Limits come from settings (WORKBOOK_UPLOAD_LIMITS for files uploaded in the browser,
WORKBOOK_IMPORT_LIMITS for the command-line importers, WORKBOOK_MAX_RATIO for both) and every refusal names the
limit in Vietnamese."""
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MB = 1024 * 1024
CHUNK = 256 * 1024
RATIO_FLOOR = MB  # members smaller than this inflate harmlessly whatever their ratio
HEAD = 64 * 1024  # where a sheet declares its <dimension>
PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
DIMENSION = re.compile(PREFIX + rb'dimension\s[^>]*?ref="([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?"')
ROW_OR_CELL = re.compile(PREFIX + rb'(row|c)(?=[\s/>])(?:[^>]*?\sr="([A-Z]*)(\d*)")?')
SHEET_NAME = re.compile(rb'<(?:[\w.-]+:)?sheet\s[^>]*?name="([^"]*)"[^>]*?\sr:id="([^"]*)"')
RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*>")
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class WorkbookLimits:
    max_mb: int  # uncompressed size of the whole archive
    max_rows: int  # rows of one sheet, counted as openpyxl yields them (up to the last row named)
    max_cells: int  # cells of the whole workbook, each row padded as openpyxl pads it
    max_ratio: int  # uncompressed / compressed size of one member

    @classmethod
    def upload(cls):
        return cls(**settings.WORKBOOK_UPLOAD_LIMITS, max_ratio=settings.WORKBOOK_MAX_RATIO)

    @classmethod
    def command(cls):
        return cls(**settings.WORKBOOK_IMPORT_LIMITS, max_ratio=settings.WORKBOOK_MAX_RATIO)


class WorkbookTooLarge(Exception):
    """The workbook passes a limit; the message says which, in the user's language."""


@dataclass
class WorkbookSize:
    uncompressed: int = 0
    rows: int = 0  # of the longest sheet
    cells: int = 0


def measure_workbook(file, limits: WorkbookLimits | None = None) -> WorkbookSize | None:
    """Raises WorkbookTooLarge when `file` (a path or a binary file) passes a limit; None when it is not a zip at
    all (openpyxl then says it is not an .xlsx). Reads the zip's directory, then at most the declared uncompressed
    bytes of the sheets, and stops at the first limit passed."""
    limits = limits or WorkbookLimits.command()
    start = file.tell() if hasattr(file, "tell") else None
    try:
        try:
            archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        with archive:
            size = WorkbookSize()
            _check_members(archive, limits, size)
            names = _sheet_names(archive)
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _scan_sheet(archive, info, names.get(info.filename, info.filename), limits, size)
            return size
    finally:
        if start is not None:
            file.seek(start)


def _check_members(archive, limits, size):
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise WorkbookTooLarge(_("Tệp có %(count)s thành phần, vượt giới hạn %(limit)s: đây không phải một sổ Excel "
                                 "bình thường.") % {"count": _n(len(members)), "limit": _n(MAX_MEMBERS)})
    for info in members:
        size.uncompressed += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise WorkbookTooLarge(_(
                "Tệp nén bất thường: phần %(name)s giải nén ra %(size)s MB, gấp %(ratio)s lần dung lượng nén (giới "
                "hạn %(limit)s lần). Hãy mở tệp bằng Excel, lưu lại rồi tải lên.") % {
                "name": info.filename, "size": _n(info.file_size // MB), "ratio": _n(info.file_size // max(
                    info.compress_size, 1)), "limit": _n(limits.max_ratio)})
    if size.uncompressed > limits.max_mb * MB:
        raise WorkbookTooLarge(_("Tệp quá lớn khi giải nén: %(size)s MB, vượt giới hạn %(limit)s MB.") % {
            "size": _n(size.uncompressed // MB), "limit": _n(limits.max_mb)})


def _sheet_names(archive):
    """{member name: sheet title}, read with bounded regular expressions from the (already measured) workbook
    part and its relationships; a sheet left out is named by its member."""
    try:
        workbook = archive.read("xl/workbook.xml")[:MB]
        relations = archive.read("xl/_rels/workbook.xml.rels")[:MB]
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return {}
    targets = {}
    for tag in RELATIONSHIP.findall(relations):
        ident, target = re.search(rb'\sId="([^"]*)"', tag), re.search(rb'\sTarget="([^"]*)"', tag)
        if ident and target:
            path = target.group(1).decode(errors="replace").lstrip("/")
            targets[ident.group(1)] = path if path.startswith("xl/") else f"xl/{path}"
    return {targets[ident]: name.decode(errors="replace") for name, ident in SHEET_NAME.findall(workbook)
            if ident in targets}


def _scan_sheet(archive, info, sheet, limits, size):
    """Counts the rows and cells openpyxl would yield for one sheet, from its raw XML, chunk by chunk."""
    scan = _SheetScan(sheet, limits, size)
    try:
        with archive.open(info) as stream:
            head = stream.read(HEAD)
            scan.declare(DIMENSION.search(head))
            tail = b""
            chunk = head
            while chunk:
                data = tail + chunk
                cut = data.rfind(b">") + 1  # a tag never spans the cut: scan up to the last '>' of the chunk
                scan.feed(data[:cut])
                tail = data[cut:][-HEAD:]  # text between tags may be long; tags are short
                chunk = stream.read(CHUNK)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return  # damaged or unsupported: openpyxl reports the file as unreadable
    scan.finish()


class _SheetScan:
    def __init__(self, sheet, limits, size):
        self.sheet, self.limits, self.size = sheet, limits, size
        self.declared_columns = 0
        self.row = 0  # the row being read (openpyxl's index)
        self.width = 0  # its widest column so far
        self.column = 0  # its last column (cells without a reference follow it)
        self.open = False

    def declare(self, match):
        if not match:
            return
        first_column, first_row, last_column, last_row = match.groups()
        last_column, last_row = last_column or first_column, last_row or first_row
        rows = int(last_row or 0)
        self.declared_columns = _column_index(last_column) if last_column else 0
        self._check_rows(rows, declared=True)
        self._check_cells(self.size.cells + rows * self.declared_columns, declared=True)

    def feed(self, data):
        for kind, letters, digits in ROW_OR_CELL.findall(data):
            if kind == b"row":
                self._end_row()
                number = int(digits) if digits else self.row + 1
                gap = max(number - self.row - 1, 0)
                self.size.cells += gap * self.declared_columns  # openpyxl yields the rows in between too
                self.row, self.width, self.column, self.open = max(number, self.row + 1), 0, 0, True
                self._check_rows(self.row)
            else:
                self.column = _column_index(letters) if letters else self.column + 1
                self.width = max(self.width, self.column)
        self._check_cells(self.size.cells + max(self.width, self.declared_columns))

    def finish(self):
        self._end_row()

    def _end_row(self):
        if self.open:
            self.size.cells += max(self.width, self.declared_columns)
            self.open = False
        self._check_cells(self.size.cells)

    def _check_rows(self, rows, declared=False):
        self.size.rows = max(self.size.rows, rows)
        if rows > self.limits.max_rows:
            message = (_("Sheet %(sheet)s khai báo %(rows)s dòng, vượt giới hạn %(limit)s dòng.") if declared else
                       _("Sheet %(sheet)s có hơn %(limit)s dòng (giới hạn %(limit)s dòng)."))
            raise WorkbookTooLarge(message % {"sheet": self.sheet, "rows": _n(rows), "limit": _n(self.limits.max_rows)})

    def _check_cells(self, cells, declared=False):
        if cells > self.limits.max_cells:
            message = (_("Sheet %(sheet)s khai báo %(cells)s ô, vượt giới hạn %(limit)s ô của một tệp.") if declared
                       else _("Tệp có hơn %(limit)s ô (giới hạn %(limit)s ô của một tệp; dừng đếm ở sheet "
                              "%(sheet)s)."))
            raise WorkbookTooLarge(message % {"sheet": self.sheet, "cells": _n(cells),
                                              "limit": _n(self.limits.max_cells)})


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index


def _n(number):
    return number_format(number, force_grouping=True)
