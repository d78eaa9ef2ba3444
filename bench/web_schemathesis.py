"""Fuzz the web app's API from its own /openapi.json with Schemathesis, every check on, stateful phase included.

Usage: python bench/web_schemathesis.py [--examples 200] [--stateful 200]

Every generated request carries the session token (so state-changing endpoints run for real) and goes through
the ASGI app in-process, against a fresh library. ``--examples`` schema-valid and as many schema-violating
requests go to each operation, every answer checked with every check Schemathesis has (what ``st run --checks
all`` runs); then ``--stateful`` sequences of calls follow the links between operations. Prints each distinct
failure and exits 1 if there is any. (tests/web/test_schema_fuzz.py runs the same with a few examples.)"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from harmony.devtools.api_fuzz import run_stateful, stateless_failures
from harmony.web import create_app
from harmony.workers import PoolConfig, WorkerManager


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="generated requests per operation and mode")
    parser.add_argument("--stateful", type=int, default=200, help="stateful sequences of calls")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="harmony-fuzz-"))
    (folder / "home").mkdir()
    manager = WorkerManager(PoolConfig(max_workers=1), PoolConfig(max_workers=1))
    app = create_app(
        folder / "library.db",
        manager,
        extra_hosts=("testserver",),
        browse_root=folder / "home",
        spool_dir=str(folder),
        freeze_gc=False,
    )
    token = app.state.web.guard.token
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path="/api/events")
    started = time.perf_counter()
    failures = stateless_failures(schema, token, args.examples)
    for failure in failures:
        print(f"FAILED {failure}")
    print(f"stateless: {len(failures)} distinct failure(s) in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    stateful = settings(
        max_examples=args.stateful,
        stateful_step_count=8,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_stateful(schema, token, stateful)
        print(f"stateful: no failure in {time.perf_counter() - started:.0f} s")
    except Exception as failure:  # the first failure, as Schemathesis describes it
        print(f"stateful FAILED: {failure}")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
