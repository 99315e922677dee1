"""A unit's self-assessment (issue 3): scoring leaves as their rules say, claiming N/A, bonus and penalty within
the framework's caps, explaining, and submitting. Every change is audited in the same transaction.

Permission (who) is the caller's job, through scoring/permissions.py; the state and the deadline (when) are
checked here, through scoring/workflow.py, so the page, the workbook and the API refuse alike.
"""
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules, workflow
from ..framework_spec import GRANTED_RULES
from ..models import Assessment, AuditSource, LeafScore, Method
from ..rules import ChoiceRule, DeductRule, ManualRule, ProportionalRule, RatioRule, ScoreError
from ..selectors.assessments import claims_of_method, submission_blockers
from .audit import audit_entry, audit_write
from .results import results_refresh_later

INPUT_KEYS = ("value", "choice", "numerator", "denominator", "occurrences")
SELF_FIELDS = ("self_score", "self_not_applicable", "self_not_applicable_reason", "self_inputs", "explanation")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_COUNT = re.compile(r"\d+")


class InputError(ScoreError):
    """A ScoreError that knows which input it is about, so a form can show it beside that field."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


class SelfAssessmentErrors(Exception):
    """A bulk save refused as a whole: errors is a list of (criterion_code, field, message)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(f"{code} ({field}): {message}" for code, field, message in self.errors))


class SubmissionRefused(workflow.WorkflowError):
    """Submission refused while leaves are missing; `missing` lists (leaf score, reasons)."""

    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class SelfClaim:
    """What the unit says about one leaf, validated: the values a save writes."""

    self_score: Decimal | None
    self_not_applicable: bool
    self_not_applicable_reason: str
    self_inputs: dict
    explanation: str


# --- Inputs → claim (pure) -------------------------------------------------------------------------------------


def input_keys(criterion) -> tuple[str, ...]:
    """The inputs the leaf's form asks for."""
    if criterion.method not in (Method.APPRAISED, Method.BONUS, Method.PENALTY):
        return ()
    match leaf_rule(criterion):
        case ChoiceRule():
            return ("choice",)
        case RatioRule() | ProportionalRule():
            return ("numerator", "denominator")
        case DeductRule():
            return ("occurrences",)
    return ("value",)


def leaf_rule(criterion):
    """The leaf's rule. Bonus and penalty leaves take a number or a choice, and a penalty leaf `deduct k` too
    (domain.md, rule 1); any other rule on them (edited by hand past the import) is scored as a number."""
    try:
        rule = rules.parse_rule(criterion.rule, max_points=criterion.max_points)
    except rules.RuleError:
        # The import validated it; a rule edited by hand in the admin must not break the page: score it directly.
        return ManualRule()
    if criterion.method in (Method.BONUS, Method.PENALTY) and rule.kind not in GRANTED_RULES[criterion.method]:
        return ManualRule()
    return rule


def self_claim(criterion, inputs: dict, *, explanation="", not_applicable=False,
               not_applicable_reason="") -> SelfClaim:
    """Validates what the unit entered for one leaf; blank inputs mean "not scored yet" (explanation kept).

    Raises InputError naming the field, or WorkflowError for a survey leaf."""
    explanation = (explanation or "").strip()
    if criterion.method == Method.SURVEY or not criterion.method:
        raise workflow.WorkflowError(_("Tiêu chí điều tra xã hội học lấy điểm từ phiếu khảo sát; đơn vị không tự "
                                       "chấm."))
    if not_applicable:
        return _not_applicable_claim(criterion, not_applicable_reason, explanation)
    keys = input_keys(criterion)
    entered = {key: _text(inputs.get(key)) for key in keys}
    if not any(entered.values()):
        return SelfClaim(None, False, "", {}, explanation)
    score, stored = _score(criterion, leaf_rule(criterion), entered)
    return SelfClaim(score, False, "", stored, explanation)


