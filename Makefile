# policyqa — the verbs a newcomer looks for. Everything installs into .venv from the package registries.
VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
INDEX   ?= .index

.PHONY: install run serve ingest test test-fast lint eval bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch 2.13.0 (CPU) comes from this machine's disk; any other torch request downloads gigabytes.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,st]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/policyqa ingest

$(INDEX)/CURRENT:
	$(MAKE) ingest

## run: set up, ingest if there is no index yet, then serve the chat + API on http://127.0.0.1:8000
run: install $(INDEX)/CURRENT
	$(BIN)/policyqa serve

serve: run

## test: the whole suite (real Chroma, real embedder, a real chroma server and headless Chromium)
test: install
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser and not server and not st"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

eval: install $(INDEX)/CURRENT
	$(BIN)/policyqa eval --baseline --out reports/eval

bench: install $(INDEX)/CURRENT
	$(BIN)/policyqa bench --out reports/bench.json

clean:
	rm -rf $(INDEX) reports artifacts .pytest_cache .mypy_cache .ruff_cache
