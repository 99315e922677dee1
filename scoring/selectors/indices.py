"""Every index of a unit's year, and the conference report of a year and block (issue 14).

An index of criteria (PAR, DTI...) comes from the engine's UnitResult rows of its cycle (its areas are its
sub-indices, ranked inside the block by rule 9); every other index from its edition's IndexResult rows (computed
from a firms' survey or imported). Changes
follow rule 10: against the same index's previous year, none without it, flagged when the versions differ."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ..models import (
    EditionState, GradeTier, Index, IndexEdition, IndexResult, Scale, SubIndexResult, Unit, UnitResult,
)
from ..models.indices import STANDARD
from ..rules import divide_half_up
from .scorecards import pillar_lines_of
from .status import results_status

MOVES_SHOWN = 3


@dataclass(frozen=True)
class SubIndexMove:
    code: str
    name: str
    value: Decimal | None
    rank: int | None
    rank_change: int


@dataclass(frozen=True)
class IndexLine:
    code: str
    name: str
    scale: str
    precision: int
    rated: bool
    value: Decimal | None
    grade: str
    rank: int | None
    ranked_count: int
    value_change: Decimal | None
    rank_change: int | None
    comparable: bool
    provisional: bool
    moves: tuple[SubIndexMove, ...] = ()
    pillars: tuple = ()  # scorecards.AreaLine of the framework's pillars, with rank and change (issue 14)


@dataclass(frozen=True)
class _Figures:
    """One index's rows for a year and block, as the report and the unit page read them."""

    index: Index
    precision: int
    version: str
    provisional: bool
    values: dict[int, Decimal | None]  # unit id → value (None: not rated)
    ranks: dict[int, int | None]
    grades: dict[int, str]
    subs: dict[int, dict[str, tuple[str, Decimal | None, int | None]]]  # unit → code → (name, value, rank)
    grade_labels: tuple[tuple[str, str], ...]  # (code, label) of the tiers, top first
    left_out: frozenset = frozenset()  # incomplete units: listed apart, out of the statistics (rule 10)
    pillars: dict = field(default_factory=dict)  # unit id → its pillars (scorecards.AreaLine), if any


# --- Reading one index of one year and block ----------------------------------------------------------------------


def index_figures(year: int, block) -> list[_Figures]:
    """Every index the block has results of in the year, in the indices' order: those of criteria (PAR, DTI...)
    from the engine's rows of their cycle, the others from their edition (computed from firms' answers or
    imported). An index both appraised and imported the same year reads the engine's rows."""
    figures = {code: _result_figures(year, block, code) for code in _result_indices(year, block)}
    for edition in _editions(year, block).exclude(index__code__in=figures):
        figures[edition.index.code] = _edition_figures(edition)
    return sorted(figures.values(), key=lambda found: (found.index.position, found.index.code))


def _result_indices(year, block):
    return set(UnitResult.objects.filter(year=year, block=block).values_list("index_code", flat=True).distinct())


def _editions(year, block):
    return (IndexEdition.objects.filter(year=year, block=block).exclude(state=EditionState.COLLECTING)
            .select_related("index"))


def _figures_of(year, block, code):
    """One index's figures of a year: the engine's rows where it was appraised, else its edition, else None (an
    index may be imported one year and appraised the next: both read the same index code)."""
    if UnitResult.objects.filter(year=year, block=block, index_code=code).exists():
        return _result_figures(year, block, code)
    edition = _editions(year, block).filter(index__code=code).first()
    return _edition_figures(edition) if edition else None


