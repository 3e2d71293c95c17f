"""Make the Russian edition of the notebooks: notebooks/ru/ (and notebooks/ru/exercises/).

Each Russian notebook is its English notebook with every markdown cell replaced by its translation. The
translations live in translations/ru/<notebook>.yaml, one entry per markdown cell, keyed by the cell's id:

    865d61cf:
      en_sha256: <sha256 of the English source this translation was made from>
      ru: |-
        # Начните здесь ...

Code cells, with their stored outputs, are copied from English unchanged: the code is identical, so under
nbval the outputs are too. Relative links in a translation are written as in the English cell; they are
pointed at the Russian notebooks (a notebook of the collection) or at the English file (anything else).
A link written ``en:<path>`` points at the English edition of <path>. The files the notebooks read are
copied (never symlinked: a Windows checkout turns a symlink into a text file).

Usage:
  python tools/make_russian.py            write notebooks/ru/ and notebooks/ru/exercises/
  python tools/make_russian.py --check    fail if anything is out of date, stale or in one edition only
  python tools/make_russian.py --stale    list the cells to (re-)translate, with their current English text
  python tools/make_russian.py --stamp NOTEBOOK [CELL_ID ...]
                                          after re-translating: record the current English hash of those
                                          cells (no ids: of the entries that have no hash yet)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import posixpath
import re
import sys
from pathlib import Path

import nbformat
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_exercises  # noqa: E402  (the exercise versions, made the same way for both editions)

ROOT = Path(__file__).resolve().parents[1]
EN = ROOT / "notebooks"
RU = EN / "ru"
TRANSLATIONS = ROOT / "translations" / "ru"
# The files the notebooks read, relative to notebooks/; copied into notebooks/ru/ under the same names.
COPIES = [
    "audio.wav",
    "austen.mp3",
    "AUDIO_CREDITS.md",
    "audio_module.py",
    "documented/audio.py",
    "documented/audio.wav",
]
LINK = re.compile(r"(\]\()(?!https?:|mailto:|#|/)([^)\s#]+)(#[^)\s]*)?\)")
HEADER = (
    "# Russian translation of notebooks/{name}: one entry per markdown cell, keyed by the cell id.\n"
    "# en_sha256 is the hash of the English source translated; tools/make_russian.py --stale lists the\n"
    "# cells whose English changed since. Write links as in the English cell.\n"
)


def english_notebooks() -> list[str]:
    """The notebooks of the English edition, relative to notebooks/ (exercises and ru/ are generated)."""
    found = sorted(EN.glob("[0-9][0-9]_*.ipynb")) + sorted((EN / "documented").glob("*.ipynb"))
    return [p.relative_to(EN).as_posix() for p in found]


def russian_notebooks() -> list[str]:
    found = sorted(RU.glob("*.ipynb")) + sorted((RU / "documented").glob("*.ipynb"))
    return [p.relative_to(RU).as_posix() for p in found]


def translation_file(name: str) -> Path:
    return TRANSLATIONS / (name.removesuffix(".ipynb") + ".yaml")


def sha256(text: str) -> str:
    """The hash a translation records: of the English prose, without the expected output of an exercise."""
    return hashlib.sha256(EXPECTED.sub(r"\1\3", text).encode("utf-8")).hexdigest()


EXPECTED = re.compile(r"(<details><summary>[^\n]*\n\n```text\n)(.*?)(```\n)", re.DOTALL)
"""An exercise's expected output, folded (make_exercises.py copies it from the solution's output; any summary
text, so the Russian one too). A Russian cell takes it from the English cell: a new run (a re-recording, the
timings of notebook 07) changes the numbers, never the prose, and so never makes a translation stale."""


def with_english_output(russian: str, english: str) -> str:
    found = EXPECTED.search(english)
    if not found:
        return russian
    return EXPECTED.sub(lambda match: match.group(1) + found.group(2) + match.group(3), russian, count=1)


def load_translations(name: str) -> dict[str, dict]:
    path = translation_file(name)
    if not path.exists():
        return {}
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}  # every key a string


def _is_collection_file(relative: str) -> bool:
    """Whether notebooks/<relative> has a Russian twin at notebooks/ru/<relative>."""
    return relative in english_notebooks() or relative in COPIES


def relink(markdown: str, name: str) -> str:
    """Links written as in the English cell of notebooks/<name>, pointed from notebooks/ru/<name>."""
    folder = posixpath.dirname(name)

    def one(match: re.Match) -> str:
        opening, target, anchor = match.group(1), match.group(2), match.group(3) or ""
        english = target.startswith("en:")
        target = target.removeprefix("en:")
        relative = posixpath.normpath(posixpath.join(folder, target))  # relative to notebooks/
        if relative.startswith("../../") or relative == "..":
            return match.group(0)  # outside the repository: leave it for tests/test_links.py to report
        if _is_collection_file(relative) and not english:
            return match.group(0)  # same name in the Russian edition
        pointed = os.path.relpath(EN / relative, RU / folder) if folder else os.path.relpath(EN / relative, RU)
        return f"{opening}{Path(pointed).as_posix()}{anchor})"

    return LINK.sub(one, markdown)


def russian_version(name: str) -> nbformat.NotebookNode:
    """notebooks/ru/<name> as the English notebook and its translations imply."""
    notebook = nbformat.read(EN / name, as_version=4)
    translations = load_translations(name)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.get("id") in translations:
            cell.source = with_english_output(relink(translations[cell.id]["ru"], name), cell.source)
    return notebook


def problems_with_translations(name: str) -> list[tuple[str, str, str]]:
    """(cell id, why, current English source) for every markdown cell that needs (re-)translating."""
    notebook = nbformat.read(EN / name, as_version=4)
    translations = load_translations(name)
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        entry = translations.get(cell.get("id"))
        if entry is None:
            found.append((cell.get("id"), "not translated", cell.source))
        elif entry.get("en_sha256") != sha256(cell.source):
            found.append((cell.id, "English changed since it was translated", cell.source))
    markdown_ids = {c.get("id") for c in notebook.cells if c.cell_type == "markdown"}
    for cell_id in sorted(set(translations) - markdown_ids):
        found.append((cell_id, "translation of a markdown cell the English notebook no longer has", ""))
    return found


def expected() -> dict[Path, str]:
    """Every generated Russian notebook (editions and exercises): path -> text."""
    files = {RU / name: nbformat.writes(russian_version(name)) + "\n" for name in english_notebooks()}
    return files


def expected_exercises(notebooks: dict[Path, str]) -> dict[Path, str]:
    files = {}
    for path, text in notebooks.items():
        if path.parent == RU:
            notebook = nbformat.reads(text, as_version=4)
            version = make_exercises.exercise_version(notebook, source=RU)
            files[RU / "exercises" / path.name] = nbformat.writes(version) + "\n"
    return files


def _cells_that_differ(expected_text: str, path: Path) -> list[str]:
    want = nbformat.reads(expected_text, as_version=4).cells
    have = nbformat.read(path, as_version=4).cells
    if [c.get("id") for c in want] != [c.get("id") for c in have]:
        return ["the cells themselves (added, removed or reordered)"]
    differ = []
    for a, b in zip(want, have, strict=True):
        if a != b:
            what = "prose" if a.cell_type == "markdown" else "code or outputs"
            differ.append(f"{a.cell_type} cell {a.get('id')} ({what})")
    return differ or ["formatting only"]


def check() -> int:
    failures = []
    english, russian = set(english_notebooks()), set(russian_notebooks())
    for name in sorted(english - russian):
        failures.append(f"notebooks/{name} is in the English edition only (no notebooks/ru/{name})")
    for name in sorted(russian - english):
        failures.append(f"notebooks/ru/{name} is in the Russian edition only (no notebooks/{name})")
    for name in sorted(english):
        if not translation_file(name).exists():
            failures.append(f"notebooks/{name} has no translations: {translation_file(name).relative_to(ROOT)}")
    known = {translation_file(name) for name in english}
    for path in sorted(TRANSLATIONS.rglob("*.yaml")):
        if path not in known:
            failures.append(f"{path.relative_to(ROOT)} translates a notebook the English edition does not have")
    notebooks = expected()
    for path, text in {**notebooks, **expected_exercises(notebooks)}.items():
        if path.exists() and path.read_text(encoding="utf-8") != text:
            cells = ", ".join(_cells_that_differ(text, path))
            failures.append(f"{path.relative_to(ROOT)} differs from what generation gives: {cells}")
        elif not path.exists() and path.parent.name == "exercises":
            failures.append(f"{path.relative_to(ROOT)} is missing")
    shared = [(EN / name, RU / name) for name in COPIES]
    shared += [(EN / name, RU / "exercises" / name) for name in make_exercises.SHARED_FILES]
    for source, copy in shared:
        if not make_exercises.same_copy(source, copy):
            failures.append(f"{copy.relative_to(ROOT)} is not a plain copy of {source.relative_to(ROOT)}")
    extra = {p.name for p in (RU / "exercises").glob("*.ipynb")} - {p.name for p in expected_exercises(notebooks)}
    failures += [f"notebooks/ru/exercises/{name} is not made from a notebook" for name in sorted(extra)]
    stale = [(name, *problem) for name in sorted(english) for problem in problems_with_translations(name)]
    for name, cell_id, why, _ in stale:
        failures.append(f"translate again: notebooks/{name}, markdown cell {cell_id}: {why}")
    if failures:
        print("The Russian edition is out of step with the English one:")
        print("\n".join(f"  - {line}" for line in failures))
        if stale:
            print(
                "Re-translate the cells listed in translations/ru/ (python tools/make_russian.py --stale shows "
                "their English), then record it: python tools/make_russian.py --stamp NOTEBOOK CELL_ID"
            )
        print("Regenerate the Russian edition: python tools/make_russian.py (make notebooks does it too)")
        return 1
    return 0


def stale() -> int:
    count = 0
    for name in english_notebooks():
        for cell_id, why, source in problems_with_translations(name):
            count += 1
            print(f"=== notebooks/{name}  cell {cell_id}: {why}")
            print(f"    file: {translation_file(name).relative_to(ROOT)}")
            if source:
                print("\n".join(f"    | {line}" for line in source.splitlines()))
    print(f"{count} cell(s) to translate" if count else "every markdown cell's translation is current")
    return 0


class _Block(yaml.SafeDumper):
    pass


_Block.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None),
)


def stamp(name: str, cell_ids: list[str]) -> int:
    name = name if name.endswith(".ipynb") else name + ".ipynb"
    sources = {c.get("id"): c.source for c in nbformat.read(EN / name, as_version=4).cells}
    translations = load_translations(name)
    chosen = cell_ids or [i for i, entry in translations.items() if not entry.get("en_sha256")]
    for cell_id in chosen:
        if cell_id not in translations or cell_id not in sources:
            raise SystemExit(f"{cell_id}: no such {'translation' if cell_id in sources else 'cell'} in {name}")
        translations[cell_id] = {"en_sha256": sha256(sources[cell_id]), "ru": translations[cell_id]["ru"]}
    ordered = {i: translations[i] for i in sources if i in translations}
    ordered |= {i: e for i, e in translations.items() if i not in ordered}
    text = yaml.dump(ordered, Dumper=_Block, allow_unicode=True, sort_keys=False, width=1000)
    translation_file(name).write_text(HEADER.format(name=name) + text, encoding="utf-8")
    print(f"stamped {len(chosen)} cell(s) of {name}")
    return 0


def write() -> int:
    notebooks = expected()
    for path in sorted(RU.rglob("*.ipynb")):  # a Russian notebook whose English one is gone goes with it
        if path not in notebooks and "exercises" not in path.relative_to(RU).parts:
            path.unlink()
    for name in COPIES:
        make_exercises.copy_plain(EN / name, RU / name)
    for path, text in notebooks.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    exercises = RU / "exercises"
    exercises.mkdir(exist_ok=True)
    for path in exercises.glob("*.ipynb"):
        path.unlink()
    for path, text in expected_exercises(notebooks).items():
        path.write_text(text, encoding="utf-8")
    for name in make_exercises.SHARED_FILES:
        make_exercises.copy_plain(EN / name, exercises / name)
    untranslated = sum(len(problems_with_translations(name)) for name in english_notebooks())
    print(f"wrote {len(notebooks)} Russian notebooks and their exercise versions to {RU.relative_to(ROOT)}")
    if untranslated:
        print(f"{untranslated} markdown cell(s) need (re-)translating: python tools/make_russian.py --stale")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail if the Russian edition is out of date")
    group.add_argument("--stale", action="store_true", help="list the cells to (re-)translate")
    group.add_argument("--stamp", nargs="+", metavar=("NOTEBOOK", "CELL_ID"), help="record English hashes")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    if args.stale:
        return stale()
    if args.stamp:
        return stamp(args.stamp[0], args.stamp[1:])
    return write()


if __name__ == "__main__":
    sys.exit(main())
