"""Serializers of the yearly cycle's API (issue 3). Output serializers shape rows for clients; input serializers only
check the shape of a request: what a value means (a score within the leaf's rule, a state that allows the step) is
the services' to say, so the API refuses exactly what the pages refuse. Decimals travel as strings."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .framework_display import describe_rule
from .models import Assessment, AssessmentStatus, Cycle, Evidence, LeafScore
from .selectors.evidence import evidence_flags

POINTS = {"max_digits": 9, "decimal_places": 3}


class CycleSerializer(serializers.ModelSerializer):
    block = serializers.CharField(source="block.code")
    framework_name = serializers.CharField(source="framework.name")

    class Meta:
        model = Cycle
        fields = ["id", "year", "block", "framework", "framework_name", "self_assessment_deadline",
                  "appraisal_deadline", "explanation_deadline", "final_appraisal_deadline", "is_open"]


class ProgressSerializer(serializers.Serializer):
    scorable = serializers.IntegerField(help_text=_("tiêu chí đơn vị phải tự chấm"))
    scored = serializers.IntegerField(help_text=_("đã chấm hoặc đề nghị không áp dụng"))
    percent = serializers.IntegerField()
    evidence_missing = serializers.IntegerField()
    explanations_asked = serializers.IntegerField()
    bonus_claimed = serializers.DecimalField(**POINTS)
    penalty_claimed = serializers.DecimalField(**POINTS)
    complete = serializers.BooleanField()


class PermitSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField(help_text=_("vì sao không, bằng tiếng Việt; rỗng khi được phép"))


class AssessmentSerializer(serializers.ModelSerializer):
    """`progress` comes from the context ({assessment id: Progress}), computed for a whole page in one query."""

    year = serializers.IntegerField(source="cycle.year")
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = ["id", "cycle", "year", "unit", "unit_code", "unit_name", "status", "status_label", "submitted_at",
                  "explanation_round", "finalized_at", "progress"]

    def get_progress(self, assessment) -> ProgressSerializer:
        return ProgressSerializer(self.context["progress"][assessment.pk]).data


class AssessmentDetailSerializer(AssessmentSerializer):
    status_note = serializers.SerializerMethodField()
    self_assessment = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = AssessmentSerializer.Meta.fields + ["status_note", "self_assessment"]

    def get_status_note(self, assessment) -> str:
        return self.context["status_note"]

    def get_self_assessment(self, assessment) -> PermitSerializer:
        """May the unit change its self-assessment now, and if not, why."""
        return PermitSerializer(self.context["self_permit"]).data


class LeafCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    max_points = serializers.DecimalField(**POINTS)
    method = serializers.CharField()
    rule = serializers.CharField()
    rule_text = serializers.SerializerMethodField()
    evidence_required = serializers.BooleanField()
    guidance = serializers.CharField()

    def get_rule_text(self, criterion) -> str:
        return describe_rule(criterion)


class LeafScoreSerializer(serializers.ModelSerializer):
    """One leaf of one assessment: the unit's claim, each appraisal round and the official score side by side."""

    criterion = LeafCriterionSerializer()
    evidence_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = LeafScore
        fields = ["id", "assessment", "criterion", "self_score", "self_inputs", "self_not_applicable",
                  "self_not_applicable_reason", "explanation", "appraised_score", "appraisal_reason",
                  "explanation_question", "explanation_answer", "second_score", "second_reason",
                  "not_applicable_decision", "final_score", "not_applicable", "version", "evidence_count",
                  "updated_at"]


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, help_text=_(
        "LeafScore.version đọc được trước khi sửa: nếu người khác đã lưu từ đó, yêu cầu bị từ chối (409)."))


class SelfAssessmentSerializer(VersionedSerializer):
    """The unit's self-assessment of one leaf. Inputs follow the leaf's rule: value (manual, bonus, penalty),
    choice, numerator and denominator (ratio, proportional), occurrences (deduct). A field left out keeps its
    saved value."""

    value = serializers.CharField(required=False, allow_blank=True, help_text=_("điểm, ví dụ \"1.5\""))
    choice = serializers.CharField(required=False, allow_blank=True)
    numerator = serializers.CharField(required=False, allow_blank=True)
    denominator = serializers.CharField(required=False, allow_blank=True)
    occurrences = serializers.CharField(required=False, allow_blank=True)
    explanation = serializers.CharField(required=False, allow_blank=True)
    not_applicable = serializers.BooleanField(required=False)
    not_applicable_reason = serializers.CharField(required=False, allow_blank=True)


class AcceptSerializer(VersionedSerializer):
    pass


class AdjustSerializer(VersionedSerializer):
    score = serializers.DecimalField(**POINTS)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text=_("bắt buộc khi điểm thẩm định khác điểm tự đánh giá"))


class ConfirmNotApplicableSerializer(VersionedSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RejectNotApplicableSerializer(VersionedSerializer):
    reason = serializers.CharField()
    score = serializers.DecimalField(required=False, allow_null=True, default=None, **POINTS)


class RequestExplanationSerializer(VersionedSerializer):
    question = serializers.CharField()


class AnswerSerializer(VersionedSerializer):
    answer = serializers.CharField()


class EvidenceSerializer(serializers.ModelSerializer):
    size = serializers.IntegerField(source="file.size")
    kind = serializers.CharField(source="file.kind")
    sha256 = serializers.CharField(source="file.sha256")
    original_name = serializers.CharField(source="file.original_name")
    linked = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "leaf_score", "title", "document_number", "issue_date", "original_name", "kind", "size",
                  "sha256", "for_explanation", "linked", "flags", "added_at", "download_url"]

    def get_linked(self, evidence) -> bool:
        return evidence.linked_from_id is not None

    def get_flags(self, evidence) -> list[str]:
        return evidence_flags(evidence.issue_date, evidence.leaf_score.assessment.cycle.year)

    def get_download_url(self, evidence) -> str:
        return reverse("scoring_api:evidence_download", kwargs={"pk": evidence.pk})


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text=_(
        "PDF, DOCX, XLSX, DOC, XLS, JPG, PNG; loại tệp được kiểm tra theo nội dung"))
    title = serializers.CharField(allow_blank=True)
    document_number = serializers.CharField(required=False, allow_blank=True, default="")
    issue_date = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text=_("dd/mm/yyyy hoặc yyyy-mm-dd"))


class MissingItemSerializer(serializers.Serializer):
    criterion_code = serializers.CharField()
    reason = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """A refusal: `detail` in Vietnamese; a bulk or field refusal lists each problem too."""

    detail = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)
    missing = MissingItemSerializer(many=True, required=False)


STATUSES = [status.value for status in AssessmentStatus]
