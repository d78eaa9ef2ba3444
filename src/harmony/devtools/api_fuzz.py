"""Fuzzing the web API from its own ``/openapi.json`` with Schemathesis and all its checks, stateless and
stateful: what tests/web/test_schema_fuzz.py runs briefly and bench/web_schemathesis.py at length.

Needs the ``test`` extra (Schemathesis)."""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import hypothesis
import schemathesis
import schemathesis.specs.openapi.checks  # registers the OpenAPI checks  # noqa: F401
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import FlakyStrategyDefinition, Unsatisfiable
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import CHECKS
from schemathesis.generation import GenerationMode

__all__ = ["all_checks", "run_stateful", "stateless_failures"]


def all_checks() -> list[Any]:
    """Every check Schemathesis has (what ``--checks all`` runs)."""
    return list(CHECKS.get_all())


def stateless_failures(schema: Any, token: str, examples: int) -> list[str]:
    """Send ``examples`` schema-valid and ``examples`` schema-violating requests to every operation, checking
    each answer with every check; return one line per distinct failure."""
    failures: dict[str, None] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in GenerationMode:
            with contextlib.suppress(Unsatisfiable):  # an operation without inputs has no schema-violating request
                _fuzz(operation, mode, token, examples, failures)
    return list(failures)


def _fuzz(operation: Any, mode: GenerationMode, token: str, examples: int, failures: dict[str, None]) -> None:
    checks = all_checks()
    headers = {"X-Harmony-Token": token}
    where = f"{operation.method.upper()} {operation.path} [{mode.value}]"

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: Any) -> None:
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except (AssertionError, BaseExceptionGroup) as failure:
            lines = [line.strip() for line in str(failure).strip().splitlines() if line.strip()]
            failures.setdefault(f"{where}: {' / '.join(lines[:8])}")

    run()


def run_stateful(schema: Any, token: str, hypothesis_settings: settings, *, seed: int | None = None) -> None:
    """The stateful phase: sequences of calls following the links between operations, every answer checked
    with every check. Raises on the first failure. ``seed`` fixes Hypothesis' choices (as ``--hypothesis-seed``
    does for a whole pytest run).

    All sequences talk to one app, and what one sequence made stays for the next: a playlist, and its id, which
    the library never hands out again. Hypothesis replays the start of a sequence to try other endings, and
    expects the same start to offer the same choices. A replayed request can find the app changed (a made-up
    playlist id answered 404 the first time and 200 once a later sequence created that playlist), a link then
    becomes usable that was not, and Hypothesis stops with ``FlakyStrategyDefinition``. That is the harness
    meeting the app's memory, not a fault of the API (Schemathesis' own runner does not report it either): it
    ends the run without failing it, unless a check or the app failed before it, which is raised instead."""
    checks = all_checks()
    headers = {"X-Harmony-Token": token}
    failed: list[BaseException] = []

    class Stateful(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = (), **kwargs: Any) -> None:
            case.validate_response(response, checks=checks, headers=headers)

        def step(self, input: Any) -> Any:
            # Every failure passes here before Hypothesis sees it: the app's own exception, or the checks' (a
            # ``FailureGroup``, an exception group that is not an ``Exception``).
            try:
                return super().step(input)
            except (Exception, BaseExceptionGroup) as failure:
                failed.append(failure)
                raise

    if seed is not None:
        hypothesis.seed(seed)(Stateful)
    try:
        run_state_machine_as_test(Stateful, settings=hypothesis_settings)
    except FlakyStrategyDefinition as replay_differed:
        if failed:
            raise failed[0] from replay_differed
        # Said, not hidden: the run ended before the sequences asked for.
        warnings.warn(
            "the stateful phase ended early: a replayed sequence found the app changed by a later one",
            stacklevel=2,
        )
