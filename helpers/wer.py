"""Word error rate: how far a transcript is from what was said (computed by jiwer)."""

from __future__ import annotations

import re

import jiwer

_ONES = [
    *["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    *["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"],
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SPELLED = _ONES + [tens if one == "zero" else f"{tens} {one}" for tens in _TENS for one in _ONES[:10]]  # 0 to 99


class SpellNumbers(jiwer.AbstractTransform):
    """jiwer transform: numbers up to 99 spelled out ("10" -> "ten"), so "10 meters" matches "ten meters"."""

    def process_string(self, s: str) -> str:
        return re.sub(r"\b\d{1,2}\b", lambda m: _SPELLED[int(m[0])], s)


NORMALISE = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.SubstituteRegexes({r"-": " ", r"\bmr\b\.?": "mister"}),
        SpellNumbers(),
        jiwer.SubstituteRegexes({r"[^\w\s']": " ", r"'": ""}),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)
"""Lowercase, no punctuation, numbers spelled out, "Mr." as "mister": how transcripts are compared."""


def words(text: str) -> list[str]:
    """The words :func:`wer` compares ("Go forward 10 meters." -> go, forward, ten, meters)."""
    return NORMALISE(text)[0] if text.strip() else []


def wer(references: str | list[str], hypotheses: str | list[str]) -> float:
    """Word errors over reference words, across all pairs."""
    return jiwer.wer(references, hypotheses, reference_transform=NORMALISE, hypothesis_transform=NORMALISE)
