"""The Russian edition (notebooks/ru/) is in step with the English one, and the sync check catches drift.

tools/make_russian.py generates it: code cells and outputs copied from English, markdown from
translations/ru/*.yaml (each entry stores the sha256 of the English it translates). nbval runs a sample
of the Russian edition in make test (tests/nbval_config/rules.py) and all of it in make test-ru.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import json
import re
import shutil
from typing import NamedTuple

import nbformat
import pytest
from support import ROOT

RU = ROOT / "notebooks" / "ru"
CYRILLIC = re.compile("[а-яё]", re.I)
_runs = itertools.count()


class Result(NamedTuple):
    returncode: int
    stdout: str


def _run(root, *args) -> Result:
    """tools/make_russian.py of the project at root, run with args in this process (a new one costs seconds)."""
    spec = importlib.util.spec_from_file_location(f"make_russian_{next(_runs)}", root / "tools" / "make_russian.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        returncode = tool.main(list(args))
    return Result(returncode, printed.getvalue())


def test_the_russian_edition_is_in_sync_with_the_english_one():
    result = _run(ROOT, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def copy_of_the_project(tmp_path_factory):
    """The generator, the notebooks and the translations in a temporary folder, to be changed freely."""
    root = tmp_path_factory.mktemp("project")
    for name in ("tools", "translations"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    written = shutil.ignore_patterns("output", "*.mp3")  # what running the notebooks leaves; austen.mp3 is a source
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=lambda d, n: written(d, n) - {"austen.mp3"})
    for document in ROOT.glob("*.md"):  # links to them are pointed at them only when they exist
        shutil.copy(document, root / document.name)
    return root


@pytest.fixture
def project(copy_of_the_project, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(copy_of_the_project, root)
    assert _run(root, "--check").returncode == 0
    return root


def _edit_cell(path, cell_id, change):
    notebook = nbformat.read(path, as_version=4)
    (cell,) = [c for c in notebook.cells if c.get("id") == cell_id]
    cell.source = change(cell.source)
    path.write_text(nbformat.writes(notebook) + "\n")


def test_changing_an_english_code_cell_alone_fails_the_check(project):
    _edit_cell(project / "notebooks" / "02_generating_speech.ipynb", "c28b934f", lambda s: s.replace("alloy", "nova"))
    result = _run(project, "--check")
    assert result.returncode == 1
    assert "notebooks/ru/02_generating_speech.ipynb differs from what generation gives: code cell c28b934f" in (
        result.stdout
    )
    print(result.stdout)  # the message a contributor sees (pytest -s shows it)
    assert _run(project).returncode == 0  # regenerating carries the code over to the Russian twin
    assert _run(project, "--check").returncode == 0
    ru = nbformat.read(project / "notebooks" / "ru" / "02_generating_speech.ipynb", as_version=4)
    assert '"voice": "nova"' in [c for c in ru.cells if c.get("id") == "c28b934f"][0].source


def test_changing_an_english_markdown_cell_makes_its_translation_stale(project):
    _edit_cell(project / "notebooks" / "03_transcribing_audio.ipynb", "37af3147", lambda s: s + " Again.")
    assert _run(project).returncode == 0  # generation still works, with the old translation
    result = _run(project, "--check")
    assert result.returncode == 1
    assert "translate again: notebooks/03_transcribing_audio.ipynb, markdown cell 37af3147" in result.stdout
    listing = _run(project, "--stale").stdout
    assert "cell 37af3147: English changed since it was translated" in listing and "| Let's ask" in listing
    assert _run(project, "--stamp", "03_transcribing_audio", "37af3147").returncode == 0
    assert _run(project, "--check").returncode == 0


def test_changing_a_russian_notebook_by_hand_fails_the_check(project):
    _edit_cell(project / "notebooks" / "ru" / "01_the_client.ipynb", "a6f7776f", lambda s: s + "\nПравка.")
    result = _run(project, "--check")
    assert result.returncode == 1 and "markdown cell a6f7776f (prose)" in result.stdout


def test_a_notebook_in_one_edition_only_fails_the_check(project):
    english_only = project / "notebooks" / "09_new_topic.ipynb"
    shutil.copy(project / "notebooks" / "00_start_here.ipynb", english_only)
    result = _run(project, "--check")
    assert result.returncode == 1
    assert "notebooks/09_new_topic.ipynb is in the English edition only" in result.stdout
    assert "has no translations: translations/ru/09_new_topic.yaml" in result.stdout

    english_only.unlink()
    russian_only = project / "notebooks" / "ru" / "09_new_topic.ipynb"
    shutil.copy(project / "notebooks" / "ru" / "00_start_here.ipynb", russian_only)
    result = _run(project, "--check")
    assert result.returncode == 1
    assert "notebooks/ru/09_new_topic.ipynb is in the Russian edition only" in result.stdout


def test_a_copied_file_must_be_a_plain_copy(project):
    (project / "notebooks" / "ru" / "audio.wav").unlink()
    (project / "notebooks" / "ru" / "audio.wav").symlink_to(project / "notebooks" / "audio.wav")
    result = _run(project, "--check")
    assert result.returncode == 1 and "notebooks/ru/audio.wav is not a plain copy" in result.stdout


RUSSIAN_NOTEBOOKS = sorted(p for p in RU.rglob("*.ipynb") if "exercises" not in p.relative_to(RU).parts)


def test_the_russian_edition_has_every_english_notebook():
    english = sorted(
        p.relative_to(ROOT / "notebooks")
        for p in (ROOT / "notebooks").rglob("*.ipynb")
        if not {"exercises", "ru"} & set(p.relative_to(ROOT / "notebooks").parts)
    )
    assert [p.relative_to(RU) for p in RUSSIAN_NOTEBOOKS] == english


@pytest.mark.parametrize("path", RUSSIAN_NOTEBOOKS, ids=lambda p: p.relative_to(RU).as_posix())
def test_russian_notebook_is_translated_and_keeps_the_conventions(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    assert all(CYRILLIC.search(text) for text in markdown), "every markdown cell is in Russian"
    solution = [i for i, c in enumerate(cells) if "solution" in c["metadata"].get("tags", [])]
    assert solution and "## Упражнение" in "".join(cells[solution[0] - 1]["source"])
    last = "".join(cells[-1]["source"])
    assert cells[-1]["cell_type"] == "markdown" and ("## Итоги" in last or "Что вы узнали" in last)
    assert "base64," not in path.read_text(encoding="utf-8")


def test_russian_notebook_00_and_english_notebook_00_point_to_each_other():
    english = (ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8")
    russian = (RU / "00_start_here.ipynb").read_text(encoding="utf-8")
    assert "(ru/00_start_here.ipynb)" in english
    assert "(../00_start_here.ipynb)" in russian and "(../../GLOSSARY.ru.md)" in russian


def test_the_russian_exercises_have_no_solutions_and_no_outputs():
    for path in (RU / "exercises").glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert '"solution"' not in text and 'outputs": [\n     {' not in text, path.name
