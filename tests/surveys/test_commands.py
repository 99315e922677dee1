"""The survey commands: import_survey, export_survey, import_responses, compute_survey_points."""
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from scoring.models import Job, JobStatus, LeafScore
from surveys.excel import read_survey_workbook
from surveys.models import Question, Response, Survey
from surveys.selectors import survey_spec
from tests.celery_worker import wait_for
from tests.conftest import make_block

from .survey_workbooks import design_xlsx, make_surveyed_province, responses_xlsx, with_question

SAMPLES = Path(__file__).resolve().parent.parent.parent / "docs" / "samples"


def run(command, *args, **options):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def failing(command, *args, **options):
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command(command, *args, stdout=StringIO(), stderr=err, **options)
    return str(error.value), err.getvalue()


@pytest.fixture
def files(tmp_path):
    def write(name, buffer):
        path = tmp_path / name
        path.write_bytes(buffer.getvalue())
        return str(path)

    return write


@pytest.fixture
def surveyed(db, files):
    make_surveyed_province()
    run("import_survey", files("khao-sat.xlsx", design_xlsx()))


# --- The sample questionnaire --------------------------------------------------------------------------------------


def test_the_sample_questionnaire_imports_onto_the_sample_framework(db):
    make_block("SO")
    run("import_framework", str(SAMPLES / "khung-chi-so-tinh-2017.xlsx"))

    out, _err = run("import_survey", str(SAMPLES / "khao-sat-mau.xlsx"))

    assert "Đã tạo cuộc điều tra XHH-2017 năm 2017: 6 nhóm đối tượng, 41 câu hỏi." in out
    survey = Survey.objects.get(code="XHH-2017")
    assert list(survey.groups.values_list("code", flat=True)) == ["DBHDND", "LDSO", "LDHUYEN", "CONGCHUC", "NGUOIDAN",
                                                                  "DOANHNGHIEP"]
    mapped = set(Question.objects.exclude(criterion_code="").values_list("criterion_code", flat=True))
    assert mapped == {"8.1.1", "8.1.2", "8.2.1", "8.2.2", "8.3.1"}
    citizens = Question.objects.filter(group__code="NGUOIDAN").exclude(element="")
    assert {(q.element, q.content) for q in citizens} == {
        (element, content) for element in ("access", "procedure", "civil_servant", "result", "feedback")
        for content in ("perception", "satisfaction", "expectation")}


def test_the_sample_file_is_what_the_build_script_writes():
    from surveys.demo_questionnaire import sample_survey_spec

    spec, issues = read_survey_workbook(SAMPLES / "khao-sat-mau.xlsx")

    assert issues == []
    assert spec == sample_survey_spec()


# --- import_survey / export_survey -------------------------------------------------------------------------------


def test_an_exported_survey_imports_back_unchanged_field_by_field(surveyed, tmp_path):
    before = survey_spec(Survey.objects.get())
    path = tmp_path / "xuat.xlsx"

    out, _err = run("export_survey", "XHH-2024", str(path))
    again, _err = run("import_survey", str(path))

    assert "Đã xuất 5 câu hỏi của XHH-2024" in out
    assert "Đã thay bảng hỏi của cuộc điều tra XHH-2024" in again
    assert survey_spec(Survey.objects.get()) == before
    spec, issues = read_survey_workbook(path)
    assert issues == [] and spec == before


def test_a_bad_design_prints_every_problem_and_saves_nothing(db, files):
    make_surveyed_province()
    path = files("sai.xlsx", design_xlsx(questions=[with_question(0, options="A=120"),
                                                    with_question(1, criterion_code="1.1")]))

    message, err = failing("import_survey", path)

    assert "chưa lưu gì" in message
    assert "Sheet questions, dòng 2, cột options: trọng số '120'" in err
    assert not Survey.objects.exists()


