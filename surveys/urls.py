"""Survey routes: managers' pages under surveys/, respondents' short links under khao-sat/ (no login)."""
from django.urls import path

from .views import answering, competitiveness, design_upload, editor, invitations, paper, results, sampling, surveys

app_name = "surveys"

GROUP = "surveys/<int:pk>/groups/<int:group_pk>/invitations"

urlpatterns = [
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/public-links/", surveys.public_links, name="public_links"),
    path("surveys/<int:pk>/paper/", paper.paper_entry_view, name="paper_entry"),
    path("surveys/<int:pk>/sample/", sampling.sample_plan_view, name="sample_plan"),
    # Competitiveness indices (DDCI): the framework workbook, the edition's page, closing collection
    path("competitiveness/import/", competitiveness.competitiveness_import_upload, name="competitiveness_import"),
    path("competitiveness/import/<str:token>/", competitiveness.competitiveness_import_confirm,
         name="competitiveness_import_confirm"),
    path("competitiveness/<int:pk>/", competitiveness.competitiveness_detail, name="competitiveness_detail"),
    path("competitiveness/<int:pk>/export/", competitiveness.competitiveness_export, name="competitiveness_export"),
    path("competitiveness/<int:pk>/close/", competitiveness.competitiveness_close_view, name="competitiveness_close"),
    path(f"{GROUP}/", invitations.invitation_list, name="invitation_list"),
    path(f"{GROUP}/issue/", invitations.invitation_issue_view, name="invitation_issue"),
    path(f"{GROUP}/send/", invitations.invitation_send_view, name="invitation_send"),
    path(f"{GROUP}/remind/", invitations.invitation_remind_view, name="invitation_remind"),
    path(f"{GROUP}/sheet/", invitations.invitation_sheet, name="invitation_sheet"),
    # Results and their exports
    path("surveys/<int:pk>/results/", results.survey_results, name="survey_results"),
    path("surveys/<int:pk>/export/answers/", results.survey_export_answers, name="survey_export_answers"),
    path("surveys/<int:pk>/export/aggregates/", results.survey_export_aggregates, name="survey_export_aggregates"),
    # The design: browser editor, and the workbook round trip
    path("surveys/new/", editor.survey_create, name="survey_create"),
    path("surveys/<int:pk>/edit/", editor.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/design/", editor.survey_design_view, name="survey_design"),
    path("surveys/<int:pk>/groups/new/", editor.group_create, name="group_create"),
    path("surveys/<int:pk>/groups/<int:group_pk>/edit/", editor.group_edit, name="group_edit"),
    path("surveys/<int:pk>/groups/<int:group_pk>/questions/new/", editor.question_create, name="question_create"),
    path("surveys/<int:pk>/questions/<int:question_pk>/edit/", editor.question_edit, name="question_edit"),
    path("surveys/<int:pk>/questions/<int:question_pk>/delete/", editor.question_delete, name="question_delete"),
    path("surveys/<int:pk>/design/export/", design_upload.survey_design_export, name="survey_design_export"),
    path("surveys/import/", design_upload.design_import, name="design_import"),
    path("surveys/import/<str:token>/", design_upload.design_import_confirm, name="design_import_confirm"),
    # Respondents
    path("khao-sat/t/<str:token>/", answering.answer_token, name="answer_token"),
    path("khao-sat/p/<str:survey_code>/<str:unit_code>/", answering.answer_public, name="answer_public"),
    path("khao-sat/cam-on/", answering.answer_thanks, name="answer_thanks"),
    path("khao-sat/quay/tiep-theo/", answering.kiosk_next_respondent, name="kiosk_next"),
    path("surveys/<int:pk>/kiosk/", surveys.kiosk_start_view, name="kiosk_start"),
]
