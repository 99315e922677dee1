"""REST API v1 for scoring: thin views over selectors and permission helpers."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, serializers

from .models import Criterion, Framework, GradeTier, Unit
from .permissions import (
    frameworks_visible_to, get_framework_for_user, get_unit_for_user, results_visible_to, units_visible_to,
)
from .selectors import block_find, result_row, results_table


class UnitSerializer(serializers.ModelSerializer):
    block = serializers.CharField(source="block.code")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "block", "group", "ranked", "active"]


class CriterionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None)
    agency = serializers.CharField(source="agency.code", default=None)

    class Meta:
        model = Criterion
        fields = ["code", "parent", "title", "max_points", "method", "rule", "evidence_required", "agency",
                  "guidance"]


class GradeTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeTier
        fields = ["code", "label", "min_index", "min_area_index", "min_survey_index", "max_penalty"]


class FrameworkSerializer(serializers.ModelSerializer):
    block = serializers.CharField(source="block.code")

    class Meta:
        model = Framework
        fields = ["id", "year", "block", "revision", "code", "name", "version", "precision", "bonus_cap",
                  "penalty_cap", "clamp_total", "locked_at"]


class FrameworkDetailSerializer(FrameworkSerializer):
    criteria = CriterionSerializer(many=True)
    grades = GradeTierSerializer(many=True)

    class Meta(FrameworkSerializer.Meta):
        fields = FrameworkSerializer.Meta.fields + ["criteria", "grades"]


class UnitList(generics.ListAPIView):
    serializer_class = UnitSerializer

    def get_queryset(self):
        return units_visible_to(self.request.user)


class UnitDetail(generics.RetrieveAPIView):
    serializer_class = UnitSerializer

    def get_object(self):
        return get_unit_for_user(self.request.user, self.kwargs["pk"])


class FrameworkList(generics.ListAPIView):
    serializer_class = FrameworkSerializer

    def get_queryset(self):
        return frameworks_visible_to(self.request.user)


class FrameworkDetail(generics.RetrieveAPIView):
    serializer_class = FrameworkDetailSerializer

    def get_object(self):
        framework = get_framework_for_user(self.request.user, self.kwargs["pk"])
        return Framework.objects.select_related("block").prefetch_related(
            "criteria__parent", "criteria__agency", "grades").get(pk=framework.pk)


# --- Results (issue 4) -------------------------------------------------------------------------------------------


class ResultQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, error_messages={
        "required": _("Cần tham số year (năm đánh giá), ví dụ ?year=2025&block=SO."),
        "invalid": _("Tham số year phải là một năm, ví dụ 2025."),
        "min_value": _("Tham số year phải là một năm từ 2000 đến 2100."),
        "max_value": _("Tham số year phải là một năm từ 2000 đến 2100."),
    })
    block = serializers.CharField(error_messages={
        "required": _("Cần tham số block (mã khối), ví dụ ?year=2025&block=SO."),
        "blank": _("Cần tham số block (mã khối), ví dụ ?year=2025&block=SO."),
    })

    def validate_block(self, value):
        if block_find(value) is None:
            raise serializers.ValidationError(_("Không có khối «%(block)s».") % {"block": value})
        return value


class ResultSerializer(serializers.BaseSerializer):
    """selectors.result_row is the one field list, shared with the export command and publications."""

    def to_representation(self, instance):
        return result_row(instance)


class ResultPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


class ResultList(generics.ListAPIView):
    serializer_class = ResultSerializer
    pagination_class = ResultPagination

    # The rows are selectors.result_row's plain dicts (the one field list): the schema names them in prose.
    @extend_schema(parameters=[OpenApiParameter("year", int, required=True),
                               OpenApiParameter("block", str, required=True),
                               OpenApiParameter("page", int),
                               OpenApiParameter("page_size", int, description=_("tối đa 1000"))],
                   responses={200: OpenApiTypes.OBJECT}, operation_id="results_list",
                   description=_("Kết quả của một khối trong một năm, theo nhóm rồi thứ hạng (đơn vị không xếp hạng "
                                 "ở cuối). Số thập phân là chuỗi: điểm 3 chữ số, chỉ số theo độ chính xác của bộ "
                                 "chỉ số. Cán bộ đơn vị chỉ thấy đơn vị mình."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        results = results_visible_to(self.request.user)
        query = ResultQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return results_table(results, query.validated_data["year"], query.validated_data["block"])
