"""A simulated class on a real JupyterHub on this machine: `make rehearsal N=40`.

What it does, in order (every address is 127.0.0.1; nothing leaves the machine):
1. serves this repository's HEAD as branch `main` of a local bare repository (file://), the way GitHub would;
2. starts JupyterHub 6 (deploy/rehearsal/jupyterhub_config.py) with configurable-http-proxy from
   deploy/rehearsal/node_modules, a shared-password authenticator and SimpleLocalProcessSpawner: every learner
   has a home under a scratch dir and all of them share ONE installed environment, this repository's .venv;
3. a cold class: N learners arrive at once; each is created, spawned through the REST API, pulls the
   collection through nbgitpuller's api endpoint with the very link deploy/links.py prints, then runs the
   notebooks over the single-user server's kernel API, all learners concurrently;
4. a second pull after each learner edited notebook 02 and the instructor pushed a change to the same cell
   and a new file: the learner's edit must survive (and the instructor's change to that cell is dropped);
5. isolation: nothing the learners ran may write outside their homes (the repository, the shared .venv,
   the hub user's own home, /tmp);
6. warm the room: every server stopped, then started again with deploy/warm_room.py, then each learner
   clicks the link again: how long until Lab and the pull answer;
7. stops everything it started and checks that no process of this run is left.
Figures go to artifacts/rehearsal.json and a table on stdout. Exit status 1 when anything failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

import links  # noqa: E402 (deploy/links.py)
import warm_room  # noqa: E402 (deploy/warm_room.py)

VENV_BIN = ROOT / ".venv" / "bin"
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
TARGET = links.TARGET
EDITED = "notebooks/02_generating_speech.ipynb"
LEARNER_MARK = "# my own note, written during the class"
INSTRUCTOR_MARK = "# the instructor's fix, pushed after the class started"
NEW_FILE = "notebooks/handout_fix.md"
SOCKET_PATH_MAX = 107
G4F_HOME_PLACES = [
    ".cache/g4f",
    ".cache/g4f-audio-notebooks",
    ".config/g4f",
    ".g4f",
    "har_and_cookies",
    "generated_media",
    ".scratch",
]
# names any learner-side write would carry, looked for in /tmp (shared by everything on the machine)
SUSPECT = re.compile(r"g4f|har_and_cookies|generated_media|jupyter|ipykernel|kernel-|\.mp3$|\.wav$")


# ---------------------------------------------------------------------------------------------- small tools
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary(values: list[float]) -> dict:
    return {"p50": pct(values, 0.5), "p95": pct(values, 0.95), "max": max(values) if values else None}


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_processes(run_id: str) -> dict[int, dict]:
    """Every live process that carries this run's REHEARSAL_RUN mark: hub, proxy, servers, kernels."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        variables = dict(item.decode(errors="replace").split("=", 1) for item in environ if b"=" in item)
        if variables.get("REHEARSAL_RUN") == run_id:
            found[int(entry.name)] = {"user": variables.get("JUPYTERHUB_USER"), "cmd": cmdline}
    return found


