"""The survey arithmetic (domain.md, rules 11-12) on plain values: survey leaf points, SIPAS satisfaction, sample
sizes and answer distributions (the checks for suspicious answers are in quality.py). No ORM: the services sum
answers in SQL and hand the sums here, so every rule can be tested exhaustively without a database.

Weights are percents (Decimal, 0-100); None is an option that is not counted ("Không biết")."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from scoring.rules import HUNDRED, divide_half_up

ELEMENTS = ("access", "procedure", "civil_servant", "result", "feedback")  # surveys.models.Element, in order
SATISFACTION = "satisfaction"  # surveys.models.Content.SATISFACTION
POINT_PLACES = 3  # survey leaf points, like every leaf (rule 7)
SHARE_PLACES = 2  # satisfaction shares, in percent
BREAKDOWNS = (None, "group", "unit")


# --- Survey leaf points (rule 11) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeafTally:
    """The valid answers (weight not None) to the questions mapped to one survey leaf, about one rated unit."""

    weight_sum: Decimal
    valid: int

    @property
    def mean_weight(self) -> Decimal | None:
        return self.weight_sum / self.valid if self.valid else None


def tally(weights: Iterable[Decimal | None]) -> LeafTally:
    """The tally of individual answers' weights; the engine gets the same two numbers from one SQL GROUP BY."""
    valid = [weight for weight in weights if weight is not None]
    return LeafTally(sum(valid, Decimal(0)), len(valid))


def leaf_points(max_points: Decimal, leaf_tally: LeafTally | None) -> Decimal | None:
    """M × mean weight / 100, to 3 decimals half up; None when nothing valid was answered (the engine then counts
    0 and marks the result incomplete, rule 3). Computed as M × Σw / (100 × n) so it is rounded only once."""
    if leaf_tally is None or leaf_tally.valid == 0:
        return None
    return divide_half_up(max_points * leaf_tally.weight_sum, HUNDRED * leaf_tally.valid, POINT_PLACES)


def unit_points(leaves: Mapping[str, Decimal], tallies: Mapping[str, LeafTally]) -> dict[str, Decimal | None]:
    """Points of each survey leaf (code -> max points) of one unit, from that unit's tallies (code -> tally)."""
    return {code: leaf_points(maximum, tallies.get(code)) for code, maximum in leaves.items()}


# --- SIPAS satisfaction (rule 12) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightCount:
    """How many answers of one SIPAS element and content carry one weight (a row of a GROUP BY)."""

    element: str
    content: str
    weight: Decimal | None
    count: int = 1


@dataclass(frozen=True)
class Satisfaction:
    satisfied: int = 0
    valid: int = 0

    @property
    def share(self) -> Decimal | None:
        """Satisfied answers as a percent of valid ones, 2 decimals half up; None without a valid answer."""
        return percent(self.satisfied, self.valid)

    def __add__(self, other: Satisfaction) -> Satisfaction:
        return Satisfaction(self.satisfied + other.satisfied, self.valid + other.valid)


@dataclass(frozen=True)
class SipasResult:
    elements: dict[str, Satisfaction]  # every element of ELEMENTS, in that order
    overall: Satisfaction


def sipas(rows: Iterable[WeightCount], *, satisfied_min_weight: Decimal) -> SipasResult:
    """Satisfaction per element and overall, from the answers to `satisfaction` questions. An answer is satisfied
    when its weight is at least satisfied_min_weight ("hài lòng" and "rất hài lòng" on the common scale). The
    overall share pools every valid answer; it is not the mean of the element shares."""
    elements = {element: Satisfaction() for element in ELEMENTS}
    for row in rows:
        if row.content == SATISFACTION and row.weight is not None and row.element in elements:
            satisfied = row.count if row.weight >= satisfied_min_weight else 0
            elements[row.element] += Satisfaction(satisfied, row.count)
    return SipasResult(elements, sum(elements.values(), Satisfaction()))


def sample_size(transactions: int, margin_of_error: Decimal) -> int:
    """n = N / (1 + N·e²) rounded UP: a sample of n respondents must reach at least the margin e, and rounding
    down would fall just short of it (N = 1000, e = 5% gives 285.71…, so 286)."""
    if transactions < 0:
        raise ValueError("transactions must not be negative")
    e = Fraction(str(margin_of_error))
    n = Fraction(transactions) / (1 + transactions * e * e)
    return -(-n.numerator // n.denominator)


# --- Answer distributions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerCount:
    """How many answers chose one option of one question (a row of a GROUP BY), with where they came from."""

    question: Hashable
    label: str
    count: int = 1
    group: Hashable = ""
    unit: Hashable = ""


@dataclass(frozen=True)
class Distribution:
    counts: dict[str, int]  # option label -> answers, in option order, unchosen options included

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, label: str) -> Decimal | None:
        return percent(self.counts[label], self.total)


def answer_distribution(answers: Iterable[AnswerCount], options: Mapping[Hashable, Sequence[str]], *,
                        by: str | None = None) -> dict[Hashable, Distribution]:
    """Counts per option of each question in `options` (question -> labels). Keys are questions, or
    (question, group) / (question, unit) pairs with by="group" / by="unit"; answers to other questions are ignored."""
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {BREAKDOWNS}")
    # Without a breakdown every question gets a distribution, answered or not.
    counts = defaultdict(dict, {question: {} for question in options} if by is None else {})
    for answer in answers:
        if answer.question in options:
            chosen = counts[answer.question if by is None else (answer.question, getattr(answer, by))]
            chosen[answer.label] = chosen.get(answer.label, 0) + answer.count
    return {key: _distribution(options[key if by is None else key[0]], chosen) for key, chosen in counts.items()}


def _distribution(labels: Sequence[str], chosen: Mapping[str, int]) -> Distribution:
    return Distribution({label: chosen.get(label, 0) for label in labels})


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, 2 decimals half up; None when whole is 0."""
    return divide_half_up(Decimal(part) * HUNDRED, Decimal(whole), SHARE_PLACES) if whole else None

