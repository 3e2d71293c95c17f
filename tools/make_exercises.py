"""Make the exercise versions of the notebooks: notebooks/exercises/*.ipynb.

In each notebook of notebooks/ (the solution versions), the code cells tagged
``solution`` hold the answer to its exercise. The exercise version is the
same notebook with those cells replaced by a placeholder and every output
cleared, ready to hand out. Links to files that are not copied next to the
exercise versions point one folder up, so the exercise versions run from their own folder.

Each exercise's markdown ends with the output to check against, folded away in
``<details><summary>Expected output ...`` so a learner predicts before looking. That block
is copied from the solution cell's stored output (what it printed), so it cannot drift from the
solution: this tool writes it into the notebooks of notebooks/ first (``make notebooks`` runs it
after executing them), then makes the exercise versions from them.

Usage: python tools/make_exercises.py [--check]   (--check: fail if anything is out of date; writes nothing)
"""

from __future__ import annotations

import argparse
import itertools
import re
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "notebooks"
TARGET = SOURCE / "exercises"
SHARED_FILES = ["audio.wav", "austen.mp3", "audio_module.py"]
PLACEHOLDER = "# Your code here: see the exercise above.\n"
EXPECTED = re.compile(r"(<details><summary>Expected output[^\n]*\n\n```text\n)(.*?)(```\n)", re.DOTALL)


LINK = re.compile(r"\]\((?!https?:|mailto:|#|/)([^)\s#]+)(#[^)\s]*)?\)")


def _from_exercises(match: re.Match, source: Path = SOURCE) -> str:
    """A link relative to the notebooks' folder that does not exist in its exercises/ points one folder up."""
    target, anchor = match.group(1), match.group(2) or ""
    in_exercises = target in SHARED_FILES or (source / target).match("[0-9][0-9]_*.ipynb") and "/" not in target
    if (source / target).exists() and not in_exercises:
        return f"](../{target}{anchor})"
    return match.group(0)


def printed(cell: nbformat.NotebookNode) -> str:
    """What a code cell printed (its stored stdout), which is what a learner compares their own run with."""
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")
    return text if text.endswith("\n") or not text else text + "\n"


def with_expected_output(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with each exercise's expected-output block copied from its solution cell's output."""
    result = nbformat.from_dict(notebook)
    for before, cell in itertools.pairwise(result.cells):
        if "solution" in cell.metadata.get("tags", []) and before.cell_type == "markdown":
            output = printed(cell)
            before.source = EXPECTED.sub(lambda m, out=output: m.group(1) + out + m.group(3), before.source)
    return result


def exercise_version(notebook: nbformat.NotebookNode, source: Path = SOURCE) -> nbformat.NotebookNode:
    """The notebook with solution cells blanked and no outputs (source: the folder it lives in)."""
    result = nbformat.from_dict(notebook)
    result.metadata.pop("widgets", None)  # saved widget state belongs to the executed version
    for cell in result.cells:
        if cell.cell_type == "markdown":
            cell.source = LINK.sub(lambda match: _from_exercises(match, source), cell.source)
        if cell.cell_type != "code":
            continue
        if "solution" in cell.metadata.get("tags", []):
            cell.source = PLACEHOLDER
            cell.metadata["tags"] = ["exercise"]
        cell.outputs = []
        cell.execution_count = None
    return result


def solutions() -> dict[Path, str]:
    """Path -> text of every solution notebook, with its expected-output blocks up to date."""
    files = {}
    for path in sorted(SOURCE.glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if not any("solution" in c.metadata.get("tags", []) for c in notebook.cells):
            raise SystemExit(f"{path.name} has no cell tagged 'solution': every notebook ends with an exercise")
        files[path] = nbformat.writes(with_expected_output(notebook)) + "\n"
    return files


def expected(solved: dict[Path, str] | None = None) -> dict[str, str]:
    """File name -> text of every exercise notebook the solutions imply."""
    solved = solutions() if solved is None else solved
    return {
        path.name: nbformat.writes(exercise_version(nbformat.reads(text, as_version=4))) + "\n"
        for path, text in solved.items()
    }


def same_copy(source: Path, copy: Path) -> bool:
    """``copy`` is a plain file (not a symlink) with ``source``'s bytes."""
    return copy.is_file() and not copy.is_symlink() and copy.read_bytes() == source.read_bytes()


def copy_plain(source: Path, target: Path) -> None:
    """Copy, never link: a Windows checkout turns a tracked symlink into a small text file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink():
        target.unlink()
    shutil.copyfile(source, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the exercise versions are out of date")
    solved = solutions()
    files = expected(solved)
    if parser.parse_args().check:
        stale = [f"{path.name} (its expected output)" for path, text in solved.items() if path.read_text() != text]
        stale += [
            name for name, text in files.items() if not (TARGET / name).exists() or (TARGET / name).read_text() != text
        ]
        stale += [name for name in SHARED_FILES if not same_copy(SOURCE / name, TARGET / name)]
        extra = sorted({p.name for p in TARGET.glob("*.ipynb")} - set(files))
        if stale or extra:
            print(f"out of date: {stale}, not from a notebook: {extra}. Run: python tools/make_exercises.py")
            return 1
        return 0
    for path, text in solved.items():
        if path.read_text() != text:
            path.write_text(text)
    TARGET.mkdir(exist_ok=True)
    for name, text in files.items():
        (TARGET / name).write_text(text)
    for shared in SHARED_FILES:
        copy_plain(SOURCE / shared, TARGET / shared)
    print(f"wrote {len(files)} exercise notebooks to {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
