"""tools/build_site.py and site/: the link checker, the links it rewrites, the clips it finds or refuses."""

from __future__ import annotations

import json
import sys

import pytest
from support import ROOT

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "site" / "_ext"))
import build_site  # noqa: E402
from checklinks import broken_links  # noqa: E402
from g4f_site import counterpart, language  # noqa: E402


def test_the_link_checker_finds_a_missing_file_a_missing_anchor_and_a_way_out(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.html").write_text('<h1 id="top">x</h1><audio src="clip.mp3?v=1"></audio>')
    (tmp_path / "a" / "clip.mp3").write_bytes(b"ID3")
    (tmp_path / "index.html").write_text(
        '<a href="a/ok.html#top">fine</a><a href="https://example.org/x">external</a><a href="#">self</a>'
        '<a href="a/ok.html#gone">anchor</a><a href="a/missing.html">file</a><a href="../up.html">out</a>'
        '<img src="a/nothing.png">'
    )
    assert broken_links(tmp_path) == [
        "index.html -> a/ok.html#gone (no such anchor)",
        "index.html -> a/missing.html (no such file)",
        "index.html -> ../up.html (outside the site)",
        "index.html -> a/nothing.png (no such file)",
    ]


def test_links_to_pages_stay_relative_and_the_rest_go_to_the_repository():
    staged = {"notebooks/01_the_client.ipynb", "INSTRUCTORS.ru.md"}
    text = "[a](01_the_client.ipynb#x) [b](../INSTRUCTORS.ru.md) [c](../deploy/README.md#y) [d](https://e.org)"
    moved = build_site.relink(text, "notebooks/00_start_here.ipynb", "index.md", staged, "https://g/r", "main")
    assert moved == (
        "[a](notebooks/01_the_client.ipynb#x) [b](INSTRUCTORS.ru.md) "
        "[c](https://g/r/blob/main/deploy/README.md#y) [d](https://e.org)"
    )
    assert (
        build_site.relink(
            "[g](../../GLOSSARY.ru.md)",
            "notebooks/ru/00.ipynb",
            "notebooks/ru/00.ipynb",
            {"GLOSSARY.ru.md"},
            "https://g/r",
            "main",
        )
        == "[g](../../GLOSSARY.ru.md)"
    )


@pytest.mark.parametrize(
    ("page", "other", "lang"),
    [
        ("index", "index.ru", "en"),
        ("INSTRUCTORS.ru", "INSTRUCTORS", "ru"),
        ("notebooks/02_generating_speech", "notebooks/ru/02_generating_speech", "en"),
        (
            "notebooks/ru/exercises/08_speech_without_the_internet",
            "notebooks/exercises/08_speech_without_the_internet",
            "ru",
        ),
    ],
)
def test_the_language_switch_pairs_each_page_with_its_translation(page, other, lang):
    assert (counterpart(page), counterpart(other), language(page)) == (other, page, lang)


def test_every_player_of_every_page_names_a_clip_and_each_page_has_a_runner():
    pages = {p: json.loads((ROOT / p).read_text("utf-8")) for p in build_site.page_files() if p.endswith(".ipynb")}
    assert len(pages) >= 40
    players = {(page, path) for page, nb in pages.items() for path, _ in build_site.players(nb)}
    assert ("notebooks/02_generating_speech.ipynb", "output/alloy.mp3") in players
    assert ("notebooks/09_take_it_home.ipynb", "output/home-nova.mp3") in players  # IPython's Audio(url=...)
    for page, _ in players:
        assert (ROOT / build_site.runner(page)).is_file(), page


def test_a_player_no_replay_run_reproduces_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.setattr(build_site, "CLIPS", tmp_path / "clips")
    monkeypatch.setattr(build_site, "RUNS", tmp_path / "runs")
    page = "notebooks/02_generating_speech.ipynb"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "outputs": [{"data": {"text/html": '<audio controls src="output/alloy.mp3?v=00000000"></audio>'}}],
            }
        ]
    }
    clips = build_site.Clips(jobs=1)
    monkeypatch.setattr(clips, "make", lambda notebooks: clips.ran.extend(notebooks))
    with pytest.raises(SystemExit, match=r"notebooks/02_generating_speech.ipynb: output/alloy.mp3\?v=00000000"):
        clips.resolve({page: nb})
    assert clips.ran == [page]