def _not_applicable_claim(criterion, reason, explanation):
    if criterion.method != Method.APPRAISED:
        raise InputError("not_applicable", _("Chỉ tiêu chí thẩm định mới đề nghị không áp dụng được; điểm thưởng, "
                                             "điểm trừ để trống hoặc 0 nếu không đề nghị."))
    reason = (reason or "").strip()
    if not reason:
        raise InputError("not_applicable_reason", _("Cần nêu lý do đề nghị không áp dụng."))
    return SelfClaim(None, True, reason, {}, explanation)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _score(criterion, rule, entered):
    maximum = criterion.max_points
    try:
        match rule:
            case ChoiceRule(options=options):
                score = rules.suggested_score(rule, maximum, choice=entered["choice"])
                wanted = rules.normalize_label(entered["choice"]).casefold()
                label = next(label for label, _points in options if label.casefold() == wanted)
                return score, {"choice": label}
            case RatioRule() | ProportionalRule():
                numbers = {key: _decimal(entered[key], key) for key in ("numerator", "denominator")}
                return rules.suggested_score(rule, maximum, **numbers), _stored(numbers)
            case DeductRule() if criterion.method == Method.PENALTY:
                count = _count(entered["occurrences"])
                return rules.penalty_score(rule, maximum, occurrences=count), {"occurrences": str(count)}
            case DeductRule():
                count = _count(entered["occurrences"])
                return rules.suggested_score(rule, maximum, occurrences=count), {"occurrences": str(count)}
            case ManualRule(step=step):
                value = _decimal(entered["value"], "value")
                return rules.check_score(maximum, value, step=step), _stored({"value": value})
    except InputError:
        raise
    except ScoreError as error:
        raise InputError(_field_of(rule), str(error)) from error
    raise TypeError(rule)


def _field_of(rule):
    return {"choice": "choice", "ratio": "numerator", "proportional": "numerator",
            "deduct": "occurrences"}.get(rule.kind, "value")


def _decimal(text, field):
    if not text:
        return None  # the rules say which number is missing
    if not _NUMBER.fullmatch(text):
        raise InputError(field, _("«%(text)s» không phải là số không âm (ví dụ 1,5).") % {"text": text})
    return Decimal(text.replace(",", "."))


def _count(text):
    if not text:
        return None
    if not _COUNT.fullmatch(text):
        raise InputError("occurrences", _("Số lần vi phạm phải là số nguyên không âm."))
    if len(text.lstrip("0")) > rules.MAX_DIGITS:  # int() of thousands of digits raises, and no count is that large
        raise InputError("occurrences", _("Số lần vi phạm quá lớn (tối đa %(digits)s chữ số).") % {
            "digits": rules.MAX_DIGITS})
    return int(text)


def _stored(numbers):
    # Decimals as strings in JSON, nothing lost to a binary float; normalized, so "1.00" saved again over "1" is
    # no change.
    return {key: format(value.normalize(), "f") if value else "0" for key, value in numbers.items()}


def cap_issue(framework, method, total) -> str | None:
    """Why `total` (the unit's bonus or penalty claims) is too much for the framework's cap, or None."""
    cap = framework.bonus_cap if method == Method.BONUS else framework.penalty_cap if method == Method.PENALTY else None
    if cap is None or total <= cap:
        return None
    what = _("điểm thưởng") if method == Method.BONUS else _("điểm trừ")
    return _("Tổng %(what)s đơn vị đề nghị sẽ là %(total)s, vượt trần %(cap)s của bộ chỉ số.") % {
        "what": what, "total": rules.format_decimal_vi(total), "cap": rules.format_decimal_vi(cap)}


# --- Saving ----------------------------------------------------------------------------------------------------


def self_permit(assessment) -> workflow.Permit:
    cycle = assessment.cycle
    return workflow.self_assessment_permit(assessment.status, today=timezone.localdate(),
                                           deadline=cycle.self_assessment_deadline, cycle_open=cycle.is_open)


def _require_permit(assessment):
    permit = self_permit(assessment)
    if not permit:
        raise workflow.WorkflowError(permit.reason)


