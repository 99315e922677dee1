"""What the confirmation step of each irreversible action says will happen (parindex/confirmation.py).

Each function returns the summary lines, (label, value) pairs in words and localized numbers; reading only."""
from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from ..index_scale import shown
from ..models import AssessmentStatus, Index, LeafScore
from ..models.indices import PAR
from ..services import results_portable


def number(value, places=2):
    return "—" if value is None else formats.number_format(value, places, use_l10n=True)


def index_text(cycle, value):
    """An index value as the cycle's index is shown: PAR as always ("89,63%"), another on its scale ("0,7024")."""
    if cycle.index_code == PAR:
        return f"{number(value)}%"
    scale = Index.objects.filter(code=cycle.index_code).values_list("scale", flat=True).first() or "percent"
    return shown(value, scale, 2, formats.get_format("DECIMAL_SEPARATOR"), unit=True)


def self_assessed(assessment):
    """(total, max, index) of the unit's self-scores, computed as the results are (rules 2-8); None if unscored."""
    shape = results_portable.framework_shape(assessment.cycle)
    results = results_portable.unit_results(assessment.cycle, shape, [assessment.unit_id])
    official, own = results.get(assessment.unit_id, (None, None))
    if own is None:
        return None
    return own[0], official.max_total, own[1]


def submit_summary(assessment, progress):
    lines = [(_("Đơn vị"), assessment.unit.name), (_("Kỳ đánh giá"), str(assessment.cycle)),
             (_("Tiêu chí đã tự chấm"), f"{progress.scored} / {progress.scorable}")]
    own = self_assessed(assessment)
    if own:
        total, max_total, index = own
        lines.append((_("Tổng điểm tự đánh giá"), f"{number(total)} / {number(max_total)}"))
        lines.append((_("Chỉ số tự đánh giá"), index_text(assessment.cycle, index)))
    return lines


def bulk_accept_summary(assessment, accepted_rows, accepted, skipped):
    """`accepted_rows`: the LeafScore ids the rehearsed bulk acceptance changed (see views/appraisal.py)."""
    by_agency = (LeafScore.objects.filter(pk__in=accepted_rows).order_by("criterion__agency__name")
                 .values_list("criterion__agency__name").annotate(n=Count("pk")))
    lines = [(_("Đơn vị"), assessment.unit.name), (_("Số tiêu chí sẽ được chấp nhận"), str(accepted))]
    lines += [(name or _("Chưa giao cơ quan"), _("%(count)s tiêu chí") % {"count": n}) for name, n in by_agency]
    if skipped:
        lines.append((_("Bỏ qua (đơn vị chưa tự chấm)"), ", ".join(skipped)))
    return lines


def finalize_summary(assessment):
    lines = [(_("Đơn vị"), assessment.unit.name), (_("Kỳ đánh giá"), str(assessment.cycle))]
    shape = results_portable.framework_shape(assessment.cycle)
    official, _own = results_portable.unit_results(assessment.cycle, shape, [assessment.unit_id]).get(
        assessment.unit_id, (None, None))
    if official:
        lines.append((_("Tổng điểm chính thức"), f"{number(official.total)} / {number(official.max_total)}"))
        lines.append((_("Chỉ số"), index_text(assessment.cycle, official.index)))
    return lines


def finalize_all_summary(cycle, finalized):
    names = sorted(assessment.unit.name for assessment in finalized)
    return [(_("Kỳ đánh giá"), str(cycle)), (_("Số đơn vị sẽ hoàn tất"), str(len(names))),
            *[(None, name) for name in names]]


def explanation_summary(assessment, rows):
    answered = sum(1 for score in rows if score.explanation_answer.strip())
    return [(_("Đơn vị"), assessment.unit.name), (_("Tiêu chí đã trả lời"), f"{answered} / {len(rows)}")]


def evidence_summary(evidence):
    lines = [(_("Tài liệu"), evidence.title), (_("Tiêu chí"), evidence.leaf_score.criterion.code)]
    if evidence.document_number:
        lines.append((_("Số, ký hiệu"), evidence.document_number))
    if evidence.issue_date:
        lines.append((_("Ngày ban hành"), formats.date_format(evidence.issue_date, "SHORT_DATE_FORMAT")))
    return lines


def reopen_summary(assessment, target_label, reason):
    return [(_("Đơn vị"), assessment.unit.name), (_("Trạng thái hiện tại"), assessment.get_status_display()),
            (_("Mở lại về"), str(target_label)), (_("Lý do"), reason)]


def publication_summary(publication):
    units = sum(len(block.get("results", [])) for block in publication.content.get("blocks", []))
    lines = [(_("Năm"), str(publication.year)), (_("Lần công bố"), str(publication.version)),
             (_("Số đơn vị"), str(units))]
    if publication.index_code != PAR:
        lines.insert(0, (_("Chỉ số"), publication.index_code))
    if publication.version > 1:
        lines.append((_("Số thay đổi so với lần trước"), str(len(publication.changes))))
    return lines


def cycle_close_summary(cycle):
    counts = dict(cycle.assessments.order_by().values_list("status").annotate(n=Count("pk")))
    not_done = sum(n for status, n in counts.items() if status != AssessmentStatus.APPRAISED)
    return [(_("Kỳ đánh giá"), str(cycle)), (_("Số hồ sơ"), str(sum(counts.values()))),
            (_("Hồ sơ chưa hoàn tất thẩm định"), str(not_done))]

