"""The browser editor of a survey's design, and the design workbook uploaded in the browser. Every save goes through
the Excel import's rules (services/design.py), so the tests check that the same messages come back, on the field
that was typed, with the input kept."""
from io import BytesIO

import pytest
from django.urls import reverse

from scoring.models import AuditEntry, AuditSource, Role
from surveys.excel import read_survey_workbook
from surveys.models import Option, Question, RespondentGroup, Survey
from surveys.selectors import survey_spec
from surveys.services.design import year_message
from tests.conftest import make_user

from .results_data import import_design, make_answered_survey, make_province
from .survey_workbooks import QUESTIONS, design_xlsx, with_question

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
NEW_SURVEY = {"code": "XHH-2025", "name": "Điều tra xã hội học năm 2025", "year": "2024", "anonymous": "on",
              "satisfied_min_weight": "62,5", "margin_of_error": "0,05", "opens_on": "2024-10-01",
              "closes_on": "2024-11-30"}
QUESTION = {"code": "C9", "text": "Ông/bà hài lòng với  kết quả giải quyết?", "options": "A=100; B=60; C=20; D=0; E=",
            "criterion_code": "8.1", "element": "result", "content": "satisfaction", "rates": "block"}


@pytest.fixture
def province(own_unit, other_unit):
    return make_province()


@pytest.fixture
def manager(client, coordinator):
    client.force_login(coordinator, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def survey(province):
    return import_design()


def page_text(response):
    return response.content.decode()


def field_errors(response, field):
    return list(response.context["form"].errors.get(field, []))


def post_new_survey(client, province, **changes):
    data = {**NEW_SURVEY, "blocks": [province.block.pk], **changes}
    return client.post(reverse("surveys:survey_create"), data)


# --- The survey -----------------------------------------------------------------------------------------------------


def test_a_manager_creates_a_survey_and_lands_on_its_design(manager, province):
    response = post_new_survey(manager, province)

    survey = Survey.objects.get(code="XHH-2025")
    assert response.status_code == 302 and response.url == reverse("surveys:survey_design", args=[survey.pk])
    assert (survey.year, str(survey.satisfied_min_weight), survey.anonymous) == (2024, "62.50", True)
    assert list(survey.blocks.values_list("code", flat=True)) == ["SO"]
    assert (survey.opens_on.isoformat(), survey.closes_on.isoformat()) == ("2024-10-01", "2024-11-30")
    assert AuditEntry.objects.filter(entity="survey", entity_id=survey.pk, source=AuditSource.UI).exists()


def test_a_code_already_used_is_refused_on_the_code_field(manager, province, survey):
    response = post_new_survey(manager, province, code=survey.code)

    assert response.status_code == 200
    assert field_errors(response, "code") == [f"Mã {survey.code} đã được dùng cho một cuộc điều tra khác."]
    assert Survey.objects.count() == 1


def test_a_year_out_of_range_gets_the_excel_imports_message_and_keeps_the_input(manager, province):
    response = post_new_survey(manager, province, year="1999", name="Tên đã gõ")

    assert field_errors(response, "year") == [year_message(1999)]
    assert 'value="Tên đã gõ"' in page_text(response) and 'value="1999"' in page_text(response)
    assert not Survey.objects.exists()


def test_settings_out_of_range_are_refused_by_the_design_rules(manager, province):
    response = post_new_survey(manager, province, satisfied_min_weight="101", margin_of_error="1,5")

    assert field_errors(response, "satisfied_min_weight") == [
        "trọng số hài lòng phải là số từ 0 đến 100, tối đa 2 chữ số thập phân"]
    assert field_errors(response, "margin_of_error") == [
        "sai số e phải lớn hơn 0, nhỏ hơn 1, tối đa 3 chữ số thập phân (ví dụ 0,05)"]


def test_a_setting_that_is_not_a_number_is_refused_and_kept(manager, province):
    response = post_new_survey(manager, province, margin_of_error="abc")

    assert field_errors(response, "margin_of_error") == ["Nhập một số, ví dụ 60 hoặc 62,5."]
    assert 'value="abc"' in page_text(response)


def test_required_fields_and_dates_in_the_wrong_order_are_explained_in_vietnamese(manager, province):
    response = post_new_survey(manager, province, name="", closes_on="2024-09-01")

    assert field_errors(response, "name") == ["Trường này là bắt buộc."]
    assert field_errors(response, "closes_on") == ["Ngày đóng phải từ ngày mở trở đi."]
    assert "Chưa lưu được: vui lòng sửa các lỗi dưới đây." in page_text(response)


def test_editing_the_survey_keeps_its_code_and_changes_its_name(manager, survey):
    url = reverse("surveys:survey_edit", args=[survey.pk])
    data = {**NEW_SURVEY, "code": "DOI-MA", "name": "Tên mới", "blocks": [survey.blocks.get().pk],
            "satisfied_min_weight": "60"}

    response = manager.post(url, data)

    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.code, survey.name) == ("XHH-2024", "Tên mới")


