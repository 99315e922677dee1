"""The demo province's 2026 cycle (issue 3), open now, with units in every state of the workflow, so that `make run`
shows the whole yearly cycle: units self-scoring (the demo accounts of Sở Nội vụ), files waiting for the board,
files in appraisal, explanations asked and answered, files appraised.

Everything goes through the same services as the pages (cycle_open, assessment_self_save_many, evidence_add,
assessment_submit, the appraisal and explanation services), so the audit log and the history of every leaf are
those a real year would leave. Each unit draws from random.Random of its own, so the data are reproducible."""
import random
from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ..models import (Assessment, AuditSource, Block, Cycle, Framework, LeafScore, Method, ReasonTemplate, Unit,
                     User)
from ..models.indices import PAR
from ..rules import ChoiceRule, DeductRule, ManualRule, ProportionalRule, RatioRule
from ..services import rounds, roster
from ..services.appraisal import (assessment_accept_untouched, assessment_finalize, leaf_score_adjust,
                                 leaf_score_request_explanation)
from ..services.cycles import cycle_deadlines_update, cycle_open
from ..services.evidence import evidence_add
from ..services.explanations import assessment_submit_explanation, leaf_score_answer
from ..services.frameworks import framework_import
from ..services.reminders import reminder_days, reminders_send
from ..services.self_assessment import assessment_self_save_many, assessment_submit, leaf_rule
from .frameworks import demo_spec

YEAR = 2026
SEED = "parindex-demo-cycle"
# The state each unit's file is left in; units not listed stay in draft, half scored.
STATES = {
    "SO": {
        "SNV": "draft", "STP": "submitted", "STC": "submitted", "SKHDT": "in_appraisal", "SCT": "in_appraisal",
        "SGTVT": "explanation_requested", "SXD": "explanation_requested", "SNNPTNT": "explanation_submitted",
        "SYT": "appraised", "SGDDT": "appraised", "SVHTTDL": "appraised",
    },
    "HUYEN": {"HUYEN-01": "submitted", "HUYEN-02": "in_appraisal", "HUYEN-03": "explanation_requested",
              "HUYEN-04": "explanation_submitted", "HUYEN-05": "appraised", "HUYEN-07": "submitted",
              "HUYEN-08": "submitted"},
}
# Rule 14: the districts' self-assessment deadline has passed (their later deadlines are ahead) and one district
# never submitted; the coordinator decided that the board appraises what it has. The departments' deadline is
# still ahead, so Sở Nội vụ's demo accounts can self-score.
LATE = {"HUYEN": "HUYEN-06"}
LATE_DAYS = 2  # the deadline passed this many days ago
LATE_REASON = ("Huyện không gửi hồ sơ tự đánh giá trước hạn; Hội đồng thẩm định trên hồ sơ hiện có "
               "(Công văn số 125/SNV-CCHC).")
# The 2025 reorganisation (rule 13): Tài nguyên và Môi trường merged into Nông nghiệp; 2026 compares the merged
# department with its own 2025, flagged not like for like.
MERGED = {"STNMT": "SNNPTNT"}
ORDER = ["draft", "submitted", "in_appraisal", "explanation_requested", "explanation_submitted", "appraised"]
REASONS = [
    "Tài liệu kiểm chứng không đúng năm đánh giá",
    "Tài liệu kiểm chứng không thể hiện kết quả thực hiện",
    "Ban hành chậm so với thời hạn quy định",
    "Số liệu tự đánh giá không khớp với báo cáo gửi Sở Nội vụ",
    "Chưa đủ tài liệu kiểm chứng theo hướng dẫn",
]
QUESTIONS = [
    "Đề nghị đơn vị bổ sung quyết định ban hành kèm theo kế hoạch.",
    "Đề nghị làm rõ số hồ sơ giải quyết đúng hạn trong năm.",
]


