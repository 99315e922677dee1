"""Serializers of the yearly cycle's API (issue 3). Output serializers shape rows for clients; input serializers only
check the shape of a request: what a value means (a score within the leaf's rule, a state that allows the step) is
the services' to say, so the API refuses exactly what the pages refuse. Decimals travel as strings."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..framework_display import describe_rule
from ..models import Assessment, AssessmentStatus, Cycle, Evidence, Index, LeafScore, ReasonTemplate
from ..models.indices import PAR
from ..selectors import block_find
from ..selectors.evidence import evidence_flags

POINTS = {"max_digits": 9, "decimal_places": 3}
# DRF's own words for it are English even in Vietnamese.
TEXT_TOO_LONG = {"max_length": _("Tối đa {max_length} ký tự.")}


class CycleSerializer(serializers.ModelSerializer):
    block = serializers.CharField(source="block.code")
    index = serializers.CharField(source="index_code", help_text=_("mã chỉ số, ví dụ PAR, DTI"))
    framework_name = serializers.CharField(source="framework.name")

    class Meta:
        model = Cycle
        fields = ["id", "index", "year", "block", "framework", "framework_name", "self_assessment_deadline",
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
    index = serializers.CharField(source="cycle.index_code", help_text=_("mã chỉ số của kỳ, ví dụ PAR, DTI"))
    unit_code = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    status_label = serializers.CharField(source="get_status_display")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = ["id", "cycle", "year", "index", "unit", "unit_code", "unit_name", "status", "status_label", "submitted_at",
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
    evidence_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)

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
    # The same limits as the leaf's page form (views/assessments.py LeafSelfForm).
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                        error_messages=TEXT_TOO_LONG)
    not_applicable = serializers.BooleanField(required=False)
    not_applicable_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                                  error_messages=TEXT_TOO_LONG)


class AcceptSerializer(VersionedSerializer):
    pass


class AdjustSerializer(VersionedSerializer):
    score = serializers.DecimalField(**POINTS)
    # The limits of the board's page form (views/appraisal.py DecisionForm).
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                   error_messages=TEXT_TOO_LONG,
                                   help_text=_("bắt buộc khi điểm thẩm định khác điểm tự đánh giá"))


class ConfirmNotApplicableSerializer(VersionedSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                   error_messages=TEXT_TOO_LONG)


class RejectNotApplicableSerializer(VersionedSerializer):
    reason = serializers.CharField(max_length=2000, error_messages=TEXT_TOO_LONG)
    score = serializers.DecimalField(required=False, allow_null=True, default=None, **POINTS)


class RequestExplanationSerializer(VersionedSerializer):
    question = serializers.CharField(max_length=4000, error_messages=TEXT_TOO_LONG)


class AnswerSerializer(VersionedSerializer):
    # The limit of the unit's answer form (views/appraisal.py).
    answer = serializers.CharField(max_length=8000, error_messages=TEXT_TOO_LONG)


class EvidenceSerializer(serializers.ModelSerializer):
    size = serializers.IntegerField(source="file.size")
    kind = serializers.CharField(source="file.kind")
    sha256 = serializers.CharField(source="file.sha256")
    original_name = serializers.CharField(source="file_name", help_text=_(
        "tên tệp khi đơn vị tải lên (cùng nội dung do đơn vị khác gửi vẫn giữ tên của mỗi đơn vị)"))
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
        leaf_score = evidence.leaf_score
        return evidence_flags(evidence.issue_date, leaf_score.criterion.evidence_window(leaf_score.assessment.cycle.year))

    def get_download_url(self, evidence) -> str:
        return reverse("scoring_api:evidence_download", kwargs={"pk": evidence.pk})


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, help_text=_(
        "PDF, DOCX, XLSX, DOC, XLS, JPG, PNG; loại tệp được kiểm tra theo nội dung"))
    # The limits of the upload form (views/evidence.py).
    title = serializers.CharField(allow_blank=True, max_length=500, error_messages=TEXT_TOO_LONG)
    document_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=100,
                                            error_messages=TEXT_TOO_LONG)
    issue_date = serializers.CharField(required=False, allow_blank=True, default="",
                                       help_text=_("dd/mm/yyyy hoặc yyyy-mm-dd"))


class MissingItemSerializer(serializers.Serializer):
    criterion_code = serializers.CharField()
    reason = serializers.CharField()


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text=_(
        "trường bị từ chối, ví dụ explanation hoặc entries.2.value; null: lỗi của cả yêu cầu"))
    message = serializers.CharField()
    criterion_code = serializers.CharField(required=False, help_text=_("mã tiêu chí, khi lưu nhiều tiêu chí"))


class ErrorSerializer(serializers.Serializer):
    """Every refusal of the API (parindex/api_errors.py): `detail` in Vietnamese; a refusal of fields lists each in
    `errors`, a submission refused for missing items lists them in `missing`."""

    detail = serializers.CharField()
    errors = ErrorItemSerializer(many=True, required=False)
    missing = MissingItemSerializer(many=True, required=False)


STATUSES = [status.value for status in AssessmentStatus]


# --- The coordinator's and the board's acts on a whole cycle or file (issue 3) --------------------------------

DATE_INPUTS = ["iso-8601", "%d/%m/%Y"]


def _deadline():
    return serializers.DateField(
        required=False, allow_null=True, input_formats=DATE_INPUTS,
        help_text=_("yyyy-mm-dd hoặc dd/mm/yyyy; null: không đặt hạn"),
        error_messages={"invalid": _("Ngày nhập theo dạng yyyy-mm-dd hoặc dd/mm/yyyy.")})


class DeadlinesSerializer(serializers.Serializer):
    """The four deadlines in the order the cycle runs through them; the service checks that order."""

    self_assessment_deadline = _deadline()
    appraisal_deadline = _deadline()
    explanation_deadline = _deadline()
    final_appraisal_deadline = _deadline()


class CycleOpenSerializer(DeadlinesSerializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, error_messages={
        "required": _("Cần năm đánh giá, ví dụ 2025."), "invalid": _("Năm phải là một số, ví dụ 2025."),
        "min_value": _("Năm phải từ 2000 đến 2100."), "max_value": _("Năm phải từ 2000 đến 2100.")})
    block = serializers.CharField(help_text=_("mã khối, ví dụ SO"), error_messages={
        "required": _("Cần mã khối, ví dụ SO."), "blank": _("Cần mã khối, ví dụ SO.")})

    index = serializers.CharField(required=False, default=PAR, max_length=20,
                                  help_text=_("mã chỉ số, ví dụ PAR (mặc định) hoặc DTI"))

    def validate_block(self, value):
        block = block_find(value)
        if block is None:
            raise serializers.ValidationError(_("Không có khối «%(block)s».") % {"block": value})
        return block

    def validate_index(self, value):
        code = value.strip().upper()
        if code != PAR and not Index.objects.filter(code=code).exists():
            raise serializers.ValidationError(_("Không có chỉ số «%(index)s».") % {"index": value})
        return code


class CycleDeadlinesSerializer(DeadlinesSerializer):
    """A deadline left out keeps its saved value; null clears it."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                   error_messages=TEXT_TOO_LONG)


class CycleActSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                   error_messages=TEXT_TOO_LONG)


class CycleFinalizeSerializer(serializers.Serializer):
    finalized = serializers.IntegerField(help_text=_("số đơn vị vừa hoàn tất thẩm định"))
    assessments = serializers.ListField(child=serializers.IntegerField(), help_text=_("mã các hồ sơ đó"))


class BulkAcceptSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text=_("số tiêu chí vừa được chấp nhận điểm tự đánh giá"))
    skipped = serializers.ListField(child=serializers.CharField(), help_text=_(
        "mã các tiêu chí đơn vị chưa tự chấm: cần nhập điểm thẩm định cho từng tiêu chí"))
    assessment = AssessmentSerializer()


class AssessmentReopenSerializer(serializers.Serializer):
    target = serializers.ChoiceField(
        choices=[AssessmentStatus.DRAFT, AssessmentStatus.IN_APPRAISAL],
        help_text=_("draft: đơn vị sửa và gửi lại; in_appraisal: Hội đồng điều chỉnh tiếp"),
        error_messages={"required": _("Chọn trạng thái mở lại về: draft hoặc in_appraisal."),
                        "invalid_choice": _("Chỉ mở lại về trạng thái draft hoặc in_appraisal.")})
    # Blank reaches the service, which refuses it in the same words as the page.
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                   error_messages=TEXT_TOO_LONG)


class EvidenceReuseSerializer(serializers.Serializer):
    source = serializers.IntegerField(min_value=1, help_text=_(
        "id của tài liệu kiểm chứng có tệp cần dùng lại (xem .../evidence/sources/); số, ngày, trích yếu lấy theo "
        "tài liệu đó"), error_messages={"required": _("Chọn tài liệu cần dùng lại."),
                                       "invalid": _("Chọn tài liệu cần dùng lại.")})


class EvidenceChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    label = serializers.CharField()


class EvidenceSourcesSerializer(serializers.Serializer):
    allowed = serializers.BooleanField(help_text=_("người dùng có được thêm tài liệu cho tiêu chí này lúc này"))
    reason = serializers.CharField(help_text=_("vì sao không, bằng tiếng Việt"))
    attach = EvidenceChoiceSerializer(many=True, help_text=_("tệp đã gắn ở tiêu chí khác của hồ sơ năm nay"))
    last_year = EvidenceChoiceSerializer(many=True, help_text=_("tài liệu của năm trước, cùng mã tiêu chí trước"))


class ReasonTemplateSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", default=None, allow_null=True,
                                   help_text=_("null: dùng chung"))

    class Meta:
        model = ReasonTemplate
        fields = ["id", "text", "agency", "position"]
