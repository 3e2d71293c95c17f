"""Word error rate: how far a transcript is from what was said."""

from __future__ import annotations

import re

_ONES = [
    *["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    *["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"],
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _spell(number: int) -> str:
    if number < 20:
        return _ONES[number]
    if number < 100:
        return _TENS[number // 10] + ("" if number % 10 == 0 else " " + _ONES[number % 10])
    return str(number)


def words(text: str) -> list[str]:
    """Lowercase words without punctuation; numbers up to 99 spelled out ("10" -> "ten")."""
    text = re.sub(r"\b\d{1,2}\b", lambda m: _spell(int(m.group())), text.lower().replace("-", " "))
    return re.sub(r"[^\w\s']", " ", text).replace("'", "").split()


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    """Fewest word insertions, deletions and substitutions turning one list into the other."""
    previous = list(range(len(hypothesis) + 1))
    for i, wanted in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, heard in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (wanted != heard))
        previous = current
    return previous[-1]


def wer(references: str | list[str], hypotheses: str | list[str]) -> float:
    """Word errors over reference words, across all pairs."""
    if isinstance(references, str):
        references, hypotheses = [references], [hypotheses]
    errors = total = 0
    for reference, hypothesis in zip(references, hypotheses, strict=True):
        errors += edit_distance(words(reference), words(hypothesis))
        total += len(words(reference))
    return errors / max(total, 1)
