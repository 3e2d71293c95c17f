"""Check the installed packages against the pins in requirements.txt."""

from __future__ import annotations

import re
import sys
from importlib.metadata import PackageNotFoundError, version

from ._replay.paths import project_root
from .modes import current_mode

CHECKED = ["g4f", "vcrpy", "pillow", "soundfile", "nest-asyncio", "ipywidgets", "tqdm", "matplotlib"]
"""What the notebooks import. JupyterLab is left out: Binder (and some labs) bring their own on purpose."""


def pinned_versions(requirements: str | None = None) -> dict[str, str]:
    """``{package: version}`` for every ``name==version`` line of requirements.txt."""
    text = requirements if requirements is not None else (project_root() / "requirements.txt").read_text("utf-8")
    return {name.lower(): pin for name, pin in re.findall(r"^([\w.-]+)==(\S+)", text, re.MULTILINE)}


def environment_report(packages: list[str] = CHECKED) -> str:
    """One line per tool: installed version, and ``ok`` or what to install."""
    pins = pinned_versions()
    python = ".".join(map(str, sys.version_info[:3]))
    verdict = "ok" if sys.version_info >= (3, 11) else "too old"
    lines = [f"{'Python':<14}{'3.11+':<10}{verdict} (running {python})"]
    for package in packages:
        try:
            installed = version(package)
        except PackageNotFoundError:
            installed = "missing"
        wanted = pins.get(package.lower())
        verdict = "ok" if installed == wanted else f"requirements.txt pins {wanted}: run make setup"
        lines.append(f"{package:<14}{installed:<10}{verdict}")
    mode = current_mode()
    lines.append(f"{'mode':<14}{mode.value if mode else 'not started: run helpers.start()'}")
    return "\n".join(lines)
