# chatmod developer tasks. `make demo` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
PY312 ?= $(shell PYENV_VERSION=3.12.1 pyenv which python 2>/dev/null || command -v python3.12)
PY311 ?= $(shell PYENV_VERSION=3.11.7 pyenv which python 2>/dev/null || command -v python3.11)
VENV := .venv
TORCH_VENV := .venv-torch
PY := $(VENV)/bin/python
EVENT ?= events/review/clean.json
FUNCTION ?= ReviewFunction
PORT ?= 8700
export SAM_CLI_TELEMETRY := 0

.PHONY: setup setup-torch setup-e2e demo dev invoke invoke-escalation test test-unit test-integration test-e2e test-torch lint typecheck sam-validate sam-build bench eval clean

$(VENV)/.stamp: requirements/dev.txt layers/chatmod/requirements.txt pyproject.toml
	@test -n "$(PY312)" || { echo "Python 3.12 not found (pyenv install 3.12.1)"; exit 1; }
	$(PY312) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	$(PY) -m pip install -q -e . --no-deps
	touch $@

$(TORCH_VENV)/.stamp: requirements/torch.txt pyproject.toml
	@test -n "$(PY311)" || { echo "Python 3.11 not found (pyenv install 3.11.7)"; exit 1; }
	$(PY311) -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/pip install -q -r requirements/torch.txt
	$(TORCH_VENV)/bin/pip install -q -e . --no-deps
	touch $@

node_modules/.stamp: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or newer (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.stamp
setup-torch: $(TORCH_VENV)/.stamp
setup-e2e: setup node_modules/.stamp
	scripts/install-browser.sh

## The main job: every sample event through the real review handler (embedded model).
demo: setup
	$(PY) -m chatmod_local.demo

## The local IVS Chat room and its page: make dev [PORT=8700] [POLICY=my-policy.yaml]
dev: setup node_modules/.stamp
	$(PY) -m chatmod_local.room --port $(PORT) $(if $(POLICY),--policy $(POLICY))

## One event through a template function, Docker-less: make invoke EVENT=events/review/profanity.json
invoke: setup
	$(PY) -m chatmod_local.invoke $(FUNCTION) -e $(EVENT)

## Escalation events through EscalationFunction, AWS-free (memory ledger, dry-run ivschat), with
## the shipped second-opinion model: make invoke-escalation [EVENT=events/escalation/strike.json]
invoke-escalation: setup
	$(PY) -m chatmod_local.invoke EscalationFunction \
	  -e $(if $(filter command line environment,$(origin EVENT)),$(EVENT),events/escalation) \
	  --env CHATMOD_LEDGER=memory CHATMOD_ACTIONS_DRY_RUN=true CHATMOD_MODERATION_STORE=memory

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy
	for fn in functions/*/; do $(VENV)/bin/mypy $$fn/app.py || exit 1; done
	$(VENV)/bin/mypy chatmod_local/room

sam-validate: setup
	source $(VENV)/bin/activate && sam validate --lint --region us-east-1

sam-build: setup
	source $(VENV)/bin/activate && sam build --build-dir .aws-sam/build --cache-dir .aws-sam/cache

## Unit tests: no sockets, no servers, no AWS emulation.
test-unit: setup
	$(VENV)/bin/pytest -q tests/unit

## Integration tests: the local room on real sockets, moto, the built package.
test-integration: setup
	$(VENV)/bin/pytest -m "not torch and not e2e" -q tests/integration

## The local room end to end: the npm SDK in Node (under `ws` and Node's own WebSocket), and
## the page in headless Chromium (with an axe-core accessibility check).
test-e2e: setup-e2e
	$(VENV)/bin/pytest -m e2e -q tests/e2e

test-torch: setup-torch
	$(TORCH_VENV)/bin/pytest -m torch -q tests/torch

## The whole test suite (what CI runs).
test: lint typecheck sam-validate sam-build test-unit test-integration test-e2e test-torch

## Benchmarks: figures printed, never asserted.
bench: setup setup-torch sam-build
	$(PY) -m bench.handler_latency
	$(PY) -m bench.sanctions_latency
	$(PY) -m bench.held_rates
	$(PY) -m bench.cold_start
	$(PY) -m bench.crafted_search
	$(PY) -m bench.policy_bombs
	$(PY) -m bench.invisible_characters
	$(PY) -m bench.big_policy
	$(PY) -m bench.review_memory
	$(TORCH_VENV)/bin/python -m training.bench_backends
	$(PY) -m bench.package_size

## Model and pipeline metrics on the dev splits of ../shared/data, next to alt-profanity-check;
## then the figures that count: sources the model never trained on (held-out benign judges,
## Toxic Spans, attribution against rater spans) and the leave-one-source-out tables (~1 h).
eval: setup-torch
	@test -d ../shared/data || { echo "../shared/data not found: put the shared data folder beside this clone (../shared)"; exit 1; }
	$(TORCH_VENV)/bin/python -m training.evaluate
	$(TORCH_VENV)/bin/python -m training.evaluate_chat --markdown artifacts/eval_chat.md
	$(TORCH_VENV)/bin/python -m training.evaluate_multilingual --markdown artifacts/eval_multilingual.md
	$(TORCH_VENV)/bin/python -m training.evaluate_languages --markdown artifacts/eval_languages.md
	$(TORCH_VENV)/bin/python -m training.evaluate_heldout --markdown artifacts/eval_heldout.md
	$(TORCH_VENV)/bin/python -m training.evaluate_spans
	$(TORCH_VENV)/bin/python -m training.threat_rules --markdown artifacts/threat_rules.md
	$(TORCH_VENV)/bin/python -m training.loso --markdown artifacts/loso.md

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
