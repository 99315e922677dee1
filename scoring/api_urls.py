from django.urls import path

from . import api

app_name = "scoring_api"

urlpatterns = [
    path("units/", api.UnitList.as_view(), name="unit_list"),
    path("units/<int:pk>/", api.UnitDetail.as_view(), name="unit_detail"),
    path("frameworks/", api.FrameworkList.as_view(), name="framework_list"),
    path("frameworks/<int:pk>/", api.FrameworkDetail.as_view(), name="framework_detail"),
    path("results/", api.ResultList.as_view(), name="result_list"),
    # The yearly cycle (issue 3)
    path("cycles/", api.CycleList.as_view(), name="cycle_list"),
    path("cycles/<int:pk>/", api.CycleDetail.as_view(), name="cycle_detail"),
    path("assessments/", api.AssessmentList.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", api.AssessmentDetail.as_view(), name="assessment_detail"),
    path("assessments/<int:pk>/submit/", api.AssessmentSubmit.as_view(), name="assessment_submit"),
    path("assessments/<int:pk>/submit-explanation/", api.AssessmentSubmitExplanation.as_view(),
         name="assessment_submit_explanation"),
    path("assessments/<int:pk>/finalize/", api.AssessmentFinalize.as_view(), name="assessment_finalize"),
    path("assessments/<int:pk>/leaves/", api.LeafScoreList.as_view(), name="leaf_list"),
    path("leaves/<int:pk>/", api.LeafScoreDetail.as_view(), name="leaf_detail"),
    path("leaves/<int:pk>/accept/", api.leaf_accept, name="leaf_accept"),
    path("leaves/<int:pk>/adjust/", api.leaf_adjust, name="leaf_adjust"),
    path("leaves/<int:pk>/confirm-not-applicable/", api.leaf_confirm_not_applicable,
         name="leaf_confirm_not_applicable"),
    path("leaves/<int:pk>/reject-not-applicable/", api.leaf_reject_not_applicable, name="leaf_reject_not_applicable"),
    path("leaves/<int:pk>/request-explanation/", api.leaf_request_explanation, name="leaf_request_explanation"),
    path("leaves/<int:pk>/answer/", api.LeafAnswer.as_view(), name="leaf_answer"),
    path("leaves/<int:pk>/evidence/", api.EvidenceList.as_view(), name="evidence_list"),
    path("evidence/<int:pk>/", api.EvidenceDetail.as_view(), name="evidence_detail"),
    path("evidence/<int:pk>/download/", api.EvidenceDownload.as_view(), name="evidence_download"),
]
