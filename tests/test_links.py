"""Every relative link in the notebooks' markdown cells and in every tracked markdown file resolves.

A link resolves when its target, taken from the linking file's folder, is a tracked file or folder, and its
`#anchor`, if any, is a heading of the target (GitHub's slugs) or an explicit `<a id=...>` / `<a name=...>`.
Web links (`https:`, `mailto:` and the like) are not followed: no test reaches the network.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import unquote

import pytest
from support import ROOT

# Links known to be broken, each an expected failure (strict: a link that starts working fails the test
# until its entry is removed). Empty: tools/make_exercises.py now points the exercises' links one folder up.
KNOWN_BROKEN: dict[str, set[str]] = {}

INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(].*?[\"')])?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
HTML_LINK = re.compile(r"<(?:a|img|source|audio|video)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.I)
HTML_ANCHOR = re.compile(r"<a\b[^>]*?\b(?:id|name)\s*=\s*[\"']([^\"']+)[\"']", re.I)
FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class KnownBrokenLinks(Exception):
    """Only the links listed in KNOWN_BROKEN are broken (an expected failure)."""


@cache
def tracked() -> frozenset[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return frozenset(filter(None, out.split("\0")))


def _folders() -> set[str]:
    return {str(parent) for name in tracked() for parent in PurePosixPath(name).parents if str(parent) != "."}


def markdown_of(name: str) -> str:
    text = (ROOT / name).read_text(encoding="utf-8")
    if not name.endswith(".ipynb"):
        return text
    cells = json.loads(text)["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")


def prose(markdown: str) -> str:
    """Markdown without code blocks and code spans, where link syntax is only text."""
    return CODE_SPAN.sub("", FENCE.sub("", markdown))


def slug(heading: str, seen: dict[str, int]) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered."""
    text = re.sub(r"<[^>]+>", "", heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's text stays, its target goes
    text = re.sub(r"[^\w\- ]", "", text.strip().lower().replace("`", ""))
    base = text.replace(" ", "-")
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


@cache
def anchors(name: str) -> frozenset[str]:
    markdown = markdown_of(name)
    seen: dict[str, int] = {}
    found = {slug(h, seen) for h in HEADING.findall(FENCE.sub("", markdown))}
    return frozenset(found | set(HTML_ANCHOR.findall(markdown)))


def links(name: str) -> list[str]:
    text = prose(markdown_of(name))
    found = INLINE_LINK.findall(text) + REFERENCE_DEFINITION.findall(text) + HTML_LINK.findall(text)
    return [link for link in found if not SCHEME.match(link) and not link.startswith("//")]


def broken_links(name: str) -> set[str]:
    broken = set()
    here = PurePosixPath(name).parent
    for link in links(name):
        path_part, _, anchor = link.partition("#")
        path_part = unquote(path_part.split("?")[0])
        if path_part.startswith("/"):
            target = PurePosixPath(path_part.lstrip("/"))
        else:
            target = PurePosixPath(*_normalised(here / path_part)) if path_part else PurePosixPath(name)
        key = str(target)
        missing = key not in tracked() and key not in _folders()
        checkable = anchor and key in tracked() and key.endswith((".md", ".ipynb"))
        if missing or (checkable and unquote(anchor) not in anchors(key)):
            broken.add(link)
    return broken


def _normalised(path: PurePosixPath) -> list[str]:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                return ["..", "outside the repository"]
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return parts or ["."]


def _documents() -> list:
    if not (ROOT / ".git").exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason="needs the git checkout"))]
    params = []
    # site/'s pages link as the built site lays files out; site/checklinks.py checks them in the built HTML
    for name in sorted(n for n in tracked() if n.endswith((".md", ".ipynb")) and not n.startswith("site/")):
        marks = []
        if name in KNOWN_BROKEN:
            reason = f"known broken, for the notebooks' owner to fix: {sorted(KNOWN_BROKEN[name])}"
            marks.append(pytest.mark.xfail(strict=True, raises=KnownBrokenLinks, reason=reason))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.parametrize("name", _documents())
def test_relative_links_resolve(name):
    broken = broken_links(name)
    known = KNOWN_BROKEN.get(name, set())
    assert not broken - known, f"{name}: broken links {sorted(broken - known)}"
    if broken:
        raise KnownBrokenLinks(f"{name}: {sorted(broken)}")


def test_the_checker_sees_links_anchors_and_code():
    assert slug("Replay, live and record", {}) == "replay-live-and-record"
    assert slug("Going live: the preflight and your own key", {}) == "going-live-the-preflight-and-your-own-key"
    assert slug("The `helpers` package", {}) == "the-helpers-package"
    seen: dict[str, int] = {}
    assert [slug("Notes", seen), slug("Notes", seen)] == ["notes", "notes-1"]
    text = "[a](x.md) `[not](code.md)` ![img](pic.png 'title') [web](https://example.com) <a href=\"y.md#z\">y</a>"
    found = INLINE_LINK.findall(prose(text)) + HTML_LINK.findall(prose(text))
    assert found == ["x.md", "pic.png", "https://example.com", "y.md#z"]
    assert "README.md" in tracked() and "replay-live-and-record" in anchors("README.md")
