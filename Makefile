# parindex: `make run` serves the demo province, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
UNITS ?= 12000

.PHONY: run test install messages migrate demo worker bench-results check-deploy clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# The compiled catalogue is committed too (a test checks it matches the .po), so a machine without gettext
# still runs; with msgfmt present it is rebuilt from the .po.
messages: install
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v0; \
	else echo "msgfmt (gettext) không có: dùng bản dịch đã biên dịch sẵn trong locale/"; fi

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo: migrate messages
	$(PY) manage.py seed_demo

# DEBUG stays off so a mistyped link shows the site's own 404 page, as in production (tracebacks still reach the
# console through logging); static files come from static/ directly, no collectstatic needed.
run: demo
	DEBUG=$${DEBUG:-0} STATIC_MANIFEST=0 STATIC_FINDERS=1 $(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(BIN)/celery -A parindex worker -l info --concurrency=2

test: install messages
	$(BIN)/pytest $(PYTEST_ARGS)

bench-results: install
	UNITS=$(UNITS) $(PY) bench/bench_results.py

check-deploy: install
	DEBUG=0 HTTPS=1 SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
		ALLOWED_HOSTS=$${ALLOWED_HOSTS:-parindex.example.gov.vn} $(PY) manage.py check --deploy --fail-level WARNING

# The Dockerfile's build and start outside Docker: DEBUG=0 collectstatic, migrate, gunicorn, login page and its
# static files must answer 200 (needs DATABASE_URL; CI runs it too).
.PHONY: prod-smoke
prod-smoke: install
	PY=$(PY) GUNICORN=$(BIN)/gunicorn bash .ci/prod-smoke

clean:
	rm -rf $(VENV) var/static

# Survey points at national scale (needs DATABASE_URL=postgres://…; see docs/benchmarks.md, "Survey points").
RESPONSES ?= 500000
.PHONY: bench-surveys
bench-surveys: install
	RESPONSES=$(RESPONSES) UNITS=$(UNITS) $(PY) bench/bench_survey_points.py

# Inflating workbooks (issue 13): time and peak memory of every reader's refusal, each in a fresh process.
.PHONY: bench-bombs
bench-bombs: install
	$(PY) bench/workbook_bombs.py

# A DDCI edition at national scale (needs DATABASE_URL=postgres://…; see docs/benchmarks.md, "DDCI").
.PHONY: bench-ddci
bench-ddci: install
	RESPONSES=$(RESPONSES) UNITS=$(UNITS) $(PY) bench/bench_ddci.py

# Leaders' pages under load: a block of 10,000 units, 20 concurrent sessions, wrk against gunicorn (needs
# DATABASE_URL=postgres://… and wrk; see docs/benchmarks.md, "Dashboard and scorecard under load").
.PHONY: bench-pages
bench-pages: install
	$(PY) bench/load_pages.py
