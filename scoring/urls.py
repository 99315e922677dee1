from django.urls import path

from .views import (appraisal, assessments, cycles, dashboards, evidence, frameworks, planner, public, results,
                    scorecards, units, workbooks)

app_name = "scoring"

urlpatterns = [
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/import/", frameworks.framework_import, name="framework_import"),
    path("frameworks/import/template/", frameworks.framework_template, name="framework_template"),
    path("frameworks/import/<str:token>/", frameworks.framework_import_confirm, name="framework_import_confirm"),
    path("frameworks/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/export/", frameworks.framework_export, name="framework_export"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("results/", results.results_page, name="results"),
    path("results/export/", results.results_export, name="results_export"),
    path("results/run/", results.results_run, name="results_run"),
    path("jobs/<int:pk>/", results.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status.json", results.job_status, name="job_status"),
    path("publications/", results.publication_list, name="publication_list"),
    path("publications/new/", results.publication_create, name="publication_create"),
    path("publications/<int:pk>/", results.publication_detail, name="publication_detail"),
    path("publications/<int:pk>/content.json", results.publication_content, name="publication_content"),
    # --- Issue 3: cycles and self-assessment (views/cycles.py, views/assessments.py) ---
    # --- Issue 3: evidence (views/evidence.py) ---
    # --- Issue 3: appraisal and explanations (views/appraisal.py) ---
    # --- Issue 3: offline workbook (views/workbooks.py) ---
    # --- Issue 6: dashboards (views/dashboards.py) and the public page (views/public.py) ---
    # --- Issue 6: scorecards and reports (views/scorecards.py) ---
    # --- Issue 6: improvement planner (views/planner.py) ---
]
