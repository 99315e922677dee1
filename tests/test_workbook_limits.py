"""Every importer, in the browser and on the command line, measures a workbook before it is parsed: a sheet that
inflates to a gigabyte, a huge declared dimension and too many rows are refused in seconds with a message that
names the limit, and nothing is staged or saved (issue 13, point 2)."""
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from scoring.models import AuditEntry, Framework, LeafScore, Role, Unit
from surveys.models import Response, SampleTarget, Survey
from tests.workbook_bombs import declared_dimension, far_row, inflating_sheet, many_rows

from .scoring.test_excel_assessments import make_assessment
from .surveys.questionnaires import make_survey

SECONDS = 5  # the refusal's budget; the probe's bomb took 50 s to parse


@pytest.fixture(scope="module")
def gigabyte_bomb():
    return inflating_sheet(1024)  # 1 GB of rows and no <dimension>, about 7 MB zipped


@pytest.fixture(scope="module")
def upload_bomb():
    return inflating_sheet(600)  # 600 MB of rows, under the 5 MB an upload may weigh


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def hostile(kind, bomb, *, rows):
    return {"bomb": lambda: bomb, "dimension": lambda: declared_dimension("A1:XFD1048576"),
            "rows": lambda: many_rows(rows) if rows < 100_000 else far_row(rows)}[kind]()


# What each kind of workbook's refusal says, in the browser (upload limits) and on the command line.
UPLOAD_MESSAGES = {"bomb": "Tệp nén bất thường", "dimension": "khai báo 1.048.576 dòng, vượt giới hạn 20.000 dòng",
                   "rows": "có hơn 20.000 dòng (giới hạn 20.000 dòng)"}
COMMAND_MESSAGES = {"bomb": "Tệp nén bất thường", "dimension": "vượt giới hạn 30.000.000 ô của một tệp",
                    "rows": "có hơn 1.048.576 dòng (giới hạn 1.048.576 dòng)"}


def nothing_staged(media_root):
    return not (media_root / "staging").exists() or not any((media_root / "staging").iterdir())


# --- In the browser ---------------------------------------------------------------------------------------------


def post(client, url, content):
    started = time.monotonic()
    response = client.post(url, {"file": SimpleUploadedFile("tep.xlsx", content)})
    return response, time.monotonic() - started


@pytest.mark.parametrize("kind", ["bomb", "dimension", "rows"])
def test_the_framework_import_refuses_it_in_seconds(client, coordinator, media_root, upload_bomb, kind):
    assert len(upload_bomb) < 5 * 1024 * 1024
    client.force_login(coordinator)

    response, seconds = post(client, reverse("scoring:framework_import"), hostile(kind, upload_bomb, rows=25_000))

    assert seconds < SECONDS
    assert response.status_code == 200
    assert UPLOAD_MESSAGES[kind] in response.content.decode()
    assert nothing_staged(media_root) and Framework.objects.count() == 0


@pytest.mark.parametrize("kind", ["bomb", "dimension", "rows"])
def test_the_self_assessment_upload_refuses_it_in_seconds(client, personas, own_unit, media_root, upload_bomb,
                                                          kind):
    assessment = make_assessment(own_unit, self_assessment_deadline=timezone.localdate() + timedelta(days=30))
    client.force_login(personas[Role.UNIT_OFFICER])
    audited = AuditEntry.objects.count()

    response, seconds = post(client, reverse("scoring:workbook_upload", kwargs={"pk": assessment.pk}),
                             hostile(kind, upload_bomb, rows=25_000))

    assert seconds < SECONDS
    assert response.status_code == 200
    assert UPLOAD_MESSAGES[kind] in response.content.decode()
    assert nothing_staged(media_root)
    assert AuditEntry.objects.count() == audited
    assert not LeafScore.objects.filter(assessment=assessment, self_score__isnull=False).exists()


@pytest.mark.parametrize("kind", ["bomb", "dimension", "rows"])
def test_the_survey_design_import_refuses_it_in_seconds(client, coordinator, media_root, upload_bomb, kind):
    client.force_login(coordinator)

    response, seconds = post(client, reverse("surveys:design_import"), hostile(kind, upload_bomb, rows=25_000))

    assert seconds < SECONDS
    assert response.status_code == 200
    assert UPLOAD_MESSAGES[kind] in response.content.decode()
    assert nothing_staged(media_root) and Survey.objects.count() == 0


