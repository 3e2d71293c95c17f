"""A g4f error in a notebook cell, shown as one clear block: what happened, why, what to do; the traceback folded.

``install(shell)`` (``helpers.start()`` calls it) hooks IPython's ``set_custom_exc``; ``uninstall(shell)`` undoes it.
Errors that are not g4f's (or a provider call's) are shown as IPython always shows them.
"""

from __future__ import annotations

import html
import sys
import traceback
from typing import Any

from .retries import diagnose

KEYLESS = "a keyless provider (g4f.Provider.EdgeTTS, gTTS or OpenAIFM for speech; MarkItDown to transcribe)"
REPLAY = "replay mode (helpers.start('replay')) to keep going with recorded answers"
KEY = "your own key: POLLINATIONS_API_KEY=sk_… (https://enter.pollinations.ai), then helpers.start('live')"
PROVIDER_MODULES = ("g4f", "aiohttp", "gtts", "edge_tts", "markitdown", "speech_recognition")
KNOWN = {  # g4f 8.8.6 bugs: what the message contains -> (why, what to do)
    "AuthManager": ("a bug in g4f 8.8.6 (PollinationsAudio)", "pass api_key=… (yours, or its public_key)"),
    "asyncio.run() cannot": ("a g4f 8.8.6 bug: asyncio.run in a running loop", "await asyncio.to_thread(…)"),
}


def advice(error: BaseException) -> tuple[str, str] | None:
    """(why, what to do) for a g4f or provider error, or None for any other error."""
    for marker, known in KNOWN.items():
        if marker in str(error):
            return known
    if not (type(error).__module__ or "").startswith(PROVIDER_MODULES):
        return None
    found = diagnose(error)
    why = {
        "quota": "402 Payment Required: the key used has no pollen left (g4f's public pk_ key never has). "
        "Not a rate limit: waiting does not help",
        "auth": f"the service refused access{f' ({found.status})' if found.status else ''}: it wants a key",
        "rate-limit": "429: too many requests in a short time",
        "server": "the service is failing right now",
        "timeout": "no answer in time",
        "connection": "the service could not be reached",
        "malformed": "the service answered in a shape g4f does not read (it may have changed)",
    }.get(found.kind, "the provider call failed")
    first = f"use {KEY}" if found.kind in ("quota", "auth") else "try again in a minute"
    return why, f"{first}; or {KEYLESS}; or {REPLAY}"


def _show(shell: Any, kind: type, error: BaseException, tb: Any, tb_offset: Any = None) -> None:
    found = None if issubclass(kind, SyntaxError) else advice(error)
    if found is None:
        shell.showsyntaxerror() if issubclass(kind, SyntaxError) else shell.showtraceback((kind, error, tb), tb_offset)
        return
    from IPython.display import display

    why, todo = found
    what = f"{kind.__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    trace = "".join(traceback.format_exception(kind, error, tb))
    plain = f"{what}\n  why: {why}.\n  what to do: {todo}."
    block = (
        f"<div style='border-left:4px solid #c33;padding:4px 8px'><b>{html.escape(what)}</b><br>"
        f"why: {html.escape(why)}.<br>what to do: {html.escape(todo)}.<details><summary>traceback</summary>"
        f"<pre>{html.escape(trace)}</pre></details></div>"
    )
    display({"text/plain": plain, "text/html": block}, raw=True, metadata={"helpers": {"error": kind.__name__}})


def _shell() -> Any:
    """The IPython shell running this code, or None (a script, a test process)."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython else None


def install(shell: Any = None) -> None:
    """Show g4f errors in ``shell`` (default: the running IPython shell) as one explained block."""
    if shell := shell or _shell():
        shell.set_custom_exc((Exception,), _show)


def uninstall(shell: Any = None) -> None:
    if shell := shell or _shell():
        shell.set_custom_exc((), None)
