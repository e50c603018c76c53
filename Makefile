# SafeAtlas: `make demo` and `make test` are all a new machine needs.
SHELL := /bin/bash
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: install system venv vendor services stop migrate demo-data demo serve serve-events test lint bench messages \
	catalogue bench-system

install: system venv vendor

# Browser libraries for plain test and bench pages (scripts/vendor-js.sh pins them).
vendor:
	scripts/vendor-js.sh

system:
	scripts/install-system.sh

venv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install -q uv
	$(UV) sync --frozen --all-groups

services:
	scripts/services.sh up

stop:
	scripts/services.sh down

migrate: services
	set -a; source var/services.env; set +a; $(PY) manage.py migrate --noinput -v0
	set -a; source var/services.env; set +a; $(PY) manage.py oidc_key
	set -a; source var/services.env; set +a; $(PY) manage.py compilemessages -v0 --ignore=.venv

demo-data: migrate
	set -a; source var/services.env; set +a; $(PY) manage.py load_demo

demo: install demo-data
	set -a; source var/services.env; set +a; scripts/demo.sh $(HOST) $(PORT) $(WORKERS)

serve:
	set -a; source var/services.env; set +a; scripts/demo.sh $(HOST) $(PORT) $(WORKERS) --no-sensors

# The live event stream's own worker (ADR 0018): a proxy routes /monitoring/events here,
# each stream holds one of its threads, none of the site's.
EVENTS_PORT ?= 8001
EVENT_STREAMS ?= 64
serve-events:
	set -a; source var/services.env; set +a; EVENT_STREAMS_MAX=$(EVENT_STREAMS) \
	  .venv/bin/granian --interface wsgi geo.wsgi:application --host "$(HOST)" \
	  --port "$(EVENTS_PORT)" --workers 1 --blocking-threads $$(($(EVENT_STREAMS) + 4)) \
	  --log-level warning

test: install services
	set -a; source var/services.env; set +a; $(PY) manage.py compilemessages -v0 --ignore=.venv
	set -a; source var/services.env; set +a; $(PY) manage.py oidc_key
	set -a; source var/services.env; set +a; $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff check .
	.venv/bin/lint-imports

# The layer catalogue cross-cutting tests read (tests/layer_catalogue.json): rerun after
# adding or changing a Layer, commit the file. English titles need the compiled messages.
catalogue: venv
	$(PY) manage.py compilemessages -v0 --ignore=.venv
	$(PY) manage.py layer_catalogue

# What the benchmarks call besides the venv (wrk; bench/common.py TOOLS lists them).
bench-system:
	scripts/install-system.sh bench

bench: install bench-system migrate
	set -a; source var/services.env; set +a; $(PY) -m bench.run

messages:
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
