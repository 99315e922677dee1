from django.urls import path

from .views import frameworks, units

app_name = "scoring"

urlpatterns = [
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/import/", frameworks.framework_import, name="framework_import"),
    path("frameworks/import/<str:token>/", frameworks.framework_import_confirm, name="framework_import_confirm"),
    path("frameworks/<int:pk>/", frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/export/", frameworks.framework_export, name="framework_export"),
    path("units/", units.unit_list, name="unit_list"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
]
