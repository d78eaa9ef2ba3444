"""Fuzz the web app's API from its own /openapi.json with Schemathesis and count the answers per endpoint.

Usage: python bench/web_schemathesis.py [--examples 200]

Every generated request carries the session token (so state-changing endpoints run for real) and goes through
the ASGI app in-process, against a fresh library. Prints the status codes per endpoint and exits 1 when any
answer was a 5xx. (tests/web/test_schema_fuzz.py runs the same with a few examples per endpoint.)"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from harmony.web import create_app
from harmony.workers import PoolConfig, WorkerManager


def fuzz(operation: Any, token: str, examples: int) -> collections.Counter[int]:
    """Send ``examples`` generated requests to one endpoint; count the answers by status code."""
    codes: collections.Counter[int] = collections.Counter()

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        response = case.call(headers={"X-Harmony-Token": token})
        codes[response.status_code] += 1
        if response.status_code >= 500:
            print(f"  5xx: {case.method} {case.formatted_path} {case.query} {case.body!r}: {response.text}")

    run()
    return codes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="generated requests per endpoint")
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
    errors = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        codes = fuzz(operation, token, args.examples)
        errors += sum(n for code, n in codes.items() if code >= 500)
        print(f"{operation.method.upper():5} {operation.path:40} {dict(sorted(codes.items()))}")
    print(f"5xx answers: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
