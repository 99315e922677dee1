from django.urls import path

from . import cycle as api_cycle
from . import views as api

app_name = "scoring_api"

urlpatterns = [
    path("units/", api.UnitList.as_view(), name="unit_list"),
    path("units/<int:pk>/", api.UnitDetail.as_view(), name="unit_detail"),
    path("frameworks/", api.FrameworkList.as_view(), name="framework_list"),
    path("frameworks/<int:pk>/", api.FrameworkDetail.as_view(), name="framework_detail"),
    path("results/", api.ResultList.as_view(), name="result_list"),
    # The yearly cycle (issue 3)
    path("cycles/", api_cycle.CycleList.as_view(), name="cycle_list"),
    path("cycles/<int:pk>/", api_cycle.CycleDetail.as_view(), name="cycle_detail"),
    path("cycles/<int:pk>/close/", api_cycle.CycleClose.as_view(), name="cycle_close"),
    path("cycles/<int:pk>/reopen/", api_cycle.CycleReopen.as_view(), name="cycle_reopen"),
    path("cycles/<int:pk>/finalize-complete/", api_cycle.CycleFinalizeComplete.as_view(),
         name="cycle_finalize_complete"),
    path("assessments/", api.AssessmentList.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", api.AssessmentDetail.as_view(), name="assessment_detail"),
    path("assessments/<int:pk>/submit/", api.AssessmentSubmit.as_view(), name="assessment_submit"),
    path("assessments/<int:pk>/submit-explanation/", api.AssessmentSubmitExplanation.as_view(),
         name="assessment_submit_explanation"),
    path("assessments/<int:pk>/finalize/", api.AssessmentFinalize.as_view(), name="assessment_finalize"),
    path("assessments/<int:pk>/accept-untouched/", api_cycle.AssessmentAcceptUntouched.as_view(),
         name="assessment_accept_untouched"),
    path("assessments/<int:pk>/reopen/", api_cycle.AssessmentReopen.as_view(), name="assessment_reopen"),
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
    path("leaves/<int:pk>/evidence/sources/", api.EvidenceSources.as_view(), name="evidence_sources"),
    path("leaves/<int:pk>/evidence/attach/", api.EvidenceAttach.as_view(), name="evidence_attach"),
    path("leaves/<int:pk>/evidence/link/", api.EvidenceLink.as_view(), name="evidence_link"),
    path("evidence/<int:pk>/", api.EvidenceDetail.as_view(), name="evidence_detail"),
    path("evidence/<int:pk>/download/", api.EvidenceDownload.as_view(), name="evidence_download"),
    path("reason-templates/", api_cycle.ReasonTemplateList.as_view(), name="reason_template_list"),
]
