"""Suspicious answers: flagged for the survey team to review, never dropped (pure, no database)."""
from django.utils.translation import gettext as _

# Reading a question and choosing takes a person at least about two seconds.
SECONDS_PER_QUESTION = 2
# With few questions, one choice for all is ordinary (a satisfied citizen ticks "Rất hài lòng" throughout).
STRAIGHT_LINE_MIN_QUESTIONS = 5


def is_speeder(elapsed_seconds: float | None, question_count: int) -> bool:
    if elapsed_seconds is None:
        return False
    return elapsed_seconds < SECONDS_PER_QUESTION * question_count


def is_straight_liner(positions: list[int]) -> bool:
    """Every answer at the same place in its list of options (all first, all last...)."""
    return len(positions) >= STRAIGHT_LINE_MIN_QUESTIONS and len(set(positions)) == 1


def flag_reasons(*, elapsed_seconds: float | None, question_count: int, positions: list[int]) -> list[str]:
    reasons = []
    if is_speeder(elapsed_seconds, question_count):
        reasons.append(_("trả lời quá nhanh (%(seconds)d giây cho %(count)d câu)") % {
            "seconds": elapsed_seconds, "count": question_count})
    if is_straight_liner(positions):
        reasons.append(_("chọn cùng một phương án cho mọi câu"))
    return reasons
