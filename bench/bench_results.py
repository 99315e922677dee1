"""Benchmark of the results engine at national scale (issue 4). Not a test: it prints numbers.

    DATABASE_URL=postgres://... UNITS=12000 .venv/bin/python bench/bench_results.py     (or `make bench-results`)

It migrates the database it is given, replaces its own data (blocks and units coded BENCH-…, years 2090-2091,
nothing else is touched) with a generated national-scale set loaded by COPY, then times on the same data:

- the floor: one SQL GROUP BY summing each unit's leaf scores for the year, fetched whole (best of 3);
- a full results_compute of the second year, the first year's results existing so year over year is exercised
  (best of 3, and once more in a fresh child process whose peak RSS is peak_mb);
- results_refresh_units of one unit after one changed leaf (median of 5, a different change each time).

The last line is `compute_ratio=R refresh_ms=M peak_mb=P`. BENCH_PROFILE=1 adds a query and cProfile breakdown
of one more compute.
"""
import functools
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.postgres import database_label, setup_django  # noqa: E402
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")

PREFIX = "BENCH-"
FIRST_YEAR, SECOND_YEAR = 2090, 2091
SEED = 42
BLOCK_SIZES = (20, 400)  # units per block, drawn uniformly: from a district's communes to a large province's
NOT_APPLICABLE_SHARE = 0.03
INCOMPLETE_SHARE = 0.002  # units with one leaf the board never appraised
# The 2017 province set (domain.md): 8 areas, 100 points; each area's last 2 leaves and all of area 8 are survey.
AREAS = (("1", "10"), ("2", "10"), ("3", "14.5"), ("4", "11"), ("5", "16"), ("6", "7"), ("7", "16"), ("8", "15.5"))
LEAVES_PER_AREA = 15
LEAVES_IN_AREA_8 = 11  # + 2 bonus and 2 penalty leaves in area 9 = 120 leaves
LEAVES_PER_CRITERION = 5
# Leaf score text columns (NOT NULL) of the explanation round and N/A requests: empty in the generated data.
EMPTY_TEXT_COLUMNS = ("explanation_question", "explanation_answer", "second_reason", "self_not_applicable_reason")
GRADES = (("XS", "Xuất sắc", "90"), ("TOT", "Tốt", "80"), ("KHA", "Khá", "70"), ("TB", "Trung bình", "50"),
          ("YEU", "Yếu", "0"))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--measure-memory":
        return measure_memory(int(sys.argv[2]))
    units = int(os.environ.get("UNITS", "12000"))
    setup_django("bench_results", "2 years of BENCH-… data")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    refuse_foreign_data()
    print(f"bench: {units} units, years {FIRST_YEAR}-{SECOND_YEAR}, database {database_label()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    generate(units)
    floor = best_of(3, lambda: floor_query(SECOND_YEAR))
    print(f"floor (SQL GROUP BY sum per unit, best of 3): {floor:.3f} s")
    engine = import_engine()
    compute = time_compute(engine)
    print(f"compute_ratio: {compute / floor:.2f} (target ≤ 5)")
    memory = measure_memory_in_child()
    refresh_ms = time_refresh(engine)
    if os.environ.get("BENCH_PROFILE"):
        profile_compute(engine)
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (other work on the machine skews every number)")
    print(f"compute_ratio={compute / floor:.2f} refresh_ms={refresh_ms:.1f} peak_mb={memory['peak_mb']:.1f}")


def refuse_foreign_data():
    """results_compute(year) computes every block of the year, so the bench years must hold bench data only."""
    from scoring.models import Cycle

    foreign = Cycle.objects.filter(year__in=(FIRST_YEAR, SECOND_YEAR)).exclude(block__code__startswith=PREFIX)
    if foreign.exists():
        sys.exit(f"bench_results: years {FIRST_YEAR}-{SECOND_YEAR} hold cycles of non-bench blocks; "
                 "use another database.")


def import_engine():
    try:
        from scoring.services import results
    except ImportError as error:
        sys.exit(f"bench_results: the engine is not there yet ({error}); data generated, only the floor timed.")
    return results


# --- Generating the data --------------------------------------------------------------------------------------


def generate(units):
    rng = random.Random(SEED)
    started = time.perf_counter()
    wipe()
    wiped = time.perf_counter()
    blocks = create_blocks(rng, units)
    frameworks = {(fw.block_id, fw.year): fw for fw in create_frameworks(blocks)}
    leaves = create_criteria(frameworks.values())
    cycles = create_cycles(frameworks)
    unit_rows = copy_units(rng, blocks)
    assessments = copy_assessments(cycles, unit_rows)
    scores = copy_leaf_scores(rng, assessments, leaves, unit_rows)
    unscore_some(rng, assessments)
    verify_foreign_keys()
    loaded = time.perf_counter()
    analyze()
    print(f"generated {len(blocks)} blocks (sizes {min(b.size for b in blocks)}-{max(b.size for b in blocks)}), "
          f"{len(unit_rows)} units, {len(assessments)} assessments, {scores} leaf scores "
          f"in {loaded - wiped:.1f} s (+ wipe {wiped - started:.1f} s, vacuum analyze "
          f"{time.perf_counter() - loaded:.1f} s)")


def wipe():
    bench_blocks = f"SELECT id FROM scoring_block WHERE code LIKE '{PREFIX}%'"
    bench_units = f"SELECT id FROM scoring_unit WHERE code LIKE '{PREFIX}%'"
    bench_frameworks = f"SELECT id FROM scoring_framework WHERE block_id IN ({bench_blocks})"
    statements = [
        f"DELETE FROM scoring_unitresult WHERE unit_id IN ({bench_units}) OR block_id IN ({bench_blocks})",
        f"DELETE FROM scoring_leafscore WHERE assessment_id IN "
        f"(SELECT id FROM scoring_assessment WHERE unit_id IN ({bench_units}))",
        f"DELETE FROM scoring_assessment WHERE unit_id IN ({bench_units})",
        f"DELETE FROM scoring_rosterentry WHERE unit_id IN ({bench_units})",
        f"DELETE FROM scoring_agencyround WHERE cycle_id IN (SELECT id FROM scoring_cycle WHERE block_id IN "
        f"({bench_blocks}))",
        f"DELETE FROM scoring_cycle WHERE block_id IN ({bench_blocks})",
        f"DELETE FROM scoring_gradetier WHERE framework_id IN ({bench_frameworks})",
        f"DELETE FROM scoring_criterion WHERE framework_id IN ({bench_frameworks})",
        f"DELETE FROM scoring_framework WHERE block_id IN ({bench_blocks})",
        f"DELETE FROM scoring_unit WHERE code LIKE '{PREFIX}%'",
        f"DELETE FROM scoring_block WHERE code LIKE '{PREFIX}%'",
    ]
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def create_blocks(rng, units):
    from scoring.models import Block

    sizes = []
    while sum(sizes) < units:
        sizes.append(min(rng.randint(*BLOCK_SIZES), units - sum(sizes)))
    if len(sizes) > 1 and sizes[-1] < BLOCK_SIZES[0]:
        stub = sizes.pop()  # no tiny block from the rounding
        sizes[-1] += stub
    blocks = Block.objects.bulk_create(
        Block(code=f"{PREFIX}B{number:02d}", name=f"Khối bench {number:02d}", position=900 + number)
        for number in range(1, len(sizes) + 1)
    )
    for block, size in zip(blocks, sizes):
        block.size = size
    return blocks


def create_frameworks(blocks):
    from django.utils import timezone

    from scoring.models import Framework, GradeTier

    frameworks = Framework.objects.bulk_create(
        Framework(year=year, block=block, code=f"{block.code}-{year}", name=f"Bộ chỉ số bench {block.code} {year}",
                  # Every tenth block changed its methodology in the second year: "not like for like" (rule 10).
                  version="BENCH/2090" if year == FIRST_YEAR or number % 10 else "BENCH/2091",
                  precision=3 if number % 7 == 0 else 2, bonus_cap=Decimal("1.5"), penalty_cap=Decimal(3),
                  locked_at=timezone.now())
        for number, block in enumerate(blocks, start=1) for year in (FIRST_YEAR, SECOND_YEAR)
    )
    GradeTier.objects.bulk_create(
        GradeTier(framework=framework, code=code, label=label, min_index=Decimal(minimum), position=position,
                  min_area_index=Decimal(70) if code == "XS" else None)
        for framework in frameworks for position, (code, label, minimum) in enumerate(GRADES)
    )
    return frameworks


def leaf_shape():
    """(area, method, max points) of the 120 leaves, the same in every framework."""
    shape = []
    for area, points in AREAS:
        count = LEAVES_IN_AREA_8 if area == "8" else LEAVES_PER_AREA
        quarters, extra = divmod(int(Decimal(points) * 4), count)
        for position in range(count):
            method = "survey" if area == "8" or position >= count - 2 else "appraised"
            shape.append((area, method, Decimal(quarters + (position < extra)) / 4))
    shape += [("9", "bonus", Decimal(1))] * 2 + [("9", "penalty", Decimal(2))] * 2
    return shape


def create_criteria(frameworks):
    """Areas → criteria → leaves for every framework; returns {framework id: [(criterion id, (method, max))]}."""
    from scoring.models import Criterion

    shape, position = leaf_shape(), iter(range(1, 10**7))
    areas = Criterion.objects.bulk_create(
        Criterion(framework=framework, code=area, area_code=area, depth=0, position=next(position),
                  title=f"Lĩnh vực {area}", max_points=_scored_max(leaf for leaf in shape if leaf[0] == area))
        for framework in frameworks for area in dict.fromkeys(leaf[0] for leaf in shape)
    )
    parents = _criteria_level(areas, shape, position)
    leaves = Criterion.objects.bulk_create(
        Criterion(framework_id=parent.framework_id, parent=parent, code=f"{parent.code}.{number}",
                  area_code=parent.area_code, depth=2, position=next(position),
                  title=f"Tiêu chí {parent.code}.{number}",
                  max_points=max_points, method=method, rule="manual 0.25" if method == "appraised" else "")
        for parent, children in parents for number, (_area, method, max_points) in enumerate(children, start=1)
    )
    by_framework = {}
    for leaf in leaves:
        by_framework.setdefault(leaf.framework_id, []).append((leaf.pk, (leaf.method, leaf.max_points)))
    return by_framework


def _scored_max(leaves):
    # Bonus and penalty leaves sit outside every maximum (rule 5).
    return sum((points for _area, method, points in leaves if method in ("appraised", "survey")), Decimal(0))


def _criteria_level(areas, shape, position):
    from scoring.models import Criterion

    pending = []
    for area in areas:
        children = [leaf for leaf in shape if leaf[0] == area.code]
        for start in range(0, len(children), LEAVES_PER_CRITERION):
            chunk = children[start:start + LEAVES_PER_CRITERION]
            code = f"{area.code}.{start // LEAVES_PER_CRITERION + 1}"
            pending.append((Criterion(framework_id=area.framework_id, parent=area, area_code=area.code, depth=1,
                                      code=code, position=next(position), title=f"Tiêu chí {code}",
                                      max_points=_scored_max(chunk)),
                            chunk))
    created = Criterion.objects.bulk_create(criterion for criterion, _chunk in pending)
    return [(criterion, chunk) for criterion, (_unused, chunk) in zip(created, pending)]


def create_cycles(frameworks):
    from scoring.models import Cycle

    return Cycle.objects.bulk_create(
        Cycle(year=year, block_id=block_id, framework=framework, is_open=year == SECOND_YEAR)
        for (block_id, year), framework in frameworks.items()
    )


def copy_units(rng, blocks):
    """Units by COPY; returns {unit id: (block id, quality)}. Some blocks rank communes in two groups."""
    rows, number = [], 0
    for block_number, block in enumerate(blocks, start=1):
        for position in range(block.size):
            number += 1
            group = ("I" if position % 3 else "II") if block_number % 5 == 0 else ""
            ranked = "f" if rng.random() < 0.005 else "t"
            rows.append(f"{PREFIX}U{number:05d}\tĐơn vị bench {number:05d}\t{block.pk}\t{group}\t{ranked}\tt\n")
    copy("scoring_unit", ("code", "name", "block_id", '"group"', "ranked", "active"), iter(rows))
    from scoring.models import Unit

    units = Unit.objects.filter(code__startswith=PREFIX).order_by("pk").values_list("pk", "block_id")
    return {pk: (block_id, rng.uniform(0.45, 0.97)) for pk, block_id in units}


def copy_assessments(cycles, unit_rows):
    """One appraised assessment per unit and year; returns [(assessment id, framework id, year, unit id)]."""
    from django.utils import timezone

    from scoring.models import Assessment

    now = timezone.now().isoformat()
    cycle_of = {(cycle.block_id, cycle.year): cycle for cycle in cycles}
    rows = (f"{cycle_of[block_id, year].pk}\t{unit_id}\tappraised\t{now}\t{now}\t{now}\tf\n"
            for year in (FIRST_YEAR, SECOND_YEAR) for unit_id, (block_id, _quality) in unit_rows.items())
    copy("scoring_assessment", ("cycle_id", "unit_id", "status", "submitted_at", "finalized_at", "updated_at",
                                "explanation_round"), rows)
    # Every unit takes part both years (rule 13: the roster the results cover).
    copy("scoring_rosterentry", ("cycle_id", "unit_id", "reason", "late_decision", "late_reason", "created_at"),
         (f"{cycle_of[block_id, year].pk}\t{unit_id}\t\t\t\t{now}\n"
          for year in (FIRST_YEAR, SECOND_YEAR) for unit_id, (block_id, _quality) in unit_rows.items()))
    framework_of = {cycle.pk: (cycle.framework_id, cycle.year) for cycle in cycles}
    assessments = Assessment.objects.filter(unit__code__startswith=PREFIX).order_by("pk")
    return [(pk, *framework_of[cycle_id], unit_id)
            for pk, cycle_id, unit_id in assessments.values_list("pk", "cycle_id", "unit_id")]


def copy_leaf_scores(rng, assessments, leaves, unit_rows):
    """120 leaf scores per assessment, drawn around the unit's quality (which drifts a little in the second year)."""
    from django.utils import timezone

    now = timezone.now().isoformat()
    pools = ScorePools(random.Random(SEED + 1))
    drift = {unit_id: rng.gauss(0, 0.04) for unit_id in unit_rows}
    no_round_two = "\t" * len(EMPTY_TEXT_COLUMNS)  # the explanation round's texts, all empty

    def rows():
        bits = rng.getrandbits
        for assessment_id, framework_id, year, unit_id in assessments:
            pool = pools.for_quality(unit_rows[unit_id][1] + (drift[unit_id] if year == SECOND_YEAR else 0))
            yield "".join(f"{assessment_id}\t{criterion_id}\t{pool[leaf][bits(8)]}\t{now}{no_round_two}\n"
                          for criterion_id, leaf in leaves[framework_id])

    columns = ("assessment_id", "criterion_id", "self_score", "self_not_applicable", "self_inputs", "explanation",
               "appraised_score", "appraisal_reason", "final_score", "not_applicable", "version", "updated_at",
               *EMPTY_TEXT_COLUMNS)
    copy("scoring_leafscore", columns, rows())
    return sum(len(leaves[framework_id]) for _a, framework_id, _y, _u in assessments)


class ScorePools:
    """For each quality (in steps of 2%) and kind of leaf, 256 texts of the columns self_score … version drawn
    from that quality's distribution: writing 2.9M rows is then picking one text per row."""

    def __init__(self, rng):
        self.rng, self.pools = rng, {}

    def for_quality(self, quality):
        bucket = _step(quality, 50)
        if bucket not in self.pools:
            self.pools[bucket] = _LeafPools(self.rng, bucket / 50)
        return self.pools[bucket]


class _LeafPools(dict):
    def __init__(self, rng, quality):
        super().__init__()
        self.rng, self.quality = rng, quality

    def __missing__(self, leaf):
        method, max_points = leaf
        fields = _fields(method, max_points)
        pool = self[leaf] = [_pick(self.rng.random, method, fields, self.quality) for _ in range(256)]
        return pool


@functools.cache
def _fields(method, max_points):
    """Every text a leaf's columns self_score … version can take."""
    def row(self_score, final, not_applicable="f", explanation=""):
        return f"{self_score}\t{not_applicable}\t{{}}\t{explanation}\t{final}\t\t{final}\t{not_applicable}\t1"

    if method == "survey":  # never self-scored (domain.md); points keep 3 decimals
        thousandth = Decimal("0.001")
        return [row("\\N", (max_points * step / 1000).quantize(thousandth)) for step in range(1001)]
    points = [Decimal(step) / 4 for step in range(int(max_points * 4) + 1)]  # a 0.25 step
    if method in ("bonus", "penalty"):
        return [row(value, value) for value in points]
    return {
        "scored": [row(value, value) for value in points],
        # Units overclaim now and then, and the board corrects them.
        "overclaimed": [row(points[min(step + 1, len(points) - 1)], value) for step, value in enumerate(points)],
        "not_applicable": row("\\N", "\\N", "t", "Không phát sinh"),
    }


def _pick(random, method, fields, quality):
    if method == "survey":
        return fields[_step(quality + (random() - 0.5) * 0.4, 1000)]
    if method in ("bonus", "penalty"):
        chance = quality if method == "bonus" else 1 - quality
        return fields[int(random() * len(fields))] if random() < chance * 0.5 else fields[0]
    draw = random()
    if draw < NOT_APPLICABLE_SHARE:
        return fields["not_applicable"]
    step = _step(quality + (random() - 0.5) * 0.5, len(fields["scored"]) - 1)
    return fields["overclaimed" if draw > 0.8 else "scored"][step]


def _step(fraction, steps):
    return round(steps * min(max(fraction, 0), 1))


def unscore_some(rng, assessments):
    """A few units whose board never appraised one leaf: 0 points and an incomplete result (rule 3)."""
    from django.db import connection

    chosen = sorted(rng.sample([pk for pk, _framework, _year, _unit in assessments],
                               max(1, int(len(assessments) * INCOMPLETE_SHARE))))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scoring_leafscore SET final_score = NULL, appraised_score = NULL WHERE id IN "
            "(SELECT DISTINCT ON (ls.assessment_id) ls.id FROM scoring_leafscore ls JOIN scoring_criterion c "
            "ON c.id = ls.criterion_id WHERE ls.assessment_id = ANY(%s) AND c.method = 'appraised' "
            "AND NOT ls.not_applicable ORDER BY ls.assessment_id, c.position)", [chosen])


