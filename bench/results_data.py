"""The results bench's data (bench/bench_results.py): a national-scale set of blocks BENCH-…, two years of
frameworks, cycles, units, assessments and leaf scores, loaded by COPY. Nothing else in the database is touched."""
import functools
import random
import sys
import time
from decimal import Decimal

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
