"""deploy/: the z2jh values against the chart's own schema, the nbgitpuller links, the hub pins."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
import yaml
from support import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
import links  # noqa: E402

Z2JH = ROOT / "deploy" / "z2jh"


def merged(values: dict) -> dict:
    """What Helm validates: the chart's default values with ours laid over them."""

    def lay(base, over):
        for key, value in over.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                lay(base[key], value)
            else:
                base[key] = value
        return base

    return lay(yaml.safe_load((Z2JH / "chart-values-4.4.0.yaml").read_text()), copy.deepcopy(values))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((Z2JH / "values.schema.json").read_text())
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((Z2JH / "values.yaml").read_text())


def test_the_values_validate_against_the_charts_schema(validator, values):
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(merged(values))]
    assert errors == []


def test_the_schema_catches_a_misspelt_key(validator, values):
    wrong = copy.deepcopy(values)
    wrong["singleuser"]["memory"]["guarentee"] = wrong["singleuser"]["memory"].pop("guarantee")
    assert any("guarentee" in e.message for e in validator.iter_errors(merged(wrong)))


def test_the_vendored_schema_keeps_its_licence():
    assert "BSD 3-Clause License" in (Z2JH / "LICENSE-zero-to-jupyterhub-k8s").read_text()
    assert json.loads((Z2JH / "values.schema.json").read_text())["$schema"].startswith("http://json-schema.org/")


def test_the_values_set_what_a_room_needs(values):
    user = values["singleuser"]
    assert user["memory"] == {"guarantee": "512M", "limit": "1.5G"}
    assert user["cpu"] == {"guarantee": 0.1, "limit": 1}
    assert user["extraEnv"]["G4F_TUTORIAL_MODE"] == "replay"
    assert values["cull"]["enabled"] and values["cull"]["timeout"] >= 3600
    kernels = user["extraFiles"]["jupyter-server-config"]["data"]["MappingKernelManager"]
    assert kernels["cull_idle_timeout"] > 0
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "shared-password"


def test_the_default_url_is_the_link_deploy_links_prints(values):
    assert values["singleuser"]["defaultUrl"] == links.default_url()


def test_the_links_open_files_that_exist():
    out = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "links.py"), "https://hub.example.org/", "--branch", "spring"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    printed = dict(line.split(": ", 1) for line in out.strip().splitlines())
    assert set(printed) == {"notebooks", "exercises", "defaultUrl"}
    for kind, file in [("notebooks", links.START), ("exercises", links.EXERCISES)]:
        url = urlsplit(printed[kind].strip())
        assert url.netloc == "hub.example.org" and url.path == "/hub/user-redirect/git-pull"
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        assert query["branch"] == "spring" and query["repo"] == links.REPO
        assert query["urlpath"] == f"lab/tree/{query['targetpath']}/{file}"
        assert (ROOT / file).is_file()


def test_hub_tools_are_pinned_apart_from_the_notebooks():
    hub = (ROOT / "requirements-hub.txt").read_text()
    assert "jupyterhub==6.1.1" in hub and "nbgitpuller==1.3.0" in hub
    assert "jupyterhub" not in (ROOT / "requirements.txt").read_text()
    package = json.loads((ROOT / "deploy" / "rehearsal" / "package.json").read_text())
    assert package["dependencies"] == {"configurable-http-proxy": "5.3.0"}
    assert (ROOT / "deploy" / "rehearsal" / "package-lock.json").is_file()
