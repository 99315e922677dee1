"""REST API v1 of the yearly cycle as a whole (issue 3): the cycles (open, deadlines, close, reopen, finalize every
complete unit), the board's acts on one unit's file (accept its untouched leaves, reopen it) and the board's reason
templates. Same permissions as the pages (views/cycles.py, views/appraisal.py) and the same refusals as api.py:
a service's refusal is 400 with its Vietnamese message. Every change is audited as coming from the API."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, views
from rest_framework.response import Response

from ..models import AuditSource
from ..permissions import (
    cycles_visible_to, get_assessment_for_user, get_cycle_for_user, require_board_member, require_manager,
)
from ..selectors.appraisal import reason_templates_for
from ..services.appraisal import assessment_accept_untouched, assessment_reopen, cycle_finalize_complete
from ..services.cycles import (
    DEADLINE_FIELDS, cycle_close, cycle_deadlines_update, cycle_open, cycle_reopen,
)
from .serializers import (
    AssessmentReopenSerializer, AssessmentSerializer, BulkAcceptSerializer, CycleActSerializer,
    CycleDeadlinesSerializer, CycleFinalizeSerializer, CycleOpenSerializer, CycleSerializer, ErrorSerializer,
    ReasonTemplateSerializer,
)
from .views import REFUSALS, CycleErrors, _assessment_response, _progress, _valid

MANAGER_REFUSALS = {400: ErrorSerializer, 403: ErrorSerializer}


class CycleList(CycleErrors, generics.ListAPIView):
    serializer_class = CycleSerializer

    @extend_schema(parameters=[OpenApiParameter("year", int), OpenApiParameter("index", str)],
                   operation_id="cycles_list",
                   description=_("Các kỳ đánh giá người dùng được xem (đơn vị: kỳ của khối mình)."))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        cycles = cycles_visible_to(self.request.user).order_by("-year", "block__position")
        year, index = self.request.query_params.get("year", ""), self.request.query_params.get("index", "")
        cycles = cycles.filter(index_code=index.strip().upper()[:20]) if index.strip() else cycles
        return cycles.filter(year=year) if year.isdigit() else cycles

    @extend_schema(request=CycleOpenSerializer, responses={201: CycleSerializer, **MANAGER_REFUSALS},
                   operation_id="cycles_open",
                   description=_("Sở Nội vụ mở kỳ đánh giá của một khối trong một năm, trên lần sửa đổi mới nhất của "
                                 "bộ chỉ số năm đó: mỗi đơn vị đang hoạt động có một hồ sơ, bộ chỉ số được khóa. "
                                 "Các hạn phải theo đúng thứ tự. Chỉ số mặc định là PAR; DTI hoặc chỉ số khác cần "
                                 "bộ chỉ số của năm và khối đó."))
    def post(self, request):
        require_manager(request.user)
        data = _valid(CycleOpenSerializer, request)
        cycle = cycle_open(year=data["year"], block=data["block"], user=request.user, source=AuditSource.API,
                           deadlines={field: data.get(field) for field in DEADLINE_FIELDS}, index_code=data["index"])
        return Response(CycleSerializer(get_cycle_for_user(request.user, cycle.pk)).data, status=201)


class CycleDetail(CycleErrors, generics.RetrieveAPIView):
    serializer_class = CycleSerializer

    def get_object(self):
        return get_cycle_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=CycleDeadlinesSerializer, responses={200: CycleSerializer, **REFUSALS},
                   operation_id="cycles_deadlines_update",
                   description=_("Sở Nội vụ sửa hạn của kỳ đánh giá (kèm lý do, không bắt buộc). Hạn không gửi giữ "
                                 "giá trị đã lưu; null xóa hạn. Mỗi thay đổi được ghi nhật ký."))
    def patch(self, request, pk):
        cycle = get_cycle_for_user(request.user, pk, write=True)
        data = _valid(CycleDeadlinesSerializer, request)
        deadlines = {field: data.get(field, getattr(cycle, field)) for field in DEADLINE_FIELDS}
        cycle_deadlines_update(cycle=cycle, user=request.user, deadlines=deadlines, reason=data["reason"],
                               source=AuditSource.API)
        return Response(CycleSerializer(get_cycle_for_user(request.user, pk)).data)


class CycleAct(CycleErrors, views.APIView):
    """Closing or reopening a cycle (`service` set per route). Asking twice is harmless: the second changes
    nothing and writes no audit row."""

    service = None  # a service of services/cycles.py, wrapped in staticmethod

    def post(self, request, pk):
        cycle = get_cycle_for_user(request.user, pk, write=True)
        reason = _valid(CycleActSerializer, request)["reason"]
        self.service(cycle=cycle, user=request.user, reason=reason, source=AuditSource.API)
        return Response(CycleSerializer(get_cycle_for_user(request.user, pk)).data)


class CycleClose(CycleAct):
    service = staticmethod(cycle_close)

    @extend_schema(request=CycleActSerializer, responses={200: CycleSerializer, **REFUSALS},
                   operation_id="cycles_close",
                   description=_("Đóng kỳ đánh giá: đơn vị không tự đánh giá được nữa."))
    def post(self, request, pk):
        return super().post(request, pk)


class CycleReopen(CycleAct):
    service = staticmethod(cycle_reopen)

    @extend_schema(request=CycleActSerializer, responses={200: CycleSerializer, **REFUSALS},
                   operation_id="cycles_reopen",
                   description=_("Mở lại kỳ đánh giá đã đóng; đơn vị mới vào khối được tạo hồ sơ."))
    def post(self, request, pk):
        return super().post(request, pk)


class CycleFinalizeComplete(CycleErrors, views.APIView):
    @extend_schema(request=None, responses={200: CycleFinalizeSerializer, **REFUSALS},
                   operation_id="cycles_finalize_complete",
                   description=_("Hoàn tất thẩm định mọi đơn vị của kỳ mà mọi tiêu chí đã có điểm chính thức; các đơn "
                                 "vị khác giữ nguyên."))
    def post(self, request, pk):
        cycle = get_cycle_for_user(request.user, pk, write=True)
        finalized = cycle_finalize_complete(cycle=cycle, user=request.user, source=AuditSource.API)
        ids = sorted(assessment.pk for assessment in finalized)
        return Response(CycleFinalizeSerializer({"finalized": len(ids), "assessments": ids}).data)


# --- One unit's file ---------------------------------------------------------------------------------------------


class AssessmentAcceptUntouched(CycleErrors, views.APIView):
    @extend_schema(request=None, responses={200: BulkAcceptSerializer, **REFUSALS},
                   operation_id="assessments_accept_untouched",
                   description=_("Chấp nhận điểm tự đánh giá của mọi tiêu chí chưa thẩm định mà người dùng được thẩm "
                                 "định (thẩm định viên: tiêu chí giao cho cơ quan mình), ghi nhật ký từng tiêu chí."))
    def post(self, request, pk):
        assessment = get_assessment_for_user(request.user, pk, action="appraise")
        summary = assessment_accept_untouched(assessment=assessment, user=request.user, source=AuditSource.API)
        file = get_assessment_for_user(request.user, pk)
        return Response(BulkAcceptSerializer({"accepted": summary.accepted, "skipped": summary.skipped,
                                              "assessment": file}, context={"progress": _progress([pk])}).data)


class AssessmentReopen(CycleErrors, views.APIView):
    @extend_schema(request=AssessmentReopenSerializer, responses={200: AssessmentSerializer, **REFUSALS},
                   operation_id="assessments_reopen",
                   description=_("Sở Nội vụ mở lại một hồ sơ, bắt buộc nêu lý do: về đơn vị (draft) hoặc về Hội đồng "
                                 "thẩm định (in_appraisal)."))
    def post(self, request, pk):
        assessment = get_assessment_for_user(request.user, pk, action="manage")
        data = _valid(AssessmentReopenSerializer, request)
        assessment_reopen(assessment=assessment, user=request.user, target=data["target"], reason=data["reason"],
                          source=AuditSource.API)
        return _assessment_response(request, pk)


# --- The board's reason templates ------------------------------------------------------------------------------


class ReasonTemplateList(generics.ListAPIView):
    serializer_class = ReasonTemplateSerializer

    @extend_schema(operation_id="reason_templates_list", responses={200: ReasonTemplateSerializer(many=True),
                                                                    403: ErrorSerializer},
                   description=_("Mẫu lý do điều chỉnh của Hội đồng thẩm định: mẫu dùng chung và mẫu của cơ quan "
                                 "người dùng (Sở Nội vụ: mọi mẫu). Gửi nội dung mẫu làm lý do khi điều chỉnh điểm."))
    def get(self, request, *args, **kwargs):
        require_board_member(request.user)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return reason_templates_for(self.request.user).select_related("agency")