def _result_figures(year, block, code):
    results = list(UnitResult.objects.filter(year=year, block=block, index_code=code).select_related("framework"))
    framework = results[0].framework
    index = Index.objects.filter(code=code).first() or (Index.objects.standard(code) if code in STANDARD
                                                         else Index(code=code, name=code))
    # The engine's index is a percentage; an index published on 0-1 (DTI: 0,7024) is read on its own scale, so it
    # compares with its imported years and prints as published.
    shift = 2 if index.scale == Scale.RATIO else 0
    scaled = (lambda value: value if value is None or not shift else value.scaleb(-shift))
    # The results run ranks each area's component index in the block (rule 9) and stores it with the area.
    titles = dict(framework.criteria.filter(depth=0).values_list("code", "title"))
    subs = {result.unit_id: {area["code"]: (titles.get(area["code"], area["code"]),
                                            scaled(Decimal(area["index"])), area.get("rank"))
                             for area in result.areas if area.get("index") is not None} for result in results}
    tiers = tuple(GradeTier.objects.filter(framework=framework).values_list("code", "label"))
    return _Figures(index, framework.precision + shift, framework.version,
                    not results_status(year, block, index_code=code).published,
                    {r.unit_id: scaled(r.index) for r in results}, {r.unit_id: r.rank for r in results},
                    {r.unit_id: r.grade for r in results}, subs, tiers,
                    frozenset(r.unit_id for r in results if r.incomplete),
                    pillar_lines_of(results) if any(r.pillars for r in results) else {})


def _edition_figures(edition):
    results = list(IndexResult.objects.filter(edition=edition))
    subs = defaultdict(dict)
    for sub in SubIndexResult.objects.filter(result__edition=edition).select_related("result"):
        subs[sub.result.unit_id][sub.code] = (sub.name, sub.value, sub.rank)
    return _Figures(edition.index, edition.precision, edition.version, not edition.is_published,
                    {r.unit_id: r.value for r in results}, {r.unit_id: r.rank for r in results},
                    {r.unit_id: r.grade for r in results}, dict(subs), _edition_grades(edition, results))


def _edition_grades(edition, results):
    """(code, label) of the tiers, top first: a DDCI framework's own grades (the surveys app's reverse relation),
    else the grades an imported workbook gave, as written."""
    framework = getattr(edition, "competitiveness", None)
    if framework is not None and framework.grades:
        return tuple((grade["code"], grade["label"]) for grade in framework.grades)
    return tuple((grade, grade) for grade in sorted({result.grade for result in results if result.grade}))


def _previous(year, block, code):
    """The same index's figures a year earlier, for the block's units wherever they then stood."""
    return _figures_of(year - 1, block, code)


# --- A unit's year -----------------------------------------------------------------------------------------------


def unit_indices(unit: Unit, year: int) -> list[IndexLine]:
    block = _block_of(unit, year)
    return [line for figures in index_figures(year, block)
            if (line := _line(unit, figures, _previous(year, block, figures.index.code)))]


def _block_of(unit, year):
    """The block the unit was scored in that year (its results say so), else its block today."""
    found = (UnitResult.objects.filter(unit=unit, year=year).values_list("block", flat=True).first()
             or IndexResult.objects.filter(unit=unit, edition__year=year).values_list("edition__block", flat=True)
             .first())
    return found or unit.block_id


def _line(unit, figures, previous):
    if unit.pk not in figures.values:
        return None
    value, rank = figures.values[unit.pk], figures.ranks[unit.pk]
    previous_value = previous.values.get(unit.pk) if previous else None
    previous_rank = previous.ranks.get(unit.pk) if previous else None
    return IndexLine(
        code=figures.index.code, name=figures.index.name, scale=figures.index.scale, precision=figures.precision,
        rated=value is not None, value=value, rank=rank,
        grade=dict(figures.grade_labels).get(figures.grades.get(unit.pk, ""), figures.grades.get(unit.pk, "")),
        ranked_count=sum(1 for other in figures.ranks.values() if other is not None),
        value_change=None if value is None or previous_value is None else value - previous_value,
        rank_change=None if rank is None or previous_rank is None else previous_rank - rank,
        comparable=previous is None or previous.version == figures.version, provisional=figures.provisional,
        moves=_moves(figures.subs.get(unit.pk, {}), previous.subs.get(unit.pk, {}) if previous else {}),
        pillars=figures.pillars.get(unit.pk, ()))


