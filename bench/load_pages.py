"""Load test of the leaders' pages (issue 6 "Speed"). Not a test: it prints numbers.

    DATABASE_URL=postgres://... .venv/bin/python bench/load_pages.py        (or `make bench-pages`)

It migrates the database it is given and loads (set-based: COPY) one block of UNITS (10,000) units coded LOAD-…
with a UnitResult per unit for two years (2088, 2089; 8 area indices each, grades, ranks and year-over-year
changes), a framework of 120 leaves per year, one unit's appraised file (its scorecard's criteria tree) and a
leader account. It then starts gunicorn (WORKERS sync workers, DEBUG off) on a free port, signs CONNECTIONS
sessions in through the login form, and runs `wrk` with one connection per session (CONNECTIONS concurrent users)
for DURATION seconds on each page, after a short warm-up, twice: with no wait between a session's pages (the
server saturated: its capacity) and with each session waiting THINK_MS (1 s, ± 50 %) between pages, as people
reading a dashboard do:

- the ranking dashboard of the block, first page (50 rows, headline figures, charts, heatmap);
- the scorecard of one unit of the block, when that route exists.

For each page it prints the client's view (wrk: p50/p95/p99 latency and requests/s, queueing included) and the
server's (gunicorn's own request time of every answered request, %(M)s in its access log: p50/p95/p99, and the
status codes, so a redirect to the login page can't pass for a fast dashboard). The generated rows are deleted at
the end (BENCH_KEEP=1 keeps them, and the next run reuses them).
"""
import http.cookiejar
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.postgres import database_label, setup_django  # noqa: E402
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
os.environ.setdefault("STATIC_MANIFEST", "0")  # as the gunicorn below: no collectstatic needed

PREFIX = "LOAD-"
YEARS = (2088, 2089)
USERNAME, PASSWORD = "load-lanhdao", "load-bench-mat-khau-2089"
SEED = 6
AREAS = ("1", "2", "3", "4", "5", "6", "7", "8")
GRADES = (("XS", "Xuất sắc", 90), ("TOT", "Tốt", 80), ("KHA", "Khá", 70), ("TB", "Trung bình", 50), ("YEU", "Yếu", 0))
UNITS = int(os.environ.get("UNITS", "10000"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "20"))
DURATION = int(os.environ.get("DURATION", "20"))
WARMUP = int(os.environ.get("WARMUP", "4"))
WORKERS = int(os.environ.get("WORKERS", "4"))
THINK_MS = int(os.environ.get("THINK_MS", "1000"))  # 0: saturation only
TARGET_MS = 150


def main():
    setup_django("bench-pages", "LOAD-… rows")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"bench-pages: block of {UNITS} units, years {YEARS[0]}-{YEARS[1]}, database {database_label()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    if shutil.which("wrk") is None:
        sys.exit("bench-pages: needs wrk (Debian: apt-get install wrk).")
    if os.environ.get("BENCH_REGENERATE") or not generated():
        generate()
    unit_id = scorecard_unit()
    pages = [("dashboard", f"/dashboard/?year={YEARS[1]}&block={PREFIX}B01")]
    scorecard = scorecard_path(unit_id)
    if scorecard:
        pages.append(("scorecard", scorecard))
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    server = Server(workdir)
    try:
        server.start()
        cookies = [server.login() for _ in range(CONNECTIONS)]
        for name, path in pages:
            cpu_per_request(name, path, cookies[0])
            for think_ms in (0, THINK_MS) if THINK_MS else (0,):
                measure(server, name, path, cookies, think_ms)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if not os.environ.get("BENCH_KEEP"):
            wipe()
            print("generated rows deleted (BENCH_KEEP=1 keeps them)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} (other work on the machine skews every number)")


# --- The data --------------------------------------------------------------------------------------------------


def generated():
    from scoring.models import UnitResult

    return UnitResult.objects.filter(block__code=f"{PREFIX}B01", year=YEARS[1]).count() == UNITS


def generate():
    started = time.perf_counter()
    wipe()
    from bench.bench_results import create_criteria  # the 2017 province shape: 8 areas, 120 leaves

    block = create_block()
    frameworks = create_frameworks(block)
    leaves = create_criteria(frameworks.values())
    create_cycles(block, frameworks)
    units = copy_units(block)
    copy_results(block, frameworks, units)
    score_one_file(frameworks[YEARS[1]], leaves[frameworks[YEARS[1]].pk], units)
    create_leader()
    analyze()
    print(f"generated {len(units)} units and {2 * len(units)} results in {time.perf_counter() - started:.1f} s")


