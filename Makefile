# One entry point for people and CI. Everything runs inside .venv, made on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check quick lint typecheck bench golden clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

## demo: ingest the bundled samples into a temporary lake, detect, print findings
demo: $(STAMP)
	$(BIN)/auditlake demo

## test: lint, types and every test, the slow suites included (what CI runs; ~3 min)
test: check

check: lint typecheck $(STAMP)
	$(BIN)/pytest -q

## quick: the tests without the slow suites (SIGKILL trials), for the edit-test loop
quick: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow setuptools' package-dir mapping, so it checks a mirror of the
# installed layout made of symlinks (auditlake/parsers -> parsers, ...).
typecheck: $(STAMP)
	rm -rf build/typecheck && mkdir -p build/typecheck/auditlake
	for f in auditlake/*; do ln -s "$$PWD/$$f" build/typecheck/auditlake/; done
	for d in parsers ingest queries; do ln -s "$$PWD/$$d" build/typecheck/auditlake/$$d; done
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml --cache-dir ../../.mypy_cache -p auditlake

## bench: the benchmark of issue 7 (not a test)
bench: $(STAMP)
	$(BIN)/python -m bench

golden: $(STAMP)
	$(BIN)/python -c "from auditlake.schema import write_golden; write_golden()"

clean:
	rm -rf build .mypy_cache .pytest_cache .ruff_cache
