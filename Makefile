# judging: make run (demo server) and make test (whole suite). Everything else is a helper of those two.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
FLASK  := $(BIN)/flask --app judging
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run serve test install system-packages browser-packages migrate demo lint format extract messages translations clean-venv bench migration

run: demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production server: gunicorn with gunicorn.conf.py (HOST/PORT default 127.0.0.1:8000, WEB_CONCURRENCY).
serve: migrate
	$(BIN)/gunicorn -c gunicorn.conf.py 'judging:create_app()'

test: install system-packages browser-packages translations
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP):
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "Installing python3-venv (needs root)"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# What certificates need from the system: Pango and HarfBuzz's subsetter for WeasyPrint (without
# libharfbuzz-subset0 it falls back to a much slower font subsetter), Noto fonts for every script, and
# poppler-utils (pdftotext, pdftoppm) for the tests that read certificates back.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-noto-cjk poppler-utils

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing" $$missing "(needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

# What the browser tests (tests/e2e) need: Debian's Chromium (Playwright drives it; its own browser
# download is not used) with fonts for every script, and axe-core from tests/e2e/package-lock.json.
BROWSER_PACKAGES := chromium fonts-noto-core fonts-noto-cjk

browser-packages:
	@missing=$$(for p in $(BROWSER_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then echo "Installing" $$missing "(needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi
	@test -d tests/e2e/node_modules/axe-core || npm ci --prefix tests/e2e --no-audit --no-fund

migrate: install system-packages translations
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check judging tests bench
	$(BIN)/bandit -q -c pyproject.toml -r judging

format: install
	$(BIN)/ruff format judging tests bench
	$(BIN)/ruff check --fix .

# Translations: `make extract` writes the marked strings to messages.pot; `make messages` also merges
# them into every catalogue (new strings then need translating: tests/test_catalogues.py lists them);
# `make translations` compiles the catalogues (make run and make test do it).
extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --project judging --sort-by-file --no-wrap -o judging/translations/messages.pot .
	@test "$$(grep -c '^msgid ' judging/translations/messages.pot)" -gt 100 || { \
	  echo "Extraction found almost no messages: catalogues left untouched"; exit 1; }

messages: extract
	$(BIN)/pybabel update -i judging/translations/messages.pot -d judging/translations --no-wrap --ignore-obsolete

translations: install
	@if ls judging/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(BIN)/pybabel compile -d judging/translations >/dev/null; fi

bench: install
	@for script in bench/*.py; do [ -e "$$script" ] && $(BIN)/python $$script; done; true

clean-venv:
	rm -rf $(VENV)

# A new migration from the difference between the models and the database: make migration m="what changed"
migration: install
	JUDGING_INSTANCE_PATH=$$(mktemp -d) sh -c '$(FLASK) db upgrade && $(FLASK) db migrate -m "$(m)"'
