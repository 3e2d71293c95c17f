"""Do the live answers still look like the stand-ins? ``python tools/contract.py``.

Compares the *shape* of every live answer in ``recordings/g4f-*.yaml`` (keys and value types, all the way
down; never the values) with the shape of the stand-in answer for the same route, which
``tools/build_standins.py`` writes to ``recordings/stand-in-shapes.json``. Prints each difference and
exits 1 if there is one, so a changed service shows up before a class does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from helpers._replay.paths import recordings_dir, relative
from helpers._replay.scrub import PROVENANCE_HEADER

LIVE = "recorded live"
Shape = Any  # "string", "number", "boolean", "null", "a|b", [element shape] or {key: shape}


def shapes_path() -> Path:
    return recordings_dir() / "stand-in-shapes.json"


def shape(value: Any) -> Shape:
    """The keys and types of a JSON value; lists by the merged shape of their items."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        shapes = [shape(item) for item in value]
        merged = shapes[0] if shapes else None
        for item in shapes[1:]:
            merged = merge(merged, item)
        return [] if merged is None else [merged]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, (int, float)) else "string"


def _labels(one: Shape) -> set[str]:
    if isinstance(one, dict):
        return {"object"}
    if isinstance(one, list):
        return {"list"}
    return set(one.split("|"))


def merge(one: Shape, other: Shape) -> Shape:
    """One shape that covers both (keys of either; "a|b" where the types differ)."""
    if one == other:
        return one
    if isinstance(one, dict) and isinstance(other, dict):
        keys = list(one) + [key for key in other if key not in one]
        return {k: merge(one[k], other[k]) if k in one and k in other else one.get(k, other.get(k)) for k in keys}
    if isinstance(one, list) and isinstance(other, list):
        return [merge(one[0], other[0])] if one and other else one or other
    return "|".join(sorted(_labels(one) | _labels(other)))


def _header(response: dict, name: str) -> str:
    for key, value in response.get("headers", {}).items():
        if key.lower() == name:
            return (value or [""])[0] if isinstance(value, list) else str(value)
    return ""


def answer_shape(response: dict) -> Shape:
    """The shape of a recorded answer's body: JSON by :func:`shape`, anything else as ``<content type>``."""
    body = response.get("body", {}).get("string", b"")
    try:
        return shape(json.loads(body))
    except (ValueError, TypeError):
        return f"<{_header(response, 'content-type').split(';')[0].strip() or 'no content type'}>"


def route(request: Any) -> str:
    """``METHOD address``, plus the modalities asked for (speech and text answers share an address)."""
    key = f"{request.method} {request.uri.split('?')[0]}"
    body = request.body.decode(errors="replace") if isinstance(request.body, bytes) else request.body or ""
    try:
        modalities = json.loads(body).get("modalities")
    except (ValueError, AttributeError):
        modalities = None
    return f"{key} modalities={'+'.join(map(str, modalities))}" if isinstance(modalities, list) else key


def _describe(one: Shape) -> str:
    return "an object" if isinstance(one, dict) else "a list" if isinstance(one, list) else one


def differences(stand_in: Shape, live: Shape, path: str = "") -> list[str]:
    """Where ``live`` differs from ``stand_in``, one line each (an empty list on either side matches any)."""
    if stand_in == live:
        return []
    if isinstance(stand_in, dict) and isinstance(live, dict):
        found = []
        for key in [*stand_in, *(k for k in live if k not in stand_in)]:
            where = f"{path}.{key}" if path else key
            if key not in live:
                found.append(f"{where}: in the stand-in, not in the live answer")
            elif key not in stand_in:
                found.append(f"{where}: in the live answer ({_describe(live[key])}), not in the stand-in")
            else:
                found += differences(stand_in[key], live[key], where)
        return found
    if isinstance(stand_in, list) and isinstance(live, list):
        return differences(stand_in[0], live[0], f"{path}[]") if stand_in and live else []
    where = path or "(the whole answer)"
    return [f"{where}: the stand-in has {_describe(stand_in)}, the live answer {_describe(live)}"]


def check() -> tuple[list[str], int]:
    """(report lines, number of differences); prints nothing."""
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    reference_file = shapes_path()
    references = json.loads(reference_file.read_text(encoding="utf-8")) if reference_file.exists() else {}
    lines, compared, different = [], 0, 0
    for path in sorted(recordings_dir().glob("g4f-*.yaml")):
        version = path.stem.removeprefix("g4f-")
        requests, responses = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
        for request, response in zip(requests, responses, strict=True):
            if not _header(response, PROVENANCE_HEADER).startswith(LIVE):
                continue
            compared += 1
            where = f"{route(request)} ({relative(path)})"
            if route(request) not in references.get(version, {}):
                found = ["no stand-in answers this route, so there is no shape to compare with"]
            else:
                found = differences(references[version][route(request)], answer_shape(response))
            different += len(found)
            lines.append(f"{'DIFFERS' if found else 'same   '} {where}")
            lines += [f"    - {line}" for line in found]
    if not compared:
        return ["Contract check: no live answers to compare (the recordings hold stand-ins only)."], 0
    verdict = f"{different} difference(s)" if different else "no differences"
    head = f"Contract check: {compared} live answer(s) against the stand-ins' shapes ({relative(reference_file)}):"
    return [head, *lines, f"{verdict}."], different


def main(argv: list[str] | None = None) -> int:
    lines, different = check()
    print("\n".join(lines))
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
