"""The pool's small parts on their own: percentiles, the cancel token, function names, exit descriptions."""

from __future__ import annotations

import functools
import signal
import threading

import pytest
import worker_jobs as jobs

from harmony.workers import CancelToken, WorkerCrashedError, WorkerPool, no_progress
from harmony.workers.errors import describe_exit
from harmony.workers.protocol import function_ref, resolve_function
from harmony.workers.stats import LatencyWindow

pytestmark = pytest.mark.timeout(30)


def test_percentiles_use_nearest_rank_over_the_window() -> None:
    window = LatencyWindow(size=100)
    for value in range(1, 101):
        window.add(value / 1000)
    summary = window.summary()
    assert summary.count == 100
    assert (summary.p50, summary.p90, summary.p99, summary.max) == (0.050, 0.090, 0.099, 0.100)


def test_percentile_window_keeps_only_recent_samples_but_the_all_time_max() -> None:
    window = LatencyWindow(size=10)
    window.add(5.0)
    for _ in range(10):
        window.add(0.001)
    summary = window.summary()
    assert (summary.count, summary.p99, summary.max) == (10, 0.001, 5.0)


def test_empty_window_summary_is_zero() -> None:
    summary = LatencyWindow().summary()
    assert (summary.count, summary.p50, summary.max) == (0, 0.0, 0.0)


def test_cancel_token_runs_callbacks_once_from_any_thread() -> None:
    token = CancelToken()
    calls: list[str] = []
    token.add_callback(lambda: calls.append("first"))
    unregister = token.add_callback(lambda: calls.append("removed"))
    unregister()
    thread = threading.Thread(target=token.cancel, args=("user pressed stop",))
    thread.start()
    thread.join()
    token.cancel()
    assert calls == ["first"]
    assert token.cancelled and token.reason == "user pressed stop"
    token.add_callback(lambda: calls.append("late"))  # already cancelled: runs at once
    assert calls == ["first", "late"]


def test_function_ref_names_importable_functions_only() -> None:
    assert function_ref(jobs.add) == ("worker_jobs", "add")
    assert resolve_function(("worker_jobs", "add")) is jobs.add
    with pytest.raises(TypeError):
        function_ref(functools.partial(jobs.add, 1))


def test_exit_descriptions_name_signals_and_codes() -> None:
    assert describe_exit(-signal.SIGKILL) == "signal SIGKILL"
    assert describe_exit(3) == "exit code 3"
    crashed = WorkerCrashedError("sync", 1234, -signal.SIGSEGV, "jobs.parse")
    assert crashed.signal == signal.SIGSEGV
    assert "pid 1234" in str(crashed) and "SIGSEGV" in str(crashed) and "jobs.parse" in str(crashed)


def test_no_progress_lets_a_job_run_outside_a_pool() -> None:
    assert jobs.report_many(3, progress=no_progress) == 3


@pytest.mark.parametrize(
    "options",
    [{"max_workers": 0}, {"min_workers": 3, "max_workers": 2}, {"max_queue": -1}, {"task_timeout": 0}],
)
def test_invalid_options_are_refused(options: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        WorkerPool(**options)  # type: ignore[arg-type]


async def test_start_waits_for_the_minimum_workers() -> None:
    pool = WorkerPool("start", min_workers=2, max_workers=2)
    try:
        await pool.start()
        stats = pool.stats()
        assert (stats.idle_workers, stats.starting_workers) == (2, 0)
        assert stats.start_time.count == 2
        assert 0 < stats.start_time.p50 <= stats.start_time.max
    finally:
        await pool.destroy()
