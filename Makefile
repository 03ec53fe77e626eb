# policyqa — the verbs a newcomer looks for. Everything installs into .venv from the package registries.
VENV    ?= .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
HASH    := $(shell sha1sum pyproject.toml | cut -c1-12)
# Two installs: BASE (what running needs: the bundled embedder, no torch, no test tools) and FULL
# (BASE + the dev tools + sentence-transformers, for test and lint). FULL implies BASE.
BASE    := $(VENV)/.installed-base-$(HASH)
STAMP   := $(VENV)/.installed-$(HASH)
INDEX   ?= .index

.PHONY: install install-base run serve ingest test test-fast lint eval bench wheel clean

$(BASE): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	rm -f $(VENV)/.installed-base-* && touch $(BASE)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch 2.13.0 (CPU) comes from this machine's disk; any other torch request downloads gigabytes.
	# It goes in first, so the st extra's sentence-transformers finds its torch already satisfied.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,st]'
	rm -f $(VENV)/.installed-* && touch $(STAMP) $(BASE)

## install-base: what `make run` needs (no test tools, no torch); install: everything `make test` needs
install-base: $(BASE)

install: $(STAMP)

ingest: install-base
	$(BIN)/policyqa ingest

$(INDEX)/CURRENT:
	$(MAKE) ingest

## run: set up, ingest if there is no index yet, then serve the chat + API on http://127.0.0.1:8000
run: install-base $(INDEX)/CURRENT
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

eval: install-base $(INDEX)/CURRENT
	$(BIN)/policyqa eval --baseline --out reports/eval

bench: install-base $(INDEX)/CURRENT
	$(BIN)/policyqa bench --out reports/bench.json

## wheel: dist/policyqa-<version>-py3-none-any.whl (the source document inside), for `pip install` anywhere
wheel: install-base
	$(PY) -m pip wheel -q --no-deps -w dist .

clean:
	rm -rf $(INDEX) reports artifacts build dist .pytest_cache .mypy_cache .ruff_cache