def test_the_upload_size_limit_is_read_from_settings(client, coordinator, settings):
    settings.UPLOAD_MAX_MB, settings.UPLOAD_MAX_BYTES = 1, 1024 * 1024
    client.force_login(coordinator)

    response = client.get(reverse("scoring:framework_import"))
    refused, _seconds = post(client, reverse("scoring:framework_import"), b"x" * (1024 * 1024 + 1))

    assert "tối đa 1 MB" in response.content.decode()
    assert "Tệp lớn hơn 1 MB." in refused.content.decode()


# --- On the command line -----------------------------------------------------------------------------------------


def run(command, path, *args):
    err = StringIO()
    started = time.monotonic()
    with pytest.raises(CommandError):
        call_command(command, str(path), *args, stderr=err, stdout=StringIO())
    return err.getvalue(), time.monotonic() - started


COMMANDS = {  # command: (extra arguments, what must stay unsaved)
    "import_units": ((), lambda: Unit.objects.count()),
    "import_framework": ((), lambda: Framework.objects.count()),
    "import_scores": (("--year", "2024", "--block", "SO"), lambda: LeafScore.objects.count()),
    "import_survey": ((), lambda: Survey.objects.count()),
    "import_responses": (("--survey", "SIPAS-2024"), lambda: Response.objects.count()),
    "import_sample_targets": (("--survey", "SIPAS-2024"), lambda: SampleTarget.objects.count()),
}


@pytest.mark.parametrize("kind", ["bomb", "dimension", "rows"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_line_importer_refuses_it_in_seconds(personas, tmp_path, gigabyte_bomb, command, kind):
    make_survey()
    arguments, saved = COMMANDS[command]
    before = saved()
    path = tmp_path / "tep.xlsx"
    path.write_bytes(hostile(kind, gigabyte_bomb, rows=2_000_000))

    errors, seconds = run(command, path, *arguments)

    assert seconds < SECONDS
    assert COMMAND_MESSAGES[kind] in errors
    assert saved() == before


# --- Parsed once ---------------------------------------------------------------------------------------------------


def test_a_preview_reload_reads_the_values_parsed_at_the_upload_never_the_file_again(client, coordinator,
                                                                                   media_root):
    from tests.conftest import make_block

    from .scoring.framework_workbooks import framework_xlsx

    make_block("SO")
    client.force_login(coordinator)
    response = client.post(reverse("scoring:framework_import"),
                           {"file": SimpleUploadedFile("khung.xlsx", framework_xlsx())})
    token = client.session["framework_uploads"][-1]
    (media_root / "staging" / f"{token}.xlsx").write_bytes(b"the file is no longer read")

    first, again = client.get(response["Location"]), client.get(response["Location"])

    for preview in (first, again):
        assert [row.code for row in preview.context["rows"]] == ["1", "1.1", "1.2", "2", "2.1", "3", "3.1"]
    confirmed = client.post(response["Location"], {"confirm": "1"})
    assert confirmed.status_code == 302 and Framework.objects.count() == 1
    assert not any((media_root / "staging").iterdir())  # the file and its values are both forgotten


def test_a_damaged_sheet_in_the_survey_design_preview_is_a_message_not_a_500(client, coordinator, media_root):
    import zipfile
    from io import BytesIO

    from .surveys.survey_workbooks import design_xlsx

    damaged = BytesIO()
    with zipfile.ZipFile(design_xlsx()) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, data[:len(data) // 2] if "worksheets/sheet" in info.filename else data)
    client.force_login(coordinator)

    response = client.post(reverse("surveys:design_import"),
                           {"file": SimpleUploadedFile("bang-hoi.xlsx", damaged.getvalue())})

    assert response.status_code == 200
    assert "Không đọc được tệp" in response.content.decode()
    assert nothing_staged(media_root) and Survey.objects.count() == 0


def test_a_damaged_sheet_given_to_the_survey_reader_directly_is_an_issue(tmp_path):
    import zipfile
    from io import BytesIO

    from surveys.excel import read_survey_workbook

    from .surveys.survey_workbooks import design_xlsx

    damaged = BytesIO()
    with zipfile.ZipFile(design_xlsx()) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, data[:len(data) // 2] if "worksheets/sheet" in info.filename else data)
    damaged.seek(0)

    spec, issues = read_survey_workbook(damaged)

    assert spec is None
    assert [str(issue) for issue in issues][:1] == [
        "Không đọc được tệp: tệp không phải là bảng tính Excel .xlsx hợp lệ hoặc đã bị hỏng."]
