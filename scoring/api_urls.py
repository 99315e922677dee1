from django.urls import path

from . import api

app_name = "scoring_api"

urlpatterns = [
    path("units/", api.UnitList.as_view(), name="unit_list"),
    path("units/<int:pk>/", api.UnitDetail.as_view(), name="unit_detail"),
    path("frameworks/", api.FrameworkList.as_view(), name="framework_list"),
    path("frameworks/<int:pk>/", api.FrameworkDetail.as_view(), name="framework_detail"),
    path("results/", api.ResultList.as_view(), name="result_list"),
]
