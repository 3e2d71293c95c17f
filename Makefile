# Two things people do here: open the tutorials (make lab) and run every test (make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup lab test notebooks standins clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

## Open the tutorials in JupyterLab (replay mode unless G4F_TUTORIAL_MODE says otherwise).
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/00_start_here.ipynb

## Unit tests, then every notebook under nbval against the recordings. Never uses the network.
test: $(STAMP)
	G4F_TUTORIAL_MODE=replay $(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

## Rebuild the stand-in recordings (needs tools/requirements-standins.txt and Debian's flite).
standins: $(STAMP)
	$(BIN)/python tools/build_standins.py

clean:
	rm -rf .scratch

## Re-execute every notebook in place, in replay mode (after editing one).
notebooks: $(STAMP)
	cd notebooks && G4F_TUTORIAL_MODE=replay ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.record_timing=False --log-level=ERROR 0*.ipynb
