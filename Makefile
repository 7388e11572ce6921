# The two commands of the README: `make demo` and `make test`. Both install first.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
OUTDIR  ?= results/demo

.PHONY: install test lint demo clean browser

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

test: install lint browser
	$(PY) -m pytest

demo: install
	$(VENV)/bin/pfj chain --master assets/demo/master.yaml --outdir $(OUTDIR) --overwrite
	@echo "demo report: $(abspath $(OUTDIR))/report.html"

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache
