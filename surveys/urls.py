"""Survey routes: managers' pages under surveys/, respondents' short links under khao-sat/ (no login)."""
from django.urls import path

from .views import answering, invitations, paper, sampling, surveys

app_name = "surveys"

GROUP = "surveys/<int:pk>/groups/<int:group_pk>/invitations"

urlpatterns = [
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/public-links/", surveys.public_links, name="public_links"),
    path("surveys/<int:pk>/paper/", paper.paper_entry_view, name="paper_entry"),
    path("surveys/<int:pk>/sample/", sampling.sample_plan_view, name="sample_plan"),
    path(f"{GROUP}/", invitations.invitation_list, name="invitation_list"),
    path(f"{GROUP}/issue/", invitations.invitation_issue_view, name="invitation_issue"),
    path(f"{GROUP}/send/", invitations.invitation_send_view, name="invitation_send"),
    path(f"{GROUP}/remind/", invitations.invitation_remind_view, name="invitation_remind"),
    path(f"{GROUP}/sheet/", invitations.invitation_sheet, name="invitation_sheet"),
    path("khao-sat/t/<str:token>/", answering.answer_token, name="answer_token"),
    path("khao-sat/p/<str:survey_code>/<str:unit_code>/", answering.answer_public, name="answer_public"),
    path("khao-sat/cam-on/", answering.answer_thanks, name="answer_thanks"),
]