def test_the_collection_dates_still_move_once_answers_exist(manager, own_unit, other_unit):
    survey = make_answered_survey(points=False)
    form = manager.get(reverse("surveys:survey_edit", args=[survey.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if name != "blocks" and value is not None}
    data.update(blocks=[block.pk for block in form.initial["blocks"]], anonymous="on", closes_on="2024-12-31")

    response = manager.post(reverse("surveys:survey_edit", args=[survey.pk]), data)

    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.closes_on.isoformat() == "2024-12-31"


# --- Groups and questions -------------------------------------------------------------------------------------------


def test_a_manager_adds_a_group_then_a_question_with_its_options(manager, survey):
    manager.post(reverse("surveys:group_create", args=[survey.pk]),
                 {"code": "DOANHNGHIEP", "name": "Doanh nghiệp", "identified": ""})
    group = RespondentGroup.objects.get(survey=survey, code="DOANHNGHIEP")

    response = manager.post(reverse("surveys:question_create", args=[survey.pk, group.pk]), QUESTION)

    assert response.status_code == 302
    question = Question.objects.get(group=group)
    assert (question.code, question.text, question.criterion_code, question.element) == (
        "C9", "Ông/bà hài lòng với kết quả giải quyết?", "8.1", "result")
    assert list(question.options.order_by("position").values_list("label", flat=True)) == list("ABCDE")
    assert question.options.get(label="E").weight is None
    assert survey_spec(survey).groups[-1].name == "Doanh nghiệp"


def test_a_new_question_goes_after_the_last_question_of_its_group(manager, survey):
    citizens = RespondentGroup.objects.get(survey=survey, code="NGUOIDAN")

    manager.post(reverse("surveys:question_create", args=[survey.pk, citizens.pk]), {**QUESTION, "code": "C4"})

    assert [(q.group, q.code) for q in survey_spec(survey).questions] == [
        ("NGUOIDAN", "C1"), ("NGUOIDAN", "C2"), ("NGUOIDAN", "C3"), ("NGUOIDAN", "C4"), ("LDSO", "C1"),
        ("LDSO", "C2")]


def test_invalid_options_syntax_keeps_the_input_and_shows_the_error(manager, survey):
    citizens = RespondentGroup.objects.get(survey=survey, code="NGUOIDAN")
    typed = "Rất hài lòng=100; Hài lòng 60; Không biết="

    response = manager.post(reverse("surveys:question_create", args=[survey.pk, citizens.pk]),
                            {**QUESTION, "options": typed})

    assert response.status_code == 200
    assert field_errors(response, "options") == [
        "'Hài lòng 60' không đúng dạng nhãn=trọng số (ví dụ B=60; để trống trọng số nếu không tính điểm)"]
    page = page_text(response)
    assert f">\n{typed}</textarea>" in page and f">\n{QUESTION['text']}</textarea>" in page
    assert 'aria-describedby="id_options_helptext id_options_error"' in page_text(response)
    assert not Question.objects.filter(code="C9").exists()


def test_a_weight_out_of_range_gets_the_same_message_as_in_excel(manager, survey):
    citizens = RespondentGroup.objects.get(survey=survey, code="NGUOIDAN")

    response = manager.post(reverse("surveys:question_create", args=[survey.pk, citizens.pk]),
                            {**QUESTION, "options": "A=120; B=0"})

    spec, issues = read_survey_workbook(design_xlsx(questions=[with_question(0, options="A=120; B=0")]))
    assert field_errors(response, "options") == [issues[0].message]


def test_an_element_without_its_content_is_refused_on_the_content_field(manager, survey):
    citizens = RespondentGroup.objects.get(survey=survey, code="NGUOIDAN")

    response = manager.post(reverse("surveys:question_create", args=[survey.pk, citizens.pk]),
                            {**QUESTION, "content": ""})

    assert field_errors(response, "content") == [
        "yếu tố (element) và nội dung đo (content) SIPAS phải ghi cùng nhau, hoặc cùng để trống"]


def test_a_duplicate_code_in_the_group_is_refused_on_the_code_field(manager, survey):
    citizens = RespondentGroup.objects.get(survey=survey, code="NGUOIDAN")

    response = manager.post(reverse("surveys:question_create", args=[survey.pk, citizens.pk]),
                            {**QUESTION, "code": "c1"})

    assert field_errors(response, "code") == ["mã câu hỏi 'c1' đã có trong nhóm NGUOIDAN"]


def test_a_criterion_that_is_not_a_survey_leaf_is_refused_by_the_imports_database_check(manager, survey):
    citizens = RespondentGroup.objects.get(survey=survey, code="NGUOIDAN")

    response = manager.post(reverse("surveys:question_create", args=[survey.pk, citizens.pk]),
                            {**QUESTION, "criterion_code": "1.1"})

    assert field_errors(response, "criterion_code") == [
        "'1.1' không phải là tiêu chí điều tra XHH (phương pháp survey) trong bộ chỉ số năm 2024 của khối SO"]
    assert '<option value="1.1" selected>' in page_text(response)


def test_the_criterion_select_lists_the_survey_leaves_of_the_year(manager, survey):
    citizens = RespondentGroup.objects.get(survey=survey, code="NGUOIDAN")

    form = manager.get(reverse("surveys:question_create", args=[survey.pk, citizens.pk])).context["form"]

    assert [code for code, _label in form.fields["criterion_code"].choices] == ["", "8.1", "8.2"]


def test_editing_a_question_replaces_it_in_place(manager, survey):
    question = Question.objects.get(group__code="NGUOIDAN", code="C2")
    form = manager.get(reverse("surveys:question_edit", args=[survey.pk, question.pk])).context["form"]
    assert form.initial["options"] == "A=100; B=60; C=20; D=0; E="

    response = manager.post(reverse("surveys:question_edit", args=[survey.pk, question.pk]),
                            {**form.initial, "text": "Câu hỏi đã sửa", "options": "Có=100; Không=0"})

    assert response.status_code == 302
    edited = Question.objects.get(group__code="NGUOIDAN", code="C2")
    assert edited.text == "Câu hỏi đã sửa" and edited.position == 1
    assert list(edited.options.values_list("label", "weight")) == [("Có", 100), ("Không", 0)]
    assert Question.objects.count() == len(QUESTIONS)


def test_a_group_can_be_renamed_but_keeps_its_code(manager, survey):
    group = RespondentGroup.objects.get(survey=survey, code="LDSO")

    manager.post(reverse("surveys:group_edit", args=[survey.pk, group.pk]),
                 {"code": "KHAC", "name": "Lãnh đạo các sở", "identified": "on"})

    group.refresh_from_db()
    assert (group.code, group.name, group.identified) == ("LDSO", "Lãnh đạo các sở", True)


# --- Once answers exist ---------------------------------------------------------------------------------------------


def test_a_design_with_responses_cannot_be_replaced(manager, own_unit, other_unit):
    survey = make_answered_survey(points=False)
    question = Question.objects.get(group__code="NGUOIDAN", code="C3")
    form = manager.get(reverse("surveys:question_edit", args=[survey.pk, question.pk])).context["form"]

    response = manager.post(reverse("surveys:question_edit", args=[survey.pk, question.pk]),
                            {**form.initial, "text": "Câu hỏi đã sửa"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Cuộc điều tra XHH-2024 đã có 5 phiếu trả lời: không thay được bảng hỏi. Tạo cuộc điều tra với mã khác, "
        "hoặc xóa các phiếu trả lời trước."]
    assert "Câu hỏi đã sửa" in page_text(response)
    assert Question.objects.get(pk=question.pk).text == "Thời gian giải quyết có đúng hẹn?"


def test_a_question_with_answers_cannot_be_deleted(manager, own_unit, other_unit):
    survey = make_answered_survey(points=False)
    question = Question.objects.get(group__code="NGUOIDAN", code="C3")

    response = manager.post(reverse("surveys:question_delete", args=[survey.pk, question.pk]), follow=True)

    assert "Câu hỏi C3 đã có 1 câu trả lời: không xóa được." in page_text(response)
    assert Question.objects.filter(pk=question.pk).exists()


def test_a_question_without_answers_is_deleted(manager, survey):
    question = Question.objects.get(group__code="NGUOIDAN", code="C3")

    response = manager.post(reverse("surveys:question_delete", args=[survey.pk, question.pk]))

    assert response.status_code == 302
    assert not Question.objects.filter(group__code="NGUOIDAN", code="C3").exists()
    assert Option.objects.filter(question__survey=survey).count() == 4 * 5


def test_the_design_page_lists_groups_questions_and_options(manager, survey):
    response = manager.get(reverse("surveys:survey_design", args=[survey.pk]))

    page = page_text(response)
    assert "Người dân" in page and "Ông/bà hài lòng với thủ tục hành chính?" in page
    assert "Đúng hẹn = 100" in page and "E <span class=\"muted\">(không tính)</span>" in page


# --- Who may edit ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route, kwargs", [
    ("surveys:survey_create", {}), ("surveys:survey_edit", {"pk": "survey"}),
    ("surveys:group_create", {"pk": "survey"}), ("surveys:question_create", {"pk": "survey", "group_pk": "group"}),
    ("surveys:question_edit", {"pk": "survey", "question_pk": "question"}), ("surveys:design_import", {}),
])
def test_non_managers_are_refused_the_editor(client, leader, survey, route, kwargs):
    objects = {"survey": survey.pk, "group": survey.groups.first().pk, "question": survey.questions.first().pk}
    client.force_login(leader, backend=MODEL_BACKEND)
    url = reverse(route, kwargs={name: objects[value] for name, value in kwargs.items()})

    assert client.get(url).status_code == 403
    assert client.post(url, {**NEW_SURVEY, **QUESTION}).status_code == 403
    assert Survey.objects.count() == 1 and Question.objects.count() == len(QUESTIONS)


def test_a_unit_officer_cannot_delete_a_question(client, unit_officer, survey):
    client.force_login(unit_officer, backend=MODEL_BACKEND)
    question = survey.questions.first()

    assert client.post(reverse("surveys:question_delete", args=[survey.pk, question.pk])).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()


# --- The design workbook in the browser ---------------------------------------------------------------------------


def upload(client, content, name="bang-hoi.xlsx"):
    file = BytesIO(content)
    file.name = name
    return client.post(reverse("surveys:design_import"), {"file": file})


def test_an_upload_with_errors_is_previewed_by_sheet_row_and_column_and_nothing_is_saved(manager, province,
                                                                                       settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = design_xlsx(questions=[with_question(0, options="A100; B=60"), with_question(1, element="tốc độ")])

    preview = manager.get(upload(manager, content.getvalue()).url)

    page = page_text(preview)
    assert "Tệp có 2 lỗi: chưa lưu gì" in page
    assert "Sheet `questions`, dòng 2, cột options: &#x27;A100&#x27; không đúng dạng" in page
    assert "Sheet `questions`, dòng 3, cột element" in page
    assert "Xác nhận nhập" not in page and not Survey.objects.exists()


def test_a_valid_upload_is_saved_only_once_confirmed(manager, province, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    confirm = upload(manager, design_xlsx().getvalue()).url

    preview = manager.get(confirm)
    assert "Xác nhận để tạo cuộc điều tra mới." in page_text(preview) and not Survey.objects.exists()
    response = manager.post(confirm, {"confirm": "1"})

    survey = Survey.objects.get(code="XHH-2024")
    assert response.url == reverse("surveys:survey_design", args=[survey.pk])
    assert survey.questions.count() == len(QUESTIONS)
    assert manager.get(confirm).status_code == 404


def test_an_uploaded_design_for_a_survey_with_answers_is_refused_in_the_preview(manager, own_unit, other_unit,
                                                                                 settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_answered_survey(points=False)

    preview = manager.get(upload(manager, design_xlsx().getvalue()).url)

    assert "đã có 5 phiếu trả lời: không thay được bảng hỏi" in page_text(preview)
    assert "Xác nhận nhập" not in page_text(preview)


def test_an_upload_is_only_good_in_the_session_that_made_it(manager, province, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    confirm = upload(manager, design_xlsx().getvalue()).url

    manager.logout()
    manager.force_login(make_user("dieuphoi2", Role.COORDINATOR), backend=MODEL_BACKEND)

    assert manager.get(confirm).status_code == 404


def test_a_file_that_is_not_a_workbook_is_refused_on_the_upload_form(manager, province):
    response = upload(manager, b"not a workbook")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_the_design_downloads_as_a_workbook_that_imports_back_equal(manager, survey):
    response = manager.get(reverse("surveys:survey_design_export", args=[survey.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="XHH-2024-bang-hoi.xlsx"'
    spec, issues = read_survey_workbook(BytesIO(response.content))
    assert issues == [] and spec == survey_spec(survey)
