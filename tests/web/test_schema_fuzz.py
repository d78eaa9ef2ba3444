"""Schemathesis against the app's own ``/openapi.json``, with every check it has (``--checks all``): no 5xx,
every answer's status, headers and body as documented, every schema-valid request accepted and every
schema-violating one refused, ``Allow`` as documented; then the stateful phase, which follows the links between
operations (an operation's id into its cancel, a track's id into its page).

The quick suite sends a few requests to every operation, the whole suite (``-m slow``) more;
``bench/web_schemathesis.py`` runs many more still. The requests carry
the session token, so the state-changing endpoints are really exercised (not just refused)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")

from harmony.devtools.api_fuzz import run_stateful, stateless_failures  # noqa: E402
from harmony.web import create_app  # noqa: E402
from harmony.workers import PoolConfig, WorkerManager  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def server_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fuzzed app runs in an empty folder of its own, which must stay empty: a path the API took relative
    would land there (and not in the checkout)."""
    folder = tmp_path_factory.mktemp("cwd")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        yield folder
    assert sorted(p.name for p in folder.iterdir()) == []


@pytest.fixture
def web_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # One app per test: a run ends the app's lifespan, which shuts its worker pools down for good, so a second
    # test on the same app met "the sync worker pool cannot run the task: it is shutting down".
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


@pytest.fixture
def web_schema(web_app: Any) -> Any:
    # The event stream never ends by itself; its one GET has no parameters to fuzz.
    return schemathesis.openapi.from_asgi("/openapi.json", web_app).exclude(path="/api/events")


#: Requests of each kind per operation: the quick suite sends a few to every operation, the whole suite more.
QUICK_EXAMPLES = 2
FULL_EXAMPLES = 12


@pytest.mark.timeout(300)
def test_every_check_holds_for_generated_requests(web_app: Any, web_schema: Any) -> None:
    failures = stateless_failures(web_schema, web_app.state.web.guard.token, examples=QUICK_EXAMPLES)
    assert failures == []


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_every_check_holds_for_many_generated_requests(web_app: Any, web_schema: Any) -> None:
    failures = stateless_failures(web_schema, web_app.state.web.guard.token, examples=FULL_EXAMPLES)
    assert failures == []


#: The stateful phase of the quick suite: a few short sequences.
STATEFUL = settings(
    max_examples=15,
    stateful_step_count=5,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

#: With these settings (Hypothesis 6.170, Schemathesis 4.32), this seed's sequences replay a request the app
#: answers otherwise the second time: a made-up playlist id, 404 at first, names a playlist a later sequence
#: created, and Hypothesis stopped with "Inconsistent data generation" (about one seed in 160 did). The app's
#: endpoints change which seeds do: 25 did until the track-ids endpoints came (seeds 26 and 33 of 26–35 then).
REPLAYED_INTO_A_CHANGED_APP = 26


@pytest.mark.timeout(300)
def test_the_stateful_phase_finds_nothing(web_app: Any, web_schema: Any) -> None:
    run_stateful(web_schema, web_app.state.web.guard.token, STATEFUL)


@pytest.mark.timeout(300)
def test_a_replay_that_finds_the_app_changed_is_no_failure(web_app: Any, web_schema: Any) -> None:
    # The warning shows the seed still meets such a replay (with other versions it may not: pick another seed).
    with pytest.warns(UserWarning, match="ended early"):
        run_stateful(web_schema, web_app.state.web.guard.token, STATEFUL, seed=REPLAYED_INTO_A_CHANGED_APP)


@pytest.mark.parametrize("failure", ["app", "check"])
def test_a_failure_before_a_differing_replay_is_raised(
    web_app: Any, web_schema: Any, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """A step fails (the app raises, or a check finds a bad answer), then Hypothesis stops at a replay that
    differs: the run reports the step's failure. A check's failure is an exception group, not an ``Exception``;
    recorded as one, it was forgiven with the replay and the run passed."""
    from hypothesis.errors import FlakyStrategyDefinition
    from schemathesis.core.failures import Failure, FailureGroup
    from schemathesis.generation.stateful.state_machine import APIStateMachine

    from harmony.devtools import api_fuzz

    planted: BaseException = (
        RuntimeError("planted failure")
        if failure == "app"
        else FailureGroup([Failure(operation="POST /api/playlists", message="planted failure")])
    )

    def failing_step(self: Any, input: Any) -> Any:
        raise planted

    def one_step_then_a_differing_replay(machine: Any, settings: Any) -> None:
        with contextlib.suppress(BaseException):
            machine().step(None)
        raise FlakyStrategyDefinition("Inconsistent data generation!")

    monkeypatch.setattr(APIStateMachine, "step", failing_step)
    monkeypatch.setattr(api_fuzz, "run_state_machine_as_test", one_step_then_a_differing_replay)
    with pytest.raises(type(planted)) as raised:
        run_stateful(web_schema, web_app.state.web.guard.token, STATEFUL)
    assert raised.value is planted


def test_a_differing_replay_alone_ends_the_run_without_failing_it(
    web_app: Any, web_schema: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hypothesis.errors import FlakyStrategyDefinition

    from harmony.devtools import api_fuzz

    def a_differing_replay(machine: Any, settings: Any) -> None:
        raise FlakyStrategyDefinition("Inconsistent data generation!")

    monkeypatch.setattr(api_fuzz, "run_state_machine_as_test", a_differing_replay)
    with pytest.warns(UserWarning, match="ended early"):
        run_stateful(web_schema, web_app.state.web.guard.token, STATEFUL)
