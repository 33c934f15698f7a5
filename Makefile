# tipgap: the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
DEMO_OUT ?= demo-out
CORPUS_OUT ?= /tmp/tipgap-corpus-out
REPORT_OUT ?= /tmp/tipgap-report-check

.PHONY: help venv system demo test test-fast eval-coverage eval-segment eval-extract bench samples lint clean chromium report-check fuzz

help:
	@echo "make demo           scan the bundled sample statutes (creates the virtualenv first)"
	@echo "make test           run the test suite (creates/updates the virtualenv first)"
	@echo "make eval-coverage  score ../shared/corpus against corpora/gold (rules only, and leave-one-jurisdiction-out models)"
	@echo "make eval-segment   segmentation evaluation on ../shared/corpus"
	@echo "make eval-extract   extraction evaluation on PDFs rendered from ../shared/corpus"
	@echo "make bench          speed and scale benchmark (writes benchmarks/RESULTS.md)"
	@echo "make fuzz           long fuzz run: property tests (long profile) and 10,000 mutated PDFs (writes benchmarks/FUZZ.md)"
	@echo "make samples        re-render the sample statute PDFs from corpora/samples/sources"
	@echo "make report-check   open the samples' report.html in headless Chromium, click a cell, screenshot it"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# OCR and PDF rendering tools from Debian, installed where missing and possible (root + apt-get).
system:
	@if ! command -v tesseract >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing tesseract-ocr and poppler-utils (apt-get)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng poppler-utils >/dev/null) \
	      || echo "warning: apt-get failed; scanned pages will be reported, not OCR'd"; \
	  else \
	    echo "warning: tesseract not found and cannot be installed here; scanned pages will be reported, not OCR'd"; \
	  fi; \
	fi

demo: $(STAMP)
	$(BIN)/tipgap scan corpora/samples/statutes --out $(DEMO_OUT)
	@echo
	@echo "Outputs are in $(DEMO_OUT)/: coverage.csv, evidence.csv, provisions.csv, problems.csv, documents.csv"
	@echo "Try: $(BIN)/tipgap explain $(DEMO_OUT) XCO aml-predicate-offence"

test: $(STAMP) system
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# Issue 6: rules only, then each gold jurisdiction scanned with a tagging model fitted without its
# annotations (leave one jurisdiction out; models cached in .cache/lojo-models). About 10-20 minutes cold.
eval-coverage: $(STAMP) system
	$(BIN)/python benchmarks/eval_coverage.py --corpus $(SHARED)/corpus --out $(CORPUS_OUT) --jobs 2 \
	  --report corpora/gold/EVAL.md

eval-segment: $(STAMP)
	$(BIN)/python benchmarks/eval_segment.py

eval-extract: $(STAMP) system
	$(BIN)/python benchmarks/eval_extract.py

# Speed and scale (issue 8): pages/s of pdfplumber, pdftotext and the scan (1 job, 2 jobs, warm),
# peak memory, a Dask run; writes benchmarks/RESULTS.md. Takes several minutes; not a test.
bench: $(STAMP) system
	$(BIN)/python benchmarks/bench.py

# Issue 9: the long fuzz run. Property tests with the long hypothesis profile (the short one runs
# in `make test`), then 10,000 mutated sample PDFs through extraction with 2 workers and a 30 s
# limit per file; failing variants are saved under $(FUZZ_CRASH_DIR). About an hour.
FUZZ_VARIANTS ?= 10000
FUZZ_SEED ?= 0
FUZZ_CRASH_DIR ?= /tmp/tipgap-fuzz-crashes
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest -q -m fuzz --deselect tests/test_fuzz_extract.py::test_short_fuzz_run
	$(BIN)/python benchmarks/fuzz_pdfs.py --variants $(FUZZ_VARIANTS) --seed $(FUZZ_SEED) --jobs 2 --timeout 30 \
	  --crash-dir $(FUZZ_CRASH_DIR) --out benchmarks/FUZZ.md

samples: $(STAMP)
	$(BIN)/python corpora/samples/make_pdfs.py

# Headless Chromium from Debian, installed only when missing (for make report-check).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "error: chromium is missing; install it with: sudo apt-get install -y chromium" >&2; exit 1; \
	  fi; \
	fi

report-check: $(STAMP) chromium
	$(BIN)/tipgap scan corpora/samples/statutes --out $(REPORT_OUT) --force -q
	$(BIN)/python benchmarks/report_check.py $(REPORT_OUT)/report.html --screenshot $(REPORT_OUT)/report-check.png
	@echo "Screenshot: $(REPORT_OUT)/report-check.png; printed PDF: $(REPORT_OUT)/report-check.pdf"

lint: $(STAMP)
	$(BIN)/python -m ruff check analyser tests || true

clean:
	rm -rf $(DEMO_OUT) build dist *.egg-info .pytest_cache

# Issue 5: the tagging model. `make train` re-makes models/$(MODEL_NAME) from corpora/annotations and the
# statutes; `make eval` prints and writes its leave-one-jurisdiction-out EVAL.md (model files untouched).
MODEL_NAME ?= tagger
MODEL_INPUTS = --input $(SHARED)/corpus --input corpora/samples/statutes
.PHONY: train eval
train: $(STAMP) system
	$(BIN)/tipgap train --model models/$(MODEL_NAME) $(MODEL_INPUTS) --jobs 2

eval: $(STAMP) system
	$(BIN)/tipgap eval --model models/$(MODEL_NAME) $(MODEL_INPUTS) --jobs 2