def cpu_seconds(pids) -> float:
    """CPU time of these processes and of the children they have reaped (a server's git, a kernel's helpers)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


class Sampler:
    """Every second: the memory (PSS) and CPU of this run's processes, and the whole machine's memory and load.

    The machine-wide figures include whatever else runs here; the run's own figures do not."""

    def __init__(self, run_id: str):
        self.run_id = run_id
        self.samples: list[dict] = []
        self._task = None

    @staticmethod
    def used_mib() -> float:
        info = {}
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, value = line.split(":", 1)
            info[key] = int(value.split()[0])
        return (info["MemTotal"] - info["MemAvailable"]) / 1024

    def cpu(self) -> float:
        return cpu_seconds(run_processes(self.run_id))

    async def _run(self):
        while True:
            await asyncio.sleep(1.0)
            pids = run_processes(self.run_id)
            load = float(Path("/proc/loadavg").read_text().split()[0])
            pss = sum(pss_kib(pid) for pid in pids) / 1024
            self.samples.append({"t": time.monotonic(), "used_mib": self.used_mib(), "load1": load, "pss_mib": pss})

    def start(self):
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self):
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def snapshot(roots: list[Path], skip: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the roots, but the skipped trees."""
    skipped = [str(s) for s in skip]
    seen = {}
    for root in roots:
        if not root.exists():
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not any(os.path.join(folder, d).startswith(s) for s in skipped)]
            for name in files:
                path = os.path.join(folder, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                seen[path] = (st.st_mtime_ns, st.st_size)
    return seen


def tmp_entries(scratch: Path) -> set[str]:
    """Names in /tmp that a learner's g4f or Jupyter would leave."""
    return {str(p) for p in Path("/tmp").iterdir() if SUSPECT.search(p.name) and p != scratch}


def where(run_id: str, learners: list[Learner], hub_log: Path) -> list[str]:
    """Every learner process (server, kernel, their children): its HOME, runtime dir and working folder lie in
    the learner's home, and every file it holds open for writing too. What does not, as readable lines."""
    homes = {lr.name: str(lr.home) for lr in learners}
    problems = []
    for pid, info in run_processes(run_id).items():
        home = homes.get(info["user"])
        if home is None:
            continue
        try:
            environ = dict(
                item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in item
            )
            places = {"HOME": environ.get("HOME", ""), "JUPYTER_RUNTIME_DIR": environ.get("JUPYTER_RUNTIME_DIR", "")}
            places["cwd"] = os.readlink(f"/proc/{pid}/cwd")
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target == str(hub_log):
                    continue  # the standard streams the hub hands every server (kernels keep copies of them)
                flags = int(Path(f"/proc/{pid}/fdinfo/{fd}").read_text().split("flags:", 1)[1].split()[0], 8)
                if target.startswith("/") and not target.startswith("/dev/") and flags & 3:
                    places[f"fd {fd} (written)"] = target
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        for what, path in places.items():
            if path != home and not path.startswith(home + "/"):
                problems.append(f"{info['user']} pid {pid} ({info['cmd'][:60]}): {what} {path}")
    return problems


# ---------------------------------------------------------------------------------------------- the hub
class Hub:
    def __init__(self, scratch: Path, run_id: str):
        self.scratch = scratch
        self.run_id = run_id
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(32)
        self.password = secrets.token_urlsafe(12)
        self.process: subprocess.Popen | None = None
        self.log = scratch / "hub" / "jupyterhub.log"

    def start(self):
        (self.scratch / "hub").mkdir(parents=True)
        env = {
            **os.environ,
            "REHEARSAL_DIR": str(self.scratch),
            "REHEARSAL_VENV_BIN": str(VENV_BIN),
            "REHEARSAL_PROXY": str(PROXY),
            "REHEARSAL_SERVER_CONFIG": str(HERE.parent / "tljh" / "jupyter_server_config.json"),
            "REHEARSAL_PORT": str(self.port),
            "REHEARSAL_HUB_PORT": str(free_port()),
            "REHEARSAL_PROXY_API_PORT": str(free_port()),
            "REHEARSAL_TOKEN": self.token,
            "REHEARSAL_PASSWORD": self.password,
            "REHEARSAL_RUN": self.run_id,
            "HOME": str(self.scratch / "hub"),  # the hub's own Jupyter files stay in the scratch dir too
        }
        self.process = subprocess.Popen(
            [str(VENV_BIN / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
            cwd=self.scratch / "hub",
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    async def wait_ready(self, session: aiohttp.ClientSession, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.process.returncode}); see {self.log}")
            try:
                async with session.get(f"{self.url}/hub/api/", headers=self.headers) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
        raise RuntimeError(f"the hub did not answer within {timeout} s; see {self.log}")

    @property
    def headers(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    def stop(self, grace: float = 20) -> float:
        started = time.monotonic()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return time.monotonic() - started


# ---------------------------------------------------------------------------------------------- a learner
class Learner:
    def __init__(self, name: str, hub: Hub, origin: str):
        self.name = name
        self.hub = hub
        self.origin = origin
        self.token = ""
        self.times: dict[str, float] = {}
        self.failures: list[str] = []
        self.kernel_ids: list[str] = []

    @property
    def home(self) -> Path:
        return self.hub.scratch / "home" / self.name

    @property
    def headers(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    @property
    def base(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def link(self, file: str = links.START) -> str:
        return links.link(self.hub.url, file, repo=self.origin, branch="main")

    async def mint_token(self, session):
        url = f"{self.hub.url}/hub/api/users/{self.name}/tokens"
        async with session.post(url, headers=self.hub.headers, json={"note": "rehearsal", "expires_in": 7200}) as r:
            r.raise_for_status()
            self.token = (await r.json())["token"]

    async def spawn(self, session):
        self.times["spawn_s"] = await warm_room.start_server(session, self.hub.url, self.hub.token, self.name)

    async def log_in(self, session):
        """The workshop login: the learner's name and the room's shared password, as the login form sends it."""
        async with session.get(f"{self.hub.url}/hub/login") as r:
            r.raise_for_status()
        xsrf = next((c.value for c in session.cookie_jar if c.key == "_xsrf"), "")
        form = {"username": self.name, "password": self.hub.password, "_xsrf": xsrf}
        async with session.post(f"{self.hub.url}/hub/login", data=form, allow_redirects=False) as r:
            if r.status != 302:
                raise RuntimeError(f"the shared-password login answered {r.status}")

    async def open_link(self, session, file: str = links.START) -> float:
        """Follow the learner's link as a browser would; check it lands on nbgitpuller, aimed at the file."""
        started = time.monotonic()
        async with session.get(self.link(file)) as response:
            page = await response.text()
            if response.status != 200 or f"/user/{self.name}/git-pull" not in str(response.url):
                raise RuntimeError(f"the link landed on {response.url} ({response.status})")
        if f"lab/tree/{TARGET}/{file}" not in page:
            raise RuntimeError(f"nbgitpuller's page does not open {file}")
        return time.monotonic() - started

    async def pull(self, session) -> float:
        """What the page's JavaScript does: nbgitpuller's event stream, to its 'finished' (or 'error')."""
        started = time.monotonic()
        query = self.link().split("?", 1)[1]
        async with session.get(f"{self.base}/git-pull/api?{query}", headers=self.headers) as response:
            response.raise_for_status()
            async for event in warm_room.events(response):
                if event.get("phase") == "error":
                    raise RuntimeError(f"nbgitpuller: {event.get('message')} {event.get('output', '')[-500:]}")
                if event.get("phase") == "finished":
                    return time.monotonic() - started
        raise RuntimeError("nbgitpuller's stream ended without 'finished'")

    async def check_file_opens(self, session, file: str):
        """The file the link opens exists in the learner's clone, and Lab serves its page."""
        path = f"{TARGET}/{file}"
        async with session.get(f"{self.base}/api/contents/{path}?content=0", headers=self.headers) as r:
            if r.status != 200 or (await r.json())["type"] != "notebook":
                raise RuntimeError(f"{path} is not a notebook in the learner's clone ({r.status})")
        async with session.get(f"{self.base}/lab/tree/{path}", headers=self.headers) as r:
            if r.status != 200:
                raise RuntimeError(f"Lab does not open {path} ({r.status})")

    async def run_notebook(self, session, notebook: str, arrived: float) -> None:
        path = f"{TARGET}/notebooks/{notebook}"
        async with session.get(f"{self.base}/api/contents/{path}", headers=self.headers) as r:
            r.raise_for_status()
            cells = [c for c in (await r.json())["content"]["cells"] if c["cell_type"] == "code"]
        asked = time.monotonic()
        body = {"path": path, "type": "notebook", "name": notebook, "kernel": {"name": "python3"}}
        async with session.post(f"{self.base}/api/sessions", headers=self.headers, json=body) as r:
            r.raise_for_status()
            kernel = (await r.json())["kernel"]["id"]
        self.kernel_ids.append(kernel)
        ws_url = f"{self.base}/api/kernels/{kernel}/channels".replace("http://", "ws://")
        session_id = uuid.uuid4().hex
        async with session.ws_connect(ws_url, headers=self.headers, max_msg_size=0, heartbeat=None) as ws:
            await self._request(ws, session_id, "kernel_info_request", {})
            key = notebook.split("_")[0]
            self.times.setdefault("kernel_ready_s", time.monotonic() - asked)
            run_started = time.monotonic()
            for cell in cells:
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                content = {"code": source, "silent": False, "store_history": True, "user_expressions": {}}
                content |= {"allow_stdin": False, "stop_on_error": True}
                errors = await self._request(ws, session_id, "execute_request", content)
                expected = "raises-exception" in cell.get("metadata", {}).get("tags", [])
                expected = expected or "NBVAL_RAISES_EXCEPTION" in source
                if errors and not expected:
                    self.failures.append(f"{notebook}: {errors[0][:400]}")
                    break
                if ".save(" in source and "first_audio_s" not in self.times:
                    self.times["first_audio_s"] = time.monotonic() - arrived
                    self.times["first_audio_after_kernel_s"] = time.monotonic() - asked
            self.times[f"notebook_{key}_s"] = time.monotonic() - run_started

    @staticmethod
    async def _request(ws, session_id: str, msg_type: str, content: dict) -> list[str]:
        """Send one shell request; wait for its reply and for the kernel to go idle; return error texts."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "username": "rehearsal", "session": session_id, "msg_type": msg_type}
        header |= {"version": "5.3", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "buffers": []}
        await ws.send_str(json.dumps({**message, "channel": "shell"}))
        replied = idle = False
        errors = []
        while not (replied and idle):
            frame = await ws.receive()
            if frame.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"the kernel's websocket closed ({frame.type.name})")
            answer = json.loads(frame.data)
            if answer.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = answer["msg_type"]
            if kind == "error":
                errors.append(f"{answer['content']['ename']}: {answer['content']['evalue']}")
            elif kind.endswith("_reply"):
                replied = True
                if answer["content"].get("status") == "error" and not errors:
                    errors.append(f"{answer['content'].get('ename')}: {answer['content'].get('evalue')}")
            elif kind == "status" and answer["content"]["execution_state"] == "idle":
                idle = True
        return errors

    async def edit_notebook(self, session):
        """The learner changes the first code cell of 02 and saves, as Lab would."""
        path = f"{self.base}/api/contents/{TARGET}/{EDITED}"
        async with session.get(path, headers=self.headers) as r:
            r.raise_for_status()
            model = await r.json()
        cell = next(c for c in model["content"]["cells"] if c["cell_type"] == "code")
        cell["source"] = f"{LEARNER_MARK}\n{cell['source']}"
        body = {"type": "notebook", "format": "json", "content": model["content"]}
        async with session.put(path, headers=self.headers, json=body) as r:
            r.raise_for_status()


# ---------------------------------------------------------------------------------------------- the class
def browser() -> aiohttp.ClientSession:
    """A learner's browser: its own cookies (127.0.0.1 is an IP address, so the jar must accept those)."""
    timeout = aiohttp.ClientTimeout(total=None, sock_read=900)
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), timeout=timeout)


async def cold_class(session, hub: Hub, learners: list[Learner], notebooks: list[str], gap: float):
    async with session.post(
        f"{hub.url}/hub/api/users", headers=hub.headers, json={"usernames": [lr.name for lr in learners]}
    ) as r:
        r.raise_for_status()

    async def arrive(index: int, learner: Learner):
        await asyncio.sleep(index * gap)
        arrived = time.monotonic()
        try:
            await learner.mint_token(session)
            await learner.spawn(session)
            async with browser() as tab:
                await learner.log_in(tab)
                await learner.open_link(tab)
            learner.times["pull_s"] = await learner.pull(session)
            for file in (links.START, links.EXERCISES):
                await learner.check_file_opens(session, file)
            for notebook in notebooks:
                await learner.run_notebook(session, notebook, arrived)
        except Exception as error:
            learner.failures.append(f"{type(error).__name__}: {error}")
        learner.times["total_s"] = time.monotonic() - arrived

    await asyncio.gather(*(arrive(i, lr) for i, lr in enumerate(learners)))


def instructor_pushes_a_fix(scratch: Path, origin: Path) -> None:
    """The instructor edits the same cell the learners edited and adds a file, then pushes to main."""
    work = scratch / "instructor"
    git("clone", "--quiet", "--branch", "main", f"file://{origin}", str(work))
    notebook = work / EDITED
    model = json.loads(notebook.read_text())
    cell = next(c for c in model["cells"] if c["cell_type"] == "code")
    cell["source"] = [f"{INSTRUCTOR_MARK}\n", *cell["source"]]
    notebook.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n")
    (work / NEW_FILE).write_text("A fix shipped as a new file arrives in every learner's clone.\n")
    git("add", "-A", cwd=work)
    git("-c", "user.name=Instructor", "-c", "user.email=instructor@example.org", "commit", "-qm", "fix", cwd=work)
    git("push", "--quiet", "origin", "main", cwd=work)
    shutil.rmtree(work)


async def second_pull(session, learners: list[Learner]) -> dict:
    results = {"kept_edit": 0, "new_file_arrived": 0, "instructor_change_dropped": 0, "failures": {}}

    async def one(learner: Learner):
        try:
            await learner.pull(session)
            text = (learner.home / TARGET / EDITED).read_text()
            results["kept_edit"] += LEARNER_MARK in text
            results["instructor_change_dropped"] += INSTRUCTOR_MARK not in text
            results["new_file_arrived"] += (learner.home / TARGET / NEW_FILE).exists()
            if LEARNER_MARK not in text:
                raise RuntimeError("the second pull lost the learner's edit")
        except Exception as error:
            results["failures"][learner.name] = f"{type(error).__name__}: {error}"

    await asyncio.gather(*(one(lr) for lr in learners))
    return results


async def edits(session, learners: list[Learner]) -> dict:
    failures = {}

    async def one(learner):
        try:
            await learner.edit_notebook(session)
        except Exception as error:
            failures[learner.name] = f"{type(error).__name__}: {error}"

    await asyncio.gather(*(one(lr) for lr in learners))
    return failures


def memory(run_id: str, learners: list[Learner]) -> dict:
    processes = run_processes(run_id)
    per = {lr.name: {"server": 0, "kernel": 0} for lr in learners}
    hub_side = 0
    for pid, info in processes.items():
        kib = pss_kib(pid)
        if info["user"] in per:
            per[info["user"]]["kernel" if "ipykernel" in info["cmd"] else "server"] += kib
        else:
            hub_side += kib
    totals = [(v["server"] + v["kernel"]) / 1024 for v in per.values()]
    return {
        "pss_per_learner_mib": summary(totals),
        "pss_server_mib_p50": pct([v["server"] / 1024 for v in per.values()], 0.5),
        "pss_kernels_mib_p50": pct([v["kernel"] / 1024 for v in per.values()], 0.5),
        "pss_hub_and_proxy_mib": hub_side / 1024,
        "processes": len(processes),
    }


async def stop_servers(session, hub: Hub, learners: list[Learner], timeout: float = 120):
    async def one(learner):
        url = f"{hub.url}/hub/api/users/{learner.name}/server"
        async with session.delete(url, headers=hub.headers) as r:
            if r.status not in (202, 204, 400):
                r.raise_for_status()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with session.get(f"{hub.url}/hub/api/users/{learner.name}", headers=hub.headers) as r:
                if not (await r.json()).get("servers"):
                    return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"{learner.name}'s server did not stop within {timeout} s")

    await asyncio.gather(*(one(lr) for lr in learners))


async def warm_then_click(session, hub: Hub, learners: list[Learner], parallel: int) -> dict:
    """Stop every server, warm the room as an instructor would, then every learner clicks the link at once."""
    await stop_servers(session, hub, learners)
    warmed = await warm_room.warm(hub.url, hub.token, [lr.name for lr in learners], parallel)
    clicks, failures = [], dict(warmed["failures"])

    async def click(learner):
        try:
            started = time.monotonic()
            async with browser() as tab:  # a fresh browser: log in, click the link
                await learner.log_in(tab)
                await learner.open_link(tab)  # no spawn: the server is already running
            await learner.pull(session)
            clicks.append(time.monotonic() - started)
            await learner.check_file_opens(session, links.START)
        except Exception as error:
            failures[learner.name] = f"{type(error).__name__}: {error}"

    await asyncio.gather(*(click(lr) for lr in learners))
    return {
        "warm_total_s": warmed["total_s"],
        "parallel": parallel,
        "warm_per_server_s": summary(list(warmed["seconds"].values())),
        "click_to_pulled_s": summary(clicks),
        "failures": failures,
    }


def isolation(
    before: dict, after: dict, tmp_before: set, tmp_after: set, learners: list[Learner], processes: list[str]
) -> dict:
    changed = sorted(
        f"{p} ({'new' if p not in before else 'modified'})" for p, stamp in after.items() if before.get(p) != stamp
    )
    new_tmp = sorted(tmp_after - tmp_before)
    own = {}
    for learner in learners:
        clone = learner.home / TARGET
        own[learner.name] = {
            "clip_in_own_clone": any(p.stat().st_size > 0 for p in (clone / "notebooks").rglob("alloy.mp3")),
            "scratch_in_own_home": any(learner.home.rglob(".scratch")),
        }
    return {
        "writes_outside_homes": changed[:50],
        "writes_outside_homes_count": len(changed),
        "new_in_tmp": new_tmp[:50],
        "processes_outside_homes": processes[:50],
        "per_learner": own,
        "ok": not changed
        and not new_tmp
        and not processes
        and all(v["clip_in_own_clone"] and v["scratch_in_own_home"] for v in own.values()),
    }


def capacity(result: dict) -> dict:
    """Planning figures from what was measured (formulas in INSTRUCTORS.md, 'Room plan')."""
    n = result["learners"]
    mem = result["memory"]
    per_learner = mem["pss_per_learner_mib"]["p50"] or 0
    cpu_each = result["cpu_seconds_per_learner"]
    # A learner who opens all eight workshop notebooks and never shuts one down: one server, eight kernels.
    kernel = (mem["pss_kernels_mib_p50"] or 0) / max(1, len(result["notebooks"]))
    all_open = (mem["pss_server_mib_p50"] or 0) + 8 * kernel
    rows = []
    for room in (30, 50, 100):
        gib = (mem["pss_hub_and_proxy_mib"] + room * all_open) * 1.25 / 1024  # 25 % headroom
        cores = max(2, math.ceil(room * cpu_each / 60))  # the whole room from arrival to audio within ~60 s
        rows.append({"learners": room, "memory_gib": round(gib, 1), "cores": cores})
    return {
        "measured_learners": n,
        "pss_per_learner_mib": round(per_learner, 1),
        "pss_all_notebooks_open_mib": round(all_open, 1),
        "learners_per_gib": round(1024 / per_learner, 1) if per_learner else None,
        "learners_per_gib_all_open": round(1024 / all_open, 1) if all_open else None,
        "cpu_seconds_per_arrival": round(cpu_each, 2),
        "arrivals_per_core_per_minute": round(60 / cpu_each, 1) if cpu_each else None,
        "idle_millicores_per_learner": result.get("idle_millicores_per_learner"),
        "rooms": rows,
    }


def table(result: dict) -> str:
    def fmt(d, key):
        v = d.get(key)
        return "-" if v is None else f"{v:.1f}"

    t = result["timings"]
    lines = [
        f"Rehearsal: {result['learners']} learners, notebooks {', '.join(result['notebooks'])}, "
        f"{result['ok_learners']}/{result['learners']} OK, {os.cpu_count()} cores",
        "",
        "| figure | p50 | p95 | max |",
        "|---|---|---|---|",
    ]
    for key in ["spawn_s", "pull_s", "kernel_ready_s", "first_audio_after_kernel_s", "first_audio_s", "total_s"]:
        if key in t:
            lines.append(f"| {key} | {fmt(t[key], 'p50')} | {fmt(t[key], 'p95')} | {fmt(t[key], 'max')} |")
    mem = result["memory"]["pss_per_learner_mib"]
    lines.append(f"| PSS per learner, MiB | {fmt(mem, 'p50')} | {fmt(mem, 'p95')} | {fmt(mem, 'max')} |")
    w = result.get("warm_room") or {}
    if w:
        lines.append(
            f"| warm: link click to pulled, s | {fmt(w['click_to_pulled_s'], 'p50')} | "
            f"{fmt(w['click_to_pulled_s'], 'p95')} | {fmt(w['click_to_pulled_s'], 'max')} |"
        )
    c = result["capacity"]
    lines += [
        "",
        f"peak PSS of the run's processes {result['peak_run_pss_mib']:.0f} MiB; machine: peak memory added "
        f"{result['peak_memory_added_mib']:.0f} MiB, peak load {result['peak_load1']:.1f}; "
        f"hub+proxy PSS {result['memory']['pss_hub_and_proxy_mib']:.0f} MiB",
        f"warm the room: {w.get('warm_total_s', 0):.0f} s for {result['learners']} servers "
        f"({w.get('parallel')} at a time)",
        f"second pull: {result['second_pull']['kept_edit']}/{result['learners']} kept the learner's edit, "
        f"{result['second_pull']['new_file_arrived']} got the new file, "
        f"{result['second_pull']['instructor_change_dropped']} silently dropped the instructor's change to it",
        f"isolation: {'OK' if result['isolation']['ok'] else 'FAILED'} "
        f"({result['isolation']['writes_outside_homes_count']} files written outside the homes)",
        f"cleanup: {result['cleanup']['seconds']:.0f} s, orphans {result['cleanup']['orphans']}",
        "",
        f"capacity: {c['pss_per_learner_mib']} MiB per learner with {len(result['notebooks'])} kernel(s) "
        f"({c['learners_per_gib']} per GiB); {c['pss_all_notebooks_open_mib']} MiB with 8 notebooks open "
        f"({c['learners_per_gib_all_open']} per GiB); {c['cpu_seconds_per_arrival']} CPU-s per arrival "
        f"({c['arrivals_per_core_per_minute']} per core per minute); idle {c['idle_millicores_per_learner']} "
        "millicores per learner",
        "",
        "| room | memory (8 notebooks open, +25 %) | cores (all arrive, audio in ~60 s) |",
        "|---|---|---|",
    ]
    lines += [f"| {r['learners']} | {r['memory_gib']} GiB | {r['cores']} |" for r in c["rooms"]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- main
async def rehearse(args) -> dict:
    run_id = uuid.uuid4().hex
    scratch = Path(tempfile.mkdtemp(prefix="g4fr-", dir=args.scratch_parent))
    names = [f"learner{i:02d}" for i in range(1, args.learners + 1)]
    longest = max(len(str(scratch / "home" / n / ".rt")) for n in names) + len("/kernel--ipc-5") + 36
    if longest > SOCKET_PATH_MAX:
        raise SystemExit(f"kernel socket paths would be {longest} characters (> {SOCKET_PATH_MAX}): shorter --scratch")
    notebooks = [next(p.name for p in (ROOT / "notebooks").glob(f"{k}_*.ipynb")) for k in args.notebooks.split(",")]

    origin = scratch / "origin.git"
    git("init", "--quiet", "--bare", str(origin))
    git("push", "--quiet", f"file://{origin}", "HEAD:refs/heads/main", cwd=ROOT)
    git("--git-dir", str(origin), "symbolic-ref", "HEAD", "refs/heads/main")
    origin_url = f"file://{origin}"

    # The repository with the shared .venv, the scratch dir but the homes, where g4f would write in the hub
    # user's own home. (Jupyter's and IPython's files in that home also change when anything else on this
    # machine runs a kernel, so the learners' own processes are checked for those instead: see where().)
    watched = [ROOT, scratch, *(Path.home() / d for d in G4F_HOME_PLACES)]
    # What the learners import is compiled first, as a hub image's build would; else their first import
    # writes __pycache__ into the shared install, and the check below would rightly count it.
    subprocess.run([str(VENV_BIN / "python"), "-m", "compileall", "-q", str(ROOT / "helpers")], check=True)
    skip = [
        ROOT / ".git",
        ROOT / "artifacts",
        ROOT / "site" / "_build",
        ROOT / ".ruff_cache",
        ROOT / ".pytest_cache",
        Path.home() / ".cache/pip",
    ]
    skip += [scratch / "home", scratch / "hub", origin]
    before, tmp_before = snapshot(watched, skip), tmp_entries(scratch)

    hub = Hub(scratch, run_id)
    learners = [Learner(n, hub, origin_url) for n in names]
    sampler = Sampler(run_id)
    result: dict = {"learners": args.learners, "notebooks": notebooks, "scratch": str(scratch), "run": run_id}
    baseline = Sampler.used_mib()
    outside: list[str] = []
    timeout = aiohttp.ClientTimeout(total=None, sock_read=900)
    connector = aiohttp.TCPConnector(limit=0)
    hub.start()
    sampler.start()
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            await hub.wait_ready(session)
            cpu0, t0 = sampler.cpu(), time.monotonic()
            await asyncio.wait_for(cold_class(session, hub, learners, notebooks, args.gap), args.timeout)
            result["cold_class_s"] = time.monotonic() - t0
            result["cpu_seconds_per_learner"] = (sampler.cpu() - cpu0) / args.learners
            result["memory"] = memory(run_id, learners)
            outside += where(run_id, learners, hub.log)
            cpu0 = sampler.cpu()
            await asyncio.sleep(args.idle)
            idle = (sampler.cpu() - cpu0) / args.idle
            result["idle_millicores_per_learner"] = round(1000 * idle / args.learners, 1)

            result["edit_failures"] = await edits(session, learners)
            instructor_pushes_a_fix(scratch, origin)
            result["second_pull"] = await asyncio.wait_for(second_pull(session, learners), args.timeout)
            outside += where(run_id, learners, hub.log)
            if args.warm:
                result["warm_room"] = await asyncio.wait_for(
                    warm_then_click(session, hub, learners, args.parallel), args.timeout
                )
            await stop_servers(session, hub, learners)
    finally:
        await sampler.stop()
        cleanup_started = time.monotonic()
        hub.stop()
        deadline = time.monotonic() + 10  # what the hub stopped may take a moment to exit
        while (leftovers := run_processes(run_id)) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in leftovers:  # orphans: only processes carrying this run's mark, by their id
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        result["cleanup"] = {"seconds": time.monotonic() - cleanup_started, "orphans": len(leftovers)}

    after, tmp_after = snapshot(watched, skip), tmp_entries(scratch)
    result["isolation"] = isolation(before, after, tmp_before, tmp_after, learners, outside)
    result["failures"] = {lr.name: lr.failures for lr in learners if lr.failures}
    result["ok_learners"] = args.learners - len(result["failures"])
    keys = sorted({k for lr in learners for k in lr.times})
    result["timings"] = {k: summary([lr.times[k] for lr in learners if k in lr.times]) for k in keys}
    result["peak_memory_added_mib"] = max((s["used_mib"] for s in sampler.samples), default=baseline) - baseline
    result["peak_load1"] = max((s["load1"] for s in sampler.samples), default=0.0)
    result["peak_run_pss_mib"] = max((s["pss_mib"] for s in sampler.samples), default=0.0)
    result["capacity"] = capacity(result)
    result["hub_log"] = str(hub.log)
    result["ok"] = (
        result["ok_learners"] == args.learners
        and not result["edit_failures"]
        and result["second_pull"]["kept_edit"] == args.learners
        and result["second_pull"]["new_file_arrived"] == args.learners
        and result["isolation"]["ok"]
        and not (result.get("warm_room") or {}).get("failures")
        and result["cleanup"]["orphans"] == 0
    )
    if result["ok"] and not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
        result["hub_log"] = None
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A simulated class on a real JupyterHub on 127.0.0.1.")
    parser.add_argument("-n", "--learners", type=int, default=int(os.environ.get("N", 3)))
    parser.add_argument("--notebooks", default="02", help="notebook numbers to run, comma-separated (default 02)")
    parser.add_argument("--gap", type=float, default=0.0, help="seconds between arrivals (0: all at once)")
    parser.add_argument("--parallel", type=int, default=2 * (os.cpu_count() or 1), help="servers warmed at a time")
    parser.add_argument("--no-warm", dest="warm", action="store_false", help="skip the warm-the-room phase")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measured after the runs")
    parser.add_argument("--timeout", type=float, default=600.0, help="bound on each phase, seconds")
    parser.add_argument("--scratch-parent", default="/tmp", help="where the scratch dir (homes, hub) goes")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir even when all went well")
    parser.add_argument("--json", default=str(ROOT / "artifacts" / "rehearsal.json"))
    args = parser.parse_args(argv)
    for need, how in [(PROXY, "make hub"), (VENV_BIN / "jupyterhub", "make hub")]:
        if not need.exists():
            raise SystemExit(f"{need} is missing: run `{how}` first")
    result = asyncio.run(rehearse(args))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=1, default=str))
    print(table(result))
    for name, why in result["failures"].items():
        print(f"FAILED {name}: {why}")
    found = result["isolation"]
    for path in found["writes_outside_homes"][:10] + found["new_in_tmp"][:10] + found["processes_outside_homes"][:10]:
        print(f"outside the homes: {path}")
    if not result["ok"]:
        print(f"NOT OK; details in {args.json}" + (f", hub log {result['hub_log']}" if result["hub_log"] else ""))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