class ChunkFile:
    """A read()-able view of a generator of text chunks, so COPY streams without building one huge string."""

    def __init__(self, chunks):
        self.chunks, self.buffer = chunks, ""

    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        size = len(self.buffer) if size < 0 else size
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out

    readline = read


def copy(table, columns, chunks):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if superuser(cursor):
            # Django's foreign keys are checked row by row at commit (minutes for 2.9M rows); the generated rows
            # are consistent by construction and verify_foreign_keys() proves it with one anti-join per key.
            cursor.execute("SET LOCAL session_replication_role = replica")
        # Plain indexes are rebuilt once after the load rather than updated row by row, twice as fast here. DDL is
        # transactional in PostgreSQL: if the load fails, the indexes are back as they were.
        indexes = secondary_indexes(cursor, table)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", ChunkFile(chunks), size=1 << 16)
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def secondary_indexes(cursor, table):
    """The table's indexes that back no constraint (primary key and unique constraints stay)."""
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() "
                   "AND tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
                   "ORDER BY indexname", [table])
    return cursor.fetchall()


def superuser(cursor):
    cursor.execute("SHOW is_superuser")
    return cursor.fetchone()[0] == "on"


def verify_foreign_keys():
    from django.db import connection

    keys = (("scoring_unit", "block_id", "scoring_block"), ("scoring_assessment", "unit_id", "scoring_unit"),
            ("scoring_assessment", "cycle_id", "scoring_cycle"), ("scoring_leafscore", "assessment_id",
                                                                  "scoring_assessment"),
            ("scoring_leafscore", "criterion_id", "scoring_criterion"))
    with connection.cursor() as cursor:
        for table, column, target in keys:
            cursor.execute(f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS "
                           f"(SELECT 1 FROM {target} r WHERE r.id = t.{column})")
            if cursor.fetchone()[0]:
                sys.exit(f"bench_results: generated {table}.{column} points nowhere; the generator is wrong.")


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("scoring_block", "scoring_unit", "scoring_framework", "scoring_criterion", "scoring_gradetier",
                      "scoring_cycle", "scoring_assessment", "scoring_leafscore", "scoring_unitresult"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- Measuring ------------------------------------------------------------------------------------------------


def best_of(times, function):
    return min(timed(function) for _ in range(times))


def timed(function):
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def floor_query(year):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.unit_id, SUM(ls.final_score) FROM scoring_leafscore ls "
            "JOIN scoring_assessment a ON a.id = ls.assessment_id JOIN scoring_cycle c ON c.id = a.cycle_id "
            "WHERE c.year = %s GROUP BY a.unit_id", [year])
        return cursor.fetchall()