def _locked_assessment(pk):
    # The assessment row is locked first by every self-assessment write and by submission, so a save can't land
    # after the file was submitted, and two bonus claims can't pass the cap together.
    return Assessment.objects.select_for_update(of=("self",)).select_related("cycle__framework").get(pk=pk)


def conflict_message(score) -> str:
    when = timezone.localtime(score.updated_at).strftime("%H:%M %d/%m/%Y") if score.updated_at else ""
    return _("Tiêu chí %(code)s vừa được người khác lưu (lúc %(when)s). Nội dung bạn nhập vẫn được giữ: xem lại "
             "điểm hiện tại rồi bấm Lưu lần nữa nếu vẫn muốn thay đổi.") % {"code": score.criterion.code,
                                                                            "when": when}


def leaf_self_save(*, leaf_score, user, inputs: dict, explanation: str = "", not_applicable: bool = False,
                   not_applicable_reason: str = "", expected_version: int | None = None,
                   source=AuditSource.UI) -> LeafScore:
    """Saves the unit's self-assessment of one leaf; returns the saved row (version bumped when anything changed)."""
    with transaction.atomic():
        assessment = _locked_assessment(leaf_score.assessment_id)
        _require_permit(assessment)
        score = (LeafScore.objects.select_for_update(of=("self",)).select_related("criterion")
                 .get(pk=leaf_score.pk))
        score.assessment = assessment
        if expected_version is not None and expected_version != score.version:
            raise workflow.ConflictError(conflict_message(score))
        claim = self_claim(score.criterion, inputs, explanation=explanation, not_applicable=not_applicable,
                           not_applicable_reason=not_applicable_reason)
        _check_cap(assessment.cycle.framework, score, claim)
        audit = _apply(score, claim, user, source)
        if audit:
            score.save(update_fields=[*SELF_FIELDS, "version", "updated_at"])
            audit_write(audit)
            # The provisional self-assessed total is part of the unit's results.
            results_refresh_later(year=assessment.cycle.year, unit_ids=[assessment.unit_id])
    return score


def _check_cap(framework, score, claim):
    method = score.criterion.method
    if method in (Method.BONUS, Method.PENALTY) and claim.self_score:
        issue = cap_issue(framework, method, claims_of_method(score, method) + claim.self_score)
        if issue:
            raise InputError("value", issue)


def _apply(score, claim, user, source) -> list:
    """Sets the claim's values on `score` and returns one audit entry per changed field."""
    audit = []
    for field in SELF_FIELDS:
        old, new = getattr(score, field), getattr(claim, field)
        if old == new:
            continue
        audit.append(audit_entry(entity="leaf_score", entity_id=score.pk, field=field, old=_audited(old),
                                 new=_audited(new), actor=user, source=source,
                                 assessment_id=score.assessment_id))
        setattr(score, field, new)
    score.version += bool(audit)
    return audit


def _audited(value):
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    return value


def assessment_self_save_many(*, assessment, user, entries: list[dict], source=AuditSource.UI) -> int:
    """Saves many leaves at once (the offline workbook, the API), all or nothing; returns how many changed.

    Each entry: criterion_code, the inputs ("value", "choice", "numerator", "denominator", "occurrences"),
    not_applicable and not_applicable_reason, optionally explanation (absent: kept as it is) and
    expected_version. Raises SelfAssessmentErrors listing every problem."""
    with transaction.atomic():
        assessment = _locked_assessment(assessment.pk)
        _require_permit(assessment)
        scores = {s.criterion.code: s for s in LeafScore.objects.select_for_update(of=("self",))
                  .filter(assessment=assessment).select_related("criterion")}
        claims, errors = _claims(entries, scores)
        errors += _cap_errors(assessment.cycle.framework, scores, claims)
        if errors:
            raise SelfAssessmentErrors(errors)
        changed, audit = [], []
        for code, claim in claims.items():
            scores[code].assessment = assessment
            entries_audit = _apply(scores[code], claim, user, source)
            if entries_audit:
                changed.append(scores[code])
                audit += entries_audit
        now = timezone.now()
        for score in changed:
            score.updated_at = now  # bulk_update does not run auto_now
        LeafScore.objects.bulk_update(changed, [*SELF_FIELDS, "version", "updated_at"], batch_size=500)
        audit_write(audit)
        if changed:
            results_refresh_later(year=assessment.cycle.year, unit_ids=[assessment.unit_id])
    return len(changed)


