import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from scoring.selectors import results_rows

from .results_tables import make_block_results
from .test_excel_results import HEADERS


@pytest.fixture
def results(personas):
    return make_block_results()


def export(*args):
    out, err = StringIO(), StringIO()
    call_command("export_results", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_goes_to_the_screen_with_the_rows_the_api_serves(results):
    out, _err = export("--year", "2025", "--block", "SO", "--format", "json")

    body = json.loads(out)
    assert (body["year"], body["block"]) == (2025, "SO")
    assert body["results"] == results_rows(2025, "SO", None)
    assert body["results"][0]["index"] == "92.50"


def test_json_keeps_vietnamese_letters_readable_in_the_file(results, tmp_path):
    target = tmp_path / "ket-qua.json"

    export("--year", "2025", "--block", "SO", "--output", str(target))

    text = target.read_text(encoding="utf-8")
    assert "Sở Nội vụ" in text
    assert [row["unit_code"] for row in json.loads(text)["results"]] == ["SNV", "STC", "STP", "BQL"]


def test_xlsx_writes_the_published_table(results, tmp_path):
    target = tmp_path / "ket-qua.xlsx"

    out, _err = export("--year", "2025", "--block", "SO", "--format", "xlsx", "--output", str(target))

    sheet = load_workbook(target).active
    assert [cell.value for cell in sheet[2]] == HEADERS
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["SNV", "STC", "STP", "BQL"]
    assert "Đã xuất 4 đơn vị" in out


def test_xlsx_without_output_is_named_after_the_year_and_block(results, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    export("--year", "2025", "--block", "SO", "--format", "xlsx")

    assert (tmp_path / "ket-qua-2025-SO.xlsx").exists()


def test_an_unknown_block_is_an_error_in_vietnamese(results):
    with pytest.raises(CommandError, match="Không có khối «XYZ»"):
        export("--year", "2025", "--block", "XYZ")