# All or nothing: a run cut short would leave a half-walked cycle that the next run, seeing it, would never finish.
@transaction.atomic
def seed_cycle() -> int:
    """Opens the 2026 cycles of blocks SO and HUYEN and walks their units to their demo states; 0 if done before."""
    if Cycle.objects.filter(year=YEAR, index_code=PAR).exists():
        return 0
    _seed_reason_templates()
    today = timezone.localdate()
    # The self-assessment deadline falls on a reminder day (REMINDER_DAYS_BEFORE, "3,1": in 3 days), so the units
    # still drafting find today's reminder on their home page.
    self_deadline = today + timedelta(days=max(reminder_days(), default=3))
    deadlines = {"self_assessment_deadline": self_deadline,
                 "appraisal_deadline": self_deadline + timedelta(days=17),
                 "explanation_deadline": self_deadline + timedelta(days=27),
                 "final_appraisal_deadline": self_deadline + timedelta(days=37)}
    coordinator = User.objects.filter(username="dieuphoi").first()
    walked = 0
    for block_code, states in STATES.items():
        block = Block.objects.filter(code=block_code).first()
        if block is None:
            continue
        _framework(block, coordinator)
        _merge(block)
        cycle = cycle_open(year=YEAR, block=block, user=coordinator, deadlines=deadlines, source=AuditSource.SYSTEM)
        files = list(cycle.assessments.select_related("unit").order_by("unit__code"))
        for assessment in files:  # the units' side and round 1, whose questions are collected
            walk_file(assessment, states.get(assessment.unit.code, "draft"), coordinator)
        _finish_round_one(cycle, coordinator)  # the explanation round opens: the questions go to the units
        for assessment in files:
            _walk_on(assessment, states.get(assessment.unit.code, "draft"), coordinator)
        if block_code in LATE:
            _decide_late(cycle, LATE[block_code], deadlines, today, coordinator)
        walked += len(files)
    reminders_send(today=today)
    return walked


def _seed_reason_templates():
    for position, text in enumerate(REASONS):
        ReasonTemplate.objects.get_or_create(text=text, defaults={"position": position})


def _framework(block, user):
    if not Framework.objects.filter(year=YEAR, block=block, index__code=PAR).exists():
        framework_import(spec=demo_spec(year=YEAR, block=block.code), user=user, source=AuditSource.SYSTEM)


@transaction.atomic
def walk_file(assessment, state, coordinator):
    rng = random.Random(f"{SEED}-{assessment.unit.code}")
    scores = list(LeafScore.objects.filter(assessment=assessment)
                  .select_related("criterion", "assessment__cycle__framework").order_by("criterion__position"))
    complete = state != "draft"
    officer = User.objects.filter(unit=assessment.unit, role="unit_officer").first()
    assessment_self_save_many(assessment=assessment, user=officer, source=AuditSource.SYSTEM,
                              entries=_entries(scores, rng, complete=complete))
    if officer is not None:
        _evidence(scores, officer, rng)
    if not complete:
        return
    head = User.objects.filter(unit=assessment.unit, role="unit_head").first()
    assessment_submit(assessment=assessment, user=head, source=AuditSource.SYSTEM)
    if ORDER.index(state) >= ORDER.index("in_appraisal"):
        _appraise(assessment, rng, coordinator, explain=ORDER.index(state) >= ORDER.index("explanation_requested"))


@transaction.atomic
def _walk_on(assessment, state, coordinator):
    """After round 1: the rest accepted in bulk, the questions answered, round 2, finalization."""
    if ORDER.index(state) < ORDER.index("in_appraisal"):
        return
    rng = random.Random(f"{SEED}-{assessment.unit.code}-round-2")
    assessment_accept_untouched(assessment=Assessment.objects.get(pk=assessment.pk), user=coordinator,
                                source=AuditSource.SYSTEM)
    if ORDER.index(state) >= ORDER.index("explanation_submitted"):
        _answer(assessment, User.objects.filter(unit=assessment.unit, role="unit_officer").first())
    if state == "appraised":
        _second_round(assessment, rng, coordinator)
        assessment_finalize(assessment=assessment, user=coordinator, source=AuditSource.SYSTEM)


