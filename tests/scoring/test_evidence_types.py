from io import BytesIO

import pytest

from scoring.evidence_types import KINDS, compound_file_stream_names, detect_kind, kind_of_name

from .evidence_files import SAMPLES, compound_file, doc_bytes, docx_bytes, image_bytes, pdf_bytes, zip_bytes


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_accepted_kind_is_recognised_from_its_content(kind):
    name, make = SAMPLES[kind]

    assert detect_kind(BytesIO(make())) == kind
    assert kind_of_name(name) == kind


def test_the_seven_kinds_of_the_issue_are_accepted_and_nothing_else():
    assert set(KINDS) == {"pdf", "docx", "xlsx", "doc", "xls", "jpg", "png"}


def test_the_stream_is_left_at_its_start_for_the_next_reader():
    stream = BytesIO(docx_bytes())
    stream.seek(17)

    detect_kind(stream)

    assert stream.tell() == 0


@pytest.mark.parametrize(("name", "kind"), [
    ("QUYET-DINH.PDF", "pdf"), ("anh.JPEG", "jpg"), ("anh.jpg", "jpg"), ("bang.Xlsx", "xlsx"),
    ("tai-lieu.pdf.exe", None), ("khong-duoi", None), ("script.js", None), (".pdf", "pdf"), ("ban-ve.dwg", None),
])
def test_the_extension_claims_a_kind_case_insensitively(name, kind):
    assert kind_of_name(name) == kind


def test_a_png_renamed_to_pdf_is_still_a_png():
    assert detect_kind(BytesIO(image_bytes("png"))) == "png" != kind_of_name("quyet-dinh.pdf")


@pytest.mark.parametrize("content", [
    b"", b"%PD", b"Quyet dinh so 12\n", b"<html><script>alert(1)</script></html>", b"MZ\x90\x00\x03",
    b"\x00" * 600, b"GIF89a\x01\x00\x01\x00",
])
def test_text_executables_and_other_formats_are_none_of_the_kinds(content):
    assert detect_kind(BytesIO(content)) is None


def test_a_zip_that_is_not_an_office_document_is_refused():
    assert detect_kind(BytesIO(zip_bytes({"readme.txt": "xin chào", "word/x.xml": "<x/>"}))) is None
    assert detect_kind(BytesIO(zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/slide1.xml": "<p/>"}))) is None


def test_a_package_claiming_to_be_word_and_excel_at_once_is_refused():
    both = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>", "xl/workbook.xml": "<x/>"})

    assert detect_kind(BytesIO(both)) is None


def test_a_truncated_zip_is_refused():
    assert detect_kind(BytesIO(docx_bytes()[:60])) is None


def test_text_renamed_to_docx_is_refused():
    assert detect_kind(BytesIO("Báo cáo kết quả CCHC".encode())) is None


def test_a_word_97_file_is_found_by_its_worddocument_stream_beyond_the_first_directory_sector():
    content = doc_bytes()

    assert "WordDocument" in compound_file_stream_names(BytesIO(content))
    assert content.index("WordDocument".encode("utf-16-le")) >= 512 * 4  # header, FAT, filler, 1st directory


def test_an_excel_5_file_with_a_book_stream_is_an_xls():
    assert detect_kind(BytesIO(compound_file(["Book"]))) == "xls"


def test_a_compound_file_with_4096_byte_sectors_is_read():
    assert detect_kind(BytesIO(compound_file(["Workbook"], sector_shift=12))) == "xls"


def test_other_compound_files_such_as_powerpoint_are_refused():
    assert detect_kind(BytesIO(compound_file(["PowerPoint Document", "Current User"]))) is None
    assert detect_kind(BytesIO(compound_file(["WordDocument", "Workbook"]))) is None


def test_a_truncated_or_looping_compound_file_is_refused_not_crashed():
    content = doc_bytes()
    looping = bytearray(content)
    looping[512 + 4 * 2:512 + 4 * 3] = (2).to_bytes(4, "little")  # the directory's sector points at itself

    assert detect_kind(BytesIO(content[:700])) is None
    assert detect_kind(BytesIO(bytes(looping))) is None


def test_a_pdf_must_start_with_its_signature():
    assert detect_kind(BytesIO(pdf_bytes())) == "pdf"
    assert detect_kind(BytesIO(b"junk" + pdf_bytes())) is None
