"""Warm the room: start every learner's server before class, so a link clicked at 9:00 opens Lab in seconds.

    python deploy/warm_room.py https://hub.example.org --token $TOKEN --users learners.txt
    python deploy/warm_room.py https://hub.example.org --token $TOKEN --all

The token belongs to an admin or a service with the scopes admin:users, admin:servers, list:users and
read:users (deploy/z2jh/values.yaml and deploy/tljh/ set one up). --users names a file with one user name per
line; users that do not exist yet are created. Starting a server costs about 3 CPU-seconds, so --parallel
should be about twice the hub host's core count (the default; a Kubernetes cluster can take more). Turn
idle culling off, or longer than the time to class, or the culler stops what this started.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

import aiohttp

PAGINATION = {"Accept": "application/jupyterhub-pagination+json"}


def _headers(token: str) -> dict:
    return {"Authorization": f"token {token}"}


async def events(response: aiohttp.ClientResponse):
    """The JSON events of a server-sent event stream (the hub's spawn progress, nbgitpuller's api)."""
    async for raw in response.content:
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith("data:"):
            yield json.loads(line[5:])


async def list_users(session: aiohttp.ClientSession, hub: str, token: str) -> list[str]:
    """Every user name, page by page (an unpaginated GET /hub/api/users stops at 200)."""
    names, offset = [], 0
    while True:
        url = f"{hub}/hub/api/users?offset={offset}&limit=200"
        async with session.get(url, headers={**_headers(token), **PAGINATION}) as response:
            response.raise_for_status()
            page = await response.json()
        names += [user["name"] for user in page["items"]]
        following = page["_pagination"].get("next")
        if not following:
            return names
        offset = following["offset"]


async def create_users(session: aiohttp.ClientSession, hub: str, token: str, names: list[str]) -> None:
    existing = set(await list_users(session, hub, token))
    missing = [name for name in names if name not in existing]
    if missing:
        url = f"{hub}/hub/api/users"
        async with session.post(url, headers=_headers(token), json={"usernames": missing}) as response:
            response.raise_for_status()


async def start_server(session: aiohttp.ClientSession, hub: str, token: str, name: str) -> float:
    """Start one user's default server and wait until the hub says it is ready; the seconds it took."""
    started = time.monotonic()
    async with session.post(f"{hub}/hub/api/users/{name}/server", headers=_headers(token)) as response:
        if response.status == 400 and "already running" in (await response.text()):
            return time.monotonic() - started
        response.raise_for_status()
        if response.status == 201:
            return time.monotonic() - started
    url = f"{hub}/hub/api/users/{name}/server/progress"
    async with session.get(url, headers=_headers(token)) as response:
        response.raise_for_status()
        async for event in events(response):
            if event.get("failed"):
                raise RuntimeError(f"{name}: spawn failed: {event.get('message')}")
            if event.get("ready"):
                return time.monotonic() - started
    raise RuntimeError(f"{name}: the progress stream ended before the server was ready")


async def warm(hub: str, token: str, names: list[str], parallel: int = 4) -> dict:
    """Start every named user's server, at most `parallel` at a time. Per-user seconds and failures."""
    hub = hub.rstrip("/")
    gate = asyncio.Semaphore(parallel)
    seconds: dict[str, float] = {}
    failures: dict[str, str] = {}
    started = time.monotonic()
    timeout = aiohttp.ClientTimeout(total=None, sock_read=900)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await create_users(session, hub, token, names)

        async def one(name):
            async with gate:
                try:
                    seconds[name] = await start_server(session, hub, token, name)
                except Exception as error:  # one learner's failure must not stop the others
                    failures[name] = f"{type(error).__name__}: {error}"

        await asyncio.gather(*(one(name) for name in names))
    return {"total_s": time.monotonic() - started, "parallel": parallel, "seconds": seconds, "failures": failures}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub")
    parser.add_argument("--token", default=os.environ.get("JUPYTERHUB_API_TOKEN"), help="or JUPYTERHUB_API_TOKEN")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--users", help="a file with one user name per line")
    group.add_argument("--all", action="store_true", help="every user the hub knows")
    parser.add_argument("--parallel", type=int, default=2 * (os.cpu_count() or 1))
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("no --token and no JUPYTERHUB_API_TOKEN")

    async def run():
        if args.all:
            async with aiohttp.ClientSession() as session:
                names = await list_users(session, args.hub.rstrip("/"), args.token)
        else:
            with open(args.users, encoding="utf-8") as listing:
                names = [line.strip() for line in listing if line.strip() and not line.startswith("#")]
        return await warm(args.hub, args.token, names, args.parallel)

    result = asyncio.run(run())
    ready = sorted(result["seconds"].values())
    print(f"{len(ready)} servers ready in {result['total_s']:.0f} s ({args.parallel} at a time)")
    for name, why in sorted(result["failures"].items()):
        print(f"FAILED {name}: {why}")
    raise SystemExit(1 if result["failures"] else 0)


if __name__ == "__main__":
    main()
