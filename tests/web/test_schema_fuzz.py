"""Schemathesis against the app's own ``/openapi.json``: no generated request gets a 5xx answer.

A limited number of examples per endpoint keeps it quick; ``bench/web_schemathesis.py`` runs many more. The
requests carry the session token, so the state-changing endpoints are really exercised (not just refused)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from harmony.web import create_app  # noqa: E402
from harmony.workers import PoolConfig, WorkerManager  # noqa: E402


@pytest.fixture(scope="module")
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("fuzz")
    home = folder / "home"
    home.mkdir()
    manager = WorkerManager(PoolConfig(max_workers=1), PoolConfig(max_workers=1))
    # Schemathesis' ASGI client sends "Host: testserver".
    return create_app(
        folder / "library.db",
        manager,
        extra_hosts=("testserver",),
        browse_root=home,
        spool_dir=str(folder),
        freeze_gc=False,
    )


@pytest.fixture(scope="module")
def web_schema(web_app: Any) -> Any:
    # The event stream never ends by itself; its one GET has no parameters to fuzz.
    return schemathesis.openapi.from_asgi("/openapi.json", web_app).exclude(path="/api/events")


def fuzz(web_schema: Any, token: str, examples: int) -> list[str]:
    """Send ``examples`` generated requests to every endpoint; return the ones answered with a 5xx."""
    from hypothesis import given

    failures: list[str] = []
    for result in web_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call(headers={"X-Harmony-Token": token})
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text}")

        run()
    return failures


def test_no_server_errors(web_app: Any, web_schema: Any) -> None:
    failures = fuzz(web_schema, web_app.state.web.guard.token, examples=15)
    assert failures == []
