"""Workbooks that inflate: a small, valid .xlsx whose first sheet is replaced by XML written straight into the zip,
so a test (or bench/workbook_bombs.py) can build a sheet of a gigabyte from a few megabytes in about a second."""
import zipfile
from io import BytesIO

from openpyxl import Workbook

MB = 1024 * 1024
HEADER = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
FOOTER = b"</sheetData></worksheet>"
ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


def base_xlsx(sheet="units") -> bytes:
    workbook = Workbook()
    workbook.active.title = sheet
    workbook.active.append(["code", "name"])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def replace_sheet(chunks, base=None, member="xl/worksheets/sheet1.xml", level=1) -> bytes:
    """`base` (an .xlsx) with `member` rewritten from the byte strings of `chunks`, deflated at `level`."""
    base = base or base_xlsx()
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(base)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            if info.filename == member:
                with target.open(member, "w", force_zip64=True) as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
            else:
                target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def inflating_sheet(megabytes=1024, base=None, level=1) -> bytes:
    """A sheet of `megabytes` of identical rows and no <dimension>, as the probe's self-assessment bomb."""
    block = ROW * (MB // len(ROW))

    def chunks():
        yield HEADER + b"<sheetData>"
        for _ in range(megabytes):
            yield block
        yield FOOTER
    return replace_sheet(chunks(), base, level=level)


def declared_dimension(ref="A1:XFD1048576", base=None) -> bytes:
    """A tiny sheet that declares a huge <dimension> (openpyxl pads every row to it)."""
    return replace_sheet([HEADER, f'<dimension ref="{ref}"/><sheetData>'.encode(),
                          b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row>', FOOTER], base)


def many_rows(rows, base=None) -> bytes:
    """A plain sheet of `rows` numbered rows of two cells (each with its reference), no <dimension>."""
    def chunks():
        yield HEADER + b"<sheetData>"
        for start in range(1, rows + 1, 10_000):
            yield b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1</v></c></row>' % (n, n, n, n)
                           for n in range(start, min(start + 10_000, rows + 1)))
        yield FOOTER
    return replace_sheet(chunks(), base, level=6)


def far_row(number=2_000_000, base=None) -> bytes:
    """One row numbered `number`: openpyxl yields every empty row before it."""
    return replace_sheet([HEADER, b"<sheetData>", b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (number, number),
                          FOOTER], base)
