# Two commands on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORES  ?= all
STAMP  := $(VENV)/.installed

.PHONY: report quick test test-slow test-all lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

report: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)
	@echo "Report: $(CURDIR)/results/report/report.html and $(CURDIR)/results/report/report.pdf"

quick: $(STAMP)
	$(BIN)/snakemake --cores $(CORES) --configfile config/quick.yaml
	@echo "Report: $(CURDIR)/results/report/report.html and $(CURDIR)/results/report/report.pdf"

# The unit tests and one run of the quick graph (minutes); test-all adds the slow tests.
test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

test-all: test test-slow

lint: $(STAMP)
	$(BIN)/snakemake --lint

clean:
	rm -rf results logs .snakemake
