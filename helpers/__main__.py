"""Run a script with a tutorial mode on: ``python -m helpers script.py [args...]``.

``python -m helpers preflight`` checks instead whether live mode works today (see :mod:`helpers.preflight`).

The script runs unchanged, as ``__main__`` (so its ``if __name__ == "__main__"``
block runs), after ``helpers.start()`` chose the mode from G4F_TUTORIAL_MODE.
"""

from __future__ import annotations

import runpy
import sys

from . import start


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m helpers SCRIPT.py [ARGS...]  |  python -m helpers preflight", file=sys.stderr)
        return 2
    if argv[0] == "preflight":
        from . import preflight

        return preflight.main(argv[1:])
    start()
    sys.argv = argv
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