def _claims(entries, scores):
    claims, errors = {}, []
    for entry in entries:
        code = str(entry.get("criterion_code", "")).strip()
        score = scores.get(code)
        if score is None:
            errors.append((code, "criterion_code", _("Không có tiêu chí lá «%(code)s» trong hồ sơ.") % {"code": code}))
            continue
        if code in claims:
            errors.append((code, "criterion_code", _("Tiêu chí %(code)s xuất hiện hai lần.") % {"code": code}))
            continue
        expected = entry.get("expected_version")
        if expected is not None and str(expected) != str(score.version):
            errors.append((code, "version", conflict_message(score)))
            continue
        try:
            claims[code] = self_claim(
                score.criterion, entry, explanation=entry.get("explanation", score.explanation),
                not_applicable=bool(entry.get("not_applicable")),
                not_applicable_reason=entry.get("not_applicable_reason", ""))
        except InputError as error:
            errors.append((code, error.field, str(error)))
        except workflow.WorkflowError as error:
            errors.append((code, "criterion_code", str(error)))
    return claims, errors


def _cap_errors(framework, scores, claims):
    errors = []
    for method in (Method.BONUS, Method.PENALTY):
        leaves = [code for code, score in scores.items() if score.criterion.method == method]
        total = sum((claims[code].self_score if code in claims else scores[code].self_score) or 0 for code in leaves)
        issue = cap_issue(framework, method, Decimal(total))
        if issue:
            # Reported on each claimed leaf of the file, since any of them may be the one to lower.
            errors += [(code, "value", issue) for code in leaves if code in claims and claims[code].self_score]
    return errors


# --- Submission ------------------------------------------------------------------------------------------------


class MissingItem(NamedTuple):
    """A leaf that blocks submission and why; unpacks as (leaf_score, reason)."""

    leaf_score: LeafScore
    reason: str


def assessment_missing(assessment) -> list[MissingItem]:
    """What keeps the assessment from being submitted: appraised leaves neither scored nor claimed N/A, and leaves
    scored above 0 without the evidence they require and without an explanation."""
    missing = []
    for score in submission_blockers(assessment):
        if score.needs_score:
            missing.append(MissingItem(score, _("chưa chấm")))
        if score.needs_evidence:
            missing.append(MissingItem(score, _("thiếu tài liệu kiểm chứng (hoặc giải trình)")))
    return missing


def missing_summary(missing, limit=10) -> str:
    parts = [f"{item.leaf_score.criterion.code} ({item.reason})" for item in missing[:limit]]
    more = len(missing) - limit
    if more > 0:
        parts.append(_("và %(n)s mục khác") % {"n": more})
    return ", ".join(parts)


def assessment_submit(*, assessment, user, source=AuditSource.UI) -> Assessment:
    """The unit head sends the file to the board; refused (SubmissionRefused) while anything is missing."""
    with transaction.atomic():
        assessment = _locked_assessment(assessment.pk)
        _require_permit(assessment)
        missing = assessment_missing(assessment)
        if missing:
            raise SubmissionRefused(_("Chưa thể gửi hồ sơ: còn %(n)s mục chưa đủ: %(items)s.") % {
                "n": len(missing), "items": missing_summary(missing)}, missing)
        old = assessment.status
        assessment.status = workflow.next_status(old, "submit")
        assessment.submitted_at, assessment.submitted_by = timezone.now(), user
        assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        audit_write([audit_entry(entity="assessment", entity_id=assessment.pk, field="status", old=old,
                                 new=assessment.status, actor=user, source=source, assessment_id=assessment.pk,
                                 reason=_("Thủ trưởng đơn vị gửi hồ sơ tự đánh giá"))])
    return assessment
