"""Set up and run the tutorials without make, on Windows, macOS and Linux (standard library only).

    python tools/bootstrap.py lab     # .venv from requirements.txt, then JupyterLab on 00_start_here (replay mode)
    python tools/bootstrap.py test    # .venv plus the test tools, then the unit tests and nbval over the notebooks
    python tools/bootstrap.py setup   # only install

What it does is what `make lab` / `make test`'s first pass do for .venv: `python -m venv .venv`, install
requirements.txt, then this project's helpers with `pip install --no-deps -e .`. It registers no extra kernel
(the g4f 0.5.2.2 environment, the browser test and the hub rehearsal stay with make, on Linux).

Installs use uv (`uv pip install`) when `uv` is on PATH: measured about 8x faster than pip into a fresh
environment (see the README). pip is used otherwise, or when uv fails, or with `--installer pip`.
`--dry-run` prints the commands instead of running them. Reruns skip installs whose inputs did not change.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
WINDOWS = os.name == "nt"
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"

# The same stamp as the Makefile's, so `make` and this script share one .venv.
STAMP = VENV / ".installed"
TEST_STAMP = VENV / ".bootstrap-test-tools-installed"
OFFLINE_STAMP = VENV / ".offline-installed"

# Test tools beyond requirements.txt, installed by `test` when the file exists (requirements.txt may hold them).
TEST_REQUIREMENTS = ["requirements-dev.txt", "requirements-ci-tools.txt"]

# make test's first pass (Makefile, `test:`), argument for argument: tests/test_bootstrap.py checks they agree.
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_config/sanitize.cfg"]
PYTEST_ARGS = [
    "-n",
    "auto",
    "--dist",
    "loadscope",
    "tests",
    "notebooks",
    "--ignore=tests/browser",
    "--ignore=tests/test_rehearsal.py",
    "--ignore=tests/test_record_flow.py",
    "--ignore=notebooks/documented",
    "--ignore=notebooks/exercises",
    *NBVAL,
]
# The hub rehearsal needs jupyterhub and npm's configurable-http-proxy (make hub, Linux): this script never
# installs them, so it runs the rehearsal (on its own, after the first pass, as make test does) only when
# they are already there.
REHEARSAL_TEST = "tests/test_rehearsal.py"
PROXY = ROOT / "deploy" / "rehearsal" / "node_modules" / ".bin" / "configurable-http-proxy"


KERNEL_GUARD = ROOT / "tools" / "kernel_guard.py"
"""Every kernel of .venv refuses requests until helpers.start() (written once, at setup, as make setup does)."""


def venv_python(venv: Path = VENV) -> Path:
    return venv / ("Scripts/python.exe" if WINDOWS else "bin/python")


def venv_script(name: str, venv: Path = VENV) -> Path:
    return venv / ("Scripts" if WINDOWS else "bin") / (name + (".exe" if WINDOWS else ""))


def show(command: list[str], env: dict[str, str] | None = None) -> str:
    """A command as one would type it, relative to the repository where that is shorter."""
    parts = []
    for part in command:
        path = Path(part)
        parts.append(str(path.relative_to(ROOT)) if path.is_absolute() and path.is_relative_to(ROOT) else part)
    line = subprocess.list2cmdline(parts) if WINDOWS else shlex.join(parts)
    if env:
        line = " ".join(f"{key}={value}" for key, value in env.items()) + " " + line
    return line


class Runner:
    def __init__(self, dry_run: bool):
        self.dry_run = dry_run

    def __call__(self, command: list[str], env: dict[str, str] | None = None, check: bool = True) -> int:
        print(("would run: " if self.dry_run else "$ ") + show(command, env), flush=True)
        if self.dry_run:
            return 0
        # PYTHONUTF8: the notebooks and recordings are UTF-8; Windows' default code page is not.
        full_env = {**os.environ, "PYTHONUTF8": "1", **(env or {})}
        code = subprocess.call([str(part) for part in command], cwd=ROOT, env=full_env)
        if check and code != 0:
            sys.exit(f"bootstrap: this command failed (exit {code}): {show(command, env)}")
        return code

    def touch(self, path: Path) -> None:
        if not self.dry_run:
            path.touch()


def fresh(stamp: Path, *inputs: Path) -> bool:
    """True when the stamp is newer than every input (make's rule)."""
    if not stamp.exists():
        return False
    return all(stamp.stat().st_mtime >= p.stat().st_mtime for p in inputs if p.exists())


def choose_installer(wanted: str) -> str:
    if wanted == "auto":
        return "uv" if shutil.which("uv") else "pip"
    return wanted


def install(run: Runner, installer: str, args: list[str]) -> None:
    """`pip install ARGS` into .venv, through uv when chosen, falling back to pip if uv fails."""
    python = venv_python()
    if installer == "uv":
        uv = shutil.which("uv") or "uv"
        code = run([uv, "pip", "install", "--quiet", "--python", str(python), *args], check=False)
        if code == 0:
            return
        print("bootstrap: uv failed; trying again with pip", flush=True)
    run([str(python), "-m", "pip", "install", "--quiet", *args])


def setup(run: Runner, installer: str) -> None:
    """.venv as `make setup` makes it (without the g4f 0.5.2.2 environment)."""
    requirements, project = ROOT / "requirements.txt", ROOT / "pyproject.toml"
    if fresh(STAMP, requirements, project) and venv_python().exists():
        print(f"bootstrap: {VENV.name} is up to date (delete {STAMP.relative_to(ROOT)} to reinstall)", flush=True)
        return
    print(f"bootstrap: installing into {VENV.name} with {installer}", flush=True)
    run([sys.executable, "-m", "venv", str(VENV)])
    if installer == "pip":
        run([str(venv_python()), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    # without bytecode, as uv installs by default (make bench: ~80 MiB and ~10 s less; the first kernel compiles)
    install(run, installer, ["-r", "requirements.txt", *(["--no-compile"] if installer == "pip" else [])])
    install(run, installer, ["--no-deps", "-e", "."])
    run([str(venv_python()), str(KERNEL_GUARD)])
    run.touch(STAMP)


def setup_test_tools(run: Runner, installer: str, offline: bool) -> None:
    files = [ROOT / name for name in TEST_REQUIREMENTS if (ROOT / name).exists()]
    if files and not fresh(TEST_STAMP, *files, STAMP):
        for path in files:
            install(run, installer, ["-r", path.name, "-c", "requirements.txt"])
        # the test env is compiled, as make hub compiles it: kernels start without compiling, write nothing there
        run([str(venv_python()), "-m", "compileall", "-q", "-j", "0", str(VENV / ("Lib" if WINDOWS else "lib"))])
        run.touch(TEST_STAMP)
    offline_requirements = ROOT / "requirements-offline.txt"
    if offline and not fresh(OFFLINE_STAMP, offline_requirements, STAMP):
        install(run, installer, ["-r", offline_requirements.name])
        run.touch(OFFLINE_STAMP)


def hub_tools_present() -> bool:
    return PROXY.exists() and venv_script("jupyterhub").exists()


def lab(run: Runner) -> int:
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    if as_root:
        print("bootstrap: running as root (a container?), so JupyterLab starts with --allow-root", flush=True)
    print("bootstrap: JupyterLab prints its address below (http://localhost:8888/lab?token=...)", flush=True)
    return run(
        [str(venv_python()), "-m", "jupyter", "lab", *as_root, FIRST_NOTEBOOK],
        env={"G4F_TUTORIAL_MODE": os.environ.get("G4F_TUTORIAL_MODE", "replay")},
        check=False,
    )


def test(run: Runner, extra: list[str]) -> int:
    env = {"G4F_TUTORIAL_MODE": "replay"}
    status = run([str(venv_python()), "-m", "pytest", *PYTEST_ARGS, *extra], env=env, check=False)
    if not hub_tools_present():
        print(f"bootstrap: leaving out {REHEARSAL_TEST} (the hub rehearsal needs `make hub`, Linux)", flush=True)
        return status
    rehearsal = run([str(venv_python()), "-m", "pytest", REHEARSAL_TEST, *extra], env=env, check=False)
    return status or rehearsal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="test: more pytest arguments go after --, e.g. test -- -x"
    )
    parser.add_argument("command", choices=["lab", "test", "setup"])
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument("--installer", choices=["auto", "uv", "pip"], default="auto", help="auto: uv if on PATH")
    parser.add_argument("--offline", action="store_true", help="test: also install the offline extra (650 MB)")
    argv = sys.argv[1:] if argv is None else list(argv)
    extra: list[str] = []  # test: more pytest arguments, after --
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    options = parser.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 -- learners run this with whatever python they have
        sys.exit(f"bootstrap: Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    run = Runner(options.dry_run)
    installer = choose_installer(options.installer)
    setup(run, installer)
    if options.command == "lab":
        return lab(run)
    if options.command == "test":
        setup_test_tools(run, installer, options.offline)
        return test(run, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
