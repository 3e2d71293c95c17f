"""helpers.explain: a g4f error in a cell becomes one block (what, why, what to do), other errors stay as they are."""

from __future__ import annotations

import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

from helpers import explain


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    explain.install(shell)
    yield shell
    explain.uninstall(shell)


def test_a_402_reads_as_no_budget_not_as_a_rate_limit(shell, capsys):
    shell.run_cell(
        "from g4f.errors import RateLimitError\n"
        "raise RateLimitError('Response 402: Insufficient pollen balance or API key budget exhausted')"
    )
    out = capsys.readouterr().out
    assert out.startswith("RateLimitError: Response 402: Insufficient pollen balance")
    assert "why: 402 Payment Required" in out and "Not a rate limit" in out
    assert "POLLINATIONS_API_KEY=sk_" in out and "g4f.Provider.EdgeTTS" in out and "helpers.start('replay')" in out
    assert "Traceback" not in out  # folded into the block's HTML


def test_the_traceback_is_one_click_away(shell, monkeypatch):
    shown = {}
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, **kwargs: shown.update(data))
    shell.run_cell("import g4f.errors\nraise g4f.errors.MissingAuthError('Response 401: A valid API key is required')")
    assert "<details><summary>traceback</summary>" in shown["text/html"] and "MissingAuthError" in shown["text/html"]
    assert "why: the service refused access (401)" in shown["text/plain"]


def test_a_known_g4f_bug_names_the_workaround(shell, capsys):
    shell.run_cell("raise NameError(\"name 'AuthManager' is not defined\")")
    assert "pass api_key=" in capsys.readouterr().out


def test_other_errors_keep_their_usual_traceback(shell, capsys):
    shell.run_cell("raise ValueError('mine')")
    shell.run_cell("1 +")
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    assert "ValueError" in out and "mine" in out and "why:" not in out
    assert "SyntaxError: invalid syntax" in out


def test_uninstall_restores_the_usual_display(shell, capsys):
    explain.uninstall(shell)
    shell.run_cell("from g4f.errors import RateLimitError\nraise RateLimitError('Response 429: slow down')")
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    assert "RateLimitError" in out and "slow down" in out and "why:" not in out
