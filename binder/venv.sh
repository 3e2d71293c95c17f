#!/bin/bash
# A Binder-like environment on this machine, for the browser test (mybinder.org and Docker cannot be reached
# here): what binder/ asks for, in a venv. repo2docker ignores this file.
#   bash binder/venv.sh [.venv-binder]
#   BROWSERTEST_PYTHON=.venv-binder/bin/python BROWSERTEST_ALL=1 .venv/bin/python -m pytest tests/browser/test_notebooks_in_browser.py
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:-.venv-binder}
python="python$(sed 's/^python-//' binder/runtime.txt)"
command -v "$python" >/dev/null || python=python3
"$python" -m venv "$venv"
if command -v uv >/dev/null; then pip=(uv pip install --quiet --compile-bytecode --python "$venv/bin/python")
else pip=("$venv/bin/python" -m pip install --quiet); fi
# binder/requirements.txt, and the JupyterLab 4 the Binder base image brings (the learner pin stands in for it)
"${pip[@]}" -r binder/requirements.txt "$(grep '^jupyterlab==' requirements.txt)"
# what binder/postBuild does, but for the documented kernel: the .venv-documented of make documented, if there
"${pip[@]}" --no-deps -e .
"$venv/bin/python" tools/kernel_guard.py
if [ -x .venv-documented/bin/python ]; then
  .venv-documented/bin/python -m ipykernel install --prefix "$venv" --name g4f-0.5.2.2 \
    --display-name "Python (g4f 0.5.2.2, as documented)" >/dev/null 2>&1
fi
echo "Binder-like environment: $venv ($(du -sm "$venv" | cut -f1) MiB)"
