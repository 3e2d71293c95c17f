"""How much of each English lesson is about g4f audio, and how much about the tutorial's machinery.

Usage: ``python tools/lesson_stats.py [--rev COMMIT] [NOTEBOOK ...]`` (default: notebooks 00-09 and
documented/as_documented.ipynb, read from the work tree, or from git at COMMIT).

Rules, one a column:

- **words**: whitespace-separated words of the markdown cells, fenced code blocks left out.
- **code**: code cells, solutions included.
- **helpers %**: code cells that use ``helpers`` beyond ``import helpers`` / ``helpers.start(...)``
  (any other ``helpers.<name>`` or ``from helpers``).
- **g4f %**: code cells that call g4f themselves: ``g4f.``, ``AsyncClient(``, ``.completions.create(``,
  ``message.save(``, or a call of a function defined earlier in the notebook whose body does one of these.
- **machinery %**: markdown words in sentences about the tutorial's machinery (replay, stand-ins, modes,
  helpers, recordings of answers, the Windows workaround, `make` targets) over all
  markdown words. A ``<details>`` expected-output block is left out of both.
- **sound**: the 1-based number of the first code cell whose stored output holds a player (``<audio`` or
  ``[audio]``); ``-`` when none.
- **about-tutorial Qs**: questionnaire items that match the machinery rule.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [
    *(p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))),
    "notebooks/documented/as_documented.ipynb",
]
MACHINERY = re.compile(
    r"\breplay\w*|stand-?ins?\b|\bmodes?\b|helpers|windows|\brecordings\b|\brecorded\b|\brecord mode|"
    r"G4F_TUTORIAL_MODE|`make |nbval|cassette|offline extra",
    re.IGNORECASE,
)
HELPERS_USE = re.compile(r"\bhelpers\.(?!start\()\w+|\bfrom helpers\b")
G4F_CALL = re.compile(r"\bg4f\.\w|AsyncClient\(|\.completions\.create\(|message\.save\(")
DEFINED = re.compile(r"^(?:async\s+)?def\s+(\w+)", re.MULTILINE)


@dataclass
class Stats:
    name: str
    words: int
    code: int
    helpers: int
    direct: int
    machinery_words: int
    first_sound: int | None
    tutorial_questions: int


def _prose(text: str) -> str:
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    return re.sub(r"<details><summary>Expected output.*?</details>", " ", text, flags=re.DOTALL)


def _sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?:])\s+|\n\s*\n|\n(?=\s*[-|*>#\d])", text) if part.strip()]


def _has_sound(cell: dict) -> bool:
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        parts = [data.get("text/html", ""), data.get("text/plain", ""), output.get("text", "")]
        text = "".join("".join(part) for part in parts)
        if "<audio" in text or "[audio]" in text:
            return True
    return False


def measure(name: str, notebook: dict) -> Stats:
    words = machinery = helpers = direct = code = questions = 0
    first_sound = None
    wrappers: set[str] = set()
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            for sentence in _sentences(_prose(source)):
                count = len(sentence.split())
                words += count
                machinery += count if MACHINERY.search(sentence) else 0
            if source.lstrip().startswith("## Questionnaire"):
                items = re.findall(r"^\d+\.\s+(.*)$", source, re.MULTILINE)
                questions += sum(bool(MACHINERY.search(item)) for item in items)
            continue
        if cell["cell_type"] != "code":
            continue
        code += 1
        helpers += bool(HELPERS_USE.search(source))
        calls_wrapper = any(re.search(rf"\b{re.escape(name)}\(", source) for name in wrappers)
        if G4F_CALL.search(source) or calls_wrapper:
            direct += 1
            wrappers.update(DEFINED.findall(source))
        if first_sound is None and _has_sound(cell):
            first_sound = code
    return Stats(name, words, code, helpers, direct, machinery, first_sound, questions)


def load(path: str, rev: str | None) -> dict:
    if rev:
        text = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
        return json.loads(text)
    return json.loads((ROOT / path).read_text())


def _row(stats: Stats) -> str:
    pct = lambda part, whole: f"{100 * part / whole:.0f} %" if whole else "-"  # noqa: E731
    sound = str(stats.first_sound) if stats.first_sound else "-"
    return (
        f"| {stats.name} | {stats.words} | {stats.code} | {pct(stats.helpers, stats.code)} | "
        f"{pct(stats.direct, stats.code)} | {pct(stats.machinery_words, stats.words)} | {sound} | "
        f"{stats.tutorial_questions} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="read the notebooks from git at this commit")
    parser.add_argument("notebooks", nargs="*", default=DEFAULT)
    args = parser.parse_args()
    rows = [measure(Path(path).stem, load(path, args.rev)) for path in args.notebooks]
    print(
        "| notebook | words | code cells | helpers % | g4f % | machinery prose % | first sound (code cell) "
        "| about-tutorial Qs |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for stats in rows:
        print(_row(stats))
    total = Stats(
        "**total**",
        *(sum(getattr(s, f) for s in rows) for f in ("words", "code", "helpers", "direct", "machinery_words")),
        None,
        sum(s.tutorial_questions for s in rows),
    )
    print(_row(total))


if __name__ == "__main__":
    main()
