"""python tools/contract.py: the shape of each live answer against the stand-ins' shape for its route."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys

import contract
import pytest
from support import ROOT
from vcr.serialize import deserialize, serialize
from vcr.serializers import yamlserializer

from helpers._replay import cassettes, scrub

LIVE = "recorded live by helpers record mode on 2026-11-20"
MODELS = "GET https://pollinations.g4f.space/v1/models"

SPEECH = "POST https://pollinations.g4f.space/v1/chat/completions modalities=text+audio"


@pytest.fixture
def collection(tmp_path, monkeypatch):
    """A copy of the recordings as the collection, every answer labelled a stand-in (after a record run some are
    live): each test makes live the answers it needs. Returns its 8.8.6 recordings file."""
    shutil.copytree(ROOT / "recordings", tmp_path / "recordings")
    monkeypatch.setenv("G4F_TUTORIAL_ROOT", str(tmp_path))
    path = tmp_path / "recordings" / "g4f-8.8.6.yaml"
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    for response in responses:
        response["headers"][scrub.PROVENANCE_HEADER] = ["stand-in (test copy)"]
    path.write_text(serialize({"requests": requests, "responses": responses}, yamlserializer), encoding="utf-8")
    return path


def make_live(path, route, body):
    """Replace the answers on ``route`` (see contract.route) with live-labelled ones whose JSON body is ``body``."""
    requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    for request, response in zip(requests, responses, strict=True):
        if contract.route(request) == route:
            response["headers"][scrub.PROVENANCE_HEADER] = [LIVE]
            response["body"]["string"] = json.dumps(body).encode()
    path.write_text(serialize({"requests": requests, "responses": responses}, yamlserializer), encoding="utf-8")


def test_shapes_of_values_not_values():
    assert contract.shape({"a": [1, 2.5], "b": None, "c": "x", "d": True}) == {
        "a": ["number"],
        "b": "null",
        "c": "string",
        "d": "boolean",
    }
    assert contract.differences(contract.shape({"a": 1, "b": [{"c": "x"}]}), contract.shape({"a": 2, "b": []})) == []
    assert contract.differences({"a": "string", "b": "number"}, {"a": "number", "x": "string"}) == [
        "a: the stand-in has string, the live answer number",
        "b: in the stand-in, not in the live answer",
        "x: in the live answer (string), not in the stand-in",
    ]


def test_with_only_stand_ins_there_is_nothing_to_compare(collection, capsys):
    assert contract.main([]) == 0
    assert "no live answers to compare" in capsys.readouterr().out


def test_a_live_answer_in_another_shape_is_reported(collection, capsys):
    # Pollinations' own minimal /v1/models: {object, data: [{id, object, created}]} where the stand-in is a bare list
    make_live(collection, MODELS, {"object": "list", "data": [{"id": "openai-audio", "object": "model", "created": 1}]})
    assert contract.main([]) == 1
    out = capsys.readouterr().out
    assert f"DIFFERS {MODELS} (recordings/g4f-8.8.6.yaml)" in out
    assert "(the whole answer): the stand-in has a list, the live answer an object" in out
    assert "1 live answer(s)" in out and "1 difference(s)." in out


def test_a_live_answer_in_the_same_shape_passes_whatever_its_values(collection, capsys):
    requests, responses = deserialize(collection.read_text(encoding="utf-8"), yamlserializer)
    speech = next(
        json.loads(a["body"]["string"]) for q, a in zip(requests, responses, strict=True) if contract.route(q) == SPEECH
    )
    reworded = copy.deepcopy(speech)
    reworded["model"], reworded["usage"]["total_tokens"] = "gpt-audio-mini-2026-01-01", 99
    reworded["choices"][0]["message"]["audio"]["transcript"] = "Good day, world!"
    make_live(collection, SPEECH, reworded)
    assert contract.main([]) == 0
    out = capsys.readouterr().out
    assert "no differences." in out and "DIFFERS" not in out


def test_the_command_line_says_the_same(collection):
    make_live(collection, MODELS, {"data": []})
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "contract.py")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "DIFFERS" in result.stdout


def test_the_stored_shapes_are_those_of_the_stand_ins():
    """recordings/stand-in-shapes.json is what the builder wrote for these recordings (rebuild: make standins)."""
    stored = json.loads(contract.shapes_path().read_text(encoding="utf-8"))
    for version in ("8.8.6", "0.5.2.2"):
        path = cassettes.cassette_path(version)
        requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
        for request, response in zip(requests, responses, strict=True):
            if "stand-in" in response["headers"][scrub.PROVENANCE_HEADER][0]:
                route = contract.route(request)
                assert contract.differences(stored[version][route], contract.answer_shape(response)) == [], route
