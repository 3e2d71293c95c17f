"""The helpers package itself: small in public, acyclic inside, complete when installed from a wheel."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from support import ROOT

import helpers

PACKAGE = ROOT / "helpers"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The helpers modules a module imports, at any depth of its code (imports inside functions count)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("helpers"):
                candidates = [f"{target}.{alias.name}" for alias in node.names] + [target]
                found.update(c for c in candidates if c in MODULES)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
    found.discard(name)
    return found


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _graph() -> dict[str, set[str]]:
    graph = {name: _imports(path) for name, path in MODULES.items()}
    # importing helpers.a.b runs helpers/__init__ and helpers/a/__init__ first: those are not edges of a cycle
    return {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in graph.items()}


def test_the_public_interface_fits_on_one_screen():
    assert len(helpers.__all__) <= 25  # 18 calls and 5 public submodules (errors, offline, recorder, routes, studio)
    assert all(hasattr(helpers, name) for name in helpers.__all__)
    errors = [v for v in vars(helpers.errors).values() if isinstance(v, type) and v.__module__ == "helpers.errors"]
    assert len(errors) > 5
    assert all(issubclass(e, helpers.errors.TutorialError) for e in errors)


def _helpers_names_used(source: str) -> set[str]:
    """``helpers.<name>`` paths and ``from helpers.<x> import <name>`` of a cell (``helpers`` itself left out)."""
    try:
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("!", "%"))))
    except SyntaxError:  # top-level await parses; anything else is nbval's business
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts = []
            while isinstance(node, ast.Attribute):
                parts.append(node.attr)
                node = node.value
            if isinstance(node, ast.Name) and node.id == "helpers":
                found.add(".".join(reversed(parts)))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "helpers":
            module = node.module.removeprefix("helpers").lstrip(".")
            found.update(f"{module}.{alias.name}".lstrip(".") for alias in node.names)
    return found


def test_notebooks_use_only_public_names():
    """Every helpers name a notebook's code uses is in ``__all__`` (or inside a public module), none private."""
    import nbformat

    wrong = set()
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for name in _helpers_names_used(cell.source):
                first = name.split(".")[0]
                if first not in helpers.__all__ or any(part.startswith("_") for part in name.split(".")):
                    wrong.add(f"{path.relative_to(ROOT)}: helpers.{name}")
    assert not wrong, sorted(wrong)


def test_no_import_cycles():
    graph = _graph()
    visiting, done = [], set()

    def visit(name):
        if name in done:
            return
        assert name not in visiting, "import cycle: " + " -> ".join([*visiting[visiting.index(name) :], name])
        visiting.append(name)
        for target in graph[name]:
            visit(target)
        visiting.pop()
        done.add(name)

    for name in graph:
        visit(name)


def test_constants_import_nothing_of_ours():
    assert _graph()["helpers.constants"] == set()


def test_learners_modules_do_not_reach_into_vcrpy():
    """The replay machinery stays in helpers._replay (errors only subclass vcrpy's exception)."""
    public = [p for name, p in MODULES.items() if not name.startswith("helpers._replay")]
    for path in public:
        text = path.read_text()
        assert "vcr.stubs" not in text and "import vcr\n" not in text, path


IMPORT_ALL = """
import importlib, pathlib, sys, helpers
root = pathlib.Path(helpers.__file__).parent
for path in sorted(root.rglob("*.py")):
    parts = path.relative_to(root.parent).with_suffix("").parts
    importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
helpers.start("replay")
print(helpers.__file__)
"""


def test_pip_install_dot_gives_a_complete_package(tmp_path):
    """A non-editable install (a hub image, a wheel): every module imports, and replay finds the recordings
    from the folder the learner works in."""
    wheels, venv, source = tmp_path / "wheels", tmp_path / "venv", tmp_path / "source"
    source.mkdir()  # setuptools writes build/ and *.egg-info beside the sources: keep them out of the checkout
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(PACKAGE, source / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    # without build isolation: pip would download setuptools into a fresh build env (requirements-dev pins it)
    build = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(wheels),
        str(source),
    ]
    result = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = wheels.glob("*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    for path in PACKAGE.rglob("*.py"):
        assert path.relative_to(ROOT).as_posix() in inside, path

    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], capture_output=True)
    assert install.returncode == 0, install.stderr[-2000:]
    dependencies = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    env = {"PYTHONPATH": dependencies, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}  # deps only: .pth files
    result = subprocess.run(  # (the editable install's among them) are not read from PYTHONPATH
        [python, "-c", IMPORT_ALL], cwd=ROOT / "notebooks", capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("site-packages/helpers/__init__.py")
    assert "Mode: replay." in result.stdout and "recordings/g4f-" in result.stdout