def _moves(current, previous):
    """The sub-indices whose rank moved most (ties by name), those that did not move left out."""
    moves = []
    for code, (name, value, rank) in current.items():
        before = previous.get(code)
        if rank is not None and before is not None and before[2] is not None and before[2] != rank:
            moves.append(SubIndexMove(code, name, value, rank, before[2] - rank))
    moves.sort(key=lambda move: (-abs(move.rank_change), move.name))
    return tuple(moves[:MOVES_SHOWN])


# --- The conference report ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeCount:
    label: str
    count: int
    of: int
    share: Decimal | None  # percent, 2 decimals


@dataclass(frozen=True)
class IndexSummary:
    code: str
    name: str
    scale: str
    precision: int
    provisional: bool
    average: Decimal | None
    average_change: Decimal | None
    grades: tuple[GradeCount, ...]
    rose: int
    fell: int
    left_out: tuple[str, ...]  # incomplete units, listed apart


@dataclass(frozen=True)
class ReportCell:
    value: Decimal | None
    rank: int | None
    value_change: Decimal | None
    rank_change: int | None
    grade: str


@dataclass(frozen=True)
class ReportRow:
    unit: Unit
    cells: dict[str, ReportCell]  # index code → cell; an index without the unit is missing


@dataclass(frozen=True)
class ConferenceReport:
    year: int
    block: object
    summaries: tuple[IndexSummary, ...]
    rows: tuple[ReportRow, ...]

    @property
    def provisional(self):
        return any(summary.provisional for summary in self.summaries)


def conference_report(year: int, block) -> ConferenceReport:
    current = index_figures(year, block)
    previous = {figures.index.code: _previous(year, block, figures.index.code) for figures in current}
    unit_ids = sorted({unit for figures in current for unit in figures.values})
    units = Unit.objects.in_bulk(unit_ids)
    rows = [ReportRow(units[unit], {figures.index.code: _cell(unit, figures, previous.get(figures.index.code))
                                    for figures in current if unit in figures.values}) for unit in unit_ids]
    first = current[0] if current else None
    rows.sort(key=lambda row: (row.cells[first.index.code].rank or 10**6 if first and first.index.code in row.cells
                               else 10**6, row.unit.code))
    summaries = tuple(_summary(figures, previous.get(figures.index.code), units) for figures in current)
    return ConferenceReport(year, block, summaries, tuple(rows))


def _cell(unit, figures, previous):
    value, rank = figures.values[unit], figures.ranks[unit]
    previous_value = previous.values.get(unit) if previous else None
    previous_rank = previous.ranks.get(unit) if previous else None
    return ReportCell(value, rank, None if value is None or previous_value is None else value - previous_value,
                      None if rank is None or previous_rank is None else previous_rank - rank,
                      figures.grades.get(unit, ""))


def _average(figures):
    values = [value for unit, value in figures.values.items() if value is not None and unit not in figures.left_out]
    return divide_half_up(sum(values, Decimal(0)), Decimal(len(values)), figures.precision) if values else None


def _summary(figures, previous, units):
    counted = [unit for unit, value in figures.values.items() if value is not None and unit not in figures.left_out]
    average, previous_average = _average(figures), _average(previous) if previous else None
    tally = Counter(figures.grades.get(unit, "") for unit in counted)
    grades = tuple(GradeCount(label, tally.get(code, 0), len(counted),
                              divide_half_up(Decimal(100 * tally.get(code, 0)), Decimal(len(counted)), 2)
                              if counted else None) for code, label in figures.grade_labels)
    changes = [previous.ranks[unit] - figures.ranks[unit] for unit in counted
               if previous and figures.ranks.get(unit) and previous.ranks.get(unit)]
    return IndexSummary(
        figures.index.code, figures.index.name, figures.index.scale, figures.precision, figures.provisional, average,
        None if average is None or previous_average is None else average - previous_average, grades,
        sum(1 for change in changes if change > 0), sum(1 for change in changes if change < 0),
        tuple(units[unit].code for unit in sorted(figures.left_out)))
