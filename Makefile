# The README's two commands: `make run` and `make test`. Everything they need is set up from here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
REDPROP_HOME ?= var
export REDPROP_HOME

.PHONY: run test install install-test browser-deps format-deps screenshots index bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Builds the index from corpus/ (files already ingested and unchanged are skipped), then serves.
index: install format-deps
	$(BIN)/redprop ingest corpus/

run: index
	$(BIN)/redprop serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's chromium through Playwright (never a downloaded browser); the CJK font makes
# screenshots legible. Installed with apt when missing (CI and the dev machine run as root).
BROWSER_PACKAGES := chromium fonts-wqy-microhei
browser-deps:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { \
		echo "安装浏览器测试依赖:$(BROWSER_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }

# Formats read through Debian programs: .doc/.wps/.rtf converted by LibreOffice (headless, no GUI), scanned pages
# read by tesseract with its simplified-Chinese model (the OCR tests draw their scan in the CJK font). Installed
# with apt when missing, like the browser.
FORMAT_PACKAGES := libreoffice-writer-nogui tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-microhei
format-deps:
	@dpkg -s $(FORMAT_PACKAGES) >/dev/null 2>&1 || { \
		echo "安装文档格式依赖:$(FORMAT_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$(FORMAT_PACKAGES) >/dev/null; }

test: install-test browser-deps format-deps
	$(BIN)/python -m pytest

# PNGs of the search, document, case, metrics, practice and collection pages (laptop and phone width) in screenshots/.
screenshots: install-test browser-deps
	$(BIN)/python tests/browser/screenshots.py screenshots

# Benchmarks (never part of `make test`): corpus sizes in N, e.g. `make bench N=100000`. Table on stdout,
# JSON and the generated corpora under bench/out/. BENCH_ARGS=--reuse-index keeps an index an earlier run built.
N ?= 1000 10000
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench.run --sizes $(N) $(BENCH_ARGS)

# Quality figures (never part of `make test`): retrieval (nDCG@10, MRR, recall@10 on tests/relevance, each half,
# beside the FTS5 BM25 peer; then the real regulations in ../shared/policy-samples when that folder exists) and
# extraction (places, topic, titles, dates, types, localities, practices, figures on tests/devset, per half).
POLICY_SAMPLES ?= ../shared/policy-samples
eval: install
	$(BIN)/redprop eval --split dev --baseline fts5
	$(BIN)/redprop eval --split test --baseline fts5
	@if [ -d "$(POLICY_SAMPLES)" ]; then \
		$(BIN)/redprop eval --corpus $(POLICY_SAMPLES) --split dev --baseline fts5 && \
		$(BIN)/redprop eval --corpus $(POLICY_SAMPLES) --split test --baseline fts5; \
	else echo "未找到 $(POLICY_SAMPLES):跳过真实法规评测"; fi
	$(BIN)/redprop eval --extraction

clean:
	rm -rf $(VENV) var .pytest_cache