def time_compute(engine):
    first = timed(lambda: engine.results_compute(year=FIRST_YEAR))
    print(f"compute {FIRST_YEAR} (untimed warm-up, gives {SECOND_YEAR} its last year): {first:.3f} s")
    # Last year's results are months old in real life, so autovacuum has analyzed them: without this the
    # planner would see the empty table of the load and plan for no rows.
    analyze()
    runs = [timed(lambda: engine.results_compute(year=SECOND_YEAR)) for _ in range(3)]
    print(f"compute {SECOND_YEAR}: runs {', '.join(f'{run:.3f}' for run in runs)} s; best {min(runs):.3f} s, "
          f"median {statistics.median(runs):.3f} s")
    check_results(SECOND_YEAR)
    return min(runs)


def check_results(year):
    """The engine's A + X against the same sums in SQL, and one result per unit: a wrong fast engine is no win."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(rank), SUM(appraised + survey), SUM(incomplete::int), SUM((NOT comparable)::int) "
            "FROM scoring_unitresult WHERE year = %s", [year])
        results, ranked, points, incomplete, not_comparable = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(DISTINCT a.unit_id), SUM(ls.final_score) FILTER (WHERE cr.method IN ('appraised', 'survey') "
            "AND NOT ls.not_applicable) FROM scoring_leafscore ls JOIN scoring_assessment a ON a.id = ls.assessment_id "
            "JOIN scoring_cycle c ON c.id = a.cycle_id JOIN scoring_criterion cr ON cr.id = ls.criterion_id "
            "WHERE c.year = %s", [year])
        units, expected = cursor.fetchone()
    verdict = "ok" if (results, points) == (units, expected) else "MISMATCH"
    print(f"check {year}: {results} results for {units} units, {ranked} ranked, {incomplete} incomplete, "
          f"{not_comparable} not like for like; Σ(A+X) {points} vs leaves {expected}: {verdict}")


def measure_memory_in_child():
    """peak_mb is the peak RSS of a fresh process while it computes the year (Django and imports included)."""
    child = subprocess.run([sys.executable, __file__, "--measure-memory", str(SECOND_YEAR)], env=os.environ,
                           capture_output=True, text=True)
    if child.returncode:
        sys.exit(f"bench_results: the memory child failed:\n{child.stderr}")
    memory = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"memory (fresh process computing {SECOND_YEAR} in {memory['seconds']:.3f} s): peak RSS during compute "
          f"{memory['peak_mb']:.1f} MB = {memory['before_mb']:.1f} MB resident before (Django, imports, connection) "
          f"+ {memory['peak_mb'] - memory['before_mb']:.1f} MB; RSS after {memory['after_mb']:.1f} MB; "
          f"ru_maxrss {memory['ru_maxrss_mb']:.1f} MB (target peak < 300 MB)")
    return memory


def measure_memory(year):
    setup_django("bench_results", "2 years of BENCH-… data")
    from django.db import connection

    from scoring.services import results

    connection.ensure_connection()
    gc.collect()
    before = _status_mb("VmRSS")
    # Resets the high-water mark (VmHWM) to the current RSS, so the peak is the compute's, not the imports'.
    Path("/proc/self/clear_refs").write_text("5")
    seconds = timed(lambda: results.results_compute(year=year))
    print(json.dumps({"seconds": seconds, "before_mb": before, "peak_mb": _status_mb("VmHWM"),
                      "after_mb": _status_mb("VmRSS"),
                      "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _status_mb(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:")) / 1024


def time_refresh(engine):
    """One unit of the largest block: each round changes one of its leaves, then refreshes it and re-ranks."""
    from django.db import connection

    from scoring.models import UnitResult

    unit_id, block_size, leaf_id, max_points = refresh_target()
    runs, checks = [], []
    for round_number in range(5):
        before = UnitResult.objects.get(year=SECOND_YEAR, unit_id=unit_id).appraised
        with connection.cursor() as cursor:
            cursor.execute("SELECT final_score FROM scoring_leafscore WHERE id = %s", [leaf_id])
            old = cursor.fetchone()[0]
            new = max_points if old != max_points else Decimal(0)
            cursor.execute("UPDATE scoring_leafscore SET final_score = %s, appraised_score = %s, "
                           "version = version + 1 WHERE id = %s", [new, new, leaf_id])
        runs.append(timed(lambda: engine.results_refresh_units(year=SECOND_YEAR, unit_ids=[unit_id])) * 1000)
        checks.append(UnitResult.objects.get(year=SECOND_YEAR, unit_id=unit_id).appraised - before == new - old)
    print(f"refresh one unit (block of {block_size}) after one changed leaf: runs "
          f"{', '.join(f'{run:.1f}' for run in runs)} ms; median {statistics.median(runs):.1f} ms "
          f"(target < 200 ms); result follows the leaf: {'ok' if all(checks) else 'MISMATCH'}")
    return statistics.median(runs)


def refresh_target():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.id, (SELECT COUNT(*) FROM scoring_unit s WHERE s.block_id = u.block_id) AS size, ls.id, "
            "cr.max_points FROM scoring_unit u JOIN scoring_assessment a ON a.unit_id = u.id "
            "JOIN scoring_cycle c ON c.id = a.cycle_id AND c.year = %s "
            "JOIN scoring_leafscore ls ON ls.assessment_id = a.id JOIN scoring_criterion cr ON cr.id = ls.criterion_id "
            "WHERE u.code LIKE %s AND u.ranked AND cr.method = 'appraised' AND NOT ls.not_applicable "
            "AND ls.final_score IS NOT NULL ORDER BY size DESC, u.code, cr.position LIMIT 1",
            [SECOND_YEAR, PREFIX + "%"])
        return cursor.fetchone()


def profile_compute(engine):
    """Where one compute spends its time: statements grouped by kind and table, then the engine's functions.

    Rows read through a server-side cursor (QuerySet.iterator()) are fetched outside execute(): their time shows
    as psycopg2's fetchmany in the function list, not in the statements."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        wall = timed(lambda: profiler.runcall(engine.results_compute, year=SECOND_YEAR))
    kinds = {}
    for query in queries.captured_queries:
        count, seconds = kinds.get(_statement_kind(query["sql"]), (0, 0.0))
        kinds[_statement_kind(query["sql"])] = (count + 1, seconds + float(query["time"]))
    print(f"profile (under cProfile, so slower): wall {wall:.3f} s; {len(queries)} statements, execute() time:")
    for kind, (count, seconds) in sorted(kinds.items(), key=lambda item: -item[1][1]):
        print(f"  {seconds:7.3f} s  {count:5d} x  {kind}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(12)
    stats.sort_stats("cumulative").print_stats(r"scoring/", 20)


def _statement_kind(sql):
    words = sql.replace('"', "").split()
    verb = words[0].upper() if words else "?"
    tables = [word for word in words if word.startswith("scoring_") and "." not in word]
    return f"{verb} {', '.join(dict.fromkeys(tables))}"


if __name__ == "__main__":
    main()
