# Trực Tết assistant. `make run` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

APP_VENV  := .venv-app
RASA_VENV := .venv-rasa
APP_PY    := $(APP_VENV)/bin/python
RASA_PY   := $(RASA_VENV)/bin/python
RASA      := $(RASA_VENV)/bin/rasa
MODEL     := models/trutet.tar.gz
RASA_ENV  := PYTHONPATH=$(CURDIR) RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 \
             SQLALCHEMY_SILENCE_UBER_WARNING=1
MODEL_INPUTS := config.yml $(shell find domain nlu_data stories rasa_ext vntext -type f \
                  \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)

.PHONY: help setup system-packages run up down status test lint format train validate rasa-test bench clean \
        compose-config ingest organisations

help:  ## list targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# Debian packages (Tesseract OCR + Vietnamese, for scanned directives): a quick no-op when present.
system-packages:  ## install tesseract-ocr, tesseract-ocr-vie with apt-get when missing
	@bash ops/apt-ensure.sh tesseract-ocr tesseract-ocr-vie

$(APP_VENV)/.installed: requirements/app.txt | system-packages
	python3.11 -m venv $(APP_VENV) 2>/dev/null || python3 -m venv $(APP_VENV)
	$(APP_PY) -m pip install -q --upgrade pip
	$(APP_PY) -m pip install -q -r requirements/app.txt
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.txt
	PY310=$$(bash ops/find-python310.sh) && $$PY310 -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install -q "pip==24.0"
	$(RASA_PY) -m pip install -q -r requirements/rasa.txt
	touch $@

setup: $(APP_VENV)/.installed $(RASA_VENV)/.installed  ## create both virtualenvs (once)

$(MODEL): $(RASA_VENV)/.installed $(MODEL_INPUTS)
	$(RASA_ENV) $(RASA) train --data nlu_data stories --domain domain --config config.yml \
	  --out models --fixed-model-name trutet --quiet
	touch $@

train: $(MODEL)  ## train the Rasa model when its inputs changed

run: setup $(MODEL)  ## start everything; console chat (or Telegram if TELEGRAM_BOT_TOKEN); Ctrl-C stops
	@$(APP_PY) -m ops.stack run

up: setup $(MODEL)  ## start the stack detached; returns when every process is healthy
	@$(APP_PY) -m ops.stack up

down:  ## stop what `make up` started
	@if [ -x $(APP_PY) ]; then $(APP_PY) -m ops.stack down; fi

status:
	@$(APP_PY) -m ops.stack status

lint: $(APP_VENV)/.installed  ## ruff lint and format check, mypy on the 3.11 packages
	$(APP_VENV)/bin/ruff check .
	$(APP_VENV)/bin/ruff format --check .
	$(APP_VENV)/bin/mypy store vntext common bot

format: $(APP_VENV)/.installed
	$(APP_VENV)/bin/ruff check --fix .
	$(APP_VENV)/bin/ruff format .

compose-config:  ## docker-compose.yml is valid (no engine needed)
	@bash ops/compose-config.sh

validate: $(RASA_VENV)/.installed  ## rasa data validate
	$(RASA_ENV) $(RASA) data validate --data nlu_data stories --domain domain \
	  --config config.yml --fail-on-warnings --quiet

rasa-test: $(MODEL)  ## rasa test stories, failing on any prediction error
	$(RASA_ENV) $(RASA) test core --model $(MODEL) --stories tests/rasa \
	  --fail-on-prediction-errors --out var/rasa-test-results --quiet

test: setup lint compose-config validate $(MODEL) rasa-test  ## every test
	$(RASA_ENV) $(RASA_PY) -m pytest -q tests/actions
	$(APP_PY) -m pytest -q tests --ignore=tests/actions --ignore=tests/rasa

bench: setup $(MODEL)  ## latency/throughput/memory, knowledge accuracy, NLU cross-validation; var/bench/
	$(APP_PY) -m bench.stack_bench
	$(APP_PY) -m bench.knowledge_bench
	$(APP_PY) -m bench.retrieval_bench
	$(APP_PY) -m bench.nlu_cv
	$(APP_PY) -m bench.telegram_bench
	$(APP_PY) -m bench.ocr_bench

clean:  ## remove models and runtime data (keeps virtualenvs)
	rm -rf models var results

# A local .env (copied from .env.example) configures every target.
ifneq (,$(wildcard .env))
include .env
export
endif

ingest: $(APP_VENV)/.installed  ## load directives: make ingest FILE="a.docx b.pdf" [PROVINCE=… TET=… ISSUER=… DRY_RUN=1]
	@test -n "$(FILE)" || { echo 'Cách dùng: make ingest FILE="đường/dẫn/công-văn.docx" [PROVINCE="Nghệ An"] [TET=2027] [DRY_RUN=1]'; exit 2; }
	PYTHONPATH=$(CURDIR) $(APP_PY) -m store.ingest $(FILE) \
	  $(if $(PROVINCE),--province "$(PROVINCE)") $(if $(TET),--tet "$(TET)") \
	  $(if $(ISSUER),--issuer "$(ISSUER)") $(if $(filter 1 yes true,$(DRY_RUN)),--dry-run)

organisations: $(APP_VENV)/.installed  ## load the organisations expected to report: make organisations FILE=ds.csv
	@test -n "$(FILE)" || { echo 'Cách dùng: make organisations FILE="danh-sach-don-vi.csv"'; exit 2; }
	PYTHONPATH=$(CURDIR) $(APP_PY) -m store.load_organisations $(FILE)
