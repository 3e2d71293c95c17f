"""Keep g4f's files, caches and keys out of the learner's way (and out of git).

g4f writes model-list caches, usage logs and cookies under the home folder and its audio to ``./generated_media``,
and reads ``*_API_KEY`` variables that reroute requests. All of it goes to the learner's gitignored ``.scratch/``
(:mod:`.paths`), the audio to a per-process cache folder emptied at every start and at exit (no clip kept twice).
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
from pathlib import Path

from .paths import scratch_dir

KEY_VARIABLE = re.compile(r"^[A-Z0-9_]*(API_KEY|_TOKEN)$")
_hidden_keys: dict[str, str] = {}
_registered: set[Path] = set()


def _remove_stale_caches(scratch: Path) -> None:
    """Remove the cache folders of processes that have ended."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process there
        return
    for folder in scratch.glob("cache-*"):
        pid = folder.name.removeprefix("cache-")
        try:
            if pid.isdigit():
                os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # alive: another user's process
            pass


def isolate_g4f(scratch: Path | None = None) -> Path:
    """Point g4f's config, cache and media folders into ``scratch``; returns where g4f saves generated audio.

    The cache folder is new for each process: a model list cached earlier the same day never makes a run skip the
    requests its recordings expect.
    """
    scratch = scratch or scratch_dir()
    scratch.mkdir(parents=True, exist_ok=True)
    _remove_stale_caches(scratch)
    cache = scratch / f"cache-{os.getpid()}"
    os.environ["G4F_CONFIG_DIR"] = str(scratch / "g4f-config")
    os.environ["G4F_CACHE_DIR"] = str(cache)
    if cache not in _registered:
        atexit.register(shutil.rmtree, cache, True)
        _registered.add(cache)

    imported_before = "g4f.config" in sys.modules
    import g4f.cookies
    import g4f.debug
    import g4f.image.copy_images as media

    if imported_before:  # g4f 8 fixed these paths at import: move them too
        import g4f.config

        g4f.config.CONFIG_DIR = scratch / "g4f-config"
        g4f.config.COOKIES_DIR = g4f.config.CONFIG_DIR / "cookies"
        g4f.config.CACHE_DIR = g4f.config.CONFIG_DIR / "cache"
        if hasattr(g4f.cookies, "COOKIES_DIR"):
            g4f.cookies.COOKIES_DIR = g4f.config.COOKIES_DIR
    g4f.debug.version_check = False
    # g4f 8.8.6 integration/markitdown/_transcribe_audio.py line 53: with faster-whisper installed (the offline
    # extra), MarkItDown first downloads whisper "base" from the Hugging Face hub, in a cell; kept offline, it fails
    # there and MarkItDown transcribes through Google, as on an install without the extra.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if hasattr(g4f.cookies, "set_cookies_dir"):  # instead of ./har_and_cookies next to the notebook
        g4f.cookies.set_cookies_dir(str(scratch / "g4f-config" / "cookies"))
    media_dir = cache / "generated_media"  # emptied at every start() and at exit: saved clips are moved out of it
    media.media_dir = str(media_dir)
    media.images_dir = str(scratch / "generated_images")
    reset_g4f_caches(cache)
    return media_dir


MODEL_LIST_FLAGS = {"current_models_endpoint": None, "models_loaded": False, "_models_loaded": False}
"""Class attributes with which g4f providers remember that their model list was fetched (8.8.6, 0.5.2.2)."""


def reset_g4f_caches(cache: Path | None = None) -> list[str]:
    """Forget every model list g4f fetched or cached in this process; returns the providers reset.

    A fetch that failed (before ``start()``, or offline) leaves a provider's list without its audio models, and g4f
    never fetches it again in that process: the recorded speech request then looks unrecorded. With the "fetched"
    flags and the per-process cache folder (model lists saved to disk) cleared, the next request fetches the list
    again, through the mode now on.
    """
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
    reset = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith(("g4f.Provider", "g4f.providers")) or module is None:
            continue
        for provider in [v for v in vars(module).values() if isinstance(v, type) and hasattr(v, "get_models")]:
            for flag, fresh in MODEL_LIST_FLAGS.items():
                if vars(provider).get(flag, fresh) != fresh:
                    setattr(provider, flag, fresh)
                    reset.add(provider.__name__)
    return sorted(reset)


def hide_api_keys() -> list[str]:
    """Take ``*_API_KEY``/``*_TOKEN`` variables out of the environment (replay must not see them)."""
    for name in [n for n in os.environ if KEY_VARIABLE.match(n)]:
        _hidden_keys[name] = os.environ.pop(name)
    return sorted(_hidden_keys)


def restore_api_keys() -> None:
    """Put back the variables :func:`hide_api_keys` took away."""
    os.environ.update(_hidden_keys)
    _hidden_keys.clear()
