"""REST API v1 for scoring: thin views over selectors and permission helpers."""
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, parsers, serializers, views
from rest_framework.response import Response

from ..evidence_types import KINDS
from ..models import AuditSource, Criterion, Framework, GradeTier, Unit
from ..models.indices import PAR
from ..permissions import (
    assessments_visible_to, evidence_visible_to, frameworks_visible_to, get_assessment_for_user, get_evidence_for_user,
    get_framework_for_user, get_leaf_score_for_user, get_unit_for_user, leaf_scores_visible_to, results_visible_to,
    units_visible_to,
)
from ..rules import ScoreError
from ..selectors import block_find, result_row, results_table
from ..selectors.assessments import Progress, assessment_progress
from ..selectors.evidence import evidence_permit, evidence_sources
from ..selectors.index_scope import index_find
from ..selectors.status import results_status
from ..services.appraisal import (
    ACCEPT, ADJUST, ASK, CONFIRM_NA, REJECT_NA, Decision, assessment_finalize, leaf_score_decide,
)
from ..services.cycles import CycleError
from ..services.evidence import EvidenceError, evidence_add, evidence_link, evidence_remove
from ..services.explanations import assessment_submit_explanation, leaf_score_answer
from ..services.self_assessment import (
    INPUT_KEYS, InputError, SelfAssessmentErrors, SubmissionRefused, assessment_submit, leaf_self_save, self_permit,
)
from ..views.evidence import attachment_header
from ..workflow import ConflictError, WorkflowError, status_note
from .serializers import (
    STATUSES, AcceptSerializer, AdjustSerializer, AnswerSerializer, AssessmentDetailSerializer, AssessmentSerializer,
    ConfirmNotApplicableSerializer, ErrorSerializer, EvidenceReuseSerializer, EvidenceSerializer,
    EvidenceSourcesSerializer, EvidenceUploadSerializer, LeafScoreSerializer, RejectNotApplicableSerializer,
    RequestExplanationSerializer, SelfAssessmentSerializer,
)


class UnitSerializer(serializers.ModelSerializer):
    block = serializers.CharField(source="block.code")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "block", "group", "ranked", "active"]


class CriterionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, allow_null=True)
    agency = serializers.CharField(source="agency.code", default=None, allow_null=True)

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

    index = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_block(self, value):
        if block_find(value) is None:
            raise serializers.ValidationError(_("Không có khối «%(block)s».") % {"block": value})
        return value

    def validate_index(self, value):
        """The index's code (PAR when absent, as before indices became data)."""
        index = index_find(value)
        if index is None:
            raise serializers.ValidationError(_("Không có chỉ số «%(index)s».") % {"index": value})
        return index.code


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
                               OpenApiParameter("index", str, description=_("mã chỉ số, mặc định PAR")),
                               OpenApiParameter("page", int),
                               OpenApiParameter("page_size", int, description=_("tối đa 1000"))],
                   responses={200: OpenApiTypes.OBJECT}, operation_id="results_list",
                   description=_("Kết quả của một khối trong một năm, theo nhóm rồi thứ hạng (đơn vị không xếp hạng "
                                 "ở cuối). Số thập phân là chuỗi: điểm 3 chữ số, chỉ số theo độ chính xác của bộ "
                                 "chỉ số. Cán bộ đơn vị chỉ thấy đơn vị mình."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return results_table(results_visible_to(self.request.user), *self._scope())

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        year, block, index_code = self._scope()
        # Provisional until the block's year is published; then the version and SHA-256 (rule 14). A PAR payload
        # names no index, as before indices became data.
        named = {} if index_code == PAR else {"index": index_code}
        response.data = {**named, **results_status(year, block_find(block), index_code).as_json(), **response.data}
        return response

    def _scope(self):
        """(year, block code, index code) of the query."""
        query = ResultQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return data["year"], data["block"], data.get("index") or PAR


# --- The yearly cycle (issue 3) ----------------------------------------------------------------------------------
# Same permissions as the pages: every object through permissions.get_<x>_for_user (another unit's: 404; a known
# one the user may not change: 403). The services decide what a value means and whether the state allows it; their
# refusals come back as 400 with the Vietnamese message, a concurrent save as 409. The cycles themselves and the
# coordinator's and the board's acts on a whole cycle or file are in api_cycle.py.


class CycleErrors:
    """Maps the services' refusals to HTTP answers."""

    def handle_exception(self, exc):
        body = {"detail": str(exc)}
        if isinstance(exc, ConflictError):
            return Response(body, status=409)
        if isinstance(exc, SelfAssessmentErrors):
            body["errors"] = [{"criterion_code": c, "field": f, "message": m} for c, f, m in exc.errors]
            return Response(body, status=400)
        if isinstance(exc, SubmissionRefused):
            body["missing"] = [{"criterion_code": item.leaf_score.criterion.code, "reason": item.reason}
                               for item in exc.missing]
            return Response(body, status=400)
        if isinstance(exc, InputError):
            body["errors"] = [{"field": exc.field, "message": str(exc)}]
            return Response(body, status=400)
        if isinstance(exc, (ScoreError, WorkflowError, EvidenceError, CycleError)):
            return Response(body, status=400)
        return super().handle_exception(exc)


REFUSALS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
WRITE_REFUSALS = {**REFUSALS, 409: ErrorSerializer}


class AssessmentList(generics.ListAPIView):
    serializer_class = AssessmentSerializer

    @extend_schema(parameters=[OpenApiParameter("cycle", int), OpenApiParameter("status", str, enum=STATUSES)],
                   operation_id="assessments_list",
                   description=_("Hồ sơ đánh giá người dùng được xem, kèm tiến độ tự đánh giá; lọc theo kỳ và trạng "
                                 "thái. Cán bộ đơn vị chỉ thấy hồ sơ của đơn vị mình."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        assessments = assessments_visible_to(self.request.user).order_by("-cycle__year", "unit__code")
        cycle, status = (self.request.query_params.get(name, "") for name in ("cycle", "status"))
        if cycle.isdigit():
            assessments = assessments.filter(cycle=cycle)
        return assessments.filter(status=status) if status else assessments

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        serializer = self.get_serializer(page, many=True, context={
            **self.get_serializer_context(), "progress": _progress([assessment.pk for assessment in page])})
        return self.get_paginated_response(serializer.data)


def _progress(ids):
    found = assessment_progress(ids)
    return {pk: found.get(pk, Progress()) for pk in ids}


class AssessmentDetail(generics.RetrieveAPIView):
    serializer_class = AssessmentDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        assessment = get_assessment_for_user(request.user, kwargs["pk"])
        return Response(AssessmentDetailSerializer(assessment, context={
            "progress": _progress([assessment.pk]), "status_note": status_note(assessment.status),
            "self_permit": self_permit(assessment)}).data)


class AssessmentSubmit(CycleErrors, views.APIView):
    @extend_schema(request=None, responses={200: AssessmentSerializer, **REFUSALS}, operation_id="assessments_submit",
                   description=_("Thủ trưởng đơn vị gửi hồ sơ; bị từ chối (400, kèm danh sách) khi còn mục thiếu."))
    def post(self, request, pk):
        assessment = get_assessment_for_user(request.user, pk, action="submit")
        assessment = assessment_submit(assessment=assessment, user=request.user, source=AuditSource.API)
        return _assessment_response(request, assessment.pk)


class AssessmentFinalize(CycleErrors, views.APIView):
    @extend_schema(request=None, responses={200: AssessmentSerializer, **REFUSALS},
                   operation_id="assessments_finalize",
                   description=_("Sở Nội vụ hoàn tất thẩm định một đơn vị khi mọi tiêu chí đã có điểm chính thức."))
    def post(self, request, pk):
        assessment = get_assessment_for_user(request.user, pk, action="manage")
        assessment_finalize(assessment=assessment, user=request.user, source=AuditSource.API)
        return _assessment_response(request, assessment.pk)


class AssessmentSubmitExplanation(CycleErrors, views.APIView):
    @extend_schema(request=None, responses={200: AssessmentSerializer, **REFUSALS},
                   operation_id="assessments_submit_explanation",
                   description=_("Đơn vị gửi giải trình cho Hội đồng thẩm định (vòng 2)."))
    def post(self, request, pk):
        assessment = get_assessment_for_user(request.user, pk, action="explain")
        assessment_submit_explanation(assessment=assessment, user=request.user, source=AuditSource.API)
        return _assessment_response(request, assessment.pk)


def _assessment_response(request, pk):
    assessment = get_assessment_for_user(request.user, pk)
    return Response(AssessmentSerializer(assessment, context={"progress": _progress([assessment.pk])}).data)


def _leaf_scores(user):
    return leaf_scores_visible_to(user).annotate(evidence_count=Count("evidence")).select_related(
        "criterion__framework")


class LeafScoreList(generics.ListAPIView):
    serializer_class = LeafScoreSerializer

    @extend_schema(operation_id="assessments_leaves_list",
                   description=_("Các tiêu chí lá của một hồ sơ theo thứ tự cây tiêu chí: điểm tự đánh giá, số liệu "
                                 "nhập, các vòng thẩm định và điểm chính thức."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        assessment = get_assessment_for_user(self.request.user, self.kwargs["pk"])
        return _leaf_scores(self.request.user).filter(assessment=assessment).order_by("criterion__position")


class LeafScoreDetail(CycleErrors, generics.RetrieveAPIView):
    serializer_class = LeafScoreSerializer

    def get_object(self):
        return get_leaf_score_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=SelfAssessmentSerializer, responses={200: LeafScoreSerializer, **WRITE_REFUSALS},
                   operation_id="leaves_self_assess",
                   description=_("Đơn vị tự đánh giá một tiêu chí (cán bộ, thủ trưởng đơn vị). Trường không gửi giữ "
                                 "giá trị đã lưu."))
    def patch(self, request, pk):
        leaf_score = get_leaf_score_for_user(request.user, pk, action="self")
        data = _valid(SelfAssessmentSerializer, request)
        leaf_self_save(leaf_score=leaf_score, user=request.user, inputs=_inputs(leaf_score, data),
                       explanation=data.get("explanation", leaf_score.explanation),
                       not_applicable=data.get("not_applicable", leaf_score.self_not_applicable),
                       not_applicable_reason=data.get("not_applicable_reason", leaf_score.self_not_applicable_reason),
                       expected_version=data["version"], source=AuditSource.API)
        return _leaf_response(request, pk)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _inputs(leaf_score, data):
    """The saved inputs with the request's on top, so a client may send only what changes."""
    given = {key: data[key] for key in INPUT_KEYS if key in data}
    return {**(leaf_score.self_inputs or {}), **given}


def _leaf_response(request, pk):
    return Response(LeafScoreSerializer(get_object_or_404(_leaf_scores(request.user), pk=pk)).data)


class LeafDecision(CycleErrors, views.APIView):
    """One appraisal decision on one leaf; `kind` and `input_serializer` are set per route (_decision_view)."""

    kind = None
    input_serializer = None

    def post(self, request, pk):
        leaf_score = get_leaf_score_for_user(request.user, pk, action="appraise")
        data = _valid(self.input_serializer, request)
        decision = Decision(self.kind, score=data.get("score"), reason=data.get("reason", ""),
                            question=data.get("question", ""))
        leaf_score_decide(assessment=leaf_score.assessment, criterion=leaf_score.criterion, user=request.user,
                          version=data["version"], decision=decision, source=AuditSource.API)
        return _leaf_response(request, pk)


def _decision_view(kind, serializer, description):
    schema = extend_schema(request=serializer, responses={200: LeafScoreSerializer, **WRITE_REFUSALS},
                           operation_id=f"leaves_{kind}", description=description)

    def post(self, request, pk):  # a function of its own per route, so each carries its own schema
        return LeafDecision.post(self, request, pk)

    view = type(f"LeafDecision_{kind}", (LeafDecision,), {"kind": kind, "input_serializer": serializer,
                                                           "post": schema(post)})
    return view.as_view()


leaf_accept = _decision_view(ACCEPT, AcceptSerializer, _("Chấp nhận điểm tự đánh giá (hoặc đề nghị không áp dụng)."))
leaf_adjust = _decision_view(ADJUST, AdjustSerializer, _("Đặt điểm thẩm định; cần lý do khi khác điểm tự đánh giá."))
leaf_confirm_not_applicable = _decision_view(CONFIRM_NA, ConfirmNotApplicableSerializer,
                                             _("Xác nhận đề nghị không áp dụng của đơn vị."))
leaf_reject_not_applicable = _decision_view(REJECT_NA, RejectNotApplicableSerializer,
                                            _("Không chấp nhận đề nghị không áp dụng (cần lý do; có thể kèm điểm)."))
leaf_request_explanation = _decision_view(ASK, RequestExplanationSerializer,
                                          _("Yêu cầu đơn vị giải trình tiêu chí này, kèm câu hỏi."))


class LeafAnswer(CycleErrors, views.APIView):
    @extend_schema(request=AnswerSerializer, responses={200: LeafScoreSerializer, **WRITE_REFUSALS},
                   operation_id="leaves_answer",
                   description=_("Đơn vị trả lời yêu cầu giải trình của một tiêu chí, trước hạn giải trình."))
    def post(self, request, pk):
        leaf_score = get_leaf_score_for_user(request.user, pk, action="explain")
        data = _valid(AnswerSerializer, request)
        leaf_score_answer(leaf_score=leaf_score, user=request.user, version=data["version"], answer=data["answer"],
                          source=AuditSource.API)
        return _leaf_response(request, pk)


def _evidence(user):
    return evidence_visible_to(user).select_related("leaf_score__assessment__cycle", "leaf_score__criterion")


class EvidenceList(CycleErrors, generics.ListAPIView):
    serializer_class = EvidenceSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(operation_id="leaves_evidence_list", description=_("Tài liệu kiểm chứng của một tiêu chí."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        leaf_score = get_leaf_score_for_user(self.request.user, self.kwargs["pk"])
        return _evidence(self.request.user).filter(leaf_score=leaf_score).order_by("added_at", "pk")

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer, **REFUSALS}, operation_id="leaves_evidence_upload",
                   description=_("Tải lên một tài liệu kiểm chứng (multipart): tệp, trích yếu, số ký hiệu, ngày ban "
                                 "hành."))
    def post(self, request, pk):
        leaf_score = get_leaf_score_for_user(request.user, pk, action="self")
        data = _valid(EvidenceUploadSerializer, request)
        evidence = evidence_add(leaf_score=leaf_score, user=request.user, upload=data["file"],
                                document_number=data["document_number"], issue_date=data["issue_date"],
                                title=data["title"], source=AuditSource.API)
        return Response(EvidenceSerializer(_evidence(request.user).get(pk=evidence.pk)).data, status=201)


class EvidenceSources(views.APIView):
    @extend_schema(responses={200: EvidenceSourcesSerializer, 404: ErrorSerializer},
                   operation_id="leaves_evidence_sources",
                   description=_("Tài liệu đơn vị có thể dùng lại cho tiêu chí này: tệp đã gắn ở tiêu chí khác của "
                                 "hồ sơ năm nay (attach) và tài liệu năm trước (last_year). Danh sách rỗng, kèm lý "
                                 "do, khi người dùng không được thêm tài liệu lúc này."))
    def get(self, request, pk):
        leaf_score = get_leaf_score_for_user(request.user, pk)
        permit = evidence_permit(request.user, leaf_score)
        attach, last_year = evidence_sources(leaf_score) if permit else ([], [])
        return Response(EvidenceSourcesSerializer({"allowed": permit.allowed, "reason": permit.reason,
                                                   "attach": attach, "last_year": last_year}).data)


class EvidenceReuse(CycleErrors, views.APIView):
    """Cites on the leaf the file of one of the unit's documents, with its number, date and title, as the leaf
    page's two reuse forms do; `from_last_year` is set per route."""

    from_last_year = False

    def post(self, request, pk):
        leaf_score = get_leaf_score_for_user(request.user, pk, action="self")
        source = get_evidence_for_user(request.user, _valid(EvidenceReuseSerializer, request)["source"])
        evidence = evidence_link(leaf_score=leaf_score, user=request.user, file=source.file,
                                 linked_from=source if self.from_last_year else None,
                                 document_number=source.document_number, issue_date=source.issue_date,
                                 title=source.title, source=AuditSource.API)
        return Response(EvidenceSerializer(_evidence(request.user).get(pk=evidence.pk)).data, status=201)


class EvidenceAttach(EvidenceReuse):
    @extend_schema(request=EvidenceReuseSerializer, responses={201: EvidenceSerializer, **REFUSALS},
                   operation_id="leaves_evidence_attach",
                   description=_("Gắn vào tiêu chí này một tệp đơn vị đã tải lên (tệp được lưu một lần)."))
    def post(self, request, pk):
        return super().post(request, pk)


class EvidenceLink(EvidenceReuse):
    from_last_year = True

    @extend_schema(request=EvidenceReuseSerializer, responses={201: EvidenceSerializer, **REFUSALS},
                   operation_id="leaves_evidence_link",
                   description=_("Liên kết tài liệu kiểm chứng của đơn vị từ năm trước vào tiêu chí này."))
    def post(self, request, pk):
        return super().post(request, pk)


class EvidenceDetail(CycleErrors, generics.RetrieveAPIView):
    serializer_class = EvidenceSerializer

    def get_object(self):
        get_evidence_for_user(self.request.user, self.kwargs["pk"])
        return _evidence(self.request.user).get(pk=self.kwargs["pk"])

    @extend_schema(responses={204: None, **REFUSALS}, operation_id="evidence_remove",
                   description=_("Gỡ một tài liệu kiểm chứng khỏi tiêu chí (tệp vẫn được lưu)."))
    def delete(self, request, pk):
        evidence = get_evidence_for_user(request.user, pk, write=True)
        evidence_remove(evidence=evidence, user=request.user, source=AuditSource.API)
        return Response(status=204)


class EvidenceDownload(views.APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ErrorSerializer},
                   operation_id="evidence_download", description=_("Tải tệp của tài liệu kiểm chứng (attachment)."))
    def get(self, request, pk):
        evidence = get_evidence_for_user(request.user, pk)
        stored = evidence.file
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("Tệp của tài liệu này không còn trên máy chủ; hãy báo quản trị hệ thống.")) from None
        response = FileResponse(handle, content_type=KINDS[stored.kind].content_type)
        response["Content-Disposition"] = attachment_header(evidence.file_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response