def wipe():
    from django.db import connection, transaction

    blocks = f"SELECT id FROM scoring_block WHERE code LIKE '{PREFIX}%'"
    units = f"SELECT id FROM scoring_unit WHERE code LIKE '{PREFIX}%'"
    frameworks = f"SELECT id FROM scoring_framework WHERE block_id IN ({blocks})"
    statements = [
        f"DELETE FROM scoring_unitresult WHERE block_id IN ({blocks}) OR unit_id IN ({units})",
        f"DELETE FROM scoring_leafscore WHERE assessment_id IN (SELECT id FROM scoring_assessment "
        f"WHERE unit_id IN ({units}))",
        f"DELETE FROM scoring_assessment WHERE unit_id IN ({units})",
        f"DELETE FROM scoring_cycle WHERE block_id IN ({blocks})",
        f"DELETE FROM scoring_gradetier WHERE framework_id IN ({frameworks})",
        f"DELETE FROM scoring_criterion WHERE framework_id IN ({frameworks})",
        f"DELETE FROM scoring_framework WHERE block_id IN ({blocks})",
        f"DELETE FROM scoring_unit WHERE code LIKE '{PREFIX}%'",
        f"DELETE FROM scoring_block WHERE code LIKE '{PREFIX}%'",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    from scoring.models import User

    User.objects.filter(username=USERNAME).delete()


def create_block():
    from scoring.models import Block

    return Block.objects.create(code=f"{PREFIX}B01", name="Khối đo tải (10.000 đơn vị)", position=950)


def create_frameworks(block):
    from scoring.models import Framework, GradeTier

    frameworks = {year: Framework.objects.create(year=year, block=block, code=f"{PREFIX}{year}",
                                                 name=f"Bộ chỉ số đo tải {year}", version="LOAD/2088")
                  for year in YEARS}
    GradeTier.objects.bulk_create(
        GradeTier(framework=framework, code=code, label=label, min_index=Decimal(minimum), position=position)
        for framework in frameworks.values() for position, (code, label, minimum) in enumerate(GRADES))
    return frameworks


def create_cycles(block, frameworks):
    from scoring.models import Cycle

    Cycle.objects.bulk_create(Cycle(year=year, block=block, framework=framework, is_open=False)
                              for year, framework in frameworks.items())


def copy_units(block):
    from bench.bench_results import copy
    from scoring.models import Unit

    rows = (f"{PREFIX}U{number:05d}\tĐơn vị đo tải {number:05d}\t{block.pk}\t\tt\tt\n"
            for number in range(1, UNITS + 1))
    copy("scoring_unit", ("code", "name", "block_id", '"group"', "ranked", "active"), rows)
    return list(Unit.objects.filter(code__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))


def copy_results(block, frameworks, units):
    """Two years of results: each unit keeps a level with some drift, so ranks and indices move both ways."""
    from bench.bench_results import copy

    rng = random.Random(SEED)
    level = {unit: rng.uniform(0.45, 0.97) for unit in units}
    previous = {}
    columns = ("year", "block_id", "unit_id", "framework_id", '"group"', "ranked", "appraised", "survey", "bonus",
               "penalty", "total", "max_total", "index", "survey_index", "grade", "rank", "previous_index",
               "previous_rank", "index_change", "rank_change", "comparable", "incomplete", "areas", "computed_at")
    for year in YEARS:
        areas = {unit: [min(Decimal(1), max(Decimal(0), Decimal(str(round(level[unit] + rng.gauss(0, .06), 4)))))
                        for _area in AREAS] for unit in units}
        indices = {unit: _round(sum(shares) / len(shares) * 100) for unit, shares in areas.items()}
        ranks = _ranks(indices)
        rows = (_result_row(year, block, frameworks[year], unit, indices[unit], ranks[unit], areas[unit],
                            previous.get(unit)) for unit in units)
        copy("scoring_unitresult", columns, rows)
        previous = {unit: (indices[unit], ranks[unit], areas[unit]) for unit in units}
        level = {unit: min(.99, max(.3, share + rng.gauss(0, .03))) for unit, share in level.items()}


def _result_row(year, block, framework, unit, index, rank, shares, previous):
    total = index  # a framework of 100 points: the total is the index
    grade = next(code for code, _label, minimum in GRADES if index >= minimum)
    areas = ",".join(
        f'{{"code": "{code}", "points": "{_round(share * 12):.3f}", "max": "12.000", "index": "{_round(share * 100)}", '
        f'"change": {_change(share, previous and previous[2][number])}}}'
        for number, (code, share) in enumerate(zip(AREAS, shares)))
    if previous:
        last_index, last_rank, _areas = previous
        changes = f"{last_index}\t{last_rank}\t{index - last_index}\t{last_rank - rank}\tt"
    else:
        changes = "\\N\t\\N\t\\N\t\\N\t\\N"
    return (f"{year}\t{block.pk}\t{unit}\t{framework.pk}\t\tt\t{total}\t0\t0\t0\t{total}\t100\t{index}\t\\N\t{grade}\t"
            f"{rank}\t{changes}\tf\t[{areas}]\t2089-01-05T08:00:00+07:00\n")


def _change(share, last):
    return "null" if last is None else f'"{_round(share * 100) - _round(last * 100)}"'


def _round(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _ranks(indices):
    """Competition ranking (1, 2, 2, 4), highest index first."""
    ranks, last, rank = {}, None, 0
    for position, (unit, index) in enumerate(sorted(indices.items(), key=lambda item: -item[1]), start=1):
        rank = rank if index == last else position
        ranks[unit], last = rank, index
    return ranks


def score_one_file(framework, leaves, units):
    """The scorecard's unit (the middle of the table) gets its appraised file: 120 leaf scores."""
    from scoring.models import Assessment, Cycle, LeafScore

    cycle = Cycle.objects.get(year=framework.year, block=framework.block)
    assessment = Assessment.objects.create(cycle=cycle, unit_id=units[len(units) // 2], status="appraised")
    rng = random.Random(SEED)
    LeafScore.objects.bulk_create(
        LeafScore(assessment=assessment, criterion_id=criterion_id, self_score=maximum,
                  final_score=(maximum * Decimal(rng.choice((1, 1, 0.75, 0.5)))).quantize(Decimal("0.001")),
                  appraisal_reason="" if rng.random() < .8 else "Tài liệu kiểm chứng chưa đầy đủ")
        for criterion_id, (_method, maximum) in leaves)


def scorecard_unit():
    from scoring.models import Assessment

    return Assessment.objects.filter(unit__code__startswith=PREFIX, cycle__year=YEARS[1]).values_list(
        "unit_id", flat=True).first()


def scorecard_path(unit_id):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("scoring:scorecard", kwargs={"pk": unit_id, "year": YEARS[1]})
    except NoReverseMatch:
        print("the scorecard route does not exist yet: only the dashboard is measured")
        return None


def create_leader():
    from scoring.models import Role, User

    User.objects.create_user(USERNAME, password=PASSWORD, role=Role.LEADER, first_name="Đo tải")


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("scoring_unit", "scoring_unitresult", "scoring_leafscore", "scoring_criterion"):
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- The server and the load -----------------------------------------------------------------------------------


class Server:
    """gunicorn serving the project as in production (DEBUG off), logging each request's time in ms."""

    def __init__(self, workdir):
        self.workdir, self.port, self.process = workdir, free_port(), None
        self.log = workdir / "access.log"
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self):
        env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "STATIC_MANIFEST": "0",
               "LOG_LEVEL": "WARNING"}
        command = [str(Path(sys.executable).parent / "gunicorn"), "parindex.wsgi", "--workers", str(WORKERS),
                   "--bind", f"127.0.0.1:{self.port}", "--access-logfile", str(self.log),
                   "--access-logformat", "%(s)s %(M)s %(U)s", "--backlog", "256"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(self.workdir / "error.log", "w"))
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1)
                print(f"gunicorn: {WORKERS} workers on 127.0.0.1:{self.port}, DEBUG off")
                return
            except OSError:
                time.sleep(0.2)
        sys.exit(f"bench-pages: gunicorn did not start; see {self.workdir / 'error.log'}")

    def login(self):
        """Signs in through the login form like a browser: a session of its own, its cookie for wrk."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"{self.url}/accounts/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token})
        opener.open(urllib.request.Request(f"{self.url}/accounts/login/", data=data.encode(),
                                           headers={"Referer": f"{self.url}/accounts/login/"}))
        cookies = {cookie.name: cookie.value for cookie in jar}
        if "sessionid" not in cookies:
            sys.exit("bench-pages: signing in failed")
        return "; ".join(f"{name}={value}" for name, value in cookies.items())

    def log_lines(self):
        return self.log.read_text().splitlines() if self.log.exists() else []

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


WRK_SCRIPT = """
local cookies = {%s}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("cookie", cookies[(count - 1) %% #cookies + 1])
end
function init(args)
  wrk.headers["Cookie"] = cookie
  math.randomseed(count * 7919)
end
function delay()
  if %d == 0 then return 0 end
  return math.random(%d, %d)
end
function done(summary, latency, requests)
  io.write(string.format("WRK requests=%%d seconds=%%.2f rps=%%.1f p50=%%.1f p95=%%.1f p99=%%.1f max=%%.1f "
                         .. "errors=%%d\\n", summary.requests, summary.duration / 1e6,
                         summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
                         latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
                         summary.errors.status + summary.errors.connect + summary.errors.read
                         + summary.errors.write + summary.errors.timeout))
end
"""


def measure(server, name, path, cookies, think_ms):
    """One wrk run on `path`, every session waiting think_ms (± 50 %) between its answer and its next request."""
    script = server.workdir / "load.lua"
    script.write_text(WRK_SCRIPT % (", ".join(f'"{cookie}"' for cookie in cookies), think_ms, think_ms // 2,
                                    think_ms * 3 // 2))
    wrk = ["wrk", f"-t{CONNECTIONS}", f"-c{CONNECTIONS}", "--latency", "-s", str(script), "--timeout", "10s",
           server.url + path]
    subprocess.run([*wrk[:3], "-d", f"{WARMUP}s", *wrk[3:]], capture_output=True, check=True)  # warm-up
    before = len(server.log_lines())
    load = os.getloadavg()[0]
    output = subprocess.run([*wrk[:3], "-d", f"{DURATION}s", *wrk[3:]], capture_output=True, text=True,
                            check=True).stdout
    client = dict(re.findall(r"(\w+)=([\d.]+)", output.split("WRK ", 1)[1]))
    lines = [line.split(" ", 2) for line in server.log_lines()[before:]]
    times = sorted(float(ms) for status, ms, url in lines if url == path.split("?")[0])
    statuses = {}
    for status, _ms, _url in lines:
        statuses[status] = statuses.get(status, 0) + 1
    server_side = {p: percentile(times, p) for p in (50, 95, 99)}
    users = f"{CONNECTIONS} sessions, " + (f"each waiting ~{think_ms} ms between pages" if think_ms else
                                            "no wait between pages (saturation)")
    print(f"{name}: GET {path}, {users}, {DURATION} s (load average {load:.2f})")
    print(f"  client (wrk): {client['requests']} requests, {float(client['rps']):.1f} req/s, p50 "
          f"{client['p50']} ms, p95 {client['p95']} ms, p99 {client['p99']} ms, max {client['max']} ms, "
          f"errors {client['errors']}")
    print(f"  server (gunicorn request time): p50 {server_side[50]:.0f} ms, p95 {server_side[95]:.0f} ms, "
          f"p99 {server_side[99]:.0f} ms; statuses {statuses}")
    verdict = "met" if float(client["p95"]) < TARGET_MS else "missed"
    mode = "think" if think_ms else "saturated"
    print(f"  {name}_{mode}_p95_ms={float(client['p95']):.1f} (client, target < {TARGET_MS}: {verdict}) "
          f"server_p95_ms={server_side[95]:.0f} rps={float(client['rps']):.1f}")


def cpu_per_request(name, path, cookie, times=30):
    """The Python CPU time of one request, served in this process by Django's WSGI handler (the same middleware and
    view as gunicorn's workers run; PostgreSQL's own work is not counted): what the machine's load barely moves."""
    import io

    from django.core.handlers.wsgi import WSGIHandler

    handler, target, query = WSGIHandler(), *(path.split("?", 1) + [""])[:2]

    def request():
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": target, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": cookie, "wsgi.input": io.BytesIO(),
                   "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr}
        statuses = []
        b"".join(handler(environ, lambda status, headers: statuses.append(status)))
        if not statuses[0].startswith("200"):
            sys.exit(f"bench-pages: {path} answered {statuses[0]} in process")

    for _ in range(5):
        request()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(times):
        request()
    print(f"{name}: one request at a time, in process: {1000 * (time.process_time() - cpu) / times:.1f} ms of "
          f"Python CPU, {1000 * (time.perf_counter() - wall) / times:.1f} ms wall (database included)")


def percentile(values, p):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


if __name__ == "__main__":
    main()
