"""REST API v1 for scoring: thin views over selectors and permission helpers."""
from rest_framework import generics, serializers

from .models import Criterion, Framework, GradeTier, Unit
from .permissions import frameworks_visible_to, get_framework_for_user, get_unit_for_user, units_visible_to


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