def _decide_late(cycle, unit_code, deadlines, today, coordinator):
    """The self-assessment deadline moved into the past (audited, as the coordinator's page does), then the unit
    that never submitted decided through the roster service: its empty leaves score 0, the board has its file."""
    cycle_deadlines_update(cycle=cycle, user=coordinator, source=AuditSource.SYSTEM, reason=LATE_REASON,
                           deadlines={**deadlines, "self_assessment_deadline": today - timedelta(days=LATE_DAYS)})
    unit = Unit.objects.get(block=cycle.block_id, code=unit_code)
    roster.late_appraise_as_is(cycle=cycle, unit=unit, user=coordinator, reason=LATE_REASON,
                               source=AuditSource.SYSTEM)


def _merge(block):
    for absorbed, into in MERGED.items():
        absorbed, into = (Unit.objects.filter(block=block, code=code).first() for code in (absorbed, into))
        if absorbed and into:
            absorbed.successors.add(into)
            Unit.objects.filter(pk=absorbed.pk).update(active=False)


def _finish_round_one(cycle, coordinator):
    """Each agency's appraiser closes its round 1; the last one opens the explanation round (services/rounds)."""
    for agency in rounds.agencies_waiting(cycle):
        appraiser = User.objects.filter(role="appraiser", agency=agency).first() or coordinator
        rounds.agency_round_finish(cycle=cycle, agency=agency, user=appraiser, source=AuditSource.SYSTEM)
    rounds.explanation_round_open(cycle=cycle, user=coordinator, source=AuditSource.SYSTEM)


# --- The unit's side ------------------------------------------------------------------------------------------


def _entries(scores, rng, *, complete):
    """What the unit enters on each leaf: by its rule, a good unit near full marks; a draft leaves many blank."""
    level = Decimal(rng.randint(70, 98)) / 100
    framework = scores[0].assessment.cycle.framework if scores else None
    room = {Method.BONUS: framework and framework.bonus_cap, Method.PENALTY: framework and framework.penalty_cap}
    entries = []
    for score in scores:
        criterion = score.criterion
        if criterion.method == Method.SURVEY or (not complete and rng.random() < 0.5):
            continue
        inputs = _inputs(criterion, rng, level)
        if room.get(criterion.method) is not None:  # claims stay within the framework's cap, as the form demands
            inputs["value"] = str(min(Decimal(inputs["value"]), room[criterion.method]))
            room[criterion.method] -= Decimal(inputs["value"])
        entry = {"criterion_code": criterion.code, **inputs}
        if criterion.evidence_required:
            entry["explanation"] = "Tài liệu kiểm chứng lưu tại văn phòng đơn vị, gửi kèm bản giấy."
        entries.append(entry)
    return entries


def _inputs(criterion, rng, level):
    maximum = criterion.max_points
    if criterion.method == Method.BONUS:
        return {"value": _points(maximum * Decimal(rng.choice(["0", "0.5", "1"])), None)}
    if criterion.method == Method.PENALTY:
        return {"value": _points(maximum * Decimal(rng.choice(["0", "0", "0.5"])), None)}
    rule = leaf_rule(criterion)
    good = rng.random() < float(level)
    if isinstance(rule, ChoiceRule):
        return {"choice": rule.options[0 if good else min(1, len(rule.options) - 1)][0]}
    if isinstance(rule, (RatioRule, ProportionalRule)):
        denominator = rng.randint(40, 400)
        share = Decimal(1) if good else Decimal(rng.randint(60, 95)) / 100
        return {"numerator": str(int(denominator * share)), "denominator": str(denominator)}
    if isinstance(rule, DeductRule):
        return {"occurrences": "0" if good else str(rng.randint(1, 2))}
    step = rule.step if isinstance(rule, ManualRule) else None
    return {"value": _points(maximum if good else maximum * level, step)}


