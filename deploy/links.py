"""Print the nbgitpuller links a room needs: the notebooks, and the exercise set (solutions removed).

    python deploy/links.py https://hub.example.org                 # branch main of the public repository
    python deploy/links.py https://hub.example.org --branch workshop-2026 --repo https://github.com/you/fork

A learner who opens a link logs in, gets their own server, and nbgitpuller clones (first time) or merges
(later) the repository into ~/<targetpath>, then opens the file. Their own edits survive a second pull.
"""

from __future__ import annotations

import argparse
from urllib.parse import quote, urlencode

REPO = "https://github.com/g4f-audio-notebooks/g4f-audio-notebooks"
TARGET = "g4f-audio-notebooks"
START = "notebooks/00_start_here.ipynb"
EXERCISES = "notebooks/exercises/00_start_here.ipynb"


def pull_query(repo: str = REPO, branch: str = "main", targetpath: str = TARGET, file: str = START) -> str:
    """The query nbgitpuller's /git-pull (and its /git-pull/api) reads; urlpath opens the file in Lab."""
    return urlencode(
        {"repo": repo, "branch": branch, "targetpath": targetpath, "urlpath": f"lab/tree/{targetpath}/{file}"},
        quote_via=quote,
    )


def link(hub: str, file: str = START, repo: str = REPO, branch: str = "main", targetpath: str = TARGET) -> str:
    """A link for everyone: /hub/user-redirect/ sends each learner to their own server."""
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{pull_query(repo, branch, targetpath, file)}"


def default_url(repo: str = REPO, branch: str = "main", targetpath: str = TARGET, file: str = START) -> str:
    """What a hub's Spawner.default_url (z2jh: singleuser.defaultUrl) is set to, so logging in pulls too."""
    return f"/git-pull?{pull_query(repo, branch, targetpath, file)}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub", help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--repo", default=REPO, help="a clone URL nbgitpuller can reach (https:// or file://)")
    parser.add_argument("--targetpath", default=TARGET, help="the folder it lands in, in each learner's home")
    args = parser.parse_args(argv)
    where = {"repo": args.repo, "branch": args.branch, "targetpath": args.targetpath}
    print(f"notebooks:  {link(args.hub, START, **where)}")
    print(f"exercises:  {link(args.hub, EXERCISES, **where)}")
    print(f"defaultUrl: {default_url(file=START, **where)}")


if __name__ == "__main__":
    main()
