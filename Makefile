# The two commands of the README: `make demo` and `make test`. Both install first.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
OUTDIR  ?= results/demo

.PHONY: install test test-fast lint demo clean browser nextflow image docs docs-config typed-options

# A Nextflow on PATH is used as it is; otherwise one is installed from Maven Central.
NEXTFLOW ?= $(shell command -v nextflow 2>/dev/null || echo scripts/nextflow/nextflow)
export NXF_HOME ?= $(CURDIR)/tools/nextflow/home
# Short runs (the demo, the tests' runs): Nextflow's JVM without its optimising JIT, half the CPU
export NXF_OPTS ?= -XX:TieredStopAtLevel=1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Headless Chromium (Debian's package) for the report's browser test.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

nextflow:
	@if [ "$(NEXTFLOW)" = scripts/nextflow/nextflow ]; then scripts/nextflow/install.sh; fi

# Tests run in parallel on the machine's cores; a file whose tests share a module fixture stays on one worker.
PYTEST_WORKERS ?= 2
PYTEST  := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=25

# The tests run with a private Docker engine up and the image built (scripts/with-docker.sh).
test: install lint browser nextflow
	PFJ_NEXTFLOW=$(NEXTFLOW) scripts/with-docker.sh $(PYTEST)

# The unit tier, for development: no pipeline run, no statistical validation (tests marked slow).
test-fast: install lint nextflow
	PFJ_NEXTFLOW=$(NEXTFLOW) $(PYTEST) -m "not slow"

# The configuration reference, rendered from the field tables the configuration is checked with.
docs-config: install
	$(PY) -m pyfermijobs.config.reference > docs/configuration.md.tmp && mv docs/configuration.md.tmp docs/configuration.md

# Each step's options class, generated from the step registry (tests/test_typing.py checks it is current).
typed-options: install
	$(PY) -m pyfermijobs.steps.typed_options_source > pyfermijobs/steps/typed_options.py.tmp && mv pyfermijobs/steps/typed_options.py.tmp pyfermijobs/steps/typed_options.py

# The documentation as a browsable site (build/site), mkdocs' bundled theme; a broken link or anchor fails.
docs: install
	MKDOCS=$(VENV)/bin/mkdocs scripts/build-docs.sh

image:
	scripts/with-docker.sh true

demo: install nextflow
	$(NEXTFLOW) run . -profile demo --outdir $(OUTDIR) -ansi-log false
	@echo "demo report: $(abspath $(OUTDIR))/report.html"

clean:
	rm -rf $(VENV) results work .nextflow .nextflow.log* tools .pytest_cache .ruff_cache
