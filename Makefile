# Lookalike: the README's two commands are `make demo` and `make test`.
SHELL := /bin/bash
ROOT := $(abspath .)
export PKG_CONFIG_PATH := $(ROOT)/.deps/pkgconfig:$(PKG_CONFIG_PATH)
SWIFT_FLAGS ?=
BIN := .build/release/lookalike

.PHONY: setup build release test pg-start pg-stop demo bench-embed shopper-photos hardening clean

## setup: install system packages, the Python virtualenv, models and test fixtures (idempotent)
setup:
	bash scripts/setup.sh

## build: debug build of everything
build: setup
	swift build $(SWIFT_FLAGS)

## release: optimised build of the lookalike binary
release: setup
	swift build -c release --product lookalike $(SWIFT_FLAGS)

## test: set up, start a PostgreSQL primary + replica (scripts/pg), run every test on both backends, stop them;
## the output is kept in $(TEST_LOG) and the slowest tests are printed last (also when a test fails; the exit
## status stays swift test's)
TEST_LOG ?= .build/test-output.log
test: setup
	@mkdir -p $(dir $(TEST_LOG))
	@set -o pipefail; status=0; \
	bash scripts/pg/with-servers.sh swift test $(SWIFT_FLAGS) 2>&1 | tee $(TEST_LOG) || status=$$?; \
	bash scripts/slowest-tests.sh $(TEST_LOG); \
	exit $$status

## pg-start / pg-stop: a PostgreSQL primary + streaming replica for trying `--db postgres://...` by hand
pg-start:
	bash scripts/pg/pg.sh start
pg-stop:
	bash scripts/pg/pg.sh stop

## demo: set up, build, import Fashion-MNIST (60k products; incremental, so reruns are quick), tune "more like
## this" on its articleType labels (once) and serve the page
DEMO_DB ?= demo/lookalike.db
DEMO_PORT ?= 8080
demo: release
	@mkdir -p $(dir $(DEMO_DB))
	$(BIN) index fashion-mnist:train --db $(DEMO_DB)
	$(BIN) tune --db $(DEMO_DB) --label articleType --if-missing --no-holdout
	$(BIN) serve --db $(DEMO_DB) --host 127.0.0.1 --port $(DEMO_PORT)

## bench-embed: Lookalike against OpenVINO-Python and onnxruntime on the same model
bench-embed: release
	bash bench/compare_embed.sh models/efficientnet-lite0
	bash bench/compare_embed.sh models/efficientnet-lite2

## shopper-photos: the seeded shopper-photo set of README "Retrieval quality" (1000 phone-style photos of
## Fashion-MNIST test items; recipe in tools/quality/make_shopper_photos.py). SHOPPER_OUT to change where.
SHOPPER_OUT ?= artifacts/shopper
shopper-photos: setup
	.venv/bin/python tools/quality/make_shopper_photos.py --fashion-mnist test --sample 1000 --seed 7 --out $(SHOPPER_OUT)

## hardening: the reliability suite of docs/reliability.md (tools/hardening; not part of `make test`): builds the
## release binary, imports a 2000-product catalog, serves it on a free port and runs the API fuzz, the image
## corpus, the slow clients, the soak and kill -9 during writes, then prints a summary table; exits 1 if any
## part fails. PARTS=fuzz,images,slow,soak,kill9 picks parts; SOAK_SECONDS (600) sets the soak's length.
PARTS ?= fuzz,images,slow,soak,kill9
SOAK_SECONDS ?= 600
HARDENING_OUT ?= artifacts/hardening/results
hardening: release
	@stamp=.venv/.hardening-requirements.sha; want=$$(sha256sum tools/hardening/requirements.txt | cut -d' ' -f1); \
	if [ "$$(cat $$stamp 2>/dev/null)" != "$$want" ]; then \
	  echo "==> installing Python packages (tools/hardening/requirements.txt)"; \
	  .venv/bin/python -m pip install -q --disable-pip-version-check -r tools/hardening/requirements.txt && echo "$$want" > $$stamp; \
	fi
	.venv/bin/python tools/hardening/run_hardening.py --parts $(PARTS) --soak-seconds $(SOAK_SECONDS) --out $(HARDENING_OUT)

clean:
	rm -rf .build