def _points(value, step):
    step = step or Decimal("0.25")
    return str((value / step).to_integral_value(rounding=ROUND_FLOOR) * step)


def _evidence(scores, officer, rng):
    """A few real (tiny) PDFs on the evidence-required leaves: the same decision cited twice is stored once."""
    required = [score for score in scores if score.criterion.evidence_required][:4]
    for number, score in enumerate(required):
        document = number % 3  # the fourth leaf cites the first document again
        score.refresh_from_db()
        evidence_add(leaf_score=score, user=officer, source=AuditSource.SYSTEM,
                     upload=SimpleUploadedFile(f"quyet-dinh-{document + 1}.pdf", _pdf(officer.unit.code, document),
                                               content_type="application/pdf"),
                     document_number=f"{100 + document}/QĐ-{officer.unit.code}",
                     issue_date=_issue_date(score.criterion, document),
                     title=f"Quyết định ban hành kế hoạch cải cách hành chính năm {YEAR} (số {document + 1})")


def _issue_date(criterion, document):
    """Within the leaf's window: the plan of the year (1.1.1) is dated in December of the year before."""
    if criterion.evidence_months_before:
        return f"{20 + document}/12/{YEAR - 1}"
    return f"{10 + document}/0{3 + document}/{YEAR}"


def _pdf(unit_code, document):
    text = f"Quyet dinh {document + 1} - {unit_code} - {YEAR}".encode()
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _answer(assessment, officer):
    for score in LeafScore.objects.filter(assessment=assessment).exclude(explanation_question=""):
        leaf_score_answer(leaf_score=score, user=officer, version=score.version, source=AuditSource.SYSTEM,
                          answer="Đơn vị đã bổ sung quyết định và báo cáo số liệu; đề nghị Hội đồng xem xét lại.")
    assessment_submit_explanation(assessment=Assessment.objects.get(pk=assessment.pk), user=officer,
                                  source=AuditSource.SYSTEM)


# --- The board's side -----------------------------------------------------------------------------------------


def _appraise(assessment, rng, coordinator, *, explain):
    """Round 1: a few leaves cut with a reason (by the agency's appraiser where the demo has one), questions asked
    on two when the file goes on to an explanation round (collected until the round opens)."""
    scores = list(LeafScore.objects.filter(assessment=assessment, criterion__method=Method.APPRAISED,
                                           self_score__gt=0).select_related("criterion", "assessment__cycle")
                  .order_by("criterion__position"))
    picked = rng.sample(scores, min(len(scores), 6))
    for score in picked[:4]:
        appraiser = User.objects.filter(role="appraiser", agency=score.criterion.agency_id).first() or coordinator
        rule = leaf_rule(score.criterion)
        cut = Decimal(_points(score.self_score / 2, rule.step if isinstance(rule, ManualRule) else None))
        leaf_score_adjust(leaf_score=score, user=appraiser, version=score.version, score=cut,
                          reason=rng.choice(REASONS), source=AuditSource.SYSTEM)
    if explain:
        for score, question in zip(picked[4:], QUESTIONS):
            leaf_score_request_explanation(leaf_score=score, user=coordinator, version=score.version,
                                           question=question, source=AuditSource.SYSTEM)


def _second_round(assessment, rng, coordinator):
    for score in (LeafScore.objects.filter(assessment=assessment).exclude(explanation_question="")
                  .select_related("criterion", "assessment__cycle")):
        restored = score.appraised_score if rng.random() < 0.5 and score.appraised_score is not None \
            else score.self_score
        leaf_score_adjust(leaf_score=score, user=coordinator, version=score.version, score=restored,
                          reason="Đơn vị đã giải trình và bổ sung tài liệu hợp lệ", source=AuditSource.SYSTEM)



