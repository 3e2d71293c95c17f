"""Find a g4f provider by the name a tutorial or old code uses, across g4f versions."""

from __future__ import annotations

import difflib
from importlib.metadata import version
from typing import Any

from .errors import ProviderNotFoundError

RENAMED = {
    # name in older docs -> names it has had since, newest last
    "Microsoft_Phi_4": ["Microsoft_Phi_4", "Microsoft_Phi_4_Multimodal"],
    "PollinationsAI": ["PollinationsAI", "Pollinations"],
}
INSTEAD = {
    "Microsoft_Phi_4": (
        "For transcription use g4f.Provider.PollinationsAudio (its speech-to-text endpoint), "
        "or send the audio as media to g4f.Provider.PollinationsAI."
    ),
}


def available_providers() -> list[str]:
    import g4f.Provider

    return sorted(getattr(g4f.Provider, "__all__", [n for n in dir(g4f.Provider) if n[:1].isupper()]))


def _is_provider(value: Any) -> bool:
    """A provider class, not a module (``sys``), a function or a dunder (``__class__``) of g4f.Provider."""
    if not isinstance(value, type):
        return False
    try:
        from g4f.providers.types import BaseProvider
    except ImportError:  # older g4f
        return hasattr(value, "create_async_generator") or hasattr(value, "create_completion")
    return issubclass(value, BaseProvider)


def find_provider(name: str) -> Any:
    """Return ``g4f.Provider.<name>``, following known renames.

    ``find_provider("Microsoft_Phi_4")`` gives ``Microsoft_Phi_4`` on g4f up to
    0.5.2.2 and ``Microsoft_Phi_4_Multimodal`` up to 7.6.5; on later versions,
    where it was removed, the error names what to use instead.
    """
    import g4f.Provider

    if not isinstance(name, str) or not name.strip():
        raise ProviderNotFoundError("Give a provider name, such as 'PollinationsAI'.")
    tried = RENAMED.get(name, [name])
    for candidate in reversed(tried):
        provider = None if candidate.startswith("_") else getattr(g4f.Provider, candidate, None)
        if _is_provider(provider):
            return provider
    message = f"g4f {version('g4f')} has no provider {name!r}"
    if len(tried) > 1:
        message += f" (nor its later name{'s' if len(tried) > 2 else ''} {', '.join(tried[1:])})"
    message += "."
    if name in INSTEAD:
        message += " " + INSTEAD[name]
    else:
        close = difflib.get_close_matches(name, available_providers(), n=3, cutoff=0.6)
        if close:
            message += f" Did you mean {' or '.join(close)}?"
    raise ProviderNotFoundError(message)
