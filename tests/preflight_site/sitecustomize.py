"""For a ``python tools/preflight.py`` started by a test: the network guard, then g4f pointed at the fakes.

The guard is tests/netguard_site's (loopback only, attempts logged to $NETWORK_ATTEMPTS_LOG); with
$FAKE_POLLINATIONS_URL set, g4f's Pollinations providers ask the fake at that address instead of the real hosts;
with $FAKE_KEYLESS_FAULTS set (JSON: service -> fault), the keyless services' fakes answer their real hostnames;
with $FAKE_SERVED set (a JSON file written by a test from fake_providers.served), the real hostnames reach fakes
running in that test's process (tests/test_record_flow.py: a record run's kernels).
Both the preflight and the fresh process it starts load this (PYTHONPATH is inherited).
"""

import atexit
import json
import os
import runpy
import sys
from pathlib import Path

_TESTS = Path(__file__).resolve().parents[1]
runpy.run_path(str(_TESTS / "netguard_site" / "sitecustomize.py"))

if os.environ.get("FAKE_POLLINATIONS_URL"):
    sys.path.insert(0, str(_TESTS))
    from fake_pollinations import point_g4f_at

    point_g4f_at(os.environ["FAKE_POLLINATIONS_URL"])

if os.environ.get("FAKE_KEYLESS_FAULTS"):
    sys.path.insert(0, str(_TESTS))
    from fake_providers import real_hosts

    _KEYLESS = real_hosts(faults=json.loads(os.environ["FAKE_KEYLESS_FAULTS"]))
    _KEYLESS.__enter__()  # for the life of the process
    atexit.register(_KEYLESS.__exit__, None, None, None)

if os.environ.get("FAKE_SERVED"):
    sys.path.insert(0, str(_TESTS))
    from fake_providers import names_from

    _SERVED = names_from(json.loads(Path(os.environ["FAKE_SERVED"]).read_text()))
    _SERVED.__enter__()  # for the life of the process
    atexit.register(_SERVED.__exit__, None, None, None)
