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
import gc
import json
import os
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

from bench.results_data import FIRST_YEAR, PREFIX, SECOND_YEAR, analyze, generate  # noqa: E402


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