def test_a_design_with_an_unknown_criterion_is_refused_by_the_command(db, files):
    make_surveyed_province()

    _message, err = failing("import_survey", files("sai.xlsx", design_xlsx(questions=[
        with_question(0, criterion_code="1.1")])))

    assert "Sheet questions, dòng 2, cột criterion_code: '1.1' không phải là tiêu chí điều tra XHH" in err


def test_exporting_an_unknown_survey_fails(db, tmp_path):
    message, _err = failing("export_survey", "KHONG-CO", str(tmp_path / "x.xlsx"))

    assert "Không có cuộc điều tra mã KHONG-CO" in message


# --- import_responses -----------------------------------------------------------------------------------------------


def test_responses_are_imported_from_a_sheet(surveyed, files):
    path = files("phieu.xlsx", responses_xlsx([("P-001", "NGUOIDAN", "SNV", "A", "B", "Đúng hẹn"),
                                               ("P-002", "NGUOIDAN", "STC", "C", None, None)]))

    out, _err = run("import_responses", path, "--survey", "XHH-2024", "--source", "paper")

    assert "Đã nhập 2 phiếu vào XHH-2024: 2 mới, 0 thay thế, 4 câu trả lời" in out
    assert set(Response.objects.values_list("source", flat=True)) == {"paper"}


def test_bad_responses_print_their_rows_and_save_nothing(surveyed, files):
    path = files("phieu.xlsx", responses_xlsx([("P-001", "NGUOIDAN", "SKHONG", "A", "B", None)]))

    message, err = failing("import_responses", path, "--survey", "XHH-2024")

    assert "Sheet responses, dòng 2, cột unit_code: đơn vị 'SKHONG' không tồn tại" in err
    assert "chưa lưu gì" in message
    assert not Response.objects.exists()


# --- compute_survey_points ------------------------------------------------------------------------------------------


@pytest.fixture
def answered(surveyed, files):
    run("import_responses", files("phieu.xlsx", responses_xlsx([("P-001", "NGUOIDAN", "SNV", "A", "B", None)])),
        "--survey", "XHH-2024")


def test_computing_in_process_prints_progress_and_counts(answered):
    out, _err = run("compute_survey_points", "--year", "2024", "--sync")

    assert "100% Xong" in out
    assert "Năm 2024: 1 cuộc điều tra, 2 đơn vị, 4 điểm tiêu chí: 1 mới, 0 thay đổi, 3 không đổi." in out
    assert LeafScore.objects.get().final_score == Decimal("2.400")  # 3 × (100 + 60) / 2 / 100


def test_computing_through_a_job_records_its_status_row(transactional_db, answered):
    # Transactional: the job is enqueued once its row is committed, and the command waits for it.
    out, _err = run("compute_survey_points", "--year", "2024", "--timeout", "30")

    job = Job.objects.get(kind="compute_survey_points")
    assert (job.scope, job.status, job.progress) == ("survey_points:2024", JobStatus.DONE, 100)
    assert job.result["created"] == 1
    assert "1 mới" in out


def test_a_failed_job_fails_the_command(transactional_db, answered, monkeypatch):
    from surveys.services import points

    def broken(**kwargs):
        raise RuntimeError("Hỏng")

    monkeypatch.setattr(points, "survey_points_compute", broken)

    message, _err = failing("compute_survey_points", "--year", "2024", "--timeout", "30")

    assert "lỗi: Hỏng" in message


def test_a_real_worker_loads_the_survey_job_and_computes_points(celery_worker, files):
    from surveys.services.points import survey_points_start

    make_surveyed_province()
    call_command("import_survey", files("khao-sat.xlsx", design_xlsx()), stdout=StringIO())
    call_command("import_responses", files("phieu.xlsx", responses_xlsx([("P-001", "NGUOIDAN", "SNV", "A", "B")],
                                                                        header=("respondent", "group", "unit_code",
                                                                                "C1", "C2"))),
                 "--survey", "XHH-2024", stdout=StringIO())

    job = survey_points_start(year=2024)

    assert wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=60), celery_worker.output()[-3000:]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert LeafScore.objects.get().final_score == Decimal("2.400")
